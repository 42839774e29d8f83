"""``quartiere verify RUN_DIR``: re-execute a run from its manifest and compare every result.

A run folder holds ``manifest.json`` (parameters of every notebook, SHA-256 of every input
file) and the executed notebooks. Verification checks each input file against its hash
(a changed or missing file is named), executes the same notebooks with the same parameters
and languages again in a scratch folder, and compares, value by value, every glued result
and every table the reports show.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd

from quartiere.errors import ParameterError, SchemaError
from quartiere.notebook import read_glued
from quartiere.report.manifest import study_inputs

__all__ = ["VerifyResult", "check_inputs", "compare_notebooks", "verify_run"]

_COLUMNS = ["notebook", "lang", "name", "status", "old", "new"]
_TABLE = re.compile(r'<figure class="q-figure q-table-figure".*?</figure>', re.S)
_CAPTION = re.compile(r"<figcaption>(.*?)</figcaption>", re.S)


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of :func:`verify_run`.

    Attributes
    ----------
    run_dir : Path
        The run verified.
    changed_inputs : tuple of (str, str, str)
        ``(key, relative path, what)`` for each input whose file no longer matches its
        SHA-256 (``what`` is ``changed``, ``missing`` or ``new``).
    frame : pandas.DataFrame
        One row per compared value (see :meth:`to_frame`).
    rerun_dir : Path or None
        Where the re-execution was written (None when it was removed).
    failed : tuple of str
        Notebooks that failed when re-executed (their values are ``missing``).
    """

    run_dir: Path
    changed_inputs: tuple[tuple[str, str, str], ...] = ()
    frame: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=_COLUMNS))
    rerun_dir: Path | None = None
    failed: tuple[str, ...] = ()

    @property
    def identical(self) -> bool:
        """True when no input changed and every value is identical."""
        return (
            not self.changed_inputs
            and not self.failed
            and bool((self.frame["status"] == "identical").all())
        )

    @property
    def reproduced(self) -> bool:
        """True when no input changed and every value is identical or ``close``."""
        return (
            not self.changed_inputs
            and not self.failed
            and bool(self.frame["status"].isin(["identical", "close"]).all())
        )

    def to_frame(self) -> pd.DataFrame:
        """``notebook``, ``lang``, ``name`` (glued name, or ``table N: caption``), ``status``
        (``identical``, ``close``, ``different``, ``missing``), ``old``, ``new`` (short text
        forms)."""
        return self.frame.copy()


def check_inputs(manifest: Mapping[str, Any], root: Path) -> list[tuple[str, str, str]]:
    """Input files of a manifest that no longer match their SHA-256.

    Parameters
    ----------
    manifest : Mapping
        The run's manifest (``inputs: {key: {path, sha256}}``).
    root : Path
        The study folder the paths are relative to.

    Returns
    -------
    list of (key, path, what)
        ``what`` is ``changed`` or ``missing``.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> _ = (root / "a.csv").write_text("x")
    >>> m = {"inputs": {"a": {"path": "a.csv", "sha256": "0"}, "b": {"path": "b.csv", "sha256": "0"}}}
    >>> check_inputs(m, root)
    [('a', 'a.csv', 'changed'), ('b', 'b.csv', 'missing')]
    """
    from quartiere.report.manifest import file_sha256

    out = []
    for key, info in manifest.get("inputs", {}).items():
        path = root / info["path"]
        if not path.exists():
            out.append((key, info["path"], "missing"))
        elif file_sha256(path) != info["sha256"]:
            out.append((key, info["path"], "changed"))
    return out


def _short(value: Any) -> str:
    if isinstance(value, pd.DataFrame):
        return f"table {value.shape[0]}x{value.shape[1]}"
    text = json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)
    return text if len(text) <= 80 else text[:77] + "..."


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, pd.DataFrame) or isinstance(b, pd.DataFrame):
        return (
            isinstance(a, pd.DataFrame)
            and isinstance(b, pd.DataFrame)
            and list(a.columns) == list(b.columns)
            and a.shape == b.shape
            and a.equals(b)
        )
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


