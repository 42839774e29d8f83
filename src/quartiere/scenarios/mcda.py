"""Multi-criteria decision analysis: AHP weights, TOPSIS, weighted sum, weights from workshops.

Options are rows, criteria are columns. Every function validates its inputs and raises a
one-line :class:`~quartiere.errors.ParameterError` naming the culprit (a weight, a criterion,
a cell of a pairwise matrix) and the fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from quartiere.errors import ParameterError

__all__ = [
    "RANDOM_INDEX",
    "AHPResult",
    "ahp_weights",
    "normalize_weights",
    "topsis",
    "weighted_sum",
    "weights_from_priorities",
    "criteria_types",
]

#: Random consistency indices RI(n) for n = 1, 2, ... (index 0 is n = 1).
#: ``saaty1980``: Saaty (1980), *The Analytic Hierarchy Process*, table 1.2 (n <= 10), the
#: table most textbooks reproduce. ``saaty2005``: Saaty (2005), *Theory and Applications of
#: the Analytic Network Process*, p. 31 (n <= 15), the one Saaty's later worked examples use.
RANDOM_INDEX: dict[str, tuple[float, ...]] = {
    "saaty1980": (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49),
    "saaty2005": (
        0.0, 0.0, 0.52, 0.89, 1.11, 1.25, 1.35, 1.40, 1.45, 1.49, 1.52, 1.54, 1.56, 1.58, 1.59,
    ),
}  # fmt: skip

RandomIndex = Literal["saaty1980", "saaty2005"]


@dataclass(frozen=True)
class AHPResult:
    """Priority weights and consistency of one pairwise-comparison matrix.

    Attributes
    ----------
    weights : pandas.Series
        Principal right eigenvector normalised to sum 1, indexed by criterion.
    lambda_max : float
        Principal (Perron) eigenvalue.
    ci : float
        Consistency index ``(lambda_max - n) / (n - 1)``.
    ri : float
        Random index used (``nan`` for n <= 2, where every matrix is consistent).
    cr : float
        Consistency ratio ``ci / ri`` (0 for n <= 2).
    threshold : float
        Largest acceptable ``cr`` (Saaty: 0.10).
    random_index : str
        Name of the random-index table.
    """

    weights: pd.Series
    lambda_max: float
    ci: float
    ri: float
    cr: float
    threshold: float
    random_index: str

    @property
    def consistent(self) -> bool:
        """True when ``cr <= threshold``."""
        return bool(self.cr <= self.threshold)

    def to_frame(self) -> pd.DataFrame:
        """One row per criterion: ``criterion``, ``weight``, ``lambda_max``, ``ci``, ``cr``,
        ``consistent`` (the matrix-level values repeated on each row)."""
        return pd.DataFrame(
            {
                "criterion": list(self.weights.index),
                "weight": self.weights.to_numpy(dtype=float),
                "lambda_max": self.lambda_max,
                "ci": self.ci,
                "cr": self.cr,
                "consistent": self.consistent,
            }
        )


def _pairwise_array(matrix) -> tuple[np.ndarray, list[str]]:
    if isinstance(matrix, Mapping):
        labels: list[str] = []
        for a, b in matrix:
            for x in (a, b):
                if x not in labels:
                    labels.append(x)
        arr = np.ones((len(labels), len(labels)))
        for (a, b), v in matrix.items():
            i, j = labels.index(a), labels.index(b)
            arr[i, j] = float(v)
            arr[j, i] = 1.0 / float(v) if float(v) != 0 else np.inf
        return arr, labels
    if isinstance(matrix, pd.DataFrame):
        if list(matrix.index) != list(matrix.columns):
            raise ParameterError(
                "rows and columns of the pairwise matrix must list the same criteria in the "
                "same order",
                parameter="matrix",
            )
        return matrix.to_numpy(dtype=float), [str(c) for c in matrix.columns]
    arr = np.asarray(matrix, dtype=float)
    return arr, [f"c{i + 1}" for i in range(arr.shape[0] if arr.ndim == 2 else 0)]


def ahp_weights(
    matrix,
    *,
    random_index: RandomIndex = "saaty1980",
    threshold: float = 0.10,
    strict: bool = True,
    tol: float = 1e-6,
) -> AHPResult:
    """Criteria weights from a pairwise-comparison matrix (AHP, principal eigenvector).

    Parameters
    ----------
    matrix : array-like, pandas.DataFrame or mapping
        Positive reciprocal ``n x n`` matrix on Saaty's 1-9 scale (``a[i, j]`` = how much
        more important ``i`` is than ``j``). A DataFrame must have the criteria as both
        index and columns; a mapping ``{(a, b): value}`` lists each pair once and the
        reciprocals are filled in.
    random_index : {"saaty1980", "saaty2005"}
        Random-index table for the consistency ratio (see :data:`RANDOM_INDEX`).
    threshold : float
        Largest acceptable consistency ratio (Saaty: 0.10).
    strict : bool
        If True (default) a matrix with ``cr > threshold`` raises; if False the result is
        returned with ``consistent == False`` so it can be flagged in a report.
    tol : float
        Relative tolerance for the reciprocity check ``a[j, i] * a[i, j] == 1``.

    Returns
    -------
    AHPResult
        ``weights`` (Series indexed by criterion, sum 1), ``lambda_max``, ``ci``, ``ri``,
        ``cr``, ``consistent``; ``.to_frame()`` gives columns ``criterion``, ``weight``,
        ``lambda_max``, ``ci``, ``cr``, ``consistent``.

    Raises
    ------
    ParameterError
        Matrix not square, with non-positive or missing cells, not reciprocal, larger than
        the random-index table, or (when ``strict``) inconsistent above ``threshold``.

    Notes
    -----
    Weights are the principal right eigenvector of the matrix (Saaty 1980), computed with
    :func:`numpy.linalg.eig`, taken in absolute value and normalised to sum 1;
    ``lambda_max`` is the matching eigenvalue. ``CI = (lambda_max - n)/(n - 1)``,
    ``CR = CI / RI(n)``. Missing judgements are not imputed: every cell must be present.

    References
    ----------
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill.
    Saaty, T. L. (2008). Decision making with the analytic hierarchy process.
    *International Journal of Services Sciences*, 1(1), 83-98 (drinks example).

    Examples
    --------
    >>> res = ahp_weights({("cost", "access"): 3, ("cost", "equity"): 5,
    ...                    ("access", "equity"): 2})
    >>> res.weights.round(3).to_dict()
    {'cost': 0.648, 'access': 0.23, 'equity': 0.122}
    >>> round(res.cr, 4), res.consistent
    (0.0032, True)
    """
    arr, labels = _pairwise_array(matrix)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] == 0:
        raise ParameterError(
            f"the pairwise matrix must be square, got shape {arr.shape}", parameter="matrix"
        )
    n = arr.shape[0]
    bad = ~np.isfinite(arr) | (arr <= 0)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ParameterError(
            f"cell ({labels[i]}, {labels[j]}) is {arr[i, j]!r}: every judgement must be a "
            "positive number (1-9 or its reciprocal)",
            parameter="matrix",
        )
    recip = np.abs(arr * arr.T - 1.0) > tol
    if recip.any():
        i, j = np.argwhere(recip)[0]
        raise ParameterError(
            f"cells ({labels[i]}, {labels[j]}) = {arr[i, j]:g} and ({labels[j]}, {labels[i]}) "
            f"= {arr[j, i]:g} are not reciprocal: set one to 1/the other",
            parameter="matrix",
        )
    if random_index not in RANDOM_INDEX:
        raise ParameterError(
            f"unknown random index {random_index!r}: use one of {sorted(RANDOM_INDEX)}",
            parameter="random_index",
        )
    table = RANDOM_INDEX[random_index]
    if n > len(table):
        raise ParameterError(
            f"{n} criteria exceed the {random_index} random-index table (max {len(table)}): "
            "group criteria into a hierarchy",
            parameter="matrix",
        )
    values, vectors = np.linalg.eig(arr)
    k = int(np.argmax(values.real))
    lam = float(values[k].real)
    vec = np.abs(vectors[:, k].real)
    w = vec / vec.sum()
    if n <= 2:
        ci, ri, cr = 0.0, float("nan"), 0.0
    else:
        ci = (lam - n) / (n - 1)
        ri = table[n - 1]
        cr = max(ci / ri, 0.0)
    result = AHPResult(
        weights=pd.Series(w, index=labels, name="weight"),
        lambda_max=lam,
        ci=float(ci),
        ri=float(ri),
        cr=float(cr),
        threshold=float(threshold),
        random_index=random_index,
    )
    if strict and not result.consistent:
        raise ParameterError(
            f"consistency ratio {cr:.3f} exceeds {threshold:g} ({random_index} RI): revise the "
            "most contradictory judgements or pass strict=False to flag the result",
            parameter="matrix",
        )
    return result


def normalize_weights(weights, criteria: Sequence[str] | None = None) -> pd.Series:
    """Check weights and rescale them to sum 1.

    Parameters
    ----------
    weights : mapping, pandas.Series or sequence of float
        Non-negative weights; a mapping/Series is keyed by criterion.
    criteria : sequence of str, optional
        Criteria in the order wanted; every one must have a weight.

    Returns
    -------
    pandas.Series
        Weights summing to 1, indexed by criterion, named ``weight``.

    Raises
    ------
    ParameterError
        A weight that is missing, NaN or negative, or a total that is not positive.

    Notes
    -----
    No imputation: a missing weight is an error, not a zero.

    References
    ----------
    Belton, V. & Stewart, T. J. (2002). *Multiple Criteria Decision Analysis*. Kluwer,
    ch. 5 (weights by direct rating and point allocation).

    Examples
    --------
    >>> normalize_weights({"a": 2, "b": 6}).to_dict()
    {'a': 0.25, 'b': 0.75}
    """
    if isinstance(weights, Mapping | pd.Series):
        s = pd.Series(dict(weights), dtype=float)
    else:
        vals = np.asarray(weights, dtype=float).ravel()
        idx = list(criteria) if criteria is not None else [f"c{i + 1}" for i in range(len(vals))]
        if len(idx) != len(vals):
            raise ParameterError(
                f"{len(vals)} weights for {len(idx)} criteria", parameter="weights"
            )
        s = pd.Series(vals, index=idx, dtype=float)
    if criteria is not None:
        missing = [c for c in criteria if c not in s.index]
        if missing:
            raise ParameterError(
                f"no weight for criterion {missing[0]!r}: give every criterion a weight",
                parameter="weights",
            )
        s = s.reindex(list(criteria))
    if s.isna().any():
        raise ParameterError(
            f"weight of {s.index[s.isna()][0]!r} is missing (NaN)", parameter="weights"
        )
    if (s < 0).any():
        c = s.index[s < 0][0]
        raise ParameterError(
            f"weight of {c!r} is {s[c]:g}: weights must not be negative", parameter="weights"
        )
    total = float(s.sum())
    if not total > 0:
        raise ParameterError(
            f"weights sum to {total:g}: at least one weight must be positive", parameter="weights"
        )
    return (s / total).rename("weight")


def criteria_types(types, criteria: Sequence[str]) -> np.ndarray:
    """Directions as +1 (benefit, more is better) / -1 (cost, less is better).

    Parameters
    ----------
    types : mapping or sequence
        ``1``/``-1`` or ``"benefit"``/``"cost"`` (also ``"max"``/``"min"``), one per criterion.
    criteria : sequence of str
        Criteria names, in column order.

    Returns
    -------
    numpy.ndarray
        Integer array of +1/-1.

    Raises
    ------
    ParameterError
        Unknown direction or wrong length.

    Examples
    --------
    >>> criteria_types({"a": "benefit", "b": "cost"}, ["a", "b"]).tolist()
    [1, -1]
    """
    names = {"benefit": 1, "max": 1, "1": 1, "cost": -1, "min": -1, "-1": -1}
    if isinstance(types, Mapping | pd.Series):
        missing = [c for c in criteria if c not in types]
        if missing:
            raise ParameterError(f"no direction for criterion {missing[0]!r}", parameter="types")
        raw = [types[c] for c in criteria]
    else:
        raw = list(types)
    if len(raw) != len(criteria):
        raise ParameterError(f"{len(raw)} types for {len(criteria)} criteria", parameter="types")
    out = []
    for c, t in zip(criteria, raw, strict=True):
        key = str(int(t)) if isinstance(t, int | float | np.integer) else str(t).strip().lower()
        if key not in names:
            raise ParameterError(
                f"direction {t!r} of criterion {c!r}: use 'benefit' or 'cost' (1 or -1)",
                parameter="types",
            )
        out.append(names[key])
    return np.array(out, dtype=int)


def _decision_matrix(matrix) -> tuple[np.ndarray, list[str], list[str]]:
    if isinstance(matrix, pd.DataFrame):
        options = [str(i) for i in matrix.index]
        criteria = [str(c) for c in matrix.columns]
        arr = matrix.to_numpy(dtype=float)
    else:
        arr = np.asarray(matrix, dtype=float)
        if arr.ndim != 2:
            raise ParameterError("the decision matrix must be 2-D", parameter="matrix")
        options = [f"a{i + 1}" for i in range(arr.shape[0])]
        criteria = [f"c{j + 1}" for j in range(arr.shape[1])]
    if arr.shape[0] < 2 or arr.shape[1] < 1:
        raise ParameterError(
            f"need at least 2 options and 1 criterion, got shape {arr.shape}",
            parameter="matrix",
        )
    if not np.isfinite(arr).all():
        i, j = np.argwhere(~np.isfinite(arr))[0]
        raise ParameterError(
            f"score of option {options[i]!r} on {criteria[j]!r} is missing: fill it in",
            parameter="matrix",
        )
    return arr, options, criteria


def _normalize(arr: np.ndarray, kind: str, axis: int = -2) -> np.ndarray:
    """Column normalisation along the options axis; works on stacked (..., m, k) arrays."""
    if kind == "vector":
        norm = np.sqrt((arr**2).sum(axis=axis, keepdims=True))
        return np.divide(arr, norm, out=np.zeros_like(arr), where=norm > 0)
    if kind == "minmax":
        lo = arr.min(axis=axis, keepdims=True)
        span = arr.max(axis=axis, keepdims=True) - lo
        return np.divide(arr - lo, span, out=np.zeros_like(arr), where=span > 0)
    raise ParameterError(
        f"unknown normalization {kind!r}: use 'vector' or 'minmax'", parameter="normalization"
    )


def topsis_closeness(
    arr: np.ndarray, w: np.ndarray, signs: np.ndarray, normalization: str = "vector"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised TOPSIS core: ``arr`` (..., m, k), ``w`` (..., k) -> (closeness, d+, d-).

    Used by :func:`topsis` and by the Monte Carlo, which stacks N draws on the first axis.
    """
    r = _normalize(arr, normalization)
    v = r * np.expand_dims(w, -2)
    vmax = v.max(axis=-2, keepdims=True)
    vmin = v.min(axis=-2, keepdims=True)
    best = np.where(signs > 0, vmax, vmin)
    worst = np.where(signs > 0, vmin, vmax)
    d_best = np.sqrt(((v - best) ** 2).sum(axis=-1))
    d_worst = np.sqrt(((v - worst) ** 2).sum(axis=-1))
    tot = d_best + d_worst
    c = np.divide(d_worst, tot, out=np.full_like(tot, 0.5), where=tot > 0)
    return c, d_best, d_worst


