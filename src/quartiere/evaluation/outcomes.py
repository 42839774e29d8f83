"""Outcomes: pre/post for participants, difference-in-differences, post-only comparison."""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import altair as alt
import numpy as np
import pandas as pd
from scipy import stats

from quartiere.errors import DataFileError, ParameterError, QuartiereWarning
from quartiere.evaluation import _pingouin, _statsmodels
from quartiere.evaluation._labels import labels
from quartiere.evaluation._util import show

__all__ = [
    "pre_post",
    "did",
    "DidResult",
    "pre_trends",
    "pre_trend_test",
    "pre_trends_chart",
    "compare_groups",
]

_PRE_POST_COLUMNS = [
    "method",
    "n",
    "mean_pre",
    "mean_post",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "statistic",
    "dof",
    "p_val",
    "effect_size",
    "effect_size_type",
    "es_ci_low",
    "es_ci_high",
    "normality_p",
]


def _need_columns(data: pd.DataFrame, columns: dict[str, str | None]) -> None:
    for param, col in columns.items():
        if col is not None and col not in data.columns:
            raise DataFileError(
                f"no column {col!r} (parameter {param}); columns are {list(data.columns)}",
                column=col,
            )


def _numeric(data: pd.DataFrame, column: str) -> pd.Series:
    vals = pd.to_numeric(data[column], errors="coerce")
    bad = vals.isna() & data[column].notna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0]) + 1
        raise DataFileError(
            f"{show(data[column][bad].iloc[0])} is not a number", row=row, column=column
        )
    return vals.astype(float)


def _pre_post_labels(values: Sequence[Hashable], pre: Any, post: Any, time: str) -> tuple:
    found = list(pd.unique(pd.Series(values).dropna()))
    if pre is not None and post is not None:
        for v, name in ((pre, "pre"), (post, "post")):
            if v not in found:
                raise DataFileError(
                    f"value {v!r} (parameter {name}) never occurs; values are {found}",
                    column=time,
                )
        return pre, post
    if len(found) != 2:
        raise DataFileError(
            f"needs exactly two time points, found {len(found)} ({found[:5]}); pass pre= and post=",
            column=time,
        )
    lowered = {str(v).strip().lower(): v for v in found}
    if {"pre", "post"} <= set(lowered):
        return lowered["pre"], lowered["post"]
    first, second = sorted(found)
    return first, second


