"""Small shared helpers of the evaluation package."""

from __future__ import annotations

from typing import Any

import pandas as pd


def show(value: Any) -> str:
    """Render a cell value for a one-line error message (no numpy reprs).

    Examples
    --------
    >>> import numpy as np
    >>> show(np.int64(3)), show("abc"), show(np.nan)
    ('3', "'abc'", 'missing')
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "missing"
    if hasattr(value, "item"):
        value = value.item()
    return repr(value) if isinstance(value, str) else str(value)


def parse_dates(values: pd.Series, column: str) -> pd.Series:
    """Parse ISO (``2026-03-31``) or Italian (``31/03/2026``) dates into ``datetime.date``.

    Day-first is the only reading of slashed dates (Italian offices never write month-first).

    Raises
    ------
    DataFileError
        A non-empty value that is neither format, naming its row (1-based) and column.

    Examples
    --------
    >>> parse_dates(pd.Series(["2026-03-01", "01/03/2026"]), "data").tolist()
    [datetime.date(2026, 3, 1), datetime.date(2026, 3, 1)]
    """
    from quartiere.errors import DataFileError

    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.date
    text = values.astype("string").str.strip().str.slice(0, 10)
    iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    ita = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
    parsed = iso.fillna(ita)
    bad = parsed.isna() & values.notna()
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise DataFileError(
            f"{show(values.iloc[pos])} is not a date; write 31/03/2026 or 2026-03-31",
            row=pos + 1,
            column=column,
        )
    return parsed.dt.date