def _ranks(scores: np.ndarray) -> np.ndarray:
    # 1 = best; ties share the best (min) rank
    return pd.Series(scores).rank(ascending=False, method="min").to_numpy(dtype=int)


def topsis(
    matrix,
    weights,
    types,
    *,
    normalization: Literal["vector", "minmax"] = "vector",
) -> pd.DataFrame:
    """Rank options by TOPSIS (closeness to the ideal, far from the anti-ideal).

    Parameters
    ----------
    matrix : pandas.DataFrame or array-like
        Options x criteria scores (DataFrame index = option names).
    weights : mapping, Series or sequence
        Criterion weights (rescaled to sum 1, see :func:`normalize_weights`).
    types : mapping or sequence
        Direction per criterion: ``"benefit"``/``1`` or ``"cost"``/``-1``.
    normalization : {"vector", "minmax"}
        ``"vector"`` (default) is Hwang & Yoon's classic ``x / sqrt(sum x^2)``; ``"minmax"``
        is pymcdm's default ``(x - min) / (max - min)``. Same ranking in most cases,
        different closeness values.

    Returns
    -------
    pandas.DataFrame
        One row per option, in input order: ``option``, ``d_best`` (distance to the ideal),
        ``d_worst`` (distance to the anti-ideal), ``estimate`` (closeness coefficient in
        [0, 1], higher is better), ``rank`` (1 = best, ties share the better rank).

    Raises
    ------
    ParameterError
        Missing scores, bad weights (negative, NaN, zero total), unknown direction.

    Notes
    -----
    Steps (Hwang & Yoon 1981): normalise each column, multiply by the weights, take the
    best and worst value of each column (max/min for benefit, min/max for cost), compute
    Euclidean distances ``d_best``/``d_worst`` and closeness ``d_worst/(d_best+d_worst)``.
    Missing scores are not imputed.

    References
    ----------
    Hwang, C.-L. & Yoon, K. (1981). *Multiple Attribute Decision Making*. Springer,
    pp. 128-134 (fighter-aircraft example: closeness 0.643, 0.268, 0.613, 0.312).

    Examples
    --------
    >>> m = pd.DataFrame({"gain": [10, 6, 8], "cost": [5, 2, 4]}, index=["a", "b", "c"])
    >>> topsis(m, {"gain": 0.5, "cost": 0.5}, {"gain": "benefit", "cost": "cost"})["rank"].tolist()
    [2, 1, 3]
    """
    arr, options, criteria = _decision_matrix(matrix)
    w = normalize_weights(weights, criteria).to_numpy()
    signs = criteria_types(types, criteria)
    c, d_best, d_worst = topsis_closeness(arr, w, signs, normalization)
    return pd.DataFrame(
        {
            "option": options,
            "d_best": d_best,
            "d_worst": d_worst,
            "estimate": c,
            "rank": _ranks(c),
        }
    )


