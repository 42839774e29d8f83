"""Workshop state and rules (traitlets ``HasTraits``), between the store and the widgets.

Models hold no widgets. Every action commits to the store at once (one transaction) and bumps
``version`` so that views know to redraw; errors are :class:`~quartiere.errors.QuartiereError`
subclasses that the views show as one line.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
from traitlets import Bool, HasTraits, Int, Unicode, observe

from quartiere.errors import ParameterError, WorkshopError
from quartiere.report.i18n import t
from quartiere.workshop.agenda import Agenda, Question
from quartiere.workshop.aggregate import budget_comparison, question_results
from quartiere.workshop.store import WorkshopStore

__all__ = ["FacilitatorModel", "ParticipantModel", "card_sheet_html"]


class _Base(HasTraits):
    lang = Unicode("it")
    status = Unicode("")
    version = Int(0)

    def __init__(
        self, store: WorkshopStore, workshop: str | None = None, *, lang: str | None = None
    ) -> None:
        super().__init__()
        self.store = store
        if workshop is None:
            ws = store.workshops()["workshop"].tolist()
            if len(ws) != 1:
                raise WorkshopError(
                    f"the database holds {len(ws)} workshops; pass workshop= (one of: "
                    + ", ".join(ws)
                    + ")",
                    parameter="workshop",
                )
            workshop = ws[0]
        self.workshop = workshop
        self.agenda: Agenda = store.agenda(workshop)
        self.lang = lang or self.agenda.languages[0]

    @observe("lang")
    def _check_lang(self, change: dict[str, Any]) -> None:
        if change["new"] not in ("it", "en"):
            raise ParameterError("lang must be 'it' or 'en'", parameter="lang")

    def question(self, question: str) -> Question:
        """The agenda question ``question``."""
        return self.agenda.question(question)

    def states(self) -> pd.DataFrame:
        """Question states (see :meth:`WorkshopStore.question_states`)."""
        return self.store.question_states(self.workshop)

    def results(self, question: str) -> pd.DataFrame:
        """Live results of a question (see :func:`~quartiere.workshop.aggregate.aggregate`)."""
        return question_results(self.store, self.workshop, question, lang=self.lang)

    def budget(self, question: str) -> pd.DataFrame:
        """Greedy and Equal Shares side by side for a budget question."""
        return budget_comparison(self.store, self.workshop, question, lang=self.lang)

    def approved_comments(self) -> pd.DataFrame:
        """Comments the facilitator approved (raw text: escape before showing)."""
        return self.store.comments(self.workshop, status="approved")

    def _bump(self, message: str = "") -> None:
        self.status = message
        self.version += 1


class ParticipantModel(_Base):
    """One resident's session: join with a card code (or a kiosk turn), answer, comment.

    Parameters
    ----------
    store : WorkshopStore
    workshop : str, optional
        Needed only if the database holds several workshops.
    kiosk : bool, default False
        Kiosk mode: no codes; each "next participant" starts an anonymous turn.
    lang : {"it", "en"}, optional
        Defaults to the agenda's first language.

    Examples
    --------
    >>> import tempfile, os
    >>> from quartiere.workshop.agenda import parse_agenda
    >>> from quartiere.workshop.store import WorkshopStore
    >>> s = WorkshopStore(os.path.join(tempfile.mkdtemp(), "w.sqlite"))
    >>> _ = s.create_workshop(parse_agenda({"id": "w", "title": "T", "questions": [{"id": "q",
    ...     "type": "single", "text": "?", "options": [{"id": "a", "label": "A"},
    ...     {"id": "b", "label": "B"}]}]}))
    >>> s.open_question("w", "q")
    >>> m = ParticipantModel(s, kiosk=True)
    >>> _ = m.start_turn()
    >>> m.submit("q", "b")
    {'b': 1}
    >>> m.answer("q")
    {'b': 1}
    """

    participant = Int(None, allow_none=True)
    kiosk = Bool(False)

    def __init__(
        self,
        store: WorkshopStore,
        workshop: str | None = None,
        *,
        kiosk: bool = False,
        lang: str | None = None,
    ) -> None:
        super().__init__(store, workshop, lang=lang)
        self.kiosk = kiosk

    @property
    def joined(self) -> bool:
        """Whether a participant is active."""
        return self.participant is not None

    def join(self, code: str) -> int:
        """Join with the code printed on a card (works again after a phone sleeps)."""
        if not str(code or "").strip():
            raise WorkshopError("type the code printed on your card", parameter="code")
        self.participant = self.store.join(self.workshop, code)
        self._bump(t("workshop.joined", self.lang))
        return self.participant

    def start_turn(self) -> int:
        """Kiosk mode: start a new anonymous participant."""
        if not self.kiosk:
            raise WorkshopError(
                "kiosk turns are only for the shared-screen mode; join with a code",
                parameter="kiosk",
            )
        self.participant = self.store.new_participant(self.workshop)
        self._bump(t("workshop.joined", self.lang))
        return self.participant

    def next_participant(self) -> None:
        """Kiosk mode: end this person's turn (their answers stay committed)."""
        self.participant = None
        self._bump(t("workshop.kiosk_welcome", self.lang))

    def open_questions(self) -> list[str]:
        """Ids of the questions open right now, in agenda order."""
        st = self.states()
        return st.loc[st["state"] == "open", "question"].tolist()

    def visible_results(self) -> list[str]:
        """Ids of questions whose results the facilitator revealed."""
        st = self.states()
        return st.loc[st["results_visible"] & (st["type"] != "comment"), "question"].tolist()

    def answer(self, question: str) -> dict[str, int] | None:
        """This participant's current answer (``None`` if none or not joined)."""
        if self.participant is None:
            return None
        return self.store.answer(self.workshop, question, self.participant)

    def submit(self, question: str, value: Any) -> dict[str, int] | str:
        """Validate and commit an answer now; it can be changed until the question closes."""
        if self.participant is None:
            raise WorkshopError(
                "join with your card code before answering", parameter="participant"
            )
        out = self.store.cast(self.workshop, question, self.participant, value)
        self._bump(
            t("workshop.comment_sent" if isinstance(out, str) else "workshop.saved", self.lang)
        )
        return out

    def comment(self, text: str, question: str | None = None) -> int:
        """Send a free comment to the moderation queue."""
        if self.participant is None:
            raise WorkshopError(
                "join with your card code before commenting", parameter="participant"
            )
        cid = self.store.add_comment(self.workshop, self.participant, text, question=question)
        self._bump(t("workshop.comment_sent", self.lang))
        return cid

    def refresh(self) -> None:
        """Signal views to redraw (new question opened, results revealed)."""
        self._bump(self.status)


