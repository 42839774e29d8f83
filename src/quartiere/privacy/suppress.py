"""Small-cell suppression for tables that leave the analyst's screen."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from quartiere.errors import ParameterError

__all__ = ["suppress_small_cells", "DEFAULT_THRESHOLD"]

DEFAULT_THRESHOLD = 5


def suppress_small_cells(
    frame: pd.DataFrame,
    *,
    n: str = "n",
    threshold: int = DEFAULT_THRESHOLD,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Blank the values of rows computed on fewer than ``threshold`` people.

    Parameters
    ----------
    frame : pandas.DataFrame
        A published table with one count column.
    n : str, default "n"
        Name of the count column (people behind each row).
    threshold : int, default 5
        Rows with ``n < threshold`` are suppressed. The study's ``privacy.threshold``.
    columns : sequence of str, optional
        Value columns to blank. Default: every numeric column except ``n``.

    Returns
    -------
    pandas.DataFrame
        A copy with the same columns plus a boolean ``suppressed``; suppressed rows have
        NaN in ``columns``. The count itself stays (it is below the threshold by
        definition, so the report shows ``< threshold`` in its place).

    Raises
    ------
    ParameterError
        ``n`` or a name in ``columns`` is not a column, or ``threshold`` is not a
        positive integer.

    Notes
    -----
    Primary suppression only: a suppressed cell may still be recoverable from row or
    column totals published alongside it. Publish totals computed on unsuppressed data
    only when each total's own ``n`` is above the threshold and at least two cells of
    its margin are suppressed, or suppress one more cell (secondary suppression).

    Examples
    --------
    >>> t = pd.DataFrame({"district": ["A", "B"], "n": [40, 3], "estimate": [0.5, 0.9]})
    >>> suppress_small_cells(t, threshold=5)
      district   n  estimate  suppressed
    0        A  40       0.5       False
    1        B   3       NaN        True
    """
    if isinstance(threshold, bool) or not isinstance(threshold, (int, np.integer)) or threshold < 1:
        raise ParameterError(
            f"must be a positive whole number, got {threshold!r}", parameter="threshold"
        )
    if n not in frame.columns:
        raise ParameterError(f"no column {n!r} in the table to count people", parameter="n")
    if columns is None:
        columns = [c for c in frame.select_dtypes("number").columns if c != n and c != "suppressed"]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParameterError(f"no column(s) {', '.join(map(repr, missing))}", parameter="columns")
    out = frame.copy()
    small = (out[n] < threshold).fillna(False).to_numpy(dtype=bool)
    for col in columns:
        out[col] = out[col].astype("float64").where(~small)
    out["suppressed"] = small
    return out
