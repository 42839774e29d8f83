"""Errors and warnings raised on purpose by Quartiere.

Every error a user can trigger with bad input or a wrong parameter is a
:class:`QuartiereError` subclass. Its message is one line that names the
culprit (file, row, column or parameter) and, where possible, the fix, e.g.
``survey.csv, row 12, column q3: 7 is outside the scale 1-5``. The command
line prints that line without a traceback.

Examples
--------
>>> from quartiere.errors import DataFileError
>>> err = DataFileError("7 is outside the scale 1-5", path="survey.csv", row=12, column="q3")
>>> str(err)
'survey.csv, row 12, column q3: 7 is outside the scale 1-5'
>>> err.row
12
"""

from __future__ import annotations

import os
from typing import Any

__all__ = [
    "QuartiereError",
    "DataFileError",
    "SchemaError",
    "CodebookError",
    "ParameterError",
    "PrivacyError",
    "WorkshopError",
    "NotebookError",
    "QuartiereWarning",
]


class QuartiereError(Exception):
    """Base of every error Quartiere raises on purpose.

    Parameters
    ----------
    message : str
        What is wrong, and the fix where there is one.
    path : str or os.PathLike, optional
        The file at fault; only its name is shown, the full path is kept in ``.path``.
    row : int, optional
        1-based data row (header excluded) as a spreadsheet user counts it.
    column : str, optional
        Column (or key) at fault.
    parameter : str, optional
        Function or notebook parameter at fault.
    key : str, optional
        Dotted key in a YAML file (``privacy.threshold``).

    Notes
    -----
    ``str(err)`` is a single line: ``<file>, row <n>, column <c>, key <k>, parameter <p>: <message>``
    with absent parts left out.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | os.PathLike[str] | None = None,
        row: int | None = None,
        column: Any = None,
        parameter: str | None = None,
        key: str | None = None,
    ) -> None:
        self.message = " ".join(str(message).split())
        self.path = os.fspath(path) if path is not None else None
        self.row = row
        self.column = column
        self.parameter = parameter
        self.key = key
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.path is not None:
            where.append(os.path.basename(self.path) or self.path)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        if self.key is not None:
            where.append(f"key {self.key!r}")
        if self.parameter is not None:
            where.append(f"parameter {self.parameter!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message

    def __reduce__(self):  # keep fields across pickling (process pools, dask)
        return (
            _rebuild,
            (type(self), self.message, self.path, self.row, self.column, self.parameter, self.key),
        )


def _rebuild(cls, message, path, row, column, parameter, key=None):
    return cls(message, path=path, row=row, column=column, parameter=parameter, key=key)


class DataFileError(QuartiereError):
    """An input file cannot be read or holds values that break its rules."""


class SchemaError(QuartiereError):
    """A configuration (``study.yml``, agenda, survey schema) is malformed."""


class CodebookError(QuartiereError):
    """A code, category or label is missing from, or clashes with, its codebook."""


class ParameterError(QuartiereError, ValueError):
    """A function or notebook parameter has a wrong name, type or value."""


class PrivacyError(QuartiereError):
    """Publishing would disclose personal data or cells under the threshold."""


class WorkshopError(QuartiereError):
    """A workshop action is not allowed (closed question, unknown code, double vote)."""


class NotebookError(QuartiereError):
    """A notebook failed while executing or rendering."""


class QuartiereWarning(UserWarning):
    """A recoverable oddity; the message says what was done about it."""
