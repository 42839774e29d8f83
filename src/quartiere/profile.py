"""Community profile: population structure, social indicators, coverage against Italian standards.

Readers turn the files a planner receives (ISTAT population by single year of age, foreign
residents, households, the ambito's service register, a community-asset inventory, district
boundaries) into tidy frames; the indicator helpers compute what a Piano di Zona's needs
analysis reports, each checked in the tests against values computed by hand from the files.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from quartiere.errors import DataFileError, ParameterError
from quartiere.io.tables import read_table
from quartiere.report.charts import PALETTE
from quartiere.report.i18n import check_lang, format_int, format_number, format_percent, t

__all__ = [
    "Standards",
    "Profile",
    "read_population",
    "read_foreign",
    "read_households",
    "read_services",
    "read_assets",
    "read_boundaries",
    "load_profile",
    "age_bands",
    "age_pyramid",
    "age_pyramid_chart",
    "district_indicators",
    "standards_coverage",
    "asset_inventory",
    "asset_density",
    "need_scores",
    "strengths_weaknesses",
]


@dataclass(frozen=True)
class Standards:
    """Italian service standards a profile is measured against.

    Attributes
    ----------
    social_worker_residents : int, default 5000
        LEPS: one social worker per 5,000 residents (L. 178/2020, c. 797-804).
    social_worker_target : int, default 4000
        LEPS target: one per 4,000.
    nido_share : float, default 0.33
        Nido places for 33% of children aged 0-2 (L. 234/2021, c. 172, by 2027).
    nido_target : float, default 0.45
        EU 2030 Barcelona target, 45%.
    adi_share : float, default 0.10
        Integrated home care (ADI) for 10% of residents aged 65+ (PNRR M6C1).
    """

    social_worker_residents: int = 5000
    social_worker_target: int = 4000
    nido_share: float = 0.33
    nido_target: float = 0.45
    adi_share: float = 0.10

    def __post_init__(self) -> None:
        for name in ("social_worker_residents", "social_worker_target"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v <= 0:
                raise ParameterError(f"must be a positive whole number, got {v!r}", parameter=name)
        for name in ("nido_share", "nido_target", "adi_share"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v <= 1:
                raise ParameterError(f"must be a share between 0 and 1, got {v!r}", parameter=name)


def _require(frame: pd.DataFrame, columns: list[str], path: Path) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataFileError(
            f"missing column(s) {', '.join(map(repr, missing))}; found {', '.join(map(str, frame.columns))}",
            path=path,
        )


def _show(value: Any) -> str:
    """A cell value as a user typed it: 7, 'abc', 2.5 (no numpy reprs)."""
    if isinstance(value, (np.generic,)):
        value = value.item()
    return repr(value) if isinstance(value, str) else str(value)


def _check_counts(frame: pd.DataFrame, columns: list[str], path: Path) -> None:
    for col in columns:
        values = pd.to_numeric(frame[col], errors="coerce")
        bad = values.isna() | (values < 0)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataFileError(
                f"{_show(frame[col].iloc[i])} is not a count (a whole number >= 0)",
                path=path,
                row=i + 1,
                column=col,
            )


def _check_unique(frame: pd.DataFrame, keys: list[str], path: Path) -> None:
    dup = frame.duplicated(subset=keys, keep="first")
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        what = ", ".join(f"{k}={_show(frame[k].iloc[i])}" for k in keys)
        raise DataFileError(f"duplicate row for {what}", path=path, row=i + 1)


def read_population(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read residents by comune, single year of age and sex (ISTAT POSAS layout).

    Parameters
    ----------
    path : str or PathLike
        CSV/xlsx with columns ``comune``, ``eta`` (0..100, 100 meaning 100+), ``maschi``,
        ``femmine`` (``totale`` and ``codice_comune`` optional; a ``totale`` must add up).

    Returns
    -------
    pandas.DataFrame
        Long and tidy: ``district`` (str), ``sex`` (``"F"``/``"M"``), ``age`` (int),
        ``population`` (int); sorted by district as in the file, then age, sex.

    Raises
    ------
    DataFileError
        Missing column, a count that is not a whole number >= 0, an age outside 0..120,
        a duplicate (comune, eta) row, or ``totale`` different from ``maschi + femmine``,
        naming the row.

    Examples
    --------
    >>> pop = read_population("data/sample/population.csv")
    >>> list(pop.columns)
    ['district', 'sex', 'age', 'population']
    >>> pop["district"].nunique()
    6
    """
    path = Path(path)
    raw = read_table(path)
    raw.columns = [c.lower() for c in raw.columns]
    _require(raw, ["comune", "eta", "maschi", "femmine"], path)
    _check_counts(raw, ["eta", "maschi", "femmine"], path)
    _check_unique(raw, ["comune", "eta"], path)
    ages = raw["eta"].astype(int)
    if (ages > 120).any():
        i = int(np.flatnonzero((ages > 120).to_numpy())[0])
        raise DataFileError(
            f"age {ages.iloc[i]} is outside 0-120", path=path, row=i + 1, column="eta"
        )
    if "totale" in raw.columns:
        diff = raw["totale"] != raw["maschi"] + raw["femmine"]
        if diff.any():
            i = int(np.flatnonzero(diff.to_numpy())[0])
            raise DataFileError(
                f"totale {raw['totale'].iloc[i]} is not maschi + femmine "
                f"({raw['maschi'].iloc[i]} + {raw['femmine'].iloc[i]})",
                path=path,
                row=i + 1,
                column="totale",
            )
    order = list(dict.fromkeys(raw["comune"].astype(str).str.strip()))
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "district": raw["comune"].astype(str).str.strip(),
                    "sex": sex,
                    "age": ages,
                    "population": raw[col].astype("int64"),
                }
            )
            for sex, col in (("F", "femmine"), ("M", "maschi"))
        ]
    )
    long["district"] = pd.Categorical(long["district"], categories=order, ordered=True)
    long = long.sort_values(["district", "age", "sex"]).reset_index(drop=True)
    long["district"] = long["district"].astype(str)
    return long


