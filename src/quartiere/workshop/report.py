"""Presentation helpers for the workshop report (notebook 04): tidy frames and report tables.

Everything here reads a finished session through a read-only :class:`WorkshopStore`
(:func:`load_workshop`), so a report never changes the database it describes. Each ``*_table``
helper returns a :func:`quartiere.report.table` (numbered caption, localized numbers, escaped
text); the frames behind them are returned by the functions without ``_table`` for tests and
``glue``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from quartiere.errors import WorkshopError
from quartiere.report.i18n import check_lang, format_int, format_money, t
from quartiere.report.tables import ReportTable, table
from quartiere.workshop.agenda import Agenda, Question, WorkshopSettings
from quartiere.workshop.aggregate import question_results, results_by
from quartiere.workshop.store import WorkshopStore

__all__ = [
    "AUDIT_EVENTS",
    "BudgetOutcome",
    "ReportGroup",
    "WorkshopData",
    "audit_summary",
    "audit_table",
    "budget_differences",
    "budget_differences_table",
    "budget_outcome_chart",
    "budget_outcome",
    "budget_summary_table",
    "budget_table",
    "comments_table",
    "group_sizes",
    "groups_table",
    "headcount",
    "headcount_table",
    "load_workshop",
    "method_note",
    "participation",
    "participation_table",
    "priorities_table",
    "public_comments",
    "question_chart",
    "question_table",
    "question_tables",
    "resets",
    "resets_table",
    "score_title",
    "top_by_group",
    "top_by_group_table",
    "type_label",
]

#: Audit actions summarised in the report, in display order.
AUDIT_EVENTS: tuple[str, ...] = (
    "join",
    "kiosk_start",
    "vote",
    "change_vote",
    "paper_ballot",
    "reset_question",
    "comment",
    "comment_approved",
    "comment_rejected",
    "comment_pending",
    "open_question",
    "close_question",
    "reveal_results",
    "hide_results",
    "issue_codes",
)


@dataclass(frozen=True)
class WorkshopData:
    """A finished workshop opened read-only for reporting.

    Attributes
    ----------
    store : WorkshopStore
        Opened with ``readonly=True``: nothing in the file changes.
    workshop : str
        Workshop id.
    agenda : Agenda
        The agenda stored with the session.
    threshold : int
        Privacy threshold of the study (smaller groups are suppressed).
    names : tuple of str
        Person names to pseudonymize in comments (empty if none are configured).
    settings : WorkshopSettings or None
        The study's ``workshop:`` section, when loaded from a study.
    """

    store: WorkshopStore
    workshop: str
    agenda: Agenda
    threshold: int = 5
    names: tuple[str, ...] = ()
    settings: WorkshopSettings | None = field(default=None, compare=False)

    def question(self, question: str) -> Question:
        """The agenda question ``question`` (SchemaError naming it if absent)."""
        return self.agenda.question(question)

    @property
    def priorities_question(self) -> str | None:
        """``workshop.priorities_question`` of study.yml, if set."""
        return None if self.settings is None else self.settings.priorities_question


def _open(
    db: Path, workshop: str | None, threshold: int, names: tuple[str, ...], settings: Any
) -> WorkshopData:
    if not db.is_file():
        raise WorkshopError("workshop database not found; check workshop.db in study.yml", path=db)
    store = WorkshopStore(db, readonly=True)
    if workshop is None:
        ws = store.workshops()["workshop"].tolist()
        if len(ws) != 1:
            raise WorkshopError(
                f"the database holds {len(ws)} workshops; set workshop.workshop in study.yml",
                path=db,
                parameter="workshop",
            )
        workshop = ws[0]
    return WorkshopData(store, workshop, store.agenda(workshop), threshold, names, settings)


def load_workshop(study: Any, *, names: bool = True) -> WorkshopData:
    """Open the study's workshop database read-only, with its settings and names list.

    Parameters
    ----------
    study : quartiere.study.Study
        A loaded study; its ``workshop:`` section names ``db`` (a key of ``files:``, so that
        the run manifest hashes the database, or a path relative to the study folder),
        ``workshop`` (id; optional if the file holds one workshop), ``priorities_question``
        and optionally ``names`` (a names list for pseudonymization).
    names : bool, default True
        Read the names list: ``workshop.names`` if set, else the study's
        ``interviews.names`` (the same people are often named in both), else none.

    Returns
    -------
    WorkshopData

    Raises
    ------
    SchemaError
        A wrong key in the ``workshop:`` section.
    WorkshopError
        The database is missing, or holds several workshops and none is named.

    Notes
    -----
    The file is opened with SQLite's ``mode=ro``: not even the journal mode is changed, so
    its bytes (and hash in the run manifest) stay the same.

    Examples
    --------
    >>> from quartiere import load_study
    >>> data = load_workshop(load_study("data/sample"))
    >>> data.workshop, data.threshold, data.store.readonly
    ('val-serena-2026-11', 5, True)
    >>> data.store.close()
    """
    from quartiere.privacy import read_names

    settings = WorkshopSettings.from_study(study)
    root = Path(study.root)
    listed: tuple[str, ...] = ()
    if names:
        rel = settings.names or (study.section("interviews") or {}).get("names")
        if rel and (root / rel).is_file():
            listed = tuple(read_names(root / rel))
    files = getattr(study, "files", {}) or {}
    db = Path(files[settings.db]) if settings.db in files else root / settings.db
    return _open(db, settings.workshop, int(study.threshold), listed, settings)


# ---------------------------------------------------------------------- words for methods
def type_label(question: Question, lang: str) -> str:
    """Short name of a question's ballot type (``"bollini"``, ``"rating 1-5"``).

    Examples
    --------
    >>> q = Question(id="q", type="rating", text="?", options=[{"id": "a", "label": "A"},
    ...              {"id": "b", "label": "B"}])
    >>> type_label(q, "en")
    'rating 1-5'
    """
    return t(
        f"workshop.type_{question.type}",
        lang,
        **(
            {"min": question.scale_min, "max": question.scale_max}
            if question.type == "rating"
            else {"points": question.points}
            if question.type == "points"
            else {}
        ),
    )


def score_title(question: Question, lang: str) -> str:
    """What the score of a question's options is (axis title): dots, votes, Borda points...

    Examples
    --------
    >>> q = Question(id="q", type="ranking", text="?", options=[{"id": "a", "label": "A"},
    ...              {"id": "b", "label": "B"}])
    >>> score_title(q, "en")
    'Borda points'
    """
    if question.type == "comment":
        return t("workshop.comments", lang)
    return t(f"workshop.score_{question.type}", lang)


def method_note(question: Question, lang: str) -> str:
    """How a question's answers were counted, in plain words, with its rule's numbers.

    Parameters
    ----------
    question : Question
    lang : {"it", "en"}

    Returns
    -------
    str
        One or two sentences: for dots the number of dots and whether several may go on one
        option; for approval the limit; for ranking the Borda rule with the points of the
        first and second place for this number of options; for ratings the scale and the
        missing-data rule; for points the total; for budget the budget and the project
        limits; for single choice what one vote is.

    Notes
    -----
    The rules stated are those :func:`quartiere.workshop.aggregate.aggregate` applies (Borda:
    with m options, r-th place gets m - r points, unranked options 0).

    Examples
    --------
    >>> q = Question(id="r", type="ranking", text="?", options=[
    ...     {"id": x, "label": x} for x in "abcd"])
    >>> method_note(q, "en")[:88]
    "Ranking counted with the Borda rule: with 4 options, a person's 1st choice gets 3 points"
    """
    check_lang(lang)
    q = question
    if q.type == "dots":
        key = "workshop.method_dots" if q.cumulative else "workshop.method_dots_single"
        return t(key, lang, dots=q.dots)
    if q.type == "approval":
        limit = (
            t("workshop.method_approval_limit", lang, max=q.max_choices)
            if q.max_choices is not None and q.max_choices < len(q.options)
            else ""
        )
        return t("workshop.method_approval", lang, limit=limit)
    if q.type == "ranking":
        m = len(q.options)
        return t("workshop.method_ranking", lang, m=m, top=m - 1, second=max(m - 2, 0))
    if q.type == "rating":
        return t("workshop.method_rating", lang, min=q.scale_min, max=q.scale_max)
    if q.type == "points":
        return t("workshop.method_points", lang, points=format_int(q.points, lang))
    if q.type == "budget":
        return t(
            "workshop.method_budget",
            lang,
            budget=format_money(q.budget, lang),
            min_projects=q.min_projects if q.min_projects is not None else 0,
            max_projects=q.max_projects if q.max_projects is not None else len(q.options),
        )
    if q.type == "single":
        return t("workshop.method_single", lang)
    return t("workshop.type_comment", lang)


# ---------------------------------------------------------------------- participation
def headcount(data: WorkshopData) -> pd.DataFrame:
    """Who took part: participants, card/kiosk voters, paper voters, cards, comments.

    Parameters
    ----------
    data : WorkshopData

    Returns
    -------
    DataFrame
        ``measure`` (``participants``, ``joined``, ``paper``, ``cards``, ``unused_cards``,
        ``comments``) and ``n`` (int).

    Notes
    -----
    ``joined`` counts people who used a card code or took a kiosk turn; ``paper`` is the
    largest number of paper ballots on any one question (each paper voter fills one sheet
    with every question); ``participants`` = joined + paper. Paper ballots carry no
    participant id, so a person voting both ways would count twice: facilitators hand out
    a paper sheet only to people without a phone.

    Examples
    --------
    >>> from quartiere import load_study
    >>> data = load_workshop(load_study("data/sample"))
    >>> headcount(data).set_index("measure")["n"].to_dict()["participants"]
    60
    >>> data.store.close()
    """
    s, w = data.store, data.workshop
    part = s.participation(w)
    n_paper = int(part["n_paper"].max()) if len(part) else 0
    joined = s.n_participants(w)
    con = s._con
    cards = con.execute(
        "SELECT COUNT(*), SUM(joined_at IS NULL) FROM participants WHERE workshop=? "
        "AND kind='card'",
        (w,),
    ).fetchone()
    n_comments = len(s.comments(w))
    return pd.DataFrame(
        {
            "measure": ["participants", "joined", "paper", "cards", "unused_cards", "comments"],
            "n": [
                joined + n_paper,
                joined,
                n_paper,
                int(cards[0] or 0),
                int(cards[1] or 0),
                n_comments,
            ],
        }
    )


def headcount_table(frame: pd.DataFrame, *, lang: str) -> ReportTable:
    """:func:`headcount` as a report table (measure in words, number)."""
    keys = {
        "participants": "workshop.hc_participants",
        "joined": "workshop.hc_joined",
        "paper": "workshop.hc_paper",
        "cards": "workshop.hc_cards",
        "unused_cards": "workshop.hc_unused",
        "comments": "workshop.hc_comments",
    }
    shown = frame.assign(label=[t(keys[m], lang) for m in frame["measure"]])
    return table(
        shown,
        caption=t("workshop.headcount_title", lang),
        columns={
            "label": (t("workshop.col_measure", lang), "text"),
            "n": (t("workshop.col_n", lang), "int"),
        },
        lang=lang,
    )


def participation(data: WorkshopData, *, lang: str = "it") -> pd.DataFrame:
    """Answers per question, device and paper apart, in agenda order.

    Returns
    -------
    DataFrame
        ``question``, ``text`` (question in ``lang``), ``type``, ``type_label``, ``round``
        (current round; > 1 after a reset), ``n`` (answers counted), ``n_device``,
        ``n_paper``, ``n_comments``.

    Examples
    --------
    >>> from quartiere import load_study
    >>> data = load_workshop(load_study("data/sample"))
    >>> participation(data).loc[0, ["question", "n", "n_paper"]].map(str).tolist()
    ['comune', '60', '4']
    >>> data.store.close()
    """
    s, w = data.store, data.workshop
    part = s.participation(w)
    st = s.question_states(w).set_index("question")
    qs = [data.question(q) for q in part["question"]]
    part.insert(1, "text", [q.label(lang) for q in qs])
    part.insert(2, "type", [q.type for q in qs])
    part.insert(3, "type_label", [type_label(q, lang) for q in qs])
    part.insert(4, "round", st.loc[part["question"], "round"].astype("int64").to_numpy())
    return part


def participation_table(frame: pd.DataFrame, *, lang: str) -> ReportTable:
    """:func:`participation` as a report table."""
    return table(
        frame,
        caption=t("workshop.participation_title", lang),
        columns={
            "text": (t("workshop.col_question", lang), "text"),
            "type_label": (t("workshop.col_type", lang), "text"),
            "n": (t("workshop.col_answers", lang), "int"),
            "n_device": (t("workshop.col_device", lang), "int"),
            "n_paper": (t("workshop.col_paper", lang), "int"),
            "n_comments": (t("workshop.col_comments", lang), "int"),
        },
        lang=lang,
        note=t("workshop.participation_note", lang),
    )


def group_sizes(data: WorkshopData, by: str, *, lang: str = "it") -> pd.DataFrame:
    """How many people gave each answer to a single-choice question (e.g. their comune).

    Parameters
    ----------
    data : WorkshopData
    by : str
        A ``single`` question.
    lang : {"it", "en"}

    Returns
    -------
    DataFrame
        ``group`` (option id), ``label``, ``n`` (people, paper included), ``share`` (of
        everyone who answered), ``suppressed`` (bool): ``share`` is NaN where ``n`` is below
        the study threshold (:func:`quartiere.privacy.suppress_small_cells`); the report
        shows ``< threshold`` instead of ``n`` there. ``secondary`` (bool): the group hidden
        as well (its ``n`` not shown, ``share`` NaN) when only one group is small.

    Notes
    -----
    Secondary suppression: the number of participants is published, so a single hidden
    group could be worked out by subtraction; the smallest other group is then hidden too
    (Hundepool et al. 2012, *Statistical Disclosure Control*, section 5.2).

    Raises
    ------
    WorkshopError
        ``by`` is not a single-choice question.

    Examples
    --------
    >>> from quartiere import load_study
    >>> data = load_workshop(load_study("data/sample"))
    >>> g = group_sizes(data, "comune")
    >>> g.loc[g["suppressed"], ["group", "n", "secondary"]].values.tolist()
    [['villafranca', 9, True], ['campi_bassi', 3, False]]
    >>> data.store.close()
    """
    from quartiere.privacy import suppress_small_cells

    q = data.question(by)
    if q.type != "single":
        raise WorkshopError(
            f"question {by!r} is a {q.type} question; group by a single-choice question",
            parameter="by",
        )
    res = question_results(data.store, data.workshop, by, lang=lang)
    out = pd.DataFrame(
        {
            "group": res["option"],
            "label": res["label"],
            "n": res["n"].astype("int64"),
            "share": res["share"].astype(float),
        }
    )
    out = suppress_small_cells(out, n="n", threshold=data.threshold, columns=["share"])
    out["secondary"] = False
    if int(out["suppressed"].sum()) == 1 and len(out) > 2:
        # the total is published: hide one more group so the small one cannot be recovered
        open_rows = out.loc[~out["suppressed"]].sort_values("n", kind="stable")
        pick = open_rows.index[0]
        out.loc[pick, ["suppressed", "secondary"]] = True
        out.loc[pick, "share"] = float("nan")
    return out


def _n_shown(frame: pd.DataFrame, n: str, threshold: int, lang: str) -> list[str]:
    secondary = frame["secondary"] if "secondary" in frame else [False] * len(frame)
    return [
        "—"
        if sec
        else t("report.suppressed", lang, threshold=threshold)
        if sup
        else format_int(v, lang)
        for v, sup, sec in zip(frame[n], frame["suppressed"], secondary, strict=True)
    ]


def _secondary_note(frame: pd.DataFrame, lang: str) -> str:
    if "secondary" in frame and bool(frame["secondary"].any()):
        return " " + t("workshop.secondary_note", lang)
    return ""


def groups_table(frame: pd.DataFrame, *, question: Question, lang: str, threshold: int):
    """:func:`group_sizes` as a report table (small groups shown as ``< threshold``)."""
    shown = frame.assign(n_shown=_n_shown(frame, "n", threshold, lang))
    return table(
        shown,
        caption=t("workshop.groups_title", lang, question=question.label(lang)),
        columns={
            "label": (t("workshop.col_group", lang), "text"),
            "n_shown": (t("workshop.col_people", lang), "text"),
            "share": (t("workshop.col_share", lang), "pct1"),
        },
        lang=lang,
        note=t("workshop.groups_note", lang) + _secondary_note(frame, lang),
        threshold=threshold,
    )


# ---------------------------------------------------------------------- results
def question_table(data: WorkshopData, question: str, *, lang: str) -> ReportTable:
    """One question's results as a report table, its counting method in the note.

    Parameters
    ----------
    data : WorkshopData
    question : str
        Any question but a comment one.
    lang : {"it", "en"}

    Returns
    -------
    ReportTable
        Options best first: option, score (dots, votes, Borda points, mean rating...),
        share (not for ratings), people who gave the option anything, rank. ``.data`` holds
        the frame of :func:`quartiere.workshop.aggregate.question_results`.

    Examples
    --------
    >>> from quartiere import load_study
    >>> data = load_workshop(load_study("data/sample"))
    >>> question_table(data, "orari", lang="en").to_frame().iloc[0].tolist()
    ['Evening and Saturday', '30', '50.0%', '30', '1']
    >>> data.store.close()
    """
    q = data.question(question)
    res = question_results(data.store, data.workshop, question, lang=lang)
    res = res.sort_values(["rank", "option"], kind="stable").reset_index(drop=True)
    score_fmt = "num2" if q.type == "rating" else "num0"
    cols = {
        "label": (t("workshop.col_option", lang), "text"),
        "estimate": (score_title(q, lang), score_fmt),
    }
    if q.type != "rating":
        cols["share"] = (t("workshop.col_share", lang), "pct1")
    n_key = "workshop.col_n_rating" if q.type == "rating" else "workshop.col_n_answering"
    cols["n"] = (t(n_key, lang), "int")
    cols["rank"] = (t("workshop.col_rank", lang), "int")
    note = " ".join(
        [
            method_note(q, lang),
            t(
                "workshop.method_paper",
                lang,
                n=format_int(res.attrs["n_ballots"], lang),
                n_paper=format_int(res.attrs["n_paper"], lang),
            ),
            t("workshop.results_note_rank", lang),
        ]
    )
    return table(res, caption=q.label(lang), columns=cols, lang=lang, note=note)


@dataclass(frozen=True)
class ReportGroup:
    """Several report items shown as one cell output (tables and charts in order).

    Attributes
    ----------
    items : tuple
        Objects with ``_repr_html_`` (report tables) or altair charts.
    """

    items: tuple[Any, ...]

    def _repr_html_(self) -> str:
        from quartiere.report.charts import chart_html

        parts = []
        for item in self.items:
            if hasattr(item, "to_dict") and not isinstance(item, pd.DataFrame):
                parts.append(chart_html(item.to_dict()))
            else:
                parts.append(item._repr_html_())
        return "".join(parts)

    def __len__(self) -> int:
        return len(self.items)


def question_tables(
    data: WorkshopData,
    *,
    lang: str,
    skip: tuple[str, ...] = ("budget", "comment"),
    exclude: tuple[str, ...] | str = (),
) -> ReportGroup:
    """:func:`question_table` for every question of the agenda except the ``skip`` types.

    Parameters
    ----------
    data : WorkshopData
    lang : {"it", "en"}
    skip : tuple of str, default ("budget", "comment")
        Question types left out (they have their own sections).
    exclude : str or tuple of str
        Question ids left out, e.g. the question grouping participants (shown with small
        groups suppressed by :func:`groups_table`; its raw counts would undo that).

    Returns
    -------
    ReportGroup
        One table per question, agenda order (budget questions have their own section).

    Examples
    --------
    >>> from quartiere import load_study
    >>> data = load_workshop(load_study("data/sample"))
    >>> len(question_tables(data, lang="it", exclude="comune"))
    4
    >>> data.store.close()
    """
    return ReportGroup(
        tuple(
            question_table(data, q.id, lang=lang)
            for q in data.agenda.questions
            if q.type not in skip
            and q.id not in ((exclude,) if isinstance(exclude, str) else exclude)
        )
    )


def question_chart(data: WorkshopData, question: str, *, lang: str):
    """Bars of one question's results, best first, titled with the question.

    Returns
    -------
    altair.Chart
        From :func:`quartiere.workshop.charts.results_chart`, score axis named for the
        ballot type.

    Examples
    --------
    >>> from quartiere import load_study
    >>> data = load_workshop(load_study("data/sample"))
    >>> question_chart(data, "bisogni", lang="en").to_dict()["encoding"]["x"]["title"]
    'Dots'
    >>> data.store.close()
    """
    from quartiere.workshop.charts import results_chart

    q = data.question(question)
    res = question_results(data.store, data.workshop, question, lang=lang)
    return results_chart(res, lang=lang, title=q.label(lang), score_title=score_title(q, lang))


def top_by_group(data: WorkshopData, question: str, *, by: str, lang: str = "it") -> pd.DataFrame:
    """The top option of ``question`` within each answer to ``by`` (e.g. each comune).

    Returns
    -------
    DataFrame
        ``group``, ``group_label``, ``n`` (people of the group who answered, device only),
        ``option``, ``label`` (top option; ties joined with " / "), ``share`` (its share
        within the group), ``suppressed``: option, label and share are blank where ``n`` is
        below the study threshold; ``secondary``: the group whose size
        :func:`group_sizes` hides too (its ``n`` is not shown; its top choice is).
        ``.attrs["n_unlinked"]``: ballots left out (paper).

    Notes
    -----
    Built on :func:`quartiere.workshop.aggregate.results_by` (device ballots of people who
    answered ``by``; suppression with :func:`quartiere.privacy.suppress_small_cells`).

    Examples
    --------
    >>> from quartiere import load_study
    >>> data = load_workshop(load_study("data/sample"))
    >>> top = top_by_group(data, "bisogni", by="comune").set_index("group")
    >>> top.loc["porto_lido", "option"], bool(top.loc["campi_bassi", "suppressed"])
    ('casa', True)
    >>> data.store.close()
    """
    res = results_by(
        data.store, data.workshop, question, by=by, lang=lang, threshold=data.threshold
    )
    sizes = group_sizes(data, by, lang=lang)
    hidden = set(sizes.loc[sizes["secondary"], "group"])
    rows = []
    for gid, part in res.groupby("group", sort=False):
        n = int(part["n_group"].iloc[0])
        sup = bool(part["suppressed"].iloc[0])
        if sup or part["estimate"].isna().all():
            opt = label = None
            share = float("nan")
        else:
            best = part[part["estimate"] == part["estimate"].max()]
            opt = " / ".join(best["option"])
            label = " / ".join(best["label"])
            share = float(best["share"].iloc[0])
        rows.append(
            {
                "group": gid,
                "group_label": part["group_label"].iloc[0],
                "n": n,
                "option": opt,
                "label": label,
                "share": share,
                "suppressed": sup,
                "secondary": gid in hidden and not sup,
            }
        )
    out = pd.DataFrame(rows)
    out.attrs["n_unlinked"] = int(res.attrs.get("n_unlinked", 0))
    return out


def top_by_group_table(
    frame: pd.DataFrame, *, question: Question, by: Question, lang: str, threshold: int
) -> ReportTable:
    """:func:`top_by_group` as a report table (small groups shown as ``< threshold``)."""
    shown = frame.assign(n_shown=_n_shown(frame, "n", threshold, lang))
    return table(
        shown,
        caption=t("workshop.by_group_title", lang),
        columns={
            "group_label": (t("workshop.col_group", lang), "text"),
            "n_shown": (t("workshop.col_people", lang), "text"),
            "label": (t("workshop.col_top", lang), "text"),
            "share": (t("workshop.col_top_share", lang), "pct1"),
        },
        lang=lang,
        note=t(
            "workshop.by_group_note",
            lang,
            question=question.label(lang),
            by=by.label(lang),
            n_unlinked=frame.attrs.get("n_unlinked", 0),
        )
        + _secondary_note(frame, lang),
        threshold=threshold,
    )


# ---------------------------------------------------------------------- budget
@dataclass(frozen=True)
class BudgetOutcome:
    """Greedy-by-votes and Equal Shares on one budget question, with the orders of choice.

    Attributes
    ----------
    question : str
    budget : float
    n_voters : int
        Ballots choosing at least one project (Equal Shares gives each budget / n_voters).
    comparison : DataFrame
        One row per project in agenda order: ``project``, ``label``, ``district``, ``cost``,
        ``votes``, ``greedy`` (bool), ``greedy_order`` (Int64, NA if not funded),
        ``equal_shares`` (bool), ``equal_shares_order`` (Int64), ``equal_shares_stage``
        ("rule"/"completion"/NA).
    summary : DataFrame
        ``rule`` ("greedy"/"equal_shares"), ``spent``, ``unspent``, ``n_funded``.
    greedy_selected, equal_shares_selected : tuple of str
        Funded projects in the order each rule picked them.
    """

    question: str
    budget: float
    n_voters: int
    comparison: pd.DataFrame
    summary: pd.DataFrame
    greedy_selected: tuple[str, ...]
    equal_shares_selected: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """The per-project comparison (a copy)."""
        return self.comparison.copy()

    def unspent(self, rule: str) -> float:
        """Money left unspent by ``rule`` ("greedy" or "equal_shares")."""
        return float(self.summary.set_index("rule").loc[rule, "unspent"])


def budget_outcome(
    data: WorkshopData, question: str, *, lang: str = "it", completion: str = "add1"
) -> BudgetOutcome:
    """Run greedy-by-votes and the Method of Equal Shares on a budget question.

    Parameters
    ----------
    data : WorkshopData
    question : str
        A ``budget`` question.
    lang : {"it", "en"}
        Language of ``label``.
    completion : {"add1", "greedy", "none"}, default "add1"
        Equal Shares completion (see :func:`quartiere.workshop.budget.budget_equal_shares`).

    Returns
    -------
    BudgetOutcome

    Raises
    ------
    WorkshopError
        Not a budget question.

    Notes
    -----
    The same rules and inputs as :func:`quartiere.workshop.aggregate.budget_comparison`
    (each ballot is a voter approving the projects it chose; paper ballots count alike),
    keeping each rule's order of choice for the report.

    Examples
    --------
    >>> from quartiere import load_study
    >>> data = load_workshop(load_study("data/sample"))
    >>> out = budget_outcome(data, "progetti")
    >>> out.greedy_selected, out.unspent("greedy")
    (('SER-CEN', 'SER-SPO', 'BSR-VOL'), 10000.0)
    >>> data.store.close()
    """
    from quartiere.workshop.budget import budget_equal_shares, budget_greedy

    q = data.question(question)
    if q.type != "budget":
        raise WorkshopError(
            f"question {question!r} is a {q.type} question, not a budget one", parameter="question"
        )
    b = data.store.ballots(data.workshop, question)
    projects = pd.DataFrame(
        {
            "project": list(q.option_ids),
            "cost": [float(o.cost or 0) for o in q.options],
        }
    )
    votes = pd.DataFrame({"voter": b["ballot"], "project": b["option"]})
    budget = float(q.budget or 0)
    g = budget_greedy(projects, votes, budget=budget)
    e = budget_equal_shares(projects, votes, budget=budget, completion=completion)  # type: ignore[arg-type]
    comp = pd.DataFrame(
        {
            "project": g.table["project"],
            "label": [o.text(lang) for o in q.options],
            "district": [o.district for o in q.options],
            "cost": g.table["cost"],
            "votes": g.table["votes"],
            "greedy": g.table["selected"],
            "greedy_order": g.table["order"],
            "equal_shares": e.table["selected"].to_numpy(),
            "equal_shares_order": e.table["order"].to_numpy(),
            "equal_shares_stage": e.table["stage"].to_numpy(),
        }
    )
    summary = pd.DataFrame(
        {
            "rule": ["greedy", "equal_shares"],
            "spent": [g.spent, e.spent],
            "unspent": [g.unspent, e.unspent],
            "n_funded": [len(g.selected), len(e.selected)],
        }
    )
    return BudgetOutcome(
        question, budget, int(b["ballot"].nunique()), comp, summary, g.selected, e.selected
    )


def _funded_text(funded: bool, order: Any, stage: Any, lang: str) -> str:
    if not funded:
        return t("workshop.not_funded_short", lang)
    key = "workshop.funded_completion" if stage == "completion" else "workshop.funded_rule"
    return t(key, lang, order=int(order))


def budget_table(outcome: BudgetOutcome, data: WorkshopData, *, lang: str) -> ReportTable:
    """Projects with cost, votes and what each rule funded, most votes first.

    Examples
    --------
    >>> from quartiere import load_study
    >>> data = load_workshop(load_study("data/sample"))
    >>> tab = budget_table(budget_outcome(data, "progetti", lang="en"), data, lang="en")
    >>> tab.to_frame().iloc[-1].tolist()[-2:]
    ['—', 'funded at completion (4)']
    >>> data.store.close()
    """
    q = data.question(outcome.question)
    c = outcome.comparison
    shown = c.assign(
        district=c["district"].fillna(t("workshop.ambito_wide", lang)),
        greedy_text=[
            _funded_text(f, o, None, lang)
            for f, o in zip(c["greedy"], c["greedy_order"], strict=True)
        ],
        es_text=[
            _funded_text(f, o, s, lang)
            for f, o, s in zip(
                c["equal_shares"], c["equal_shares_order"], c["equal_shares_stage"], strict=True
            )
        ],
    ).sort_values(["votes", "project"], ascending=[False, True], kind="stable")
    return table(
        shown.reset_index(drop=True),
        caption=t("workshop.budget_title", lang),
        columns={
            "label": (t("workshop.col_project", lang), "text"),
            "district": (t("workshop.col_district", lang), "text"),
            "cost": (t("workshop.col_cost", lang), "money"),
            "votes": (t("workshop.col_votes", lang), "int"),
            "greedy_text": (t("workshop.greedy", lang), "text"),
            "es_text": (t("workshop.equal_shares", lang), "text"),
        },
        lang=lang,
        note=t(
            "workshop.budget_note",
            lang,
            question=q.label(lang),
            budget=format_money(outcome.budget, lang),
            n=format_int(outcome.n_voters, lang),
        ),
    )


def budget_summary_table(outcome: BudgetOutcome, *, lang: str) -> ReportTable:
    """Spent, unspent and projects funded by each rule.

    Examples
    --------
    >>> from quartiere import load_study
    >>> data = load_workshop(load_study("data/sample"))
    >>> budget_summary_table(budget_outcome(data, "progetti"), lang="it").to_frame().iloc[1, 2]
    '15.000 €'
    >>> data.store.close()
    """
    shown = outcome.summary.assign(
        rule_label=[t(f"workshop.{r}", lang) for r in outcome.summary["rule"]]
    )
    return table(
        shown,
        caption=t("workshop.budget_summary_title", lang),
        columns={
            "rule_label": (t("workshop.col_rule", lang), "text"),
            "spent": (t("workshop.col_spent", lang), "money"),
            "unspent": (t("workshop.col_unspent", lang), "money"),
            "n_funded": (t("workshop.col_n_funded", lang), "int"),
        },
        lang=lang,
    )


def budget_outcome_chart(outcome: BudgetOutcome, *, lang: str):
    """Both rules side by side, each project coloured if funded (titled for the report).

    Examples
    --------
    >>> from quartiere import load_study
    >>> data = load_workshop(load_study("data/sample"))
    >>> budget_outcome_chart(budget_outcome(data, "progetti"), lang="en").to_dict()["title"]["text"][:8]
    'Projects'
    >>> data.store.close()
    """
    from quartiere.workshop.charts import budget_chart as _chart

    return _chart(outcome.comparison, lang=lang, title=t("workshop.budget_chart_title", lang))


def budget_differences(
    outcome: BudgetOutcome, data: WorkshopData, *, lang: str = "it"
) -> pd.DataFrame:
    """Projects the two rules treat differently, with the reason in plain words.

    Parameters
    ----------
    outcome : BudgetOutcome
    data : WorkshopData
        For the ballots (who chose what).
    lang : {"it", "en"}

    Returns
    -------
    DataFrame
        One row per project funded by one rule only: ``project``, ``label``, ``district``,
        ``cost``, ``votes``, ``greedy``, ``equal_shares``, ``equal_shares_stage``,
        ``position`` (place in the most-votes-first order, 1 = most votes), ``greedy_left``
        (money greedy still had when the project's turn came), ``share`` (budget /
        voters: each voter's Equal Shares budget), ``pool`` (votes x share: what its
        supporters hold together at the start), ``other`` and ``overlap`` (for a project
        only greedy funds: the Equal Shares project funded before it that most of its
        supporters also chose, and how many did), ``why`` (a sentence in ``lang``).

    Notes
    -----
    Greedy walks the projects by votes (ties by id) and funds each one that fits the money
    left. Equal Shares gives each voter the same share; a project is funded only if its own
    supporters can pay for it from what they have left, so a small project backed by a
    compact group (a mountain village) can win, while a popular project whose supporters
    already paid for another may lose. The sentences state those facts for each project;
    the ``pool`` uses the initial share (the add1 completion may raise it slightly).

    Examples
    --------
    >>> from quartiere import load_study
    >>> data = load_workshop(load_study("data/sample"))
    >>> d = budget_differences(budget_outcome(data, "progetti"), data)
    >>> d[["project", "greedy", "equal_shares", "greedy_left"]].values.tolist()[-1]
    ['MON-NAV', False, True, 10000.0]
    >>> data.store.close()
    """
    c = outcome.comparison
    share = outcome.budget / outcome.n_voters if outcome.n_voters else float("nan")
    order = c.sort_values(["votes", "project"], ascending=[False, True], kind="stable")
    left, spent = {}, 0.0
    for pos, row in enumerate(order.itertuples(), start=1):
        left[row.project] = (pos, outcome.budget - spent)
        if row.greedy:
            spent += row.cost
    b = data.store.ballots(data.workshop, outcome.question)
    chosen = b.groupby("option")["ballot"].apply(set).to_dict()
    es_first = [p for p in outcome.equal_shares_selected]
    label_of = dict(zip(c["project"], c["label"], strict=True))
    m = len(c)
    rows = []
    for r in c[c["greedy"] != c["equal_shares"]].itertuples():
        pos, gl = left[r.project]
        pool = r.votes * share
        supporters = chosen.get(r.project, set())
        other, overlap = None, 0
        if r.greedy:
            for p in es_first:
                k = len(supporters & chosen.get(p, set()))
                if k > overlap:
                    other, overlap = p, k
        fmt = {
            "votes": format_int(r.votes, lang),
            "n": format_int(outcome.n_voters, lang),
            "share": format_money(share, lang),
            "pool": format_money(pool, lang),
            "cost": format_money(r.cost, lang),
            "position": pos,
            "m": m,
            "left": format_money(gl, lang),
        }
        if r.equal_shares and r.equal_shares_stage == "completion":
            why = t("workshop.why_es_completion", lang, **fmt)
        elif r.equal_shares:
            why = t("workshop.why_es_rule", lang, **fmt)
        elif other is not None:
            why = t(
                "workshop.why_greedy",
                lang,
                **fmt,
                other=label_of[other],
                overlap=format_int(overlap, lang),
            )
        else:
            why = t("workshop.why_greedy_plain", lang, **fmt)
        rows.append(
            {
                "project": r.project,
                "label": r.label,
                "district": r.district,
                "cost": float(r.cost),
                "votes": int(r.votes),
                "greedy": bool(r.greedy),
                "equal_shares": bool(r.equal_shares),
                "equal_shares_stage": r.equal_shares_stage,
                "position": pos,
                "greedy_left": float(gl),
                "share": share,
                "pool": float(pool),
                "other": other,
                "overlap": overlap,
                "why": why,
            }
        )
    cols = [
        "project", "label", "district", "cost", "votes", "greedy", "equal_shares",
        "equal_shares_stage", "position", "greedy_left", "share", "pool", "other", "overlap",
        "why",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def budget_differences_table(frame: pd.DataFrame, *, lang: str) -> ReportTable:
    """:func:`budget_differences` as a report table: project, cost, votes, why."""
    return table(
        frame,
        caption=t("workshop.budget_diff_title", lang),
        columns={
            "label": (t("workshop.col_project", lang), "text"),
            "cost": (t("workshop.col_cost", lang), "money"),
            "votes": (t("workshop.col_votes", lang), "int"),
            "why": (t("workshop.col_why", lang), "text"),
        },
        lang=lang,
        note=None if len(frame) else t("workshop.budget_diff_none", lang),
    )


# ---------------------------------------------------------------------- priorities
def priorities_table(weights: pd.DataFrame, data: WorkshopData, question: str, *, lang: str):
    """Criterion weights (from :func:`quartiere.workshop.aggregate.priority_weights`).

    Examples
    --------
    >>> from quartiere import load_study
    >>> from quartiere.workshop import priority_weights
    >>> data = load_workshop(load_study("data/sample"))
    >>> w = priority_weights(data.store, data.workshop, "criteri")
    >>> priorities_table(w, data, "criteri", lang="en").to_frame().iloc[0, :2].tolist()
    ['Those with fewer services first', '33.2%']
    >>> data.store.close()
    """
    q = data.question(question)
    shown = weights.assign(
        label=[q.option(c).text(lang) for c in weights["criterion"]]
    ).sort_values("weight", ascending=False, kind="stable")
    return table(
        shown.reset_index(drop=True),
        caption=t("workshop.priorities_title", lang),
        columns={
            "label": (t("workshop.col_criterion", lang), "text"),
            "weight": (t("workshop.col_weight", lang), "pct1"),
            "estimate": (score_title(q, lang), "num0"),
            "criterion": (t("workshop.col_id", lang), "text"),
        },
        lang=lang,
        note=t("workshop.priorities_note", lang, question=q.label(lang)),
    )


# ---------------------------------------------------------------------- comments
def public_comments(data: WorkshopData, *, lang: str = "it") -> pd.DataFrame:
    """Approved comments only, pseudonymized, ready to publish (escape when rendering).

    Returns
    -------
    DataFrame
        ``comment`` (id), ``question``, ``text`` (names from the study's list, phone
        numbers, e-mails, addresses, codici fiscali and IBANs replaced by ``[Persona 1]``,
        ``[telefono 1]``...). No participant ids. ``.attrs["counts"]`` holds ``received``,
        ``approved``, ``rejected``, ``pending`` and ``replaced`` (placeholders inserted).

    Notes
    -----
    Strict moderation: pending and rejected comments never leave the database. Text is
    kept as typed (markup included); :func:`comments_table` and every report table escape
    it, so ``<script>`` shows as text. Pseudonymization: :class:`quartiere.privacy.Pseudonymizer`.

    Examples
    --------
    >>> from quartiere import load_study
    >>> data = load_workshop(load_study("data/sample"))
    >>> c = public_comments(data)
    >>> len(c), c.attrs["counts"]["pending"]
    (7, 1)
    >>> data.store.close()
    """
    from quartiere.privacy import Pseudonymizer

    allc = data.store.comments(data.workshop)
    status = allc["status"].value_counts()
    ok = allc[allc["status"] == "approved"].reset_index(drop=True)
    p = Pseudonymizer(list(data.names), lang=lang)  # type: ignore[arg-type]
    texts = [
        p.text(str(x), document=str(i)) for i, x in zip(ok["comment"], ok["text"], strict=True)
    ]
    out = pd.DataFrame({"comment": ok["comment"], "question": ok["question"], "text": texts})
    out.attrs["counts"] = {
        "received": int(len(allc)),
        "approved": int(status.get("approved", 0)),
        "rejected": int(status.get("rejected", 0)),
        "pending": int(status.get("pending", 0)),
        "replaced": int(p.report()["n_replaced"].sum()),
    }
    return out


def comments_table(frame: pd.DataFrame, *, lang: str) -> ReportTable:
    """:func:`public_comments` as a report table (text escaped), counts in the note."""
    counts = frame.attrs.get("counts", {})
    note = t(
        "workshop.comments_note",
        lang,
        **{
            k: format_int(counts.get(k, 0), lang)
            for k in ("approved", "received", "rejected", "pending", "replaced")
        },
    )
    return table(
        frame,
        caption=t("workshop.comments_title", lang),
        columns={"text": (t("workshop.col_comment", lang), "text")},
        lang=lang,
        note=note,
    )


# ---------------------------------------------------------------------- audit
def audit_summary(data: WorkshopData, *, lang: str = "it") -> pd.DataFrame:
    """The append-only audit log counted by kind of event.

    Returns
    -------
    DataFrame
        ``action`` (see :data:`AUDIT_EVENTS`), ``label`` (in ``lang``), ``n`` (entries),
        ``detail_n`` (ballots discarded for ``reset_question``, codes printed for
        ``issue_codes``, else NA). Events that never happened are left out.

    Examples
    --------
    >>> from quartiere import load_study
    >>> data = load_workshop(load_study("data/sample"))
    >>> a = audit_summary(data).set_index("action")
    >>> int(a.loc["paper_ballot", "n"]), int(a.loc["reset_question", "detail_n"])
    (24, 6)
    >>> data.store.close()
    """
    log = data.store.audit_log(data.workshop)
    counts = log["action"].value_counts()
    rows = []
    for action in AUDIT_EVENTS:
        n = int(counts.get(action, 0))
        if not n:
            continue
        detail = pd.NA
        if action in ("reset_question", "issue_codes"):
            key = "discarded_ballots" if action == "reset_question" else "n"
            vals = [json.loads(d).get(key, 0) for d in log.loc[log["action"] == action, "detail"]]
            detail = int(sum(int(v) for v in vals))
        rows.append(
            {
                "action": action,
                "label": t(f"workshop.ev_{action}", lang),
                "n": n,
                "detail_n": detail,
            }
        )
    out = pd.DataFrame(rows, columns=["action", "label", "n", "detail_n"])
    out["detail_n"] = out["detail_n"].astype("Int64")
    return out


def audit_table(frame: pd.DataFrame, *, lang: str) -> ReportTable:
    """:func:`audit_summary` as a report table."""
    return table(
        frame,
        caption=t("workshop.audit_title", lang),
        columns={
            "label": (t("workshop.col_event", lang), "text"),
            "n": (t("workshop.col_n", lang), "int"),
        },
        lang=lang,
        note=t("workshop.audit_note", lang),
    )


def resets(data: WorkshopData, *, lang: str = "it") -> pd.DataFrame:
    """Every question reset: when, which round was discarded, how many ballots, why.

    Returns
    -------
    DataFrame
        ``question``, ``text`` (in ``lang``), ``at`` (ISO time, UTC), ``round`` (the round
        discarded), ``discarded_ballots``, ``reason`` (as typed by the facilitator: escape
        when showing).

    Examples
    --------
    >>> from quartiere import load_study
    >>> data = load_workshop(load_study("data/sample"))
    >>> resets(data)[["question", "round", "discarded_ballots"]].values.tolist()
    [['orari', 1, 6]]
    >>> data.store.close()
    """
    log = data.store.audit_log(data.workshop)
    log = log[log["action"] == "reset_question"]
    rows = []
    for r in log.itertuples():
        d = json.loads(r.detail or "{}")
        rows.append(
            {
                "question": r.question,
                "text": data.question(r.question).label(lang),
                "at": r.at,
                "round": int(d.get("round", 0)),
                "discarded_ballots": int(d.get("discarded_ballots", 0)),
                "reason": str(d.get("reason", "")),
            }
        )
    cols = ["question", "text", "at", "round", "discarded_ballots", "reason"]
    return pd.DataFrame(rows, columns=cols)


def resets_table(frame: pd.DataFrame, *, lang: str) -> ReportTable:
    """:func:`resets` as a report table (time to the minute, reason escaped)."""
    shown = frame.assign(when=frame["at"].astype(str).str.slice(0, 16).str.replace("T", " "))
    return table(
        shown,
        caption=t("workshop.resets_title", lang),
        columns={
            "text": (t("workshop.col_question", lang), "text"),
            "when": (t("workshop.col_when", lang), "text"),
            "round": (t("workshop.col_round", lang), "int"),
            "discarded_ballots": (t("workshop.col_discarded", lang), "int"),
            "reason": (t("workshop.col_reason", lang), "text"),
        },
        lang=lang,
        note=None if len(frame) else t("workshop.resets_none", lang),
    )
