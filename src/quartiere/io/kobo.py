"""KoboToolbox exports read together with their XLSForm."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from quartiere.errors import CodebookError, DataFileError
from quartiere.io.survey_codebook import Codebook, SurveyFile, _same_code, apply_value_labels
from quartiere.io.tables import read_table

__all__ = ["read_xlsform", "read_kobo"]

_META_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "start-geopoint",
    "calculate",
    "note",
}
_SYSTEM = re.compile(r"^(_.*|__version__|meta/.*|formhub/.*)$")


def _label_column(columns: list[str], lang: str | None) -> str | None:
    labels = [c for c in columns if c == "label" or c.startswith("label::")]
    if not labels:
        return None
    if lang is not None:
        for c in labels:
            if f"({lang})" in c or c.endswith(f"::{lang}"):
                return c
    return labels[0]


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value).strip()


def read_xlsform(form: str | os.PathLike[str], *, lang: str | None = None) -> Codebook:
    """Build a codebook from an XLSForm (the ``survey`` and ``choices`` sheets).

    Parameters
    ----------
    form : str or PathLike
        The XLSForm ``.xlsx`` the KoboToolbox project was built from.
    lang : str, optional
        Language code of the label column to use (``label::Italiano (it)``); default the
        first label column.

    Returns
    -------
    Codebook
        Question names (without group path) with their label and group; value labels
        ``{choice name: choice label}`` for ``select_one`` questions (choice names that are
        whole numbers become int codes, so Likert lists keep their numeric order and are
        marked ordered); ``multiple`` maps each ``select_multiple`` question to its
        indicator columns ``<question>_<choice>``.

    Raises
    ------
    DataFileError
        The file or a sheet is missing.
    CodebookError
        A question refers to a choice list that is not in ``choices``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "form.xlsx"
    >>> with pd.ExcelWriter(p) as xw:
    ...     pd.DataFrame({"type": ["begin_group", "select_one l5", "end_group"],
    ...                   "name": ["g", "q1", ""], "label": ["G", "Soddisfatto?", ""]}
    ...                  ).to_excel(xw, sheet_name="survey", index=False)
    ...     pd.DataFrame({"list_name": ["l5"] * 3, "name": [1, 2, 3],
    ...                   "label": ["Poco", "Abbastanza", "Molto"]}
    ...                  ).to_excel(xw, sheet_name="choices", index=False)
    >>> cb = read_xlsform(p)
    >>> cb.categories("q1"), cb.groups["q1"], "q1" in cb.ordered
    (['Poco', 'Abbastanza', 'Molto'], 'g', True)
    """
    form = Path(form)
    survey = read_table(form, sheet="survey", dtype=str)
    try:
        choices = read_table(form, sheet="choices", dtype=str)
    except DataFileError:
        choices = pd.DataFrame(columns=["list_name", "name", "label"])
    for need in ("type", "name"):
        if need not in survey.columns:
            raise DataFileError(f"the survey sheet has no {need!r} column", path=form)
    lab_col = _label_column(list(survey.columns), lang)
    ch_lab = _label_column(list(choices.columns), lang)
    lists: dict[str, dict[Any, str]] = {}
    for _, row in choices.iterrows():
        ln, name = _text(row.get("list_name")), _text(row.get("name"))
        if not ln or not name:
            continue
        label = _text(row.get(ch_lab)) if ch_lab else name
        lists.setdefault(ln, {})[_same_code(name)] = label or name
    var_labels: dict[str, str] = {}
    value_labels: dict[str, dict[Any, str]] = {}
    ordered: set[str] = set()
    groups: dict[str, str] = {}
    multiple: dict[str, tuple[str, ...]] = {}
    stack: list[str] = []
    for i, row in survey.iterrows():
        typ = re.sub(r"\s+", " ", _text(row["type"]))
        name = _text(row["name"])
        kind = typ.split(" ")[0] if typ else ""
        if kind in {"begin_group", "begin_repeat"} or typ in {"begin group", "begin repeat"}:
            stack.append(name)
            continue
        if kind in {"end_group", "end_repeat"} or typ in {"end group", "end repeat"}:
            if stack:
                stack.pop()
            continue
        if not name or kind in _META_TYPES:
            continue
        if lab_col:
            var_labels[name] = _text(row.get(lab_col)) or name
        if stack:
            groups[name] = "/".join(stack)
        if kind in {"select_one", "select_multiple"}:
            parts = typ.split(" ")
            list_name = parts[1] if len(parts) > 1 else ""
            if list_name not in lists:
                raise CodebookError(
                    f"question {name!r} uses choice list {list_name!r}, which is not in the "
                    "choices sheet",
                    path=form,
                    row=int(i) + 1,
                    column="type",
                )
            if kind == "select_one":
                value_labels[name] = dict(lists[list_name])
                codes = list(lists[list_name])
                if len(codes) > 2 and all(isinstance(c, int) for c in codes):
                    ordered.add(name)
            else:
                indicators = tuple(f"{name}_{c}" for c in lists[list_name])
                multiple[name] = indicators
                for c, lab in lists[list_name].items():
                    var_labels[f"{name}_{c}"] = lab
                    if stack:
                        groups[f"{name}_{c}"] = "/".join(stack)
    return Codebook(
        variable_labels=var_labels,
        value_labels=value_labels,
        ordered=frozenset(ordered),
        groups=groups,
        multiple=multiple,
    )


def read_kobo(
    path: str | os.PathLike[str],
    form: str | os.PathLike[str],
    *,
    lang: str | None = None,
    sheet: str | int | None = None,
    keep_meta: bool = False,
) -> SurveyFile:
    """Read a KoboToolbox data export (xlsx or CSV) with the XLSForm it was collected with.

    Parameters
    ----------
    path : str or PathLike
        The export (``XML values and headers``; group separator ``/``), ``.xlsx`` or
        ``.csv`` (``;`` or ``,``).
    form : str or PathLike
        The project's XLSForm.
    lang : str, optional
        Label language (see :func:`read_xlsform`).
    sheet : str or int, optional
        Worksheet of an xlsx export (default the first: the main table).
    keep_meta : bool, default False
        Keep KoboToolbox system columns (``_id``, ``_uuid``, ``_submission_time``...) and
        metadata questions (``start``, ``end``, ``deviceid``...).

    Returns
    -------
    SurveyFile
        Columns renamed to the question names (``group/question`` -> ``question``);
        ``select_one`` answers as categoricals of their choice labels in list order;
        each ``select_multiple`` question as 0/1 (``Int64``) indicator columns
        ``<question>_<choice>`` (built from the space-separated answer when the export has
        no per-choice columns), the space-separated column itself dropped.

    Raises
    ------
    DataFileError
        Unreadable export, or two export columns that map to the same question name.
    CodebookError
        See :func:`read_xlsform`.

    Notes
    -----
    Exports made with "labels" instead of "XML values" also work for answers (labels are
    recognised), but headers must be question names. Unanswered questions are NaN. The
    per-choice 0/1 columns are taken as exported (0 when nothing was chosen); when only the
    space-separated column exists, an empty answer gives NaN in every indicator.
    """
    path = Path(path)
    codebook = read_xlsform(form, lang=lang)
    raw = read_table(path, sheet=sheet)
    raw = raw.reset_index(drop=True)
    keep: dict[str, pd.Series] = {}
    multi_answers: dict[str, pd.Series] = {}
    option_cols: dict[str, dict[str, pd.Series]] = {}
    questions = set(codebook.variable_labels) | set(codebook.multiple)
    for col in raw.columns:
        if _SYSTEM.match(col) and not keep_meta:
            continue
        parts = col.split("/")
        name = parts[-1]
        if name in codebook.multiple:
            multi_answers[name] = raw[col]
            continue
        if len(parts) >= 2 and parts[-2] in codebook.multiple:
            option_cols.setdefault(parts[-2], {})[name] = raw[col]
            continue
        if name not in questions and not keep_meta:
            continue
        if name in keep:
            raise DataFileError(
                f"two columns map to question {name!r}; rename one in the XLSForm", path=path
            )
        keep[name] = raw[col]
    frame = pd.DataFrame(keep, index=raw.index)
    for question, indicators in codebook.multiple.items():
        choices = [ind[len(question) + 1 :] for ind in indicators]
        have = option_cols.get(question, {})
        answered = multi_answers.get(question)
        for choice, ind in zip(choices, indicators, strict=False):
            if str(choice) in have:
                values = pd.to_numeric(have[str(choice)], errors="coerce")
            elif answered is not None:
                sets = answered.map(lambda v: set(str(v).split()) if pd.notna(v) else None)
                values = sets.map(lambda s, c=str(choice): np.nan if s is None else float(c in s))
            else:
                continue
            frame[ind] = values.astype("Int64")
    frame = apply_value_labels(frame, codebook)
    return SurveyFile(data=frame, codebook=codebook, path=path)
