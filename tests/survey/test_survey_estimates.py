"""Weighted estimates: linearization SEs against statsmodels and textbook formulas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from quartiere.errors import DataFileError, ParameterError
from quartiere.survey import weighted_estimates


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 400
    d = pd.DataFrame(
        {
            "y": rng.normal(3.2, 0.9, n),
            "g": rng.choice(["a", "b", "c"], n, p=[0.5, 0.3, 0.2]),
            "w": rng.uniform(0.4, 4.0, n),
            "c": pd.Categorical(rng.choice(["x", "y", "z"], n), categories=["x", "y", "z", "k"]),
        }
    )
    d.loc[:14, "y"] = np.nan
    return d


def _sandwich_se(y: np.ndarray, w: np.ndarray, n_design: int) -> float:
    """statsmodels WLS on an intercept with the HC0 sandwich: sum(w^2 e^2) / (sum w)^2.

    R survey (svymean on svydesign(ids=~1, weights=~w), Lumley 2010 sec. 2.2) multiplies
    that by n/(n-1) with n the number of PSUs in the whole design (domains keep the full
    design, svyby / na.rm=TRUE).
    """
    fit = sm.WLS(y, np.ones(len(y)), weights=w).fit(cov_type="HC0")
    return float(np.sqrt(fit.cov_params()[0, 0] * n_design / (n_design - 1)))


def test_mean_matches_statsmodels_sandwich_overall():
    rng = np.random.default_rng(1)
    y, w = rng.normal(size=250), rng.uniform(0.5, 3, 250)
    d = pd.DataFrame({"y": y, "w": w})
    r = weighted_estimates(d, "y", weight="w").iloc[0]
    fit = sm.WLS(y, np.ones(250), weights=w).fit(cov_type="HC1")  # HC1 = HC0 * n/(n-1)
    assert r["estimate"] == pytest.approx(float(fit.params[0]), rel=1e-12)
    assert r["se"] == pytest.approx(float(fit.bse[0]), rel=1e-10)
    z = stats.norm.ppf(0.975)
    assert r["ci_low"] == pytest.approx(r["estimate"] - z * r["se"], rel=1e-12)
    assert r["n"] == 250 and r["weighted_n"] == pytest.approx(w.sum())


def test_domains_and_missing_values_match_svyby_convention(data):
    out = weighted_estimates(data, "y", weight="w", by="g")
    n = len(data)
    for _, row in out.iterrows():
        sub = data[(data["g"] == row["g"]) & data["y"].notna()]
        fit = sm.WLS(sub["y"].to_numpy(), np.ones(len(sub)), weights=sub["w"].to_numpy()).fit()
        assert row["estimate"] == pytest.approx(float(fit.params[0]), rel=1e-12)
        assert row["se"] == pytest.approx(_sandwich_se(sub["y"].to_numpy(), sub["w"].to_numpy(), n))
        assert row["n"] == len(sub)
    assert out["g"].tolist() == ["a", "b", "c"]


def test_unweighted_se_is_the_textbook_standard_error():
    # with equal weights the linearization SE is s / sqrt(n) (scipy.stats.sem)
    y = np.array([2.0, 4.0, 4.0, 5.0, 1.0, 3.0, 5.0, 4.0])
    r = weighted_estimates(pd.DataFrame({"y": y}), "y", weight=None).iloc[0]
    assert r["estimate"] == pytest.approx(y.mean())
    assert r["se"] == pytest.approx(stats.sem(y), rel=1e-12)


def test_proportions_of_a_categorical(data):
    out = weighted_estimates(data, "c", weight="w", ci=0.9)
    assert out["category"].tolist() == ["x", "y", "z", "k"]
    assert out["statistic"].eq("proportion").all()
    assert out["estimate"].iloc[:3].sum() == pytest.approx(1.0)
    x = (data["c"] == "x").to_numpy(dtype=float)
    row = out.iloc[0]
    assert row["estimate"] == pytest.approx(np.average(x, weights=data["w"]))
    assert row["se"] == pytest.approx(_sandwich_se(x, data["w"].to_numpy(), len(data)))
    assert row["ci_high"] - row["estimate"] == pytest.approx(stats.norm.ppf(0.95) * row["se"])
    # the empty category has n = 0 and is suppressed
    assert bool(out["suppressed"].iloc[3]) and np.isnan(out["estimate"].iloc[3])


def test_indicator_mean_is_a_proportion(data):
    d = data.assign(ind=(data["c"] == "y").astype(int))
    a = weighted_estimates(d, "ind", weight="w").iloc[0]
    b = weighted_estimates(d, "c", weight="w").iloc[1]
    assert a["estimate"] == pytest.approx(b["estimate"]) and a["se"] == pytest.approx(b["se"])


def test_small_cells_are_suppressed():
    d = pd.DataFrame({"y": [1.0, 2, 3, 4, 5, 6, 7, 8], "g": list("aaaaaabb"), "w": 1.0})
    out = weighted_estimates(d, "y", weight="w", by="g")
    assert out["suppressed"].tolist() == [False, True]
    assert out[["estimate", "se", "ci_low", "ci_high"]].iloc[1].isna().all()
    assert out["n"].tolist() == [6, 2]
    assert weighted_estimates(d, "y", weight="w", by="g", threshold=2)["suppressed"].sum() == 0


def test_standard_columns(data):
    out = weighted_estimates(data, "y", weight="w", by="g")
    assert list(out.columns) == [
        "g", "variable", "statistic", "category", "n", "n_group", "weighted_n",
        "estimate", "se", "ci_low", "ci_high", "suppressed",
    ]  # fmt: skip


def test_errors(data):
    with pytest.raises(ParameterError, match="no column 'nope'"):
        weighted_estimates(data, "nope", weight="w")
    with pytest.raises(ParameterError, match="between 0 and 1"):
        weighted_estimates(data, "y", weight="w", ci=95)
    with pytest.raises(DataFileError, match=r"row 2, column w: weight"):
        weighted_estimates(data.assign(w=[1.0, -1.0] + [1.0] * (len(data) - 2)), "y", weight="w")


def test_r_survey_published_output_apisrs():
    # R survey package, data(api): apisrs (stype, api00, awards, pw transcribed in
    # tests/survey/data/apisrs.csv). R reference values for
    # svydesign(id = ~1, weights = ~pw, data = apisrs), as published in xKDR/Survey.jl
    # test/r_reference/est_basic.csv and proportions.csv (design "srs_w"):
    #   svymean(~api00)  656.584999999999  SE 9.40277217088064
    #   svymean(~stype)  E 0.71 SE 0.0321663390337504; H 0.125 SE 0.0234440422192481;
    #                    M 0.165 SE 0.0263122914892847
    #   svymean(~awards) No 0.38 SE 0.0344081327303582
    import pathlib

    api = pd.read_csv(pathlib.Path(__file__).parent / "data" / "apisrs.csv")
    mean = weighted_estimates(api, "api00", weight="pw").iloc[0]
    assert mean["estimate"] == pytest.approx(656.584999999999, rel=1e-12)
    assert mean["se"] == pytest.approx(9.40277217088064, rel=1e-10)
    assert mean["weighted_n"] == pytest.approx(6194.0)
    stype = weighted_estimates(api, "stype", weight="pw").set_index("category")
    assert stype.loc["E", "estimate"] == pytest.approx(0.71)
    assert stype.loc["E", "se"] == pytest.approx(0.0321663390337504, rel=1e-10)
    assert stype.loc["H", "se"] == pytest.approx(0.0234440422192481, rel=1e-10)
    assert stype.loc["M", "se"] == pytest.approx(0.0263122914892847, rel=1e-10)
    awards = weighted_estimates(api, "awards", weight="pw").set_index("category")
    assert awards.loc["No", "se"] == pytest.approx(0.0344081327303582, rel=1e-10)
