"""A methods appendix generated from the Notes of the helpers each report called.

Every public helper of Quartiere documents its method in the ``Notes`` section of its
numpydoc docstring (which test, which variance estimator, which missing-data policy). The
appendix reads the code cells of the executed notebooks of a run, finds the ``quartiere``
helpers they call (through their imports and aliases) and collects those Notes, so the
appendix always matches the code that produced the numbers.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["helpers_used", "notes_of", "methods_frame"]

# helpers that only format or draw: their Notes describe layout, not method
_PRESENTATION = ("_table", "_chart", "_text", "_report", "_map", "headlines")


def _imports(tree: ast.AST) -> dict[str, str]:
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("quartiere"):
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("quartiere"):
                    names[alias.asname or alias.name.split(".")[0]] = (
                        alias.name if alias.asname else alias.name.split(".")[0]
                    )
    return names


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def helpers_used(sources: list[str]) -> list[str]:
    """Fully qualified ``quartiere`` callables called in some code, in first-call order.

    Parameters
    ----------
    sources : list of str
        Code cells (a cell that does not parse, e.g. with IPython magics, is skipped).

    Returns
    -------
    list of str
        ``["quartiere.survey.rake", ...]`` (as written through the import path).

    Examples
    --------
    >>> helpers_used(["from quartiere import survey as sv", "w = sv.rake(df, m)", "sv.rake(x, m)"])
    ['quartiere.survey.rake']
    """
    trees = []
    for src in sources:
        try:
            trees.append(ast.parse(src))
        except SyntaxError:
            continue
    names: dict[str, str] = {}
    for tree in trees:
        names.update(_imports(tree))
    out: list[str] = []
    for tree in trees:
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
        calls.sort(key=lambda n: (n.lineno, n.col_offset))
        for call in calls:
            dotted = _dotted(call.func)
            if not dotted:
                continue
            head, _, rest = dotted.partition(".")
            if head not in names:
                continue
            full = names[head] + (f".{rest}" if rest else "")
            if full not in out:
                out.append(full)
    return out


def _resolve(qualname: str) -> Any:
    parts = qualname.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def notes_of(obj: Any) -> str:
    """The ``Notes`` section of an object's numpydoc docstring, as one paragraph of text.

    Examples
    --------
    >>> def f():
    ...     '''Do it.
    ...
    ...     Notes
    ...     -----
    ...     Welch's test, ``unequal`` variances.
    ...
    ...     Examples
    ...     --------
    ...     '''
    >>> notes_of(f)
    "Welch's test, unequal variances."
    """
    doc = inspect.getdoc(obj) or ""
    m = re.search(r"^Notes\n-{3,}\n(.*?)(?=^\w[\w ]*\n-{3,}$|\Z)", doc, re.S | re.M)
    if not m:
        return ""
    text = re.sub(r"``([^`]+)``", r"\1", m.group(1))
    text = re.sub(r":\w+:`~?([^`]+)`", r"\1", text)
    return " ".join(text.split())


def methods_frame(
    run_dir: str | os.PathLike[str], *, lang: str, notebooks: Iterable[str] | None = None
) -> pd.DataFrame:
    """Methods of every report of a run: the Notes of each helper its notebook called.

    Parameters
    ----------
    run_dir : str or PathLike
        Run folder with executed notebooks ``<stem>.<lang>.ipynb``.
    lang : {"it", "en"}
        Which executed notebooks to read (the code is the same in both).
    notebooks : iterable of str, optional
        Notebook stems to read (default every numbered notebook in the folder); the
        synthesis passes the notebooks it read, never itself.

    Returns
    -------
    pandas.DataFrame
        ``notebook``, ``helper`` (qualified name), ``notes`` (text); helpers without Notes
        and presentation helpers (``*_table``, ``*_chart``, ``*_text``, ...) are left out,
        each helper is listed once (under the first notebook calling it).

    Notes
    -----
    Only code cells are read (never re-executed); helpers are resolved by importing the
    installed ``quartiere`` package, so the Notes are those of the code in use.

    Examples
    --------
    >>> import tempfile
    >>> methods_frame(tempfile.mkdtemp(), lang="it").columns.tolist()
    ['notebook', 'helper', 'notes']
    """
    import nbformat

    rows = []
    seen: set[str] = set()
    folder = Path(run_dir)
    pattern = re.compile(rf"^(\d\d-[\w-]+)\.{lang}\.ipynb$")
    wanted = set(notebooks) if notebooks is not None else None
    paths = sorted(
        p
        for p in folder.glob(f"*.{lang}.ipynb")
        if (m := pattern.match(p.name)) and (wanted is None or m.group(1) in wanted)
    )
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        sources = [c.source for c in nb.cells if c.cell_type == "code"]
        for name in helpers_used(sources):
            if name.rsplit(".", 1)[-1].endswith(_PRESENTATION):
                continue
            obj = _resolve(name)
            if obj is None or not callable(obj):
                continue
            target = f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', name)}"
            if target in seen:
                continue
            notes = notes_of(obj)
            if not notes:
                continue
            seen.add(target)
            rows.append({"notebook": path.name.split(".")[0], "helper": name, "notes": notes})
    return pd.DataFrame(rows, columns=["notebook", "helper", "notes"])
