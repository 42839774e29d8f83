"""Survey weights: design weights, post-stratification, raking, trimming, diagnostics.

Margins are ``{column: {category: population total or share}}``. A key may also be a
tuple of columns, whose categories are tuples: ``{("sex", "age_band"): {("F", "65+"):
9120, ...}}`` rakes to a cross-classified margin (sex by age band).
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from quartiere.errors import CodebookError, DataFileError, ParameterError, QuartiereWarning

__all__ = [
    "WeightSummary",
    "design_weights",
    "margin_table",
    "margins_from_population",
    "poststratify",
    "rake",
    "rake_trimmed",
    "weighting_summary",
]

_MarginKey = str | tuple[str, ...]
_SLACK = 1e-4  # trimming bounds hold to this relative tolerance


def _base_weights(data: pd.DataFrame, weight: str | None) -> np.ndarray:
    if weight is None:
        return np.ones(len(data))
    if weight not in data.columns:
        raise ParameterError(f"no column {weight!r} in the data", parameter="weight")
    base = pd.to_numeric(data[weight], errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isfinite(base) | (base <= 0))
    if bad.size:
        raise DataFileError(
            f"weight {data[weight].iloc[bad[0]]!r} is missing or not positive",
            row=int(bad[0]) + 1,
            column=weight,
        )
    return base


def _column_codes(data: pd.DataFrame, col: str, categories: Sequence[Any]) -> np.ndarray:
    if col not in data.columns:
        raise ParameterError(f"margin column {col!r} is not in the data", parameter="margins")
    values = data[col]
    index = pd.Index(list(categories), dtype=object)
    if not index.is_unique:
        raise ParameterError(f"margin {col!r} lists a category twice", parameter="margins")
    # factorize once (hash of n values), then map the few distinct values to the margin
    if isinstance(values.dtype, pd.CategoricalDtype):
        raw = values.cat.codes.to_numpy()
        uniques = pd.Index(values.cat.categories, dtype=object)
    else:
        raw, uniques = pd.factorize(values, use_na_sentinel=True)
        uniques = pd.Index(uniques, dtype=object)
    missing = np.flatnonzero(raw < 0)
    if missing.size:
        raise DataFileError(
            "missing value in a weighting variable; impute it or drop the row before weighting",
            row=int(missing[0]) + 1,
            column=col,
        )
    lookup = index.get_indexer(uniques)
    codes = lookup[raw]
    unknown = np.flatnonzero(codes < 0)
    if unknown.size:
        raise CodebookError(
            f"category {values.iloc[unknown[0]]!r} is in the data but not in the margins "
            f"(margins have {', '.join(map(str, categories))}); add it or recode the data",
            row=int(unknown[0]) + 1,
            column=col,
        )
    return codes.astype(np.int64)


def _key_name(key: _MarginKey) -> str:
    return key if isinstance(key, str) else " x ".join(key)


def _margin_codes(
    data: pd.DataFrame, key: _MarginKey, margin: Mapping[Hashable, float]
) -> tuple[np.ndarray, list[Hashable], np.ndarray]:
    cats = list(margin)
    target = np.array([float(margin[c]) for c in cats])
    if not np.all(np.isfinite(target)) or np.any(target < 0):
        raise ParameterError(
            f"margin {_key_name(key)!r} has a negative or missing target", parameter="margins"
        )
    if isinstance(key, str):
        return _column_codes(data, key, cats), cats, target
    cols = list(key)
    for c in cats:
        if not isinstance(c, tuple) or len(c) != len(cols):
            raise ParameterError(
                f"margin {_key_name(key)!r}: category {c!r} must be a tuple of {len(cols)} values",
                parameter="margins",
            )
    parts = []
    sizes = []
    for j, col in enumerate(cols):
        levels = list(dict.fromkeys(c[j] for c in cats))
        parts.append(_column_codes(data, col, levels))
        sizes.append(len(levels))
    combined = np.ravel_multi_index(parts, sizes)
    lookup = np.full(int(np.prod(sizes)), -1, dtype=np.int64)
    level_pos = [
        {v: i for i, v in enumerate(dict.fromkeys(c[j] for c in cats))} for j in range(len(cols))
    ]
    for k, c in enumerate(cats):
        lookup[np.ravel_multi_index([level_pos[j][c[j]] for j in range(len(cols))], sizes)] = k
    codes = lookup[combined]
    unknown = np.flatnonzero(codes < 0)
    if unknown.size:
        row = int(unknown[0])
        combo = tuple(data[col].iloc[row] for col in cols)
        raise CodebookError(
            f"cell {combo!r} is in the data but not in the margin {_key_name(key)!r}",
            row=row + 1,
            column=_key_name(key),
        )
    return codes, cats, target


def _prepare(
    data: pd.DataFrame, margins: Mapping[_MarginKey, Mapping[Hashable, float]], base: np.ndarray
) -> tuple[list[np.ndarray], list[list[Hashable]], list[np.ndarray], list[_MarginKey]]:
    if not isinstance(data, pd.DataFrame):
        raise ParameterError("data must be a DataFrame", parameter="data")
    if len(data) == 0:
        raise DataFileError("no respondents to weight")
    if not isinstance(margins, Mapping) or not margins:
        raise ParameterError(
            "give at least one margin: {column: {category: total}}", parameter="margins"
        )
    codes, cats, targets, keys = [], [], [], []
    for key, margin in margins.items():
        if not isinstance(margin, Mapping) or not margin:
            raise ParameterError(
                f"margin {_key_name(key)!r} must map categories to totals", parameter="margins"
            )
        c, k, t = _margin_codes(data, key, margin)
        codes.append(c)
        cats.append(k)
        targets.append(t)
        keys.append(key)
    sums = np.array([t.sum() for t in targets])
    if np.any(sums <= 0):
        raise ParameterError("a margin sums to zero", parameter="margins")
    if np.allclose(sums, 1.0, rtol=1e-6) or np.allclose(sums, 100.0, rtol=1e-6):
        total = base.sum()
        targets = [t / t.sum() * total for t in targets]
    elif not np.allclose(sums, sums[0], rtol=1e-6):
        listed = ", ".join(f"{_key_name(k)} {s:,.6g}" for k, s in zip(keys, sums, strict=False))
        raise ParameterError(
            f"margins don't add up to the same total ({listed}); use totals from one "
            "population, or shares summing to 1",
            parameter="margins",
        )
    for key, c, k, t in zip(keys, codes, cats, targets, strict=False):
        counts = np.bincount(c, minlength=len(k))
        empty = np.flatnonzero((counts == 0) & (t > 0))
        if empty.size:
            raise DataFileError(
                f"empty cell: no respondents in {_key_name(key)} = {k[empty[0]]!r}, whose "
                f"population is {t[empty[0]]:,.6g}; merge it with a neighbouring category",
                column=_key_name(key),
            )
        zero = np.flatnonzero((counts > 0) & (t == 0))
        if zero.size:
            raise ParameterError(
                f"{_key_name(key)} = {k[zero[0]]!r} has respondents but a target of 0",
                parameter="margins",
            )
    return codes, cats, targets, keys


def _collapse(codes: list[np.ndarray], sizes: list[int]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Group rows into the cells of the margins' cross-classification."""
    n_cells = int(np.prod(sizes, dtype=float))
    cell = np.ravel_multi_index(codes, sizes) if len(codes) > 1 else codes[0]
    if n_cells <= 4 * len(cell) + 1_000_000:
        present = np.flatnonzero(np.bincount(cell, minlength=n_cells))
        where = np.full(n_cells, -1, dtype=np.int64)
        where[present] = np.arange(present.size)
        inverse = where[cell]
    else:
        present, inverse = np.unique(cell, return_inverse=True)
    cell_codes = list(np.unravel_index(present, sizes)) if len(codes) > 1 else [present]
    return inverse, cell_codes


