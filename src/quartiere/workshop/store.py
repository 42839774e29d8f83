"""SQLite store of a workshop: one committed transaction per vote, safe across processes.

Each Voila kernel (one per phone) and the facilitator's kernel open their own
:class:`WorkshopStore` on the same file. SQLite in WAL mode lets readers run while one writer
commits; ``BEGIN IMMEDIATE`` plus a busy timeout serialises writers, so concurrent votes queue
for a few milliseconds instead of failing. ``synchronous=FULL`` makes each commit durable before
the call returns: a kernel killed right after :meth:`WorkshopStore.cast` loses nothing.

Tables: ``workshops``, ``questions``, ``options``, ``participants`` (only a salted SHA-256 of
the join code is kept), ``ballots`` (one row per participant, question and round; a changed
answer updates the row), ``comments`` (with moderation status) and ``audit`` (append-only,
enforced by triggers).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import secrets
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from quartiere.errors import ParameterError, WorkshopError
from quartiere.workshop.agenda import Agenda, Question, parse_agenda
from quartiere.workshop.ballots import validate_ballot

__all__ = ["CODE_ALPHABET", "SCHEMA_VERSION", "WorkshopStore"]

SCHEMA_VERSION = 1
#: Join-code alphabet: no 0/O, 1/I/L, 5/S or 8/B, which people misread on a printed card.
CODE_ALPHABET = "234679ACDEFGHJKMNPQRTUVWXYZ"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS workshops (
    workshop TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    agenda TEXT NOT NULL,
    salt TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS questions (
    workshop TEXT NOT NULL REFERENCES workshops(workshop),
    question TEXT NOT NULL,
    position INTEGER NOT NULL,
    type TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'open', 'closed')),
    results_visible INTEGER NOT NULL DEFAULT 0,
    round INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (workshop, question)
);
CREATE TABLE IF NOT EXISTS options (
    workshop TEXT NOT NULL,
    question TEXT NOT NULL,
    option TEXT NOT NULL,
    position INTEGER NOT NULL,
    label TEXT NOT NULL,
    cost REAL,
    district TEXT,
    PRIMARY KEY (workshop, question, option),
    FOREIGN KEY (workshop, question) REFERENCES questions(workshop, question)
);
CREATE TABLE IF NOT EXISTS participants (
    participant INTEGER PRIMARY KEY AUTOINCREMENT,
    workshop TEXT NOT NULL REFERENCES workshops(workshop),
    code_hash TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('card', 'kiosk')),
    created_at TEXT NOT NULL,
    joined_at TEXT,
    UNIQUE (workshop, code_hash)
);
CREATE TABLE IF NOT EXISTS ballots (
    ballot INTEGER PRIMARY KEY AUTOINCREMENT,
    workshop TEXT NOT NULL,
    question TEXT NOT NULL,
    round INTEGER NOT NULL,
    participant INTEGER REFERENCES participants(participant),
    source TEXT NOT NULL CHECK (source IN ('device', 'paper')),
    payload TEXT NOT NULL,
    revision INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (workshop, question, round, participant),
    FOREIGN KEY (workshop, question) REFERENCES questions(workshop, question)
);
CREATE TABLE IF NOT EXISTS comments (
    comment INTEGER PRIMARY KEY AUTOINCREMENT,
    workshop TEXT NOT NULL REFERENCES workshops(workshop),
    question TEXT,
    participant INTEGER REFERENCES participants(participant),
    text TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    created_at TEXT NOT NULL,
    moderated_at TEXT
);
CREATE TABLE IF NOT EXISTS audit (
    entry INTEGER PRIMARY KEY AUTOINCREMENT,
    workshop TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    question TEXT,
    participant INTEGER,
    detail TEXT
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE INDEX IF NOT EXISTS ballots_by_question ON ballots (workshop, question, round);
CREATE INDEX IF NOT EXISTS comments_by_status ON comments (workshop, status);
"""


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="microseconds")


def _hash(salt: str, code: str) -> str:
    norm = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(f"{salt}:{norm}".encode()).hexdigest()


def _demo_store() -> WorkshopStore:
    """A throwaway store for the docstring examples (temporary file, not durable).

    Workshop ``w`` with a single-choice question ``q`` (options ``a``, ``b``) and a comment
    question ``talk``; every question is a draft and nobody has joined yet.
    """
    import tempfile

    agenda = parse_agenda(
        {
            "id": "w",
            "title": "Demo",
            "questions": [
                {
                    "id": "q",
                    "type": "single",
                    "text": "?",
                    "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}],
                },
                {"id": "talk", "type": "comment", "text": "?"},
            ],
        }
    )
    store = WorkshopStore(Path(tempfile.mkdtemp()) / "demo.sqlite", durable=False)
    store.create_workshop(agenda, salt="demo")
    return store


