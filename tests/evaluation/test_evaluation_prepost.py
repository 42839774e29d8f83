"""pre_post against R's documented examples (t.test on sleep, wilcox.test on depression)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from quartiere.errors import DataFileError, ParameterError, QuartiereWarning
from quartiere.evaluation import pre_post

# R datasets::sleep, extra hours of sleep, group 1 and group 2 on the same 10 patients.
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]

# R ?wilcox.test: Hollander & Wolfe (1973), p. 29, depression scale at first (x) and
# second (y) visit of 9 patients.
DEPR_X = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
DEPR_Y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]


def _long(pre: list[float], post: list[float], labels=("pre", "post")) -> pd.DataFrame:
    n = len(pre)
    return pd.DataFrame(
        {
            "id": [f"u{i}" for i in range(n)] * 2,
            "time": [labels[0]] * n + [labels[1]] * n,
            "y": list(pre) + list(post),
        }
    )


def test_paired_t_matches_r_sleep():
    # R: t.test(extra ~ group, data = sleep, paired = TRUE)
    #   t = -4.0621, df = 9, p-value = 0.002833
    #   95 percent CI: -2.4598858 -0.7001142; mean difference -1.58
    # (R computes group1 - group2; we compute post - pre = group2 - group1: signs flip.)
    res = pre_post(_long(SLEEP_1, SLEEP_2), outcome="y", subject="id", time="time", method="t")
    row = res.iloc[0]
    assert row["method"] == "paired_t"
    assert row["n"] == 10
    assert row["statistic"] == pytest.approx(4.0621, abs=5e-5)
    assert row["dof"] == 9
    assert row["p_val"] == pytest.approx(0.002833, abs=5e-7)
    assert row["estimate"] == pytest.approx(1.58, abs=1e-12)
    assert row["ci_low"] == pytest.approx(0.7001142, abs=5e-8)
    assert row["ci_high"] == pytest.approx(2.4598858, abs=5e-8)


def test_paired_t_effect_size_is_lakens_d_av():
    # Average-variance standardizer (Cumming 2012, ch. 11, "d_av"):
    # d = Mdiff / sqrt((SD1^2 + SD2^2) / 2), computed here with numpy, independent of pingouin.
    a, b = np.array(SLEEP_1), np.array(SLEEP_2)
    expected = (b.mean() - a.mean()) / np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2)
    res = pre_post(_long(SLEEP_1, SLEEP_2), outcome="y", subject="id", time="time", method="t")
    assert res.loc[0, "effect_size"] == pytest.approx(expected, rel=1e-12)
    assert res.loc[0, "effect_size_type"] == "cohen_d_av"
    # pingouin's normal-approximation CI (real-statistics.com): d +- t(.975, n-1) * se,
    # se = sqrt(1/n + d^2 / (2n)).
    se = np.sqrt(1 / 10 + expected**2 / 20)
    crit = stats.t.ppf(0.975, 9)
    assert res.loc[0, "es_ci_low"] == pytest.approx(expected - crit * se, rel=1e-9)
    assert res.loc[0, "es_ci_high"] == pytest.approx(expected + crit * se, rel=1e-9)


def test_wilcoxon_matches_r_depression_example():
    # R ?wilcox.test: wilcox.test(x, y, paired = TRUE, alternative = "greater")
    #   V = 40, p-value = 0.01953 ; two-sided: p-value = 0.03906
    res = pre_post(_long(DEPR_X, DEPR_Y), outcome="y", subject="id", time="time", method="wilcoxon")
    row = res.iloc[0]
    assert row["method"] == "wilcoxon"
    assert row["p_val"] == pytest.approx(0.03906, abs=5e-6)
    # We report V for post - pre (= y - x); R's V = 40 is for x - y; n(n+1)/2 = 45.
    assert row["statistic"] == 5
    assert 45 - row["statistic"] == 40
    # Matched-pairs rank-biserial (Kerby 2014): (V+ - V-) / (V+ + V-) = (5 - 40) / 45.
    assert row["effect_size"] == pytest.approx(-35 / 45, rel=1e-12)
    # CI as the R package effectsize (R/rank_diff.R): tanh(atanh(r) +- z * SE),
    # SE = sqrt((2n^3 + 3n^2 + n) / 6) / ((n^2 + n) / 2), n = 9 non-zero differences.
    se = np.sqrt((2 * 9**3 + 3 * 9**2 + 9) / 6) / 45
    z = stats.norm.ppf(0.975)
    r = -35 / 45
    assert row["es_ci_low"] == pytest.approx(np.tanh(np.arctanh(r) - z * se), rel=1e-9)
    assert row["es_ci_high"] == pytest.approx(np.tanh(np.arctanh(r) + z * se), rel=1e-9)


def test_wilcoxon_agrees_with_scipy():
    # scipy.stats.wilcoxon on the same differences (exact distribution).
    res = pre_post(_long(DEPR_X, DEPR_Y), outcome="y", subject="id", time="time", method="wilcoxon")
    ref = stats.wilcoxon(np.array(DEPR_Y) - np.array(DEPR_X))
    assert res.loc[0, "p_val"] == pytest.approx(ref.pvalue, rel=1e-9)


def test_auto_rule_uses_shapiro_on_differences():
    # The depression differences: Shapiro-Wilk p computed by scipy decides the method.
    d = np.array(DEPR_Y) - np.array(DEPR_X)
    p = stats.shapiro(d).pvalue
    res = pre_post(_long(DEPR_X, DEPR_Y), outcome="y", subject="id", time="time")
    assert res.loc[0, "normality_p"] == pytest.approx(p, rel=1e-9)
    assert res.loc[0, "method"] == ("paired_t" if p >= 0.05 else "wilcoxon")
    skewed = [0, 0, 0, 0, 0, 0, 0, 0, 0, 10.0]
    res2 = pre_post(
        _long([0.0] * 10, [v + 0.1 * i for i, v in enumerate(skewed)]),
        outcome="y",
        subject="id",
        time="time",
    )
    assert stats.shapiro([v + 0.1 * i for i, v in enumerate(skewed)]).pvalue < 0.05
    assert res2.loc[0, "method"] == "wilcoxon"


def test_explicit_labels_and_input_untouched():
    data = _long(SLEEP_1, SLEEP_2, labels=("ingresso", "verifica"))
    before = data.copy()
    res = pre_post(
        data, outcome="y", subject="id", time="time", pre="ingresso", post="verifica", method="t"
    )
    assert res.loc[0, "mean_pre"] == pytest.approx(np.mean(SLEEP_1))
    pd.testing.assert_frame_equal(data, before)


def test_missing_post_is_one_line_error():
    data = _long(SLEEP_1, SLEEP_2).iloc[:-1]  # last subject lacks the post score
    with pytest.raises(DataFileError, match=r"subject 'u9' has no post score") as err:
        pre_post(data, outcome="y", subject="id", time="time")
    assert "\n" not in str(err.value)


def test_missing_pre_value_is_one_line_error():
    data = _long(SLEEP_1, SLEEP_2)
    data.loc[0, "y"] = np.nan
    with pytest.raises(DataFileError, match=r"subject 'u0' has no pre score") as err:
        pre_post(data, outcome="y", subject="id", time="time")
    assert "\n" not in str(err.value)


def test_unmatched_ids_error_and_drop_option():
    data = _long(SLEEP_1, SLEEP_2)
    data.loc[data["time"] == "post", "id"] = [f"x{i}" for i in range(10)]
    with pytest.raises(DataFileError, match=r"has no (pre|post) score \(20 subjects") as err:
        pre_post(data, outcome="y", subject="id", time="time")
    assert "\n" not in str(err.value)
    partial = _long(SLEEP_1, SLEEP_2)
    partial = partial.drop(index=[19])  # u9 has no post
    with pytest.warns(QuartiereWarning, match="dropped 1"):
        res = pre_post(
            partial, outcome="y", subject="id", time="time", method="t", drop_incomplete=True
        )
    assert res.loc[0, "n"] == 9


@pytest.mark.parametrize(
    ("mutate", "error", "pattern"),
    [
        (lambda d: d.drop(columns="y"), DataFileError, r"no column 'y'"),
        (
            lambda d: d.assign(y=d["y"].astype(object).where(d.index != 3, "abc")),
            DataFileError,
            r"row 4, column y: 'abc' is not a number",
        ),
        (
            lambda d: pd.concat([d, d.iloc[[0]]]),
            DataFileError,
            r"row 21, column id: subject 'u0' has more than one score at 'pre'",
        ),
        (
            lambda d: d.assign(time=["a", "b", "c", "d", "e"] * 4),
            DataFileError,
            r"exactly two time points",
        ),
        (lambda d: d.assign(y=0.0), DataFileError, r"every post score equals"),
    ],
)
def test_bad_input_one_line(mutate, error, pattern):
    with pytest.raises(error, match=pattern) as err:
        pre_post(mutate(_long(SLEEP_1, SLEEP_2)), outcome="y", subject="id", time="time")
    assert "\n" not in str(err.value)


def test_bad_parameters():
    with pytest.raises(ParameterError, match="method"):
        pre_post(_long(SLEEP_1, SLEEP_2), outcome="y", subject="id", time="time", method="anova")
    with pytest.raises(ParameterError, match="confidence"):
        pre_post(_long(SLEEP_1, SLEEP_2), outcome="y", subject="id", time="time", confidence=95)