def weighted_sum(
    matrix,
    weights,
    types,
    *,
    normalization: Literal["minmax", "vector"] = "minmax",
) -> pd.DataFrame:
    """Rank options by the weighted sum of normalised scores (simple additive weighting).

    Parameters
    ----------
    matrix : pandas.DataFrame or array-like
        Options x criteria scores.
    weights : mapping, Series or sequence
        Criterion weights (rescaled to sum 1).
    types : mapping or sequence
        ``"benefit"``/``"cost"`` per criterion.
    normalization : {"minmax", "vector"}
        Column normalisation before weighting; cost columns are reversed (``1 - r``).

    Returns
    -------
    pandas.DataFrame
        ``option``, ``estimate`` (weighted score in [0, 1]), ``rank`` (1 = best).

    Raises
    ------
    ParameterError
        As :func:`topsis`.

    Notes
    -----
    ``score_i = sum_j w_j r_ij`` with ``r`` the normalised benefit-oriented score
    (Fishburn 1967). Missing scores are not imputed.

    References
    ----------
    Fishburn, P. C. (1967). Additive utilities with incomplete product sets. *Operations
    Research*, 15, 537-542.

    Examples
    --------
    >>> m = pd.DataFrame({"gain": [10, 6, 8], "cost": [5, 2, 4]}, index=["a", "b", "c"])
    >>> weighted_sum(m, [0.5, 0.5], ["benefit", "cost"])["estimate"].round(3).tolist()
    [0.5, 0.5, 0.417]
    """
    arr, options, criteria = _decision_matrix(matrix)
    w = normalize_weights(weights, criteria).to_numpy()
    signs = criteria_types(types, criteria)
    r = _normalize(arr, normalization)
    r = np.where(signs > 0, r, 1.0 - r)
    score = (r * w).sum(axis=1)
    return pd.DataFrame({"option": options, "estimate": score, "rank": _ranks(score)})


