"""Run a study's notebooks with papermill and render their reports.

``run_study`` validates every parameter of every selected notebook first (no kernel
starts on a typo), then executes the notebooks in parallel threads, each driving its own
kernel process through papermill's Python API, and renders each executed notebook to HTML
(and PDF) as soon as it finishes. A run is written in a temporary folder beside the
earlier runs and renamed into place at the end, so an earlier good run is never touched;
``reports/<study>/latest`` points at the newest run in which every notebook succeeded.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
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
    "plan_run",
    "run_study",
    "read_params_file",
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
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SchemaError("parameters file not found", path=path) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise SchemaError(f"{where}invalid YAML", path=path) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SchemaError("must be a mapping of parameter names to values", path=path)
    return data


@dataclass(frozen=True)
class Job:
    """One notebook execution in one language, with validated parameters."""

    notebook: Path
    lang: str
    parameters: Mapping[str, Any]

    @property
    def name(self) -> str:
        return f"{self.notebook.stem}.{self.lang}"


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
        """One row per job: ``notebook``, ``lang``, ``status``, ``duration``, ``html``, ``pdf``, ``error``."""
        return pd.DataFrame(
            [
                {
                    "notebook": r.notebook,
                    "lang": r.lang,
                    "status": r.status,
                    "duration": r.duration,
                    "html": str(r.outputs.get("html", "")),
                    "pdf": str(r.outputs.get("pdf", "")),
                    "error": r.error,
                }
                for r in self.results
            ],
            columns=["notebook", "lang", "status", "duration", "html", "pdf", "error"],
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
        if not any(name in {s.name for s in sp} for sp in specs.values()):
            every = sorted({s.name for sp in specs.values() for s in sp} - {"study", "lang"})
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
) -> NotebookResult:
    from quartiere.report.render import render_html, render_pdf

    started, t0 = _now(), time.perf_counter()
    progress("start", job=job)
    ipynb = work / f"{job.name}.ipynb"
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
        res = NotebookResult(
            job.notebook.stem,
            job.lang,
            "failed",
            time.perf_counter() - t0,
            dict(job.parameters),
            outputs,
            str(exc),
            {},
            started,
            _now(),
        )
        progress("done", job=job, result=res)
        return res
    ipynb.with_suffix(".kernel.log").unlink(missing_ok=True)
    glued = read_glued(ipynb)
    finished = _now()
    shown = {k: v for k, v in job.parameters.items() if k != "study"}
    provenance = {
        **base_provenance,
        "notebook": f"{job.notebook.stem} ({job.lang})",
        "parameters": shown,
        "started": started,
        "finished": finished,
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
    except QuartiereError as exc:
        res = NotebookResult(
            job.notebook.stem,
            job.lang,
            "failed",
            time.perf_counter() - t0,
            dict(job.parameters),
            outputs,
            f"notebook {job.notebook.stem} ({job.lang}): rendering failed: {exc}",
            glued,
            started,
            _now(),
        )
        progress("done", job=job, result=res)
        return res
    res = NotebookResult(
        job.notebook.stem,
        job.lang,
        "ok",
        time.perf_counter() - t0,
        dict(job.parameters),
        outputs,
        None,
        glued,
        started,
        finished,
    )
    progress("done", job=job, result=res)
    return res


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
    study as an absolute path instead. A kernel that fails to start (port collision,
    papermill #511) is retried twice.
    """
    if not isinstance(study, Study):
        study = load_study(study)
    planned = plan_run(study, notebooks, params=params, lang=lang)
    progress = progress or _noop
    progress("plan", jobs=planned)
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise ParameterError(f"must be a whole number >= 1, got {jobs!r}", parameter="jobs")
    workers = min(jobs or os.cpu_count() or 1, len(planned))

    root = Path(out) if out is not None else REPORTS
    study_dir = root / study.name
    study_dir.mkdir(parents=True, exist_ok=True)
    run_id = _dt.datetime.now().strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(2)
    work = study_dir / f".tmp-{run_id}"
    work.mkdir()
    started = _now()
    inputs = _manifest.input_hashes({"study.yml": study.config_path, **study.files}, study.root)
    env = _manifest.environment_info()
    git = _manifest.git_info(NOTEBOOKS)
    base_provenance = {
        "study": f"{study.title} ({study.name})",
        "inputs": {k: v["sha256"][:12] for k, v in inputs.items()},
        "versions": {k: v for k, v in env["packages"].items() if v},
        "commit": (git["commit"] or "-")[:12] + (" (dirty)" if git.get("dirty") else ""),
        "run": run_id,
    }
    results: list[NotebookResult] = []
    try:
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
                )
                for job in planned
            ]
            for fut in as_completed(futures):
                results.append(fut.result())
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    order = {job.name: i for i, job in enumerate(planned)}
    results.sort(key=lambda r: order[f"{r.notebook}.{r.lang}"])
    ok = all(r.status == "ok" for r in results)
    final = study_dir / run_id
    data = {
        "quartiere": env["packages"].get("quartiere"),
        "run_id": run_id,
        "status": "ok" if ok else "failed",
        "started": started,
        "finished": _now(),
        "study": {"name": study.name, "title": study.title, "root": str(study.root)},
        "git": git,
        "environment": env,
        "inputs": inputs,
        "notebooks": [
            {
                "notebook": r.notebook,
                "lang": r.lang,
                "status": r.status,
                "parameters": {k: v for k, v in r.parameters.items() if k != "study"},
                "started": r.started,
                "finished": r.finished,
                "duration_s": round(r.duration, 3),
                "error": r.error,
                "outputs": {
                    kind: {"path": p.name, "sha256": _manifest.file_sha256(p)}
                    for kind, p in r.outputs.items()
                },
                "glued": r.glued,
            }
            for r in results
        ],
    }
    _manifest.write_manifest(work / "manifest.json", _jsonable(data))
    os.rename(work, final)
    results = [
        NotebookResult(
            r.notebook,
            r.lang,
            r.status,
            r.duration,
            r.parameters,
            {k: final / p.name for k, p in r.outputs.items()},
            r.error,
            r.glued,
            r.started,
            r.finished,
        )
        for r in results
    ]
    if ok:
        _update_latest(study_dir, run_id)
    return RunResult(study.name, run_id, final, ok, tuple(results), final / "manifest.json")


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, pd.DataFrame):
        return obj.to_dict(orient="records")
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    return obj
