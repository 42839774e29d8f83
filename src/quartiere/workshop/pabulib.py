"""The one adapter to pabutools (pinned 1.2.3): Equal Shares, and pabulib ``.pb`` files.

Everything pabutools-specific (its Instance/Profile/Ballot classes, gmpy2 fractions, rule
signatures) stays in this module; the rest of Quartiere sees tidy DataFrames.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from quartiere.errors import DataFileError, ParameterError

__all__ = ["PBElection", "equal_shares_selection", "read_pb", "write_pb"]

VoteType = Literal["approval", "cumulative", "ordinal", "scoring", "choose-1"]


def _frac(value: float) -> Any:
    from pabutools.fractions import str_as_frac

    f = float(value)
    return str_as_frac(str(int(f)) if f == int(f) else repr(f))


def _instance_profile(projects: pd.DataFrame, votes: pd.DataFrame, budget: float) -> tuple:
    from pabutools.election import ApprovalBallot, ApprovalProfile, Instance, Project

    objs = {
        str(p): Project(str(p), _frac(c))
        for p, c in zip(projects["project"], projects["cost"], strict=True)
    }
    inst = Instance(objs.values(), budget_limit=_frac(budget))
    ballots = []
    for voter, grp in votes.groupby("voter", sort=True):
        ballots.append(ApprovalBallot({objs[str(p)] for p in grp["project"]}, name=str(voter)))
    return inst, ApprovalProfile(ballots, instance=inst), objs


def equal_shares_selection(
    projects: pd.DataFrame,
    votes: pd.DataFrame,
    *,
    budget: float,
    completion: Literal["add1", "greedy", "none"] = "add1",
    increment: float = 1.0,
) -> tuple[list[str], list[str]]:
    """Run pabutools' Method of Equal Shares (cost utilities) on approval votes.

    Parameters
    ----------
    projects : DataFrame
        ``project``, ``cost``.
    votes : DataFrame
        ``voter``, ``project``: one row per approval.
    budget : float
    completion : {"add1", "greedy", "none"}
        ``"add1"``: pabutools' iterated variant (``voter_budget_increment``): each voter's
        share grows by ``increment`` until the outcome is exhaustive or would overspend, then
        greedy-by-votes fills what is left. ``"greedy"``: greedy-by-votes straight after plain
        Equal Shares. ``"none"``: plain Equal Shares.
    increment : float, default 1
        Money added to every voter's share per step of ``"add1"``.

    Returns
    -------
    (list of str, list of str)
        Projects selected by Equal Shares (with add1 if asked), and all projects selected
        after the greedy completion (Equal Shares ones first).
    """
    from pabutools.election import Cost_Sat
    from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

    inst, prof, _ = _instance_profile(projects, votes, budget)
    params: dict[str, Any] = {"sat_class": Cost_Sat}
    if completion == "add1":
        params["voter_budget_increment"] = _frac(increment)
    mes = method_of_equal_shares(inst, prof, **params)
    first = [p.name for p in mes]
    if completion == "none":
        return first, list(first)
    done = greedy_utilitarian_welfare(
        inst, prof, sat_class=Cost_Sat, initial_budget_allocation=list(mes)
    )
    rest = [p.name for p in done if p.name not in first]
    return first, first + rest


@dataclass(frozen=True)
class PBElection:
    """A participatory-budgeting election read from (or written to) a pabulib ``.pb`` file.

    Attributes
    ----------
    meta : dict
        The META section (``budget``, ``vote_type``, ``description`` ...), values as text.
    projects : DataFrame
        ``project``, ``cost`` (float), ``name`` and any further PROJECTS columns as text
        (e.g. ``votes``, ``selected``, ``category``).
    votes : DataFrame
        Long form: ``voter``, ``project``, ``value``: 1 for approval/choose-1, points for
        cumulative/scoring, the rank (1 = first) for ordinal.
    voters : DataFrame
        ``voter`` and any further VOTES columns (``age``, ``sex``, ``voting_method`` ...).
    """

    meta: dict[str, str]
    projects: pd.DataFrame
    votes: pd.DataFrame
    voters: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def budget(self) -> float:
        """The budget limit from META."""
        return float(self.meta.get("budget", "nan"))

    @property
    def vote_type(self) -> str:
        """META ``vote_type``."""
        return self.meta.get("vote_type", "approval")

    def to_frame(self) -> pd.DataFrame:
        """The votes joined to project costs: ``voter``, ``project``, ``value``, ``cost``."""
        return self.votes.merge(self.projects[["project", "cost"]], on="project", how="left")


def read_pb(path: str | os.PathLike[str]) -> PBElection:
    """Read a pabulib ``.pb`` file (parsed by pabutools, returned as DataFrames).

    Parameters
    ----------
    path : path-like

    Returns
    -------
    PBElection
        See :class:`PBElection` for the frames and columns.

    Raises
    ------
    DataFileError
        If the file is missing or pabutools cannot parse it.

    Notes
    -----
    The format (META, PROJECTS, VOTES sections, ``;``-separated) is described at
    pabulib.org/format. Voters whose ballot is empty keep a row in ``voters`` only.

    References
    ----------
    Faliszewski, Flis, Peters, Pierczyński, Skowron, Stolicki, Szufa, Talmon (2023),
    "Participatory Budgeting: Data, Tools, and Analysis", IJCAI.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.pb"
    >>> _ = p.write_text("META\\nkey;value\\nbudget;10\\nvote_type;approval\\n"
    ...     "num_projects;2\\nnum_votes;1\\nPROJECTS\\nproject_id;cost\\na;6\\nb;5\\n"
    ...     "VOTES\\nvoter_id;vote\\n1;a,b\\n")
    >>> e = read_pb(p)
    >>> e.budget, sorted(e.votes["project"])
    (10.0, ['a', 'b'])
    """
    from pabutools.election.pabulib import parse_pabulib_from_string

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise DataFileError(f"cannot read the pabulib file ({exc.strerror})", path=p) from None
    try:
        inst, prof = parse_pabulib_from_string(text)
    except Exception as exc:  # pabutools raises bare exceptions on malformed files
        raise DataFileError(
            f"not a valid pabulib file ({type(exc).__name__}: {exc})", path=p
        ) from None
    meta = {str(k): str(v) for k, v in inst.meta.items()}
    extra = {pname: dict(m) for pname, m in getattr(inst, "project_meta", {}).items()}
    rows = []
    for proj in sorted(inst, key=lambda x: x.name):
        row: dict[str, Any] = {"project": proj.name, "cost": float(proj.cost)}
        for k, v in extra.get(proj, {}).items():
            if k in ("project_id", "cost"):
                continue
            row[k] = ", ".join(sorted(v)) if isinstance(v, set) else str(v)
        rows.append(row)
    projects = pd.DataFrame(rows)
    if "name" not in projects:
        projects["name"] = projects["project"]
    vtype = meta.get("vote_type", "approval")
    vrows, voters = [], []
    for i, ballot in enumerate(prof):
        voter = str(ballot.meta.get("voter_id", ballot.name or i))
        voters.append(
            {
                "voter": voter,
                **{
                    k: str(v)
                    for k, v in ballot.meta.items()
                    if k not in ("voter_id", "vote", "points")
                },
            }
        )
        if vtype == "ordinal":
            for r, proj in enumerate(ballot, start=1):
                vrows.append((voter, proj.name, r))
        elif hasattr(ballot, "items"):
            for proj, v in ballot.items():
                vrows.append((voter, proj.name, float(v)))
        else:
            for proj in sorted(ballot, key=lambda x: x.name):
                vrows.append((voter, proj.name, 1))
    votes = pd.DataFrame(vrows, columns=["voter", "project", "value"])
    return PBElection(meta=meta, projects=projects, votes=votes, voters=pd.DataFrame(voters))


def write_pb(
    path: str | os.PathLike[str],
    *,
    projects: pd.DataFrame,
    votes: pd.DataFrame,
    budget: float,
    vote_type: VoteType = "approval",
    meta: dict[str, Any] | None = None,
) -> Path:
    """Write a pabulib ``.pb`` file (readable by pabutools and pabulib tools).

    Parameters
    ----------
    path : path-like
    projects : DataFrame
        ``project``, ``cost`` and optionally ``name`` (and any other columns, written as is).
    votes : DataFrame
        ``voter``, ``project``, ``value`` (``value`` is the rank for ordinal ballots, points
        for cumulative/scoring; ignored for approval and choose-1).
    budget : float
    vote_type : {"approval", "cumulative", "ordinal", "scoring", "choose-1"}
    meta : dict, optional
        Extra META keys (``description``, ``country``, ``unit``, ``instance``...).

    Returns
    -------
    pathlib.Path
        The file written (atomically).

    Raises
    ------
    ParameterError
        Missing columns, or votes naming a project not in ``projects``.

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "out.pb"
    >>> pr = pd.DataFrame({"project": ["a", "b"], "cost": [6, 5]})
    >>> vo = pd.DataFrame({"voter": [1, 1, 2], "project": ["a", "b", "b"], "value": 1})
    >>> _ = write_pb(p, projects=pr, votes=vo, budget=10)
    >>> read_pb(p).votes.groupby("project").size().to_dict()
    {'a': 1, 'b': 2}
    """
    from quartiere.io import atomic_write

    for col in ("project", "cost"):
        if col not in projects:
            raise ParameterError(f"projects needs a {col!r} column", parameter="projects")
    for col in ("voter", "project"):
        if col not in votes:
            raise ParameterError(f"votes needs a {col!r} column", parameter="votes")
    known = set(map(str, projects["project"]))
    unknown = sorted(set(map(str, votes["project"])) - known)
    if unknown:
        raise ParameterError(f"votes name unknown project {unknown[0]!r}", parameter="votes")
    voters = list(dict.fromkeys(map(str, votes["voter"])))
    head: dict[str, Any] = {
        "description": "Quartiere workshop export",
        "num_projects": len(projects),
        "num_votes": len(voters),
        "budget": _num(budget),
        "vote_type": vote_type,
        "rule": "greedy",
    }
    head.update(meta or {})
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\n")
    w.writerow(["META"])
    w.writerow(["key", "value"])
    for k, v in head.items():
        w.writerow([k, v])
    w.writerow(["PROJECTS"])
    cols = ["project", "cost"] + [c for c in projects.columns if c not in ("project", "cost")]
    w.writerow(["project_id", "cost"] + cols[2:])
    for _, r in projects[cols].iterrows():
        w.writerow([r["project"], _num(r["cost"])] + [_cell(r[c]) for c in cols[2:]])
    w.writerow(["VOTES"])
    with_points = vote_type in ("cumulative", "scoring")
    w.writerow(["voter_id", "vote"] + (["points"] if with_points else []))
    v = votes.assign(voter=votes["voter"].astype(str), project=votes["project"].astype(str))
    for voter in voters:
        grp = v[v["voter"] == voter]
        if vote_type == "ordinal":
            grp = grp.sort_values("value", kind="stable")
        row = [voter, ",".join(grp["project"])]
        if with_points:
            row.append(",".join(_num(x) for x in grp["value"]))
        w.writerow(row)
    out = Path(path)
    with atomic_write(out, mode="w") as fh:
        fh.write(buf.getvalue())
    return out


def _num(x: Any) -> str:
    f = float(x)
    return str(int(f)) if f == int(f) else repr(f)


def _cell(x: Any) -> str:
    if x is None or (isinstance(x, float) and x != x):
        return "None"
    return str(x)
