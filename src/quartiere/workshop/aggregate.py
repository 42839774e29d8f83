"""Aggregation of ballots per question type, priorities as MCDA weights, CSV and .pb export."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from quartiere.errors import ParameterError, WorkshopError
from quartiere.workshop.agenda import Question
from quartiere.workshop.ballots import PABULIB_VOTE_TYPE
from quartiere.workshop.budget import compare_budget_rules
from quartiere.workshop.store import WorkshopStore

__all__ = [
    "aggregate",
    "budget_comparison",
    "export_question",
    "priority_weights",
    "question_results",
    "results_by",
    "write_priorities",
]

RESULT_COLUMNS = ["question", "option", "label", "n", "estimate", "share", "rank"]


def aggregate(question: Question, ballots: pd.DataFrame, *, lang: str = "it") -> pd.DataFrame:
    """Score each option of a question from its ballots.

    Parameters
    ----------
    question : Question
    ballots : DataFrame
        Long ballots as :meth:`WorkshopStore.ballots` returns them: ``ballot``, ``option``,
        ``value`` (other columns ignored). Rows of other questions must be filtered out.
    lang : {"it", "en"}
        Language of ``label``.

    Returns
    -------
    DataFrame
        One row per option in agenda order: ``question``, ``option``, ``label``, ``n`` (ballots
        giving the option anything: dots, approval, a rank or a score), ``estimate`` (the
        score, see Notes), ``share`` (estimate / sum of estimates; NaN for ratings), ``rank``
        (1 = best; ties share the best rank).

    Raises
    ------
    WorkshopError
        For a comment question (comments are not aggregated).

    Notes
    -----
    ``estimate`` is: dots or points: total placed; approval, budget, single: number of
    ballots choosing the option; ranking: Borda score, where with m options a ballot gives
    m - r points to the option it ranks r-th (r = 1..m) and 0 to options it leaves unranked;
    rating: mean score over the people who rated the option (unrated = missing, not zero).
    Paper and device ballots count alike.

    References
    ----------
    Borda count: de Borda (1781); worked example in Saari (1995), *Basic Geometry of Voting*.

    Examples
    --------
    >>> from quartiere.workshop.agenda import Question
    >>> q = Question(id="q", type="ranking", text="T", options=[
    ...     {"id": "a", "label": "A"}, {"id": "b", "label": "B"}, {"id": "c", "label": "C"}])
    >>> b = pd.DataFrame({"ballot": [1, 1, 1, 2, 2], "option": list("abcba"),
    ...                   "value": [1, 2, 3, 1, 2]})
    >>> aggregate(q, b)[["option", "estimate", "rank"]].to_dict("list")
    {'option': ['a', 'b', 'c'], 'estimate': [3.0, 3.0, 0.0], 'rank': [1, 1, 3]}
    """
    if question.type == "comment":
        raise WorkshopError(
            "comment questions are not aggregated; read the comments instead", parameter=question.id
        )
    ids = list(question.option_ids)
    b = ballots[ballots["option"].isin(ids)] if len(ballots) else ballots
    m = len(ids)
    n = b.groupby("option")["ballot"].nunique() if len(b) else pd.Series(dtype="int64")
    if question.type == "ranking":
        pts = (m - b["value"]).clip(lower=0) if len(b) else pd.Series(dtype=float)
        est = pts.groupby(b["option"]).sum() if len(b) else pd.Series(dtype=float)
        est = est.reindex(ids).fillna(0.0)
    elif question.type == "rating":
        est = b.groupby("option")["value"].mean() if len(b) else pd.Series(dtype=float)
        est = est.reindex(ids)
    else:
        est = b.groupby("option")["value"].sum() if len(b) else pd.Series(dtype=float)
        est = est.reindex(ids).fillna(0.0)
    est = est.astype(float)
    out = pd.DataFrame(
        {
            "question": question.id,
            "option": ids,
            "label": [o.text(lang) for o in question.options],
            "n": n.reindex(ids).fillna(0).astype("int64").to_numpy(),
            "estimate": est.to_numpy(),
        }
    )
    total = out["estimate"].sum()
    out["share"] = np.nan if question.type == "rating" or total == 0 else out["estimate"] / total
    out["rank"] = out["estimate"].rank(method="min", ascending=False).astype("Int64")
    return out[RESULT_COLUMNS]


def question_results(
    store: WorkshopStore, workshop: str, question: str, *, lang: str = "it"
) -> pd.DataFrame:
    """Live results of one question from the store (current round).

    Parameters
    ----------
    store : WorkshopStore
    workshop, question : str
    lang : {"it", "en"}
        Language of the option labels.

    Returns
    -------
    DataFrame
        The columns of :func:`aggregate`; ``.attrs`` carries ``n_ballots``, ``n_paper`` and
        ``n_device``.

    Raises
    ------
    WorkshopError
        Unknown workshop or question, or a comment question.

    Examples
    --------
    >>> import os, tempfile
    >>> from quartiere.workshop import WorkshopStore, parse_agenda
    >>> s = WorkshopStore(os.path.join(tempfile.mkdtemp(), "w.sqlite"))
    >>> _ = s.create_workshop(parse_agenda({"id": "w", "title": "T", "questions": [
    ...     {"id": "q", "type": "dots", "dots": 3, "text": "?", "options": [
    ...         {"id": "a", "label": "A"}, {"id": "b", "label": "B"}]}]}))
    >>> s.open_question("w", "q")
    >>> _ = s.cast("w", "q", s.new_participant("w"), {"a": 2, "b": 1})
    >>> question_results(s, "w", "q")[["option", "estimate", "share"]].to_dict("list")
    {'option': ['a', 'b'], 'estimate': [2.0, 1.0], 'share': [0.666..., 0.333...]}
    """
    q = store.agenda(workshop).question(question)
    b = store.ballots(workshop, question)
    out = aggregate(q, b, lang=lang)
    ballots = b.drop_duplicates("ballot")
    out.attrs["n_ballots"] = int(len(ballots))
    out.attrs["n_paper"] = int((ballots["source"] == "paper").sum())
    out.attrs["n_device"] = int((ballots["source"] == "device").sum())
    return out


def results_by(
    store: WorkshopStore,
    workshop: str,
    question: str,
    *,
    by: str,
    lang: str = "it",
    threshold: int = 5,
) -> pd.DataFrame:
    """Results of ``question`` split by the answer to a single-choice question ``by``.

    Parameters
    ----------
    store : WorkshopStore
    workshop, question : str
    by : str
        A ``single`` question (e.g. "In which comune do you live?").
    lang : {"it", "en"}
    threshold : int, default 5
        Groups with fewer people are suppressed (study ``privacy.threshold``).

    Returns
    -------
    DataFrame
        ``group`` (option id of ``by``), ``group_label``, then the columns of
        :func:`aggregate` computed within the group, and ``suppressed`` (bool): ``n`` is the
        number of people in the group who answered, and ``estimate``/``share`` are NaN where
        it is below ``threshold``. ``.attrs["n_unlinked"]`` counts ballots left out.

    Notes
    -----
    Only device ballots can be linked to a group (paper ballots carry no participant), and
    only for people who answered ``by``; the others are left out and counted in
    ``attrs["n_unlinked"]``. Suppression via :func:`quartiere.privacy.suppress_small_cells`.
    """
    from quartiere.privacy import suppress_small_cells

    agenda = store.agenda(workshop)
    q, g = agenda.question(question), agenda.question(by)
    if g.type != "single":
        raise WorkshopError(
            f"question {by!r} is a {g.type} question; group by a single-choice question",
            parameter="by",
        )
    b = store.ballots(workshop, question)
    groups = store.ballots(workshop, by)
    groups = groups[groups["participant"].notna()].set_index("participant")["option"]
    linked = b[b["participant"].notna()].copy()
    linked["group"] = linked["participant"].map(groups)
    unlinked = b.loc[~b["ballot"].isin(linked.loc[linked["group"].notna(), "ballot"]), "ballot"]
    frames = []
    for gid in g.option_ids:
        part = linked[linked["group"] == gid]
        res = aggregate(q, part, lang=lang)
        people = int(part["ballot"].nunique())
        res.insert(0, "group_label", g.option(gid).text(lang))
        res.insert(0, "group", gid)
        res["n_group"] = people
        frames.append(res)
    out = pd.concat(frames, ignore_index=True)
    out = suppress_small_cells(
        out, n="n_group", threshold=threshold, columns=["estimate", "share", "n", "rank"]
    )
    out.attrs["n_unlinked"] = int(unlinked.nunique())
    return out


def budget_comparison(
    store: WorkshopStore, workshop: str, question: str, *, lang: str = "it"
) -> pd.DataFrame:
    """Greedy and Equal Shares for a budget question, side by side.

    Returns
    -------
    DataFrame
        As :func:`quartiere.workshop.budget.compare_budget_rules` plus ``label`` and
        ``district``; ``.attrs["summary"]`` gives spent/unspent per rule.
    """
    q = store.agenda(workshop).question(question)
    if q.type != "budget":
        raise WorkshopError(
            f"question {question!r} is a {q.type} question, not a budget one", parameter="question"
        )
    b = store.ballots(workshop, question)
    projects = pd.DataFrame(
        {
            "project": list(q.option_ids),
            "cost": [float(o.cost or 0) for o in q.options],
            "label": [o.text(lang) for o in q.options],
            "district": [o.district for o in q.options],
        }
    )
    votes = pd.DataFrame({"voter": b["ballot"], "project": b["option"]})
    return compare_budget_rules(projects, votes, budget=float(q.budget or 0))


def priority_weights(store: WorkshopStore, workshop: str, question: str) -> pd.DataFrame:
    """Residents' priorities as criterion weights for MCDA (they sum to 1).

    Returns
    -------
    DataFrame
        ``criterion`` (option id), ``weight``, ``n``, ``estimate`` (see :func:`aggregate`).

    Raises
    ------
    WorkshopError
        If nobody has answered yet.

    Notes
    -----
    weight = estimate / sum of estimates (dots, points, approvals or Borda scores). For a
    rating question the mean score minus ``scale_min`` is used, so that the lowest score
    means zero weight.

    Examples
    --------
    >>> import os, tempfile
    >>> from quartiere.workshop import WorkshopStore, parse_agenda
    >>> s = WorkshopStore(os.path.join(tempfile.mkdtemp(), "w.sqlite"))
    >>> _ = s.create_workshop(parse_agenda({"id": "w", "title": "T", "questions": [
    ...     {"id": "q", "type": "dots", "dots": 3, "text": "?", "options": [
    ...         {"id": "a", "label": "A"}, {"id": "b", "label": "B"}]}]}))
    >>> s.open_question("w", "q")
    >>> _ = s.cast("w", "q", s.new_participant("w"), {"a": 2, "b": 1})
    >>> priority_weights(s, "w", "q")["weight"].round(4).tolist()
    [0.6667, 0.3333]
    """
    q = store.agenda(workshop).question(question)
    res = question_results(store, workshop, question)
    est = res["estimate"].fillna(q.scale_min if q.type == "rating" else 0.0)
    if q.type == "rating":
        est = est - q.scale_min
    total = est.sum()
    if total <= 0:
        raise WorkshopError(
            f"question {question!r} has no answers yet: no weights", parameter="question"
        )
    return pd.DataFrame(
        {
            "criterion": res["option"],
            "weight": est / total,
            "n": res["n"],
            "estimate": res["estimate"],
        }
    )


def write_priorities(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write criterion weights as an Italian CSV for the scenarios notebook.

    Parameters
    ----------
    frame : DataFrame
        With ``criterion`` and ``weight`` (e.g. from :func:`priority_weights`).
    path : path-like

    Returns
    -------
    pathlib.Path
        The file: header ``criterion;weight``, ``;`` separator, decimal comma, six decimals,
        cp1252, written atomically.

    Raises
    ------
    ParameterError
        If a column is missing.
    """
    if not {"criterion", "weight"} <= set(frame.columns):
        raise ParameterError("frame needs 'criterion' and 'weight' columns", parameter="frame")
    from quartiere.io import atomic_write

    text = frame[["criterion", "weight"]].to_csv(
        sep=";", decimal=",", index=False, float_format="%.6f", lineterminator="\n"
    )
    out = Path(path)
    with atomic_write(out, mode="wb") as fh:
        fh.write(text.encode("cp1252", errors="replace"))
    return out


