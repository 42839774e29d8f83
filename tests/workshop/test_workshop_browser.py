"""End to end: Voila serves the participant notebook; headless Chromium joins, votes, comments."""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
import time
from pathlib import Path

import pytest
from workshop_testkit import AGENDA

from quartiere.workshop.agenda import parse_agenda
from quartiere.workshop.serve import serve
from quartiere.workshop.store import WorkshopStore

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "workshop-participate.ipynb"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
@pytest.mark.browser
def test_phone_joins_votes_and_sees_results(tmp_path):
    # must fail, not skip, when the browser is missing (the Makefile installs it)
    assert Path(CHROMIUM).exists() or shutil.which("chromium"), (
        "Debian chromium is missing: apt-get install -y chromium"
    )
    from playwright.sync_api import sync_playwright

    db = tmp_path / "live.sqlite"
    store = WorkshopStore(db)
    store.create_workshop(parse_agenda(AGENDA))
    code = store.issue_codes("test-ws", 1)[0]
    store.open_question("test-ws", "pick")
    store.set_results_visible("test-ws", "pick", True)
    server = serve(NOTEBOOK, db=db, port=_port(), host="127.0.0.1", echo=None)
    dialogs: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(server.local_url, timeout=90_000)
            page.get_by_placeholder("ABCD-2345").fill(code, timeout=90_000)
            page.get_by_role("button", name="Entra").click()
            page.get_by_text("Sei dentro").wait_for(timeout=30_000)
            page.get_by_role("radio", name="B").check()
            page.get_by_role("button", name="Invia la risposta").click()
            page.get_by_text("Risposta salvata").wait_for(timeout=30_000)
            board = page.locator(".quartiere-board").first
            deadline = time.monotonic() + 30
            while "B\t1\t1" not in board.inner_text() and time.monotonic() < deadline:
                page.wait_for_timeout(200)
            assert "B\t1\t1" in board.inner_text()  # the vote is on the results board
            page.locator("textarea").first.fill(XSS)
            page.get_by_role("button", name="Invia il commento").click()
            page.get_by_text("Commento inviato").wait_for(timeout=30_000)
            (cid,) = [c for (c,) in sqlite3.connect(db).execute("SELECT comment FROM comments")]
            store.moderate("test-ws", cid, "approved")
            page.get_by_role("button", name="Aggiorna").click()
            page.get_by_text(XSS, exact=True).wait_for(timeout=30_000)  # shown as text
            assert page.locator(".quartiere-board img").count() == 0
            assert page.locator(".quartiere-board script").count() == 0
            # the phone sleeps and the page reloads from the card's QR address (with code=):
            # a new kernel joins by itself and shows the saved answer
            page.close()
            again = browser.new_page()
            again.goto(f"{server.local_url}&code={code}", timeout=90_000)
            again.get_by_text("Sei dentro").wait_for(timeout=90_000)
            assert again.get_by_role("radio", name="B").is_checked()
            browser.close()
    finally:
        server.stop()
        store.close()
    assert dialogs == []  # no script ran
    rows = sqlite3.connect(db).execute("SELECT source, payload FROM ballots").fetchall()
    assert [(s, json.loads(p)) for s, p in rows] == [("device", {"b": 1})]
