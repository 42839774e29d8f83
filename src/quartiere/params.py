"""Notebook parameters: read the ``parameters`` cell, validate values before any kernel starts.

A parameters cell declares one parameter per line, typed, with a help comment::

    focus_district: str = "Montecerro"  # district the report zooms on {@districts}
    lang: str = "it"  # report language {it|en}
    reference_year: int = 2026  # year the population data refer to

``{a|b|c}`` in the comment lists the allowed values; ``{@districts}`` takes them from the
study. papermill only warns about unknown or mistyped parameters (papermill #818); Quartiere
refuses them, naming the parameter, before executing anything.
"""

from __future__ import annotations

import ast
import difflib
import io
import os
import re
import tokenize
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import yaml

from quartiere.errors import NotebookError, ParameterError

__all__ = ["ParamSpec", "read_parameters", "parse_value", "validate_params", "params_frame"]

_SCALARS = {"int", "float", "str", "bool"}
_CHOICES = re.compile(r"\{(@?[\w|. -]+)\}\s*$")


@dataclass(frozen=True)
class ParamSpec:
    """One declared notebook parameter.

    Attributes
    ----------
    name : str
    type : str
        The annotation as written: ``int``, ``float``, ``str``, ``bool``, ``list[str]``,
        ``dict``, optionally ``| None``.
    default : Any
        The literal default.
    help : str
        The comment, without the choices marker.
    choices : tuple of str, optional
        Allowed values (``{a|b}``).
    choices_from : str, optional
        A study attribute giving the allowed values (``{@districts}`` -> ``"districts"``).
    """

    name: str
    type: str
    default: Any
    help: str = ""
    choices: tuple[str, ...] | None = None
    choices_from: str | None = None

    @property
    def optional(self) -> bool:
        return self.type.replace(" ", "").endswith("|None") or self.type.startswith("None|")

    @property
    def base(self) -> str:
        return self.type.replace(" ", "").replace("|None", "").replace("None|", "")


def _parameters_cell(nb: nbformat.NotebookNode, where: Path | None):
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            return cell
    raise NotebookError("has no cell tagged 'parameters'", path=where)


def read_parameters(notebook: str | os.PathLike[str] | nbformat.NotebookNode) -> list[ParamSpec]:
    """Read the declared parameters of a notebook.

    Parameters
    ----------
    notebook : str, PathLike or NotebookNode
        The ``.ipynb`` file (or a loaded notebook).

    Returns
    -------
    list of ParamSpec
        In declaration order.

    Raises
    ------
    NotebookError
        No ``parameters`` cell, a line that is not ``name: type = literal``, or a syntax error.

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook()
    >>> cell = nbformat.v4.new_code_cell('lang: str = "it"  # report language {it|en}')
    >>> cell.metadata["tags"] = ["parameters"]
    >>> nb.cells.append(cell)
    >>> read_parameters(nb)
    [ParamSpec(name='lang', type='str', default='it', help='report language', choices=('it', 'en'), choices_from=None)]
    """
    where = None
    if not isinstance(notebook, nbformat.NotebookNode):
        where = Path(notebook)
        try:
            notebook = nbformat.read(where, as_version=4)
        except FileNotFoundError:
            raise NotebookError("notebook not found", path=where) from None
    source = _parameters_cell(notebook, where).source
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise NotebookError(f"parameters cell, line {exc.lineno}: {exc.msg}", path=where) from None
    comments: dict[int, str] = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            comments[tok.start[0]] = tok.string.lstrip("#").strip()
    specs = []
    for node in tree.body:
        if not (
            isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value
        ):
            raise NotebookError(
                f"parameters cell, line {node.lineno}: declare parameters as "
                "'name: type = value  # help'",
                path=where,
            )
        try:
            default = ast.literal_eval(node.value)
        except ValueError:
            raise NotebookError(
                f"parameters cell, line {node.lineno}: the default of {node.target.id!r} "
                "must be a literal",
                path=where,
            ) from None
        text = comments.get(node.lineno, "")
        choices = choices_from = None
        m = _CHOICES.search(text)
        if m:
            text = text[: m.start()].strip()
            if m.group(1).startswith("@"):
                choices_from = m.group(1)[1:]
            else:
                choices = tuple(c.strip() for c in m.group(1).split("|"))
        specs.append(
            ParamSpec(
                node.target.id, ast.unparse(node.annotation), default, text, choices, choices_from
            )
        )
    return specs


def parse_value(text: str) -> Any:
    """Parse a command-line value as a YAML scalar (or flow list/dict).

    Examples
    --------
    >>> parse_value("5"), parse_value("0.33"), parse_value("yes"), parse_value("Porto Lido")
    (5, 0.33, True, 'Porto Lido')
    >>> parse_value("[a, b]")
    ['a', 'b']
    """
    try:
        return yaml.safe_load(text) if text.strip() else ""
    except yaml.YAMLError:
        return text