def _ipf(
    base: np.ndarray,
    cell_codes: list[np.ndarray],
    targets: list[np.ndarray],
    max_iter: int,
    tol: float,
) -> tuple[np.ndarray, int, float, bool]:
    g = np.ones_like(base)
    iterations = 0
    converged = False
    for iterations in range(1, max_iter + 1):  # noqa: B007
        worst = 0.0
        for codes, target in zip(cell_codes, targets, strict=False):
            current = np.bincount(codes, weights=base * g, minlength=target.size)
            with np.errstate(divide="ignore", invalid="ignore"):
                factor = np.where(current > 0, target / current, 1.0)
                rel = np.where(target > 0, np.abs(current - target) / target, 0.0)
            worst = max(worst, float(rel.max()))
            g *= factor[codes]
        if worst <= tol:
            converged = True
            break
    w = base * g
    err = max(
        float(
            np.max(
                np.abs(np.bincount(c, weights=w, minlength=t.size) - t) / np.where(t > 0, t, 1.0)
            )
        )
        for c, t in zip(cell_codes, targets, strict=False)
    )
    return g, iterations, err, converged


def rake(
    data: pd.DataFrame,
    margins: Mapping[_MarginKey, Mapping[Hashable, float]],
    *,
    weight: str | None = None,
    max_iter: int = 100,
    tol: float = 1e-8,
) -> pd.Series:
    """Rake (iterative proportional fitting) weights to population margins.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent with the margin columns.
    margins : mapping
        ``{column: {category: population total or share}}``; a tuple of columns as key
        rakes to their cross-classification (categories are tuples). Totals must sum to
        the same population in every margin; shares (each summing to 1, or 100 as
        percentages) give
        weights summing to the base-weight total (n when ``weight`` is None).
    weight : str, optional
        Column of base (design) weights; default 1 for everyone.
    max_iter : int, default 100
        Most raking cycles (one cycle adjusts every margin once).
    tol : float, default 1e-8
        Stop when, over a whole cycle, no margin was off its target by more than ``tol``
        relative to the target.

    Returns
    -------
    pandas.Series
        ``weight``, float, indexed like ``data``. ``.attrs`` holds ``iterations``,
        ``max_margin_error`` (largest relative gap between a weighted margin and its
        target after the last cycle) and ``converged``.

    Raises
    ------
    ParameterError
        Margins that don't add up to the same total, negative targets, a margin column not
        in the data, or bad ``max_iter``/``tol``.
    CodebookError
        A category in the data that the margins lack (naming row and column).
    DataFileError
        An empty cell (a category with population but no respondents), a missing value in
        a margin column, or a non-positive base weight.

    Warns
    -----
    QuartiereWarning
        When ``max_iter`` cycles end before convergence.

    Notes
    -----
    Deming-Stephan raking. Respondents are first grouped into the cells of the margins'
    cross-classification (every respondent in a cell gets the same adjustment factor), so
    each cycle works on at most a few thousand cells whatever the sample size, with
    integer category codes and ``numpy.bincount``; the final weight is the base weight times
    its cell's factor. No missing values are allowed in margin columns.

    References
    ----------
    Deming, W. E. and Stephan, F. F. (1940). On a least squares adjustment of a sampled
    frequency table when the expected marginal totals are known. Ann. Math. Statist. 11.
    Checked against ``weightipy.weight`` (tests/survey/test_survey_weights.py).

    Examples
    --------
    >>> d = pd.DataFrame({"sex": ["F", "F", "F", "M"], "age": ["old", "old", "young", "young"]})
    >>> w = rake(d, {"sex": {"F": 500, "M": 500}, "age": {"old": 400, "young": 600}})
    >>> w.round(4).tolist(), w.attrs["converged"]
    ([200.0, 200.0, 100.0, 500.0], True)
    """
    if not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise ParameterError(f"must be a positive integer, got {max_iter!r}", parameter="max_iter")
    if not (isinstance(tol, (int, float)) and tol > 0):
        raise ParameterError(f"must be a positive number, got {tol!r}", parameter="tol")
    base = _base_weights(data, weight)
    codes, cats, targets, keys = _prepare(data, margins, base)
    inverse, cell_codes = _collapse(codes, [len(c) for c in cats])
    cell_base = np.bincount(inverse, weights=base, minlength=cell_codes[0].size)
    g, iterations, err, converged = _ipf(cell_base, cell_codes, targets, int(max_iter), tol)
    out = pd.Series(base * g[inverse], index=data.index, name="weight")
    out.attrs = {"iterations": iterations, "max_margin_error": err, "converged": converged}
    if not converged:
        warnings.warn(
            f"raking did not converge in {iterations} cycles (largest margin error {err:.3g}); "
            "raise max_iter, or merge sparse categories",
            QuartiereWarning,
            stacklevel=2,
        )
    return out


