"""Weights: raking against weightipy, post-stratification, trimming, Kish diagnostics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import weightipy as wp

from quartiere.errors import CodebookError, DataFileError, ParameterError, QuartiereWarning
from quartiere.survey import (
    design_weights,
    margin_table,
    margins_from_population,
    poststratify,
    rake,
    rake_trimmed,
    weighting_summary,
)


def _weightipy(data: pd.DataFrame, margins: dict) -> pd.Series:
    """Independent implementation: weightipy 0.4 Rim raking run to full convergence.

    convcrit=0 makes weightipy iterate until a cycle no longer reduces the change in
    weights (machine precision); its weights have mean 1.
    """
    scheme = wp.scheme_from_dict(margins, rim_params={"convcrit": 0.0, "max_iterations": 5000})
    return wp.weight(data, scheme)


@pytest.fixture(scope="module")
def random_sample() -> pd.DataFrame:
    rng = np.random.default_rng(42)
    n = 5000
    return pd.DataFrame(
        {
            "region": rng.choice(["n", "c", "s", "i"], n, p=[0.4, 0.25, 0.25, 0.1]),
            "sex": rng.choice(["F", "M"], n, p=[0.6, 0.4]),
            "age": rng.choice(["18-34", "35-49", "50-64", "65+"], n, p=[0.1, 0.2, 0.3, 0.4]),
            "edu": rng.choice(["low", "mid", "high"], n, p=[0.5, 0.3, 0.2]),
        }
    )


MARGINS = {
    "region": {"n": 46.0, "c": 20.0, "s": 23.0, "i": 11.0},
    "sex": {"F": 51.5, "M": 48.5},
    "age": {"18-34": 24.0, "35-49": 25.0, "50-64": 27.0, "65+": 24.0},
    "edu": {"low": 40.0, "mid": 42.0, "high": 18.0},
}


def test_rake_agrees_with_weightipy_4_margins(random_sample):
    ours = rake(random_sample, MARGINS, tol=1e-13, max_iter=1000)
    theirs = _weightipy(random_sample, MARGINS)
    # shares summing to 100 give weights summing to n, i.e. mean 1 like weightipy's
    assert ours.sum() == pytest.approx(len(random_sample))
    assert np.max(np.abs(ours.to_numpy() - theirs.to_numpy())) < 1e-9
    assert ours.attrs["converged"] and ours.attrs["max_margin_error"] < 1e-12


def test_rake_sample_survey_with_cross_margin_agrees_with_weightipy(survey, population_cells):
    margins = margins_from_population(
        population_cells, [["comune"], ["sesso", "classe_eta"]], value="popolazione"
    )
    ours = rake(survey, margins, tol=1e-13, max_iter=1000)
    # weightipy has no cross-classified margins: give it the combined column
    data = pd.DataFrame(
        {
            "comune": survey["comune"].astype(str),
            "sex_age": survey["sesso"].astype(str) + "|" + survey["classe_eta"].astype(str),
        }
    )
    flat = {
        "comune": margins["comune"],
        "sex_age": {f"{s}|{a}": v for (s, a), v in margins[("sesso", "classe_eta")].items()},
    }
    theirs = _weightipy(data, flat)
    total = population_cells["popolazione"].sum()
    assert ours.sum() == pytest.approx(total, rel=1e-12)
    scaled = ours.to_numpy() / ours.mean()
    assert np.max(np.abs(scaled - theirs.to_numpy())) < 1e-9


def test_rake_worked_example():
    # Deming & Stephan style 2x2 worked by hand: after raking, F/M = 500/500 and
    # old/young = 400/600 with one respondent per cell except F-old (2):
    # cell factors must satisfy 2a + b = 500 (F), c = 500 (M young), 2a = 400 (old).
    d = pd.DataFrame({"sex": ["F", "F", "F", "M"], "age": ["old", "old", "young", "young"]})
    w = rake(d, {"sex": {"F": 500, "M": 500}, "age": {"old": 400, "young": 600}}, tol=1e-14)
    assert w.tolist() == pytest.approx([200.0, 200.0, 100.0, 500.0], rel=1e-10)


def test_rake_base_weights_scale_free(random_sample):
    # A constant base weight only rescales raked weights: shares are scaled to the
    # base-weight total (7 n here), so the weights are 7 times the unweighted ones
    plain = rake(random_sample, MARGINS)
    based = rake(random_sample.assign(d=7.0), MARGINS, weight="d")
    np.testing.assert_allclose(based.to_numpy(), 7 * plain.to_numpy(), rtol=1e-10)
    # with unequal base weights the margins still hold
    base = random_sample.assign(d=np.linspace(1, 3, len(random_sample)))
    w = rake(base, MARGINS, weight="d")
    table = margin_table(base, w, MARGINS)
    assert table["rel_error"].abs().max() < 1e-8


def test_rake_does_not_mutate(random_sample):
    before = random_sample.copy()
    rake(random_sample, MARGINS)
    pd.testing.assert_frame_equal(random_sample, before)


def test_rake_errors():
    d = pd.DataFrame({"sex": ["F", "F", "M"], "age": ["a", "b", "b"]})
    with pytest.raises(DataFileError, match=r"column sex: empty cell: no respondents in sex = 'X'"):
        rake(d, {"sex": {"F": 10, "M": 10, "X": 5}})
    with pytest.raises(
        CodebookError, match=r"row 3, column sex: category 'M' is in the data but not"
    ):
        rake(d, {"sex": {"F": 10}})
    with pytest.raises(ParameterError, match=r"margins don't add up to the same total \(sex 20"):
        rake(d, {"sex": {"F": 10, "M": 10}, "age": {"a": 10, "b": 15}})
    with pytest.raises(ParameterError, match=r"margin column 'edu' is not in the data"):
        rake(d, {"edu": {"x": 1}})
    with pytest.raises(DataFileError, match=r"row 2, column sex: missing value"):
        rake(pd.DataFrame({"sex": ["F", None]}), {"sex": {"F": 1, "M": 1}})
    with pytest.raises(DataFileError, match=r"row 1, column d: weight"):
        rake(d.assign(d=[np.nan, 1, 1]), {"sex": {"F": 1, "M": 1}}, weight="d")
    with pytest.raises(ParameterError, match="max_iter"):
        rake(d, {"sex": {"F": 1, "M": 1}}, max_iter=0)
    with pytest.raises(DataFileError, match="no respondents"):
        rake(d.iloc[:0], {"sex": {"F": 1, "M": 1}})


def test_rake_warns_when_not_converged(random_sample):
    with pytest.warns(QuartiereWarning, match="did not converge in 1 cycles"):
        w = rake(random_sample, MARGINS, max_iter=1)
    assert not w.attrs["converged"] and w.attrs["iterations"] == 1


def test_rake_trimmed_respects_bounds_and_margins(random_sample):
    w0 = rake(random_sample, MARGINS)
    assert w0.max() / w0.mean() > 5.0
    w = rake_trimmed(random_sample, MARGINS, bounds=(0.3, 3.0))
    assert w.attrs["within"] and w.attrs["trimmed"] > 0
    assert w.max() / w.mean() <= 3.0 * (1 + 1e-4)
    assert margin_table(random_sample, w, MARGINS)["rel_error"].abs().max() < 1e-7
    with pytest.warns(QuartiereWarning, match=r"still outside \(0.4, 2.5\) x mean"):
        tight = rake_trimmed(random_sample, MARGINS, bounds=(0.4, 2.5), max_rounds=10)
    assert not tight.attrs["within"]
    with pytest.raises(ParameterError, match="bounds"):
        rake_trimmed(random_sample, MARGINS, bounds=(2.0, 3.0))


def test_poststratify_lohr_formula():
    # Lohr (2022) sec. 4.4: w_i = N_c / n_c within each post-stratum
    d = pd.DataFrame({"comune": ["A"] * 3 + ["B"] * 2, "sesso": ["F", "F", "M", "F", "M"]})
    pop = pd.DataFrame(
        {
            "comune": ["A", "A", "B", "B"],
            "sesso": ["F", "M", "F", "M"],
            "population": [600, 300, 50, 70],
        }
    )
    w = poststratify(d, pop, by=["comune", "sesso"])
    assert w.tolist() == [300.0, 300.0, 300.0, 50.0, 70.0]
    with pytest.raises(DataFileError, match="empty cell"):
        poststratify(d.iloc[:4], pop, by=["comune", "sesso"])


def test_design_weights():
    d = pd.DataFrame({"comune": ["A", "A", "B"]})
    assert design_weights(d, {"A": 1000, "B": 300}, stratum="comune").tolist() == [
        500.0,
        500.0,
        300.0,
    ]
    with pytest.raises(CodebookError, match="'B' is in the data but not in the margins"):
        design_weights(d, {"A": 1000}, stratum="comune")


def test_kish_effective_n_matches_weightipy_efficiency(random_sample):
    w = rake(random_sample, MARGINS)
    s = weighting_summary(w)
    # weightipy.weighting_efficiency = 100 * n_eff / n (Kish 1965)
    assert 100 * s.n_eff / s.n == pytest.approx(wp.weighting_efficiency(w), rel=1e-12)
    assert s.deff == pytest.approx(1 + s.cv**2, rel=1e-12)  # Kish (1992): deff = 1 + CV^2
    # Kish (1992) textbook case: half the sample with weight 1, half with weight 3
    half = weighting_summary([1.0] * 50 + [3.0] * 50)
    assert half.deff == pytest.approx(1.25) and half.n_eff == pytest.approx(80.0)
    assert set(s.to_frame().columns) == {"n", "total", "min", "max", "ratio", "cv", "n_eff", "deff"}
    with pytest.raises(ParameterError, match="positive"):
        weighting_summary([1.0, -1.0])


def test_sample_weighting_corrects_the_planted_skew(survey, population_cells):
    margins = margins_from_population(
        population_cells, [["comune"], ["sesso", "classe_eta"]], value="popolazione"
    )
    w = rake(survey, margins)
    old_women = ((survey["sesso"] == "Donna") & (survey["classe_eta"] == "65+")).to_numpy()
    young_men = ((survey["sesso"] == "Uomo") & (survey["classe_eta"] == "18-34")).to_numpy()
    pop = population_cells
    pop_ow = pop.loc[(pop.sesso == "Donna") & (pop.classe_eta == "65+"), "popolazione"].sum()
    pop_share = pop_ow / pop["popolazione"].sum()
    assert 1.6 < old_women.mean() / pop_share < 2.4  # about twice their share
    assert w[old_women].sum() / w.sum() == pytest.approx(pop_share, rel=1e-8)
    assert w[young_men].mean() > 3 * w[old_women].mean()