def _type_name(value: Any) -> str:
    return {str: "text", bool: "true/false", int: "a whole number", float: "a number"}.get(
        type(value), type(value).__name__
    )


def _coerce(spec: ParamSpec, value: Any, notebook: str) -> Any:
    def bad() -> ParameterError:
        return ParameterError(
            f"notebook {notebook} declares {spec.type}, got {value!r} ({_type_name(value)})",
            parameter=spec.name,
        )

    if value is None:
        if spec.optional:
            return None
        raise bad()
    base = spec.base
    if base == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad()
        return value
    if base == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad()
        return float(value)
    if base == "bool":
        if not isinstance(value, bool):
            raise bad()
        return value
    if base == "str":
        if isinstance(value, bool) or isinstance(value, (list, dict)):
            raise bad()
        return str(value)
    if base.startswith("list"):
        if not isinstance(value, list):
            raise bad()
        inner = base[5:-1] if base.startswith("list[") else ""
        if inner in _SCALARS:
            return [_coerce(ParamSpec(spec.name, inner, None), v, notebook) for v in value]
        return value
    if base.startswith("dict"):
        if not isinstance(value, dict):
            raise bad()
        return value
    return value  # an annotation we do not check (documented in DESIGN.md)


def validate_params(
    specs: list[ParamSpec],
    values: Mapping[str, Any],
    *,
    notebook: str = "notebook",
    study: Any = None,
) -> dict[str, Any]:
    """Check parameter values against the declarations; return the coerced values.

    Parameters
    ----------
    specs : list of ParamSpec
        From :func:`read_parameters`.
    values : Mapping
        Values to pass (already parsed; strings from the command line go through
        :func:`parse_value` first).
    notebook : str
        Notebook name for messages.
    study : Study, optional
        For ``{@attribute}`` choices (``{@districts}``).

    Returns
    -------
    dict
        Only the given names, with ints widened to float where a float is declared.

    Raises
    ------
    ParameterError
        Unknown name (with a did-you-mean), wrong type, or a value outside the choices.

    Examples
    --------
    >>> specs = [ParamSpec("reference_year", "int", 2026)]
    >>> validate_params(specs, {"reference_year": 2025})
    {'reference_year': 2025}
    >>> validate_params(specs, {"reference_year": "last"}, notebook="01-profile-community")
    Traceback (most recent call last):
    ...
    quartiere.errors.ParameterError: parameter 'reference_year': notebook 01-profile-community declares int, got 'last' (text)
    """
    by_name = {s.name: s for s in specs}
    out: dict[str, Any] = {}
    for name, value in values.items():
        spec = by_name.get(name)
        if spec is None:
            close = difflib.get_close_matches(name, list(by_name), n=1, cutoff=0.5)
            hint = f"did you mean {close[0]!r}?" if close else f"it has: {', '.join(by_name)}"
            raise ParameterError(
                f"notebook {notebook} has no such parameter; {hint}", parameter=name
            )
        value = _coerce(spec, value, notebook)
        allowed: tuple[Any, ...] | None = spec.choices
        if spec.choices_from is not None:
            allowed = tuple(getattr(study, spec.choices_from, ())) if study is not None else None
        if allowed is not None and value is not None and value not in allowed:
            close = difflib.get_close_matches(
                str(value), [str(a) for a in allowed], n=1, cutoff=0.5
            )
            hint = (
                f"did you mean {close[0]!r}?"
                if close
                else f"choose one of: {', '.join(map(str, allowed))}"
            )
            what = f"the study's {spec.choices_from}" if spec.choices_from else "the allowed values"
            raise ParameterError(f"{value!r} is not one of {what}; {hint}", parameter=name)
        out[name] = value
    return out


def params_frame(specs: list[ParamSpec]) -> pd.DataFrame:
    """Parameters as a table: ``name``, ``type``, ``default``, ``choices``, ``help``.

    Examples
    --------
    >>> params_frame([ParamSpec("lang", "str", "it", "report language", ("it", "en"))])
       name type default choices             help
    0  lang  str      it   it|en  report language
    """
    return pd.DataFrame(
        [
            {
                "name": s.name,
                "type": s.type,
                "default": repr(s.default) if isinstance(s.default, (list, dict)) else s.default,
                "choices": "|".join(s.choices)
                if s.choices
                else (f"@{s.choices_from}" if s.choices_from else ""),
                "help": s.help,
            }
            for s in specs
        ],
        columns=["name", "type", "default", "choices", "help"],
    )
