"""Participatory budgeting rules: greedy-by-votes and the Method of Equal Shares, side by side."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from quartiere.errors import ParameterError
from quartiere.workshop import pabulib

__all__ = ["BudgetResult", "budget_greedy", "budget_equal_shares", "compare_budget_rules"]


@dataclass(frozen=True)
class BudgetResult:
    """Outcome of a budgeting rule.

    Attributes
    ----------
    rule : str
        ``"greedy"`` or ``"equal_shares"``.
    budget, spent, unspent : float
    selected : tuple of str
        Funded projects in the order the rule picked them.
    table : DataFrame
        ``project``, ``cost``, ``votes``, ``selected`` (bool), ``order`` (1 = picked first,
        NA if not funded), ``stage`` ("rule", "completion" or NA).
    """

    rule: str
    budget: float
    spent: float
    unspent: float
    selected: tuple[str, ...]
    table: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The per-project table (a copy)."""
        return self.table.copy()


def _check(projects: pd.DataFrame, votes: pd.DataFrame, budget: float) -> pd.DataFrame:
    for col in ("project", "cost"):
        if col not in projects:
            raise ParameterError(f"projects needs a {col!r} column", parameter="projects")
    for col in ("voter", "project"):
        if col not in votes:
            raise ParameterError(f"votes needs a {col!r} column", parameter="votes")
    if not budget or budget <= 0 or budget != budget:
        raise ParameterError("budget must be a positive number", parameter="budget")
    pr = projects.assign(project=projects["project"].astype(str))
    if pr["project"].duplicated().any():
        dup = pr.loc[pr["project"].duplicated(), "project"].iloc[0]
        raise ParameterError(f"project {dup!r} appears twice", parameter="projects")
    cost = pd.to_numeric(pr["cost"], errors="coerce")
    if cost.isna().any() or (cost <= 0).any():
        bad = pr.loc[cost.isna() | (cost <= 0), "project"].iloc[0]
        raise ParameterError(f"project {bad!r} has no positive cost", parameter="projects")
    unknown = sorted(set(votes["project"].astype(str)) - set(pr["project"]))
    if unknown:
        raise ParameterError(f"votes name unknown project {unknown[0]!r}", parameter="votes")
    counts = (
        votes.assign(project=votes["project"].astype(str))
        .drop_duplicates(["voter", "project"])
        .groupby("project")
        .size()
    )
    return pd.DataFrame(
        {
            "project": pr["project"].to_numpy(),
            "cost": cost.astype(float).to_numpy(),
            "votes": pr["project"].map(counts).fillna(0).astype("int64").to_numpy(),
        }
    )


def _result(
    rule: str, base: pd.DataFrame, budget: float, picked: list[str], first: int | None = None
) -> BudgetResult:
    order = {p: i + 1 for i, p in enumerate(picked)}
    table = base.copy()
    table["selected"] = table["project"].isin(picked)
    table["order"] = table["project"].map(order).astype("Int64")
    cut = len(picked) if first is None else first
    stage = {p: ("rule" if i < cut else "completion") for i, p in enumerate(picked)}
    table["stage"] = table["project"].map(stage).astype("string")
    spent = float(table.loc[table["selected"], "cost"].sum())
    return BudgetResult(rule, float(budget), spent, float(budget) - spent, tuple(picked), table)


def budget_greedy(projects: pd.DataFrame, votes: pd.DataFrame, *, budget: float) -> BudgetResult:
    """Greedy-by-votes: fund the most-voted projects that still fit the budget.

    Parameters
    ----------
    projects : DataFrame
        ``project`` (id) and ``cost``.
    votes : DataFrame
        ``voter``, ``project``: one row per approval (repeated rows count once).
    budget : float

    Returns
    -------
    BudgetResult
        ``rule="greedy"``; see :class:`BudgetResult` for the table columns.

    Raises
    ------
    ParameterError
        Missing columns, duplicated or unknown projects, non-positive cost or budget.

    Notes
    -----
    The rule most cities use: sort projects by number of approvals (ties by project id, as
    pabutools' lexicographic tie-breaking), walk down the list and fund each project whose cost
    still fits the money left; projects that do not fit are skipped, not a stop. This equals
    pabutools' ``greedy_utilitarian_welfare`` with cost satisfaction (approval count per unit of
    cost times cost). Projects with no votes can still be funded if money is left.

    References
    ----------
    Faliszewski et al. (2023), "Participatory Budgeting: Data, Tools, and Analysis", IJCAI
    (greedy utilitarian rule, as used by most Polish cities).

    Examples
    --------
    >>> import pandas as pd
    >>> pr = pd.DataFrame({"project": ["a", "b", "c"], "cost": [60, 50, 30]})
    >>> vo = pd.DataFrame({"voter": [1, 2, 3, 1, 2, 3], "project": list("aabbbc")})
    >>> r = budget_greedy(pr, vo, budget=100)
    >>> r.selected, r.unspent
    (('b', 'c'), 20.0)
    """
    base = _check(projects, votes, budget)
    order = base.sort_values(["votes", "project"], ascending=[False, True], kind="stable")
    left = float(budget)
    picked: list[str] = []
    for p, c in zip(order["project"], order["cost"], strict=True):
        if c <= left + 1e-9:
            picked.append(p)
            left -= c
    return _result("greedy", base, budget, picked)


