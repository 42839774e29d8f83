"""Comparisons: weighted crosstabs with chi-square, group comparisons of scale scores."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from quartiere.errors import ParameterError
from quartiere.privacy import suppress_small_cells
from quartiere.survey import _pingouin

__all__ = ["ChiSquare", "GroupComparison", "chi_square", "compare_groups", "weighted_crosstab"]


def _weights(data: pd.DataFrame, weight: str | None) -> np.ndarray:
    if weight is None:
        return np.ones(len(data))
    if weight not in data.columns:
        raise ParameterError(f"no column {weight!r} in the data", parameter="weight")
    w = pd.to_numeric(data[weight], errors="coerce").to_numpy(dtype=float)
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ParameterError(
            f"column {weight!r} has missing or negative weights", parameter="weight"
        )
    return w


def _tables(
    data: pd.DataFrame, row: str, col: str, weight: str | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    for c in (row, col):
        if c not in data.columns:
            raise ParameterError(f"no column {c!r} in the data", parameter="row/col")
    w = _weights(data, weight)
    keep = data[row].notna().to_numpy() & data[col].notna().to_numpy()
    frame = pd.DataFrame(
        {"r": data[row].to_numpy()[keep], "c": data[col].to_numpy()[keep], "w": w[keep]}
    )
    if isinstance(data[row].dtype, pd.CategoricalDtype):
        frame["r"] = pd.Categorical(frame["r"], categories=data[row].cat.categories)
    if isinstance(data[col].dtype, pd.CategoricalDtype):
        frame["c"] = pd.Categorical(frame["c"], categories=data[col].cat.categories)
    counts = pd.crosstab(frame["r"], frame["c"], dropna=False)
    weighted = pd.crosstab(frame["r"], frame["c"], values=frame["w"], aggfunc="sum", dropna=False)
    weighted = weighted.reindex_like(counts).fillna(0.0)
    return counts, weighted


def weighted_crosstab(
    data: pd.DataFrame,
    row: str,
    col: str,
    *,
    weight: str | None = None,
    threshold: int = 5,
) -> pd.DataFrame:
    """Weighted crosstab in tidy form with row, column and total percentages.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents.
    row, col : str
        The two categorical columns.
    weight : str, optional
        Weight column (default unweighted).
    threshold : int, default 5
        Cells with fewer respondents are suppressed.

    Returns
    -------
    pandas.DataFrame
        One row per cell: ``row`` and ``col`` values (columns named after them), ``n``
        (respondents), ``weighted_n``, ``row_pct``, ``col_pct``, ``total_pct`` (shares
        0-100 of the weighted row total, column total and grand total) and ``suppressed``.

    Raises
    ------
    ParameterError
        Unknown columns, missing or negative weights.

    Notes
    -----
    Respondents missing either variable are left out. Every category of a categorical is
    listed, observed or not.

    Examples
    --------
    >>> d = pd.DataFrame({"sex": ["F", "F", "M", "M"], "uses": ["si", "no", "si", "si"],
    ...                   "w": [1.0, 1.0, 2.0, 2.0]})
    >>> weighted_crosstab(d, "sex", "uses", weight="w", threshold=1)[["sex", "uses", "row_pct"]]
      sex uses  row_pct
    0   F   no     50.0
    1   F   si     50.0
    2   M   no      NaN
    3   M   si    100.0
    """
    if row == col:
        raise ParameterError("row and col must differ", parameter="col")
    counts, weighted = _tables(data, row, col, weight)
    total = weighted.to_numpy().sum()
    rows = []
    row_tot = weighted.sum(axis=1)
    col_tot = weighted.sum(axis=0)
    for r in counts.index:
        for c in counts.columns:
            wn = float(weighted.loc[r, c])
            rows.append(
                {
                    row: r,
                    col: c,
                    "n": int(counts.loc[r, c]),
                    "weighted_n": wn,
                    "row_pct": 100 * wn / row_tot[r] if row_tot[r] > 0 else np.nan,
                    "col_pct": 100 * wn / col_tot[c] if col_tot[c] > 0 else np.nan,
                    "total_pct": 100 * wn / total if total > 0 else np.nan,
                }
            )
    out = pd.DataFrame(rows)
    for name, src in ((row, data[row]), (col, data[col])):
        if isinstance(src.dtype, pd.CategoricalDtype):
            out[name] = pd.Categorical(out[name], categories=src.cat.categories)
    return suppress_small_cells(
        out, threshold=threshold, columns=["weighted_n", "row_pct", "col_pct", "total_pct"]
    )


@dataclass(frozen=True)
class ChiSquare:
    """Chi-square test of independence on a (weighted) crosstab.

    Attributes
    ----------
    statistic, dof, p_val : float
        Pearson chi-square, degrees of freedom, p-value.
    effect_size : float
        Cramér's V.
    n : int
        Respondents in the table.
    n_eff : float
        Kish effective sample size the weighted table was scaled to (``n`` if unweighted).
    """

    statistic: float
    dof: int
    p_val: float
    effect_size: float
    n: int
    n_eff: float

    def to_frame(self) -> pd.DataFrame:
        """One row with ``statistic``, ``dof``, ``p_val``, ``effect_size``, ``n``, ``n_eff``."""
        return pd.DataFrame([self.__dict__])


def chi_square(data: pd.DataFrame, row: str, col: str, *, weight: str | None = None) -> ChiSquare:
    """Chi-square test of independence with Cramér's V, for weighted survey data.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents.
    row, col : str
        Two categorical columns.
    weight : str, optional
        Weight column.

    Returns
    -------
    ChiSquare
        ``statistic``, ``dof``, ``p_val``, ``effect_size`` (Cramér's V), ``n``, ``n_eff``.

    Raises
    ------
    ParameterError
        Unknown columns, fewer than 2 observed categories in a variable.

    Notes
    -----
    The weighted table is rescaled to sum to Kish's effective sample size
    ``n_eff = (sum w)^2 / sum w^2`` and Pearson's chi-square (no continuity correction)
    is computed on it. This equals dividing the chi-square of the weighted proportions
    scaled to ``n`` by Kish's design effect: a first-order Rao-Scott correction that uses
    the weighting design effect as the generalized design effect (Rao and Scott 1984).
    Unweighted, it is the classic test. Categories with no respondents are dropped.
    Cramér's V is ``sqrt(chi2 / (n_eff * (min(r, c) - 1)))``.

    References
    ----------
    Rao, J. N. K. and Scott, A. J. (1984). On chi-squared tests for multiway contingency
    tables with cell proportions estimated from survey data. Ann. Statist. 12, 46-60.
    Cramér, H. (1946). Mathematical Methods of Statistics, p. 282.

    Examples
    --------
    >>> d = pd.DataFrame({"a": list("xxxxyyyy"), "b": list("ppqpqqqq")})
    >>> r = chi_square(d, "a", "b")
    >>> round(r.statistic, 4), r.dof, round(r.effect_size, 4)
    (4.8, 1, 0.7746)
    """
    counts, weighted = _tables(data, row, col, weight)
    keep_r = counts.sum(axis=1) > 0
    keep_c = counts.sum(axis=0) > 0
    counts = counts.loc[keep_r, keep_c]
    weighted = weighted.loc[keep_r, keep_c]
    if min(counts.shape) < 2:
        raise ParameterError(
            "chi-square needs at least 2 observed categories in each variable", parameter="row/col"
        )
    n = int(counts.to_numpy().sum())
    wv = _weights(data, weight)
    keep = data[row].notna().to_numpy() & data[col].notna().to_numpy()
    wk = wv[keep]
    n_eff = float(wk.sum() ** 2 / np.sum(wk**2)) if weight is not None else float(n)
    table = weighted.to_numpy() / weighted.to_numpy().sum() * n_eff
    chi2, p, dof, _ = stats.chi2_contingency(table, correction=False)
    v = float(np.sqrt(chi2 / (n_eff * (min(table.shape) - 1))))
    return ChiSquare(float(chi2), int(dof), float(p), v, n, n_eff)


@dataclass(frozen=True)
class GroupComparison:
    """A scale score compared across groups.

    Attributes
    ----------
    test : str
        ``"welch_anova"`` or ``"kruskal_wallis"``.
    statistic, df1, df2, p_val : float
        F (Welch) or H (Kruskal-Wallis; ``df2`` NaN), degrees of freedom, p-value.
    effect_size : float
        Partial eta squared (Welch) or epsilon squared (Kruskal-Wallis).
    effect_size_name : str
        ``"eta_squared"`` or ``"epsilon_squared"``.
    reason : str
        Why that test was chosen.
    groups : pandas.DataFrame
        ``group``, ``n``, ``mean``, ``sd``, ``median``.
    pairwise : pandas.DataFrame
        ``group_a``, ``group_b``, ``test``, ``statistic``, ``df``, ``p_unc``, ``p_val``
        (Holm-adjusted), ``effect_size``, ``effect_size_name``.
    """

    test: str
    statistic: float
    df1: float
    df2: float
    p_val: float
    effect_size: float
    effect_size_name: str
    reason: str
    groups: pd.DataFrame
    pairwise: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """One row: test, statistic, df1, df2, p_val, effect_size, effect_size_name, reason."""
        keys = ["test", "statistic", "df1", "df2", "p_val", "effect_size", "effect_size_name"]
        return pd.DataFrame([{k: getattr(self, k) for k in [*keys, "reason"]}])


def compare_groups(
    data: pd.DataFrame,
    score: str,
    group: str,
    *,
    min_n: int = 30,
    method: str = "auto",
    threshold: int = 5,
) -> GroupComparison:
    """Compare a scale score across groups (Welch ANOVA or Kruskal-Wallis) with Holm pairs.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents with a numeric ``score`` and a ``group`` column.
    score : str
        The score (e.g. from :func:`~quartiere.survey.scales.score_scales`).
    group : str
        Grouping column (district, age band...).
    min_n : int, default 30
        Smallest group size for Welch's ANOVA under ``method="auto"``.
    method : {"auto", "welch", "kruskal"}, default "auto"
        Force a test, or let the rule choose.
    threshold : int, default 5
        Groups with fewer respondents are left out (privacy and stability).

    Returns
    -------
    GroupComparison
        The omnibus test, its effect size, the reason for the choice, group summaries and
        Holm-corrected pairwise tests.

    Raises
    ------
    ParameterError
        Unknown columns or method, a non-numeric score, fewer than 2 groups of at least
        ``threshold`` respondents.

    Notes
    -----
    Rule (``method="auto"``): Welch's ANOVA when every group has at least ``min_n`` scores
    (group means are then close to normal by the central limit theorem, and Welch's test
    does not assume equal variances, which Likert scores by group rarely have);
    otherwise Kruskal-Wallis, which needs no normality. Pairwise tests follow the same
    choice: Welch t-tests (Hedges' g) or Mann-Whitney U (common-language effect size),
    Holm-adjusted. The tests are unweighted (pingouin has no survey weights): they ask
    whether the groups of respondents differ, not what the population means are; use
    :func:`~quartiere.survey.estimates.weighted_estimates` for those. Missing scores and
    groups are dropped.

    References
    ----------
    Welch, B. L. (1951). On the comparison of several mean values. Biometrika 38.
    Kruskal, W. H. and Wallis, W. A. (1952). JASA 47, 583-621. Holm, S. (1979).
    Scandinavian Journal of Statistics 6, 65-70. Tomczak, M. and Tomczak, E. (2014).
    Trends in Sport Sciences 21(1), 19-25 (epsilon squared).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> d = pd.DataFrame({"g": np.repeat(["a", "b", "c"], 40),
    ...                   "s": np.r_[rng.normal(3, 1, 40), rng.normal(3.5, 1, 40),
    ...                              rng.normal(3, 1, 40)]})
    >>> r = compare_groups(d, "s", "g")
    >>> r.test, len(r.pairwise)
    ('welch_anova', 3)
    """
    for c in (score, group):
        if c not in data.columns:
            raise ParameterError(f"no column {c!r} in the data", parameter="score/group")
    if method not in {"auto", "welch", "kruskal"}:
        raise ParameterError(
            f"unknown method {method!r}; use auto, welch or kruskal", parameter="method"
        )
    if isinstance(data[score].dtype, pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(
        data[score]
    ):
        raise ParameterError(f"score {score!r} must be numeric", parameter="score")
    frame = pd.DataFrame(
        {"score": data[score].astype(float).to_numpy(), "group": data[group].astype(object)}
    ).dropna()
    sizes = frame.groupby("group")["score"].size()
    small = sizes[sizes < threshold].index
    frame = frame[~frame["group"].isin(small)]
    frame["group"] = frame["group"].astype(str)
    sizes = frame.groupby("group")["score"].size()
    if len(sizes) < 2:
        raise ParameterError(
            f"need at least 2 groups with {threshold} or more scores", parameter="group"
        )
    flat = frame.groupby("group")["score"].std(ddof=1)
    if method == "auto":
        welch = bool(sizes.min() >= min_n)
        reason = (
            f"every group has at least {min_n} scores: Welch's ANOVA"
            if welch
            else f"a group has fewer than {min_n} scores ({sizes.idxmin()}: {sizes.min()}): "
            "Kruskal-Wallis"
        )
    else:
        welch = method == "welch"
        reason = f"chosen by the caller: {method}"
    if welch and not (flat > 0).all():
        raise ParameterError(
            "a group has no variance in the score; use method='kruskal'", parameter="method"
        )
    omnibus = (
        _pingouin.welch_anova(frame, "score", "group")
        if welch
        else _pingouin.kruskal(frame, "score", "group")
    )
    pairs = _pingouin.pairwise(frame, "score", "group", parametric=welch)
    summary = (
        frame.groupby("group")["score"]
        .agg(n="size", mean="mean", sd="std", median="median")
        .reset_index()
    )
    return GroupComparison(
        test="welch_anova" if welch else "kruskal_wallis",
        statistic=omnibus["statistic"],
        df1=omnibus["df1"],
        df2=omnibus["df2"],
        p_val=omnibus["p_val"],
        effect_size=omnibus["effect_size"],
        effect_size_name="eta_squared" if welch else "epsilon_squared",
        reason=reason,
        groups=summary,
        pairwise=pairs,
    )