def rake_trimmed(
    data: pd.DataFrame,
    margins: Mapping[_MarginKey, Mapping[Hashable, float]],
    *,
    bounds: tuple[float, float] = (0.3, 3.0),
    weight: str | None = None,
    max_rounds: int = 50,
    max_iter: int = 100,
    tol: float = 1e-8,
) -> pd.Series:
    """Rake, then trim extreme weights and re-rake until both hold.

    Parameters
    ----------
    data, margins, weight, max_iter, tol
        As :func:`rake`.
    bounds : (float, float), default (0.3, 3.0)
        Lowest and highest weight allowed, as multiples of the mean weight.
    max_rounds : int, default 50
        Most trim-and-rake rounds.

    Returns
    -------
    pandas.Series
        ``weight``; ``.attrs`` as :func:`rake` plus ``rounds``, ``trimmed`` (weights capped
        in the first round) and ``max_ratio`` (largest weight / mean weight at the end).

    Raises
    ------
    ParameterError
        Bounds not of the form ``0 < low < 1 < high``; plus everything :func:`rake` raises.

    Warns
    -----
    QuartiereWarning
        When the bounds still do not hold after ``max_rounds`` (the margins always hold:
        each round ends with raking).

    Notes
    -----
    Each round caps weights outside ``[low, high] x mean`` at the bound and rakes again
    starting from the capped weights (Kalton and Flores-Cervantes 2003, section 4). The
    bounds are met to a relative tolerance of 1e-4 (the rounds approach them geometrically);
    when they cannot be met together with the margins, a warning says so.

    References
    ----------
    Kalton, G. and Flores-Cervantes, I. (2003). Weighting methods. Journal of Official
    Statistics 19(2), 81-97.

    Examples
    --------
    >>> d = pd.DataFrame({"sex": list("FFFFFFMM"), "age": list("OOOOOYOY")})
    >>> m = {"sex": {"F": 500, "M": 500}, "age": {"O": 500, "Y": 500}}
    >>> round(float(rake(d, m).max()) / 125, 3)
    2.764
    >>> w = rake_trimmed(d, m, bounds=(0.5, 2.6))
    >>> round(w.attrs["max_ratio"], 3), w.attrs["within"]
    (2.6, True)
    """
    low, high = bounds
    if not 0 < low < 1 < high:
        raise ParameterError(
            f"must be (low, high) with 0 < low < 1 < high, got {bounds!r}", parameter="bounds"
        )
    w = rake(data, margins, weight=weight, max_iter=max_iter, tol=tol)
    rounds = 0
    trimmed = 0
    work = data.copy()
    col = "__quartiere_base__"
    for _ in range(max_rounds):
        mean = w.mean()
        outside = int(((w > high * mean * (1 + _SLACK)) | (w < low * mean * (1 - _SLACK))).sum())
        if rounds == 0:
            trimmed = outside
        if outside == 0:
            break
        capped = w.clip(lower=low * mean, upper=high * mean)
        rounds += 1
        work[col] = capped.to_numpy()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", QuartiereWarning)
            w = rake(work, margins, weight=col, max_iter=max_iter, tol=tol)
    mean = w.mean()
    ok = bool(w.max() <= high * mean * (1 + _SLACK) and w.min() >= low * mean * (1 - _SLACK))
    w.attrs.update(
        {"rounds": rounds, "trimmed": trimmed, "max_ratio": float(w.max() / mean), "within": ok}
    )
    if not ok:
        warnings.warn(
            f"weights still outside {bounds} x mean after {rounds} trim rounds "
            f"(max ratio {w.max() / mean:.3g}); widen the bounds or merge categories",
            QuartiereWarning,
            stacklevel=2,
        )
    return w