class WorkshopStore:
    """A workshop database (SQLite file) shared by every kernel of a session.

    Parameters
    ----------
    path : path-like
        The SQLite file; created with its schema if absent.
    timeout : float, default 30
        Seconds a writer waits for another writer's lock before giving up (busy timeout).
    durable : bool, default True
        ``synchronous=FULL``: each vote is on disk when :meth:`cast` returns. ``False`` uses
        ``NORMAL`` (still safe against a killed process, not against a power cut).
    clock : callable, optional
        Returns the ISO timestamp written in rows (default: UTC now). For reproducible
        sample data only.
    readonly : bool, default False
        Open a finished session for reading (reports): nothing, not even the journal mode,
        is changed in the file; every write raises WorkshopError.

    Raises
    ------
    WorkshopError
        If the file is not a workshop database or cannot be opened.

    Notes
    -----
    One connection per store object; create one store per process (or per thread). Every
    write is one ``BEGIN IMMEDIATE ... COMMIT`` transaction that also appends its audit row,
    so the audit log and the data never disagree.

    Examples
    --------
    >>> import tempfile, os
    >>> from quartiere.workshop.agenda import parse_agenda
    >>> agenda = parse_agenda({"id": "w", "title": "T", "questions": [{"id": "q",
    ...     "type": "single", "text": "?", "options": [{"id": "a", "label": "A"},
    ...     {"id": "b", "label": "B"}]}]})
    >>> store = WorkshopStore(os.path.join(tempfile.mkdtemp(), "w.sqlite"))
    >>> store.create_workshop(agenda)
    'w'
    >>> code = store.issue_codes("w", 1, seed=1)[0]
    >>> p = store.join("w", code)
    >>> store.open_question("w", "q")
    >>> store.cast("w", "q", p, "a")
    {'a': 1}
    >>> store.ballots("w", "q")[["participant", "option", "value"]].to_dict("records")
    [{'participant': 1, 'option': 'a', 'value': 1}]
    >>> store.close()
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        timeout: float = 30.0,
        durable: bool = True,
        clock: Callable[[], str] | None = None,
        readonly: bool = False,
    ) -> None:
        self.path = Path(path)
        self._now: Callable[[], str] = clock or _now
        self._agendas: dict[str, Agenda] = {}
        self.readonly = readonly
        if readonly:
            if not self.path.is_file():
                raise WorkshopError("workshop database not found; check the path", path=self.path)
            try:
                uri = self.path.resolve().as_uri() + "?mode=ro"
                self._con = sqlite3.connect(
                    uri, uri=True, timeout=timeout, isolation_level=None, check_same_thread=False
                )
                self._con.execute("SELECT value FROM meta WHERE key = 'schema_version'")
            except sqlite3.DatabaseError as exc:
                raise WorkshopError(
                    f"not a workshop database ({exc}); check the path", path=self.path
                ) from None
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._con = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
            self._con.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            mode = self._con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise WorkshopError(
                    "SQLite refused WAL mode (network drive?); put the database on a local disk",
                    path=self.path,
                )
            self._con.execute(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")
            self._con.execute("PRAGMA foreign_keys = ON")
            self._con.executescript(_SCHEMA)
            self._con.execute(
                "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,)
            )
        except sqlite3.DatabaseError as exc:
            raise WorkshopError(
                f"cannot open the workshop database ({exc}); check the --db path", path=self.path
            ) from None

    # ------------------------------------------------------------------ plumbing
    def close(self) -> None:
        """Close the connection (committed votes are already on disk).

        Examples
        --------
        >>> s = _demo_store()
        >>> s.close()
        """
        self._con.close()

    def __enter__(self) -> WorkshopStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"WorkshopStore({str(self.path)!r})"

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        if self.readonly:
            raise WorkshopError("the workshop database was opened read-only", path=self.path)
        con = self._con
        con.execute("BEGIN IMMEDIATE")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        else:
            con.execute("COMMIT")

    def _audit(
        self,
        con: sqlite3.Connection,
        workshop: str,
        actor: str,
        action: str,
        *,
        question: str | None = None,
        participant: int | None = None,
        detail: Any = None,
    ) -> None:
        con.execute(
            "INSERT INTO audit (workshop, at, actor, action, question, participant, detail) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                workshop,
                self._now(),
                actor,
                action,
                question,
                participant,
                None if detail is None else json.dumps(detail, ensure_ascii=False, sort_keys=True),
            ),
        )

    # ------------------------------------------------------------------ workshops
    def create_workshop(self, agenda: Agenda, *, salt: str | None = None) -> str:
        """Install an agenda as a new workshop (questions start as drafts, results hidden).

        Parameters
        ----------
        agenda : Agenda
            A validated agenda; its ``id`` becomes the workshop id.
        salt : str, optional
            Salt of the join-code hashes (default: 128 random bits). Reproducible samples only.

        Returns
        -------
        str
            The workshop id.

        Raises
        ------
        WorkshopError
            If a workshop with that id exists with a different agenda.

        Examples
        --------
        >>> s = _demo_store()
        >>> s.create_workshop(s.agenda("w"))  # the same agenda again: reused
        'w'
        >>> s.close()
        """
        text = json.dumps(agenda.to_dict(), ensure_ascii=False, sort_keys=True)
        with self._tx() as con:
            row = con.execute(
                "SELECT agenda FROM workshops WHERE workshop = ?", (agenda.id,)
            ).fetchone()
            if row is not None:
                if row[0] != text:
                    raise WorkshopError(
                        f"workshop {agenda.id!r} already exists with another agenda; "
                        "give the new agenda another id",
                        path=self.path,
                    )
                return agenda.id
            con.execute(
                "INSERT INTO workshops VALUES (?, ?, ?, ?, ?)",
                (
                    agenda.id,
                    agenda.title_text("it"),
                    text,
                    salt or secrets.token_hex(16),
                    self._now(),
                ),
            )
            for i, q in enumerate(agenda.questions):
                con.execute(
                    "INSERT INTO questions (workshop, question, position, type) VALUES (?,?,?,?)",
                    (agenda.id, q.id, i, q.type),
                )
                for j, o in enumerate(q.options):
                    con.execute(
                        "INSERT INTO options VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (agenda.id, q.id, o.id, j, o.text("it"), o.cost, o.district),
                    )
            self._audit(con, agenda.id, "facilitator", "create_workshop", detail=agenda.id)
        self._agendas[agenda.id] = agenda
        return agenda.id

    def agenda(self, workshop: str) -> Agenda:
        """Return the stored agenda of a workshop.

        Parameters
        ----------
        workshop : str
            Workshop id.

        Returns
        -------
        Agenda
            As installed by :meth:`create_workshop` (cached per store).

        Raises
        ------
        WorkshopError
            No such workshop in the file (the message lists those it holds).

        Examples
        --------
        >>> s = _demo_store()
        >>> s.agenda("w").question("q").option_ids
        ('a', 'b')
        >>> s.close()
        """
        if workshop not in self._agendas:
            row = self._con.execute(
                "SELECT agenda FROM workshops WHERE workshop = ?", (workshop,)
            ).fetchone()
            if row is None:
                known = ", ".join(self.workshops()["workshop"]) or "none"
                raise WorkshopError(
                    f"no workshop {workshop!r} in this database (known: {known})",
                    path=self.path,
                    parameter="workshop",
                )
            self._agendas[workshop] = parse_agenda(json.loads(row[0]))
        return self._agendas[workshop]

    def workshops(self) -> pd.DataFrame:
        """Workshops in the file, oldest first.

        Returns
        -------
        pandas.DataFrame
            ``workshop`` (id), ``title`` (Italian title), ``created_at`` (ISO time, UTC).

        Examples
        --------
        >>> s = _demo_store()
        >>> s.workshops()["workshop"].tolist()
        ['w']
        >>> s.close()
        """
        return pd.read_sql_query(
            "SELECT workshop, title, created_at FROM workshops ORDER BY created_at", self._con
        )

    def _question(self, workshop: str, question: str) -> Question:
        try:
            return self.agenda(workshop).question(question)
        except WorkshopError:
            raise
        except Exception as exc:  # SchemaError from Agenda.question
            raise WorkshopError(str(exc), parameter="question") from None

    # ------------------------------------------------------------------ participants
    def _salt(self, workshop: str) -> str:
        row = self._con.execute(
            "SELECT salt FROM workshops WHERE workshop = ?", (workshop,)
        ).fetchone()
        if row is None:
            self.agenda(workshop)  # raises a helpful error
        return row[0]

    def issue_codes(
        self, workshop: str, n: int, *, length: int = 8, seed: int | None = None
    ) -> list[str]:
        """Create ``n`` join codes for printed cards; only their salted hashes are stored.

        Parameters
        ----------
        workshop : str
        n : int
            How many codes.
        length : int, default 8
            Characters per code (shown as two groups, e.g. ``K7QM-2PXA``); 8 characters of a
            27-letter alphabet give about 38 bits.
        seed : int, optional
            Reproducible codes (sample data, tests). Leave ``None`` for a real workshop.

        Returns
        -------
        list of str
            The codes, in the order created. They cannot be recovered later: print them now.

        Raises
        ------
        ParameterError
            ``n`` below 1 or ``length`` below 4.
        WorkshopError
            Unknown workshop.

        Examples
        --------
        >>> s = _demo_store()
        >>> codes = s.issue_codes("w", 2, seed=7)
        >>> len(codes), len(codes[0]), codes[0][4]
        (2, 9, '-')
        >>> s.close()
        """
        if n < 1 or length < 4:
            raise ParameterError("n must be >= 1 and length >= 4", parameter="n")
        salt = self._salt(workshop)
        import random

        rng = random.Random(seed) if seed is not None else secrets.SystemRandom()
        codes: list[str] = []
        with self._tx() as con:
            while len(codes) < n:
                raw = "".join(rng.choice(CODE_ALPHABET) for _ in range(length))
                code = raw[: length // 2] + "-" + raw[length // 2 :]
                try:
                    con.execute(
                        "INSERT INTO participants (workshop, code_hash, kind, created_at) "
                        "VALUES (?, ?, 'card', ?)",
                        (workshop, _hash(salt, code), self._now()),
                    )
                except sqlite3.IntegrityError:
                    continue  # same code twice: draw again
                codes.append(code)
            self._audit(con, workshop, "facilitator", "issue_codes", detail={"n": n})
        return codes

    def join(self, workshop: str, code: str) -> int:
        """Return the participant id of the card ``code`` (case and dashes ignored).

        Joining again with the same code (a phone that slept, a reloaded page) returns the
        same participant, so earlier answers are found again.

        Parameters
        ----------
        workshop : str
        code : str
            As printed on the card (``K7QM-2PXA``; ``k7qm2pxa`` works too).

        Returns
        -------
        int
            The participant id.

        Raises
        ------
        WorkshopError
            If the code was not issued for this workshop.

        Examples
        --------
        >>> s = _demo_store()
        >>> code = s.issue_codes("w", 1, seed=1)[0]
        >>> s.join("w", code) == s.join("w", code.lower().replace("-", ""))
        True
        >>> s.close()
        """
        salt = self._salt(workshop)
        row = self._con.execute(
            "SELECT participant, joined_at FROM participants WHERE workshop = ? AND code_hash = ?",
            (workshop, _hash(salt, str(code or ""))),
        ).fetchone()
        if row is None:
            raise WorkshopError(
                "unknown code: check the code on your card (letters and digits)",
                parameter="code",
            )
        if row[1] is None:
            with self._tx() as con:
                con.execute(
                    "UPDATE participants SET joined_at = ? WHERE participant = ?",
                    (self._now(), row[0]),
                )
                self._audit(con, workshop, "participant", "join", participant=row[0])
        return int(row[0])

    def new_participant(self, workshop: str) -> int:
        """Create an anonymous kiosk participant (the "next participant" step).

        Parameters
        ----------
        workshop : str

        Returns
        -------
        int
            The new participant id (no code: the turn ends when the next one starts).

        Examples
        --------
        >>> s = _demo_store()
        >>> s.new_participant("w"), s.new_participant("w")
        (1, 2)
        >>> s.close()
        """
        self._salt(workshop)
        with self._tx() as con:
            cur = con.execute(
                "INSERT INTO participants (workshop, code_hash, kind, created_at, joined_at) "
                "VALUES (?, NULL, 'kiosk', ?, ?)",
                (workshop, self._now(), self._now()),
            )
            pid = int(cur.lastrowid)
            self._audit(con, workshop, "participant", "kiosk_start", participant=pid)
        return pid

    # ------------------------------------------------------------------ question state
    def question_states(self, workshop: str) -> pd.DataFrame:
        """State of every question of a workshop, in agenda order.

        Parameters
        ----------
        workshop : str

        Returns
        -------
        pandas.DataFrame
            ``question``, ``position`` (0-based), ``type``, ``state`` (draft/open/closed),
            ``results_visible`` (bool), ``round`` (1, or more after a reset).

        Examples
        --------
        >>> s = _demo_store()
        >>> s.open_question("w", "q")
        >>> s.question_states("w")[["question", "state"]].values.tolist()
        [['q', 'open'], ['talk', 'draft']]
        >>> s.close()
        """
        self.agenda(workshop)
        frame = pd.read_sql_query(
            "SELECT question, position, type, state, results_visible, round FROM questions "
            "WHERE workshop = ? ORDER BY position",
            self._con,
            params=(workshop,),
        )
        frame["results_visible"] = frame["results_visible"].astype(bool)
        return frame

    def question_state(self, workshop: str, question: str) -> dict[str, Any]:
        """State of one question.

        Parameters
        ----------
        workshop, question : str

        Returns
        -------
        dict
            ``{"state": "draft"|"open"|"closed", "results_visible": bool, "round": int}``.

        Raises
        ------
        WorkshopError
            Unknown workshop or question.

        Examples
        --------
        >>> s = _demo_store()
        >>> s.question_state("w", "q")
        {'state': 'draft', 'results_visible': False, 'round': 1}
        >>> s.close()
        """
        self._question(workshop, question)
        row = self._con.execute(
            "SELECT state, results_visible, round FROM questions WHERE workshop=? AND question=?",
            (workshop, question),
        ).fetchone()
        return {"state": row[0], "results_visible": bool(row[1]), "round": int(row[2])}

    def _set(self, workshop: str, question: str, column: str, value: Any, action: str) -> None:
        self._question(workshop, question)
        with self._tx() as con:
            con.execute(
                f"UPDATE questions SET {column} = ? WHERE workshop = ? AND question = ?",
                (value, workshop, question),
            )
            self._audit(con, workshop, "facilitator", action, question=question)

    def open_question(self, workshop: str, question: str) -> None:
        """Open a question for answers (an audit entry records it).

        Parameters
        ----------
        workshop, question : str

        Raises
        ------
        WorkshopError
            Unknown question, or the store is read-only.

        Examples
        --------
        >>> s = _demo_store()
        >>> s.open_question("w", "q")
        >>> s.question_state("w", "q")["state"]
        'open'
        >>> s.close()
        """
        self._set(workshop, question, "state", "open", "open_question")

    def close_question(self, workshop: str, question: str) -> None:
        """Close a question: answers can no longer be sent or changed.

        Parameters
        ----------
        workshop, question : str

        Raises
        ------
        WorkshopError
            Unknown question, or the store is read-only.

        Examples
        --------
        >>> s = _demo_store()
        >>> s.open_question("w", "q"); s.close_question("w", "q")
        >>> s.cast("w", "q", s.new_participant("w"), "a")
        Traceback (most recent call last):
        ...
        quartiere.errors.WorkshopError: parameter 'question': question 'q' is closed; answers are not accepted
        >>> s.close()
        """
        self._set(workshop, question, "state", "closed", "close_question")

    def set_results_visible(self, workshop: str, question: str, visible: bool) -> None:
        """Reveal (``True``) or hide the live results of a question.

        Hide them while people vote to avoid bandwagon effects; the projector and the
        participants' board show only revealed results.

        Parameters
        ----------
        workshop, question : str
        visible : bool

        Examples
        --------
        >>> s = _demo_store()
        >>> s.set_results_visible("w", "q", True)
        >>> s.question_state("w", "q")["results_visible"]
        True
        >>> s.close()
        """
        self._set(
            workshop,
            question,
            "results_visible",
            int(bool(visible)),
            "reveal_results" if visible else "hide_results",
        )

    def reset_question(self, workshop: str, question: str, *, reason: str) -> int:
        """Start a new round of a question: earlier ballots stay in the file but stop counting.

        Parameters
        ----------
        workshop, question : str
        reason : str
            Why (recorded in the audit log with the number of ballots discarded; required).

        Returns
        -------
        int
            The new round number. The question goes back to draft with results hidden.

        Raises
        ------
        WorkshopError
            Empty reason, unknown question, or the store is read-only.

        Examples
        --------
        >>> s = _demo_store()
        >>> s.open_question("w", "q")
        >>> _ = s.cast("w", "q", s.new_participant("w"), "a")
        >>> s.reset_question("w", "q", reason="opened too early")
        2
        >>> len(s.ballots("w", "q")), len(s.ballots("w", "q", all_rounds=True))
        (0, 1)
        >>> s.close()
        """
        if not str(reason or "").strip():
            raise WorkshopError(
                "give a reason for the reset (it goes in the audit log)", parameter="reason"
            )
        self._question(workshop, question)
        with self._tx() as con:
            rnd = con.execute(
                "SELECT round FROM questions WHERE workshop=? AND question=?", (workshop, question)
            ).fetchone()[0]
            n = con.execute(
                "SELECT COUNT(*) FROM ballots WHERE workshop=? AND question=? AND round=?",
                (workshop, question, rnd),
            ).fetchone()[0]
            con.execute(
                "UPDATE questions SET round = round + 1, state = 'draft', results_visible = 0 "
                "WHERE workshop = ? AND question = ?",
                (workshop, question),
            )
            self._audit(
                con,
                workshop,
                "facilitator",
                "reset_question",
                question=question,
                detail={"reason": str(reason).strip(), "discarded_ballots": n, "round": rnd},
            )
        return int(rnd) + 1

    # ------------------------------------------------------------------ voting
    def cast(
        self,
        workshop: str,
        question: str,
        participant: int | None,
        value: Any,
        *,
        source: Literal["device", "paper"] = "device",
    ) -> dict[str, int] | str:
        """Validate and commit one answer (a new one, or a change while the question is open).

        Parameters
        ----------
        workshop, question : str
        participant : int or None
            From :meth:`join` or :meth:`new_participant`; ``None`` only for paper ballots.
        value : object
            The answer, as :func:`quartiere.workshop.ballots.validate_ballot` takes it. For a
            comment question the text goes to the moderation queue.
        source : {"device", "paper"}
            Paper ballots are typed in by the facilitator and counted separately in the audit.

        Returns
        -------
        dict or str
            The canonical answer that was committed.

        Raises
        ------
        WorkshopError
            Question not open, unknown participant, or the answer breaks the question's rules.

        Examples
        --------
        >>> s = _demo_store()
        >>> s.open_question("w", "q")
        >>> p = s.new_participant("w")
        >>> s.cast("w", "q", p, "a"), s.cast("w", "q", p, "b")  # changed before closing
        ({'a': 1}, {'b': 1})
        >>> s.cast("w", "q", None, "a", source="paper")
        {'a': 1}
        >>> s.ballots("w", "q")[["source", "option"]].values.tolist()
        [['device', 'b'], ['paper', 'a']]
        >>> s.close()
        """
        q = self._question(workshop, question)
        canonical = validate_ballot(q, value)
        if q.type == "comment":
            self.add_comment(
                workshop, participant, str(canonical), question=question, _require_open=True
            )
            return canonical
        if source == "paper":
            participant = None
        elif participant is None:
            raise WorkshopError(
                "join with your card code before answering", parameter="participant"
            )
        payload = json.dumps(canonical, sort_keys=True)
        now = self._now()
        with self._tx() as con:
            row = con.execute(
                "SELECT state, round FROM questions WHERE workshop=? AND question=?",
                (workshop, question),
            ).fetchone()
            if row[0] != "open":
                raise WorkshopError(
                    f"question {question!r} is {'closed' if row[0] == 'closed' else 'not open yet'}"
                    "; answers are not accepted",
                    parameter="question",
                )
            rnd = int(row[1])
            if participant is not None:
                ok = con.execute(
                    "SELECT 1 FROM participants WHERE participant=? AND workshop=?",
                    (int(participant), workshop),
                ).fetchone()
                if ok is None:
                    raise WorkshopError(
                        "unknown participant; join again with your card code",
                        parameter="participant",
                    )
                cur = con.execute(
                    "INSERT INTO ballots (workshop, question, round, participant, source, payload,"
                    " created_at, updated_at) VALUES (?, ?, ?, ?, 'device', ?, ?, ?) "
                    "ON CONFLICT (workshop, question, round, participant) DO UPDATE SET "
                    "payload = excluded.payload, updated_at = excluded.updated_at, "
                    "revision = ballots.revision + 1 RETURNING revision",
                    (workshop, question, rnd, int(participant), payload, now, now),
                )
                revision = cur.fetchone()[0]
                action = "vote" if revision == 1 else "change_vote"
            else:
                con.execute(
                    "INSERT INTO ballots (workshop, question, round, participant, source, payload,"
                    " created_at, updated_at) VALUES (?, ?, ?, NULL, 'paper', ?, ?, ?)",
                    (workshop, question, rnd, payload, now, now),
                )
                action = "paper_ballot"
            self._audit(
                con,
                workshop,
                "facilitator" if source == "paper" else "participant",
                action,
                question=question,
                participant=participant,
                detail=canonical,
            )
        return canonical

    def answer(self, workshop: str, question: str, participant: int) -> dict[str, int] | None:
        """The participant's current answer in the current round.

        Parameters
        ----------
        workshop, question : str
        participant : int

        Returns
        -------
        dict or None
            The canonical answer (``{option: value}``), or ``None`` if none yet.

        Examples
        --------
        >>> s = _demo_store()
        >>> s.open_question("w", "q")
        >>> p = s.new_participant("w")
        >>> s.answer("w", "q", p) is None
        True
        >>> _ = s.cast("w", "q", p, "b")
        >>> s.answer("w", "q", p)
        {'b': 1}
        >>> s.close()
        """
        rnd = self.question_state(workshop, question)["round"]
        row = self._con.execute(
            "SELECT payload FROM ballots WHERE workshop=? AND question=? AND round=? "
            "AND participant=?",
            (workshop, question, rnd, int(participant)),
        ).fetchone()
        return None if row is None else json.loads(row[0])

    def ballots(
        self, workshop: str, question: str | None = None, *, all_rounds: bool = False
    ) -> pd.DataFrame:
        """Ballots in long form, one row per ballot and option with a non-empty value.

        Parameters
        ----------
        workshop : str
        question : str, optional
            One question (default: all).
        all_rounds : bool, default False
            Include ballots of rounds discarded by :meth:`reset_question`.

        Returns
        -------
        pandas.DataFrame
            ``ballot`` (int), ``question``, ``round``, ``participant`` (Int64, NA for paper),
            ``source`` ("device"/"paper"), ``option``, ``value`` (int), ``updated_at``.
            Only the current round of each question unless ``all_rounds``.

        Examples
        --------
        >>> s = _demo_store()
        >>> s.open_question("w", "q")
        >>> _ = s.cast("w", "q", s.new_participant("w"), "a")
        >>> s.ballots("w")[["ballot", "question", "participant", "option", "value"]].values.tolist()
        [[1, 'q', 1, 'a', 1]]
        >>> s.close()
        """
        self.agenda(workshop)
        sql = (
            "SELECT b.ballot, b.question, b.round, b.participant, b.source, b.payload, "
            "b.updated_at FROM ballots b JOIN questions q ON q.workshop = b.workshop "
            "AND q.question = b.question WHERE b.workshop = ?"
        )
        params: list[Any] = [workshop]
        if question is not None:
            self._question(workshop, question)
            sql += " AND b.question = ?"
            params.append(question)
        if not all_rounds:
            sql += " AND b.round = q.round"
        sql += " ORDER BY b.ballot"
        rows = self._con.execute(sql, params).fetchall()
        records = [
            (b, qn, r, p, s, opt, int(v), u)
            for b, qn, r, p, s, payload, u in rows
            for opt, v in json.loads(payload).items()
        ]
        frame = pd.DataFrame.from_records(
            records,
            columns=[
                "ballot",
                "question",
                "round",
                "participant",
                "source",
                "option",
                "value",
                "updated_at",
            ],
        )
        frame["participant"] = frame["participant"].astype("Int64")
        for col in ("ballot", "round", "value"):
            frame[col] = frame[col].astype("int64")
        return frame

    # ------------------------------------------------------------------ comments
    def add_comment(
        self,
        workshop: str,
        participant: int | None,
        text: str,
        *,
        question: str | None = None,
        _require_open: bool = False,
    ) -> int:
        """Queue a comment for moderation. The text is stored as typed (escape it to show it).

        Parameters
        ----------
        workshop : str
        participant : int or None
            Who wrote it (``None``: typed in by the facilitator).
        text : str
            1 to 10,000 characters after trimming.
        question : str, optional
            The question it answers (a comment question), if any.

        Returns
        -------
        int
            The comment id; its status is ``"pending"`` until :meth:`moderate`.

        Raises
        ------
        WorkshopError
            Empty or too long text, unknown workshop, read-only store.

        Examples
        --------
        >>> s = _demo_store()
        >>> s.add_comment("w", s.new_participant("w"), "  Più autobus la sera  ")
        1
        >>> s.comments("w")[["text", "status"]].values.tolist()
        [['Più autobus la sera', 'pending']]
        >>> s.close()
        """
        self.agenda(workshop)
        text = str(text or "").strip()
        if not text:
            raise WorkshopError("the comment is empty", parameter="text")
        if len(text) > 10000:
            raise WorkshopError("the comment is longer than 10000 characters", parameter="text")
        with self._tx() as con:
            if question is not None and _require_open:
                state = con.execute(
                    "SELECT state FROM questions WHERE workshop=? AND question=?",
                    (workshop, question),
                ).fetchone()[0]
                if state != "open":
                    raise WorkshopError(f"question {question!r} is not open", parameter="question")
            cur = con.execute(
                "INSERT INTO comments (workshop, question, participant, text, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (workshop, question, participant, text, self._now()),
            )
            cid = int(cur.lastrowid)
            self._audit(
                con,
                workshop,
                "participant",
                "comment",
                question=question,
                participant=participant,
                detail={"comment": cid},
            )
        return cid

    def moderate(
        self, workshop: str, comment: int, status: Literal["approved", "rejected", "pending"]
    ) -> None:
        """Approve or reject a comment (strict moderation: only approved comments are shown).

        Parameters
        ----------
        workshop : str
        comment : int
            From :meth:`add_comment`.
        status : {"approved", "rejected", "pending"}

        Raises
        ------
        ParameterError
            Unknown status.
        WorkshopError
            No such comment.

        Examples
        --------
        >>> s = _demo_store()
        >>> c = s.add_comment("w", None, "Grazie")
        >>> s.moderate("w", c, "approved")
        >>> s.comments("w", status="approved")["text"].tolist()
        ['Grazie']
        >>> s.close()
        """
        if status not in ("approved", "rejected", "pending"):
            raise ParameterError(
                "status must be 'approved', 'rejected' or 'pending'", parameter="status"
            )
        with self._tx() as con:
            cur = con.execute(
                "UPDATE comments SET status = ?, moderated_at = ? WHERE workshop=? AND comment=?",
                (status, self._now(), workshop, int(comment)),
            )
            if cur.rowcount == 0:
                raise WorkshopError(
                    f"no comment {comment} in workshop {workshop!r}", parameter="comment"
                )
            self._audit(
                con, workshop, "facilitator", f"comment_{status}", detail={"comment": int(comment)}
            )

    def comments(self, workshop: str, *, status: str | Sequence[str] | None = None) -> pd.DataFrame:
        """Comments of a workshop, oldest first.

        Parameters
        ----------
        workshop : str
        status : str or sequence of str, optional
            Keep only these statuses (``"approved"`` for anything shown to people).

        Returns
        -------
        pandas.DataFrame
            ``comment``, ``question``, ``participant`` (Int64), ``text`` (raw: escape before
            showing), ``status``, ``created_at``, ``moderated_at`` (None while pending).

        Examples
        --------
        >>> s = _demo_store()
        >>> _ = s.add_comment("w", None, "<b>ciao</b>")
        >>> s.comments("w", status=["pending"])["text"].tolist()
        ['<b>ciao</b>']
        >>> s.close()
        """
        self.agenda(workshop)
        sql = (
            "SELECT comment, question, participant, text, status, created_at, moderated_at "
            "FROM comments WHERE workshop = ?"
        )
        params: list[Any] = [workshop]
        if status is not None:
            statuses = [status] if isinstance(status, str) else list(status)
            sql += f" AND status IN ({','.join('?' * len(statuses))})"
            params += statuses
        frame = pd.read_sql_query(sql + " ORDER BY comment", self._con, params=params)
        frame["participant"] = frame["participant"].astype("Int64")
        return frame

    # ------------------------------------------------------------------ audit and counts
    def audit_log(self, workshop: str | None = None) -> pd.DataFrame:
        """The append-only audit log (triggers refuse updates and deletes).

        Parameters
        ----------
        workshop : str, optional
            One workshop (default: every workshop in the file).

        Returns
        -------
        pandas.DataFrame
            ``entry``, ``workshop``, ``at`` (ISO time, UTC), ``actor`` (facilitator or
            participant), ``action`` (``vote``, ``change_vote``, ``paper_ballot``,
            ``reset_question``, ``comment_approved``...), ``question``, ``participant``
            (Int64), ``detail`` (JSON text).

        Examples
        --------
        >>> s = _demo_store()
        >>> s.open_question("w", "q")
        >>> s.audit_log("w")["action"].tolist()
        ['create_workshop', 'open_question']
        >>> s.close()
        """
        sql = "SELECT * FROM audit"
        params: tuple[Any, ...] = ()
        if workshop is not None:
            sql += " WHERE workshop = ?"
            params = (workshop,)
        frame = pd.read_sql_query(sql + " ORDER BY entry", self._con, params=params)
        frame["participant"] = frame["participant"].astype("Int64")
        return frame

    def participation(self, workshop: str) -> pd.DataFrame:
        """Answers per question in the current round.

        Parameters
        ----------
        workshop : str

        Returns
        -------
        pandas.DataFrame
            ``question``, ``n`` (ballots counted), ``n_device``, ``n_paper``, ``n_comments``
            (comments of any status attached to the question).

        Examples
        --------
        >>> s = _demo_store()
        >>> s.open_question("w", "q")
        >>> _ = s.cast("w", "q", None, "a", source="paper")
        >>> s.participation("w").iloc[0].to_dict()
        {'question': 'q', 'n': 1, 'n_device': 0, 'n_paper': 1, 'n_comments': 0}
        >>> s.close()
        """
        states = self.question_states(workshop)
        b = self.ballots(workshop).drop_duplicates("ballot")
        c = self.comments(workshop)
        rows = []
        for q in states["question"]:
            bq = b[b["question"] == q]
            rows.append(
                {
                    "question": q,
                    "n": len(bq),
                    "n_device": int((bq["source"] == "device").sum()),
                    "n_paper": int((bq["source"] == "paper").sum()),
                    "n_comments": int((c["question"] == q).sum()),
                }
            )
        return pd.DataFrame(rows, columns=["question", "n", "n_device", "n_paper", "n_comments"])

    def n_participants(self, workshop: str) -> int:
        """People who joined (card codes used plus kiosk turns; paper voters not included).

        Parameters
        ----------
        workshop : str

        Returns
        -------
        int

        Examples
        --------
        >>> s = _demo_store()
        >>> _ = s.issue_codes("w", 3, seed=2)  # printed, not used yet
        >>> _ = s.new_participant("w")
        >>> s.n_participants("w")
        1
        >>> s.close()
        """
        self.agenda(workshop)
        return int(
            self._con.execute(
                "SELECT COUNT(*) FROM participants WHERE workshop=? AND joined_at IS NOT NULL",
                (workshop,),
            ).fetchone()[0]
        )
