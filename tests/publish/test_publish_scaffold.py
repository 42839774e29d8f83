"""`quartiere new-study`: a folder load_study accepts, empty templates with the sample's
columns and dialect, and `quartiere run` failing on it only with one-line errors."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from quartiere import load_study
from quartiere.cli import main
from quartiere.errors import ParameterError
from quartiere.io import read_table
from quartiere.publish.scaffold import new_study

REPO = Path(__file__).resolve().parents[2]


def test_new_study_loads_and_templates_have_the_sample_columns(tmp_path):
    made = new_study("ambito-nord", data_dir=tmp_path, districts=["Alfa", "Beta"])
    study = load_study(made.root)
    assert study.districts == ("Alfa", "Beta")
    sample = load_study(REPO / "data" / "sample")
    # population: header row only, `;`, Windows-1252 (the sample's columns, from its header)
    raw = (made.root / "population.csv").read_bytes()
    assert raw == b"codice_comune;comune;eta;maschi;femmine;totale\r\n"
    frame = read_table(made.root / "survey" / "margini.csv")
    assert list(frame.columns) == ["comune", "sesso", "classe_eta", "popolazione"] and frame.empty
    wb = openpyxl.load_workbook(made.root / "scenarios" / "opzioni.xlsx")
    assert wb.sheetnames == ["Opzioni", "Criteri"]
    assert wb["Criteri"].max_row == 1
    # every input of the sample but the alternative survey shapes has a template
    assert set(study.files) == set(sample.files) - {"survey_sav", "survey_kobo"}
    text = (made.root / "study.yml").read_text(encoding="utf-8")
    assert "FILL IN" in text and "Montecerro" not in text.split("evaluation:")[0]
    for path in made.root.rglob("*.sqlite"):  # no sample data: the workshop db is empty
        assert path.stat().st_size == 0
    readme = (made.root / "README.md").read_text(encoding="utf-8")
    assert "`population.csv`" in readme and "Windows-1252" in readme


def test_new_study_refuses_bad_names_and_existing_folders(tmp_path):
    with pytest.raises(ParameterError, match="use lowercase letters"):
        new_study("Ambito Nord", data_dir=tmp_path)
    new_study("ambito", data_dir=tmp_path)
    with pytest.raises(ParameterError, match="already exists"):
        new_study("ambito", data_dir=tmp_path)


def test_cli_new_study(tmp_path, capsys):
    assert (
        main(["new-study", "ambito-sud", "--data-dir", str(tmp_path), "--districts", "Uno,Due"])
        == 0
    )
    assert "created" in capsys.readouterr().out
    assert load_study(tmp_path / "ambito-sud").districts == ("Uno", "Due")


@pytest.mark.slow
def test_run_on_a_new_study_fails_only_with_one_line_errors(tmp_path):
    made = new_study("ambito-vuoto", data_dir=tmp_path, districts=["Alfa", "Beta"])
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "quartiere.cli",
            "run",
            "--study",
            str(made.root),
            "--no-pdf",
            "--out",
            str(tmp_path / "reports"),
            "--jobs",
            "2",
            "01",
            "02",
            "03",
            "04",
            "05",
            "06",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1
    assert "Traceback" not in out
    errors = [line for line in out.splitlines() if line.startswith("error: ")]
    assert len(errors) >= 3
    # each failing notebook names the empty template it stopped on (04 may run on an empty
    # workshop: then it has no error line)
    expected = {
        "01": "population.csv",
        "02": "questionario.csv",
        "03": "transcripts",
        "04": "workshop.sqlite",
        "05": "fecondita.csv",
        "06": "valutazioni_benessere.csv",
    }
    for line in errors:
        notebook = re.search(r"notebook (\d\d)-", line).group(1)
        assert expected[notebook] in line, line
    assert {re.search(r"notebook (\d\d)-", e).group(1) for e in errors} >= {
        "01",
        "02",
        "03",
        "05",
        "06",
    }
