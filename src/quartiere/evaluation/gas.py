"""Goal Attainment Scaling (GAS): Kiresuk-Sherman T-scores per user and per programme."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd
from scipy import stats

from quartiere.errors import DataFileError, ParameterError
from quartiere.evaluation._labels import labels
from quartiere.evaluation._util import show

__all__ = ["gas_t_score", "gas_scores", "gas_summary", "gas_chart"]


def _check_rho(rho: float) -> None:
    if not 0 <= rho < 1:
        raise ParameterError(f"rho must be in [0, 1) (got {rho})", parameter="rho")


def gas_t_score(
    scores: Sequence[float] | np.ndarray,
    weights: Sequence[float] | np.ndarray | None = None,
    *,
    rho: float = 0.3,
) -> float:
    """Kiresuk-Sherman T-score of one person's goal attainment scores.

    Parameters
    ----------
    scores : sequence of float
        Goal scores on the GAS scale -2 (much less than expected) .. +2 (much more).
    weights : sequence of float, optional
        Positive goal weights (importance x difficulty); default all 1.
    rho : float, default 0.3
        Assumed average correlation between goal scores, in [0, 1).

    Returns
    -------
    float
        ``T = 50 + 10 sum(w x) / sqrt((1 - rho) sum(w^2) + rho (sum w)^2)``; 50 means goals
        attained as expected on average, 10 points is one standard deviation.

    Raises
    ------
    ParameterError
        No scores, a score outside -2..+2 or missing, weights not positive or of another
        length, ``rho`` outside [0, 1).

    Notes
    -----
    Missing scores are an error (a goal not rated must be rated or removed), unlike gasr's
    ``na.rm=TRUE``.

    References
    ----------
    Kiresuk, T. J. & Sherman, R. E. (1968). Goal attainment scaling. Community Mental Health
    Journal 4(6), 443-453. gasr R package, ``calc_tscore`` (Dunn).

    Examples
    --------
    >>> gas_t_score([-2, 0, -1, 2, 0, 1], [3, 5, 1, 4, 2, 6])
    55.0
    >>> gas_t_score([0, 0, 0])
    50.0
    """
    _check_rho(rho)
    x = np.asarray(scores, dtype=float)
    if x.ndim != 1 or x.size == 0:
        raise ParameterError("give at least one goal score", parameter="scores")
    bad = np.isnan(x) | (x < -2) | (x > 2)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise ParameterError(f"goal {k + 1}: score {x[k]} is outside -2..+2", parameter="scores")
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != x.shape:
        raise ParameterError(
            f"{w.size} weights for {x.size} scores; give one weight per goal",
            parameter="weights",
        )
    badw = np.isnan(w) | (w <= 0)
    if badw.any():
        k = int(np.flatnonzero(badw)[0])
        raise ParameterError(
            f"goal {k + 1}: weight {w[k]} must be greater than 0", parameter="weights"
        )
    denom = (1 - rho) * np.sum(w**2) + rho * np.sum(w) ** 2
    return float(50 + 10 * np.sum(w * x) / np.sqrt(denom))


def gas_scores(
    goals: pd.DataFrame,
    *,
    subject: str,
    score: str,
    weight: str | None = None,
    by: str | Sequence[str] | None = None,
    rho: float = 0.3,
) -> pd.DataFrame:
    """T-score per user from a long frame of goals (one row per user and goal).

    Parameters
    ----------
    goals : pandas.DataFrame
        One row per goal.
    subject : str
        User id column.
    score : str
        Goal score column (-2..+2, integers or halves).
    weight : str, optional
        Goal weight column (> 0); default equal weights.
    by : str or list of str, optional
        Columns constant within a user to carry along (e.g. comune, programme).
    rho : float, default 0.3
        Inter-goal correlation of the Kiresuk-Sherman formula.

    Returns
    -------
    pandas.DataFrame
        One row per user, in order of first appearance: ``subject`` (id), the ``by`` columns,
        ``n_goals``, ``t_score``, ``mean_score`` (unweighted mean goal score).

    Raises
    ------
    DataFileError
        Missing column; a score outside -2..+2, missing, or not a number; a weight <= 0
        or missing (the message names the data row, 1-based, and column).

    Notes
    -----
    See :func:`gas_t_score`. No missing scores are allowed.

    References
    ----------
    Kiresuk, T. J. & Sherman, R. E. (1968). Community Mental Health Journal 4(6), 443-453.

    Examples
    --------
    >>> g = pd.DataFrame({"user": ["a", "a", "b"], "score": [1, 0, -1], "w": [1, 1, 2]})
    >>> gas_scores(g, subject="user", score="score", weight="w")
      subject  n_goals    t_score  mean_score
    0       a        2  56.201737         0.5
    1       b        1  40.000000        -1.0
    """
    _check_rho(rho)
    by_cols = [by] if isinstance(by, str) else list(by or [])
    for col in [subject, score, *([weight] if weight else []), *by_cols]:
        if col not in goals.columns:
            raise DataFileError(f"no column {col!r}; columns are {list(goals.columns)}", column=col)
    x = pd.to_numeric(goals[score], errors="coerce")
    bad = x.isna() | (x < -2) | (x > 2)
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        shown = show(goals[score].iloc[pos])
        what = "is missing" if shown == "missing" else f"{shown} is outside -2..+2"
        raise DataFileError(
            f"score {what}; rate the goal on the GAS scale -2..+2",
            row=pos + 1,
            column=score,
        )
    if weight is not None:
        w = pd.to_numeric(goals[weight], errors="coerce")
        badw = w.isna() | (w <= 0)
        if badw.any():
            pos = int(np.flatnonzero(badw.to_numpy())[0])
            raise DataFileError(
                f"weight {show(goals[weight].iloc[pos])} must be a number greater than 0",
                row=pos + 1,
                column=weight,
            )
    else:
        w = pd.Series(1.0, index=goals.index)
    if goals[subject].isna().any():
        pos = int(np.flatnonzero(goals[subject].isna().to_numpy())[0])
        raise DataFileError("missing user id", row=pos + 1, column=subject)
    work = pd.DataFrame(
        {"subject": goals[subject].to_numpy(), "x": x.to_numpy(float), "w": w.to_numpy(float)}
    )
    work["wx"] = work["w"] * work["x"]
    work["w2"] = work["w"] ** 2
    agg = work.groupby("subject", sort=False).agg(
        n_goals=("x", "size"),
        swx=("wx", "sum"),
        sw=("w", "sum"),
        sw2=("w2", "sum"),
        mean_score=("x", "mean"),
    )
    agg["t_score"] = 50 + 10 * agg["swx"] / np.sqrt((1 - rho) * agg["sw2"] + rho * agg["sw"] ** 2)
    out = agg.reset_index()[["subject", "n_goals", "t_score", "mean_score"]]
    if by_cols:
        extra = goals[[subject, *by_cols]].drop_duplicates(subset=[subject])
        extra = extra.rename(columns={subject: "subject"})
        out = out.merge(extra, on="subject", how="left")
        out = out[["subject", *by_cols, "n_goals", "t_score", "mean_score"]]
    return out


def gas_summary(
    per_user: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Programme-level GAS summary from :func:`gas_scores`.

    Parameters
    ----------
    per_user : pandas.DataFrame
        Output of :func:`gas_scores` (needs ``t_score``).
    by : str or list of str, optional
        Grouping columns (e.g. comune); default the whole programme.
    confidence : float, default 0.95
        Level of the t interval of the mean T-score.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``n`` (users), ``estimate`` (mean T-score),
        ``se``, ``ci_low``, ``ci_high``, ``share_at_or_above_50`` (users with T >= 50),
        ``p_val`` (one-sample t-test of mean T against 50, two-sided; NaN when n < 2).

    Raises
    ------
    DataFileError
        ``t_score`` or a ``by`` column missing.

    Notes
    -----
    T = 50 is "goals attained as expected"; the test asks whether users reached more (or
    less) than was expected when goals were set. Publish with small-cell suppression.

    References
    ----------
    Turner-Stokes, L. (2009). Goal attainment scaling (GAS) in rehabilitation: a practical
    guide. Clinical Rehabilitation 23(4), 362-370.

    Examples
    --------
    >>> pu = pd.DataFrame({"t_score": [48.0, 52.0, 56.0, 60.0]})
    >>> gas_summary(pu)[["n", "estimate", "share_at_or_above_50"]]
       n  estimate  share_at_or_above_50
    0  4      54.0                  0.75
    """
    by_cols = [by] if isinstance(by, str) else list(by or [])
    for col in ["t_score", *by_cols]:
        if col not in per_user.columns:
            raise DataFileError(f"no column {col!r}; pass the output of gas_scores", column=col)
    rows = []
    groups = per_user.groupby(by_cols, sort=True) if by_cols else [((), per_user)]
    for key, g in groups:
        t = g["t_score"].dropna().to_numpy(float)
        n = len(t)
        mean = float(t.mean()) if n else float("nan")
        se = float(t.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
        crit = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) if n > 1 else float("nan")
        p = float(stats.ttest_1samp(t, 50.0).pvalue) if n > 1 and se > 0 else float("nan")
        key = key if isinstance(key, tuple) else (key,)
        rows.append(
            {
                **dict(zip(by_cols, key, strict=True)),
                "n": n,
                "estimate": mean,
                "se": se,
                "ci_low": mean - crit * se,
                "ci_high": mean + crit * se,
                "share_at_or_above_50": float((t >= 50).mean()) if n else float("nan"),
                "p_val": p,
            }
        )
    return pd.DataFrame(rows)


