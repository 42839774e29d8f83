"""Cohort-component projection checked against textbook Leslie examples and plain numpy."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from quartiere.errors import ParameterError, QuartiereWarning
from quartiere.scenarios import (
    BAND_STARTS,
    leslie_matrix,
    project_leslie,
    project_population,
    survival_ratios,
    to_age_bands,
)

# Preston, Heuveline & Guillot (2001), Demography, box 6.1 (p. 125): Sweden 1993 females.
# Nf = female population, Lf = 5Lx of the female life table (radix 100,000; last = T85),
# f = age-specific fertility rate (both sexes). Transcribed as published by G. Rodriguez,
# "Population projections" (Princeton eco572 computing log) and S. Daza (2013).
SWEDEN_NF = [
    293395,
    248369,
    240012,
    261346,
    285209,
    314388,
    281290,
    286923,
    304108,
    324946,
    247613,
    211351,
    215140,
    221764,
    223506,
    183654,
    141990,
    112424,
]
SWEDEN_LF = [
    497487,
    497138,
    496901,
    496531,
    495902,
    495168,
    494213,
    492760,
    490447,
    486613,
    480665,
    471786,
    457852,
    436153,
    402775,
    350358,
    271512,
    291707,
]
SWEDEN_F = [0, 0, 0, 0.0120, 0.0908, 0.1499, 0.1125, 0.0441, 0.0074, 0.0003] + [0] * 8
FFAB = 1 / 2.05  # fraction of births that are female (sex ratio at birth 1.05)


def rodriguez_leslie(L: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Independent transcription of G. Rodriguez's Leslie() (eco572 log, R/Stata code).

    L: person-years with radix one (last value T), m: maternity rates (female births).
    """
    n = len(L)
    M = np.zeros((n, n))
    for i in range(n - 1):
        M[i + 1, i] = L[i + 1] / L[i]
    M[n - 1, n - 2] = M[n - 1, n - 1] = L[n - 1] / (L[n - 2] + L[n - 1])
    for i in range(n - 1):
        if m[i] == 0 and m[i + 1] == 0:
            continue
        M[0, i] = L[0] * (m[i] + m[i + 1] * L[i + 1] / L[i]) / 2
    if m[n - 1] > 0:
        M[0, n - 1] = L[0] * m[n - 1]
    return M


def _sweden_frames():
    pop = pd.DataFrame(
        {
            "district": "Sweden",
            "sex": ["F"] * 18 + ["M"] * 18,
            "age": list(BAND_STARTS) * 2,
            "population": SWEDEN_NF + [0] * 18,
        }
    )
    lt = pd.DataFrame(
        {"sex": ["F"] * 18 + ["M"] * 18, "age": list(BAND_STARTS) * 2, "Lx": SWEDEN_LF * 2}
    )
    fert = pd.DataFrame({"age": list(BAND_STARTS), "rate": SWEDEN_F})
    return pop, lt, fert


def test_anton_rorres_leslie_example():
    # Anton & Rorres, Elementary Linear Algebra: Applications Version, "Leslie matrix models
    # of population growth", example 1: L = [[0,4,3],[1/2,0,0],[0,1/4,0]], x0 = 1000 each:
    # x1 = (7000, 500, 250), x2 = (2750, 3500, 125), x3 = (14375, 1375, 875);
    # dominant eigenvalue 3/2 with eigenvector (1, 1/3, 1/18).
    L = np.array([[0, 4, 3], [0.5, 0, 0], [0, 0.25, 0]])
    out = project_leslie(L, [1000, 1000, 1000], 3)
    np.testing.assert_allclose(out[1], [7000, 500, 250])
    np.testing.assert_allclose(out[2], [2750, 3500, 125])
    np.testing.assert_allclose(out[3], [14375, 1375, 875])
    vals, vecs = np.linalg.eig(L)
    k = np.argmax(vals.real)
    assert vals[k].real == pytest.approx(1.5)
    v = vecs[:, k].real / vecs[0, k].real
    np.testing.assert_allclose(v, [1, 1 / 3, 1 / 18])
    # the projection converges to that stable structure (Perron-Frobenius)
    far = project_leslie(L, [1000, 1000, 1000], 60)[-1]
    np.testing.assert_allclose(far / far[0], [1, 1 / 3, 1 / 18], rtol=1e-3)


def test_leslie_matrix_matches_preston_box_6_1_construction():
    ours = leslie_matrix(SWEDEN_LF, SWEDEN_F, radix=100_000, female_fraction=FFAB)
    ref = rodriguez_leslie(np.array(SWEDEN_LF) / 100_000, np.array(SWEDEN_F) * FFAB)
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-15)
    # the female population of Sweden 1993 totals 4,397,428 (Rodriguez log, sum(p93))
    assert sum(SWEDEN_NF) == 4_397_428


