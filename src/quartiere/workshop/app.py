"""Build the workshop apps (model + view); nothing is displayed here.

The same apps run in JupyterLab (kiosk: one shared screen) and in Voila (one kernel per phone).
The database path comes from the ``db`` argument or, in notebooks served by
:func:`quartiere.workshop.serve.serve`, from the ``QUARTIERE_WORKSHOP_DB`` environment variable.
"""

from __future__ import annotations

import os
from pathlib import Path

from quartiere.errors import ParameterError
from quartiere.workshop.agenda import Agenda, load_agenda
from quartiere.workshop.model import FacilitatorModel, ParticipantModel
from quartiere.workshop.store import WorkshopStore
from quartiere.workshop.views import FacilitatorView, ParticipantView

__all__ = [
    "DB_ENV",
    "WORKSHOP_ENV",
    "code_from_query",
    "facilitator_app",
    "kiosk_app",
    "open_store",
    "participant_app",
]

DB_ENV = "QUARTIERE_WORKSHOP_DB"
WORKSHOP_ENV = "QUARTIERE_WORKSHOP_ID"


def open_store(db: str | os.PathLike[str] | WorkshopStore | None = None) -> WorkshopStore:
    """Return a store for ``db`` (a path or a store), falling back to ``$QUARTIERE_WORKSHOP_DB``.

    Parameters
    ----------
    db : path or WorkshopStore, optional
        A store is returned as is; a path is opened (created if missing).

    Returns
    -------
    WorkshopStore

    Raises
    ------
    ParameterError
        If neither ``db`` nor the environment variable is set.

    Examples
    --------
    >>> import os, tempfile
    >>> s = open_store(os.path.join(tempfile.mkdtemp(), "w.sqlite"))
    >>> open_store(s) is s
    True
    >>> s.close()
    """
    if isinstance(db, WorkshopStore):
        return db
    db = db or os.environ.get(DB_ENV)
    if not db:
        raise ParameterError(
            f"give db= (the workshop .sqlite file) or set ${DB_ENV}", parameter="db"
        )
    return WorkshopStore(Path(db))


def code_from_query(query: str | None = None) -> str | None:
    """The card code in the page address (``...?token=...&code=K7QM-2PXA``), if any.

    Voila passes the address's query string to the kernel as ``$QUERY_STRING``; a card's QR
    code carries the code, so scanning it joins directly, and reloading the page after the
    phone slept joins again (answers are kept in the store).

    Examples
    --------
    >>> code_from_query("token=abc&code=K7QM-2PXA")
    'K7QM-2PXA'
    >>> code_from_query("token=abc") is None
    True
    """
    from urllib.parse import parse_qs

    q = os.environ.get("QUERY_STRING", "") if query is None else query
    values = parse_qs(q).get("code")
    return (values[0].strip() or None) if values else None


def participant_app(
    db: str | os.PathLike[str] | WorkshopStore | None = None,
    *,
    workshop: str | None = None,
    kiosk: bool = False,
    lang: str | None = None,
    auto_refresh: float | None = None,
    code: str | None = None,
) -> ParticipantView:
    """The resident's app: join with a card code (or kiosk turns), answer, comment, see results.

    Parameters
    ----------
    db : path or WorkshopStore, optional
        Defaults to ``$QUARTIERE_WORKSHOP_DB``.
    workshop : str, optional
        Needed if the file holds several workshops (default ``$QUARTIERE_WORKSHOP_ID``).
    kiosk : bool, default False
        One shared screen with a "next participant" step instead of card codes.
    lang : {"it", "en"}, optional
    auto_refresh : float, optional
        Seconds between background refreshes (use 5 in Voila; ``None`` in tests).
    code : str, optional
        Join at once with this card code (see :func:`code_from_query`); a wrong code shows
        the usual one-line error and the join form.

    Returns
    -------
    ParticipantView
        The top widget (display it in the notebook's last cell).

    Raises
    ------
    ParameterError
        No database given.
    WorkshopError
        The database holds several workshops and none is named.

    Examples
    --------
    >>> from quartiere.workshop.store import _demo_store
    >>> s = _demo_store()
    >>> code = s.issue_codes("w", 1, seed=3)[0]
    >>> view = participant_app(s, lang="en", code=code)
    >>> view.model.joined, view._join.description
    (True, 'Join')
    >>> s.close()
    """
    store = open_store(db)
    model = ParticipantModel(
        store, workshop or os.environ.get(WORKSHOP_ENV) or None, kiosk=kiosk, lang=lang
    )
    view = ParticipantView(model, auto_refresh=auto_refresh)
    if code and not kiosk:
        view._code.value = code
        view._join.click()
    return view


def kiosk_app(
    db: str | os.PathLike[str] | WorkshopStore | None = None, **kwargs: object
) -> ParticipantView:
    """Shared-screen mode: :func:`participant_app` with ``kiosk=True``.

    Parameters
    ----------
    db : path or WorkshopStore, optional
    **kwargs
        ``workshop``, ``lang``, ``auto_refresh`` as for :func:`participant_app`.

    Returns
    -------
    ParticipantView
        Starts at the "Start" step; "Next participant" ends each turn.

    Examples
    --------
    >>> from quartiere.workshop.store import _demo_store
    >>> s = _demo_store()
    >>> kiosk_app(s, lang="it")._start.description
    'Inizia'
    >>> s.close()
    """
    return participant_app(db, kiosk=True, **kwargs)  # type: ignore[arg-type]


def facilitator_app(
    db: str | os.PathLike[str] | WorkshopStore | None = None,
    *,
    agenda: str | os.PathLike[str] | Agenda | None = None,
    workshop: str | None = None,
    lang: str | None = None,
    auto_refresh: float | None = None,
) -> FacilitatorView:
    """The facilitator's console (question controls, moderation, paper ballots, projector).

    Parameters
    ----------
    db : path or WorkshopStore, optional
    agenda : path or Agenda, optional
        Installed into the database first if it is not there yet (same id: reused).
    workshop : str, optional
    lang : {"it", "en"}, optional
    auto_refresh : float, optional
        Seconds between projector refreshes.

    Returns
    -------
    FacilitatorView

    Raises
    ------
    ParameterError
        No database given.
    SchemaError
        The agenda file is invalid (the message names the key).

    Examples
    --------
    >>> from quartiere.workshop.store import _demo_store
    >>> s = _demo_store()
    >>> console = facilitator_app(s, lang="en")
    >>> console._rows["q"]["open"].description
    'Open'
    >>> s.close()
    """
    store = open_store(db)
    if agenda is not None:
        ag = agenda if isinstance(agenda, Agenda) else load_agenda(agenda)
        workshop = store.create_workshop(ag)
    model = FacilitatorModel(store, workshop or os.environ.get(WORKSHOP_ENV) or None, lang=lang)
    return FacilitatorView(model, auto_refresh=auto_refresh)