def budget_equal_shares(
    projects: pd.DataFrame,
    votes: pd.DataFrame,
    *,
    budget: float,
    completion: Literal["add1", "greedy", "none"] = "add1",
    increment: float = 1.0,
) -> BudgetResult:
    """Method of Equal Shares (cost utilities), completed by greedy-by-votes, via pabutools.

    Parameters
    ----------
    projects : DataFrame
        ``project`` and ``cost``.
    votes : DataFrame
        ``voter``, ``project``: one row per approval. Every voter appearing here gets an equal
        share of the budget.
    budget : float
    completion : {"add1", "greedy", "none"}, default "add1"
        Equal Shares alone can leave much money unspent. ``"add1"`` (equalshares.net's
        default) reruns it with each voter's share raised by ``increment`` at a time, keeping
        the last outcome that fits the real budget, then funds, most votes first, any project
        that still fits. ``"greedy"`` skips the raising step; ``"none"`` is plain Equal
        Shares. Projects added by the greedy step have ``stage`` = "completion".
    increment : float, default 1
        Money added to each voter's share per ``"add1"`` step (1 currency unit, as
        equalshares.net; larger steps are faster on big elections and coarser).

    Returns
    -------
    BudgetResult
        ``rule="equal_shares"``.

    Raises
    ------
    ParameterError
        As :func:`budget_greedy`.

    Notes
    -----
    Each of the n voters receives budget / n. A project can be funded only if its supporters
    together still hold its cost; among those, the rule picks the one whose cost can be split
    so that the largest individual payment per unit of satisfaction (rho) is smallest, and
    charges supporters equally, capped at what each has left. With cost utilities a voter's
    satisfaction is the cost of the approved funded projects (equalshares.net default). Runs
    pabutools 1.2.3 ``method_of_equal_shares(sat_class=Cost_Sat)`` (with
    ``voter_budget_increment`` for add1), lexicographic ties; the greedy completion is
    ``greedy_utilitarian_welfare(sat_class=Cost_Sat)`` started from the Equal Shares outcome.

    References
    ----------
    Peters, Pierczyński and Skowron (2021), "Proportional Participatory Budgeting with
    Additive Utilities", NeurIPS; Peters and Skowron (2020), "Proportionality and the Limits of
    Welfarism", EC. equalshares.net.

    Examples
    --------
    >>> import pandas as pd
    >>> pr = pd.DataFrame({"project": ["a1", "a2", "a3", "b"], "cost": [300] * 4})
    >>> vo = pd.DataFrame([(v, p) for v in range(7) for p in ("a1", "a2", "a3")]
    ...                   + [(v, "b") for v in range(7, 10)], columns=["voter", "project"])
    >>> budget_equal_shares(pr, vo, budget=1000).selected
    ('a1', 'a2', 'b')
    """
    if completion not in ("add1", "greedy", "none"):
        raise ParameterError(
            "completion must be 'add1', 'greedy' or 'none'", parameter="completion"
        )
    if not increment or increment <= 0:
        raise ParameterError("increment must be a positive amount", parameter="increment")
    base = _check(projects, votes, budget)
    v = votes.assign(project=votes["project"].astype(str)).drop_duplicates(["voter", "project"])
    first, picked = pabulib.equal_shares_selection(
        base[["project", "cost"]], v, budget=budget, completion=completion, increment=increment
    )
    return _result("equal_shares", base, budget, picked, first=len(first))


def compare_budget_rules(
    projects: pd.DataFrame,
    votes: pd.DataFrame,
    *,
    budget: float,
    completion: Literal["add1", "greedy", "none"] = "add1",
) -> pd.DataFrame:
    """Greedy and Equal Shares side by side, one row per project, plus the money left.

    Returns
    -------
    DataFrame
        ``project``, ``cost``, ``votes``, ``greedy`` (bool), ``equal_shares`` (bool),
        ``equal_shares_stage`` ("rule"/"completion"/NA) and any other columns of ``projects``
        (e.g. ``label``, ``district``). ``.attrs["summary"]`` holds a frame with ``rule``,
        ``spent``, ``unspent``, ``n_funded``.

    Examples
    --------
    >>> import pandas as pd
    >>> pr = pd.DataFrame({"project": ["a", "b"], "cost": [6, 5]})
    >>> vo = pd.DataFrame({"voter": [1, 2, 3], "project": ["a", "a", "b"]})
    >>> compare_budget_rules(pr, vo, budget=10)[["project", "greedy", "equal_shares"]]
      project  greedy  equal_shares
    0       a    True          True
    1       b   False         False
    """
    g = budget_greedy(projects, votes, budget=budget)
    e = budget_equal_shares(projects, votes, budget=budget, completion=completion)
    out = g.table[["project", "cost", "votes"]].copy()
    out["greedy"] = g.table["selected"].to_numpy()
    out["equal_shares"] = e.table["selected"].to_numpy()
    out["equal_shares_stage"] = e.table["stage"].to_numpy()
    extra = [c for c in projects.columns if c not in ("project", "cost", "votes")]
    if extra:
        out = out.merge(
            projects[["project", *extra]].assign(project=projects["project"].astype(str)),
            on="project",
            how="left",
        )
    out.attrs["summary"] = pd.DataFrame(
        {
            "rule": ["greedy", "equal_shares"],
            "spent": [g.spent, e.spent],
            "unspent": [g.unspent, e.unspent],
            "n_funded": [len(g.selected), len(e.selected)],
        }
    )
    return out
