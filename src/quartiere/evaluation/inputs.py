"""Read the evaluation input files of a study into tidy frames with English column names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from quartiere.errors import DataFileError
from quartiere.evaluation.schema import EvaluationSchema
from quartiere.io import read_table

__all__ = ["EvaluationData", "load_evaluation", "FILE_KEYS", "COLUMNS"]

#: ``files:`` keys of study.yml read by :func:`load_evaluation`.
FILE_KEYS: dict[str, str] = {
    "assessments": "evaluation_assessments",
    "panel": "evaluation_panel",
    "goals": "evaluation_gas",
    "service": "evaluation_service",
    "costs": "evaluation_costs",
    "measures": "evaluation_measures",
}

#: Column of each file (as an ambito office writes it) -> tidy name.
COLUMNS: dict[str, dict[str, str]] = {
    "assessments": {
        "id_utente": "subject",
        "comune": "district",
        "eta": "age",
        "sesso": "sex",
        "rilevazione": "time",
        "data": "date",
        "punteggio_benessere": "score",
    },
    "panel": {
        "id_persona": "subject",
        "gruppo": "group",
        "comune": "district",
        "trimestre": "period",
        "data_rilevazione": "date",
        "punteggio_benessere": "score",
    },
    "goals": {
        "id_utente": "subject",
        "comune": "district",
        "n_obiettivo": "goal",
        "area": "area",
        "peso": "weight",
        "punteggio_gas": "score",
    },
    "service": {
        "mese": "month",
        "comune": "district",
        "utenti_attivi": "users",
        "ore_erogate": "hours",
    },
    "costs": {
        "voce": "item",
        "valore": "value",
        "minimo": "low",
        "massimo": "high",
        "unita": "unit",
        "nota": "note",
    },
    "measures": {"indicatore": "indicator", "data": "date", "valore": "value"},
}
_OPTIONAL = {"unit", "note", "area", "age", "sex", "date", "goal"}


@dataclass(frozen=True)
class EvaluationData:
    """The evaluation inputs of a study, read and checked.

    Attributes
    ----------
    schema : EvaluationSchema
        The validated ``evaluation:`` section of study.yml.
    assessments : pandas.DataFrame
        Participants' wellbeing at intake and review: ``subject``, ``district``, ``age``,
        ``sex``, ``time``, ``date``, ``score``.
    panel : pandas.DataFrame
        Quarterly wellbeing of programme and comparison group: ``subject``, ``group``,
        ``district``, ``period``, ``date``, ``score``.
    goals : pandas.DataFrame
        GAS goals of the individual work plans: ``subject``, ``district``, ``goal``, ``area``,
        ``weight``, ``score``.
    service : pandas.DataFrame
        Monthly service data: ``month``, ``district``, ``users``, ``hours``.
    costs : pandas.DataFrame
        Cost assumptions: ``item``, ``value``, ``low``, ``high``, ``unit``, ``note``.
    measures : pandas.DataFrame
        Indicator measurements: ``indicator``, ``date``, ``value``.
    districts : tuple of str
        The study's districts, in report order.
    """

    schema: EvaluationSchema
    assessments: pd.DataFrame
    panel: pd.DataFrame
    goals: pd.DataFrame
    service: pd.DataFrame
    costs: pd.DataFrame
    measures: pd.DataFrame
    districts: tuple[str, ...] = ()

    def cost(self, item: str) -> float:
        """Central value of one row of the cost file (DataFileError if absent).

        Examples
        --------
        >>> from quartiere import load_study
        >>> load_evaluation(load_study("data/sample")).cost("retta_rsa_annua")
        38325.0
        """
        rows = self.costs[self.costs["item"] == item]
        if rows.empty:
            raise DataFileError(
                f"no cost item {item!r}; items are {', '.join(map(str, self.costs['item']))}",
                column="voce",
            )
        return float(rows["value"].iloc[0])


def _tidy(frame: pd.DataFrame, kind: str, path: Path) -> pd.DataFrame:
    if frame.dropna(how="all").empty:
        raise DataFileError("has a header but no data rows; fill in your data", path=path)
    mapping = COLUMNS[kind]
    missing = [c for c, new in mapping.items() if c not in frame.columns and new not in _OPTIONAL]
    if missing:
        raise DataFileError(
            f"no column {missing[0]!r}; the file needs {', '.join(mapping)} "
            f"(found {', '.join(map(str, frame.columns))})",
            path=path,
            column=missing[0],
        )
    keep = {c: new for c, new in mapping.items() if c in frame.columns}
    return frame[list(keep)].rename(columns=keep).reset_index(drop=True)


def _check_districts(frame: pd.DataFrame, districts: tuple[str, ...], path: Path) -> None:
    if not districts or "district" not in frame.columns:
        return
    bad = frame["district"].notna() & ~frame["district"].isin(districts)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataFileError(
            f"{frame['district'].iloc[i]!r} is not a district of the study "
            f"({', '.join(districts)})",
            path=path,
            row=i + 1,
            column="comune",
        )


def load_evaluation(study: Any, *, files: Mapping[str, str] | None = None) -> EvaluationData:
    """Read and check every evaluation input of a study.

    Parameters
    ----------
    study : Study
        From :func:`quartiere.load_study`; its ``evaluation:`` section is validated and its
        ``files:`` must declare the keys of :data:`FILE_KEYS`.
    files : mapping, optional
        Override of :data:`FILE_KEYS` (``{"panel": "my_panel_key", ...}``).

    Returns
    -------
    EvaluationData
        Tidy frames (column names in :data:`COLUMNS`) and the validated schema.

    Raises
    ------
    SchemaError
        The ``evaluation:`` section is missing or invalid, or a file key is not declared.
    DataFileError
        A file cannot be read, lacks a column, or names a district the study does not have.

    Notes
    -----
    Files are read with :func:`quartiere.io.read_table` (Italian CSV or xlsx); values are
    kept as read (missing scores stay missing; the analysis helpers state their policy).

    Examples
    --------
    >>> from quartiere import load_study
    >>> data = load_evaluation(load_study("data/sample"))
    >>> list(data.panel.columns)
    ['subject', 'group', 'district', 'period', 'date', 'score']
    """
    schema = EvaluationSchema.from_study(study)
    keys = {**FILE_KEYS, **dict(files or {})}
    districts = tuple(getattr(study, "districts", ()) or ())
    frames: dict[str, pd.DataFrame] = {}
    for kind, key in keys.items():
        path = study.file(key)
        frame = _tidy(read_table(path), kind, path)
        _check_districts(frame, districts, path)
        frames[kind] = frame
    return EvaluationData(schema=schema, districts=districts, **frames)