def test_five_year_projection_equals_numpy_leslie_product():
    pop, lt, fert = _sweden_frames()
    out = project_population(
        pop, fert, lt, base_year=1993, years=[1998, 2003], step="5y", radix=100_000
    )
    fem = out[(out["sex"] == "F")]
    ref = rodriguez_leslie(np.array(SWEDEN_LF) / 100_000, np.array(SWEDEN_F) * FFAB)
    p98 = ref @ np.array(SWEDEN_NF, dtype=float)
    p03 = ref @ p98
    got98 = fem[fem["year"] == 1998].sort_values("age_start")["population"].to_numpy()
    got03 = fem[fem["year"] == 2003].sort_values("age_start")["population"].to_numpy()
    np.testing.assert_allclose(got98, p98, rtol=1e-12)
    np.testing.assert_allclose(got03, p03, rtol=1e-12)
    # boys: female births x SRB survived with the male 5L0 (same life table here)
    boys = out[(out["sex"] == "M") & (out["year"] == 1998) & (out["age_start"] == 0)]
    assert boys["population"].item() == pytest.approx(p98[0] * 1.05, rel=1e-12)


def test_annual_interpolation_matches_independent_matrix():
    pop, lt, fert = _sweden_frames()
    out = project_population(pop, fert, lt, base_year=1993, years=[1994, 1995, 1996])
    L = np.array(SWEDEN_LF, dtype=float)
    S = np.append(L[1:-1] / L[:-2], [L[-1] / (L[-2] + L[-1])] * 2)
    s1 = S ** (1 / 5)
    n = 18
    A = np.zeros((n, n))
    for i in range(n - 1):
        A[i, i] = 0.8 * s1[i]  # four fifths of the survivors stay in the band
        A[i + 1, i] = 0.2 * s1[i]  # one fifth moves up
    A[n - 1, n - 1] = s1[n - 1]  # the open band keeps all its survivors
    A[0, :] += np.array(SWEDEN_F) * FFAB * L[0] / (5 * 100_000)
    p = np.array(SWEDEN_NF, dtype=float)
    for year in (1994, 1995, 1996):
        p = A @ p
        got = out[(out["sex"] == "F") & (out["year"] == year)].sort_values("age_start")
        np.testing.assert_allclose(got["population"].to_numpy(), p, rtol=1e-12)


def test_annual_steps_approximate_one_five_year_step():
    pop, lt, fert = _sweden_frames()
    annual = project_population(pop, fert, lt, base_year=1993, years=[1998])
    five = project_population(pop, fert, lt, base_year=1993, years=[1998], step="5y")
    a = annual[(annual["year"] == 1998) & (annual["sex"] == "F")]["population"].sum()
    b = five[(five["year"] == 1998) & (five["sex"] == "F")]["population"].sum()
    assert a == pytest.approx(b, rel=0.01)


def test_one_fifth_moves_up_without_mortality():
    # no deaths in bands 0-79 (constant Lx), no births: after one year band i holds
    # 4/5 of itself and 1/5 of band i-1 (the documented interpolation rule)
    pop = pd.DataFrame(
        {
            "district": "A",
            "sex": "F",
            "age": list(BAND_STARTS),
            "population": np.arange(1, 19) * 100.0,
        }
    )
    lt = pd.DataFrame(
        {
            "sex": ["F"] * 18 + ["M"] * 18,
            "age": list(BAND_STARTS) * 2,
            "Lx": ([5.0] * 17 + [50.0]) * 2,
        }
    )
    fert = pd.DataFrame({"age": [30], "rate": [0.0]})
    out = project_population(pop, fert, lt, base_year=2026, years=[2027], radix=1.0)
    got = out[(out["year"] == 2027) & (out["sex"] == "F")]["population"].to_numpy()
    p = np.arange(1, 19) * 100.0
    expected = 0.8 * p[1:16] + 0.2 * p[0:15]
    np.testing.assert_allclose(got[1:16], expected)


def test_net_migration_is_added_each_year():
    pop, lt, fert = _sweden_frames()
    mig = pd.DataFrame({"district": "Sweden", "sex": "F", "age": [25], "net": [1000.0]})
    closed = project_population(pop, fert, lt, base_year=1993, years=[1994])
    opened = project_population(pop, fert, lt, mig, base_year=1993, years=[1994])
    diff = opened["population"].to_numpy() - closed["population"].to_numpy()
    assert diff.sum() == pytest.approx(1000.0)
    assert diff.max() == pytest.approx(1000.0)


