"""Packaging: environment.yml installs what pyproject.toml declares; the Makefile and CI agree."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]


def test_environment_yml_in_step_with_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    deps = env["dependencies"]
    python = next(d for d in deps if isinstance(d, str) and d.startswith("python="))
    assert project["requires-python"] == ">=" + python.split("=")[1]
    pip = next(d["pip"] for d in deps if isinstance(d, dict) and "pip" in d)
    (line,) = pip
    m = re.fullmatch(r"-e \.\[([\w,]+)\]", line)
    assert m, "environment.yml installs the project itself with pip (-e .[extras])"
    extras = set(m.group(1).split(","))
    assert extras <= set(project["optional-dependencies"])
    makefile = (REPO / "Makefile").read_text()
    assert f'-e ".[{m.group(1)}]"' in makefile  # the Makefile installs the same extras


def test_ci_runs_make_test_and_readme_gives_two_commands():
    assert "make test" in (REPO / ".ci" / "run").read_text()
    readme = (REPO / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    assert (
        tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]["quartiere"]
        == "quartiere.cli:main"
    )


def test_shipped_notebooks_have_no_outputs_and_a_parameters_cell():
    import nbformat

    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), path.name
        if re.match(r"\d\d-", path.name):
            assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells), path.name
