"""End to end: the pipeline and the command line on the sample study and on broken notebooks."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from quartiere import cli
from quartiere.pipeline import run_study

REPO = Path(__file__).resolve().parents[2]
QUARTIERE = str(Path(sys.executable).with_name("quartiere"))


@pytest.fixture()
def no_kernels(monkeypatch):
    """Fail the test if anything tries to execute a notebook."""
    import papermill

    def boom(*args, **kwargs):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(papermill, "execute_notebook", boom)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-p", "nonexistent=1"], "parameter 'nonexistent': no selected notebook"),
        (
            ["-p", "reference_year=last"],
            "parameter 'reference_year': notebook 01-profile-community declares int, got 'last' (text)",
        ),
        (
            ["-p", "focus_district=Atlantide"],
            "parameter 'focus_district': 'Atlantide' is not one of the study's districts",
        ),
        (["-p", "focus_district=Montecero"], "did you mean 'Montecerro'?"),
        (["nonexistent-notebook"], "no such notebook 'nonexistent-notebook'"),
        (["-p", "novalue"], "write -p name=value"),
        (["--study", "/nonexistent/study"], "no study.yml here"),
    ],
)
def test_bad_run_arguments_fail_before_any_kernel(argv, message, no_kernels, capsys, tmp_path):
    rc = cli.main(["run", *argv, "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.startswith("error: ") and message in err
    assert err.count("\n") == 1  # one line, no traceback
    assert not any(tmp_path.iterdir())  # nothing written


def test_params_and_list_commands(capsys):
    assert cli.main(["params", "01"]) == 0
    out = capsys.readouterr().out
    assert "focus_district" in out and "@districts" in out and "reference_year" in out
    assert cli.main(["list"]) == 0
    assert "01-profile-community" in capsys.readouterr().out


def _tree_digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _write_nb(path: Path, code: str) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(
        'study: str = "."  # study\nlang: str = "it"  # language {it|en}'
    )
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"# {path.stem}\n\n## Part"),
        params,
        nbformat.v4.new_code_cell(code),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


@pytest.mark.slow
def test_failing_notebook_stops_only_itself_and_keeps_previous_run(tmp_path, sample_dir):
    good = _write_nb(tmp_path / "01-good.ipynb", "from quartiere import glue\nglue('answer', 42)")
    bad = _write_nb(tmp_path / "02-bad.ipynb", "x = 1\nraise ValueError('planted failure')")
    out = tmp_path / "reports"
    first = run_study(sample_dir, [str(good)], out=out, pdf=False)
    assert first.ok and (out / "sample" / "latest").resolve() == first.run_dir
    before = _tree_digest(first.run_dir)

    second = run_study(sample_dir, [str(good), str(bad)], out=out, pdf=False, jobs=2)
    assert not second.ok
    by_name = {r.notebook: r for r in second.results}
    assert by_name["01-good"].status == "ok" and by_name["01-good"].glued == {"answer": 42}
    failed = by_name["02-bad"]
    assert failed.status == "failed"
    assert "notebook 02-bad (it), cell 3: ValueError: planted failure" in failed.error
    partial = second.run_dir / "FAILED-02-bad.it.ipynb"
    assert partial.exists()
    assert any(
        o.get("ename") == "ValueError"
        for c in nbformat.read(partial, 4).cells
        for o in c.get("outputs", [])
    )
    assert (second.run_dir / "01-good.it.html").exists()
    # the earlier good run is untouched and still 'latest'
    assert _tree_digest(first.run_dir) == before
    assert (out / "sample" / "latest").resolve() == first.run_dir
    manifest = json.loads(second.manifest.read_text())
    assert manifest["status"] == "failed"
    assert [n["status"] for n in manifest["notebooks"]] == ["ok", "failed"]
    assert not list((out / "sample").glob(".tmp-*"))


@pytest.mark.slow
@pytest.mark.xdist_group("sample_run")
def test_cli_runs_sample_notebook_in_both_languages(sample_run):
    run_dir, proc = sample_run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "01-profile-community" in proc.stdout and "reports:" in proc.stdout
    for lang in ("it", "en"):
        for ext in ("ipynb", "html", "pdf"):
            assert (run_dir / f"01-profile-community.{lang}.{ext}").stat().st_size > 1000
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["status"] == "ok"
    assert set(manifest["inputs"]) >= {"study.yml", "population", "services", "boundaries"}
    pop = REPO / "data" / "sample" / "population.csv"
    assert (
        manifest["inputs"]["population"]["sha256"] == hashlib.sha256(pop.read_bytes()).hexdigest()
    )
    assert manifest["environment"]["packages"]["papermill"]
    assert "commit" in manifest["git"] and "dirty" in manifest["git"]
    nb_it = manifest["notebooks"][0]
    assert nb_it["parameters"]["focus_district"] == "Montecerro" and nb_it["lang"] == "it"
    assert (
        nb_it["outputs"]["html"]["sha256"]
        == hashlib.sha256((run_dir / "01-profile-community.it.html").read_bytes()).hexdigest()
    )
    # glued headline numbers equal the hand computation of test_profile_indicators
    ind = {row["district"]: row for row in nb_it["glued"]["indicators"]}
    assert ind["Montecerro"]["ageing_index"] > 300
    # the report text is in the right language
    from pypdf import PdfReader

    it_text = "".join(
        p.extract_text() for p in PdfReader(run_dir / "01-profile-community.it.pdf").pages
    )
    en_text = "".join(
        p.extract_text() for p in PdfReader(run_dir / "01-profile-community.en.pdf").pages
    )
    assert (
        "Indice di vecchiaia" in it_text
        and "Ageing index" in en_text
        and "Ageing index" not in it_text
    )
    assert "Provenienza dei dati" in it_text
    html = (run_dir / "01-profile-community.en.html").read_text(encoding="utf-8")
    assert "pr.load_profile" not in html and "focus_district:" not in html


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    proc = subprocess.run(
        [QUARTIERE, "run", "01", "--lang", "it", "--lang", "en", "--out", str(out), "--jobs", "2"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "COLUMNS": "200"},
        timeout=600,
    )
    run_dirs = [
        p
        for p in (out / "sample").iterdir()
        if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")
    ]
    return (run_dirs[0] if run_dirs else out), proc


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.xdist_group("sample_run")
def test_report_renders_charts_offline_in_chromium(sample_run):
    from playwright.sync_api import sync_playwright

    run_dir, proc = sample_run
    assert proc.returncode == 0, proc.stderr
    page_path = run_dir / "01-profile-community.it.html"
    requested: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(offline=True)
        page = context.new_page()

        def guard(route):
            url = route.request.url
            if not url.startswith("file:"):
                requested.append(url)
                return route.abort()
            return route.continue_()

        page.route("**/*", guard)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(page_path.as_uri())
        n = page.locator(".q-chart").count()
        assert n >= 7
        page.wait_for_function(
            "() => [...document.querySelectorAll('.q-chart')].every(e => e.dataset.rendered === 'true')",
            timeout=30_000,
        )
        assert page.locator(".q-chart[data-error]").count() == 0
        # vega-embed drew an interactive SVG with marks in every chart, replacing the static one
        assert (
            page.locator(
                ".q-chart .vega-embed svg .mark-rect, .q-chart .vega-embed svg .mark-shape"
            ).count()
            >= 1
        )
        assert page.locator(".q-chart .vega-embed").count() == n
        page.screenshot(path=str(run_dir / "screenshot.png"), full_page=False)
        browser.close()
    assert requested == [] and errors == []