def read_foreign(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read foreign residents by comune.

    Returns
    -------
    pandas.DataFrame
        ``district``, ``foreign_residents`` (int).

    Examples
    --------
    >>> read_foreign("data/sample/foreign.csv").columns.tolist()
    ['district', 'foreign_residents']
    """
    path = Path(path)
    raw = read_table(path)
    raw.columns = [c.lower() for c in raw.columns]
    _require(raw, ["comune", "totale"], path)
    _check_counts(raw, ["totale"], path)
    _check_unique(raw, ["comune"], path)
    return pd.DataFrame(
        {
            "district": raw["comune"].astype(str).str.strip(),
            "foreign_residents": raw["totale"].astype("int64"),
        }
    )


def read_households(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read households by comune.

    Parameters
    ----------
    path : str or PathLike
        Columns ``comune``, ``famiglie``, ``famiglie_unipersonali``, ``persone_75_sole``.

    Returns
    -------
    pandas.DataFrame
        ``district``, ``households``, ``one_person_households``, ``alone_75`` (people aged
        75+ living alone).

    Examples
    --------
    >>> read_households("data/sample/households.csv").columns.tolist()
    ['district', 'households', 'one_person_households', 'alone_75']
    """
    path = Path(path)
    raw = read_table(path)
    raw.columns = [c.lower() for c in raw.columns]
    cols = ["famiglie", "famiglie_unipersonali", "persone_75_sole"]
    _require(raw, ["comune", *cols], path)
    _check_counts(raw, cols, path)
    _check_unique(raw, ["comune"], path)
    return pd.DataFrame(
        {
            "district": raw["comune"].astype(str).str.strip(),
            "households": raw["famiglie"].astype("int64"),
            "one_person_households": raw["famiglie_unipersonali"].astype("int64"),
            "alone_75": raw["persone_75_sole"].astype("int64"),
        }
    )


_SERVICE_COLUMNS = {
    "Assistenti sociali (FTE)": "social_workers_fte",
    "Utenti ADI 65+": "adi_users_65plus",
    "Posti nido": "nido_places",
    "Alloggi ERP": "social_housing_units",
    "Domande ERP in attesa": "housing_waiting_list",
}


def read_services(path: str | os.PathLike[str], *, sheet: str | int | None = None) -> pd.DataFrame:
    """Read the ambito's service register (one row per comune).

    Parameters
    ----------
    path : str or PathLike
        xlsx/CSV with columns ``Comune``, ``Assistenti sociali (FTE)``, ``Utenti ADI 65+``,
        ``Posti nido``, ``Alloggi ERP``, ``Domande ERP in attesa``.
    sheet : str or int, optional
        Worksheet (default the first).

    Returns
    -------
    pandas.DataFrame
        ``district``, ``social_workers_fte`` (float), ``adi_users_65plus``,
        ``nido_places``, ``social_housing_units``, ``housing_waiting_list`` (int).

    Examples
    --------
    >>> svc = read_services("data/sample/services.xlsx")
    >>> svc.columns.tolist()[:3]
    ['district', 'social_workers_fte', 'adi_users_65plus']
    """
    path = Path(path)
    raw = read_table(path, sheet=sheet)
    _require(raw, ["Comune", *_SERVICE_COLUMNS], path)
    _check_counts(raw, list(_SERVICE_COLUMNS), path)
    _check_unique(raw, ["Comune"], path)
    out = raw[["Comune", *_SERVICE_COLUMNS]].rename(
        columns={"Comune": "district", **_SERVICE_COLUMNS}
    )
    out["district"] = out["district"].astype(str).str.strip()
    out["social_workers_fte"] = out["social_workers_fte"].astype(float)
    for c in list(_SERVICE_COLUMNS.values())[1:]:
        out[c] = out[c].astype("int64")
    return out.reset_index(drop=True)


def read_assets(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read the community-asset inventory.

    Parameters
    ----------
    path : str or PathLike
        Columns ``nome``, ``tipo``, ``comune``, optional ``indirizzo``, ``lat``, ``lon``.

    Returns
    -------
    pandas.DataFrame
        ``name``, ``type``, ``district``, ``address``, ``lat``, ``lon``.

    Examples
    --------
    >>> read_assets("data/sample/assets.csv").columns.tolist()
    ['name', 'type', 'district', 'address', 'lat', 'lon']
    """
    path = Path(path)
    raw = read_table(path)
    raw.columns = [c.lower() for c in raw.columns]
    _require(raw, ["nome", "tipo", "comune"], path)
    for c in ("indirizzo", "lat", "lon"):
        if c not in raw.columns:
            raw[c] = np.nan
    for c in ("lat", "lon"):
        bad = raw[c].notna() & pd.to_numeric(raw[c], errors="coerce").isna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataFileError(
                f"{_show(raw[c].iloc[i])} is not a coordinate", path=path, row=i + 1, column=c
            )
    return pd.DataFrame(
        {
            "name": raw["nome"].astype(str).str.strip(),
            "type": raw["tipo"].astype(str).str.strip(),
            "district": raw["comune"].astype(str).str.strip(),
            "address": raw["indirizzo"],
            "lat": pd.to_numeric(raw["lat"]),
            "lon": pd.to_numeric(raw["lon"]),
        }
    )


def read_boundaries(path: str | os.PathLike[str], *, key: str = "comune") -> dict[str, Any]:
    """Read district boundaries (GeoJSON FeatureCollection with a ``comune`` property).

    Raises
    ------
    DataFileError
        Not JSON, not a FeatureCollection, or a feature without the ``key`` property.

    Examples
    --------
    >>> len(read_boundaries("data/sample/districts.geojson")["features"])
    6
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError("file not found", path=path) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataFileError(f"not valid GeoJSON ({exc})", path=path) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise DataFileError("must be a GeoJSON FeatureCollection", path=path)
    for i, feat in enumerate(data.get("features", []), start=1):
        if key not in (feat.get("properties") or {}):
            raise DataFileError(f"feature {i} has no {key!r} property", path=path)
    return data


@dataclass(frozen=True)
class Profile:
    """The community-profile inputs of a study, read and checked against its districts."""

    population: pd.DataFrame
    foreign: pd.DataFrame
    households: pd.DataFrame
    services: pd.DataFrame
    assets: pd.DataFrame
    boundaries: dict[str, Any] = field(repr=False)
    districts: tuple[str, ...] = ()


def _check_districts(
    frame: pd.DataFrame, districts: tuple[str, ...], path: Path, column: str
) -> None:
    unknown = ~frame["district"].isin(districts)
    if unknown.any():
        i = int(np.flatnonzero(unknown.to_numpy())[0])
        raise DataFileError(
            f"{frame['district'].iloc[i]!r} is not a district of the study ({', '.join(districts)})",
            path=path,
            row=i + 1,
            column=column,
        )


def load_profile(study: Any) -> Profile:
    """Read every profile input of a study (``files:`` keys ``population``, ``foreign``,
    ``households``, ``services``, ``assets``, ``boundaries``).

    Parameters
    ----------
    study : Study
        From :func:`quartiere.load_study`.

    Returns
    -------
    Profile
        Frames restricted to, and checked against, the study's districts.

    Raises
    ------
    SchemaError
        A file key missing from study.yml.
    DataFileError
        A file names a district the study does not have, or misses one.

    Examples
    --------
    >>> from quartiere import load_study
    >>> prof = load_profile(load_study("data/sample"))
    >>> prof.services.shape
    (6, 6)
    """
    districts = tuple(study.districts)
    pop = read_population(study.file("population"))
    frames = {
        "population": pop,
        "foreign": read_foreign(study.file("foreign")),
        "households": read_households(study.file("households")),
        "services": read_services(study.file("services")),
        "assets": read_assets(study.file("assets")),
    }
    for key, frame in frames.items():
        _check_districts(frame, districts, study.file(key), "comune")
        if key != "assets":
            missing = [d for d in districts if d not in set(frame["district"])]
            if missing:
                raise DataFileError(f"no rows for {', '.join(missing)}", path=study.file(key))
    return Profile(
        boundaries=read_boundaries(study.file("boundaries")), districts=districts, **frames
    )


def age_bands(age: pd.Series | np.ndarray, width: int = 5, top: int = 85) -> pd.Categorical:
    """Label ages with bands ``0-4``, ``5-9`` ... and an open ``85+``.

    Examples
    --------
    >>> list(age_bands(pd.Series([0, 4, 5, 86, 100]), top=85))
    ['0-4', '0-4', '5-9', '85+', '85+']
    """
    if width < 1 or top % width:
        raise ParameterError(f"top ({top}) must be a multiple of width ({width})", parameter="top")
    labels = [f"{a}-{a + width - 1}" for a in range(0, top, width)] + [f"{top}+"]
    idx = np.minimum(np.asarray(age, dtype=int) // width, top // width)
    return pd.Categorical.from_codes(idx, categories=labels, ordered=True)


def age_pyramid(
    population: pd.DataFrame, *, district: str | None = None, width: int = 5, top: int = 85
) -> pd.DataFrame:
    """Residents by age band and sex, with each cell's share of the total.

    Parameters
    ----------
    population : pandas.DataFrame
        From :func:`read_population`.
    district : str, optional
        One district; default the whole ambito.
    width, top : int
        Band width and the open top band.

    Returns
    -------
    pandas.DataFrame
        ``age_band`` (ordered categorical), ``sex``, ``population``, ``share`` (of all residents
        in the selection, both sexes).

    Examples
    --------
    >>> pyr = age_pyramid(read_population("data/sample/population.csv"))
    >>> float(round(pyr["share"].sum(), 12))
    1.0
    """
    pop = population
    if district is not None:
        pop = pop[pop["district"] == district]
        if pop.empty:
            raise ParameterError(f"no residents for district {district!r}", parameter="district")
    out = (
        pop.assign(age_band=age_bands(pop["age"], width, top))
        .groupby(["age_band", "sex"], observed=False)["population"]
        .sum()
        .reset_index()
    )
    out["share"] = out["population"] / out["population"].sum()
    return out


def age_pyramid_chart(pyramid: pd.DataFrame, *, lang: str, title: str | None = None) -> alt.Chart:
    """Population pyramid: women to the right, men to the left, shares of the total.

    Examples
    --------
    >>> pyr = age_pyramid(read_population("data/sample/population.csv"))
    >>> spec = age_pyramid_chart(pyr, lang="en").to_dict()
    >>> spec["encoding"]["y"]["title"]
    'Age band'
    """
    check_lang(lang)
    data = pyramid.assign(
        signed=np.where(pyramid["sex"] == "M", -pyramid["share"], pyramid["share"]),
        sex_label=np.where(pyramid["sex"] == "M", t("chart.sex_m", lang), t("chart.sex_f", lang)),
        age_band=pyramid["age_band"].astype(str),
    )
    order = [str(c) for c in pyramid["age_band"].cat.categories][::-1]
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("age_band:N", sort=order, title=t("chart.age_band", lang)),
            x=alt.X(
                "signed:Q",
                title=t("chart.residents", lang),
                axis=alt.Axis(format=".0%", labelExpr="replace(datum.label, '−', '')"),
            ),
            color=alt.Color(
                "sex_label:N",
                title=t("chart.sex", lang),
                scale=alt.Scale(
                    domain=[t("chart.sex_f", lang), t("chart.sex_m", lang)],
                    range=[PALETTE[3], PALETTE[0]],
                ),
            ),
            tooltip=[
                alt.Tooltip("age_band:N", title=t("chart.age_band", lang)),
                alt.Tooltip("sex_label:N", title=t("chart.sex", lang)),
                alt.Tooltip("population:Q", title=t("chart.residents", lang), format=",d"),
            ],
        )
        .properties(width=480, height=alt.Step(16))
    )
    return chart.properties(title=title) if title else chart


def _sum_by(pop: pd.DataFrame, mask: pd.Series) -> pd.Series:
    return pop[mask].groupby("district", sort=False)["population"].sum()


def district_indicators(profile: Profile, *, total: str | None = None) -> pd.DataFrame:
    """Demographic and social indicators per district (and optionally the whole ambito).

    Parameters
    ----------
    profile : Profile
        From :func:`load_profile`.
    total : str, optional
        Label of an extra last row computed on the ambito's totals (e.g. ``"Ambito"``).

    Returns
    -------
    pandas.DataFrame
        One row per district: ``district``, ``residents``, ``age_0_14``, ``age_15_64``,
        ``age_65_plus``, ``age_75_plus``, ``ageing_index`` (65+ / 0-14 x 100),
        ``dependency_index`` ((0-14 + 65+) / 15-64 x 100), ``foreign_residents``,
        ``foreign_share``, ``households``, ``avg_household_size`` (residents / households),
        ``alone_75``, ``alone_75_share`` (75+ living alone / residents 75+),
        ``waiting_per_1000`` (social-housing applications waiting per 1,000 residents).

    Notes
    -----
    ISTAT definitions: *indice di vecchiaia* and *indice di dipendenza strutturale*. Shares
    are fractions (0-1). The ambito row is computed from summed counts, not averaged rates.

    Examples
    --------
    >>> from quartiere import load_study
    >>> ind = district_indicators(load_profile(load_study("data/sample")), total="Ambito")
    >>> bool(ind.set_index("district").loc["Montecerro", "ageing_index"] > 300)
    True
    """
    pop = profile.population
    districts = list(profile.districts) or list(dict.fromkeys(pop["district"]))
    counts = (
        pd.DataFrame(
            {
                "residents": pop.groupby("district", sort=False)["population"].sum(),
                "age_0_14": _sum_by(pop, pop["age"] <= 14),
                "age_15_64": _sum_by(pop, pop["age"].between(15, 64)),
                "age_65_plus": _sum_by(pop, pop["age"] >= 65),
                "age_75_plus": _sum_by(pop, pop["age"] >= 75),
            }
        )
        .reindex(districts)
        .fillna(0)
    )
    counts = counts.join(profile.foreign.set_index("district")["foreign_residents"])
    counts = counts.join(profile.households.set_index("district")[["households", "alone_75"]])
    counts = counts.join(profile.services.set_index("district")["housing_waiting_list"])
    if total is not None:
        counts.loc[total] = counts.sum()
    c = counts
    out = pd.DataFrame(
        {
            "district": c.index,
            "residents": c["residents"].astype("int64").to_numpy(),
            "age_0_14": c["age_0_14"].astype("int64").to_numpy(),
            "age_15_64": c["age_15_64"].astype("int64").to_numpy(),
            "age_65_plus": c["age_65_plus"].astype("int64").to_numpy(),
            "age_75_plus": c["age_75_plus"].astype("int64").to_numpy(),
            "ageing_index": (c["age_65_plus"] / c["age_0_14"] * 100).to_numpy(),
            "dependency_index": (
                (c["age_0_14"] + c["age_65_plus"]) / c["age_15_64"] * 100
            ).to_numpy(),
            "foreign_residents": c["foreign_residents"].astype("int64").to_numpy(),
            "foreign_share": (c["foreign_residents"] / c["residents"]).to_numpy(),
            "households": c["households"].astype("int64").to_numpy(),
            "avg_household_size": (c["residents"] / c["households"]).to_numpy(),
            "alone_75": c["alone_75"].astype("int64").to_numpy(),
            "alone_75_share": (c["alone_75"] / c["age_75_plus"]).to_numpy(),
            "waiting_per_1000": (c["housing_waiting_list"] / c["residents"] * 1000).to_numpy(),
        }
    )
    return out.reset_index(drop=True)


def standards_coverage(
    profile: Profile, standards: Standards = Standards(), *, total: str | None = None
) -> pd.DataFrame:
    """Service coverage against the Italian standards, per district and service.

    Parameters
    ----------
    profile : Profile
    standards : Standards
        The standards (defaults: LEPS 1:5,000 social workers, nido 33%, ADI 10%).
    total : str, optional
        Label of an extra ambito row per service.

    Returns
    -------
    pandas.DataFrame
        Long: ``district``, ``service`` (``social_workers``, ``nido``, ``adi``), ``supply``
        (FTE, places, users), ``base`` (residents, children 0-2, residents 65+), ``value``
        (residents per social worker; places or users per resident of the base, a share),
        ``standard``, ``target`` (NaN where there is none), ``meets_standard`` (bool),
        ``gap`` (supply missing to reach the standard, 0 when met).

    Notes
    -----
    Social workers: ``value = residents / FTE``, lower is better; ``gap = residents /
    standard - FTE``. Nido: children aged 0-2 stand for the 3-36 months of the law (ISTAT's
    convention). ADI: users aged 65+ over residents aged 65+.

    Examples
    --------
    >>> from quartiere import load_study
    >>> cov = standards_coverage(load_profile(load_study("data/sample")))
    >>> cov.query("district == 'Serenella' and service == 'social_workers'")["meets_standard"].item()
    False
    """
    pop = profile.population
    districts = list(profile.districts) or list(dict.fromkeys(pop["district"]))
    base = pd.DataFrame(
        {
            "social_workers": pop.groupby("district", sort=False)["population"].sum(),
            "nido": _sum_by(pop, pop["age"] <= 2),
            "adi": _sum_by(pop, pop["age"] >= 65),
        }
    ).reindex(districts)
    svc = profile.services.set_index("district").reindex(districts)
    supply = pd.DataFrame(
        {
            "social_workers": svc["social_workers_fte"],
            "nido": svc["nido_places"],
            "adi": svc["adi_users_65plus"],
        }
    )
    if total is not None:
        base.loc[total] = base.sum()
        supply.loc[total] = supply.sum()
    rows = []
    for district in base.index:
        for service in ("social_workers", "nido", "adi"):
            b, s = float(base.at[district, service]), float(supply.at[district, service])
            if service == "social_workers":
                std, target = standards.social_worker_residents, standards.social_worker_target
                value = b / s if s > 0 else np.inf
                meets = value <= std
                gap = max(0.0, b / std - s)
            else:
                std = standards.nido_share if service == "nido" else standards.adi_share
                target = standards.nido_target if service == "nido" else np.nan
                value = s / b if b > 0 else np.nan
                meets = bool(value >= std)
                gap = max(0.0, std * b - s)
            rows.append((district, service, s, b, value, std, target, bool(meets), gap))
    return pd.DataFrame(
        rows,
        columns=[
            "district",
            "service",
            "supply",
            "base",
            "value",
            "standard",
            "target",
            "meets_standard",
            "gap",
        ],
    )


def asset_inventory(assets: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """Community assets by district and type, with coverage per 1,000 residents.

    Returns
    -------
    pandas.DataFrame
        ``district``, ``type``, ``n``, ``per_1000`` (assets of that type per 1,000 residents).
        Every district x type combination appears (``n = 0`` where none).

    Examples
    --------
    >>> pop = pd.DataFrame({"district": ["A", "A"], "sex": ["F", "M"], "age": [30, 30],
    ...                     "population": [1000, 1000]})
    >>> assets = pd.DataFrame({"name": ["x", "y"], "type": ["parrocchia", "associazione"],
    ...                        "district": ["A", "A"]})
    >>> asset_inventory(assets, pop)
      district          type  n  per_1000
    0        A  associazione  1       0.5
    1        A    parrocchia  1       0.5
    """
    residents = population.groupby("district", sort=False)["population"].sum()
    districts = list(residents.index)
    types = sorted(assets["type"].unique())
    counts = (
        assets.groupby(["district", "type"])
        .size()
        .reindex(
            pd.MultiIndex.from_product([districts, types], names=["district", "type"]), fill_value=0
        )
    )
    out = counts.rename("n").reset_index()
    out["per_1000"] = out["n"] / out["district"].map(residents) * 1000
    return out


def asset_density(assets: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """All community assets per district: ``district``, ``n``, ``residents``, ``per_1000``.

    Examples
    --------
    >>> from quartiere import load_study
    >>> prof = load_profile(load_study("data/sample"))
    >>> dens = asset_density(prof.assets, prof.population).set_index("district")
    >>> dens["per_1000"].idxmax()
    'Borgo San Rocco'
    """
    residents = population.groupby("district", sort=False)["population"].sum()
    n = assets.groupby("district").size().reindex(residents.index, fill_value=0)
    return pd.DataFrame(
        {
            "district": residents.index,
            "n": n.to_numpy(),
            "residents": residents.to_numpy(),
            "per_1000": (n / residents * 1000).to_numpy(),
        }
    )


_NEED_COMPONENTS = {
    # need label key: (frame, column or service, how to compute the "more need" value)
    "isolation": "alone_75_share",
    "housing": "waiting_per_1000",
    "integration": "foreign_share",
}


def need_scores(indicators: pd.DataFrame, coverage: pd.DataFrame) -> pd.DataFrame:
    """A relative need score per district, from standard shortfalls and social indicators.

    Parameters
    ----------
    indicators : pandas.DataFrame
        From :func:`district_indicators` (an ambito row, if any, is ignored).
    coverage : pandas.DataFrame
        From :func:`standards_coverage`.

    Returns
    -------
    pandas.DataFrame
        ``district``, one ``z_<need>`` column per component, ``score`` (mean of the z-scores),
        ``rank`` (1 = most need), ``top_need`` (the component with the highest z-score).

    Notes
    -----
    Components, each oriented so that higher means more need: shortfall against the
    standard for social workers (``residents per worker / standard - 1``), nido and ADI
    (``1 - coverage / standard``), clipped at 0 when met; share of 75+ living alone;
    social-housing waiting list per 1,000 residents; share of foreign residents. Each is
    standardised across districts (z-score, population standard deviation) and averaged
    with equal weights. The score is relative: it ranks districts within the ambito and
    says nothing about need against other ambiti.

    Examples
    --------
    >>> from quartiere import load_study
    >>> prof = load_profile(load_study("data/sample"))
    >>> ns = need_scores(district_indicators(prof), standards_coverage(prof))
    >>> ns.columns.tolist()[-3:]
    ['score', 'rank', 'top_need']
    """
    districts = [d for d in indicators["district"] if d in set(coverage["district"])]
    ind = indicators.set_index("district").loc[districts]
    cov = coverage.set_index(["district", "service"])
    comp = pd.DataFrame(index=pd.Index(districts, name="district"))
    sw = cov.xs("social_workers", level="service").loc[districts]
    comp["social_workers"] = np.clip(sw["value"] / sw["standard"] - 1, 0, None)
    for service in ("nido", "adi"):
        c = cov.xs(service, level="service").loc[districts]
        comp[service] = np.clip(1 - c["value"] / c["standard"], 0, None)
    for need, column in _NEED_COMPONENTS.items():
        comp[need] = ind[column]
    sd = comp.std(ddof=0).replace(0, np.nan)
    z = ((comp - comp.mean()) / sd).fillna(0.0)
    out = z.add_prefix("z_").reset_index()
    out["score"] = z.mean(axis=1).to_numpy()
    out["rank"] = out["score"].rank(ascending=False, method="min").astype(int)
    out["top_need"] = z.idxmax(axis=1).to_numpy()
    return out


def strengths_weaknesses(
    indicators: pd.DataFrame,
    coverage: pd.DataFrame,
    density: pd.DataFrame,
    *,
    lang: str,
    average: str,
) -> pd.DataFrame:
    """Strengths and weaknesses per district, in sentences a council member understands.

    Parameters
    ----------
    indicators : pandas.DataFrame
        From :func:`district_indicators` with an ambito row labelled ``average``.
    coverage : pandas.DataFrame
        From :func:`standards_coverage` (districts only).
    density : pandas.DataFrame
        From :func:`asset_density`.
    lang : {"it", "en"}
    average : str
        The label of the ambito row in ``indicators`` (the comparison).

    Returns
    -------
    pandas.DataFrame
        ``district``, ``kind`` (``strength``/``weakness``), ``indicator``, ``text``;
        weaknesses first within a district.

    Notes
    -----
    Rules: each standard met is a strength, missed a weakness. Against the ambito: ageing
    index above 120% of the ambito's is a weakness, below 80% a strength; 75+ living alone
    above 110%, foreign residents above 150% and waiting list above 150% are weaknesses;
    assets per 1,000 residents above 130% a strength, below 70% a weakness.

    Examples
    --------
    >>> from quartiere import load_study
    >>> prof = load_profile(load_study("data/sample"))
    >>> ind = district_indicators(prof, total="Ambito")
    >>> sw = strengths_weaknesses(ind, standards_coverage(prof),
    ...                           asset_density(prof.assets, prof.population), lang="it", average="Ambito")
    >>> sw.query("district == 'Borgo San Rocco' and kind == 'strength'")["indicator"].tolist()
    ['social_workers', 'assets']
    """
    check_lang(lang)
    ind = indicators.set_index("district")
    if average not in ind.index:
        raise ParameterError(
            f"no row {average!r} in indicators (use total=...)", parameter="average"
        )
    amb = ind.loc[average]
    dens = density.set_index("district")
    amb_density = dens["n"].sum() / dens["residents"].sum() * 1000
    pct, num = (lambda v: format_percent(v, lang)), (lambda v: format_number(v, lang))
    rows: list[tuple[str, str, str, str]] = []
    for d in [x for x in ind.index if x != average]:
        for row in coverage[coverage["district"] == d].itertuples():
            ok = row.meets_standard
            if row.service == "social_workers":
                text = t(
                    "finding.sw_meets" if ok else "finding.sw_below",
                    lang,
                    value=format_int(row.value, lang),
                    standard=format_int(row.standard, lang),
                    gap=format_number(row.gap, lang),
                )
            else:
                text = t(
                    f"finding.{row.service}_{'meets' if ok else 'below'}",
                    lang,
                    value=pct(row.value),
                    standard=format_percent(row.standard, lang, 0),
                    gap=format_int(row.gap, lang),
                )
            rows.append((d, "strength" if ok else "weakness", row.service, text))
        r = ind.loc[d]
        if r["ageing_index"] > 1.2 * amb["ageing_index"]:
            rows.append(
                (
                    d,
                    "weakness",
                    "ageing",
                    t(
                        "finding.ageing_high",
                        lang,
                        value=num(r["ageing_index"]),
                        average=num(amb["ageing_index"]),
                    ),
                )
            )
        elif r["ageing_index"] < 0.8 * amb["ageing_index"]:
            rows.append(
                (
                    d,
                    "strength",
                    "ageing",
                    t(
                        "finding.ageing_low",
                        lang,
                        value=num(r["ageing_index"]),
                        average=num(amb["ageing_index"]),
                    ),
                )
            )
        if r["alone_75_share"] > 1.1 * amb["alone_75_share"]:
            rows.append(
                (
                    d,
                    "weakness",
                    "isolation",
                    t(
                        "finding.alone_high",
                        lang,
                        value=pct(r["alone_75_share"]),
                        average=pct(amb["alone_75_share"]),
                    ),
                )
            )
        if r["foreign_share"] > 1.5 * amb["foreign_share"]:
            rows.append(
                (
                    d,
                    "weakness",
                    "integration",
                    t(
                        "finding.foreign_high",
                        lang,
                        value=pct(r["foreign_share"]),
                        average=pct(amb["foreign_share"]),
                    ),
                )
            )
        if r["waiting_per_1000"] > 1.5 * amb["waiting_per_1000"]:
            rows.append(
                (
                    d,
                    "weakness",
                    "housing",
                    t(
                        "finding.waiting_high",
                        lang,
                        value=num(r["waiting_per_1000"]),
                        average=num(amb["waiting_per_1000"]),
                    ),
                )
            )
        if d in dens.index:
            v = dens.at[d, "per_1000"]
            if v > 1.3 * amb_density:
                rows.append(
                    (
                        d,
                        "strength",
                        "assets",
                        t("finding.assets_high", lang, value=num(v), average=num(amb_density)),
                    )
                )
            elif v < 0.7 * amb_density:
                rows.append(
                    (
                        d,
                        "weakness",
                        "assets",
                        t("finding.assets_low", lang, value=num(v), average=num(amb_density)),
                    )
                )
    out = pd.DataFrame(rows, columns=["district", "kind", "indicator", "text"])
    order = {d: i for i, d in enumerate(ind.index)}
    out["_d"] = out["district"].map(order)
    out["_k"] = (out["kind"] == "strength").astype(int)
    return (
        out.sort_values(["_d", "_k"], kind="stable")
        .drop(columns=["_d", "_k"])
        .reset_index(drop=True)
    )


# --- presentation: report tables and charts for notebook 01 -------------------------------


def indicators_table(indicators: pd.DataFrame, *, lang: str) -> Any:
    """The indicators of :func:`district_indicators` as a localized report table.

    Examples
    --------
    >>> from quartiere import load_study
    >>> ind = district_indicators(load_profile(load_study("data/sample")), total="Ambito")
    >>> indicators_table(ind, lang="en").to_frame().columns[1]
    'Residents'
    """
    from quartiere.report.tables import table

    cols = {
        "district": (t("chart.district", lang), "text"),
        "residents": (t("profile.residents", lang), "int"),
        "ageing_index": (t("profile.ageing_index", lang), "num1"),
        "dependency_index": (t("profile.dependency_index", lang), "num1"),
        "alone_75_share": (t("profile.alone_75_share", lang), "pct1"),
        "foreign_share": (t("profile.foreign_share", lang), "pct1"),
        "households": (t("profile.households", lang), "int"),
        "avg_household_size": (t("profile.avg_household_size", lang), "num2"),
        "waiting_per_1000": (t("profile.waiting_per_1000", lang), "num1"),
    }
    return table(indicators, caption=t("profile.indicators_title", lang), columns=cols, lang=lang)


def coverage_table(coverage: pd.DataFrame, *, lang: str) -> Any:
    """Coverage against standards, one row per district and service, in words.

    Examples
    --------
    >>> from quartiere import load_study
    >>> cov = standards_coverage(load_profile(load_study("data/sample")))
    >>> coverage_table(cov, lang="it").to_frame().iloc[0, 1]
    'Assistenti sociali'
    """
    from quartiere.report.tables import table

    shown = coverage.assign(
        service_label=coverage["service"].map(
            {
                "social_workers": t("service.social_workers", lang),
                "nido": t("service.nido", lang),
                "adi": t("service.adi", lang),
            }
        ),
        measure=coverage["service"].map(
            {
                "social_workers": t("coverage.sw_measure", lang),
                "nido": t("coverage.nido_measure", lang),
                "adi": t("coverage.adi_measure", lang),
            }
        ),
        value_shown=np.where(
            coverage["service"] == "social_workers", coverage["value"], coverage["value"] * 100
        ),
        standard_shown=np.where(
            coverage["service"] == "social_workers",
            coverage["standard"],
            coverage["standard"] * 100,
        ),
    )
    cols = {
        "district": (t("chart.district", lang), "text"),
        "service_label": (t("coverage.service", lang), "text"),
        "measure": (t("coverage.measure", lang), "text"),
        "value_shown": (t("coverage.value", lang), "num1"),
        "standard_shown": (t("coverage.standard", lang), "num0"),
        "meets_standard": (t("coverage.meets", lang), "bool"),
        "gap": (t("coverage.gap", lang), "num1"),
    }
    return table(shown, caption=t("profile.coverage_title", lang), columns=cols, lang=lang)


def coverage_chart(
    coverage: pd.DataFrame, *, service: str, lang: str, focus: str | None = None
) -> alt.Chart:
    """Bars of one service's coverage by district with the standard as a dashed line.

    Examples
    --------
    >>> from quartiere import load_study
    >>> cov = standards_coverage(load_profile(load_study("data/sample")))
    >>> spec = coverage_chart(cov, service="nido", lang="it").to_dict()
    >>> spec["layer"][1]["mark"]["type"]
    'rule'
    """
    from quartiere.report.charts import bar_chart

    sub = coverage[coverage["service"] == service]
    if sub.empty:
        raise ParameterError(f"no rows for service {service!r}", parameter="service")
    key = {"social_workers": "sw", "nido": "nido", "adi": "adi"}[service]
    pct = service != "social_workers"
    return bar_chart(
        sub,
        x="value",
        y="district",
        x_title=t(f"coverage.{key}_measure", lang),
        y_title=t("chart.district", lang),
        highlight=focus,
        rule=float(sub["standard"].iloc[0]),
        rule_label=t("chart.standard", lang),
        x_format=".0%" if pct else ",.0f",
        title=t(f"service.{service}", lang) + " — " + t("coverage.standard", lang).lower(),
    )


def findings_table(findings: pd.DataFrame, *, lang: str, caption: str | None = None) -> Any:
    """Strengths and weaknesses as a report table.

    Examples
    --------
    >>> f = pd.DataFrame({"district": ["A"], "kind": ["strength"], "indicator": ["assets"], "text": ["x"]})
    >>> findings_table(f, lang="en").to_frame().iloc[0, 1]
    'Strength'
    """
    from quartiere.report.tables import table

    shown = findings.assign(
        kind_label=findings["kind"].map(
            {"strength": t("profile.strength", lang), "weakness": t("profile.weakness", lang)}
        )
    )
    cols = {
        "district": (t("chart.district", lang), "text"),
        "kind_label": (t("profile.kind", lang), "text"),
        "text": (t("profile.finding", lang), "text"),
    }
    return table(shown, caption=caption or t("profile.sw_title", lang), columns=cols, lang=lang)


def need_table(needs: pd.DataFrame, *, lang: str) -> Any:
    """Need ranking with the main need of each district, in words.

    Examples
    --------
    >>> n = pd.DataFrame({"district": ["A"], "score": [0.4], "rank": [1], "top_need": ["housing"]})
    >>> need_table(n, lang="it").to_frame().iloc[0, 3]
    'casa'
    """
    from quartiere.report.tables import table

    shown = needs.sort_values("rank").assign(
        need_label=needs["top_need"].map(lambda k: t(f"need.{k}", lang))
    )
    cols = {
        "rank": (t("profile.need_rank", lang), "int"),
        "district": (t("chart.district", lang), "text"),
        "score": (t("profile.need_score", lang), "num2"),
        "need_label": (t("profile.top_need", lang), "text"),
    }
    return table(shown, caption=t("profile.need_score", lang), columns=cols, lang=lang)


def need_map(boundaries: dict[str, Any], needs: pd.DataFrame, *, lang: str) -> alt.Chart:
    """Choropleth of the need score, each district labelled with its rank.

    Examples
    --------
    >>> from quartiere import load_study
    >>> prof = load_profile(load_study("data/sample"))
    >>> ns = need_scores(district_indicators(prof), standards_coverage(prof))
    >>> need_map(prof.boundaries, ns, lang="it").to_dict()["layer"][0]["mark"]["type"]
    'geoshape'
    """
    from quartiere.report.charts import choropleth

    labelled = needs.assign(label=needs["district"] + " (" + needs["rank"].astype(str) + ")")
    return choropleth(
        boundaries,
        labelled,
        key="district",
        value="score",
        value_title=t("profile.need_score", lang),
        label="label",
        value_format=".2f",
        title=t("profile.map_title", lang),
    )


def assets_table(inventory: pd.DataFrame, density: pd.DataFrame, *, lang: str) -> Any:
    """Assets by district (rows) and type (columns), with the total per 1,000 residents.

    Examples
    --------
    >>> from quartiere import load_study
    >>> prof = load_profile(load_study("data/sample"))
    >>> tab = assets_table(asset_inventory(prof.assets, prof.population),
    ...                    asset_density(prof.assets, prof.population), lang="it")
    >>> tab.to_frame().columns[-1]
    'Risorse ogni 1.000 residenti'
    """
    from quartiere.report.tables import table

    wide = inventory.pivot(index="district", columns="type", values="n").reindex(
        density["district"]
    )
    wide = wide.reset_index().merge(density[["district", "n", "per_1000"]], on="district")
    cols = {"district": (t("chart.district", lang), "text")}
    for typ in [c for c in wide.columns if c not in {"district", "n", "per_1000"}]:
        key = f"asset.{typ}"
        label = t(key, lang) if key in _catalog() else typ
        cols[typ] = (label, "int")
    cols["n"] = (t("asset.total", lang), "int")
    cols["per_1000"] = (t("profile.assets_per_1000", lang), "num1")
    return table(wide, caption=t("profile.assets_title", lang), columns=cols, lang=lang)


def assets_map(boundaries: dict[str, Any], assets: pd.DataFrame, *, lang: str) -> alt.Chart:
    """Map of community assets coloured by type.

    Examples
    --------
    >>> from quartiere import load_study
    >>> prof = load_profile(load_study("data/sample"))
    >>> assets_map(prof.boundaries, prof.assets, lang="en").to_dict()["layer"][1]["mark"]["type"]
    'circle'
    """
    from quartiere.report.charts import points_map

    pts = assets.dropna(subset=["lat", "lon"])
    pts = pts.assign(
        type_label=pts["type"].map(
            lambda k: t(f"asset.{k}", lang) if f"asset.{k}" in _catalog() else k
        )
    )
    return points_map(
        boundaries,
        pts[["name", "district", "type_label", "lat", "lon"]],
        color="type_label",
        color_title=t("chart.type", lang),
        tooltip=["name", "district", "type_label"],
        title=t("profile.assets_map_title", lang),
    )


def _catalog() -> Any:
    from quartiere.report.i18n import messages

    return messages()