def _write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Italian CSV (``;``, decimal comma, cp1252; characters cp1252 lacks become ``?``)."""
    from quartiere.io import atomic_write

    text = frame.to_csv(sep=";", decimal=",", index=False, lineterminator="\n")
    with atomic_write(path, mode="wb") as fh:
        fh.write(text.encode("cp1252", errors="replace"))
    return path


def export_question(
    store: WorkshopStore, workshop: str, question: str, directory: str | os.PathLike[str]
) -> dict[str, Path]:
    """Export one question for other tools: CSV files and a pabulib ``.pb`` file.

    Parameters
    ----------
    store : WorkshopStore
    workshop, question : str
    directory : path-like
        Created if missing; files are named after the question.

    Returns
    -------
    dict
        For a comment question ``{"comments": path}``: approved comments only (``comment``,
        ``text``), no participant ids. Otherwise ``{"ballots": path, "results": path,
        "pb": path}``: ``<q>_ballots.csv`` (``ballot``, ``source``, ``option``, ``value``),
        ``<q>_results.csv`` (columns of :func:`aggregate`) and ``<q>.pb`` (voters are ballot
        numbers; ``vote_type`` from :data:`~quartiere.workshop.ballots.PABULIB_VOTE_TYPE`;
        options without a cost get cost 1 and the budget is the number of options).

    Notes
    -----
    CSV files are Italian style (``;``, decimal comma, cp1252); characters cp1252 cannot hold
    (emoji) become ``?``. Current round only.
    """
    from quartiere.workshop.pabulib import write_pb

    q = store.agenda(workshop).question(question)
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    if q.type == "comment":
        c = store.comments(workshop, status="approved")
        c = c.loc[c["question"] == question, ["comment", "text"]]
        return {"comments": _write_csv(c, d / f"{question}_comments.csv")}
    b = store.ballots(workshop, question)[["ballot", "source", "option", "value"]]
    paths = {
        "ballots": _write_csv(b, d / f"{question}_ballots.csv"),
        "results": _write_csv(
            question_results(store, workshop, question), d / f"{question}_results.csv"
        ),
    }
    projects = pd.DataFrame(
        {
            "project": list(q.option_ids),
            "cost": [float(o.cost or 1) for o in q.options],
            "name": [o.text("it") for o in q.options],
        }
    )
    paths["pb"] = write_pb(
        d / f"{question}.pb",
        projects=projects,
        votes=b.rename(columns={"ballot": "voter", "option": "project"}),
        budget=float(q.budget or len(q.options)),
        vote_type=PABULIB_VOTE_TYPE[q.type],  # type: ignore[arg-type]
        meta={"description": f"{workshop} / {question}"},
    )
    return paths
