"""LimeSurvey CSV exports (``Q[SQ]`` array columns)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from quartiere.errors import DataFileError
from quartiere.io.survey_codebook import Codebook, SurveyFile, apply_value_labels
from quartiere.io.tables import read_table

__all__ = ["read_limesurvey"]

_ARRAY = re.compile(r"^(?P<q>[^\[\]]+)\[(?P<sq>[^\[\]]+)\]$")
_SYSTEM = {
    "submitdate",
    "lastpage",
    "startlanguage",
    "seed",
    "startdate",
    "datestamp",
    "ipaddr",
    "refurl",
    "token",
}


def read_limesurvey(
    path: str | os.PathLike[str],
    *,
    value_labels: Mapping[str, Mapping] | None = None,
    ordered: tuple[str, ...] | frozenset[str] = (),
    multiple: tuple[str, ...] | frozenset[str] = (),
    keep_meta: bool = False,
) -> SurveyFile:
    """Read a LimeSurvey "CSV, question codes" export.

    Parameters
    ----------
    path : str or PathLike
        The CSV (LimeSurvey writes ``,`` and UTF-8; ``;``/cp1252 re-saves are detected).
    value_labels : mapping, optional
        ``{column: {code: label}}`` for the answer codes (LimeSurvey's CSV has no labels);
        keys use the renamed columns (``Q_SQ``).
    ordered : collection of str
        Columns whose labels are ordered.
    multiple : collection of str
        Multiple-choice question codes: their ``Q[SQ]`` columns (``Y`` or empty) become 0/1.
    keep_meta : bool, default False
        Keep ``submitdate``, ``lastpage``, ``startlanguage``, ``seed`` and similar.

    Returns
    -------
    SurveyFile
        Columns ``Q[SQ]`` renamed ``Q_SQ``; ``codebook.groups`` maps each to ``Q`` and
        ``codebook.multiple`` lists the indicator columns of each multiple-choice question.

    Raises
    ------
    DataFileError
        Unreadable file, or two columns that map to the same name.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "ls.csv"
    >>> _ = p.write_text("id,submitdate,SOD[SQ001],SOD[SQ002],BIS[casa]\\n"
    ...                  "1,2026-03-01,4,5,Y\\n2,2026-03-02,2,,\\n", encoding="utf-8")
    >>> sf = read_limesurvey(p, multiple=("BIS",))
    >>> sf.data
       id  SOD_SQ001  SOD_SQ002  BIS_casa
    0   1          4        5.0         1
    1   2          2        NaN         0
    >>> sf.codebook.groups["SOD_SQ001"]
    'SOD'
    """
    path = Path(path)
    raw = read_table(path).reset_index(drop=True)
    cols: dict[str, pd.Series] = {}
    groups: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for col in raw.columns:
        if col in _SYSTEM and not keep_meta:
            continue
        m = _ARRAY.match(col)
        name = col
        if m:
            name = f"{m['q']}_{m['sq']}"
            groups[name] = m["q"]
        if name in cols:
            raise DataFileError(f"two columns map to {name!r}", path=path)
        series = raw[col]
        if m and m["q"] in multiple:
            text = series.astype("str").str.strip().where(series.notna(), "")
            series = text.str.upper().isin(["Y", "1", "SI", "SÌ", "YES"]).astype("Int64")
            multi.setdefault(m["q"], []).append(name)
        cols[name] = series
    frame = pd.DataFrame(cols, index=raw.index)
    codebook = Codebook(
        value_labels=dict(value_labels or {}),
        ordered=frozenset(ordered),
        groups=groups,
        multiple={k: tuple(v) for k, v in multi.items()},
    )
    frame = apply_value_labels(frame, codebook)
    return SurveyFile(data=frame, codebook=codebook, path=path)