def pre_post(
    data: pd.DataFrame,
    *,
    outcome: str,
    subject: str,
    time: str,
    pre: Any = None,
    post: Any = None,
    method: Literal["auto", "t", "wilcoxon"] = "auto",
    normality_alpha: float = 0.05,
    confidence: float = 0.95,
    drop_incomplete: bool = False,
) -> pd.DataFrame:
    """Compare participants' scores before and after the programme (paired design).

    Parameters
    ----------
    data : pandas.DataFrame
        Long frame: one row per subject and time point.
    outcome : str
        Column with the score (numeric).
    subject : str
        Column with the subject (user) id.
    time : str
        Column with the time point; exactly two values.
    pre, post : optional
        Values of ``time`` meaning before and after. Default: values named "pre"/"post"
        (any case), otherwise the smaller and the larger of the two (numbers, dates).
    method : {"auto", "t", "wilcoxon"}
        Test to run; "auto" applies the rule in Notes.
    normality_alpha : float, default 0.05
        Shapiro-Wilk level for the "auto" rule.
    confidence : float, default 0.95
        Confidence level of the intervals.
    drop_incomplete : bool, default False
        Drop subjects lacking a pre or post score (with a QuartiereWarning) instead of raising.

    Returns
    -------
    pandas.DataFrame
        One row: ``method`` ("paired_t" or "wilcoxon"), ``n`` (pairs), ``mean_pre``,
        ``mean_post``, ``estimate`` (mean of post - pre), ``se`` (its standard error),
        ``ci_low``, ``ci_high`` (t interval of the mean difference), ``statistic`` (t, or
        Wilcoxon V = sum of the ranks of positive post - pre differences), ``dof`` (n - 1 for
        t, NaN for Wilcoxon), ``p_val`` (two-sided), ``effect_size`` (Cohen's d_av signed, or
        matched-pairs rank-biserial r), ``effect_size_type`` ("cohen_d_av" or
        "rank_biserial"), ``es_ci_low``, ``es_ci_high`` (its interval), ``normality_p``
        (Shapiro-Wilk p of the differences, NaN when n < 3).

    Raises
    ------
    DataFileError
        Missing column, non-numeric score, duplicate subject and time, a subject without a
        pre or post score (unless ``drop_incomplete``), fewer than 2 pairs, all differences 0.
    ParameterError
        Unknown ``method`` or a level outside (0, 1).

    Notes
    -----
    Rule for ``method="auto"``: the paired t-test when the Shapiro-Wilk test on the
    differences does not reject normality at ``normality_alpha`` (or n >= 30, where the
    t-test is robust by the central limit theorem), else the Wilcoxon signed-rank test.
    Effect sizes: Cohen's d_av = mean difference / sqrt((sd_pre^2 + sd_post^2) / 2), the
    average-variance standardizer (Cumming 2012, ch. 11; pingouin's paired Cohen's d;
    interval by pingouin's normal approximation, se = sqrt(1/n + d^2 / (2n))); rank-biserial
    r = (V+ - V-) / (V+ + V-) (Kerby 2014) with a Fisher-z interval whose standard error is
    sqrt((2n^3 + 3n^2 + n) / 6) / ((n^2 + n) / 2) over the n non-zero differences (as the R
    package effectsize). Wilcoxon uses pingouin (exact p for small n without ties).
    Missing data: rows with a missing score count as missing time points.

    References
    ----------
    R Core Team, ``?t.test`` and ``?wilcox.test`` examples (sleep; Hollander & Wolfe 1973,
    p. 29). Cumming, G. (2012). Understanding the new statistics. Routledge. Kerby, D. S.
    (2014). Comprehensive Psychology 3, 11.IT.3.1.

    Examples
    --------
    >>> df = pd.DataFrame({"id": [1, 2, 3, 4, 5] * 2, "t": ["pre"] * 5 + ["post"] * 5,
    ...                    "score": [10, 12, 9, 14, 11, 13, 14, 10, 17, 12]})
    >>> res = pre_post(df, outcome="score", subject="id", time="t")
    >>> res[["method", "n", "estimate"]]
         method  n  estimate
    0  paired_t  5       2.0
    """
    if method not in ("auto", "t", "wilcoxon"):
        raise ParameterError(
            f"method must be 'auto', 't' or 'wilcoxon' (got {method!r})", parameter="method"
        )
    for name, level in (("normality_alpha", normality_alpha), ("confidence", confidence)):
        if not 0 < level < 1:
            raise ParameterError(f"must be between 0 and 1 (got {level})", parameter=name)
    _need_columns(data, {"outcome": outcome, "subject": subject, "time": time})
    frame = pd.DataFrame(
        {
            "subject": data[subject].to_numpy(),
            "time": data[time].to_numpy(),
            "y": _numeric(data, outcome).to_numpy(),
            "_pos": np.arange(len(data)),
        }
    )
    frame = frame[frame["subject"].notna() & frame["time"].notna()]
    pre_v, post_v = _pre_post_labels(frame["time"], pre, post, time)
    frame = frame[frame["time"].isin([pre_v, post_v])]
    dup = frame.duplicated(["subject", "time"], keep="first")
    if dup.any():
        first = frame[dup].iloc[0]
        raise DataFileError(
            f"subject {show(first['subject'])} has more than one score at "
            f"{show(first['time'])}; keep one row per subject and time",
            row=int(first["_pos"]) + 1,
            column=subject,
        )
    wide = frame.pivot(index="subject", columns="time", values="y")
    wide = wide.reindex(columns=[pre_v, post_v])
    incomplete = wide.isna().any(axis=1)
    if incomplete.any():
        who = wide.index[incomplete][0]
        lacks = "pre" if pd.isna(wide.loc[who, pre_v]) else "post"
        if not drop_incomplete:
            raise DataFileError(
                f"subject {show(who)} has no {lacks} score ({incomplete.sum()} subjects "
                "incomplete); complete them or pass drop_incomplete=True",
                column=outcome,
            )
        warnings.warn(
            f"dropped {int(incomplete.sum())} subjects without both pre and post scores",
            QuartiereWarning,
            stacklevel=2,
        )
        wide = wide[~incomplete]
    n = len(wide)
    if n < 2:
        raise DataFileError(
            f"needs at least 2 subjects with both pre and post scores, found {n}",
            column=outcome,
        )
    x = wide[pre_v].to_numpy(dtype=float)
    y = wide[post_v].to_numpy(dtype=float)
    d = y - x
    if np.all(d == 0):
        raise DataFileError(
            "every post score equals its pre score: nothing to test", column=outcome
        )
    normality_p = _pingouin.shapiro_p(d) if n >= 3 else float("nan")
    if method == "auto":
        normal = n >= 30 or (not np.isnan(normality_p) and normality_p >= normality_alpha)
        chosen = "paired_t" if normal else "wilcoxon"
    else:
        chosen = "paired_t" if method == "t" else "wilcoxon"
    mean_d = float(d.mean())
    se = float(d.std(ddof=1) / np.sqrt(n))
    crit = float(stats.t.ppf(0.5 + confidence / 2, n - 1))
    row: dict[str, Any] = {
        "method": chosen,
        "n": n,
        "mean_pre": float(x.mean()),
        "mean_post": float(y.mean()),
        "estimate": mean_d,
        "se": se,
        "ci_low": mean_d - crit * se,
        "ci_high": mean_d + crit * se,
        "normality_p": normality_p,
    }
    if chosen == "paired_t":
        res = _pingouin.paired_t(x, y, confidence=confidence)
        row.update(res, effect_size_type="cohen_d_av")
    else:
        res = _pingouin.wilcoxon(x, y)
        nz = d[d != 0]
        ranks = stats.rankdata(np.abs(nz))
        v_plus = float(ranks[nz > 0].sum())
        m = len(nz)
        max_w = (m * m + m) / 2
        r = res["effect_size"]
        se_z = np.sqrt((2 * m**3 + 3 * m**2 + m) / 6) / max_w
        z = stats.norm.ppf(0.5 + confidence / 2)
        rz = np.arctanh(np.clip(r, -0.999999999, 0.999999999))
        row.update(
            statistic=v_plus,
            dof=float("nan"),
            p_val=res["p_val"],
            effect_size=r,
            effect_size_type="rank_biserial",
            es_ci_low=float(np.tanh(rz - z * se_z)),
            es_ci_high=float(np.tanh(rz + z * se_z)),
        )
    return pd.DataFrame([row], columns=_PRE_POST_COLUMNS)


