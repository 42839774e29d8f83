"""Record headline results in an executed notebook (:func:`glue`) and read them back.

``glue(name, value)`` displays a ``application/x-quartiere-glue+json`` output that no
report shows but that :func:`read_glued` (tests, the manifest, the synthesis notebook)
reads from the executed ``.ipynb``. Values must be JSON-like: numbers, strings, bools,
None, lists and dicts of those, or a DataFrame (stored as ``split`` JSON).
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from quartiere.errors import NotebookError, ParameterError

if TYPE_CHECKING:  # nbformat costs ~1 s to import; kernels only need glue()
    import nbformat

__all__ = ["glue", "read_glued", "GLUE_MIME"]

GLUE_MIME = "application/x-quartiere-glue+json"
_FRAME = "__dataframe__"


def _jsonable(value: Any, name: str) -> Any:
    if isinstance(value, pd.DataFrame):
        frame = json.loads(value.to_json(orient="split", date_format="iso", index=False))
        return {_FRAME: frame}
    if isinstance(value, pd.Series):
        return _jsonable(value.to_dict(), name)
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (np.floating, float)):
        v = float(value)
        return None if math.isnan(v) else v
    if isinstance(value, (int, str)) or value is None:
        return value
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v, name) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_jsonable(v, name) for v in list(value)]
    raise ParameterError(
        f"cannot glue a {type(value).__name__}; use numbers, text, lists, dicts or a DataFrame",
        parameter=name,
    )


def glue(name: str, value: Any, *, display: bool = True) -> dict[str, Any]:
    """Record ``value`` under ``name`` in the running notebook's outputs.

    Parameters
    ----------
    name : str
        Identifier (letters, digits, ``_`` and ``.``), unique within the notebook.
    value : number, str, bool, None, list, dict or DataFrame
        What to record (NaN is stored as None).
    display : bool, default True
        Emit the output (False only returns the bundle, for tests).

    Returns
    -------
    dict
        The mime bundle emitted.

    Raises
    ------
    ParameterError
        A bad name or a value that is not JSON-like.

    Examples
    --------
    >>> glue("montecerro.ageing_index", 363.2, display=False)
    {'application/x-quartiere-glue+json': {'name': 'montecerro.ageing_index', 'value': 363.2}}
    """
    if not isinstance(name, str) or not name or not all(c.isalnum() or c in "_." for c in name):
        raise ParameterError(
            f"glue names use letters, digits, '_' and '.', got {name!r}", parameter="name"
        )
    bundle = {GLUE_MIME: {"name": name, "value": _jsonable(value, name)}}
    if display:
        from IPython.display import display as _display

        _display(bundle, raw=True)
    return bundle


def _restore(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {_FRAME}:
        f = value[_FRAME]
        return pd.DataFrame(f["data"], columns=f["columns"])
    return value


def read_glued(path: str | os.PathLike[str] | nbformat.NotebookNode) -> dict[str, Any]:
    """Read every value glued in an executed notebook.

    Parameters
    ----------
    path : str, PathLike or NotebookNode
        The executed ``.ipynb`` (or an already loaded notebook).

    Returns
    -------
    dict
        ``{name: value}`` in glue order; DataFrames come back as DataFrames.

    Raises
    ------
    NotebookError
        The file is missing or not a notebook, or a name was glued twice.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> cell = nbformat.v4.new_code_cell("")
    >>> cell.outputs = [nbformat.v4.new_output("display_data", data=glue("n", 3, display=False))]
    >>> nb.cells.append(cell)
    >>> read_glued(nb)
    {'n': 3}
    """
    import nbformat

    if isinstance(path, nbformat.NotebookNode):
        nb, where = path, None
    else:
        where = Path(path)
        try:
            nb = nbformat.read(where, as_version=4)
        except FileNotFoundError:
            raise NotebookError("executed notebook not found", path=where) from None
        except Exception as exc:
            raise NotebookError(
                f"not a readable notebook ({exc.__class__.__name__})", path=where
            ) from None
    out: dict[str, Any] = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if GLUE_MIME in data:
                item = data[GLUE_MIME]
                if isinstance(item, str):
                    item = json.loads(item)
                if item["name"] in out:
                    raise NotebookError(f"{item['name']!r} is glued twice", path=where)
                out[item["name"]] = _restore(item["value"])
    return out