def margin_table(
    data: pd.DataFrame,
    weights: pd.Series | np.ndarray,
    margins: Mapping[_MarginKey, Mapping[Hashable, float]],
) -> pd.DataFrame:
    """Compare weighted margins with their targets (a convergence diagnostic).

    Parameters
    ----------
    data : pandas.DataFrame
        The respondents.
    weights : Series or array
        One weight per row.
    margins : mapping
        As :func:`rake` (shares are scaled to the weight total).

    Returns
    -------
    pandas.DataFrame
        ``variable``, ``category``, ``n`` (respondents), ``target``, ``weighted``,
        ``error`` (weighted - target), ``rel_error`` (error / target).

    Raises
    ------
    ParameterError, CodebookError, DataFileError
        As :func:`rake`.

    Examples
    --------
    >>> d = pd.DataFrame({"sex": ["F", "F", "M"]})
    >>> margin_table(d, [1.0, 1.0, 2.0], {"sex": {"F": 2, "M": 2}})
      variable category  n  target  weighted  error  rel_error
    0      sex        F  2     2.0       2.0    0.0        0.0
    1      sex        M  1     2.0       2.0    0.0        0.0
    """
    w = np.asarray(weights, dtype=float)
    if w.shape != (len(data),):
        raise ParameterError("one weight per row is needed", parameter="weights")
    codes, cats, targets, keys = _prepare(data, margins, w)
    rows = []
    for key, c, k, t in zip(keys, codes, cats, targets, strict=False):
        got = np.bincount(c, weights=w, minlength=len(k))
        n = np.bincount(c, minlength=len(k))
        for i, cat in enumerate(k):
            rows.append(
                {
                    "variable": _key_name(key),
                    "category": cat if not isinstance(cat, tuple) else " x ".join(map(str, cat)),
                    "n": int(n[i]),
                    "target": float(t[i]),
                    "weighted": float(got[i]),
                    "error": float(got[i] - t[i]),
                    "rel_error": float((got[i] - t[i]) / t[i]) if t[i] > 0 else np.nan,
                }
            )
    return pd.DataFrame(rows)