# ---------------------------------------------------------------- difference in differences


def _group_codes(data: pd.DataFrame, group: str, treated: Any) -> tuple[np.ndarray, Any]:
    col = data[group]
    values = list(pd.unique(col.dropna()))
    if treated is None:
        if set(values) <= {True, False} or set(values) <= {0, 1}:
            treated = True if col.dtype == bool else 1
        else:
            raise ParameterError(
                f"column {group!r} has values {values[:5]}; pass treated= (the value marking "
                "programme participants)",
                parameter="treated",
            )
    is_t = (col == treated).to_numpy()
    if col.isna().any():
        row = int(np.flatnonzero(col.isna().to_numpy())[0]) + 1
        raise DataFileError("missing group", row=row, column=group)
    if not is_t.any():
        raise DataFileError(
            f"the treated group ({treated!r}) is empty; check treated= and the data",
            column=group,
        )
    if is_t.all():
        raise DataFileError(
            "the comparison group is empty: every row is treated; add comparison rows",
            column=group,
        )
    return is_t, treated


def _post_flags(data: pd.DataFrame, period: str, post: Any) -> np.ndarray:
    col = data[period]
    if col.isna().any():
        row = int(np.flatnonzero(col.isna().to_numpy())[0]) + 1
        raise DataFileError("missing period", row=row, column=period)
    values = set(pd.unique(col))
    if post is None:
        if values <= {True, False} or values <= {0, 1}:
            return col.astype(bool).to_numpy()
        raise ParameterError(
            f"column {period!r} has {len(values)} values; pass post= (the list of post-period "
            "values, or the first post period)",
            parameter="post",
        )
    if isinstance(post, (list, tuple, set, frozenset)):
        unknown = [p for p in post if p not in values]
        if unknown:
            raise ParameterError(
                f"post periods {unknown} never occur in column {period!r}", parameter="post"
            )
        return col.isin(list(post)).to_numpy()
    try:
        return (col >= post).to_numpy()
    except TypeError as exc:
        raise ParameterError(
            f"cannot compare column {period!r} with {post!r}: {exc}", parameter="post"
        ) from None