def _close(a: Any, b: Any, rtol: float) -> bool:
    """Equal up to a relative tolerance on every number (same structure otherwise)."""
    if isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame):
        if list(a.columns) != list(b.columns) or a.shape != b.shape:
            return False
        return all(
            _close(x, y, rtol)
            for col in a.columns
            for x, y in zip(a[col].tolist(), b[col].tolist(), strict=True)
        )
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
            return True
        return math.isclose(a, b, rel_tol=rtol, abs_tol=0.0)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k], rtol) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y, rtol) for x, y in zip(a, b, strict=True))
    return _same(a, b)


def _status(a: Any, b: Any, rtol: float) -> str:
    if _same(a, b):
        return "identical"
    if rtol > 0 and _close(a, b, rtol):
        return "close"
    return "different"


def _tables(path: Path) -> list[tuple[str, str]]:
    nb = nbformat.read(path, as_version=4)
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            page = o.get("data", {}).get("text/html")
            if page is None:
                continue
            page = "".join(page) if isinstance(page, list) else page
            for fig in _TABLE.findall(page):
                cap = _CAPTION.search(fig)
                caption = re.sub(r"<[^>]+>", "", cap.group(1)).strip() if cap else ""
                out.append((caption, fig))
    return out


def compare_notebooks(
    old: Path, new: Path | None, *, notebook: str, lang: str, rtol: float = 0.0
) -> pd.DataFrame:
    """Compare the glued values and report tables of two executions of one notebook.

    Parameters
    ----------
    old, new : Path
        Executed notebooks (``new`` None when the re-execution produced none).
    notebook, lang : str
        For the rows.
    rtol : float, default 0
        When positive, glued numbers that differ by at most this relative amount are
        reported ``close`` instead of ``different``.

    Returns
    -------
    pandas.DataFrame
        ``notebook``, ``lang``, ``name``, ``status`` (``identical``, ``close``,
        ``different``, ``missing``), ``old``, ``new``.

    Notes
    -----
    Values are identical only when exactly equal (floats bit for bit, tables with the
    same columns, shape and cells, as ``DataFrame.equals``); report tables are compared
    as the HTML the report shows, in order, named by their caption.

    Examples
    --------
    >>> import tempfile
    >>> from quartiere.notebook import glue
    >>> d = Path(tempfile.mkdtemp())
    >>> for name, v in (("a", 1.5), ("b", 1.5000001)):
    ...     nb = nbformat.v4.new_notebook()
    ...     c = nbformat.v4.new_code_cell("")
    ...     c.outputs = [nbformat.v4.new_output("display_data", data=glue("x", v, display=False))]
    ...     nb.cells = [c]
    ...     nbformat.write(nb, d / f"{name}.ipynb")
    >>> compare_notebooks(d / "a.ipynb", d / "b.ipynb", notebook="01", lang="it")[["name", "status"]]
      name     status
    0    x  different
    """
    rows = []
    before = read_glued(old)
    after = read_glued(new) if new is not None and new.exists() else {}
    for name in list(before) + [n for n in after if n not in before]:
        if name not in before or name not in after:
            status = "missing"
        else:
            status = _status(before[name], after[name], rtol)
        rows.append(
            {
                "notebook": notebook,
                "lang": lang,
                "name": name,
                "status": status,
                "old": _short(before[name]) if name in before else None,
                "new": _short(after[name]) if name in after else None,
            }
        )
    t_old = _tables(old)
    t_new = _tables(new) if new is not None and new.exists() else []
    for i in range(max(len(t_old), len(t_new))):
        a = t_old[i] if i < len(t_old) else None
        b = t_new[i] if i < len(t_new) else None
        caption = (a or b)[0]  # type: ignore[index]
        status = (
            "missing" if a is None or b is None else ("identical" if a[1] == b[1] else "different")
        )
        rows.append(
            {
                "notebook": notebook,
                "lang": lang,
                "name": f"table {i + 1}: {caption}"[:90],
                "status": status,
                "old": a[0] if a else None,
                "new": b[0] if b else None,
            }
        )
    return pd.DataFrame(rows, columns=_COLUMNS)


