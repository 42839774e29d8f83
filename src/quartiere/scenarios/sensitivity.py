"""Sensitivity of an option ranking: vectorised Monte Carlo and one-at-a-time tornado data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from quartiere.errors import ParameterError
from quartiere.scenarios.mcda import (
    _decision_matrix,
    _normalize,
    criteria_types,
    normalize_weights,
    topsis_closeness,
)

__all__ = ["MonteCarloResult", "monte_carlo", "draw_inputs", "rank_draws", "tornado"]


@dataclass(frozen=True)
class MonteCarloResult:
    """Outcome of :func:`monte_carlo`.

    Attributes
    ----------
    options, criteria : tuple of str
        Row and column names of the decision matrix.
    scores : numpy.ndarray
        ``(draws, options)`` closeness (TOPSIS) or weighted score of every draw.
    ranks : numpy.ndarray
        ``(draws, options)`` integer ranks, 1 = best.
    weights : numpy.ndarray
        ``(draws, criteria)`` weights drawn.
    """

    options: tuple[str, ...]
    criteria: tuple[str, ...]
    scores: np.ndarray
    ranks: np.ndarray
    weights: np.ndarray

    def to_frame(self) -> pd.DataFrame:
        """One row per option: ``option``, ``n`` (draws), ``p_first`` (share of draws
        ranked first), ``mean_rank``, ``rank_ci_low``/``rank_ci_high`` (2.5%/97.5%
        quantiles of the rank), ``estimate`` (mean score), ``ci_low``/``ci_high`` (score
        quantiles)."""
        n = self.ranks.shape[0]
        first = np.bincount(np.argmin(self.ranks, axis=1), minlength=len(self.options))
        return pd.DataFrame(
            {
                "option": list(self.options),
                "n": n,
                "p_first": first / n,
                "mean_rank": self.ranks.mean(axis=0),
                "rank_ci_low": np.quantile(self.ranks, 0.025, axis=0),
                "rank_ci_high": np.quantile(self.ranks, 0.975, axis=0),
                "estimate": self.scores.mean(axis=0),
                "ci_low": np.quantile(self.scores, 0.025, axis=0),
                "ci_high": np.quantile(self.scores, 0.975, axis=0),
            }
        )


def _cv_vector(cv, criteria: Sequence[str], name: str) -> np.ndarray:
    if isinstance(cv, Mapping | pd.Series):
        vals = np.array([float(cv.get(c, 0.0)) for c in criteria])
    else:
        vals = np.full(len(criteria), float(cv))
    if not np.isfinite(vals).all() or (vals < 0).any():
        raise ParameterError(f"{name} must be numbers >= 0", parameter=name)
    return vals


def draw_inputs(
    matrix: np.ndarray,
    weights: np.ndarray,
    *,
    draws: int,
    rng: np.random.Generator,
    cv: np.ndarray,
    shared: np.ndarray,
    weight_concentration: float | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``(draws, m, k)`` decision matrices and ``(draws, k)`` weights in one go.

    Parameters
    ----------
    matrix : numpy.ndarray
        ``m x k`` central scores (non-negative).
    weights : numpy.ndarray
        Central weights (sum 1).
    draws : int
        Number of simulations.
    rng : numpy.random.Generator
        Seeded generator.
    cv : numpy.ndarray
        Coefficient of variation per criterion.
    shared : numpy.ndarray of bool
        Criteria whose noise is one factor per draw shared by all options.
    weight_concentration : float or None
        Dirichlet concentration; None keeps the weights fixed.

    Returns
    -------
    tuple of numpy.ndarray
        Scores ``(draws, m, k)`` and weights ``(draws, k)``.

    Raises
    ------
    ValueError
        From numpy, for impossible Dirichlet parameters (validated by callers).

    Notes
    -----
    Scores get mean-one lognormal noise ``exp(sigma z - sigma^2/2)`` with
    ``sigma^2 = log(1 + cv^2)``; weights are Dirichlet with mean ``weights``.

    References
    ----------
    Butler, Jia & Dyer (1997), see :func:`monte_carlo`.

    Examples
    --------
    >>> x, w = draw_inputs(np.ones((2, 2)), np.array([0.5, 0.5]), draws=3,
    ...                    rng=np.random.default_rng(0), cv=np.zeros(2),
    ...                    shared=np.zeros(2, bool), weight_concentration=None)
    >>> x.shape, w.shape, float(x.sum())
    ((3, 2, 2), (3, 2), 12.0)
    """
    m, k = matrix.shape
    sigma = np.sqrt(np.log1p(cv**2))
    z = rng.standard_normal((draws, m, k))
    z = np.where(shared, z[:, :1, :], z)
    noise = np.exp(sigma * z - sigma**2 / 2.0)
    x = matrix[None, :, :] * noise
    if weight_concentration is None:
        w = np.broadcast_to(weights, (draws, k)).copy()
    else:
        alpha = np.maximum(weights * float(weight_concentration), 1e-9)
        w = rng.dirichlet(alpha, size=draws)
    return x, w