def _cluster_codes(sub: pd.DataFrame, cluster: str | None) -> tuple[np.ndarray | None, int]:
    if cluster is None:
        return None, 0
    cl = sub[cluster]
    if cl.isna().any():
        row = int(np.flatnonzero(cl.isna().to_numpy())[0]) + 1
        raise DataFileError("missing cluster id; fill it or drop the row", row=row, column=cluster)
    codes, uniques = pd.factorize(cl)
    if len(uniques) < 2:
        raise DataFileError(
            f"cluster-robust SEs need at least 2 clusters, found {len(uniques)}",
            column=cluster,
        )
    return codes, len(uniques)


@dataclass(frozen=True)
class DidResult:
    """Difference-in-differences estimate with its 2x2 table of means.

    Attributes
    ----------
    estimate, se, ci_low, ci_high, p_val : float
        The interaction coefficient (treated x post) and its inference.
    n : int
        Rows used.
    n_clusters : int
        Clusters (0 when ``cluster`` was not given).
    cov_type : str
        "cluster" (CR1) or "HC1".
    means : pandas.DataFrame
        Tidy cell means: ``group`` ("treated"/"comparison"), ``phase`` ("pre"/"post"),
        ``n``, ``estimate`` (mean outcome), ``sd`` (standard deviation).
    effect_size : float
        Standardized DiD, Morris (2008) d_ppc2: estimate / pooled pre-period SD, times the
        small-sample correction 1 - 3 / (4 (n_t + n_c - 2) - 1) (n = pre-period rows).
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_val: float
    n: int
    n_clusters: int
    cov_type: str
    means: pd.DataFrame
    effect_size: float

    def to_frame(self) -> pd.DataFrame:
        """One-row frame: estimate, se, ci_low, ci_high, p_val, n, n_clusters, cov_type,
        effect_size."""
        return pd.DataFrame(
            [
                {
                    "estimate": self.estimate,
                    "se": self.se,
                    "ci_low": self.ci_low,
                    "ci_high": self.ci_high,
                    "p_val": self.p_val,
                    "n": self.n,
                    "n_clusters": self.n_clusters,
                    "cov_type": self.cov_type,
                    "effect_size": self.effect_size,
                }
            ]
        )

    def table(self) -> pd.DataFrame:
        """The 2x2 table of means as published (Card & Krueger 1994, table 3 layout).

        Returns
        -------
        pandas.DataFrame
            Index ``treated``, ``comparison``, ``difference`` (treated - comparison); columns
            ``pre``, ``post``, ``change`` (post - pre). The bottom-right cell is the DiD.
        """
        wide = self.means.pivot(index="group", columns="phase", values="estimate")
        wide = wide.reindex(index=["treated", "comparison"], columns=["pre", "post"])
        wide["change"] = wide["post"] - wide["pre"]
        wide.loc["difference"] = wide.loc["treated"] - wide.loc["comparison"]
        wide.index.name = None
        wide.columns.name = None
        return wide


def did(
    data: pd.DataFrame,
    *,
    outcome: str,
    group: str,
    period: str,
    cluster: str | None = None,
    treated: Any = None,
    post: Any = None,
    confidence: float = 0.95,
) -> DidResult:
    """Difference-in-differences as a regression with cluster-robust standard errors.

    Parameters
    ----------
    data : pandas.DataFrame
        Long frame, one row per unit and period (repeated cross-sections also work).
    outcome : str
        Numeric outcome column.
    group : str
        Column marking programme (treated) vs comparison rows.
    period : str
        Period column: 0/1 (or bool) post indicator, or several periods with ``post``.
    cluster : str, optional
        Column of clusters (person for panels, comune for areas): CR1 cluster-robust SEs
        with t on G - 1 degrees of freedom. Without it: HC1 robust SEs.
    treated : optional
        Value of ``group`` marking the programme; default 1/True for 0/1 or bool columns.
    post : list or scalar, optional
        Post-period values (list), or the first post period (scalar: ``period >= post``).
    confidence : float, default 0.95
        Level of the interval.

    Returns
    -------
    DidResult
        ``estimate`` etc. of the treated x post coefficient, and ``means`` (2x2 cell means);
        ``.to_frame()`` and ``.table()`` give the report tables.

    Raises
    ------
    DataFileError
        Missing columns, non-numeric outcome, an empty group, a group without pre or post rows,
        missing cluster ids, fewer than 2 clusters.
    ParameterError
        ``treated``/``post`` needed but not given, or not found.

    Notes
    -----
    Fits ``y = b0 + b1 treated + b2 post + b3 treated*post + e`` by OLS (statsmodels);
    ``b3`` equals the difference of the four cell means' changes, so with several pre periods
    they are pooled into "pre" (and post periods into "post"). The estimate is unbiased only
    under parallel trends: check :func:`pre_trends`. Rows with a missing outcome are dropped.
    ``effect_size`` is Morris's (2008) d_ppc2; with several pre periods the pooled SD is taken
    over all pre-period rows (persons counted once per period).

    References
    ----------
    Card, D. & Krueger, A. B. (1994). Minimum wages and employment. AER 84(4), table 3.
    Morris, S. B. (2008). Estimating effect sizes from pretest-posttest-control group
    designs. Organizational Research Methods 11(2), 364-386.
    Cameron, A. C. & Miller, D. L. (2015). A practitioner's guide to cluster-robust
    inference. J. Human Resources 50(2).

    Examples
    --------
    >>> df = pd.DataFrame({"g": [0, 0, 1, 1] * 2, "p": [0, 1, 0, 1] * 2,
    ...                    "y": [10, 11, 10, 14, 12, 13, 12, 16]})
    >>> res = did(df, outcome="y", group="g", period="p")
    >>> round(res.estimate, 6)
    3.0
    >>> res.table().loc["difference", "change"]
    np.float64(3.0)
    """
    if not 0 < confidence < 1:
        raise ParameterError(f"must be between 0 and 1 (got {confidence})", parameter="confidence")
    _need_columns(data, {"outcome": outcome, "group": group, "period": period, "cluster": cluster})
    y_all = _numeric(data, outcome)
    keep = y_all.notna().to_numpy()
    sub = data.loc[keep]
    y = y_all.to_numpy()[keep]
    is_t, _ = _group_codes(sub, group, treated)
    is_post = _post_flags(sub, period, post)
    for flag, name in ((is_t, "treated"), (~is_t, "comparison")):
        for ph, phname in ((~is_post, "pre"), (is_post, "post")):
            if not (flag & ph).any():
                raise DataFileError(
                    f"the {name} group has no {phname}-period rows; DiD needs all four cells",
                    column=period,
                )
    t = is_t.astype(float)
    p = is_post.astype(float)
    x = np.column_stack([np.ones_like(t), t, p, t * p])
    groups, n_clusters = _cluster_codes(sub, cluster)
    fit = _statsmodels.ols(
        y, x, ["const", "treated", "post", "did"], groups=groups, confidence=confidence
    )
    cell = 2 * is_t.astype(np.intp) + is_post.astype(np.intp)  # 0 cp, 1 cP, 2 tp, 3 tP
    counts = np.bincount(cell, minlength=4)
    sums = np.bincount(cell, weights=y, minlength=4)
    cell_means = sums / counts
    sq = np.bincount(cell, weights=(y - cell_means[cell]) ** 2, minlength=4)
    var = np.where(counts > 1, sq / np.maximum(counts - 1, 1), np.nan)
    order = [2, 3, 0, 1]
    means = pd.DataFrame(
        {
            "group": ["treated", "treated", "comparison", "comparison"],
            "phase": ["pre", "post", "pre", "post"],
            "n": counts[order].astype(int),
            "estimate": cell_means[order],
            "sd": np.sqrt(var[order]),
        }
    )
    est = fit["did"]
    n_t, n_c = counts[2], counts[0]
    sd_pre = np.sqrt(((n_t - 1) * var[2] + (n_c - 1) * var[0]) / (n_t + n_c - 2))
    c_p = 1 - 3 / (4 * (n_t + n_c - 2) - 1)
    effect = float(c_p * est["estimate"] / sd_pre) if sd_pre > 0 else float("nan")
    return DidResult(
        estimate=est["estimate"],
        se=est["se"],
        ci_low=est["ci_low"],
        ci_high=est["ci_high"],
        p_val=est["p_val"],
        n=len(y),
        n_clusters=n_clusters,
        cov_type="cluster" if cluster is not None else "HC1",
        means=means,
        effect_size=effect,
    )


def pre_trends(
    data: pd.DataFrame,
    *,
    outcome: str,
    group: str,
    period: str,
    treated: Any = None,
    post: Any = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Group means by period, for the parallel pre-trends chart.

    Parameters
    ----------
    data : pandas.DataFrame
        Long frame as for :func:`did`.
    outcome, group, period, treated, post
        As for :func:`did`.
    confidence : float, default 0.95
        Level of the t intervals of each mean.

    Returns
    -------
    pandas.DataFrame
        One row per group and period (periods in sorted order): ``group``
        ("treated"/"comparison"), ``period``, ``phase`` ("pre"/"post"), ``n``, ``estimate``
        (mean), ``se``, ``ci_low``, ``ci_high``.

    Raises
    ------
    DataFileError, ParameterError
        As for :func:`did`.

    Notes
    -----
    Descriptive: parallel lines before the programme make the DiD assumption credible; see
    :func:`pre_trend_test` for a formal check. Missing outcomes are dropped.

    References
    ----------
    Angrist, J. D. & Pischke, J.-S. (2009). Mostly Harmless Econometrics, ch. 5.2.

    Examples
    --------
    >>> df = pd.DataFrame({"g": [0, 1] * 6, "q": [1, 1, 2, 2, 3, 3] * 2,
    ...                    "y": [10, 9, 11, 10, 12, 14, 10, 9, 11, 10, 12, 14]})
    >>> pre_trends(df, outcome="y", group="g", period="q", post=[3])[["group", "period",
    ...                                                                "estimate"]]
            group  period  estimate
    0  comparison       1      10.0
    1  comparison       2      11.0
    2  comparison       3      12.0
    3     treated       1       9.0
    4     treated       2      10.0
    5     treated       3      14.0
    """
    _need_columns(data, {"outcome": outcome, "group": group, "period": period})
    y = _numeric(data, outcome)
    keep = y.notna().to_numpy()
    sub = data.loc[keep]
    is_t, _ = _group_codes(sub, group, treated)
    is_post = _post_flags(sub, period, post)
    cells = pd.DataFrame(
        {
            "group": np.where(is_t, "treated", "comparison"),
            "period": sub[period].to_numpy(),
            "phase": np.where(is_post, "post", "pre"),
            "y": y.to_numpy()[keep],
        }
    )
    out = (
        cells.groupby(["group", "period", "phase"])["y"]
        .agg(n="size", estimate="mean", sd="std")
        .reset_index()
    )
    out["se"] = out["sd"] / np.sqrt(out["n"])
    crit = stats.t.ppf(0.5 + confidence / 2, np.maximum(out["n"] - 1, 1))
    out["ci_low"] = out["estimate"] - crit * out["se"]
    out["ci_high"] = out["estimate"] + crit * out["se"]
    return out.drop(columns="sd")