def verify_run(
    run_dir: str | Path,
    *,
    jobs: int | None = None,
    keep: bool = False,
    out: str | Path | None = None,
    rtol: float = 0.0,
) -> VerifyResult:
    """Re-execute a run from its manifest and compare every glued value and report table.

    Parameters
    ----------
    run_dir : str or Path
        ``reports/<study>/<run-id>`` (with ``manifest.json``).
    jobs : int, optional
        Notebooks executed at once.
    keep : bool, default False
        Keep the re-execution's folder (its path is in ``rerun_dir``).
    out : path, optional
        Where to write the re-execution (default a temporary folder).
    rtol : float, default 0
        Relative tolerance under which differing numbers are reported ``close`` (for
        results of iterative optimisers that are not bit-for-bit reproducible).

    Returns
    -------
    VerifyResult
        ``identical`` is True when no input changed and every value matches.

    Raises
    ------
    SchemaError
        No manifest, or a manifest of a batch (verify the notebook's runs instead), or the
        study folder named in it no longer exists.

    Notes
    -----
    The same notebooks run again with the parameters and languages the manifest records
    (``force``: nothing is reused), without PDF. Input files are checked against their
    SHA-256 first: a changed file is named in ``changed_inputs`` (and the re-execution,
    which reads the file as it is now, shows which values it changes). Randomness in
    Quartiere's helpers takes the study's ``seed``, so an unchanged run reproduces exactly.
    """
    from quartiere.pipeline import run_study
    from quartiere.study import load_study

    run_dir = Path(run_dir)
    path = run_dir / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SchemaError("no manifest.json here: is this a run folder?", path=path) from None
    except ValueError:
        raise SchemaError("manifest.json is not valid JSON", path=path) from None
    if manifest.get("kind") == "batch":
        raise SchemaError("verify works on runs, not batches", path=path)
    root = Path(manifest["study"]["root"])
    if not (root / "study.yml").exists():
        raise SchemaError(f"the study folder {root} of this run no longer exists", path=path)
    changed = check_inputs(manifest, root)
    study = load_study(root)
    recorded = {k for k in manifest.get("inputs", {})}
    for key, info in study_inputs(study).items():
        if key not in recorded:
            changed.append((key, info["path"], "new"))
    entries = [e for e in manifest.get("notebooks", []) if e.get("status") == "ok"]
    if not entries:
        raise SchemaError("the manifest lists no successful notebook to verify", path=path)
    stems = list(dict.fromkeys(e["notebook"] for e in entries))
    langs = list(dict.fromkeys(e["lang"] for e in entries))
    params: dict[str, Any] = {}
    for e in entries:
        values = {k: v for k, v in e.get("parameters", {}).items() if k not in {"lang", "study"}}
        params[e["notebook"]] = values
    from quartiere.pipeline import find_notebooks

    try:
        paths = find_notebooks(stems)
    except ParameterError as exc:
        raise SchemaError(f"a notebook of this run is gone ({exc})", path=path) from None
    scratch = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="quartiere-verify-"))
    res = run_study(
        study,
        [str(p) for p in paths],
        params=params,
        lang=langs,
        jobs=jobs,
        pdf=False,
        out=scratch,
        force=True,
    )
    frames = []
    failed = []
    new_by = {(r.notebook, r.lang): r for r in res.results}
    for e in entries:
        old = run_dir / e["outputs"]["ipynb"]["path"]
        r = new_by.get((e["notebook"], e["lang"]))
        new = r.outputs.get("ipynb") if r is not None and r.status == "ok" else None
        if new is None:
            failed.append(f"{e['notebook']} ({e['lang']})")
        frames.append(
            compare_notebooks(old, new, notebook=e["notebook"], lang=e["lang"], rtol=rtol)
        )
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=_COLUMNS)
    rerun = res.run_dir
    if not keep and out is None:
        shutil.rmtree(scratch, ignore_errors=True)
        rerun = None
    return VerifyResult(run_dir, tuple(changed), frame, rerun, tuple(failed))
