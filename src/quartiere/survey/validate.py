"""Check a survey file against its schema and turn it into the canonical frame."""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from quartiere.errors import DataFileError, ParameterError, QuartiereWarning
from quartiere.io.survey_codebook import Codebook, SurveyFile, _same_code
from quartiere.survey.schema import SurveySchema

__all__ = ["SurveyValidationError", "ValidatedSurvey", "validate_survey"]

_PROBLEM_COLUMNS = ["row", "column", "value", "problem", "message"]


class SurveyValidationError(DataFileError):
    """A survey file breaks its schema; ``.problems`` lists every problem found.

    ``str(err)`` is the first problem (file, row, column and what is wrong), followed by
    how many more there are.
    """

    problems: pd.DataFrame

    @classmethod
    def from_problems(cls, problems: pd.DataFrame, path: Path | None) -> SurveyValidationError:
        first = problems.iloc[0]
        more = len(problems) - 1
        text = first["problem"] + (f" (and {more} more problem(s); see .problems)" if more else "")
        row = None if pd.isna(first["row"]) else int(first["row"])
        col = None if first["column"] is None or pd.isna(first["column"]) else first["column"]
        err = cls(text, path=path, row=row, column=col)
        err.problems = problems
        return err

    def __reduce__(self):  # keep the problems table across pickling (process pools)
        return (
            _rebuild_validation,
            (self.message, self.path, self.row, self.column, self.problems),
        )


def _rebuild_validation(message, path, row, column, problems) -> SurveyValidationError:
    err = SurveyValidationError(message, path=path, row=row, column=column)
    err.problems = problems
    return err


@dataclass(frozen=True)
class ValidatedSurvey:
    """A survey that passed validation (possibly after dropping rows).

    Attributes
    ----------
    data : pandas.DataFrame
        The canonical frame: schema columns in schema order, index ``0..n-1``.
    problems : pandas.DataFrame
        One row per problem: ``row`` (1-based data row in the file), ``column``,
        ``value``, ``problem`` (what is wrong) and ``message`` (the one-line error).
    dropped : pandas.DataFrame
        One row per dropped row: ``row``, ``id``, ``reasons`` (problems joined by "; ").
    n_read : int
        Rows in the file.
    path : pathlib.Path or None
        The file.
    codebook : Codebook
        Labels the file (or its form) carries: question texts, value labels.
    """

    data: pd.DataFrame
    problems: pd.DataFrame
    dropped: pd.DataFrame
    n_read: int
    path: Path | None
    codebook: Codebook = field(default_factory=Codebook)

    def to_frame(self) -> pd.DataFrame:
        """A copy of the canonical data."""
        return self.data.copy()

    def summary(self) -> str:
        """One line: rows read, kept and dropped, and why."""
        name = self.path.name if self.path is not None else "survey"
        if self.dropped.empty:
            return f"{name}: {self.n_read} rows read, all kept"
        kinds = self.problems["problem"].str.replace(r" \(.*", "", regex=True)
        return (
            f"{name}: {self.n_read} rows read, {len(self.dropped)} dropped "
            f"({len(self.problems)} problem(s) in {self.problems['column'].nunique()} column(s)), "
            f"{len(self.data)} kept; first problem: {kinds.iloc[0]}"
        )


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _id_text(value: Any) -> str:
    code = _same_code(value)
    return str(code)