def rank_draws(scores: np.ndarray) -> np.ndarray:
    """Ranks (1 = best) along the last axis, ties broken by option order.

    Parameters
    ----------
    scores : numpy.ndarray
        ``(..., m)`` scores, higher is better.

    Returns
    -------
    numpy.ndarray
        Integer ranks of the same shape.

    Raises
    ------
    numpy.exceptions.AxisError
        For a 0-d input.

    Notes
    -----
    Two argsorts (stable), no Python loop; NaN scores sort last.

    References
    ----------
    numpy ``argsort`` documentation (stable sort).

    Examples
    --------
    >>> rank_draws(np.array([[0.2, 0.9, 0.5]])).tolist()
    [[3, 1, 2]]
    """
    order = np.argsort(-scores, axis=-1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, scores.shape[-1] + 1), axis=-1)
    return ranks


def _score(x, w, signs, method, normalization):
    if method == "topsis":
        return topsis_closeness(x, w, signs, normalization)[0]
    r = _normalize(x, normalization)
    r = np.where(signs > 0, r, 1.0 - r)
    return (r * w[..., None, :]).sum(axis=-1)


def monte_carlo(
    matrix: pd.DataFrame,
    weights,
    types,
    *,
    rng: np.random.Generator,
    draws: int = 10_000,
    cv: float | Mapping[str, float] = 0.10,
    shared: Sequence[str] = (),
    weight_concentration: float | None = 40.0,
    method: Literal["topsis", "weighted_sum"] = "topsis",
    normalization: Literal["vector", "minmax"] | None = None,
) -> MonteCarloResult:
    """Probability that each option ranks first under uncertain scores, costs and weights.

    Parameters
    ----------
    matrix : pandas.DataFrame
        Options x criteria scores (a cost criterion holds the option's cost).
    weights : mapping, Series or sequence
        Central criterion weights.
    types : mapping or sequence
        ``"benefit"``/``"cost"`` per criterion.
    rng : numpy.random.Generator
        Seeded generator (``numpy.random.default_rng(study.seed)``).
    draws : int
        Number of simulations.
    cv : float or mapping
        Coefficient of variation of each criterion's scores (e.g. cost 0.15, rate-driven
        coverage 0.10, judgement scores 0.10).
    shared : sequence of str
        Criteria whose uncertainty is common to all options in a draw (usage rates).
    weight_concentration : float or None
        Dirichlet concentration of the weights around their centre (higher = less
        uncertain); None keeps the weights fixed.
    method : {"topsis", "weighted_sum"}
        Ranking method applied to every draw.
    normalization : {"vector", "minmax"}, optional
        Default "vector" for TOPSIS, "minmax" for the weighted sum.

    Returns
    -------
    MonteCarloResult
        Draws of scores, ranks and weights; ``.to_frame()`` gives ``option``, ``n``,
        ``p_first``, ``mean_rank``, ``rank_ci_low``, ``rank_ci_high``, ``estimate``,
        ``ci_low``, ``ci_high``.

    Raises
    ------
    ParameterError
        Bad matrix, weights, directions, cv or draws.

    Notes
    -----
    Vectorised: all ``draws`` matrices (``draws x m x k``) and weight vectors are drawn
    at once and ranked with numpy (no Python loop over draws). Score noise is mean-one
    lognormal (keeps scores and costs positive); weights are Dirichlet (they stay positive
    and sum to 1). Missing scores are errors.

    References
    ----------
    Butler, J., Jia, J. & Dyer, J. (1997). Simulation techniques for the sensitivity
    analysis of multi-criteria decision models. *European Journal of Operational
    Research*, 103(3), 531-546.

    Examples
    --------
    >>> m = pd.DataFrame({"gain": [10.0, 6.0], "cost": [5.0, 2.0]}, index=["a", "b"])
    >>> res = monte_carlo(m, [0.5, 0.5], ["benefit", "cost"], rng=np.random.default_rng(1),
    ...                   draws=2000)
    >>> res.to_frame()["p_first"].round(1).tolist()
    [0.0, 1.0]
    """
    arr, options, criteria = _decision_matrix(matrix)
    w = normalize_weights(weights, criteria).to_numpy()
    signs = criteria_types(types, criteria)
    if int(draws) < 1:
        raise ParameterError(f"draws must be >= 1, got {draws}", parameter="draws")
    if (arr < 0).any():
        raise ParameterError("scores must be >= 0 for lognormal noise", parameter="matrix")
    cvs = _cv_vector(cv, criteria, "cv")
    unknown = [c for c in shared if c not in criteria]
    if unknown:
        raise ParameterError(f"unknown criterion {unknown[0]!r} in shared", parameter="shared")
    shared_mask = np.array([c in set(shared) for c in criteria])
    if weight_concentration is not None and not weight_concentration > 0:
        raise ParameterError("weight_concentration must be > 0", parameter="weight_concentration")
    norm = normalization or ("vector" if method == "topsis" else "minmax")
    x, wd = draw_inputs(
        arr,
        w,
        draws=int(draws),
        rng=rng,
        cv=cvs,
        shared=shared_mask,
        weight_concentration=weight_concentration,
    )
    scores = _score(x, wd, signs, method, norm)
    return MonteCarloResult(tuple(options), tuple(criteria), scores, rank_draws(scores), wd)


