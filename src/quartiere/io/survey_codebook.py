"""Codebook of a survey file: variable labels, value labels, ordered categories.

Every survey reader (:mod:`quartiere.io.spss`, :mod:`quartiere.io.kobo`,
:mod:`quartiere.io.limesurvey`, :mod:`quartiere.io.survey_readers`) returns a
:class:`SurveyFile`: the data plus the :class:`Codebook` found in (or next to) the file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Codebook", "SurveyFile", "apply_value_labels"]


def _freeze(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Codebook:
    """What the file says about its variables.

    Parameters
    ----------
    variable_labels : mapping of str to str
        Question text by column.
    value_labels : mapping of str to mapping
        For labelled columns, ``{code: label}`` in code order (numeric codes sorted
        numerically, so Likert answers keep their order).
    ordered : frozenset of str
        Columns whose categories are ordered (Likert items, ordinal scales).
    groups : mapping of str to str
        Group (KoboToolbox ``begin_group``, LimeSurvey array question) of a column.
    multiple : mapping of str to tuple of str
        ``select_multiple`` question -> its 0/1 indicator columns.

    Examples
    --------
    >>> cb = Codebook(value_labels={"q1": {1: "Poco", 2: "Molto"}}, ordered=frozenset({"q1"}))
    >>> cb.categories("q1")
    ['Poco', 'Molto']
    >>> cb.to_frame()[["variable", "code", "value_label", "ordered"]]
      variable  code value_label  ordered
    0       q1     1        Poco     True
    1       q1     2       Molto     True
    """

    variable_labels: Mapping[str, str] = field(default_factory=dict)
    value_labels: Mapping[str, Mapping[Any, str]] = field(default_factory=dict)
    ordered: frozenset[str] = frozenset()
    groups: Mapping[str, str] = field(default_factory=dict)
    multiple: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "variable_labels", _freeze(self.variable_labels))
        object.__setattr__(
            self,
            "value_labels",
            _freeze({k: _freeze(v) for k, v in (self.value_labels or {}).items()}),
        )
        object.__setattr__(self, "ordered", frozenset(self.ordered))
        object.__setattr__(self, "groups", _freeze(self.groups))
        object.__setattr__(
            self, "multiple", _freeze({k: tuple(v) for k, v in (self.multiple or {}).items()})
        )

    def categories(self, variable: str) -> list[str]:
        """Labels of ``variable`` in code order (empty list if it has no value labels)."""
        return [str(v) for v in self.value_labels.get(variable, {}).values()]

    def codes(self, variable: str) -> dict[str, Any]:
        """Inverse value labels of ``variable``: ``{label: code}``."""
        return {str(label): code for code, label in self.value_labels.get(variable, {}).items()}

    def to_frame(self) -> pd.DataFrame:
        """One row per (variable, code); unlabelled variables get one row with NaN code.

        Returns
        -------
        pandas.DataFrame
            Columns ``variable``, ``label``, ``group``, ``code``, ``value_label``, ``ordered``.
        """
        names = list(dict.fromkeys([*self.variable_labels, *self.value_labels]))
        rows = []
        for var in names:
            base = {
                "variable": var,
                "label": self.variable_labels.get(var),
                "group": self.groups.get(var),
            }
            labels = self.value_labels.get(var)
            if labels:
                for code, lab in labels.items():
                    rows.append(
                        {**base, "code": code, "value_label": lab, "ordered": var in self.ordered}
                    )
            else:
                rows.append({**base, "code": np.nan, "value_label": None, "ordered": False})
        cols = ["variable", "label", "group", "code", "value_label", "ordered"]
        return pd.DataFrame(rows, columns=cols)


@dataclass(frozen=True)
class SurveyFile:
    """A survey file as read: data, codebook and where it came from.

    Attributes
    ----------
    data : pandas.DataFrame
        One row per respondent in file order; the index is ``0..n-1`` so that
        ``index + 1`` is the data row a spreadsheet user sees (header excluded).
    codebook : Codebook
        Labels found in the file (SPSS metadata, XLSForm) or given by the caller.
    path : pathlib.Path
        The data file.
    """

    data: pd.DataFrame
    codebook: Codebook
    path: Path

    def to_frame(self) -> pd.DataFrame:
        """A copy of the data."""
        return self.data.copy()


def _sort_codes(labels: Mapping[Any, str]) -> dict[Any, str]:
    def key(item: tuple[Any, str]) -> tuple[int, float, str]:
        code = item[0]
        try:
            return (0, float(code), "")
        except (TypeError, ValueError):
            return (1, 0.0, str(code))

    return dict(sorted(labels.items(), key=key))


def _same_code(value: Any) -> Any:
    """Normalise a code so that 1, 1.0 and "1" compare equal."""
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return int(value) if float(value).is_integer() else float(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            num = float(text.replace(",", "."))
        except ValueError:
            return text
        return int(num) if num.is_integer() else num
    return value


def apply_value_labels(frame: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Turn coded columns into categoricals of their labels, in code order.

    Parameters
    ----------
    frame : pandas.DataFrame
        Data with codes (numbers, or choice names as text).
    codebook : Codebook
        Value labels; columns listed in ``codebook.ordered`` become ordered.

    Returns
    -------
    pandas.DataFrame
        A copy; each labelled column is a ``Categorical`` whose categories are the labels
        in code order. A value that is neither a code nor a label is kept as an extra
        category after the labelled ones (so validation can name it), NaN stays NaN.

    Notes
    -----
    pyreadstat's own ``apply_value_formats`` orders categories alphabetically
    ("Abbastanza" before "Per niente"); this keeps the numeric order of the codes.

    Examples
    --------
    >>> cb = Codebook(value_labels={"q": {1: "Per niente", 2: "Abbastanza"}}, ordered={"q"})
    >>> out = apply_value_labels(pd.DataFrame({"q": [2.0, 1.0, None]}), cb)
    >>> list(out["q"].cat.categories), out["q"].tolist()
    (['Per niente', 'Abbastanza'], ['Abbastanza', 'Per niente', nan])
    """
    out = frame.copy()
    for col, labels in codebook.value_labels.items():
        if col not in out.columns or not labels:
            continue
        by_code = {_same_code(k): str(v) for k, v in _sort_codes(labels).items()}
        cats = list(dict.fromkeys(by_code.values()))
        known = set(cats)
        values: list[Any] = []
        extra: list[Any] = []
        for raw in out[col].tolist():
            if raw is None or (isinstance(raw, float) and np.isnan(raw)) or raw is pd.NA:
                values.append(np.nan)
                continue
            if isinstance(raw, str) and not raw.strip():
                values.append(np.nan)
                continue
            code = _same_code(raw)
            if code in by_code:
                values.append(by_code[code])
            elif str(raw).strip() in known:
                values.append(str(raw).strip())
            else:
                values.append(code)
                if code not in extra:
                    extra.append(code)
        out[col] = pd.Categorical(values, categories=cats + extra, ordered=col in codebook.ordered)
    return out


def as_path(path: str | os.PathLike[str]) -> Path:
    """``Path(path)`` (kept here so readers share one spelling)."""
    return Path(path)
