"""Read the scenario inputs as planners receive them and return tidy frames.

Files (Italian CSV: ``;``, decimal comma, cp1252; options as xlsx):

=========================  ==========================================================
``fecondita.csv``          scenario; comune; classe_eta; tasso_fecondita
``tavola_mortalita.csv``   scenario; sesso; eta; Lx (radix 100,000; 85 holds T85)
``migrazioni.csv``         scenario; comune; sesso; classe_eta; saldo_annuo
``tassi_utilizzo.csv``     servizio; eta_min; eta_max; comune; tasso
``costi_unitari.csv``      servizio; costo_unitario; ore_per_utente
``opzioni.xlsx``           sheets ``Opzioni`` (one row per option) and ``Criteri``
``priorita_residenti.csv`` partecipante; criterio; punti (workshop priorities)
``confronti_ahp.csv``      pairwise comparison matrix of the criteria
=========================  ==========================================================
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from quartiere.errors import DataFileError
from quartiere.io import read_table

__all__ = ["ScenarioInputs", "read_scenario_inputs", "DEFAULT_FILES"]

#: Role -> file name inside the scenarios folder (used when study.yml names no file).
DEFAULT_FILES = {
    "fertility": "scenarios/fecondita.csv",
    "life_table": "scenarios/tavola_mortalita.csv",
    "migration": "scenarios/migrazioni.csv",
    "usage_rates": "scenarios/tassi_utilizzo.csv",
    "unit_costs": "scenarios/costi_unitari.csv",
    "options": "scenarios/opzioni.xlsx",
    "priorities": "scenarios/priorita_residenti.csv",
    "pairwise": "scenarios/confronti_ahp.csv",
}

_RENAME = {
    "fertility": {"comune": "district", "classe_eta": "age_band", "tasso_fecondita": "rate"},
    "life_table": {"sesso": "sex", "eta": "age"},
    "migration": {
        "comune": "district",
        "sesso": "sex",
        "classe_eta": "age_band",
        "saldo_annuo": "net",
    },
    "usage_rates": {
        "servizio": "service",
        "eta_min": "age_min",
        "eta_max": "age_max",
        "comune": "district",
        "tasso": "rate",
    },
    "unit_costs": {
        "servizio": "service",
        "costo_unitario": "unit_cost",
        "ore_per_utente": "hours_per_user",
        "unita": "unit",
    },
    "priorities": {
        "partecipante": "participant",
        "criterio": "criterion",
        "punti": "points",
        "peso": "weight",
    },
    "options": {
        "codice": "option",
        "nome": "name",
        "comune": "district",
        "tipo": "kind",
        "costo_annuo": "cost",
        "assistenti_sociali_fte": "social_workers_fte",
        "posti_nido": "nido_places",
        "utenti_adi_65": "adi_users_65plus",
        "alloggi": "social_housing_units",
        "servizio": "service",
    },
    "criteria": {
        "criterio": "criterion",
        "direzione": "direction",
        "peso": "weight",
        "condiviso": "shared",
        "descrizione": "description",
    },
}
_SEX = {"femmine": "F", "maschi": "M", "f": "F", "m": "M"}
_REQUIRED = {
    "fertility": ["scenario", "age_band", "rate"],
    "life_table": ["scenario", "sex", "age", "Lx"],
    "migration": ["scenario", "district", "sex", "age_band", "net"],
    "usage_rates": ["service", "rate"],
    "unit_costs": ["service", "unit_cost"],
    "priorities": ["criterion"],
    "options": ["option", "district", "area", "cost"],
    "criteria": ["criterion", "direction", "weight"],
}


@dataclass(frozen=True)
class ScenarioInputs:
    """Tidy scenario inputs (each attribute a DataFrame, ``pairwise`` indexed by criterion).

    ``options`` has ``option``, ``name``, ``district``, ``area``, ``kind``, ``cost``, effect
    columns and one column per criterion; ``criteria`` has ``criterion``, ``direction``
    (benefit/cost), ``weight``, ``cv``, ``shared`` (bool).
    """

    fertility: pd.DataFrame
    life_table: pd.DataFrame
    migration: pd.DataFrame
    usage_rates: pd.DataFrame
    unit_costs: pd.DataFrame
    options: pd.DataFrame
    criteria: pd.DataFrame
    priorities: pd.DataFrame
    pairwise: pd.DataFrame

    def decision_matrix(self) -> pd.DataFrame:
        """Options x criteria scores, indexed by option code."""
        crit = list(self.criteria["criterion"])
        return self.options.set_index("option")[crit].astype(float)

    def types(self) -> dict[str, str]:
        """Criterion -> "benefit"/"cost"."""
        return dict(zip(self.criteria["criterion"], self.criteria["direction"], strict=True))


def _tidy(raw: pd.DataFrame, role: str, path: Path) -> pd.DataFrame:
    if raw.dropna(how="all").empty:
        raise DataFileError("has a header but no data rows; fill in your data", path=path)
    out = raw.rename(columns={c: str(c).strip() for c in raw.columns})
    out = out.rename(columns=_RENAME.get(role, {}))
    missing = [c for c in _REQUIRED[role] if c not in out.columns]
    if missing:
        italian = {v: k for k, v in _RENAME.get(role, {}).items()}.get(missing[0], missing[0])
        raise DataFileError(
            f"column {italian!r} is missing (expected the columns documented in "
            "data/sample/scenarios/README.md)",
            path=path,
        )
    if "sex" in out.columns:
        out["sex"] = [_SEX.get(str(s).strip().lower(), str(s)) for s in out["sex"]]
    for c in ("district", "service", "scenario", "criterion", "area", "option", "kind"):
        if c in out.columns:
            out[c] = out[c].map(lambda v: v.strip() if isinstance(v, str) else v)
    return out


def _fraction(value) -> float:
    if isinstance(value, str):
        text = value.strip().replace(",", ".")
        if "/" in text:
            num, den = text.split("/", 1)
            return float(num) / float(den)
        return float(text)
    return float(value)


def _resolve(source, role: str, files: dict[str, str] | None) -> Path:
    if hasattr(source, "file") and hasattr(source, "root"):
        key = (files or {}).get(role)
        if key is not None:
            return Path(source.file(key))
        return Path(source.root) / DEFAULT_FILES[role]
    return Path(source) / DEFAULT_FILES[role]


def read_scenario_inputs(source, *, files: dict[str, str] | None = None) -> ScenarioInputs:
    """Read every scenario input of a study (or a study folder) into tidy frames.

    Parameters
    ----------
    source : Study or path-like
        A :class:`quartiere.study.Study` (files named under ``scenarios.inputs`` are
        resolved through ``study.file``) or a study folder (``data/sample``).
    files : dict, optional
        Role -> key of the study's ``files:`` (the ``inputs`` of the scenarios section).

    Returns
    -------
    ScenarioInputs

    Raises
    ------
    DataFileError
        A file that is missing or lacks a column, naming the file.

    Notes
    -----
    Sex ``femmine``/``maschi`` becomes ``F``/``M``; blank ``eta_max`` means no upper age;
    ``condiviso`` (shared uncertainty) is read as a boolean. No value is imputed.

    References
    ----------
    Data dictionary: ``data/sample/scenarios/README.md``.

    Examples
    --------
    >>> inp = read_scenario_inputs("data/sample")
    >>> sorted(inp.fertility["scenario"].unique())
    ['baseline', 'high', 'low']
    """
    if isinstance(source, str | os.PathLike) and not Path(source).is_dir():
        raise DataFileError("the study folder does not exist", path=source)
    frames = {}
    for role in ("fertility", "life_table", "migration", "usage_rates", "unit_costs", "priorities"):
        path = _resolve(source, role, files)
        frames[role] = _tidy(read_table(path), role, path)
    opath = _resolve(source, "options", files)
    frames["options"] = _tidy(read_table(opath, sheet="Opzioni"), "options", opath)
    crit = _tidy(read_table(opath, sheet="Criteri"), "criteria", opath)
    crit["cv"] = pd.to_numeric(crit.get("cv", 0.0), errors="coerce").fillna(0.0)
    crit["shared"] = [
        str(v).strip().lower() in ("si", "sì", "yes", "true", "1")
        for v in crit.get("shared", [False] * len(crit))
    ]
    missing = [c for c in crit["criterion"] if c not in frames["options"].columns]
    if missing:
        raise DataFileError(f"criterion {missing[0]!r} has no column in sheet Opzioni", path=opath)
    frames["criteria"] = crit
    ppath = _resolve(source, "pairwise", files)
    pw = read_table(ppath)
    first = pw.columns[0]
    pw = pw.set_index(first)
    pw.index = [str(i).strip() for i in pw.index]
    pw.columns = [str(c).strip() for c in pw.columns]
    pw.index.name = None
    try:
        frames["pairwise"] = pw.map(_fraction)
    except ValueError as exc:
        raise DataFileError(f"{exc}: use numbers like 3 or 1/3", path=ppath) from None
    ur = frames["usage_rates"]
    if "age_max" in ur.columns:
        ur["age_max"] = pd.to_numeric(ur["age_max"], errors="coerce").astype(float)
        ur.loc[ur["age_max"].isna(), "age_max"] = np.nan
    return ScenarioInputs(**frames)
