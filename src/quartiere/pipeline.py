"""Run a study's notebooks with papermill and render their reports.

``run_study`` validates every parameter of every selected notebook first (no kernel
starts on a typo), then executes the notebooks in parallel threads, each driving its own
kernel process through papermill's Python API, and renders each executed notebook to HTML
(and PDF) as soon as it finishes. A run is written in a temporary folder beside the
earlier runs and renamed into place at the end, so an earlier good run is never touched;
``reports/<study>/latest`` points at the newest run in which every notebook succeeded.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import difflib
import hashlib
import itertools
import json
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import yaml

from quartiere.errors import NotebookError, ParameterError, QuartiereError, SchemaError
from quartiere.notebook import read_glued
from quartiere.params import ParamSpec, read_parameters, validate_params
from quartiere.report import manifest as _manifest
from quartiere.report.i18n import check_lang
from quartiere.study import Study, load_study

__all__ = [
    "NOTEBOOKS",
    "REPORTS",
    "Job",
    "NotebookResult",
    "RunResult",
    "find_notebooks",
    "job_key",
    "plan_batch",
    "plan_run",
    "read_params_file",
    "read_yaml",
    "run_batch",
    "run_study",
]

ProgressFn = Callable[..., None]


def _find_dir(name: str, env: str) -> Path:
    if os.environ.get(env):
        return Path(os.environ[env]).resolve()
    for parent in Path(__file__).resolve().parents:
        if (parent / name).is_dir() and (parent / "pyproject.toml").exists():
            return parent / name
    return Path.cwd() / name


NOTEBOOKS = _find_dir("notebooks", "QUARTIERE_NOTEBOOKS")
REPORTS = Path(os.environ.get("QUARTIERE_REPORTS", NOTEBOOKS.parent / "reports"))
_NUMBERED = re.compile(r"^\d\d-[\w-]+\.ipynb$")
_render_lock = threading.Lock()
_INJECTED = frozenset({"study", "run_dir"})  # machine-specific paths: not shown, not in keys


def find_notebooks(
    names: Sequence[str] | None = None, *, directory: Path | None = None
) -> list[Path]:
    """Resolve notebook names to files in ``notebooks/``.

    Parameters
    ----------
    names : sequence of str, optional
        ``"01"``, ``"01-profile-community"``, ``"01-profile-community.ipynb"`` or a path.
        Default: every numbered notebook (``NN-*.ipynb``), in order.
    directory : Path, optional
        Where to look (default the repository's ``notebooks/``).

    Returns
    -------
    list of Path

    Raises
    ------
    ParameterError
        A name matching no notebook (with a did-you-mean) or several.

    Examples
    --------
    >>> [p.name for p in find_notebooks(["01"])]
    ['01-profile-community.ipynb']
    """
    directory = directory or NOTEBOOKS
    available = sorted(p for p in directory.glob("*.ipynb") if _NUMBERED.match(p.name))
    if not names:
        return available
    out = []
    for name in names:
        p = Path(name)
        if p.suffix == ".ipynb" and p.exists():
            out.append(p.resolve())
            continue
        stem = p.name.removesuffix(".ipynb")
        hits = [a for a in available if a.stem == stem] or [
            a for a in available if a.stem.startswith(stem + "-")
        ]
        if len(hits) != 1:
            stems = [a.stem for a in directory.glob("*.ipynb")]
            close = difflib.get_close_matches(stem, stems, n=1, cutoff=0.4)
            hint = (
                f"did you mean {close[0]!r}?"
                if close
                else f"available: {', '.join(a.stem for a in available)}"
            )
            what = "matches several notebooks" if hits else "no such notebook"
            raise ParameterError(f"{what} {name!r}; {hint}", parameter="notebook")
        out.append(hits[0])
    return list(dict.fromkeys(out))


def read_yaml(
    path: str | os.PathLike[str], *, what: str = "parameters", kinds: tuple[type, ...] = (dict,)
) -> Any:
    """Read a small YAML file given on the command line (parameters, grid).

    Raises
    ------
    SchemaError
        Missing file, invalid YAML (with the line), or a top level of the wrong kind.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "g.yml"
    >>> _ = p.write_text("- {factor: 1}\\n- {factor: 2}\\n")
    >>> read_yaml(p, what="grid", kinds=(dict, list))
    [{'factor': 1}, {'factor': 2}]
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SchemaError(f"{what} file not found", path=path) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise SchemaError(f"{where}invalid YAML", path=path) from None
    if data is None:
        return {} if dict in kinds else []
    if not isinstance(data, kinds):
        shape = "a mapping of names to values" if kinds == (dict,) else "a mapping or a list"
        raise SchemaError(f"the {what} file must hold {shape}", path=path)
    return data


def read_params_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a ``--params`` YAML file: ``{name: value}`` for all notebooks, or
    ``{notebook-stem: {name: value}}`` per notebook (both may be mixed).

    Raises
    ------
    SchemaError
        Not YAML, or not a mapping.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "p.yml"
    >>> _ = p.write_text("lang: en\\n01-profile-community:\\n  focus_district: Porto Lido\\n")
    >>> read_params_file(p)
    {'lang': 'en', '01-profile-community': {'focus_district': 'Porto Lido'}}
    """
    return read_yaml(path, what="parameters")


def _slug(text: str) -> str:
    """File-name-safe form of a batch label: ``Borgo San Rocco`` -> ``borgo-san-rocco``."""
    norm = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", norm.lower()).strip("-") or "x"


@dataclass(frozen=True)
class Job:
    """One notebook execution in one language, with validated parameters.

    ``label`` names the batch value(s) of the job (``"Montecerro"``); it becomes part of the
    output file names.
    """

    notebook: Path
    lang: str
    parameters: Mapping[str, Any]
    label: str | None = None

    @property
    def name(self) -> str:
        middle = f".{_slug(self.label)}" if self.label else ""
        return f"{self.notebook.stem}{middle}.{self.lang}"


@dataclass(frozen=True)
class NotebookResult:
    """Outcome of one job.

    Attributes
    ----------
    notebook : str
        Notebook stem.
    lang : str
    status : {"ok", "failed"}
    duration : float
        Seconds, execution and rendering.
    outputs : Mapping[str, Path]
        ``ipynb``, ``html``, ``pdf`` (those written), in the final run folder.
    error : str or None
        One line: notebook, cell number and exception.
    glued : Mapping[str, Any]
        Values recorded with :func:`quartiere.glue`.
    """

    notebook: str
    lang: str
    status: str
    duration: float
    parameters: Mapping[str, Any]
    outputs: Mapping[str, Path] = field(default_factory=dict)
    error: str | None = None
    glued: Mapping[str, Any] = field(default_factory=dict)
    started: str = ""
    finished: str = ""
    label: str | None = None
    key: str = ""
    reused_from: str | None = None

    @property
    def name(self) -> str:
        middle = f".{_slug(self.label)}" if self.label else ""
        return f"{self.notebook}{middle}.{self.lang}"

    def moved(self, folder: Path, **changes: Any) -> NotebookResult:
        """The same result with its outputs in ``folder`` (same file names)."""
        outputs = {k: folder / p.name for k, p in self.outputs.items()}
        return dataclasses.replace(self, outputs=outputs, **changes)


@dataclass(frozen=True)
class RunResult:
    """Outcome of :func:`run_study`.

    Attributes
    ----------
    study : str
    run_id : str
    run_dir : Path
        ``reports/<study>/<run-id>``.
    ok : bool
        Every notebook succeeded (then ``latest`` points here).
    results : tuple of NotebookResult
    manifest : Path
    """

    study: str
    run_id: str
    run_dir: Path
    ok: bool
    results: tuple[NotebookResult, ...]
    manifest: Path

    def to_frame(self) -> pd.DataFrame:
        """One row per job: ``notebook``, ``label``, ``lang``, ``status``, ``reused``,
        ``duration``, ``html``, ``pdf``, ``error``."""
        return pd.DataFrame(
            [
                {
                    "notebook": r.notebook,
                    "label": r.label,
                    "lang": r.lang,
                    "status": r.status,
                    "reused": r.reused_from is not None,
                    "duration": r.duration,
                    "html": str(r.outputs.get("html", "")),
                    "pdf": str(r.outputs.get("pdf", "")),
                    "error": r.error,
                }
                for r in self.results
            ],
            columns=[
                "notebook",
                "label",
                "lang",
                "status",
                "reused",
                "duration",
                "html",
                "pdf",
                "error",
            ],
        )


def _langs(lang: str | Sequence[str] | None, study: Study) -> list[str]:
    if lang is None:
        return [study.lang]
    items = [lang] if isinstance(lang, str) else list(lang)
    out: list[str] = []
    for item in items:
        for part in str(item).split(","):
            part = part.strip()
            if part:
                out.append(check_lang(part))
    return list(dict.fromkeys(out)) or [study.lang]


def plan_run(
    study: Study | str | os.PathLike[str],
    notebooks: Sequence[str] | None = None,
    *,
    params: Mapping[str, Any] | None = None,
    lang: str | Sequence[str] | None = None,
) -> list[Job]:
    """Resolve notebooks and validate every parameter, before anything executes.

    Parameters
    ----------
    study : Study or path
    notebooks : sequence of str, optional
        Names for :func:`find_notebooks`; default every numbered notebook the study
        configures under ``notebooks:`` in study.yml (all numbered notebooks if none).
    params : Mapping, optional
        ``{name: value}`` for every selected notebook that declares ``name``, and/or
        ``{notebook-stem: {name: value}}``. Each name must be declared by at least one
        selected notebook. Values override study.yml's.
    lang : str or sequence of str, optional
        ``"it"``, ``"en"``, ``["it", "en"]`` or ``"it,en"``: one job per language.

    Returns
    -------
    list of Job

    Notes
    -----
    ``study`` and ``lang`` are injected into notebooks that declare them. A notebook that
    declares ``run_dir`` is a synthesis: it runs after every other notebook of the run, with
    ``run_dir`` set to the folder holding their executed notebooks, so it can read their
    results with :func:`quartiere.read_glued` instead of computing them again.

    Raises
    ------
    ParameterError
        Unknown notebook, unknown parameter (did-you-mean), wrong type, or a value outside
        its choices (``focus_district`` not a district of the study).
    SchemaError
        study.yml sets a parameter a notebook does not declare.

    Examples
    --------
    >>> jobs = plan_run("data/sample", ["01"], params={"focus_district": "Porto Lido"})
    >>> jobs[0].parameters["focus_district"], jobs[0].lang
    ('Porto Lido', 'it')
    >>> plan_run("data/sample", ["01"], params={"focus_district": "Atlantide"})
    Traceback (most recent call last):
    ...
    quartiere.errors.ParameterError: parameter 'focus_district': 'Atlantide' is not one of the study's districts; choose one of: Serenella, Borgo San Rocco, Porto Lido, Villafranca, Montecerro, Campi Bassi
    """
    if not isinstance(study, Study):
        study = load_study(study)
    if notebooks:
        paths = find_notebooks(notebooks)
    else:
        configured = [n for n in study.notebooks if (NOTEBOOKS / f"{n}.ipynb").exists()]
        paths = find_notebooks(configured) if configured else find_notebooks()
    if not paths:
        raise ParameterError("no notebooks to run", parameter="notebook")
    specs: dict[Path, list[ParamSpec]] = {p: read_parameters(p) for p in paths}
    stems = {p.stem for p in paths}
    params = dict(params or {})
    per_nb = {k: dict(v) for k, v in params.items() if k in stems and isinstance(v, Mapping)}
    common = {k: v for k, v in params.items() if k not in per_nb}
    for name in common:
        if name in {"study", "lang"}:
            raise ParameterError(
                f"set {name!r} with --{name}, not as a notebook parameter", parameter=name
            )
        if name == "run_dir":
            raise ParameterError("is set by the pipeline for synthesis notebooks", parameter=name)
        if not any(name in {s.name for s in sp} for sp in specs.values()):
            every = sorted(
                {s.name for sp in specs.values() for s in sp} - {"study", "lang", "run_dir"}
            )
            close = difflib.get_close_matches(name, every, n=1, cutoff=0.5)
            hint = f"did you mean {close[0]!r}?" if close else f"declared: {', '.join(every)}"
            which = ", ".join(p.stem for p in paths)
            raise ParameterError(
                f"no selected notebook ({which}) declares it; {hint}", parameter=name
            )
    jobs = []
    for path in paths:
        declared = {s.name for s in specs[path]}
        from_study = study.notebook_params(path.stem)
        unknown = set(from_study) - declared
        if unknown:
            bad = sorted(unknown)[0]
            close = difflib.get_close_matches(bad, sorted(declared), n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise SchemaError(
                f"notebook {path.stem} has no parameter {bad!r}{hint}",
                path=study.config_path,
                key=f"notebooks.{path.stem}.{bad}",
            )
        values = {
            **from_study,
            **{k: v for k, v in common.items() if k in declared},
            **per_nb.get(path.stem, {}),
        }
        checked = validate_params(specs[path], values, notebook=path.stem, study=study)
        for code in _langs(lang, study):
            final = dict(checked)
            if "study" in declared:
                final["study"] = str(study.root)
            if "lang" in declared:
                final["lang"] = code
            if "run_dir" in declared:
                final["run_dir"] = ""  # the run folder, injected when the other notebooks are done
            jobs.append(Job(path, code, final))
    return jobs


def _now() -> str:
    return _dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _kernel_start_failed(exc: BaseException) -> bool:
    text = f"{exc.__class__.__name__}: {exc}"
    return any(
        s in text
        for s in (
            "Kernel died before replying",
            "Address already in use",
            "Kernel didn't respond",
            "TimeoutError",
        )
    )


def _kernel_manager_class(log: Path) -> type:
    """An AsyncKernelManager on IPC sockets in a private folder, logging the kernel's stderr.

    IPC transport avoids TCP port races between kernels started at once (papermill #511)
    and keeps kernel traffic off the network; the kernel's own warnings go to ``log``
    instead of the user's terminal.
    """
    from jupyter_client import AsyncKernelManager

    sockets = tempfile.mkdtemp(prefix="quartiere-kernel-")

    class _QuartiereKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", os.path.join(sockets, "k"))
            super().__init__(**kwargs)

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            self._quartiere_log = open(log, "ab")
            kw.setdefault("stdout", self._quartiere_log)
            kw.setdefault("stderr", self._quartiere_log)
            await super()._async_launch_kernel(kernel_cmd, **kw)

        async def _async_cleanup_resources(self, restart: bool = False) -> None:
            await super()._async_cleanup_resources(restart=restart)
            fh = getattr(self, "_quartiere_log", None)
            if fh is not None:
                fh.close()
            if not restart:
                shutil.rmtree(sockets, ignore_errors=True)

    return _QuartiereKernelManager


def _source_cell_number(executed: Path, index: int) -> int:
    """1-based position of executed cell ``index`` in the shipped notebook (papermill inserts
    an ``injected-parameters`` cell and, on failure, an error banner the user never wrote)."""
    try:
        cells = nbformat.read(executed, as_version=4).cells
    except Exception:
        return index + 1
    added = {"injected-parameters", "papermill-error-cell-tag"}
    injected = [i for i, c in enumerate(cells) if added & set(c.metadata.get("tags", []))]
    return index + 1 - sum(1 for i in injected if i < index)


def _execute(job: Job, out: Path, progress: ProgressFn, retries: int = 2) -> None:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    nb = nbformat.read(job.notebook, as_version=4)
    total = sum(1 for c in nb.cells if c.cell_type == "code")
    state = {"started": False}

    def on_cell_complete(cell, cell_index):  # nbclient hook
        state["started"] = True
        if cell.get("cell_type") == "code":
            progress("cell", job=job, index=cell_index, total=total)

    for attempt in range(retries + 1):
        try:
            pm.execute_notebook(
                str(job.notebook),
                str(out),
                parameters=dict(job.parameters),
                kernel_name="python3",
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                start_timeout=120,
                on_cell_complete=on_cell_complete,
                kernel_manager_class=_kernel_manager_class(out.with_suffix(".kernel.log")),
            )
            return
        except PapermillExecutionError as exc:
            number = _source_cell_number(out, exc.cell_index)
            detail = str(exc.evalue).splitlines()[0] if exc.evalue else ""
            raise NotebookError(
                f"notebook {job.notebook.stem} ({job.lang}), cell {number}: {exc.ename}: {detail}".rstrip(
                    ": "
                )
            ) from None
        except Exception as exc:
            if attempt < retries and not state["started"] and _kernel_start_failed(exc):
                time.sleep(0.5 * (attempt + 1))
                continue
            raise NotebookError(
                f"notebook {job.notebook.stem} ({job.lang}): {exc.__class__.__name__}: {exc}".splitlines()[
                    0
                ]
            ) from None


def _run_job(
    job: Job,
    work: Path,
    study: Study,
    *,
    pdf: bool,
    progress: ProgressFn,
    base_provenance: Mapping[str, Any],
    key: str = "",
) -> NotebookResult:
    from quartiere.report.render import render_html, render_pdf

    started, t0 = _now(), time.perf_counter()
    progress("start", job=job)
    ipynb = work / f"{job.name}.ipynb"

    def result(status: str, outputs: dict, error: str | None = None, glued: Mapping | None = None):
        res = NotebookResult(
            job.notebook.stem,
            job.lang,
            status,
            time.perf_counter() - t0,
            dict(job.parameters),
            outputs,
            error,
            glued or {},
            started,
            _now(),
            job.label,
            key,
        )
        progress("done", job=job, result=res)
        return res

    try:
        _execute(job, ipynb, progress)
    except NotebookError as exc:
        outputs = {}
        if ipynb.exists():
            failed = work / f"FAILED-{ipynb.name}"
            ipynb.replace(failed)
            outputs["ipynb"] = failed
        klog = ipynb.with_suffix(".kernel.log")
        if klog.exists():
            outputs["kernel_log"] = klog.replace(work / f"FAILED-{klog.name}")
        return result("failed", outputs, str(exc))
    ipynb.with_suffix(".kernel.log").unlink(missing_ok=True)
    glued = read_glued(ipynb)
    shown = {k: v for k, v in job.parameters.items() if k not in _INJECTED}
    provenance = {
        **base_provenance,
        "notebook": f"{job.notebook.stem} ({job.lang})" + (f" · {job.label}" if job.label else ""),
        "parameters": shown,
        "started": started,
        "finished": _now(),
    }
    cover = {"study": study.title, "area": study.area, "date": _dt.date.today().isoformat()}
    outputs: dict[str, Path] = {"ipynb": ipynb}
    try:
        with _render_lock:
            outputs["html"] = render_html(
                ipynb, work / f"{job.name}.html", lang=job.lang, cover=cover, provenance=provenance
            )
            if pdf:
                outputs["pdf"] = render_pdf(
                    ipynb,
                    work / f"{job.name}.pdf",
                    lang=job.lang,
                    cover=cover,
                    provenance=provenance,
                )
            if pdf and _wants_docx(job.notebook):  # {"quartiere": {"docx": true}}
                from quartiere.report.docx import render_docx

                outputs["docx"] = render_docx(
                    ipynb,
                    work / f"{job.name}.docx",
                    lang=job.lang,
                    cover=cover,
                    provenance=provenance,
                )
    except QuartiereError as exc:
        msg = f"notebook {job.notebook.stem} ({job.lang}): rendering failed: {exc}"
        return result("failed", outputs, msg, glued)
    return result("ok", outputs, None, glued)


def _wants_docx(notebook: Path) -> bool:
    """Whether a notebook asks for a Word report (metadata ``{"quartiere": {"docx": true}}``)."""
    meta = nbformat.read(notebook, as_version=4).metadata.get("quartiere", {})
    return bool(meta.get("docx", False))


def _remote_job(
    job: Job, study_root: str, pdf: bool, base_provenance: Mapping[str, Any], key: str
) -> tuple[NotebookResult, dict[str, bytes]]:
    """Run one job on a dask worker; return its result and its output files as bytes.

    Workers need the repository (notebooks, templates) and the study folder at the same
    paths as the client (a shared file system or the same checkout); outputs travel back
    over the scheduler, so the run folder only has to exist on the client.
    """
    study = load_study(study_root)
    with tempfile.TemporaryDirectory(prefix="quartiere-worker-") as tmp:
        res = _run_job(
            job, Path(tmp), study, pdf=pdf, progress=_noop, base_provenance=base_provenance, key=key
        )
        files = {p.name: p.read_bytes() for p in res.outputs.values() if p.exists()}
    return res, files


# --- incremental runs ---------------------------------------------------------------


def _code_digest() -> str:
    """Hash of the quartiere package and report templates: a library change invalidates reuse."""
    h = hashlib.sha256()
    roots = [Path(__file__).resolve().parent]
    try:
        from quartiere.report.render import TEMPLATES

        roots.append(TEMPLATES / "quartiere")
    except QuartiereError:  # pragma: no cover
        pass
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in {".py", ".yml", ".j2", ".css", ".json"}:
                h.update(str(path.relative_to(root)).encode())
                h.update(path.read_bytes())
    return h.hexdigest()


def job_key(job: Job, *, inputs: Mapping[str, Any], code: str, pdf: bool) -> str:
    """The identity of a job's outputs: notebook source, parameters, language, inputs, code.

    Two jobs with the same key produce the same reports, so a later run may reuse the
    outputs of an earlier one instead of executing again.

    Examples
    --------
    >>> j = Job(Path("notebooks/01-profile-community.ipynb"), "it", {"study": "/x", "n": 1})
    >>> k = job_key(j, inputs={"a": {"sha256": "0"}}, code="c", pdf=True)
    >>> k == job_key(j, inputs={"a": {"sha256": "0"}}, code="c", pdf=True), len(k)
    (True, 64)
    >>> k == job_key(j, inputs={"a": {"sha256": "1"}}, code="c", pdf=True)
    False
    """
    params = {k: v for k, v in job.parameters.items() if k not in _INJECTED}
    payload = {
        "notebook": hashlib.sha256(job.notebook.read_bytes()).hexdigest(),
        "name": job.notebook.name,
        "params": params,
        "lang": job.lang,
        "label": job.label,
        "inputs": {k: v["sha256"] for k, v in sorted(inputs.items())},
        "code": code,
        "pdf": pdf,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _reusable(study_dir: Path) -> dict[str, tuple[Path, dict[str, Any]]]:
    """Successful jobs of earlier runs, by key: ``{key: (run folder, manifest entry)}``.

    Newest runs win; an entry is kept only if all its output files still exist.
    """
    found: dict[str, tuple[Path, dict[str, Any]]] = {}
    runs = sorted(
        (
            p
            for p in study_dir.iterdir()
            if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")
        ),
        key=lambda p: p.name.split("-", 1)[-1] if p.name.startswith("batch-") else p.name,
        reverse=True,
    )
    for run in runs:
        try:
            data = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for entry in data.get("notebooks", []):
            key = entry.get("key")
            if not key or key in found or entry.get("status") != "ok":
                continue
            if all((run / o["path"]).exists() for o in entry.get("outputs", {}).values()):
                found[key] = (run, entry)
    return found


def _reuse(job: Job, key: str, source: tuple[Path, dict[str, Any]], work: Path) -> NotebookResult:
    run, entry = source
    outputs = {}
    for kind, info in entry["outputs"].items():
        src, dst = run / info["path"], work / info["path"]
        try:
            os.link(src, dst)  # same bytes, no copy
        except OSError:
            shutil.copy2(src, dst)
        outputs[kind] = dst
    reused_from = entry.get("reused_from") or run.name
    glued = read_glued(outputs["ipynb"]) if "ipynb" in outputs else {}
    return NotebookResult(
        job.notebook.stem,
        job.lang,
        "ok",
        0.0,
        dict(job.parameters),
        outputs,
        None,
        glued,
        entry.get("started", ""),
        entry.get("finished", ""),
        job.label,
        key,
        reused_from,
    )


# --- the engine shared by run and batch -----------------------------------------------


def _update_latest(study_dir: Path, run_id: str) -> None:
    link = study_dir / "latest"
    tmp = study_dir / f".latest-{secrets.token_hex(4)}"
    try:
        os.symlink(run_id, tmp, target_is_directory=True)
        os.replace(tmp, link)
    except OSError:  # filesystems without symlinks: a text file naming the run
        with _manifest.atomic_write(study_dir / "latest.txt") as fh:
            fh.write(run_id + "\n")


def _noop(*_args: Any, **_kwargs: Any) -> None:
    return None


def _check_jobs(jobs: Any) -> None:
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise ParameterError(f"must be a whole number >= 1, got {jobs!r}", parameter="jobs")


def _execute_jobs(
    planned: list[Job],
    study: Study,
    *,
    kind: str,
    jobs: int | None,
    pdf: bool,
    out: str | os.PathLike[str] | None,
    progress: ProgressFn,
    force: bool,
    scheduler: str | None,
    title: str,
) -> RunResult:
    _check_jobs(jobs)
    progress("plan", jobs=planned)
    root = Path(out) if out is not None else REPORTS
    study_dir = root / study.name
    study_dir.mkdir(parents=True, exist_ok=True)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(2)
    run_id = stamp if kind == "run" else f"batch-{stamp}"
    work = study_dir / f".tmp-{run_id}"
    work.mkdir()
    started = _now()
    inputs = _manifest.study_inputs(study)
    env = _manifest.environment_info()
    git = _manifest.git_info(NOTEBOOKS)
    code = _code_digest()
    base_provenance = {
        "study": f"{study.title} ({study.name})",
        "inputs": {k: v["sha256"][:12] for k, v in inputs.items()},
        "versions": {k: v for k, v in env["packages"].items() if v},
        "commit": (git["commit"] or "-")[:12] + (" (dirty)" if git.get("dirty") else ""),
        "run": run_id,
    }
    keys = {job.name: job_key(job, inputs=inputs, code=code, pdf=pdf) for job in planned}
    upstream = sorted(
        k for j, k in zip(planned, keys.values(), strict=True) if "run_dir" not in j.parameters
    )
    for job in planned:  # a synthesis is only as fresh as everything it reads
        if "run_dir" in job.parameters:
            keys[job.name] = hashlib.sha256(
                "".join([keys[job.name], *upstream]).encode()
            ).hexdigest()
    previous = {} if force else _reusable(study_dir)
    results: list[NotebookResult] = []
    todo: list[Job] = []
    for job in planned:
        if keys[job.name] in previous:
            res = _reuse(job, keys[job.name], previous[keys[job.name]], work)
            progress("start", job=job)
            progress("done", job=job, result=res)
            results.append(res)
        else:
            todo.append(job)
    # synthesis notebooks (declaring `run_dir`) read the others' results: they run last,
    # locally, with the run folder injected
    first = [j for j in todo if "run_dir" not in j.parameters]
    last = [
        dataclasses.replace(j, parameters={**j.parameters, "run_dir": str(work)})
        for j in todo
        if "run_dir" in j.parameters
    ]
    try:
        if first and scheduler:
            results += _run_on_dask(
                first, study, work, scheduler, pdf, base_provenance, keys, progress
            )
        elif first:
            results += _run_local(first, work, study, jobs, pdf, progress, base_provenance, keys)
        if last:
            results += _run_local(last, work, study, jobs, pdf, progress, base_provenance, keys)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    order = {job.name: i for i, job in enumerate(planned)}
    results.sort(key=lambda r: order[r.name])
    ok = all(r.status == "ok" for r in results)
    final = study_dir / run_id
    from quartiere.report.render import render_index

    render_index(
        results, work / "index.html", lang=planned[0].lang, title=title, study=study, run_id=run_id
    )
    data = {
        "quartiere": env["packages"].get("quartiere"),
        "kind": kind,
        "run_id": run_id,
        "status": "ok" if ok else "failed",
        "started": started,
        "finished": _now(),
        "executor": f"dask {scheduler}"
        if scheduler
        else f"local threads ({jobs or os.cpu_count()})",
        "study": {"name": study.name, "title": study.title, "root": str(study.root)},
        "git": git,
        "environment": env,
        "code_sha256": code,
        "inputs": inputs,
        "notebooks": [
            {
                "notebook": r.notebook,
                "label": r.label,
                "lang": r.lang,
                "status": r.status,
                "key": r.key,
                "reused_from": r.reused_from,
                "parameters": {k: v for k, v in r.parameters.items() if k not in _INJECTED},
                "started": r.started,
                "finished": r.finished,
                "duration_s": round(r.duration, 3),
                "error": r.error,
                "outputs": {
                    kind_: {"path": p.name, "sha256": _manifest.file_sha256(p)}
                    for kind_, p in r.outputs.items()
                },
                "glued": r.glued,
            }
            for r in results
        ],
    }
    _manifest.write_manifest(work / "manifest.json", _jsonable(data))
    os.rename(work, final)
    results = [r.moved(final) for r in results]
    if ok and kind == "run":
        _update_latest(study_dir, run_id)
    return RunResult(study.name, run_id, final, ok, tuple(results), final / "manifest.json")


def _run_local(
    todo: list[Job],
    work: Path,
    study: Study,
    jobs: int | None,
    pdf: bool,
    progress: ProgressFn,
    base_provenance: Mapping[str, Any],
    keys: Mapping[str, str],
) -> list[NotebookResult]:
    workers = min(jobs or os.cpu_count() or 1, len(todo))
    results = []
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="quartiere") as pool:
        futures = [
            pool.submit(
                _run_job,
                job,
                work,
                study,
                pdf=pdf,
                progress=progress,
                base_provenance=base_provenance,
                key=keys[job.name],
            )
            for job in todo
        ]
        for fut in as_completed(futures):
            results.append(fut.result())
    return results


def _run_on_dask(
    todo: list[Job],
    study: Study,
    work: Path,
    scheduler: str,
    pdf: bool,
    base_provenance: Mapping[str, Any],
    keys: Mapping[str, str],
    progress: ProgressFn,
) -> list[NotebookResult]:
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:
        raise ParameterError(
            "needs dask.distributed: pip install 'quartiere[dask]'", parameter="scheduler"
        ) from None
    try:
        client = scheduler if not isinstance(scheduler, str) else Client(scheduler, timeout="10s")
    except OSError as exc:
        raise ParameterError(f"cannot reach {scheduler!r} ({exc})", parameter="scheduler") from None
    own = isinstance(scheduler, str)
    results = []
    try:
        futures = {}
        for job in todo:
            fut = client.submit(
                _remote_job, job, str(study.root), pdf, base_provenance, keys[job.name], pure=False
            )
            futures[fut] = job
            progress("start", job=job)
        for fut in dask_completed(list(futures)):
            job = futures[fut]
            try:
                res, files = fut.result()
            except Exception as exc:  # a worker died or could not run the job at all
                res, files = (
                    NotebookResult(
                        job.notebook.stem,
                        job.lang,
                        "failed",
                        0.0,
                        dict(job.parameters),
                        {},
                        f"notebook {job.notebook.stem} ({job.lang}): worker failed: "
                        f"{exc.__class__.__name__}: {exc}".splitlines()[0],
                        {},
                        "",
                        _now(),
                        job.label,
                        keys[job.name],
                    ),
                    {},
                )
            for name, blob in files.items():
                (work / name).write_bytes(blob)
            res = res.moved(work)
            progress("done", job=job, result=res)
            results.append(res)
    finally:
        if own:
            client.close()
    return results


def run_study(
    study: Study | str | os.PathLike[str],
    notebooks: Sequence[str] | None = None,
    *,
    params: Mapping[str, Any] | None = None,
    jobs: int | None = None,
    lang: str | Sequence[str] | None = None,
    pdf: bool = True,
    out: str | os.PathLike[str] | None = None,
    progress: ProgressFn | None = None,
    force: bool = False,
    scheduler: str | None = None,
) -> RunResult:
    """Execute a study's notebooks and write their reports and manifest.

    Parameters
    ----------
    study : Study or path
        A study or its folder (``"data/sample"``).
    notebooks : sequence of str, optional
        Which notebooks (see :func:`plan_run`).
    params : Mapping, optional
        Parameter overrides (see :func:`plan_run`).
    jobs : int, optional
        Notebooks executed at once (default: CPU count). Each runs in its own kernel process.
    lang : str or sequence of str, optional
        Report language(s); default the study's.
    pdf : bool, default True
        Also write PDF reports.
    out : path, optional
        Reports root (default ``reports/`` of the repository); the run goes to
        ``<out>/<study>/<run-id>/``.
    progress : callable, optional
        ``progress(event, **info)`` with events ``plan`` (jobs), ``start`` (job), ``cell``
        (job, index, total) and ``done`` (job, result). Called from worker threads.
    force : bool, default False
        Execute every notebook even when an earlier run has outputs for the same notebook
        source, parameters, language, input files and Quartiere code.
    scheduler : str, optional
        ``tcp://host:port`` of a dask.distributed scheduler to run the notebooks on (extra
        ``dask``); default local threads driving kernel processes.

    Returns
    -------
    RunResult
        ``ok`` is False when any notebook failed; the run folder then keeps each failed
        notebook's partial execution as ``FAILED-<name>.ipynb`` and ``latest`` is not moved.

    Raises
    ------
    ParameterError, SchemaError
        Before anything executes, for any parameter or configuration problem.

    Notes
    -----
    Kernels start in the parent's working directory (papermill's ``cwd`` changes the
    process-wide directory and is not thread-safe, papermill #473); notebooks receive the
    study as an absolute path instead. Kernels talk over IPC sockets in a private folder,
    so parallel starts cannot collide on TCP ports (papermill #511); a kernel that fails to
    start is retried twice. Reused outputs are hard links to the earlier run's files, and
    the manifest names the run they come from (``reused_from``).
    """
    if not isinstance(study, Study):
        study = load_study(study)
    planned = plan_run(study, notebooks, params=params, lang=lang)
    return _execute_jobs(
        planned,
        study,
        kind="run",
        jobs=jobs,
        pdf=pdf,
        out=out,
        progress=progress or _noop,
        force=force,
        scheduler=scheduler,
        title=study.title,
    )


# --- batches ---------------------------------------------------------------------------

_OVER_ALIASES = {
    "district": "districts",
    "comune": "districts",
    "comuni": "districts",
    "districts": "districts",
}


def plan_batch(
    study: Study | str | os.PathLike[str],
    notebook: str,
    *,
    over: str | None = None,
    grid: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]] | None = None,
    params: Mapping[str, Any] | None = None,
    lang: str | Sequence[str] | None = None,
) -> list[Job]:
    """One job per value of a study dimension (``over``) or per point of a parameter grid.

    Parameters
    ----------
    study : Study or path
    notebook : str
        One notebook (see :func:`find_notebooks`).
    over : str, optional
        ``"district"`` / ``"comune"``: every district of the study, passed to the notebook's
        parameter declared ``{@districts}``; or the name of a parameter with declared choices.
    grid : Mapping or sequence of Mapping, optional
        ``{name: [values]}`` (every combination) or a list of ``{name: value}`` points.
    params : Mapping, optional
        Fixed parameters for every job.
    lang : str or sequence of str, optional

    Returns
    -------
    list of Job
        Each labelled with its value(s); every job's parameters are validated.

    Raises
    ------
    ParameterError
        Neither or both of ``over`` and ``grid``; no parameter to vary; an invalid value.

    Examples
    --------
    >>> jobs = plan_batch("data/sample", "01", over="district")
    >>> [j.label for j in jobs][:2], jobs[0].parameters["focus_district"]
    (['Serenella', 'Borgo San Rocco'], 'Serenella')
    >>> [j.name for j in plan_batch("data/sample", "01", grid={"nido_share": [0.33, 0.45]})]
    ['01-profile-community.nido-share-0-33.it', '01-profile-community.nido-share-0-45.it']
    """
    if not isinstance(study, Study):
        study = load_study(study)
    if (over is None) == (grid is None):
        raise ParameterError("give either --over or --grid", parameter="over")
    (path,) = find_notebooks([notebook])
    specs = read_parameters(path)
    points: list[dict[str, Any]]
    if over is not None:
        source = _OVER_ALIASES.get(over)
        if source is not None:
            names = [s.name for s in specs if s.choices_from == source]
            if len(names) != 1:
                raise ParameterError(
                    f"notebook {path.stem} must declare exactly one parameter with {{@{source}}} "
                    f"to batch over {over!r}; it declares {len(names)}",
                    parameter="over",
                )
            values: Sequence[Any] = getattr(study, source)
            name = names[0]
        else:
            spec = next((s for s in specs if s.name == over), None)
            if spec is None or not (spec.choices or spec.choices_from):
                hint = ", ".join(s.name for s in specs if s.choices or s.choices_from) or "none"
                raise ParameterError(
                    f"use district, comune or a parameter with declared choices ({hint})",
                    parameter="over",
                )
            name = spec.name
            values = spec.choices or tuple(getattr(study, spec.choices_from or "", ()))
        points = [{name: v} for v in values]
    else:
        if isinstance(grid, Mapping):
            names = list(grid)
            for n in names:
                if isinstance(grid[n], (str, bytes)) or not isinstance(grid[n], Sequence):
                    raise ParameterError(f"grid values of {n!r} must be a list", parameter="grid")
            points = [
                dict(zip(names, combo, strict=True)) for combo in itertools.product(*grid.values())
            ]
        else:
            points = [dict(p) for p in grid or []]
        if not points:
            raise ParameterError("the grid is empty", parameter="grid")
    jobs: list[Job] = []
    for point in points:
        label = (
            ", ".join(str(v) for v in point.values())
            if over
            else ", ".join(f"{k} {v}" for k, v in point.items())
        )
        for job in plan_run(study, [str(path)], params={**(params or {}), **point}, lang=lang):
            jobs.append(dataclasses.replace(job, label=label))
    names_seen = [j.name for j in jobs]
    if len(set(names_seen)) != len(names_seen):
        raise ParameterError(
            "two grid points give the same file name; make values distinct", parameter="grid"
        )
    return jobs


def run_batch(
    study: Study | str | os.PathLike[str],
    notebook: str,
    *,
    over: str | None = None,
    grid: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]] | None = None,
    params: Mapping[str, Any] | None = None,
    jobs: int | None = None,
    lang: str | Sequence[str] | None = None,
    pdf: bool = True,
    out: str | os.PathLike[str] | None = None,
    progress: ProgressFn | None = None,
    force: bool = False,
    scheduler: Any = None,
) -> RunResult:
    """Execute one notebook once per district (or grid point): one report each, an index page,
    one manifest for the batch in ``reports/<study>/batch-<id>/``.

    Parameters are those of :func:`plan_batch` and :func:`run_study`; ``scheduler`` may also
    be a ``distributed.Client``.

    Returns
    -------
    RunResult
        ``ok`` is False when any job failed; failed jobs are listed with their error and the
        others complete.

    Examples
    --------
    >>> import tempfile
    >>> res = run_batch("data/sample", "01", grid=[{"focus_district": "Montecerro"}],
    ...                 pdf=False, out=tempfile.mkdtemp())
    >>> res.ok, res.run_dir.name.startswith("batch-"), sorted(p.name for p in res.run_dir.iterdir())
    (True, True, ['01-profile-community.focus-district-montecerro.it.html', '01-profile-community.focus-district-montecerro.it.ipynb', 'index.html', 'manifest.json'])
    """
    if not isinstance(study, Study):
        study = load_study(study)
    planned = plan_batch(study, notebook, over=over, grid=grid, params=params, lang=lang)
    title = f"{study.title}: {planned[0].notebook.stem}"
    return _execute_jobs(
        planned,
        study,
        kind="batch",
        jobs=jobs,
        pdf=pdf,
        out=out,
        progress=progress or _noop,
        force=force,
        scheduler=scheduler,
        title=title,
    )


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, pd.DataFrame):
        return obj.to_dict(orient="records")
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    return obj