class FacilitatorModel(_Base):
    """The facilitator's controls: question states, moderation, paper ballots, counts.

    Parameters
    ----------
    store : WorkshopStore
    workshop : str, optional
        Needed only if the database holds several workshops.
    lang : {"it", "en"}, optional
        Defaults to the agenda's first language.

    Examples
    --------
    >>> import tempfile, os
    >>> from quartiere.workshop.agenda import parse_agenda
    >>> from quartiere.workshop.store import WorkshopStore
    >>> s = WorkshopStore(os.path.join(tempfile.mkdtemp(), "w.sqlite"))
    >>> _ = s.create_workshop(parse_agenda({"id": "w", "title": "T", "questions": [{"id": "q",
    ...     "type": "single", "text": "?", "options": [{"id": "a", "label": "A"},
    ...     {"id": "b", "label": "B"}]}]}))
    >>> f = FacilitatorModel(s)
    >>> f.open("q"); _ = f.paper("q", "a"); f.results("q")["estimate"].tolist()
    [1.0, 0.0]
    """

    n_participants = Int(0)

    def __init__(
        self, store: WorkshopStore, workshop: str | None = None, *, lang: str | None = None
    ) -> None:
        super().__init__(store, workshop, lang=lang)
        self.n_participants = store.n_participants(self.workshop)

    def refresh(self) -> None:
        """Re-read counts from the store (other kernels write to it)."""
        self.n_participants = self.store.n_participants(self.workshop)
        self.version += 1

    def open(self, question: str) -> None:
        """Open a question."""
        self.store.open_question(self.workshop, question)
        self._bump(f"{question}: {t('workshop.open', self.lang)}")

    def close(self, question: str) -> None:
        """Close a question (answers frozen)."""
        self.store.close_question(self.workshop, question)
        self._bump(f"{question}: {t('workshop.closed', self.lang)}")

    def reveal(self, question: str) -> None:
        """Show results to participants and on the projector."""
        self.store.set_results_visible(self.workshop, question, True)
        self._bump(f"{question}: {t('workshop.reveal', self.lang)}")

    def hide(self, question: str) -> None:
        """Hide results (avoid bandwagon effects while people vote)."""
        self.store.set_results_visible(self.workshop, question, False)
        self._bump(f"{question}: {t('workshop.hide', self.lang)}")

    def reset(self, question: str, reason: str) -> int:
        """Start the question again (new round, audit entry with ``reason``)."""
        rnd = self.store.reset_question(self.workshop, question, reason=reason)
        self._bump(f"{question}: {t('workshop.reset', self.lang)} ({rnd})")
        return rnd

    def pending_comments(self) -> pd.DataFrame:
        """The moderation queue (oldest first)."""
        return self.store.comments(self.workshop, status="pending")

    def moderate(self, comment: int, approve: bool) -> None:
        """Approve or reject a comment."""
        self.store.moderate(self.workshop, comment, "approved" if approve else "rejected")
        self._bump(
            t("workshop.approve" if approve else "workshop.reject", self.lang) + f" #{comment}"
        )

    def paper(self, question: str, value: Any) -> dict[str, int] | str:
        """Record a paper ballot typed in by the facilitator (counted apart in the audit)."""
        out = self.store.cast(self.workshop, question, None, value, source="paper")
        self._bump(t("workshop.paper_saved", self.lang))
        return out

    def participation(self) -> pd.DataFrame:
        """Answers per question (device, paper, comments)."""
        return self.store.participation(self.workshop)

    def issue_codes(self, n: int, *, seed: int | None = None) -> list[str]:
        """Create ``n`` card codes (print them at once: they are not stored)."""
        return self.store.issue_codes(self.workshop, n, seed=seed)

    def card_sheet(self, codes: list[str], *, url: str | None = None) -> str:
        """Printable HTML sheet of cards for ``codes`` (see :func:`card_sheet_html`)."""
        return card_sheet_html(
            codes, title=self.agenda.title_text(self.lang), url=url, lang=self.lang
        )