def poststratify(
    data: pd.DataFrame,
    population: pd.DataFrame,
    *,
    by: Sequence[str],
    value: str = "population",
    weight: str | None = None,
) -> pd.Series:
    """Post-stratification weights: each cell's weights sum to its population.

    Parameters
    ----------
    data : pandas.DataFrame
        The respondents, with the ``by`` columns.
    population : pandas.DataFrame
        Population cells: the ``by`` columns and ``value`` (duplicated cells are summed).
    by : sequence of str
        Columns defining the cells (e.g. district, sex, age band).
    value : str, default "population"
        Population count column.
    weight : str, optional
        Base weights (default 1): ``w_i = d_i * N_c / sum_{j in c} d_j``.

    Returns
    -------
    pandas.Series
        ``weight`` indexed like ``data``, summing to the population of the cells.

    Raises
    ------
    DataFileError
        Empty cell (population > 0 and no respondents: merge cells or rake instead).
    CodebookError
        A respondent's cell is not in the population table.
    ParameterError
        Unknown columns.

    References
    ----------
    Lohr, S. L. (2022). Sampling: Design and Analysis, 3rd ed., section 4.4
    (post-stratification).

    Examples
    --------
    >>> d = pd.DataFrame({"sex": ["F", "F", "F", "M"]})
    >>> pop = pd.DataFrame({"sex": ["F", "M"], "population": [60, 40]})
    >>> poststratify(d, pop, by=["sex"]).tolist()
    [20.0, 20.0, 20.0, 40.0]
    """
    by = list(by)
    for col in [*by, value]:
        if col not in population.columns:
            raise ParameterError(f"no column {col!r} in the population table", parameter="by")
    cells = population.groupby(by, observed=True, sort=False)[value].sum()
    key = tuple(by) if len(by) > 1 else by[0]
    margin = {k: float(v) for k, v in cells.items()}
    base = _base_weights(data, weight)
    codes, cats, targets, _ = _prepare(data, {key: margin}, base)
    c = codes[0]
    t = np.array([margin[k] for k in cats[0]])  # the population itself, never rescaled
    sums = np.bincount(c, weights=base, minlength=len(cats))
    factor = np.divide(t, sums, out=np.zeros_like(t), where=sums > 0)
    return pd.Series(base * factor[c], index=data.index, name="weight")


def design_weights(
    data: pd.DataFrame, population: Mapping[Hashable, float], *, stratum: str
) -> pd.Series:
    """Design weights of a stratified sample: ``N_h / n_h`` for everyone in stratum h.

    Parameters
    ----------
    data : pandas.DataFrame
        The sample.
    population : mapping
        ``{stratum: population size N_h}``.
    stratum : str
        Stratum column.

    Returns
    -------
    pandas.Series
        ``weight`` = inverse of the inclusion probability ``n_h / N_h``.

    Raises
    ------
    DataFileError, CodebookError, ParameterError
        As :func:`poststratify`.

    Examples
    --------
    >>> d = pd.DataFrame({"comune": ["A", "A", "B"]})
    >>> design_weights(d, {"A": 1000, "B": 300}, stratum="comune").tolist()
    [500.0, 500.0, 300.0]
    """
    if stratum not in data.columns:
        raise ParameterError(f"no column {stratum!r} in the data", parameter="stratum")
    pop = pd.DataFrame({stratum: list(population), "population": list(population.values())})
    return poststratify(data, pop, by=[stratum])


