"""The two interactive workshop notebooks execute top to bottom (nbclient, real kernel)."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from quartiere.io import read_table
from quartiere.workshop import WorkshopStore

ROOT = Path(__file__).resolve().parents[2]
NB = ROOT / "notebooks"
WIDGET = "application/vnd.jupyter.widget-view+json"


def run(name: str, params: dict[str, object], cwd: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(NB / name, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source += "\n" + "\n".join(f"{k} = {v!r}" for k, v in params.items())
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
    ).execute()
    return nb


def widget_outputs(nb):
    return [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if WIDGET in o.get("data", {})
    ]


@pytest.mark.slow
def test_facilitator_notebook_runs_on_sample_copy(tmp_path):
    db = tmp_path / "live.sqlite"
    shutil.copy(ROOT / "data/sample/workshop/workshop.sqlite", db)
    out = tmp_path / "export"
    nb = run(
        "workshop-facilitate.ipynb",
        {
            "agenda": str(ROOT / "data/sample/workshop/agenda.yml"),
            "db": str(db),
            "auto_refresh": 0.0,
            "n_cards": 3,
            "export_dir": str(out),
        },
        tmp_path,
    )
    assert len(widget_outputs(nb)) == 3  # console, projector, kiosk
    assert (out / "cards.html").exists() and (out / "progetti.pb").exists()
    pri = read_table(out / "priorities.csv")
    sample = read_table(ROOT / "data/sample/workshop/priorities.csv")
    assert pri["weight"].round(6).tolist() == sample["weight"].round(6).tolist()
    s = WorkshopStore(db, readonly=True)
    assert (s.audit_log()["action"] == "issue_codes").sum() == 2  # the sample's and ours
    s.close()


@pytest.mark.slow
def test_participant_notebook_runs(tmp_path):
    from workshop_testkit import AGENDA

    from quartiere.workshop.agenda import parse_agenda

    db = tmp_path / "p.sqlite"
    s = WorkshopStore(db)
    s.create_workshop(parse_agenda(AGENDA))
    s.close()
    nb = run(
        "workshop-participate.ipynb", {"db": str(db), "kiosk": True, "auto_refresh": 0.0}, tmp_path
    )
    assert len(widget_outputs(nb)) == 1
    assert not [
        o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"
    ]