def weights_from_priorities(
    priorities: pd.DataFrame,
    *,
    criterion: str = "criterion",
    value: str | None = None,
    criteria: Sequence[str] | None = None,
) -> pd.Series:
    """Criteria weights from a workshop's priority results.

    Parameters
    ----------
    priorities : pandas.DataFrame
        Either one row per criterion with a ``weight`` column, or one row per participant
        and criterion with a ``points`` column (points allocated, e.g. 10 tokens each).
    criterion : str
        Column naming the criterion.
    value : str, optional
        Value column; default ``weight`` if present, else ``points``.
    criteria : sequence of str, optional
        Criteria expected; every one must appear.

    Returns
    -------
    pandas.Series
        Weights summing to 1, indexed by criterion.

    Raises
    ------
    ParameterError
        Missing columns, negative or non-numeric values, zero total, missing criterion.

    Notes
    -----
    Points are summed per criterion and divided by the grand total (each participant's
    points count equally). Rows with a missing value are dropped; a criterion left with
    none is an error when listed in ``criteria``.

    References
    ----------
    Belton, V. & Stewart, T. J. (2002). *Multiple Criteria Decision Analysis*. Kluwer,
    ch. 5 (weights by direct rating and point allocation).

    Examples
    --------
    >>> pts = pd.DataFrame({"participant": [1, 1, 2, 2], "criterion": ["a", "b", "a", "b"],
    ...                     "points": [7, 3, 5, 5]})
    >>> weights_from_priorities(pts).to_dict()
    {'a': 0.6, 'b': 0.4}
    """
    if criterion not in priorities.columns:
        raise ParameterError(
            f"the priorities frame has no column {criterion!r}", parameter="priorities"
        )
    if value is None:
        value = (
            "weight"
            if "weight" in priorities.columns
            else "points"
            if "points" in priorities.columns
            else ""
        )
    if value not in priorities.columns:
        raise ParameterError(
            "the priorities frame needs a 'weight' or 'points' column", parameter="priorities"
        )
    vals = pd.to_numeric(priorities[value], errors="coerce")
    bad = priorities[value].notna() & vals.isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0]) + 1
        raise ParameterError(
            f"row {row}: {priorities[value].iloc[row - 1]!r} in column {value!r} is not a number",
            parameter="priorities",
        )
    summed = vals.groupby(priorities[criterion].astype(str), sort=False).sum(min_count=1)
    return normalize_weights(summed.dropna(), criteria)