def margins_from_population(
    cells: pd.DataFrame, groups: Sequence[Sequence[str] | str], *, value: str = "population"
) -> dict[_MarginKey, dict[Hashable, float]]:
    """Margins for :func:`rake` from a table of population cells.

    Parameters
    ----------
    cells : pandas.DataFrame
        One row per population cell (e.g. district x sex x age band) with a ``value``.
    groups : sequence
        Each margin: a column name or a list of columns (a cross-classified margin).
    value : str, default "population"
        Count column.

    Returns
    -------
    dict
        ``{column or tuple of columns: {category or tuple: total}}``.

    Raises
    ------
    ParameterError
        A column not in ``cells``.

    Examples
    --------
    >>> pop = pd.DataFrame({"district": ["A", "A", "B"], "sex": ["F", "M", "F"],
    ...                     "population": [10, 20, 30]})
    >>> m = margins_from_population(pop, ["district", ["district", "sex"]])
    >>> m["district"]
    {'A': 30.0, 'B': 30.0}
    >>> m[("district", "sex")]
    {('A', 'F'): 10.0, ('A', 'M'): 20.0, ('B', 'F'): 30.0}
    """
    out: dict[_MarginKey, dict[Hashable, float]] = {}
    for group in groups:
        cols = [group] if isinstance(group, str) else list(group)
        for col in [*cols, value]:
            if col not in cells.columns:
                raise ParameterError(
                    f"no column {col!r} in the population cells", parameter="groups"
                )
        sums = cells.groupby(cols, observed=True, sort=False)[value].sum()
        key: _MarginKey = cols[0] if len(cols) == 1 else tuple(cols)
        out[key] = {k: float(v) for k, v in sums.items()}
    return out


@dataclass(frozen=True)
class WeightSummary:
    """Weight diagnostics (Kish).

    Attributes
    ----------
    n : int
        Respondents.
    total : float
        Sum of weights.
    min, max : float
        Smallest and largest weight.
    ratio : float
        max / min.
    cv : float
        Coefficient of variation of the weights (population standard deviation / mean).
    n_eff : float
        Kish effective sample size ``(sum w)^2 / sum w^2``.
    deff : float
        Design effect due to weighting ``n / n_eff = 1 + cv^2``.
    """

    n: int
    total: float
    min: float
    max: float
    ratio: float
    cv: float
    n_eff: float
    deff: float

    def to_frame(self) -> pd.DataFrame:
        """One row with the attributes as columns."""
        return pd.DataFrame([asdict(self)])


def weighting_summary(weights: pd.Series | np.ndarray | Sequence[float]) -> WeightSummary:
    """Kish effective sample size and design effect due to weighting.

    Parameters
    ----------
    weights : array-like
        Positive weights, one per respondent (NaN not allowed).

    Returns
    -------
    WeightSummary
        ``n``, ``total``, ``min``, ``max``, ``ratio``, ``cv``, ``n_eff``, ``deff``.

    Raises
    ------
    ParameterError
        Empty, missing or non-positive weights.

    Notes
    -----
    ``deff = n * sum(w^2) / (sum w)^2`` (Kish 1965, eq. 11.7.6; Kish 1992) is the
    variance inflation of a mean due to unequal weights alone, assuming the weights are
    unrelated to the outcome.

    References
    ----------
    Kish, L. (1992). Weighting for unequal Pi. Journal of Official Statistics 8(2), 183-200.

    Examples
    --------
    >>> s = weighting_summary([1.0, 1.0, 2.0, 4.0])
    >>> s.n_eff, s.deff
    (2.909090909090909, 1.375)
    """
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1 or w.size == 0:
        raise ParameterError("give at least one weight", parameter="weights")
    if not np.all(np.isfinite(w)) or np.any(w <= 0):
        raise ParameterError("weights must be positive numbers, without NaN", parameter="weights")
    total = float(w.sum())
    n_eff = total**2 / float(np.sum(w**2))
    return WeightSummary(
        n=int(w.size),
        total=total,
        min=float(w.min()),
        max=float(w.max()),
        ratio=float(w.max() / w.min()),
        cv=float(w.std() / w.mean()),
        n_eff=float(n_eff),
        deff=float(w.size / n_eff),
    )
