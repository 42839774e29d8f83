"""Provenance: input hashes, package versions, git state, written as ``manifest.json``."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import sys
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from quartiere.io.tables import atomic_write

__all__ = [
    "file_sha256",
    "environment_info",
    "git_info",
    "input_hashes",
    "write_manifest",
    "KEY_PACKAGES",
]

KEY_PACKAGES = (
    "quartiere",
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "pingouin",
    "papermill",
    "nbconvert",
    "altair",
    "vl-convert-python",
    "weasyprint",
    "pabutools",
)


def file_sha256(path: str | os.PathLike[str], *, chunk: int = 1 << 20) -> str:
    """SHA-256 of a file, hex.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> _ = p.write_bytes(b"abc")
    >>> file_sha256(p)[:16]
    'ba7816bf8f01cfea'
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def environment_info(packages: tuple[str, ...] = KEY_PACKAGES) -> dict[str, Any]:
    """Python, platform and versions of the packages whose outputs reports rely on.

    Examples
    --------
    >>> info = environment_info(("pandas",))
    >>> sorted(info) == ["packages", "platform", "python"] and "pandas" in info["packages"]
    True
    """
    versions = {}
    for name in packages:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {"python": sys.version.split()[0], "platform": platform.platform(), "packages": versions}


def git_info(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Commit and dirtiness of the git checkout holding ``path`` (``None`` outside git).

    Examples
    --------
    >>> sorted(git_info("."))
    ['commit', 'dirty']
    """

    def git(*args: str) -> str | None:
        try:
            res = subprocess.run(
                ["git", "-C", str(path), *args],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return res.stdout.strip() if res.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": None, "dirty": None}
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status)}


def input_hashes(files: Mapping[str, Path], root: Path) -> dict[str, dict[str, Any]]:
    """``{key: {"path": relative path, "sha256": ..., "bytes": ...}}`` for a study's inputs.

    Examples
    --------
    >>> from quartiere import load_study
    >>> s = load_study("data/sample")
    >>> input_hashes(s.files, s.root)["population"]["path"]
    'population.csv'
    """
    out = {}
    for key, path in files.items():
        p = Path(path)
        try:
            rel = str(p.relative_to(root))
        except ValueError:
            rel = str(p)
        out[key] = {"path": rel, "sha256": file_sha256(p), "bytes": p.stat().st_size}
    return out


_SKIP_SUFFIXES = (".sqlite-wal", ".sqlite-shm", ".sqlite-journal", ".pyc")


def study_inputs(study: Any) -> dict[str, dict[str, Any]]:
    """Hashes of every file of a study: ``study.yml``, each ``files:`` entry under its key, and
    every other file in the study folder under its relative path (a transcript corpus, an
    agenda, a names list), so that a run's manifest can name any input that changed.

    Hidden files and SQLite side files (``-wal``, ``-shm``) are left out.

    Examples
    --------
    >>> from quartiere import load_study
    >>> hashes = study_inputs(load_study("data/sample"))
    >>> "population" in hashes and "study.yml" in hashes and "interviews/names.txt" in hashes
    True
    """
    root = Path(study.root)
    declared = {"study.yml": study.config_path, **study.files}
    seen = {Path(p).resolve() for p in declared.values()}
    extra: dict[str, Path] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if (
            not path.is_file()
            or any(part.startswith(".") or part == "__pycache__" for part in rel.parts)
            or path.name.endswith(_SKIP_SUFFIXES)
            or path.resolve() in seen
        ):
            continue
        extra[rel.as_posix()] = path
    return input_hashes({**declared, **extra}, root)


def write_manifest(path: str | os.PathLike[str], data: Mapping[str, Any]) -> Path:
    """Write ``manifest.json`` atomically (UTF-8, indented, keys in insertion order).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = write_manifest(pathlib.Path(tempfile.mkdtemp()) / "manifest.json", {"ok": True})
    >>> json.loads(p.read_text())
    {'ok': True}
    """
    path = Path(path)
    with atomic_write(path) as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2, default=str)
        fh.write("\n")
    return path
