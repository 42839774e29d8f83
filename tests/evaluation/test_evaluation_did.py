"""did / pre_trends / compare_groups against published values and independent formulas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from quartiere.errors import DataFileError, ParameterError
from quartiere.evaluation import compare_groups, did, pre_trend_test, pre_trends, pre_trends_chart

# Card, D. & Krueger, A. B. (1994). Minimum wages and employment: a case study of the
# fast-food industry in New Jersey and Pennsylvania. AER 84(4), 772-793, table 3 row 3:
# mean FTE employment per store, before / after: NJ 20.44 / 21.03, PA 23.33 / 21.17;
# row 4 (change): NJ 0.59, PA -2.16; difference NJ - PA 2.76 (SE 1.36), from unrounded means.
CK_MEANS = {("NJ", 0): 20.44, ("NJ", 1): 21.03, ("PA", 0): 23.33, ("PA", 1): 21.17}
CK_N = {"NJ": 331, "PA": 79}  # stores interviewed in wave 1 (table 1)


def _card_krueger_like() -> pd.DataFrame:
    """Store-level rows whose four cell means equal table 3 exactly (symmetric noise)."""
    rng = np.random.default_rng(1994)
    rows = []
    for state, n in CK_N.items():
        noise = rng.normal(0, 9, n)
        noise -= noise.mean()
        for post in (0, 1):
            shuffled = rng.permutation(noise)
            for k in range(n):
                rows.append((f"{state}{k}", state, post, CK_MEANS[(state, post)] + shuffled[k]))
    return pd.DataFrame(rows, columns=["store", "state", "post", "fte"])


def test_did_reproduces_card_krueger_table3():
    data = _card_krueger_like()
    res = did(data, outcome="fte", group="state", period="post", cluster="store", treated="NJ")
    # From the rounded published means: 0.59 - (-2.16) = 2.75; the paper's 2.76 comes from
    # unrounded means, so agreement within the 0.01 rounding of the table.
    assert res.estimate == pytest.approx(2.75, abs=1e-10)
    assert abs(res.estimate - 2.76) <= 0.01 + 1e-12
    tab = res.table()
    assert tab.loc["treated", "change"] == pytest.approx(0.59, abs=1e-10)
    assert tab.loc["comparison", "change"] == pytest.approx(-2.16, abs=1e-10)
    assert tab.loc["treated", "pre"] == pytest.approx(20.44, abs=1e-10)
    assert tab.loc["comparison", "post"] == pytest.approx(21.17, abs=1e-10)
    assert tab.loc["difference", "change"] == pytest.approx(res.estimate, abs=1e-12)
    assert list(res.means["n"]) == [331, 331, 79, 79]
    assert res.n_clusters == 410


def _cr1_by_hand(y, x, groups):
    """Cluster-robust CR1 variance (Cameron & Miller 2015, eq. 11 with the Stata factor)."""
    xtx_inv = np.linalg.inv(x.T @ x)
    beta = xtx_inv @ x.T @ y
    u = y - x @ beta
    meat = np.zeros((x.shape[1], x.shape[1]))
    for g in np.unique(groups):
        s = x[groups == g].T @ u[groups == g]
        meat += np.outer(s, s)
    n, k = x.shape
    g_n = len(np.unique(groups))
    c = g_n / (g_n - 1) * (n - 1) / (n - k)
    return beta, c * xtx_inv @ meat @ xtx_inv, g_n


def test_did_cluster_se_matches_hand_cr1():
    rng = np.random.default_rng(7)
    n_people, periods = 60, 4
    pid = np.repeat(np.arange(n_people), periods)
    period = np.tile(np.arange(periods), n_people)
    treated = (pid % 2).astype(int)
    person = rng.normal(0, 2, n_people)[pid]
    y = 10 + person + 0.5 * period + 2.0 * treated * (period >= 2) + rng.normal(0, 1, len(pid))
    data = pd.DataFrame({"pid": pid, "q": period, "g": treated, "y": y})
    res = did(data, outcome="y", group="g", period="q", post=2, cluster="pid")
    post = (period >= 2).astype(float)
    x = np.column_stack([np.ones(len(y)), treated, post, treated * post])
    beta, v, g_n = _cr1_by_hand(y, x, pid)
    assert res.estimate == pytest.approx(beta[3], rel=1e-10)
    assert res.se == pytest.approx(np.sqrt(v[3, 3]), rel=1e-10)
    t = beta[3] / np.sqrt(v[3, 3])
    assert res.p_val == pytest.approx(2 * stats.t.sf(abs(t), g_n - 1), rel=1e-8)
    crit = stats.t.ppf(0.975, g_n - 1)
    assert res.ci_low == pytest.approx(beta[3] - crit * np.sqrt(v[3, 3]), rel=1e-10)
    assert res.cov_type == "cluster"


def test_did_cluster_se_matches_statsmodels_cluster():
    # statsmodels 0.15 OLS(...).fit(cov_type="cluster", use_t=True): CR1, t on G - 1 df.
    import statsmodels.formula.api as smf

    rng = np.random.default_rng(11)
    pid = np.repeat(np.arange(80), 5)
    q = np.tile(np.arange(5), 80)
    g = (pid < 30).astype(int)
    y = rng.normal(0, 2, 80)[pid] + 0.3 * q + 1.2 * g * (q >= 3) + rng.normal(0, 1, 400)
    data = pd.DataFrame({"pid": pid, "q": q, "g": g, "y": y, "post": (q >= 3).astype(int)})
    ref = smf.ols("y ~ g * post", data=data).fit(
        cov_type="cluster", cov_kwds={"groups": data["pid"]}, use_t=True
    )
    res = did(data, outcome="y", group="g", period="q", post=3, cluster="pid")
    assert res.estimate == pytest.approx(ref.params["g:post"], rel=1e-10)
    assert res.se == pytest.approx(ref.bse["g:post"], rel=1e-10)
    assert res.p_val == pytest.approx(ref.pvalues["g:post"], rel=1e-8)
    ci = ref.conf_int().loc["g:post"]
    assert (res.ci_low, res.ci_high) == (
        pytest.approx(ci[0], rel=1e-9),
        pytest.approx(ci[1], rel=1e-9),
    )
    bad = data.astype({"pid": float})
    bad.loc[5, "pid"] = np.nan
    with pytest.raises(DataFileError, match="row 6, column pid: missing cluster id"):
        did(bad, outcome="y", group="g", period="q", post=3, cluster="pid")


def test_did_hc1_without_cluster():
    # HC1 (MacKinnon & White 1985): (X'X)^-1 X' diag(u^2) X (X'X)^-1 * n / (n - k).
    rng = np.random.default_rng(3)
    g = np.repeat([0, 1], 50)
    p = np.tile([0, 1], 50)
    y = 1 + g + p + 1.5 * g * p + rng.normal(0, 1 + g, 100)
    data = pd.DataFrame({"g": g, "p": p, "y": y})
    res = did(data, outcome="y", group="g", period="p")
    x = np.column_stack([np.ones(100), g, p, g * p]).astype(float)
    inv = np.linalg.inv(x.T @ x)
    beta = inv @ x.T @ y
    u = y - x @ beta
    v = inv @ (x.T * u**2) @ x @ inv * 100 / 96
    assert res.se == pytest.approx(np.sqrt(v[3, 3]), rel=1e-10)
    assert res.cov_type == "HC1" and res.n_clusters == 0


def test_did_effect_size_is_morris_dppc2():
    # Morris (2008), Organ. Res. Methods 11(2), eq. 8: d_ppc2 = c_p * [(M_post,T - M_pre,T) -
    # (M_post,C - M_pre,C)] / SD_pre, SD_pre pooled over both groups' pretests,
    # c_p = 1 - 3 / (4 (n_T + n_C - 2) - 1). Computed here with numpy.
    rng = np.random.default_rng(5)
    pre_t, post_t = rng.normal(30, 15, 20), rng.normal(38, 15, 20)
    pre_c, post_c = rng.normal(23, 14, 20), rng.normal(20, 14, 20)
    data = pd.DataFrame(
        {
            "g": [1] * 40 + [0] * 40,
            "p": ([0] * 20 + [1] * 20) * 2,
            "y": np.concatenate([pre_t, post_t, pre_c, post_c]),
        }
    )
    res = did(data, outcome="y", group="g", period="p")
    sd_pre = np.sqrt((19 * pre_t.var(ddof=1) + 19 * pre_c.var(ddof=1)) / 38)
    diff = (post_t.mean() - pre_t.mean()) - (post_c.mean() - pre_c.mean())
    assert res.effect_size == pytest.approx((1 - 3 / (4 * 38 - 1)) * diff / sd_pre, rel=1e-10)
    assert res.means.set_index(["group", "phase"]).loc[("comparison", "post"), "sd"] == (
        pytest.approx(post_c.std(ddof=1), rel=1e-10)
    )


def test_lalonde_nsw_experimental_estimate():
    # Dehejia, R. & Wahba, S. (1999), JASA 94(448), table 3: NSW experimental estimate of the
    # effect on 1978 earnings: 1,794 USD (SE 633). Data: causaldata.nsw_mixtape (185 treated,
    # 260 controls; Cunningham, Causal Inference: The Mixtape, ch. 5: ATE 1,794).
    from causaldata import nsw_mixtape

    nsw = nsw_mixtape.load_pandas().data
    res = compare_groups(nsw, outcome="re78", group="treat", equal_var=True, lang="en")
    assert res.loc[0, "estimate"] == pytest.approx(1794.34, abs=0.01)
    assert round(res.loc[0, "se"]) == 633
    assert (res.loc[0, "n_treated"], res.loc[0, "n_comparison"]) == (185, 260)
    assert res.loc[0, "design"] == "post_only"
    assert "pre-existing differences" in res.loc[0, "weakness"]
    assert (
        "senza una misura iniziale"
        in compare_groups(nsw, outcome="re78", group="treat").loc[0, "weakness"]
    )
    # Welch version: scipy.stats.ttest_ind(equal_var=False) on the same data.
    welch = compare_groups(nsw, outcome="re78", group="treat")
    ref = stats.ttest_ind(nsw.re78[nsw.treat == 1], nsw.re78[nsw.treat == 0], equal_var=False)
    assert welch.loc[0, "statistic"] == pytest.approx(ref.statistic, rel=1e-5)
    assert welch.loc[0, "p_val"] == pytest.approx(ref.pvalue, rel=1e-4)


def test_lalonde_as_did_with_single_post_period():
    # A DiD on (re75, re78) equals the difference of mean changes, computed with pandas.
    from causaldata import nsw_mixtape

    nsw = nsw_mixtape.load_pandas().data.reset_index(names="pid")
    long = pd.concat([nsw.assign(t=0, earn=nsw["re75"]), nsw.assign(t=1, earn=nsw["re78"])])[
        ["pid", "treat", "t", "earn"]
    ]
    res = did(long, outcome="earn", group="treat", period="t", cluster="pid")
    ch = (nsw["re78"] - nsw["re75"]).groupby(nsw["treat"]).mean()
    assert res.estimate == pytest.approx(ch[1] - ch[0], rel=1e-5)


def _panel() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "g": ["prog", "wait"] * 6,
            "q": ["2025-T1", "2025-T1", "2025-T2", "2025-T2", "2025-T3", "2025-T3"] * 2,
            "id": ["a", "b", "a", "b", "a", "b", "c", "d", "c", "d", "c", "d"],
            "y": [10, 9, 11, 10, 12, 14, 10, 9.5, 11, 10, 12, 14],
        }
    )


def test_pre_trends_means_and_chart():
    tr = pre_trends(_panel(), outcome="y", group="g", period="q", treated="prog", post=["2025-T3"])
    got = tr.set_index(["group", "period"])["estimate"]
    assert got[("treated", "2025-T1")] == 10.0
    assert got[("comparison", "2025-T1")] == pytest.approx((9 + 9.5) / 2)
    assert set(tr.columns) >= {"n", "estimate", "se", "ci_low", "ci_high", "phase"}
    spec = pre_trends_chart(tr, lang="en").to_dict()
    assert spec["layer"][1]["encoding"]["x"]["title"] == "Period"
    test = pre_trend_test(
        _panel(), outcome="y", group="g", period="q", cluster="id", treated="prog", post="2025-T3"
    )
    assert test.loc[0, "n_periods"] == 2


@pytest.mark.parametrize(
    ("mutate", "kwargs", "error", "pattern"),
    [
        (
            lambda d: d[d["g"] == "wait"],
            {"treated": "prog"},
            DataFileError,
            r"treated group \('prog'\) is empty",
        ),
        (
            lambda d: d[d["g"] == "prog"],
            {"treated": "prog"},
            DataFileError,
            r"comparison group is empty",
        ),
        (
            lambda d: d[~((d["g"] == "wait") & (d["q"] == "2025-T3"))],
            {"treated": "prog"},
            DataFileError,
            r"comparison group has no post-period rows",
        ),
        (lambda d: d, {}, ParameterError, r"pass treated="),
        (lambda d: d, {"treated": "prog", "post": None}, ParameterError, r"pass post="),
        (lambda d: d.drop(columns="y"), {"treated": "prog"}, DataFileError, r"no column 'y'"),
        (lambda d: d, {"treated": "prog", "post": ["2030-T1"]}, ParameterError, r"never occur"),
    ],
)
def test_did_bad_input_one_line(mutate, kwargs, error, pattern):
    kw = {"post": ["2025-T3"], **kwargs}
    with pytest.raises(error, match=pattern) as err:
        did(mutate(_panel()), outcome="y", group="g", period="q", **kw)
    assert "\n" not in str(err.value)


def test_compare_groups_empty_group():
    data = pd.DataFrame({"g": [1, 1, 1], "y": [1.0, 2.0, 3.0]})
    with pytest.raises(DataFileError, match="comparison group is empty"):
        compare_groups(data, outcome="y", group="g")