def _qr_svg(data: str) -> str:
    import qrcode
    import qrcode.image.svg

    img = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=6, border=1)
    return img.to_string(encoding="unicode")


def card_sheet_html(
    codes: list[str], *, title: str, url: str | None = None, lang: str = "it", per_row: int = 3
) -> str:
    """A printable A4 page of join cards: title, code, and a QR code of the URL if given.

    Parameters
    ----------
    codes : list of str
        From :meth:`WorkshopStore.issue_codes`.
    title : str
        Workshop title (escaped).
    url : str, optional
        The participant page (with its token). Each card gets a QR code of this address plus
        its own ``code=`` so that scanning it joins directly; the address is printed too.
    lang : {"it", "en"}
    per_row : int, default 3

    Returns
    -------
    str
        A standalone HTML document (no external resources).

    Examples
    --------
    >>> page = card_sheet_html(["AB23-CD45"], title="<Laboratorio>")
    >>> "AB23-CD45" in page and "&lt;Laboratorio&gt;" in page
    True
    """
    esc = html.escape
    cards = []
    for code in codes:
        qr = ""
        if url:
            sep = "&" if "?" in url else "?"
            qr = _qr_svg(f"{url}{sep}code={code}")
        cards.append(
            '<div class="card">'
            f"<div class='t'>{esc(title)}</div>"
            f"<div class='l'>{esc(t('workshop.join_code', lang))}</div>"
            f"<div class='c'>{esc(code)}</div>"
            + (f"<div class='q'>{qr}</div><div class='u'>{esc(url or '')}</div>" if url else "")
            + "</div>"
        )
    css = (
        "@page{size:A4;margin:10mm}body{font-family:Helvetica,Arial,sans-serif;margin:0}"
        f".grid{{display:grid;grid-template-columns:repeat({int(per_row)},1fr);gap:4mm}}"
        ".card{border:1px dashed #555;padding:4mm;break-inside:avoid;text-align:center}"
        ".t{font-size:10pt}.l{font-size:9pt;color:#444;margin-top:2mm}"
        ".c{font:bold 20pt monospace;letter-spacing:1px;margin:2mm 0}"
        ".q svg{width:28mm;height:28mm}.u{font-size:7pt;word-break:break-all}"
    )
    return (
        f"<!DOCTYPE html><html lang='{esc(lang)}'><head><meta charset='utf-8'>"
        f"<title>{esc(title)}</title><style>{css}</style></head><body>"
        f"<div class='grid'>{''.join(cards)}</div></body></html>"
    )
