"""serve() argument checks (no server started), study settings, card sheets, QR codes."""

from __future__ import annotations

import socket
from dataclasses import dataclass

import pytest

from quartiere.errors import ParameterError, SchemaError, WorkshopError
from quartiere.workshop.agenda import WorkshopSettings
from quartiere.workshop.model import FacilitatorModel, card_sheet_html
from quartiere.workshop.serve import main, qr_ascii, serve
from quartiere.workshop.store import WorkshopStore


@pytest.fixture
def notebook(tmp_path):
    p = tmp_path / "p.ipynb"
    p.write_text("{}", encoding="utf-8")
    return p


def test_serve_refuses_bad_arguments(tmp_path, notebook, store):
    with pytest.raises(ParameterError, match="notebook not found"):
        serve(tmp_path / "nope.ipynb", db=store.path, echo=None)
    with pytest.raises(ParameterError, match="not found; create it from the agenda"):
        serve(notebook, db=tmp_path / "missing.sqlite", echo=None)
    with pytest.raises(ParameterError, match="token must not be empty"):
        serve(notebook, db=store.path, token=" ", echo=None)
    with pytest.raises(WorkshopError, match="no workshop 'other'"):
        serve(notebook, db=store.path, workshop="other", echo=None)
    empty = WorkshopStore(tmp_path / "empty.sqlite")
    empty.close()
    with pytest.raises(WorkshopError, match="holds no workshop"):
        serve(notebook, db=tmp_path / "empty.sqlite", echo=None)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ParameterError, match=f"port {port} is in use"):
            serve(notebook, db=store.path, port=port, echo=None)


def test_main_prints_one_line_and_returns_2(tmp_path, notebook, capsys):
    assert main([str(notebook), "--db", str(tmp_path / "missing.sqlite")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err


def test_qr_ascii_encodes_a_square():
    art = qr_ascii("http://192.168.1.20:8866/?token=abc").splitlines()
    assert len(art) > 10 and len({len(line) for line in art}) == 1


def test_card_sheet_escapes_and_embeds_qr(store):
    fac = FacilitatorModel(store)
    codes = fac.issue_codes(3, seed=2)
    page = fac.card_sheet(codes, url="http://10.0.0.2:8866/?token=a&b=<x>")
    assert all(c in page for c in codes)
    assert page.count("<svg") == 3 and "&lt;x&gt;" in page and "<x>" not in page
    assert "http" not in card_sheet_html(codes, title="T").split("<body>")[1]


@dataclass
class _Study:
    raw: dict

    def section(self, name):
        return self.raw.get(name, {})


def test_settings_from_study():
    s = WorkshopSettings.from_study(
        _Study({"workshop": {"agenda": "workshop/agenda.yml", "db": "workshop/workshop.sqlite"}})
    )
    assert s.agenda == "workshop/agenda.yml" and s.priorities_question is None
    assert WorkshopSettings.from_study(_Study({})).db == "workshop/workshop.sqlite"
    with pytest.raises(SchemaError, match="column workshop.dbx"):
        WorkshopSettings.from_study(_Study({"workshop": {"dbx": "x"}}))
