"""Batches, incremental re-runs and the dask executor (issue: batch and scale)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from quartiere import load_study
from quartiere.errors import ParameterError
from quartiere.pipeline import plan_batch, run_batch, run_study


def _tiny_notebook(path: Path, body: str) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(
        'study: str = "."  # study\n'
        'lang: str = "it"  # language {it|en}\n'
        'district: str = "Serenella"  # district {@districts}\n'
        "factor: int = 1  # a number"
    )
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Tiny\n\n## Part"),
        params,
        nbformat.v4.new_code_cell(body),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


GLUE = "from quartiere import glue\nglue('district', district)\nglue('factor', factor)"


def test_plan_batch_over_districts_and_grid(tmp_path, sample_study):
    nb = _tiny_notebook(tmp_path / "01-tiny.ipynb", GLUE)
    jobs = plan_batch(sample_study, str(nb), over="comune", lang=["it", "en"])
    assert len(jobs) == 2 * len(sample_study.districts)
    assert {j.parameters["district"] for j in jobs} == set(sample_study.districts)
    assert jobs[2].name == "01-tiny.borgo-san-rocco.it"
    grid = plan_batch(
        sample_study, str(nb), grid={"district": ["Montecerro", "Porto Lido"], "factor": [1, 2, 3]}
    )
    assert len(grid) == 6 and grid[-1].parameters == {
        **grid[-1].parameters,
        "district": "Porto Lido",
        "factor": 3,
    }
    points = plan_batch(sample_study, str(nb), grid=[{"factor": 5}, {"factor": 6}])
    assert [j.label for j in points] == ["factor 5", "factor 6"]


def test_plan_batch_errors(tmp_path, sample_study):
    nb = _tiny_notebook(tmp_path / "01-tiny.ipynb", GLUE)
    with pytest.raises(ParameterError, match="give either --over or --grid"):
        plan_batch(sample_study, str(nb))
    with pytest.raises(
        ParameterError, match="parameter 'over': use district, comune or a parameter"
    ):
        plan_batch(sample_study, str(nb), over="factor")
    with pytest.raises(
        ParameterError,
        match="parameter 'district': 'Atlantide' is not one of the study's districts",
    ):
        plan_batch(sample_study, str(nb), grid={"district": ["Atlantide"]})
    with pytest.raises(ParameterError, match="grid values of 'factor' must be a list"):
        plan_batch(sample_study, str(nb), grid={"factor": 3})
    with pytest.raises(ParameterError, match="the grid is empty"):
        plan_batch(sample_study, str(nb), grid=[])


@pytest.mark.slow
def test_batch_isolates_a_killed_kernel(tmp_path, sample_study):
    body = (
        "import os, signal\n"
        "from quartiere import glue\n"
        "if district == 'Montecerro':\n"
        "    os.kill(os.getpid(), signal.SIGKILL)  # the kernel dies mid-batch\n"
        "glue('district', district)"
    )
    nb = _tiny_notebook(tmp_path / "01-tiny.ipynb", body)
    res = run_batch(sample_study, str(nb), over="district", jobs=2, pdf=False, out=tmp_path / "r")
    assert not res.ok and res.run_dir.name.startswith("batch-")
    status = {r.label: r.status for r in res.results}
    assert status.pop("Montecerro") == "failed"
    assert set(status.values()) == {"ok"} and len(status) == len(sample_study.districts) - 1
    failed = next(r for r in res.results if r.label == "Montecerro")
    assert "notebook 01-tiny (it)" in failed.error and "DeadKernelError" in failed.error
    index = (res.run_dir / "index.html").read_text(encoding="utf-8")
    assert index.count("<tr>") == len(sample_study.districts) + 1 and "fallito" in index
    manifest = json.loads(res.manifest.read_text())
    assert manifest["kind"] == "batch" and len(manifest["notebooks"]) == len(sample_study.districts)
    assert not (tmp_path / "r" / "sample" / "latest").exists()  # batches never move 'latest'


@pytest.mark.slow
def test_unchanged_rerun_reuses_outputs_and_a_changed_input_does_not(tmp_path, study_copy):
    nb = _tiny_notebook(tmp_path / "01-tiny.ipynb", GLUE)
    out = tmp_path / "r"
    first = run_study(study_copy, [str(nb)], pdf=False, out=out)
    assert first.ok and first.results[0].reused_from is None
    second = run_study(study_copy, [str(nb)], pdf=False, out=out)
    (r,) = second.results
    assert r.reused_from == first.run_id and r.glued == {"district": "Serenella", "factor": 1}
    assert (second.run_dir / "01-tiny.it.html").read_bytes() == (
        first.run_dir / "01-tiny.it.html"
    ).read_bytes()
    assert json.loads(second.manifest.read_text())["notebooks"][0]["reused_from"] == first.run_id
    # another parameter value, --force, or an edited input file execute again
    assert (
        run_study(study_copy, [str(nb)], params={"factor": 2}, pdf=False, out=out)
        .results[0]
        .reused_from
        is None
    )
    assert (
        run_study(study_copy, [str(nb)], pdf=False, out=out, force=True).results[0].reused_from
        is None
    )
    households = study_copy / "households.csv"
    households.write_bytes(households.read_bytes().replace(b"16864", b"16865"))
    changed = run_study(load_study(study_copy), [str(nb)], pdf=False, out=out)
    assert changed.results[0].reused_from is None
    # a deleted earlier run cannot be reused
    for run in (out / "study").iterdir():
        if run.is_dir() and not run.is_symlink():
            shutil.rmtree(run)
    assert run_study(study_copy, [str(nb)], pdf=False, out=out).results[0].reused_from is None


@pytest.mark.slow
def test_batch_on_a_dask_local_cluster(tmp_path, sample_study):
    from distributed import Client, LocalCluster

    nb = _tiny_notebook(tmp_path / "01-tiny.ipynb", GLUE)
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        with Client(cluster) as client:
            res = run_batch(
                sample_study,
                str(nb),
                grid={"district": ["Montecerro", "Porto Lido"]},
                pdf=False,
                out=tmp_path / "r",
                scheduler=client,
            )
    assert res.ok
    assert {r.glued["district"] for r in res.results} == {"Montecerro", "Porto Lido"}
    for r in res.results:
        assert r.outputs["html"].parent == res.run_dir and r.outputs["html"].stat().st_size > 1000
    assert json.loads(res.manifest.read_text())["executor"].startswith("dask")


@pytest.mark.slow
def test_synthesis_notebook_runs_last_and_reads_the_run(tmp_path, sample_study):
    first = _tiny_notebook(
        tmp_path / "01-tiny.ipynb", "from quartiere import glue\nglue('answer', 41 + factor)"
    )
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(
        'study: str = "."  # study\nlang: str = "it"  # language {it|en}\nrun_dir: str = ""  # this run'
    )
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        params,
        nbformat.v4.new_code_cell(
            "from pathlib import Path\nfrom quartiere import glue, read_glued\n"
            "glue('seen', read_glued(Path(run_dir) / f'01-tiny.{lang}.ipynb')['answer'])"
        ),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    synth = tmp_path / "09-synth.ipynb"
    nbformat.write(nb, synth)
    res = run_study(sample_study, [str(synth), str(first)], jobs=2, pdf=False, out=tmp_path / "r")
    assert res.ok
    by = {r.notebook: r for r in res.results}
    assert by["09-synth"].glued == {"seen": 42}
    assert "run_dir" not in json.loads(res.manifest.read_text())["notebooks"][0]["parameters"]
    with pytest.raises(ParameterError, match="parameter 'run_dir': is set by the pipeline"):
        run_study(sample_study, [str(synth)], params={"run_dir": "/x"}, out=tmp_path / "r")