def test_scenarios_and_factors():
    pop, lt, fert = _sweden_frames()
    fert2 = pd.concat(
        [fert.assign(scenario="baseline"), fert.assign(scenario="high", rate=fert["rate"] * 1.2)]
    )
    out = project_population(
        pop, fert2, lt, base_year=1993, years=[1994], scenario=["baseline", "high"]
    )
    births = (
        out[(out["year"] == 1994) & (out["age_start"] == 0)].groupby("scenario")["population"].sum()
    )
    # the 0-4 band: 4/5 of survivors stay + births; births scale exactly with fertility
    base = out[(out["year"] == 1994) & (out["age_start"] == 0) & (out["scenario"] == "baseline")]
    assert births["high"] > births["baseline"]
    factor = project_population(pop, fert, lt, base_year=1993, years=[1994], fertility_factor=1.2)
    f0 = factor[(factor["year"] == 1994) & (factor["age_start"] == 0)]["population"].sum()
    assert f0 == pytest.approx(births["high"], rel=1e-12)
    assert len(base) == 2


def test_to_age_bands_keeps_totals_of_sample_population():
    raw = pd.read_csv("data/sample/population.csv", sep=";", encoding="cp1252")
    tidy = pd.concat(
        [
            raw.rename(
                columns={"comune": "district", "eta": "age", "femmine": "population"}
            ).assign(sex="F")[["district", "sex", "age", "population"]],
            raw.rename(columns={"comune": "district", "eta": "age", "maschi": "population"}).assign(
                sex="M"
            )[["district", "sex", "age", "population"]],
        ]
    )
    bands = to_age_bands(tidy)
    assert bands["population"].sum() == raw["totale"].sum()
    old = bands[bands["age_band"] == "85+"].groupby("district")["population"].sum()
    ref = raw[raw["eta"] >= 85].groupby("comune")["totale"].sum()
    pd.testing.assert_series_equal(
        old.sort_index(), ref.sort_index().astype(float), check_names=False
    )


def test_survival_ratio_rejects_increasing_lx():
    with pytest.raises(ParameterError, match="must not increase"):
        survival_ratios([4.0, 5.0, 3.0], radix=1.0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"fertility_factor": -1}, "fertility_factor"),
        ({"years": [1995], "step": "5y"}, "multiple of 5"),
        ({"years": [1990]}, "after the base year"),
        ({"step": "monthly"}, "use 'annual' or '5y'"),
    ],
)
def test_bad_parameters_raise_one_line_errors(kwargs, match):
    pop, lt, fert = _sweden_frames()
    args = {"base_year": 1993, "years": [1994]} | kwargs
    with pytest.raises(ParameterError, match=match) as exc:
        project_population(pop, fert, lt, **args)
    assert "\n" not in str(exc.value)


def test_negative_fertility_rate_is_refused():
    pop, lt, fert = _sweden_frames()
    bad = fert.assign(rate=fert["rate"].where(fert["age"] != 25, -0.1))
    with pytest.raises(ParameterError, match="rates must not be negative"):
        project_population(pop, bad, lt, base_year=1993, years=[1994])


def test_fertility_outside_15_49_is_refused():
    pop, lt, fert = _sweden_frames()
    bad = pd.concat([fert, pd.DataFrame({"age": [60], "rate": [0.01]})])
    with pytest.raises(ParameterError, match="only women 15-49"):
        project_population(pop, bad, lt, base_year=1993, years=[1994])


def test_emigration_beyond_population_is_clipped_with_warning():
    pop, lt, fert = _sweden_frames()
    mig = pd.DataFrame({"district": "Sweden", "sex": "M", "age": [25], "net": [-10.0]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = project_population(pop, fert, lt, mig, base_year=1993, years=[1994])
    assert any(issubclass(w.category, QuartiereWarning) for w in caught)
    assert (out["population"] >= 0).all()


def test_districts_are_projected_independently():
    pop, lt, fert = _sweden_frames()
    two = pd.concat([pop, pop.assign(district="Other", population=pop["population"] * 0.5)])
    fert2 = pd.concat(
        [fert.assign(district="Sweden"), fert.assign(district="Other", rate=fert["rate"] * 1.3)]
    )
    both = project_population(two, fert2, lt, base_year=1993, years=[1995])
    alone = project_population(
        pop.assign(district="Other", population=pop["population"] * 0.5),
        fert.assign(rate=fert["rate"] * 1.3),
        lt,
        base_year=1993,
        years=[1995],
    )
    got = both[both["district"] == "Other"]["population"].to_numpy()
    np.testing.assert_allclose(got, alone["population"].to_numpy(), rtol=1e-12)
    with pytest.raises(ParameterError, match="no fertility rates for district 'Other'"):
        project_population(two, fert.assign(district="Sweden"), lt, base_year=1993, years=[1994])
