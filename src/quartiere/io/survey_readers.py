"""One entry point for survey files of any shape: :func:`read_survey`."""

from __future__ import annotations

import os
from pathlib import Path

from quartiere.errors import DataFileError, ParameterError
from quartiere.io.kobo import read_kobo, read_xlsform
from quartiere.io.limesurvey import read_limesurvey
from quartiere.io.spss import read_spss
from quartiere.io.survey_codebook import Codebook, SurveyFile, apply_value_labels
from quartiere.io.tables import read_table

__all__ = [
    "Codebook",
    "SurveyFile",
    "read_survey",
    "read_survey_table",
    "read_spss",
    "read_kobo",
    "read_xlsform",
    "read_limesurvey",
]


def read_survey_table(
    path: str | os.PathLike[str],
    *,
    codebook: Codebook | None = None,
    sheet: str | int | None = None,
    encoding: str | None = None,
    sep: str | None = None,
    decimal: str | None = None,
) -> SurveyFile:
    """Read a survey typed into a CSV (Italian dialect detected) or an Excel sheet.

    Parameters
    ----------
    path : str or PathLike
        ``.csv``/``.tsv``/``.txt``/``.xlsx``.
    codebook : Codebook, optional
        Value labels to apply (a CSV carries none of its own).
    sheet, encoding, sep, decimal : optional
        Passed to :func:`quartiere.io.tables.read_table`.

    Returns
    -------
    SurveyFile
        Data as read (text stripped, empty text missing), labelled columns as categoricals.

    Raises
    ------
    DataFileError
        See :func:`quartiere.io.tables.read_table`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
    >>> _ = p.write_bytes("id;comune;sod_1\\nA1;Porto Lido;4\\nA2;Città;2\\n".encode("cp1252"))
    >>> read_survey_table(p).data
       id      comune  sod_1
    0  A1  Porto Lido      4
    1  A2       Città      2
    """
    path = Path(path)
    frame = read_table(path, sheet=sheet, encoding=encoding, sep=sep, decimal=decimal)
    frame = frame.reset_index(drop=True)
    for col in frame.columns:
        if frame[col].dtype == object or frame[col].dtype == "str":
            stripped = frame[col].astype("str").str.strip()
            frame[col] = stripped.where(frame[col].notna() & (stripped != ""))
    codebook = codebook or Codebook()
    if codebook.value_labels:
        frame = apply_value_labels(frame, codebook)
    return SurveyFile(data=frame, codebook=codebook, path=path)


def read_survey(
    path: str | os.PathLike[str],
    *,
    form: str | os.PathLike[str] | None = None,
    kind: str | None = None,
    lang: str | None = None,
) -> SurveyFile:
    """Read a survey file, choosing the reader from ``kind`` or the file.

    Parameters
    ----------
    path : str or PathLike
        The data file.
    form : str or PathLike, optional
        XLSForm of a KoboToolbox export (its presence selects the Kobo reader).
    kind : {"table", "spss", "kobo", "limesurvey"}, optional
        Force a reader. Default: ``.sav``/``.zsav`` -> spss, a ``form`` -> kobo, a CSV whose
        header has ``Q[SQ]`` columns -> limesurvey, anything else -> table.
    lang : str, optional
        XLSForm label language.

    Returns
    -------
    SurveyFile
        See the individual readers.

    Raises
    ------
    ParameterError
        Unknown ``kind`` or ``kind="kobo"`` without ``form``.
    DataFileError
        From the reader.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if kind is None:
        if suffix in {".sav", ".zsav"}:
            kind = "spss"
        elif form is not None:
            kind = "kobo"
        elif suffix in {".csv", ".txt"} and _looks_limesurvey(path):
            kind = "limesurvey"
        else:
            kind = "table"
    if kind == "spss":
        return read_spss(path)
    if kind == "kobo":
        if form is None:
            raise ParameterError("a KoboToolbox export needs its XLSForm", parameter="form")
        return read_kobo(path, form, lang=lang)
    if kind == "limesurvey":
        return read_limesurvey(path)
    if kind == "table":
        return read_survey_table(path)
    raise ParameterError(
        f"unknown kind {kind!r}; use table, spss, kobo or limesurvey", parameter="kind"
    )


def _looks_limesurvey(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.readline(4096).decode("utf-8", "replace")
    except OSError:
        raise DataFileError("file not found", path=path) from None
    return "[" in head and "]" in head and "submitdate" in head.lower()
