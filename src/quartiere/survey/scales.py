"""Likert scales: scores with reversed items, reliability (alpha, omega, item analysis)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from quartiere.errors import CodebookError, ParameterError
from quartiere.survey import _pingouin
from quartiere.survey.schema import SurveySchema

__all__ = ["Reliability", "item_codes", "reliability", "score_scale", "score_scales"]


def item_codes(
    data: pd.DataFrame, items: Sequence[str], *, scale_range: tuple[int, int] | None = None
) -> pd.DataFrame:
    """Numeric answer codes of Likert items.

    Parameters
    ----------
    data : pandas.DataFrame
        Items as numbers or as ordered categoricals of their labels (the canonical frame).
    items : sequence of str
        Item columns.
    scale_range : (int, int), optional
        ``(low, high)`` codes. An ordered categorical with ``high - low + 1`` categories
        maps its i-th category to ``low + i``; default low = 1.

    Returns
    -------
    pandas.DataFrame
        Float codes, NaN where unanswered.

    Raises
    ------
    ParameterError
        Unknown item column.
    CodebookError
        A categorical item whose number of categories does not match the range.

    Examples
    --------
    >>> d = pd.DataFrame({"q": pd.Categorical(["Molto", "Poco"], ["Poco", "Abbastanza",
    ...     "Molto"], ordered=True)})
    >>> item_codes(d, ["q"])["q"].tolist()
    [3.0, 1.0]
    """
    out = {}
    for item in items:
        if item not in data.columns:
            raise ParameterError(f"no item column {item!r} in the data", parameter="items")
        s = data[item]
        if isinstance(s.dtype, pd.CategoricalDtype):
            k = len(s.cat.categories)
            low = scale_range[0] if scale_range else 1
            if scale_range and scale_range[1] - scale_range[0] + 1 != k:
                raise CodebookError(
                    f"{k} answer categories do not fit the scale {scale_range[0]}-{scale_range[1]}",
                    column=item,
                )
            codes = s.cat.codes.to_numpy().astype(float)
            out[item] = np.where(codes < 0, np.nan, codes + low)
        else:
            out[item] = pd.to_numeric(s, errors="coerce").astype(float).to_numpy()
    return pd.DataFrame(out, index=data.index)


def score_scale(
    data: pd.DataFrame,
    items: Sequence[str],
    *,
    reversed: Sequence[str] = (),
    scale_range: tuple[int, int] = (1, 5),
    min_items: int | None = None,
) -> pd.Series:
    """Score a Likert scale: mean of the answered items, reversed items flipped.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents with the item columns (codes or ordered categoricals).
    items : sequence of str
        The scale's items.
    reversed : sequence of str, default ()
        Items worded the other way round: scored ``low + high - code``.
    scale_range : (int, int), default (1, 5)
        Lowest and highest answer code.
    min_items : int, optional
        Fewest answered items for a score (default: half the items, rounded up); fewer
        gives NaN.

    Returns
    -------
    pandas.Series
        Float score on the items' own range, indexed like ``data``.

    Raises
    ------
    ParameterError
        Unknown items, reversed items not among the items, bad ``min_items``, or codes
        outside ``scale_range``.

    Notes
    -----
    The mean of answered items (prorated score) keeps the scale's range and treats
    unanswered items as missing at random within the person; the minimum-items rule
    stops scores resting on one or two answers.

    Examples
    --------
    >>> d = pd.DataFrame({"a": [5, 4, None], "b": [1, 2, None], "c": [4, None, 3]})
    >>> score_scale(d, ["a", "b", "c"], reversed=["b"], min_items=2).tolist()
    [4.666666666666667, 4.0, nan]
    """
    items = list(items)
    if len(items) < 1:
        raise ParameterError("give at least one item", parameter="items")
    bad = [r for r in reversed if r not in items]
    if bad:
        raise ParameterError(
            f"reversed item(s) {bad} are not among the items", parameter="reversed"
        )
    k = len(items)
    need = -(-k // 2) if min_items is None else min_items
    if not 1 <= need <= k:
        raise ParameterError(f"must be between 1 and {k}, got {min_items!r}", parameter="min_items")
    low, high = scale_range
    codes = item_codes(data, items, scale_range=scale_range)
    values = codes.to_numpy()
    outside = np.isfinite(values) & ((values < low) | (values > high))
    if outside.any():
        r, c = np.argwhere(outside)[0]
        raise ParameterError(
            f"row {r + 1}, item {items[c]}: {values[r, c]:g} is outside the scale {low}-{high}",
            parameter="scale_range",
        )
    for item in reversed:
        codes[item] = low + high - codes[item]
    answered = codes.notna().sum(axis=1)
    return codes.mean(axis=1).where(answered >= need).rename(None)


def score_scales(data: pd.DataFrame, schema: SurveySchema) -> pd.DataFrame:
    """Score every scale of the study's survey schema.

    Parameters
    ----------
    data : pandas.DataFrame
        The canonical frame from :func:`~quartiere.survey.validate.validate_survey`.
    schema : SurveySchema
        Scales with items, reversed items, range and minimum items.

    Returns
    -------
    pandas.DataFrame
        One float column per scale (named as in the schema), indexed like ``data``.

    Raises
    ------
    ParameterError, CodebookError
        As :func:`score_scale`.
    """
    return pd.DataFrame(
        {
            name: score_scale(
                data,
                spec.items,
                reversed=spec.reversed,
                scale_range=spec.range,
                min_items=spec.minimum,
            )
            for name, spec in schema.scales.items()
        },
        index=data.index,
    )


@dataclass(frozen=True)
class Reliability:
    """Reliability of a scale.

    Attributes
    ----------
    n : int
        Complete cases used.
    k : int
        Items.
    alpha, ci_low, ci_high : float
        Cronbach's alpha and its Feldt confidence interval.
    omega : float
        McDonald's omega (total) from a one-factor model (NaN with fewer than 3 items).
    items : pandas.DataFrame
        Per item: ``item``, ``reversed``, ``mean``, ``sd``, ``item_total`` (corrected
        item-total correlation: the item against the sum of the other items),
        ``alpha_if_dropped``, ``loading`` (standardized one-factor loading).
    """

    n: int
    k: int
    alpha: float
    ci_low: float
    ci_high: float
    omega: float
    items: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """One row: ``n``, ``k``, ``alpha``, ``ci_low``, ``ci_high``, ``omega``."""
        return pd.DataFrame(
            [
                {
                    "n": self.n,
                    "k": self.k,
                    "alpha": self.alpha,
                    "ci_low": self.ci_low,
                    "ci_high": self.ci_high,
                    "omega": self.omega,
                }
            ]
        )


def _alpha(values: np.ndarray) -> float:
    cov = np.cov(values, rowvar=False, ddof=1)
    k = values.shape[1]
    return float(k / (k - 1) * (1 - np.trace(cov) / cov.sum()))


def reliability(
    data: pd.DataFrame,
    items: Sequence[str],
    *,
    reversed: Sequence[str] = (),
    scale_range: tuple[int, int] | None = None,
    ci: float = 0.95,
) -> Reliability:
    """Cronbach's alpha with CI, McDonald's omega and item analysis of a scale.

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents with the items (codes or ordered categoricals).
    items : sequence of str
        At least 2 items (3 for omega).
    reversed : sequence of str, default ()
        Items flipped (``low + high - code``) before the analysis; needs ``scale_range``
        (or categorical items, whose range is 1..number of categories).
    scale_range : (int, int), optional
        Answer codes' range.
    ci : float, default 0.95
        Confidence level of alpha's interval.

    Returns
    -------
    Reliability
        ``n``, ``k``, ``alpha``, ``ci_low``, ``ci_high``, ``omega`` and the ``items`` table
        (see :class:`Reliability`); ``.to_frame()`` gives the one-row summary.

    Raises
    ------
    ParameterError
        Fewer than 2 items, unknown columns, fewer than 3 complete cases, an item with no
        variance, ``ci`` outside (0, 1), reversed items without a range.

    Notes
    -----
    Listwise deletion: only respondents who answered every item are used (as
    ``psych::alpha(use = "complete.obs")``). Alpha is pingouin's ``cronbach_alpha``; its CI
    is Feldt's F-based interval with ``df1 = n - 1`` and ``df2 = (n - 1)(k - 1)``, ``n`` the
    complete cases (computed here at full precision; pingouin rounds it to 3 decimals and,
    with missing data, counts the rows before listwise deletion). Omega total is
    ``(sum l)^2 / ((sum l)^2 + sum(1 - l^2))`` from the standardized loadings ``l`` of a
    one-factor maximum-likelihood factor analysis of the items' correlation matrix
    (statsmodels ``Factor``), i.e. omega of the standardized items, as ``psych::omega``
    reports it.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    Psychometrika 16, 297-334. Feldt, L. S., Woodruff, D. J. and Salih, F. A. (1987).
    Statistical inference for coefficient alpha. Applied Psychological Measurement 11.
    McDonald, R. P. (1999). Test Theory: A Unified Treatment, chapter 6.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=300)
    >>> d = pd.DataFrame({f"q{i}": f + rng.normal(size=300) for i in range(4)})
    >>> r = reliability(d, ["q0", "q1", "q2", "q3"])
    >>> round(r.alpha, 2), round(r.omega, 2), list(r.items.columns)[:3]
    (0.8, 0.8, ['item', 'reversed', 'mean'])
    """
    items = list(items)
    if len(items) < 2:
        raise ParameterError("reliability needs at least 2 items", parameter="items")
    if not (isinstance(ci, float) and 0 < ci < 1):
        raise ParameterError(f"must be between 0 and 1, got {ci!r}", parameter="ci")
    codes = item_codes(data, items, scale_range=scale_range)
    if reversed:
        bad = [r for r in reversed if r not in items]
        if bad:
            raise ParameterError(
                f"reversed item(s) {bad} are not among the items", parameter="reversed"
            )
        if scale_range is None:
            cats = [data[i] for i in items if isinstance(data[i].dtype, pd.CategoricalDtype)]
            if not cats:
                raise ParameterError(
                    "give scale_range to reverse numeric items", parameter="scale_range"
                )
            scale_range = (1, len(cats[0].cat.categories))
        for item in reversed:
            codes[item] = scale_range[0] + scale_range[1] - codes[item]
    complete = codes.dropna(axis=0, how="any")
    n, k = complete.shape
    if n < 3:
        raise ParameterError(
            f"only {n} respondents answered every item; reliability needs at least 3",
            parameter="items",
        )
    sd = complete.std(ddof=1)
    flat = [i for i in items if not sd[i] > 0]
    if flat:
        raise ParameterError(
            f"item(s) {flat} have the same answer from everyone; drop them", parameter="items"
        )
    alpha = _pingouin.cronbach_alpha(complete)
    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1 - ci) / 2
    ci_low = 1 - (1 - alpha) * stats.f.isf(tail, df1, df2)
    ci_high = 1 - (1 - alpha) * stats.f.isf(1 - tail, df1, df2)
    loadings = np.full(k, np.nan)
    omega = np.nan
    if k >= 3:
        loadings = _pingouin.one_factor_loadings(complete)
        s = loadings.sum()
        omega = float(s**2 / (s**2 + np.sum(1 - loadings**2)))
    values = complete.to_numpy()
    total = values.sum(axis=1)
    rows = []
    for j, item in enumerate(items):
        rest = total - values[:, j]
        r_it = float(np.corrcoef(values[:, j], rest)[0, 1])
        a_drop = _alpha(np.delete(values, j, axis=1)) if k > 2 else np.nan
        rows.append(
            {
                "item": item,
                "reversed": item in reversed,
                "mean": float(values[:, j].mean()),
                "sd": float(values[:, j].std(ddof=1)),
                "item_total": r_it,
                "alpha_if_dropped": a_drop,
                "loading": float(loadings[j]),
            }
        )
    return Reliability(
        n=int(n),
        k=int(k),
        alpha=float(alpha),
        ci_low=float(ci_low),
        ci_high=float(ci_high),
        omega=float(omega),
        items=pd.DataFrame(rows),
    )
