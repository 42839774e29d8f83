"""Budget scenarios: which combinations of funding options fit the money and the rules.

An option is one row of the options frame: ``option``, ``name``, ``district``, ``area``
(e.g. anziani, infanzia, casa, inclusione, servizio_sociale), ``kind`` (new_service,
expansion, reallocation), ``cost`` (EUR per year, may be <= 0 for a reallocation that
frees money) and effect columns (``social_workers_fte``, ``nido_places``,
``adi_users_65plus``, ``social_housing_units``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from quartiere.errors import ParameterError

__all__ = ["portfolios", "check_portfolio", "best_portfolio", "EFFECT_COLUMNS"]

EFFECT_COLUMNS = ("social_workers_fte", "nido_places", "adi_users_65plus", "social_housing_units")
_MAX_OPTIONS = 16


def _validate(options: pd.DataFrame) -> tuple[list[str], np.ndarray, np.ndarray]:
    for col in ("option", "cost", "area"):
        if col not in options.columns:
            raise ParameterError(f"the options frame has no column {col!r}", parameter="options")
    names = [str(o) for o in options["option"]]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise ParameterError(f"option {dup!r} is listed twice", parameter="options")
    cost = pd.to_numeric(options["cost"], errors="coerce").to_numpy(dtype=float)
    if np.isnan(cost).any():
        i = int(np.flatnonzero(np.isnan(cost))[0])
        raise ParameterError(f"option {names[i]!r}: cost is missing", parameter="options")
    return names, cost, options["area"].astype(str).to_numpy()


def _masks(n: int) -> np.ndarray:
    if n > _MAX_OPTIONS:
        raise ParameterError(
            f"{n} options give 2^{n} combinations: shortlist at most {_MAX_OPTIONS}",
            parameter="options",
        )
    return ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(bool)


def _reasons(
    total: np.ndarray,
    by_area: dict[str, np.ndarray],
    cap: float,
    minimums: Mapping[str, float],
) -> list[str]:
    out = []
    for i, t in enumerate(total):
        why = []
        if t > cap + 1e-9:
            why.append(f"over budget by EUR {t - cap:,.0f}")
        for area, low in minimums.items():
            got = by_area.get(area, np.zeros_like(total))[i]
            if got + 1e-9 < low:
                why.append(f"area {area} gets EUR {got:,.0f} < minimum EUR {low:,.0f}")
        out.append("; ".join(why))
    return out


def _check_constraints(budget_cap: float, min_per_area: Mapping[str, float] | None):
    if not np.isfinite(budget_cap) or budget_cap <= 0:
        raise ParameterError(
            f"budget cap is {budget_cap!r}: it must be a positive amount", parameter="budget_cap"
        )
    mins = dict(min_per_area or {})
    for a, v in mins.items():
        if not np.isfinite(v) or v < 0:
            raise ParameterError(f"minimum for area {a!r} must be >= 0", parameter="min_per_area")
    if sum(mins.values()) > budget_cap + 1e-9:
        raise ParameterError(
            f"area minimums add up to EUR {sum(mins.values()):,.0f}, more than the budget cap "
            f"EUR {budget_cap:,.0f}: no combination can be feasible",
            parameter="min_per_area",
        )
    return mins


def portfolios(
    options: pd.DataFrame,
    *,
    budget_cap: float,
    min_per_area: Mapping[str, float] | None = None,
    scores: Mapping[str, float] | pd.Series | None = None,
) -> pd.DataFrame:
    """Every combination of options with its cost, effects and feasibility.

    Parameters
    ----------
    options : pandas.DataFrame
        Options frame (see module docstring); at most 16 options.
    budget_cap : float
        Money available per year (EUR).
    min_per_area : mapping, optional
        Area -> minimum EUR that funded options must spend there.
    scores : mapping or Series, optional
        Option -> score (e.g. TOPSIS closeness); summed per combination.

    Returns
    -------
    pandas.DataFrame
        One row per combination (the empty one included): ``portfolio`` (option names
        joined by ``+``), ``n_options``, ``cost``, effect sums (:data:`EFFECT_COLUMNS`
        present in ``options``), ``score`` (if ``scores``), ``within_budget``,
        ``meets_minimums``, ``feasible``, ``reason`` (why infeasible; empty if feasible).

    Raises
    ------
    ParameterError
        Missing columns or costs, duplicate options, non-positive cap, minimums above the
        cap, more than 16 options.

    Notes
    -----
    Exhaustive enumeration as a boolean matrix (2^n x n) times the cost vector. Missing
    effects count as 0; missing costs are errors.

    References
    ----------
    Kellerer, H., Pferschy, U. & Pisinger, D. (2004). *Knapsack Problems*. Springer.

    Examples
    --------
    >>> opts = pd.DataFrame({"option": ["a", "b"], "cost": [60.0, 50.0],
    ...                      "area": ["x", "y"]})
    >>> p = portfolios(opts, budget_cap=100, min_per_area={"y": 10})
    >>> p[["portfolio", "cost", "feasible"]].values.tolist()
    [['', 0.0, False], ['a', 60.0, False], ['b', 50.0, True], ['a+b', 110.0, False]]
    >>> p["reason"].iloc[3]
    'over budget by EUR 10'
    """
    names, cost, area = _validate(options)
    mins = _check_constraints(float(budget_cap), min_per_area)
    masks = _masks(len(names))
    total = masks @ cost
    by_area = {a: masks @ np.where(area == a, cost, 0.0) for a in set(area) | set(mins)}
    reasons = _reasons(total, by_area, float(budget_cap), mins)
    out = pd.DataFrame(
        {
            "portfolio": [
                "+".join(n for n, m in zip(names, row, strict=True) if m) for row in masks
            ],
            "n_options": masks.sum(axis=1),
            "cost": total,
        }
    )
    for col in EFFECT_COLUMNS:
        if col in options.columns:
            eff = pd.to_numeric(options[col], errors="coerce").fillna(0.0).to_numpy(dtype=float)
            out[col] = masks @ eff
    if scores is not None:
        sc = pd.Series(scores, dtype=float)
        missing = [n for n in names if n not in sc.index]
        if missing:
            raise ParameterError(f"no score for option {missing[0]!r}", parameter="scores")
        out["score"] = masks @ sc.reindex(names).to_numpy()
    out["within_budget"] = total <= float(budget_cap) + 1e-9
    out["meets_minimums"] = [not any(r.startswith("area") for r in x.split("; ")) for x in reasons]
    out["feasible"] = out["within_budget"] & out["meets_minimums"]
    out["reason"] = reasons
    return out


def check_portfolio(
    options: pd.DataFrame,
    selected: Iterable[str],
    *,
    budget_cap: float,
    min_per_area: Mapping[str, float] | None = None,
    strict: bool = False,
) -> pd.DataFrame:
    """Cost and feasibility of one chosen set of options.

    Parameters
    ----------
    options : pandas.DataFrame
        Options frame.
    selected : iterable of str
        Options to fund.
    budget_cap : float
        Money available per year (EUR).
    min_per_area : mapping, optional
        Area -> minimum spend.
    strict : bool
        If True, raise when the set is infeasible instead of flagging it.

    Returns
    -------
    pandas.DataFrame
        One row: as :func:`portfolios` for this combination.

    Raises
    ------
    ParameterError
        Unknown option; with ``strict``, an infeasible set (the message says why).

    Notes
    -----
    Same arithmetic as :func:`portfolios`, for one row.

    References
    ----------
    Kellerer, H., Pferschy, U. & Pisinger, D. (2004). *Knapsack Problems*. Springer.

    Examples
    --------
    >>> opts = pd.DataFrame({"option": ["a", "b"], "cost": [60.0, 50.0], "area": ["x", "y"]})
    >>> check_portfolio(opts, ["a", "b"], budget_cap=100)["feasible"].item()
    False
    """
    names, _, _ = _validate(options)
    chosen = list(selected)
    unknown = [o for o in chosen if o not in names]
    if unknown:
        raise ParameterError(f"unknown option {unknown[0]!r}", parameter="selected")
    sub = options[options["option"].astype(str).isin(chosen)]
    mins = _check_constraints(float(budget_cap), min_per_area)
    cost = pd.to_numeric(sub["cost"]).to_numpy(dtype=float)
    area = sub["area"].astype(str).to_numpy()
    total = np.array([cost.sum()])
    by_area = {a: np.array([cost[area == a].sum()]) for a in set(area) | set(mins)}
    reason = _reasons(total, by_area, float(budget_cap), mins)[0]
    if strict and reason:
        raise ParameterError(f"options {'+'.join(chosen)}: {reason}", parameter="selected")
    row = {
        "portfolio": "+".join(o for o in names if o in chosen),
        "n_options": len(sub),
        "cost": float(total[0]),
    }
    for col in EFFECT_COLUMNS:
        if col in sub.columns:
            row[col] = float(pd.to_numeric(sub[col], errors="coerce").fillna(0.0).sum())
    row["within_budget"] = bool(total[0] <= float(budget_cap) + 1e-9)
    row["meets_minimums"] = "area " not in reason
    row["feasible"] = not reason
    row["reason"] = reason
    return pd.DataFrame([row])


def best_portfolio(
    options: pd.DataFrame,
    scores: Mapping[str, float] | pd.Series,
    *,
    budget_cap: float,
    min_per_area: Mapping[str, float] | None = None,
) -> pd.Series:
    """The feasible combination with the highest total score (ties: cheaper first).

    Parameters
    ----------
    options : pandas.DataFrame
        Options frame.
    scores : mapping or Series
        Option -> score (e.g. TOPSIS closeness).
    budget_cap : float
        Money available per year.
    min_per_area : mapping, optional
        Area -> minimum spend.

    Returns
    -------
    pandas.Series
        The winning row of :func:`portfolios`.

    Raises
    ------
    ParameterError
        When no combination is feasible (the message gives the cheapest one's reason).

    Notes
    -----
    Exhaustive search (a 0-1 knapsack with area constraints), exact for up to 16 options.

    References
    ----------
    Kellerer, H., Pferschy, U. & Pisinger, D. (2004). *Knapsack Problems*. Springer.

    Examples
    --------
    >>> opts = pd.DataFrame({"option": ["a", "b", "c"], "cost": [60.0, 50.0, 40.0],
    ...                      "area": ["x", "y", "y"]})
    >>> best_portfolio(opts, {"a": 0.9, "b": 0.5, "c": 0.4}, budget_cap=100)["portfolio"]
    'a+c'
    """
    table = portfolios(options, budget_cap=budget_cap, min_per_area=min_per_area, scores=scores)
    ok = table[table["feasible"]]
    if ok.empty:
        cheapest = table.sort_values("cost").iloc[1 if len(table) > 1 else 0]
        raise ParameterError(
            f"no feasible combination of options: e.g. {cheapest['portfolio']} is "
            f"{cheapest['reason']}",
            parameter="options",
        )
    return ok.sort_values(["score", "cost"], ascending=[False, True]).iloc[0]
