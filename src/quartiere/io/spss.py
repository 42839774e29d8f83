"""SPSS ``.sav`` survey files with their value labels (via pyreadstat)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from quartiere.errors import DataFileError
from quartiere.io.survey_codebook import Codebook, SurveyFile, _sort_codes, apply_value_labels

__all__ = ["read_spss"]


def read_spss(path: str | os.PathLike[str], *, labels: bool = True) -> SurveyFile:
    """Read an SPSS ``.sav`` file with its variable and value labels.

    Parameters
    ----------
    path : str or PathLike
        The ``.sav`` (or ``.zsav``) file.
    labels : bool, default True
        Turn labelled columns into categoricals of their labels, categories in the numeric
        order of the codes. With False the codes are kept (the codebook still has labels).

    Returns
    -------
    SurveyFile
        ``data`` (index ``0..n-1``), ``codebook`` (variable labels, value labels in code
        order; columns measured ``ordinal`` in SPSS, or whose labels all have whole-number
        codes, are ordered) and ``path``.

    Raises
    ------
    DataFileError
        Missing file or a file pyreadstat cannot read.

    Notes
    -----
    pyreadstat's ``apply_value_formats`` sorts categories alphabetically; here the labels
    are applied by :func:`~quartiere.io.survey_codebook.apply_value_labels`, which keeps the
    code order. String columns come back as text with surrounding blanks stripped; empty
    strings become missing. Values without a label are kept (as extra categories) so that
    validation can report them.

    Examples
    --------
    >>> import tempfile, pathlib, pyreadstat
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.sav"
    >>> df = pd.DataFrame({"q1": [3.0, 1.0, 2.0]})
    >>> pyreadstat.write_sav(df, str(p), variable_value_labels={"q1": {1: "Poco", 2: "Abbastanza",
    ...     3: "Molto"}})
    >>> sf = read_spss(p)
    >>> list(sf.data["q1"].cat.categories)
    ['Poco', 'Abbastanza', 'Molto']
    """
    import pyreadstat

    path = Path(path)
    if not path.exists():
        raise DataFileError("file not found", path=path)
    try:
        frame, meta = pyreadstat.read_sav(str(path), user_missing=False)
    except Exception as exc:  # pyreadstat raises its own ReadstatError / PyreadstatError
        raise DataFileError(f"cannot be read as SPSS .sav ({exc})", path=path) from None
    frame = frame.reset_index(drop=True)
    for col in frame.columns:
        if frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col]):
            stripped = frame[col].astype("str").str.strip()
            frame[col] = stripped.where(frame[col].notna() & (stripped != ""))
    value_labels = {
        col: _sort_codes(lab) for col, lab in (meta.variable_value_labels or {}).items()
    }
    measure = getattr(meta, "variable_measure", {}) or {}
    ordered = {
        col
        for col, lab in value_labels.items()
        if measure.get(col) == "ordinal"
        or (
            measure.get(col) != "nominal"
            and all(isinstance(c, (int, float)) and float(c).is_integer() for c in lab)
            and len(lab) > 2
        )
    }
    var_labels = {
        c: lab for c, lab in zip(meta.column_names, meta.column_labels, strict=False) if lab
    }
    codebook = Codebook(variable_labels=var_labels, value_labels=value_labels, ordered=ordered)
    if labels:
        frame = apply_value_labels(frame, codebook)
    return SurveyFile(data=frame, codebook=codebook, path=path)