def validate_survey(
    survey: SurveyFile | pd.DataFrame,
    schema: SurveySchema,
    *,
    strict: bool = True,
    path: str | os.PathLike[str] | None = None,
) -> ValidatedSurvey:
    """Check a survey against its schema and build the canonical frame.

    Parameters
    ----------
    survey : SurveyFile or pandas.DataFrame
        What a reader returned (its codebook maps labels back to codes), or a frame.
    schema : SurveySchema
        The study's ``survey:`` section.
    strict : bool, default True
        True: any problem raises :class:`SurveyValidationError`. False: rows with problems
        are dropped, a :class:`~quartiere.errors.QuartiereWarning` says how many, and the
        result lists them in ``dropped`` with the reasons.
    path : str or PathLike, optional
        File name for messages (default the SurveyFile's path).

    Returns
    -------
    ValidatedSurvey
        ``data`` is the canonical frame: the id as text; demographics and single-choice
        items as categoricals of the schema's categories (ordered where the schema says
        so); each scale item as an ordered categorical of the scale's labels in code order;
        ``select_multiple`` indicators as ``Int64`` 0/1. Columns not in the schema are left
        out. Index ``0..n-1``.

    Raises
    ------
    SurveyValidationError
        (a :class:`~quartiere.errors.DataFileError`) with one line naming file, row and
        column of the first problem and ``.problems`` listing all: empty file and missing
        required columns (always, whatever ``strict``); with ``strict=True`` also values
        outside a scale, unknown category labels, missing or duplicate respondent IDs and
        indicators other than 0/1.

    Notes
    -----
    Missing answers are allowed (NaN) everywhere except the ID. A scale answer is accepted
    as its code (``4``, ``4.0``, ``"4"``) or its label (the file's own value label, else the
    schema's). With ``strict=False`` the first occurrence of a duplicated ID is kept and the
    later ones are dropped.

    Examples
    --------
    >>> schema = SurveySchema.from_mapping({"id": "id",
    ...     "demographics": {"sex": {"categories": ["F", "M"]}},
    ...     "scales": {"sod": {"items": ["s1", "s2"], "range": [1, 5]}}})
    >>> raw = pd.DataFrame({"id": ["a", "b", "c"], "sex": ["F", "M", "X"],
    ...                     "s1": [1, 5, 2], "s2": [3, 7, 4]})
    >>> try:
    ...     validate_survey(raw, schema, path="survey.csv")
    ... except SurveyValidationError as err:
    ...     print(err.row, err.column, err.message.split(" (")[0])
    ...     print(err.problems["message"].tolist()[1])
    2 s2 7 is outside the scale 1-5
    survey.csv, row 3, column sex: unknown category 'X'; expected one of F, M
    >>> import warnings; warnings.simplefilter("ignore")
    >>> ok = validate_survey(raw, schema, strict=False, path="survey.csv")
    >>> ok.data["id"].tolist(), ok.dropped["row"].tolist()
    (['a'], [2, 3])
    """
    if isinstance(survey, SurveyFile):
        frame, codebook = survey.data, survey.codebook
        file_path = Path(path) if path is not None else survey.path
    elif isinstance(survey, pd.DataFrame):
        frame, codebook = survey, Codebook()
        file_path = Path(path) if path is not None else None
    else:
        raise ParameterError("pass a SurveyFile or a DataFrame", parameter="survey")
    if not isinstance(schema, SurveySchema):
        raise ParameterError("pass a SurveySchema", parameter="schema")
    problems: list[dict[str, Any]] = []

    def add(row: int | None, column: str | None, value: Any, problem: str) -> None:
        err = DataFileError(problem, path=file_path, row=row, column=column)
        problems.append(
            {"row": row, "column": column, "value": value, "problem": problem, "message": str(err)}
        )

    def fail() -> SurveyValidationError:
        table = _sorted(pd.DataFrame(problems, columns=_PROBLEM_COLUMNS), list(frame.columns))
        return SurveyValidationError.from_problems(table, file_path)

    if len(frame) == 0:
        add(None, None, None, "the file has no data rows")
        raise fail()
    required = [schema.id, *[c for c, s in schema.demographics.items() if s.required]]
    for scale in schema.scales.values():
        required.extend(scale.items)
    required.extend(c for c, s in schema.items.items() if s.required)
    for q, options in schema.multiple.items():
        required.extend(f"{q}_{o}" for o in options)
    for col in required:
        if col not in frame.columns:
            add(None, col, None, "required column is missing; add it or fix the schema")
    if problems:
        raise fail()

    n = len(frame)
    rows = np.arange(1, n + 1)
    out: dict[str, Any] = {}
    # respondent ids
    ids: list[Any] = []
    first_seen: dict[str, int] = {}
    for r, raw in zip(rows, frame[schema.id].tolist(), strict=False):
        if _is_missing(raw):
            add(int(r), schema.id, None, "missing respondent id")
            ids.append(np.nan)
            continue
        text = _id_text(raw)
        if text in first_seen:
            add(
                int(r),
                schema.id,
                text,
                f"duplicate respondent id {text!r} (first at row {first_seen[text]})",
            )
        else:
            first_seen[text] = int(r)
        ids.append(text)
    out[schema.id] = pd.Series(ids, dtype="str")
    # single-choice variables
    for col, spec in {**schema.demographics, **schema.items}.items():
        if col not in frame.columns:
            out[col] = pd.Categorical(
                [np.nan] * n, categories=spec.categories, ordered=spec.ordered
            )
            continue
        allowed = set(spec.categories)
        by_code = {_same_code(k): v for k, v in codebook.value_labels.get(col, {}).items()}
        values: list[Any] = []
        for r, raw in zip(rows, frame[col].tolist(), strict=False):
            if _is_missing(raw):
                values.append(np.nan)
                continue
            text = str(raw).strip()
            if text not in allowed and _same_code(raw) in by_code:
                text = str(by_code[_same_code(raw)])
            if text not in allowed:
                shown = ", ".join(spec.categories[:8]) + (
                    " ..." if len(spec.categories) > 8 else ""
                )
                add(int(r), col, raw, f"unknown category {text!r}; expected one of {shown}")
                values.append(np.nan)
            else:
                values.append(text)
        out[col] = pd.Categorical(values, categories=spec.categories, ordered=spec.ordered)
    # scale items
    item_scale = schema.item_scale()
    for item, sname in item_scale.items():
        spec = schema.scales[sname]
        lo, hi = spec.range
        labels = schema.scale_labels(sname)
        label_code = {lab: lo + i for i, lab in enumerate(labels)}
        file_codes = codebook.codes(item)
        codes = np.full(n, -1, dtype=np.int64)
        for i, (r, raw) in enumerate(zip(rows, frame[item].tolist(), strict=False)):
            if _is_missing(raw):
                continue
            text = str(raw).strip()
            code: Any
            if text in file_codes:
                code = _same_code(file_codes[text])
            elif text in label_code:
                code = label_code[text]
            else:
                code = _same_code(raw)
            if isinstance(code, str):
                add(
                    int(r),
                    item,
                    raw,
                    f"unknown answer {text!r}; expected a code {lo}-{hi} or one of its labels",
                )
                continue
            if not float(code).is_integer():
                add(int(r), item, raw, f"{code} is not a whole answer code on the scale {lo}-{hi}")
                continue
            if not lo <= code <= hi:
                add(int(r), item, raw, f"{code} is outside the scale {lo}-{hi}")
                continue
            codes[i] = int(code) - lo
        out[item] = pd.Categorical.from_codes(codes, categories=labels, ordered=True)
    # select_multiple indicators
    yes = {"1", "y", "yes", "si", "sì", "true", "vero"}
    no = {"0", "n", "no", "false", "falso"}
    for q, options in schema.multiple.items():
        for opt in options:
            col = f"{q}_{opt}"
            vals: list[Any] = []
            for r, raw in zip(rows, frame[col].tolist(), strict=False):
                if _is_missing(raw):
                    vals.append(pd.NA)
                    continue
                text = str(_same_code(raw)).strip().lower()
                if text in yes:
                    vals.append(1)
                elif text in no:
                    vals.append(0)
                else:
                    add(int(r), col, raw, f"{raw!r} is not 0 or 1 (chosen / not chosen)")
                    vals.append(pd.NA)
            out[col] = pd.array(vals, dtype="Int64")
    data = pd.DataFrame(out)[schema.columns]
    table = _sorted(pd.DataFrame(problems, columns=_PROBLEM_COLUMNS), list(frame.columns))
    if not table.empty and strict:
        raise fail()
    if table.empty:
        dropped = pd.DataFrame(columns=["row", "id", "reasons"])
        return ValidatedSurvey(data, table, dropped, n, file_path, codebook)
    bad_rows = sorted({int(r) for r in table["row"].dropna()})
    reasons = table.groupby("row")["problem"].agg("; ".join)
    dropped = pd.DataFrame(
        {
            "row": bad_rows,
            "id": [ids[r - 1] for r in bad_rows],
            "reasons": [reasons.loc[r] for r in bad_rows],
        }
    )
    keep = np.ones(n, dtype=bool)
    keep[np.asarray(bad_rows, dtype=int) - 1] = False
    data = data.loc[keep].reset_index(drop=True)
    result = ValidatedSurvey(data, table, dropped, n, file_path, codebook)
    warnings.warn(result.summary(), QuartiereWarning, stacklevel=2)
    return result


def _sorted(table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Problems in file order: by row, then by column position."""
    if table.empty:
        return table
    position = {c: i for i, c in enumerate(columns)}
    order = table.assign(
        _r=table["row"].fillna(0), _c=table["column"].map(lambda c: position.get(c, -1))
    ).sort_values(["_r", "_c"], kind="stable")
    return order.drop(columns=["_r", "_c"]).reset_index(drop=True)