def tornado(
    matrix: pd.DataFrame,
    weights,
    types,
    *,
    option: str | None = None,
    weight_spread: float = 0.5,
    cv: float | Mapping[str, float] = 0.2,
    normalization: Literal["vector", "minmax"] = "vector",
) -> pd.DataFrame:
    """One-at-a-time sensitivity of an option's TOPSIS closeness (tornado chart data).

    Parameters
    ----------
    matrix : pandas.DataFrame
        Options x criteria scores.
    weights, types
        As :func:`~quartiere.scenarios.topsis`.
    option : str, optional
        Option followed (default: the top-ranked one).
    weight_spread : float
        Each weight is moved to ``w (1 - spread)`` and ``w (1 + spread)`` (then all are
        rescaled to sum 1).
    cv : float or mapping
        The option's score on each criterion is moved to ``x (1 - cv)`` and ``x (1 + cv)``.
    normalization : {"vector", "minmax"}
        TOPSIS normalisation.

    Returns
    -------
    pandas.DataFrame
        One row per input moved, largest swing first: ``option`` (the option followed),
        ``parameter`` (e.g.
        ``weight:cost``, ``score:coverage``), ``kind`` (weight/score), ``criterion``,
        ``low_input``, ``high_input``, ``estimate_low``, ``estimate_high`` (closeness of the
        option), ``base``, ``swing`` (``|estimate_high - estimate_low|``).

    Raises
    ------
    ParameterError
        Unknown option, bad spread, or the errors of :func:`topsis`.

    Notes
    -----
    Inputs are moved one at a time, all others at their central values (Eschenbach 1992).

    References
    ----------
    Eschenbach, T. G. (1992). Spiderplots versus tornado diagrams for sensitivity
    analysis. *Interfaces*, 22(6), 40-46.

    Examples
    --------
    >>> m = pd.DataFrame({"gain": [10.0, 6.0, 8.0], "cost": [5.0, 2.0, 4.0]},
    ...                  index=["a", "b", "c"])
    >>> t = tornado(m, [0.5, 0.5], ["benefit", "cost"])
    >>> t["parameter"].iloc[0]
    'weight:cost'
    """
    arr, options, criteria = _decision_matrix(matrix)
    w = normalize_weights(weights, criteria).to_numpy()
    signs = criteria_types(types, criteria)
    if not 0 <= weight_spread < 1:
        raise ParameterError("weight_spread must be in [0, 1)", parameter="weight_spread")
    cvs = _cv_vector(cv, criteria, "cv")
    base_c = topsis_closeness(arr, w, signs, normalization)[0]
    if option is None:
        j = int(np.argmax(base_c))
    elif option in options:
        j = options.index(option)
    else:
        raise ParameterError(f"unknown option {option!r}", parameter="option")
    rows = []
    for k, crit in enumerate(criteria):
        vals = []
        for f in (1 - weight_spread, 1 + weight_spread):
            w2 = w.copy()
            w2[k] *= f
            w2 /= w2.sum()
            vals.append((w[k] * f, topsis_closeness(arr, w2, signs, normalization)[0][j]))
        rows.append(
            ("weight:" + crit, "weight", crit, *vals[0][:1], *vals[1][:1], vals[0][1], vals[1][1])
        )
        vals = []
        for f in (1 - cvs[k], 1 + cvs[k]):
            x2 = arr.copy()
            x2[j, k] *= f
            vals.append((x2[j, k], topsis_closeness(x2, w, signs, normalization)[0][j]))
        rows.append(
            ("score:" + crit, "score", crit, vals[0][0], vals[1][0], vals[0][1], vals[1][1])
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "parameter",
            "kind",
            "criterion",
            "low_input",
            "high_input",
            "estimate_low",
            "estimate_high",
        ],
    )
    out["base"] = base_c[j]
    out["swing"] = (out["estimate_high"] - out["estimate_low"]).abs()
    out.insert(0, "option", options[j])
    return out.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