def gas_chart(
    per_user: pd.DataFrame, *, lang: str = "it", bin_step: float = 5.0, title: str | None = None
) -> alt.Chart:
    """Histogram of users' T-scores with a rule at 50 (goals attained as expected).

    Parameters
    ----------
    per_user : pandas.DataFrame
        Output of :func:`gas_scores`.
    lang : {"it", "en"}
        Language of the axes.
    bin_step : float, default 5
        Width of the T-score bins.
    title : str, optional
        Figure caption.

    Returns
    -------
    altair.LayerChart
        Bars (count of users per bin) and a dashed rule at T = 50.

    Raises
    ------
    ParameterError
        Unknown ``lang``.

    Notes
    -----
    A distribution centred above 50 means users did better than expected when goals were set.

    References
    ----------
    Kiresuk, T. J. & Sherman, R. E. (1968). Community Mental Health Journal 4(6), 443-453.

    Examples
    --------
    >>> pu = pd.DataFrame({"t_score": [48.0, 52.0, 56.0, 60.0]})
    >>> [layer["mark"]["type"] for layer in gas_chart(pu, lang="en").to_dict()["layer"]]
    ['bar', 'rule']
    """
    lab = labels(lang)
    bars = (
        alt.Chart(per_user[["t_score"]])
        .mark_bar()
        .encode(
            x=alt.X("t_score:Q", bin=alt.Bin(step=bin_step), title=lab["t_score"]),
            y=alt.Y("count():Q", title=lab["users"]),
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"t_score": [50.0]}))
        .mark_rule(strokeDash=[4, 4], color="black")
        .encode(x="t_score:Q")
    )
    chart = alt.layer(bars, rule).properties(width=420, height=220)
    return chart.properties(title=title) if title else chart
