"""Comparisons: crosstabs, chi-square (scipy), Welch/Kruskal (pingouin docs), Holm pairs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from quartiere.errors import ParameterError
from quartiere.survey import chi_square, compare_groups, weighted_crosstab


def test_welch_anova_matches_pingouin_documented_example():
    # pingouin 0.7.0 docs, welch_anova on the 'anova' dataset:
    # Hair color  ddof1 3  ddof2 8.329841  F 5.890115  p_unc 0.018813  np2 0.575962
    df = pg.read_dataset("anova")
    r = compare_groups(df, "Pain threshold", "Hair color", method="welch", threshold=1)
    assert r.test == "welch_anova"
    assert r.statistic == pytest.approx(5.890115, abs=1e-6)
    assert r.df2 == pytest.approx(8.329841, abs=1e-6)
    assert r.p_val == pytest.approx(0.018813, abs=1e-6)
    assert r.effect_size == pytest.approx(0.575962, abs=1e-6)
    # pairwise Welch t-tests: p_unc against scipy, Holm against statsmodels
    for _, row in r.pairwise.iterrows():
        a = df.loc[df["Hair color"] == row["group_a"], "Pain threshold"]
        b = df.loc[df["Hair color"] == row["group_b"], "Pain threshold"]
        assert row["p_unc"] == pytest.approx(stats.ttest_ind(a, b, equal_var=False).pvalue)
    holm = multipletests(r.pairwise["p_unc"], method="holm")[1]
    np.testing.assert_allclose(r.pairwise["p_val"], holm, rtol=1e-10)


def test_rule_picks_kruskal_for_small_groups():
    df = pg.read_dataset("anova")  # groups of 5, 5, 5 and 4
    r = compare_groups(df, "Pain threshold", "Hair color", threshold=1)
    assert r.test == "kruskal_wallis" and "fewer than 30" in r.reason
    groups = [g["Pain threshold"].to_numpy() for _, g in df.groupby("Hair color")]
    ref = stats.kruskal(*groups)  # scipy: H with tie correction
    assert r.statistic == pytest.approx(ref.statistic, rel=1e-10)
    assert r.p_val == pytest.approx(ref.pvalue, rel=1e-10)
    n = len(df)
    assert r.effect_size == pytest.approx(ref.statistic * (n + 1) / (n**2 - 1))  # Tomczak 2014
    pair = r.pairwise.iloc[0]
    a = df.loc[df["Hair color"] == pair["group_a"], "Pain threshold"]
    b = df.loc[df["Hair color"] == pair["group_b"], "Pain threshold"]
    assert pair["p_unc"] == pytest.approx(stats.mannwhitneyu(a, b).pvalue, rel=1e-10)
    assert set(r.groups.columns) == {"group", "n", "mean", "sd", "median"}


def test_chi_square_unweighted_matches_scipy():
    df = pg.read_dataset("chi2_independence")
    r = chi_square(df, "sex", "target")
    table = pd.crosstab(df["sex"], df["target"])
    chi2, p, dof, _ = stats.chi2_contingency(table, correction=False)
    assert r.statistic == pytest.approx(chi2, rel=1e-12) and r.p_val == pytest.approx(p)
    assert r.dof == dof == 1
    v = stats.contingency.association(table.to_numpy(), method="cramer")
    assert r.effect_size == pytest.approx(v, rel=1e-12)


def test_chi_square_weighted_scales_to_kish_n():
    rng = np.random.default_rng(2)
    n = 300
    d = pd.DataFrame(
        {"a": rng.choice(list("xyz"), n), "b": rng.choice(list("pq"), n), "w": rng.uniform(1, 4, n)}
    )
    r = chi_square(d, "a", "b", weight="w")
    n_eff = d["w"].sum() ** 2 / (d["w"] ** 2).sum()
    table = d.pivot_table(index="a", columns="b", values="w", aggfunc="sum")
    scaled = table.to_numpy() / table.to_numpy().sum() * n_eff
    chi2, p, _, _ = stats.chi2_contingency(scaled, correction=False)
    assert r.n_eff == pytest.approx(n_eff) and r.statistic == pytest.approx(chi2)
    assert r.p_val == pytest.approx(p)


def test_weighted_crosstab_percentages():
    rng = np.random.default_rng(4)
    n = 200
    d = pd.DataFrame(
        {"a": rng.choice(list("xy"), n), "b": rng.choice(list("pqr"), n), "w": rng.uniform(1, 3, n)}
    )
    out = weighted_crosstab(d, "a", "b", weight="w")
    ref = pd.crosstab(d["a"], d["b"], values=d["w"], aggfunc="sum", normalize="index") * 100
    for _, row in out.iterrows():
        assert row["row_pct"] == pytest.approx(ref.loc[row["a"], row["b"]])
    refc = pd.crosstab(d["a"], d["b"], values=d["w"], aggfunc="sum", normalize="columns") * 100
    assert out["col_pct"].tolist() == pytest.approx(refc.stack().tolist())
    assert out["total_pct"].sum() == pytest.approx(100.0)
    assert out["n"].sum() == n


def test_groups_under_the_threshold_are_left_out():
    df = pg.read_dataset("anova")
    r = compare_groups(df, "Pain threshold", "Hair color")  # default threshold 5
    assert "Light Brunette" not in set(r.groups["group"]) and len(r.groups) == 3


def test_compare_errors():
    df = pg.read_dataset("anova")
    with pytest.raises(ParameterError, match="unknown method"):
        compare_groups(df, "Pain threshold", "Hair color", method="t")
    with pytest.raises(ParameterError, match="at least 2 groups"):
        compare_groups(df, "Pain threshold", "Hair color", threshold=6)
    with pytest.raises(ParameterError, match="must be numeric"):
        compare_groups(df, "Hair color", "Hair color")
    with pytest.raises(ParameterError, match="row and col must differ"):
        weighted_crosstab(df, "Hair color", "Hair color")


def test_sample_satisfaction_differs_by_comune(survey, schema):
    from quartiere.survey import score_scales

    d = pd.concat([survey, score_scales(survey, schema)], axis=1)
    r = compare_groups(d, "soddisfazione", "comune")
    assert r.test == "welch_anova" and r.p_val < 0.001
    assert len(r.pairwise) == 15
