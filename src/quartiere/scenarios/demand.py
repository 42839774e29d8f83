"""Service demand from projected population, against Italian standards; gaps and costs.

Services (``service`` values) and what they are measured in:

==================  ======================  ==========================  ==================
service             reference population    standard (required)          supply column
==================  ======================  ==========================  ==================
social_workers      all residents           1 FTE per 5,000 (LEPS)       social_workers_fte
nido                children 0-2            33% of them (L. 234/2021)    nido_places
adi                 residents 65+           10% of them (PNRR)           adi_users_65plus
economic_support    all residents           = demand                     base-year demand
housing             all residents           = demand                     social_housing_units
==================  ======================  ==========================  ==================
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from quartiere.errors import ParameterError
from quartiere.scenarios.schema import ShockSpec, StandardsSpec

__all__ = [
    "SERVICES",
    "SUPPLY_COLUMNS",
    "population_between",
    "service_gaps",
    "apply_options",
    "gap_summary",
    "demand_growth",
]


@dataclass(frozen=True)
class _Service:
    age_min: int
    age_max: int | None
    supply: str | None
    unit: str


SERVICES: dict[str, _Service] = {
    "social_workers": _Service(0, None, "social_workers_fte", "fte"),
    "nido": _Service(0, 2, "nido_places", "place"),
    "adi": _Service(65, None, "adi_users_65plus", "user"),
    "economic_support": _Service(0, None, None, "household"),
    "housing": _Service(0, None, "social_housing_units", "household"),
}
#: Columns of the supply frame (one row per district).
SUPPLY_COLUMNS = (
    "social_workers_fte",
    "nido_places",
    "adi_users_65plus",
    "social_housing_units",
    "housing_waiting_list",
)


def _overlap(age_start: np.ndarray, lo: float, hi: float | None) -> np.ndarray:
    """Share of each 5-year band (85 = open) inside ages [lo, hi] (uniform ages in a band)."""
    hi_ = np.inf if hi is None or (isinstance(hi, float) and np.isnan(hi)) else float(hi) + 1
    start = age_start.astype(float)
    end = np.where(start >= 85, np.inf, start + 5)
    width = np.where(np.isinf(end), 1.0, end - start)
    inside = np.clip(np.minimum(end, hi_) - np.maximum(start, lo), 0, None)
    return np.where(np.isinf(end), (start >= lo) & (start < hi_), inside / width).astype(float)


def population_between(
    projection: pd.DataFrame, age_min: float = 0, age_max: float | None = None
) -> pd.DataFrame:
    """Population aged ``age_min``-``age_max`` by scenario, year and district.

    Parameters
    ----------
    projection : pandas.DataFrame
        Output of :func:`~quartiere.scenarios.project_population` (or any frame with
        ``district``, ``age_start``, ``population`` and optionally ``scenario``, ``year``).
    age_min : float
        First age included.
    age_max : float, optional
        Last age included (None = no upper limit).

    Returns
    -------
    pandas.DataFrame
        ``scenario``, ``year``, ``district``, ``population``.

    Notes
    -----
    Ages are spread uniformly within a band, so ages 0-2 are 3/5 of the 0-4 band; the
    open band 85+ counts whole when ``age_min <= 85``.

    Raises
    ------
    KeyError
        ``age_start`` or ``population`` missing.

    References
    ----------
    Preston, S. H., Heuveline, P. & Guillot, M. (2001). *Demography*, ch. 6.

    Examples
    --------
    >>> proj = pd.DataFrame({"scenario": "b", "year": 2026, "district": "A",
    ...                      "age_start": [0, 5, 85], "population": [50.0, 40.0, 10.0]})
    >>> population_between(proj, 0, 2)["population"].tolist()
    [30.0]
    """
    keys = [k for k in ("scenario", "year", "district") if k in projection.columns]
    share = _overlap(projection["age_start"].to_numpy(), age_min, age_max)
    tmp = projection[keys].copy()
    tmp["population"] = projection["population"].to_numpy(dtype=float) * share
    out = tmp.groupby(keys, sort=False, as_index=False)["population"].sum()
    for k in ("scenario", "year"):
        if k not in out.columns:
            out.insert(0, k, np.nan)
    return out[["scenario", "year", "district", "population"]]


def _between_factory(proj: pd.DataFrame):
    """Fast repeated :func:`population_between` on one scenario: pivot once, then dot."""
    wide = proj.pivot_table(
        index=["year", "district"],
        columns="age_start",
        values="population",
        aggfunc="sum",
        sort=False,
    ).fillna(0.0)
    keys = wide.index.to_frame(index=False)
    starts = wide.columns.to_numpy()
    values = wide.to_numpy(dtype=float)
    scen = proj["scenario"].iloc[0] if "scenario" in proj.columns and len(proj) else np.nan

    def between(age_min: float, age_max: float | None) -> pd.DataFrame:
        pop = values @ _overlap(starts, age_min, age_max)
        return pd.DataFrame(
            {
                "scenario": scen,
                "year": keys["year"].to_numpy(),
                "district": keys["district"].to_numpy(),
                "population": pop,
            }
        )

    return between


def _rates_table(usage_rates: pd.DataFrame, scenario: str) -> pd.DataFrame:
    need = {"service", "rate"}
    if not need <= set(usage_rates.columns):
        raise ParameterError(
            "the usage-rates frame needs columns 'service' and 'rate'", parameter="usage_rates"
        )
    ur = usage_rates
    if "scenario" in ur.columns:
        ur = ur[ur["scenario"].isin([scenario, "all", ""]) | ur["scenario"].isna()]
    rate = pd.to_numeric(ur["rate"], errors="coerce")
    bad = rate.isna() | (rate < 0)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0]) + 1
        raise ParameterError(
            f"row {row}: usage rate {ur['rate'].iloc[row - 1]!r} of service "
            f"{ur['service'].iloc[row - 1]!r} must be a number >= 0",
            parameter="usage_rates",
        )
    unknown = sorted(set(ur["service"]) - set(SERVICES))
    if unknown:
        raise ParameterError(
            f"unknown service {unknown[0]!r}: use one of {sorted(SERVICES)}",
            parameter="usage_rates",
        )
    out = ur.assign(rate=rate.to_numpy())
    if "age_min" not in out.columns:
        out = out.assign(age_min=[SERVICES[s].age_min for s in out["service"]])
    if "age_max" not in out.columns:
        out = out.assign(age_max=[SERVICES[s].age_max for s in out["service"]])
    return out


def _costs(unit_costs: pd.DataFrame | None) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    if unit_costs is None:
        return out
    for i, row in enumerate(unit_costs.itertuples(index=False), start=1):
        d = row._asdict()
        cost = pd.to_numeric(d.get("unit_cost"), errors="coerce")
        hours = pd.to_numeric(d.get("hours_per_user", np.nan), errors="coerce")
        if pd.isna(cost) or cost < 0 or (not pd.isna(hours) and hours < 0):
            raise ParameterError(
                f"row {i}: unit cost of {d.get('service')!r} must be a number >= 0",
                parameter="unit_costs",
            )
        out[str(d["service"])] = (float(cost), float(hours))
    return out


def service_gaps(
    projection: pd.DataFrame,
    usage_rates: pd.DataFrame,
    supply: pd.DataFrame,
    *,
    unit_costs: pd.DataFrame | None = None,
    standards: StandardsSpec | Mapping | None = None,
    shock: ShockSpec | Mapping | None = None,
    rate_factors: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Demand, standard requirement, supply, gaps and their yearly cost by district.

    Parameters
    ----------
    projection : pandas.DataFrame
        Output of :func:`~quartiere.scenarios.project_population`.
    usage_rates : pandas.DataFrame
        ``service``, ``rate`` (users per person of the reference ages), optional
        ``age_min``/``age_max`` (several rows per service are summed, e.g. ADI 65-74 and
        75+), optional ``district`` (district-specific rate) and ``scenario``.
    supply : pandas.DataFrame
        One row per district: ``district`` and :data:`SUPPLY_COLUMNS`.
    unit_costs : pandas.DataFrame, optional
        ``service``, ``unit_cost`` (EUR per unit per year; for ``adi`` per hour),
        optional ``hours_per_user`` (yearly ADI hours per user).
    standards : StandardsSpec or mapping, optional
        Standards (default LEPS 1:5,000 / 1:4,000, nido 33% / 45%, ADI 10%).
    shock : ShockSpec or mapping, optional
        Emergency raising demand of some services by a share for some years.
    rate_factors : mapping, optional
        Service -> multiplier of its usage rates (what-if sliders).

    Returns
    -------
    pandas.DataFrame
        One row per scenario, year, district and service: ``scenario``, ``year``,
        ``district``, ``service``, ``unit``, ``reference_population``, ``demand`` (users
        expected from usage rates, shock included), ``required`` (minimum standard),
        ``target`` (target standard), ``supply``, ``gap`` (required - supply; > 0 is a
        shortfall), ``gap_target``, ``gap_hours`` (ADI hours, NaN elsewhere), ``unit_cost``,
        ``gap_cost`` (cost per year of closing the shortfall, 0 where none), ``shock``
        (shock name in affected years, else empty).

    Raises
    ------
    ParameterError
        Negative or missing rates, costs or supply; districts without supply.

    Notes
    -----
    ``demand = sum(population in the rate's ages x rate)``; ages within a band are
    spread uniformly (children 0-2 = 3/5 of band 0-4). Social workers: required =
    residents / 5,000, target = residents / 4,000. Nido: children 0-2 x 33% (target 45%).
    ADI: residents 65+ x 10%. Economic support and housing have no national standard:
    required = demand; supply of economic support is the base-year demand without shock
    (the help already funded), supply of housing is the social-housing stock. A shock
    multiplies demand (and requirement where it equals demand) by ``1 + increase`` in
    ``start_year ... start_year + years - 1``. Missing values are errors, never zeros.

    References
    ----------
    L. 178/2020 c. 797-804 (LEPS social workers); L. 234/2021 c. 172 (nidi 33%);
    Council Recommendation 2022/C 484/01 (EU 2030 childcare 45%); PNRR M6C1 (ADI 10%).

    Examples
    --------
    >>> proj = pd.DataFrame({"scenario": "b", "year": 2027, "district": "A",
    ...                      "age_start": [0, 65], "population": [100.0, 400.0]})
    >>> rates = pd.DataFrame({"service": ["adi"], "rate": [0.08]})
    >>> sup = pd.DataFrame({"district": ["A"], "social_workers_fte": [0.0], "nido_places": [0],
    ...                     "adi_users_65plus": [10], "social_housing_units": [0],
    ...                     "housing_waiting_list": [0]})
    >>> g = service_gaps(proj, rates, sup)
    >>> g.loc[g["service"] == "adi", ["demand", "required", "gap"]].values.tolist()
    [[32.0, 40.0, 30.0]]
    """
    std = standards if isinstance(standards, StandardsSpec) else StandardsSpec(**(standards or {}))
    shk = shock if (shock is None or isinstance(shock, ShockSpec)) else ShockSpec(**shock)
    costs = _costs(unit_costs)
    factors = dict(rate_factors or {})
    for k, v in factors.items():
        if not np.isfinite(v) or v < 0:
            raise ParameterError(
                f"rate factor of {k!r} is {v!r}: use a number >= 0", parameter="rate_factors"
            )
    if "district" not in supply.columns:
        raise ParameterError("the supply frame has no column 'district'", parameter="supply")
    sup = supply.set_index(supply["district"].astype(str))
    for col in ("social_workers_fte", "nido_places", "adi_users_65plus", "social_housing_units"):
        if col not in sup.columns:
            raise ParameterError(f"the supply frame has no column {col!r}", parameter="supply")
        vals = pd.to_numeric(sup[col], errors="coerce")
        if vals.isna().any() or (vals < 0).any():
            d = vals.index[vals.isna() | (vals < 0)][0]
            raise ParameterError(f"district {d!r}: {col} must be a number >= 0", parameter="supply")
    districts = list(dict.fromkeys(projection["district"].astype(str)))
    missing = [d for d in districts if d not in sup.index]
    if missing:
        raise ParameterError(f"no supply row for district {missing[0]!r}", parameter="supply")
    base_year = int(projection["year"].min())
    frames = []
    for sc in dict.fromkeys(projection["scenario"]):
        proj = projection[projection["scenario"] == sc]
        between = _between_factory(proj)
        rates = _rates_table(usage_rates, str(sc))
        for svc, spec in SERVICES.items():
            ref = between(spec.age_min, spec.age_max)
            dem = np.zeros(len(ref))
            for row in rates[rates["service"] == svc].itertuples(index=False):
                r = row._asdict()
                amax = r.get("age_max")
                amax = None if amax is None or pd.isna(amax) else float(amax)
                pop = between(float(r.get("age_min", 0) or 0), amax)
                val = pop["population"].to_numpy() * float(r["rate"])
                dist = r.get("district")
                if dist is not None and not pd.isna(dist) and str(dist) != "":
                    val = np.where(pop["district"].astype(str) == str(dist), val, 0.0)
                dem += val
            dem *= factors.get(svc, 1.0)
            years = ref["year"].to_numpy()
            res = ref["population"].to_numpy()
            if svc == "social_workers":
                required = res / std.residents_per_social_worker
                target = res / std.residents_per_social_worker_target
            elif svc == "nido":
                required, target = res * std.nido_coverage, res * std.nido_coverage_target
            elif svc == "adi":
                required, target = res * std.adi_coverage, res * std.adi_coverage_target
            else:
                required, target = dem.copy(), dem.copy()
            if not (rates["service"] == svc).any() and svc in ("social_workers", "nido", "adi"):
                dem = required.copy()  # no usage rate given: demand is the standard
            if svc == "economic_support":
                base = pd.Series(
                    dem[years == base_year], index=ref["district"][years == base_year].astype(str)
                )
                supply_v = base.reindex(ref["district"].astype(str)).to_numpy()
            else:
                supply_v = pd.to_numeric(
                    sup.loc[ref["district"].astype(str), spec.supply]
                ).to_numpy(dtype=float)
            shock_name = np.full(len(ref), "", dtype=object)
            if shk is not None and svc in shk.increase:
                hit = (years >= shk.start_year) & (years < shk.start_year + shk.years)
                mult = np.where(hit, 1.0 + shk.increase[svc], 1.0)
                dem = dem * mult
                if svc in ("economic_support", "housing"):
                    required, target = required * mult, target * mult
                shock_name[hit] = shk.name
            unit_cost, hours = costs.get(svc, (np.nan, np.nan))
            gap = required - supply_v
            gap_hours = (
                gap * hours if svc == "adi" and not np.isnan(hours) else np.full(len(gap), np.nan)
            )
            per_unit = unit_cost * (hours if svc == "adi" and not np.isnan(hours) else 1.0)
            frames.append(
                pd.DataFrame(
                    {
                        "scenario": sc,
                        "year": years,
                        "district": ref["district"].astype(str).to_numpy(),
                        "service": svc,
                        "unit": spec.unit,
                        "reference_population": res,
                        "demand": dem,
                        "required": required,
                        "target": target,
                        "supply": supply_v,
                        "gap": gap,
                        "gap_target": target - supply_v,
                        "gap_hours": gap_hours,
                        "unit_cost": unit_cost,
                        "gap_cost": np.clip(gap, 0, None) * per_unit,
                        "shock": shock_name,
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def apply_options(
    supply: pd.DataFrame, options: pd.DataFrame, selected: Iterable[str] | None = None
) -> pd.DataFrame:
    """Supply after funding some options (their effects added to their district).

    Parameters
    ----------
    supply : pandas.DataFrame
        One row per district with :data:`SUPPLY_COLUMNS`.
    options : pandas.DataFrame
        ``option``, ``district`` and effect columns named like the supply columns
        (e.g. ``social_workers_fte`` = FTE hired; negative for a reallocation away).
    selected : iterable of str, optional
        Options funded (default all).

    Returns
    -------
    pandas.DataFrame
        A copy of ``supply`` with the effects added.

    Raises
    ------
    ParameterError
        Unknown option or district.

    Notes
    -----
    Effects missing in a row count as 0 (an option that does not touch that service).

    References
    ----------
    L. 178/2020 c. 797-804; L. 234/2021 c. 172; PNRR M6C1 (standards used in the gaps).

    Examples
    --------
    >>> sup = pd.DataFrame({"district": ["A"], "social_workers_fte": [2.0]})
    >>> opt = pd.DataFrame({"option": ["hire"], "district": ["A"], "social_workers_fte": [1.5]})
    >>> apply_options(sup, opt)["social_workers_fte"].tolist()
    [3.5]
    """
    out = supply.copy()
    chosen = list(options["option"]) if selected is None else list(selected)
    unknown = [o for o in chosen if o not in set(options["option"])]
    if unknown:
        raise ParameterError(f"unknown option {unknown[0]!r}", parameter="selected")
    sel = options[options["option"].isin(chosen)]
    known = set(out["district"].astype(str))
    bad = [d for d in sel["district"].astype(str) if d not in known]
    if bad:
        opt = sel.loc[sel["district"].astype(str) == bad[0], "option"].iloc[0]
        raise ParameterError(
            f"option {opt!r}: district {bad[0]!r} is not in the supply frame",
            parameter="options",
        )
    cols = [c for c in SUPPLY_COLUMNS if c in sel.columns and c in out.columns]
    if cols and len(sel):
        eff = sel[cols].apply(pd.to_numeric, errors="coerce").fillna(0.0)
        by = eff.groupby(sel["district"].astype(str).to_numpy()).sum()
        add = by.reindex(out["district"].astype(str)).fillna(0.0).to_numpy()
        for k, c in enumerate(cols):
            out[c] = out[c].astype(float).to_numpy() + add[:, k]
    return out


def gap_summary(gaps: pd.DataFrame, *, by: Iterable[str] = ("scenario", "year", "service")):
    """Total shortfall and its cost, summing positive gaps only.

    Parameters
    ----------
    gaps : pandas.DataFrame
        Output of :func:`service_gaps`.
    by : iterable of str
        Grouping columns.

    Returns
    -------
    pandas.DataFrame
        ``by`` columns, ``shortfall`` (sum of positive gaps), ``gap_cost``,
        ``districts_short`` (number of districts with a shortfall).

    Notes
    -----
    A surplus in one district does not offset a shortfall in another.

    Raises
    ------
    KeyError
        A grouping column missing from ``gaps``.

    References
    ----------
    L. 178/2020 c. 797-804; L. 234/2021 c. 172; PNRR M6C1 (standards used in the gaps).

    Examples
    --------
    >>> g = pd.DataFrame({"service": ["adi", "adi"], "gap": [3.0, -2.0], "gap_cost": [30.0, 0]})
    >>> gap_summary(g, by=["service"]).values.tolist()
    [['adi', 3.0, 30.0, 1]]
    """
    by = list(by)
    tmp = gaps.assign(
        shortfall=gaps["gap"].clip(lower=0), districts_short=(gaps["gap"] > 1e-9).astype(int)
    )
    return tmp.groupby(by, sort=False, as_index=False)[
        ["shortfall", "gap_cost", "districts_short"]
    ].sum()


def demand_growth(
    gaps: pd.DataFrame,
    service: str = "adi",
    *,
    year_from: int | None = None,
    year_to: int | None = None,
    per: float = 1000.0,
) -> pd.DataFrame:
    """Change of a service's demand per ``per`` residents between two years, by district.

    Parameters
    ----------
    gaps : pandas.DataFrame
        Output of :func:`service_gaps` (it must include the ``social_workers`` rows, whose
        reference population is all residents).
    service : str
        Service measured.
    year_from, year_to : int, optional
        Years compared (default first and last).
    per : float
        Residents per rate unit (1,000).

    Returns
    -------
    pandas.DataFrame
        ``scenario``, ``district``, ``demand_from``, ``demand_to``, ``rate_from``,
        ``rate_to`` (demand per ``per`` residents), ``estimate`` (relative change of the
        rate, ``rate_to / rate_from - 1``), sorted with the fastest growth first.

    Raises
    ------
    ParameterError
        Unknown service or years not in the frame.

    Notes
    -----
    Ageing shows as demand growing faster than the population: the rate per resident
    isolates it from growth or decline of the whole comune.

    References
    ----------
    L. 178/2020 c. 797-804; L. 234/2021 c. 172; PNRR M6C1 (standards used in the gaps).

    Examples
    --------
    >>> g = pd.DataFrame({"scenario": "b", "year": [2026, 2029] * 2, "district": "A",
    ...                   "service": ["adi"] * 2 + ["social_workers"] * 2,
    ...                   "demand": [10.0, 12.0, 0, 0],
    ...                   "reference_population": [0, 0, 1000.0, 1000.0]})
    >>> demand_growth(g)["estimate"].round(2).tolist()
    [0.2]
    """
    if service not in SERVICES:
        raise ParameterError(f"unknown service {service!r}", parameter="service")
    y0 = int(gaps["year"].min()) if year_from is None else int(year_from)
    y1 = int(gaps["year"].max()) if year_to is None else int(year_to)
    if not {y0, y1} <= set(gaps["year"].astype(int)):
        raise ParameterError(f"years {y0} and {y1} must both be in the frame", parameter="years")
    keys = ["scenario", "district"]
    dem = gaps[gaps["service"] == service].set_index([*keys, "year"])["demand"]
    res = gaps[gaps["service"] == "social_workers"].set_index([*keys, "year"])[
        "reference_population"
    ]
    out = pd.DataFrame(
        {
            "demand_from": dem.xs(y0, level="year"),
            "demand_to": dem.xs(y1, level="year"),
            "rate_from": dem.xs(y0, level="year") / res.xs(y0, level="year") * per,
            "rate_to": dem.xs(y1, level="year") / res.xs(y1, level="year") * per,
        }
    )
    out["estimate"] = out["rate_to"] / out["rate_from"] - 1.0
    return (
        out.reset_index()
        .sort_values("estimate", ascending=False, kind="stable")
        .reset_index(drop=True)
    )
