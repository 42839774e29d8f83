"""`quartiere verify`: a fresh run reproduces identically; an edited input is named."""

from __future__ import annotations

import json

import nbformat
import pytest

from quartiere.cli import main
from quartiere.notebook import glue
from quartiere.pipeline import run_study
from quartiere.publish.verify import check_inputs, compare_notebooks, verify_run


def _nb(path, values, table_html=""):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data=glue(k, v, display=False))
        for k, v in values.items()
    ]
    if table_html:
        cell.outputs.append(nbformat.v4.new_output("display_data", data={"text/html": table_html}))
    nb.cells = [cell]
    nbformat.write(nb, path)
    return path


def test_compare_is_exact_value_by_value(tmp_path):
    import pandas as pd

    fig = '<figure class="q-figure q-table-figure"><figcaption>Pop</figcaption><table>{}</table></figure>'
    a = _nb(
        tmp_path / "a.ipynb",
        {"x": 0.1 + 0.2, "t": pd.DataFrame({"n": [1, 2]}), "gone": 1},
        fig.format("<td>1</td>"),
    )
    b = _nb(
        tmp_path / "b.ipynb",
        {"x": 0.3, "t": pd.DataFrame({"n": [1, 2]}), "new": 2},
        fig.format("<td>2</td>"),
    )
    frame = compare_notebooks(a, b, notebook="01", lang="it").set_index("name")
    # 0.1 + 0.2 is 0.30000000000000004 in IEEE 754 doubles: not identical to 0.3
    assert frame.loc["x", "status"] == "different"
    assert frame.loc["t", "status"] == "identical"
    assert frame.loc["gone", "status"] == "missing" and frame.loc["new", "status"] == "missing"
    assert frame.loc["table 1: Pop", "status"] == "different"
    # with a tolerance, numbers 1 ulp apart are close, not identical
    close = compare_notebooks(a, b, notebook="01", lang="it", rtol=1e-12).set_index("name")
    assert close.loc["x", "status"] == "close"


def test_check_inputs_names_changed_and_missing_files(tmp_path):
    from quartiere.report.manifest import file_sha256

    (tmp_path / "a.csv").write_text("x;y\n1;2\n")
    manifest = {
        "inputs": {
            "a": {"path": "a.csv", "sha256": file_sha256(tmp_path / "a.csv")},
            "b": {"path": "b.csv", "sha256": "0"},
        }
    }
    assert check_inputs(manifest, tmp_path) == [("b", "b.csv", "missing")]
    (tmp_path / "a.csv").write_text("x;y\n1;3\n")
    assert ("a", "a.csv", "changed") in check_inputs(manifest, tmp_path)


@pytest.mark.slow
def test_verify_fresh_run_identical_then_names_an_edited_input(study_copy, tmp_path, capsys):
    res = run_study(study_copy, ["01"], pdf=False, out=tmp_path / "reports")
    assert res.ok
    verified = verify_run(res.run_dir)
    frame = verified.to_frame()
    assert verified.identical, frame[frame.status != "identical"]
    assert verified.changed_inputs == ()
    names = set(frame["name"])
    assert {"indicators", "coverage", "need_scores"} <= names
    assert any(n.startswith("table 1: ") for n in names)
    assert main(["verify", str(res.run_dir)]) == 0
    assert "identical" in capsys.readouterr().out

    # edit one input: one more resident aged 80 in Montecerro
    pop = study_copy / "population.csv"
    lines = pop.read_text(encoding="cp1252").splitlines()
    i = next(k for k, line in enumerate(lines) if ";Montecerro;80;" in line)
    cells = lines[i].split(";")
    cells[4] = str(int(cells[4]) + 1)
    cells[5] = str(int(cells[5]) + 1)
    lines[i] = ";".join(cells)
    pop.write_text("\n".join(lines) + "\n", encoding="cp1252")
    changed = verify_run(res.run_dir)
    assert ("population", "population.csv", "changed") in changed.changed_inputs
    assert not changed.identical
    diff = changed.to_frame().set_index("name")
    assert diff.loc["indicators", "status"] == "different"
    assert main(["verify", str(res.run_dir)]) == 1
    out = capsys.readouterr().out
    assert "population.csv" in out and "not identical" in out
    manifest = json.loads(res.manifest.read_text())
    assert manifest["inputs"]["population"]["path"] == "population.csv"