def pre_trend_test(
    data: pd.DataFrame,
    *,
    outcome: str,
    group: str,
    period: str,
    cluster: str | None = None,
    treated: Any = None,
    post: Any = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Test for different linear trends before the programme (pre periods only).

    Parameters
    ----------
    data, outcome, group, period, cluster, treated, post, confidence
        As for :func:`did`.

    Returns
    -------
    pandas.DataFrame
        One row: ``n_periods`` (pre periods), ``n``, ``estimate`` (treated minus comparison
        slope per period), ``se``, ``ci_low``, ``ci_high``, ``p_val``.

    Raises
    ------
    DataFileError
        Fewer than 2 pre periods, or as for :func:`did`.

    Notes
    -----
    Regresses ``y = b0 + b1 treated + b2 k + b3 treated*k`` on pre-period rows, ``k`` the rank
    (0, 1, ...) of the sorted pre periods; ``b3`` near 0 supports parallel trends. Failing to
    reject is weak evidence with few periods: read it with the chart.

    References
    ----------
    Angrist, J. D. & Pischke, J.-S. (2009). Mostly Harmless Econometrics, ch. 5.2.

    Examples
    --------
    >>> df = pd.DataFrame({"g": [0, 1] * 6, "q": [1, 1, 2, 2, 3, 3] * 2,
    ...                    "y": [10, 9, 11, 10, 12, 14, 10, 9.5, 11, 10, 12, 14]})
    >>> res = pre_trend_test(df, outcome="y", group="g", period="q", post=[3])
    >>> int(res.loc[0, "n_periods"])
    2
    """
    _need_columns(data, {"outcome": outcome, "group": group, "period": period, "cluster": cluster})
    y = _numeric(data, outcome)
    keep = y.notna().to_numpy()
    sub = data.loc[keep]
    is_post = _post_flags(sub, period, post)
    pre_rows = sub.loc[~is_post]
    y_pre = y.to_numpy()[keep][~is_post]
    is_t, _ = _group_codes(pre_rows, group, treated)
    levels = sorted(pd.unique(pre_rows[period]))
    if len(levels) < 2:
        raise DataFileError(
            f"needs at least 2 pre periods to test trends, found {len(levels)}", column=period
        )
    k = pre_rows[period].map({v: i for i, v in enumerate(levels)}).to_numpy(dtype=float)
    t = is_t.astype(float)
    x = np.column_stack([np.ones_like(t), t, k, t * k])
    groups, _ = _cluster_codes(pre_rows, cluster)
    fit = _statsmodels.ols(
        y_pre, x, ["const", "treated", "k", "diff_slope"], groups=groups, confidence=confidence
    )
    est = fit["diff_slope"]
    return pd.DataFrame([{"n_periods": len(levels), "n": len(y_pre), **est}])


def pre_trends_chart(
    trends: pd.DataFrame, *, lang: str = "it", title: str | None = None
) -> alt.Chart:
    """Line chart of group means by period with 95% bands and a rule at the programme start.

    Parameters
    ----------
    trends : pandas.DataFrame
        Output of :func:`pre_trends`.
    lang : {"it", "en"}
        Language of axes and legend.
    title : str, optional
        Figure caption.

    Returns
    -------
    altair.LayerChart
        Bands (ci_low-ci_high), lines with points, and a dashed rule at the first post period.

    Raises
    ------
    ParameterError
        Unknown ``lang``.

    Notes
    -----
    The dashed rule marks the first post period; bands are the t intervals of each mean.

    References
    ----------
    Angrist, J. D. & Pischke, J.-S. (2009). Mostly Harmless Econometrics, ch. 5.2.

    Examples
    --------
    >>> df = pd.DataFrame({"g": [0, 1] * 6, "q": [1, 1, 2, 2, 3, 3] * 2,
    ...                    "y": [10, 9, 11, 10, 12, 14, 10, 9, 11, 10, 12, 14]})
    >>> tr = pre_trends(df, outcome="y", group="g", period="q", post=[3])
    >>> [layer["mark"]["type"] for layer in pre_trends_chart(tr).to_dict()["layer"]]
    ['area', 'line', 'rule']
    """
    lab = labels(lang)
    frame = trends.assign(
        group_label=trends["group"].map(
            {"treated": lab["treated"], "comparison": lab["comparison"]}
        ),
        period_label=trends["period"].astype(str),
    )
    order = [str(p) for p in sorted(pd.unique(trends["period"]))]
    first_post = sorted(pd.unique(trends.loc[trends["phase"] == "post", "period"]))
    x = alt.X("period_label:O", sort=order, title=lab["period"], axis=alt.Axis(labelAngle=0))
    color = alt.Color("group_label:N", title=lab["group"])
    base = alt.Chart(frame)
    band = base.mark_area(opacity=0.2).encode(
        x=x, y=alt.Y("ci_low:Q", title=lab["mean_outcome"]), y2="ci_high:Q", color=color
    )
    line = base.mark_line(point=True).encode(
        x=x,
        y=alt.Y("estimate:Q", title=lab["mean_outcome"], scale=alt.Scale(zero=False)),
        color=color,
        tooltip=["group_label:N", "period_label:N", "n:Q", "estimate:Q"],
    )
    rule_data = pd.DataFrame({"period_label": [str(first_post[0])] if first_post else []})
    rule = (
        alt.Chart(rule_data)
        .mark_rule(strokeDash=[4, 4], color="gray")
        .encode(x=alt.X("period_label:O", sort=order), tooltip=alt.value(lab["treatment_start"]))
    )
    chart = alt.layer(band, line, rule).properties(width=420, height=260)
    return chart.properties(title=title) if title else chart


def compare_groups(
    data: pd.DataFrame,
    *,
    outcome: str,
    group: str,
    treated: Any = None,
    equal_var: bool = False,
    confidence: float = 0.95,
    lang: str = "it",
) -> pd.DataFrame:
    """Two-group comparison for post-only designs (programme vs comparison after the fact).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person, measured once after the programme.
    outcome : str
        Numeric outcome column.
    group : str
        Column marking programme vs comparison rows.
    treated : optional
        Value of ``group`` marking the programme; default 1/True for 0/1 or bool columns.
    equal_var : bool, default False
        Pooled-variance Student t (True) or Welch t (False).
    confidence : float, default 0.95
        Level of the intervals.
    lang : {"it", "en"}
        Language of the ``weakness`` text.

    Returns
    -------
    pandas.DataFrame
        One row: ``n_treated``, ``n_comparison``, ``mean_treated``, ``mean_comparison``,
        ``estimate`` (difference of means), ``se``, ``ci_low``, ``ci_high``, ``statistic``
        (t), ``dof``, ``p_val``, ``effect_size`` (Hedges' g), ``es_ci_low``, ``es_ci_high``,
        ``design`` ("post_only"), ``weakness`` (the caveat, in ``lang``, for the report).

    Raises
    ------
    DataFileError
        Missing column, non-numeric outcome, a group empty or with fewer than 2 values.

    Notes
    -----
    Weakness: without a baseline, the difference mixes the programme's effect with any
    difference the groups had before it (selection); it is causal only when assignment was
    random, as in the NSW experiment. Prefer :func:`did` when baseline data exist. Missing
    outcomes are dropped. Tests via pingouin.

    References
    ----------
    Dehejia, R. & Wahba, S. (1999). JASA 94(448), table 3 (NSW experimental estimate
    1,794 USD, SE 633).

    Examples
    --------
    >>> df = pd.DataFrame({"g": [1, 1, 1, 0, 0, 0], "y": [5.0, 6, 7, 3, 4, 5]})
    >>> compare_groups(df, outcome="y", group="g")[["estimate", "design"]]
       estimate     design
    0       2.0  post_only
    """
    weakness = labels(lang)["post_only_weakness"]
    _need_columns(data, {"outcome": outcome, "group": group})
    y = _numeric(data, outcome)
    keep = y.notna().to_numpy()
    is_t, _ = _group_codes(data.loc[keep], group, treated)
    yv = y.to_numpy()[keep]
    a, b = yv[is_t], yv[~is_t]
    if min(len(a), len(b)) < 2:
        raise DataFileError(
            f"each group needs at least 2 values (treated {len(a)}, comparison {len(b)})",
            column=outcome,
        )
    res = _pingouin.two_sample_t(a, b, equal_var=equal_var, confidence=confidence)
    diff = float(a.mean() - b.mean())
    if equal_var:
        sp2 = ((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / (len(a) + len(b) - 2)
        se = float(np.sqrt(sp2 * (1 / len(a) + 1 / len(b))))
    else:
        se = float(np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b)))
    crit = float(stats.t.ppf(0.5 + confidence / 2, res["dof"]))
    return pd.DataFrame(
        [
            {
                "n_treated": len(a),
                "n_comparison": len(b),
                "mean_treated": float(a.mean()),
                "mean_comparison": float(b.mean()),
                "estimate": diff,
                "se": se,
                "ci_low": diff - crit * se,
                "ci_high": diff + crit * se,
                "statistic": res["statistic"],
                "dof": res["dof"],
                "p_val": res["p_val"],
                "effect_size": res["effect_size"],
                "es_ci_low": res["es_ci_low"],
                "es_ci_high": res["es_ci_high"],
                "design": "post_only",
                "weakness": weakness,
            }
        ]
    )
