"""Read the headline results of a run for the Piano di Zona synthesis (notebook 07).

The synthesis never computes an analysis again: it reads what notebooks 01-06 recorded
with :func:`quartiere.glue` in their executed notebooks (``<stem>.<lang>.ipynb``) in the
same run folder. A notebook that did not run (or failed) is reported as missing, so the
synthesis still renders and says which part is absent.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from quartiere.errors import NotebookError, ParameterError
from quartiere.notebook import read_glued
from quartiere.report.i18n import check_lang

__all__ = ["DEFAULT_STEMS", "PARTS", "Synthesis", "load_synthesis", "resolve_run_dir"]

#: the parts of a Piano di Zona and the notebook number that produces each
PARTS: Mapping[str, str] = MappingProxyType(
    {
        "profile": "01",
        "survey": "02",
        "interviews": "03",
        "workshop": "04",
        "scenarios": "05",
        "evaluation": "06",
    }
)

#: the shipped notebook of each part (named in links and notes when a part did not run)
DEFAULT_STEMS: Mapping[str, str] = MappingProxyType(
    {
        "profile": "01-profile-community",
        "survey": "02-analyse-survey",
        "interviews": "03-analyse-interviews",
        "workshop": "04-report-workshop",
        "scenarios": "05-plan-scenarios",
        "evaluation": "06-evaluate-programme",
    }
)


def resolve_run_dir(run_dir: str | os.PathLike[str], study: Any = None) -> Path:
    """The run folder to read: ``run_dir`` itself, or ``reports/<study>/latest`` when empty.

    Parameters
    ----------
    run_dir : str or PathLike
        Injected by the pipeline (``""`` when the notebook runs in JupyterLab).
    study : Study, optional
        For the fallback: ``reports/<study.name>/latest`` of the repository.

    Returns
    -------
    Path
        The folder (it may not exist: :func:`load_synthesis` then reports every part missing).

    Raises
    ------
    ParameterError
        ``run_dir`` empty and no study given.

    Examples
    --------
    >>> resolve_run_dir("/tmp/run-1")
    PosixPath('/tmp/run-1')
    """
    if str(run_dir):
        return Path(run_dir)
    if study is None:
        raise ParameterError("give the run folder or the study", parameter="run_dir")
    from quartiere.pipeline import REPORTS

    return REPORTS / study.name / "latest"


@dataclass(frozen=True)
class Synthesis:
    """Glued results of one run, by part of the plan.

    Attributes
    ----------
    run_dir : Path
        Where the executed notebooks are.
    lang : str
        Language whose notebooks were read first.
    notebooks : Mapping[str, str]
        Part -> notebook stem found (``"profile"`` -> ``"01-profile-community"``).
    results : Mapping[str, Mapping[str, Any]]
        Part -> ``{name: value}`` as glued (DataFrames come back as DataFrames).
    missing : tuple of str
        Parts whose notebook is not in the run.
    """

    run_dir: Path
    lang: str
    notebooks: Mapping[str, str] = field(default_factory=dict)
    results: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    missing: tuple[str, ...] = ()

    def has(self, part: str) -> bool:
        """Whether the part's notebook ran.

        Examples
        --------
        >>> Synthesis(Path("."), "it").has("profile")
        False
        """
        return part in self.results

    def get(self, part: str, name: str, default: Any = None) -> Any:
        """One glued value (``default`` if the part is missing or never glued ``name``).

        Examples
        --------
        >>> Synthesis(Path("."), "it", results={"survey": {"deff": 1.2}}).get("survey", "deff")
        1.2
        """
        return self.results.get(part, {}).get(name, default)

    def frame(self, part: str, name: str) -> pd.DataFrame | None:
        """A glued table, or None when missing or not a table."""
        value = self.get(part, name)
        return value if isinstance(value, pd.DataFrame) else None

    def link(self, part: str) -> str:
        """Relative link to the part's detailed report (same folder): ``<stem>.<lang>.html``.

        Examples
        --------
        >>> Synthesis(Path("."), "en", notebooks={"survey": "02-analyse-survey"}).link("survey")
        '02-analyse-survey.en.html'
        """
        stem = self.notebooks.get(part) or DEFAULT_STEMS[part]
        return f"{stem}.{self.lang}.html"

    def to_frame(self) -> pd.DataFrame:
        """One row per glued value: ``part``, ``notebook``, ``name``, ``kind`` (``table`` or
        ``value``), ``value`` (the value itself; tables as DataFrames).

        Examples
        --------
        >>> Synthesis(Path("."), "it", {"survey": "02-s"}, {"survey": {"n": 3}}).to_frame()
             part notebook name   kind value
        0  survey     02-s    n  value     3
        """
        rows = [
            {
                "part": part,
                "notebook": self.notebooks.get(part, ""),
                "name": name,
                "kind": "table" if isinstance(value, pd.DataFrame) else "value",
                "value": value,
            }
            for part, values in self.results.items()
            for name, value in values.items()
        ]
        return pd.DataFrame(rows, columns=["part", "notebook", "name", "kind", "value"])


def _find(run_dir: Path, number: str, lang: str) -> Path | None:
    pattern = re.compile(rf"^({number}-[\w-]+)\.({lang})\.ipynb$")
    hits = sorted(p for p in run_dir.glob(f"{number}-*.{lang}.ipynb") if pattern.match(p.name))
    return hits[0] if hits else None


def load_synthesis(run_dir: str | os.PathLike[str], *, lang: str) -> Synthesis:
    """Read every part's glued results from a run folder.

    Parameters
    ----------
    run_dir : str or PathLike
        The run folder (``reports/<study>/<run-id>``, or the pipeline's work folder).
    lang : {"it", "en"}
        Notebooks of this language are read; a part run only in the other language is
        read from that one (glued numbers do not depend on the language).

    Returns
    -------
    Synthesis

    Raises
    ------
    NotebookError
        An executed notebook that exists but cannot be read.

    Notes
    -----
    Failed notebooks (``FAILED-*.ipynb``) and batch outputs (``<stem>.<label>.<lang>``) are
    not read: only a notebook that completed in this run counts. A missing part is listed
    in ``missing``, never an error: the synthesis says which report was not run.

    Examples
    --------
    >>> import tempfile
    >>> syn = load_synthesis(tempfile.mkdtemp(), lang="it")
    >>> syn.missing
    ('profile', 'survey', 'interviews', 'workshop', 'scenarios', 'evaluation')
    """
    check_lang(lang)
    folder = Path(run_dir)
    other = "en" if lang == "it" else "it"
    notebooks: dict[str, str] = {}
    results: dict[str, Mapping[str, Any]] = {}
    missing = []
    for part, number in PARTS.items():
        path = None
        if folder.is_dir():
            path = _find(folder, number, lang) or _find(folder, number, other)
        if path is None:
            missing.append(part)
            continue
        try:
            values = read_glued(path)
        except NotebookError:
            raise
        notebooks[part] = path.name.split(".")[0]
        results[part] = MappingProxyType(values)
    return Synthesis(
        folder,
        lang,
        MappingProxyType(notebooks),
        MappingProxyType(results),
        tuple(missing),
    )
