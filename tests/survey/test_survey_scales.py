"""Scales: scoring, Cronbach's alpha (pingouin/psych published values), McDonald's omega."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest

from quartiere.errors import CodebookError, ParameterError
from quartiere.survey import item_codes, reliability, score_scale, score_scales


def test_alpha_matches_pingouin_documented_example():
    # pingouin 0.7.0 docs, cronbach_alpha: "In R: psych:alpha(data, use='complete.obs')"
    # -> alpha 0.8016949152542373
    data = pg.read_dataset("cronbach_wide_missing")
    r = reliability(data, list(data.columns))
    assert r.alpha == pytest.approx(0.8016949152542373, rel=1e-12)
    complete = data.dropna()
    assert r.n == len(complete) == 9 and r.k == 11
    # Feldt CI on the 9 complete cases: pingouin on the same complete data (3 decimals).
    # (pingouin's documented [0.581, 0.933] counts the 12 rows before listwise deletion.)
    _, ci = pg.cronbach_alpha(complete)
    assert [round(r.ci_low, 3), round(r.ci_high, 3)] == pytest.approx(list(ci), abs=1e-12)


def test_alpha_ci_feldt_on_complete_data():
    # pingouin 0.7.0 docs, long-format example: alpha 0.5917188485995826, CI [0.195, 0.84]
    data = pg.read_dataset("cronbach_alpha").pivot(index="Subj", columns="Items", values="Scores")
    r = reliability(data, list(data.columns))
    assert r.alpha == pytest.approx(0.5917188485995826, rel=1e-12)
    assert round(r.ci_low, 3) == 0.195 and round(r.ci_high, 3) == 0.84


def test_alpha_if_dropped_and_item_total():
    rng = np.random.default_rng(3)
    f = rng.normal(size=200)
    d = pd.DataFrame({f"q{i}": f * (0.5 + 0.2 * i) + rng.normal(size=200) for i in range(5)})
    r = reliability(d, list(d.columns))
    for _, row in r.items.iterrows():
        rest = d.drop(columns=row["item"])
        # alpha of the remaining items, by pingouin (Cronbach 1951)
        assert row["alpha_if_dropped"] == pytest.approx(pg.cronbach_alpha(rest)[0], rel=1e-10)
        # corrected item-total: Pearson r of the item with the sum of the others (scipy)
        from scipy.stats import pearsonr

        expected = pearsonr(d[row["item"]], rest.sum(axis=1))[0]
        assert row["item_total"] == pytest.approx(expected, rel=1e-10)


def test_omega_matches_mcdonald_formula_on_an_exact_one_factor_matrix():
    # Data whose sample correlation matrix is exactly the one-factor model R = ll' + Psi.
    # McDonald (1999, eq. 6.20b): omega = (sum l)^2 / ((sum l)^2 + sum(1 - l^2))
    loadings = np.array([0.8, 0.7, 0.6, 0.5, 0.4])
    corr = np.outer(loadings, loadings)
    np.fill_diagonal(corr, 1.0)
    rng = np.random.default_rng(11)
    x = rng.normal(size=(500, 5))
    x -= x.mean(axis=0)
    x = x @ np.linalg.inv(np.linalg.cholesky(np.cov(x, rowvar=False))).T  # whiten
    x = x @ np.linalg.cholesky(corr).T  # sample correlation is now exactly corr
    d = pd.DataFrame(x * 1.3 + 3, columns=list("abcde"))
    r = reliability(d, list("abcde"))
    expected = loadings.sum() ** 2 / (loadings.sum() ** 2 + np.sum(1 - loadings**2))
    assert r.omega == pytest.approx(expected, abs=1e-4)
    np.testing.assert_allclose(r.items["loading"], loadings, atol=1e-3)


def test_reversed_items_are_flipped_before_alpha():
    rng = np.random.default_rng(5)
    f = rng.normal(size=300)
    codes = {f"q{i}": np.clip(np.rint(3 + f + rng.normal(0, 0.7, 300)), 1, 5) for i in range(4)}
    d = pd.DataFrame(codes)
    d["q3"] = 6 - d["q3"]
    r = reliability(d, list(d.columns), reversed=["q3"], scale_range=(1, 5))
    straight = d.assign(q3=6 - d["q3"])
    assert r.alpha == pytest.approx(pg.cronbach_alpha(straight)[0], rel=1e-12)
    with pytest.raises(ParameterError, match="scale_range"):
        reliability(d, list(d.columns), reversed=["q3"])


def test_score_scale_reversed_and_min_items():
    d = pd.DataFrame({"a": [5, 4, None, 1], "b": [1, 2, None, 5], "c": [4, None, 3, None]})
    s = score_scale(d, ["a", "b", "c"], reversed=["b"], min_items=2)
    # row 1: (5 + (6-1) + 4) / 3; row 2: (4 + 4) / 2; row 3: one item only; row 4: (1 + 1) / 2
    assert s.tolist()[:2] == [pytest.approx(14 / 3), 4.0]
    assert np.isnan(s.iloc[2]) and s.iloc[3] == 1.0
    with pytest.raises(ParameterError, match="outside the scale 1-5"):
        score_scale(pd.DataFrame({"a": [6], "b": [1]}), ["a", "b"])
    with pytest.raises(ParameterError, match="min_items"):
        score_scale(d, ["a", "b"], min_items=3)


def test_categorical_items_become_codes():
    cats = ["Mai", "Qualche volta", "Sempre"]
    d = pd.DataFrame({"q": pd.Categorical(["Sempre", None, "Mai"], cats, ordered=True)})
    assert item_codes(d, ["q"], scale_range=(0, 2))["q"].tolist()[::2] == [2.0, 0.0]
    with pytest.raises(CodebookError, match="3 answer categories do not fit the scale 1-5"):
        item_codes(d, ["q"], scale_range=(1, 5))


def test_sample_scales_are_reliable(survey, schema):
    scores = score_scales(survey, schema)
    assert list(scores.columns) == ["soddisfazione", "coesione", "benessere"]
    assert scores.min().min() >= 1 and scores.max().max() <= 5
    for spec in schema.scales.values():
        r = reliability(survey, spec.items, reversed=spec.reversed, scale_range=spec.range)
        assert 0.65 < r.alpha < 0.95 and r.ci_low < r.alpha < r.ci_high
        assert r.omega == pytest.approx(r.alpha, abs=0.05)
        assert (r.items["item_total"] > 0.3).all()  # reversed items flipped correctly
        assert list(r.to_frame().columns) == ["n", "k", "alpha", "ci_low", "ci_high", "omega"]


def test_reliability_errors():
    d = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 2, 2, 2], "c": [1, 3, 2, 4]})
    with pytest.raises(ParameterError, match="same answer from everyone"):
        reliability(d, ["a", "b", "c"])
    with pytest.raises(ParameterError, match="at least 2 items"):
        reliability(d, ["a"])
    with pytest.raises(ParameterError, match="at least 3"):
        reliability(d.iloc[:2], ["a", "c"])
