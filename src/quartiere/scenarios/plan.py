"""A study's three-year plan in one object, and the steps the scenario notebook shows.

:func:`load_plan` reads the scenario inputs, the base population and the service register
once, projects every scenario of the study, computes gaps against the standards (with and
without the study's shock) and the decision matrix (need coverage computed from the gaps).
The other functions take a :class:`Plan` and return tidy frames: weight sets, rankings,
the effect of each option on the shortfalls, budget portfolios, Monte Carlo and tornado
sensitivity, and the headline numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from quartiere.errors import ParameterError
from quartiere.scenarios.budget import portfolios
from quartiere.scenarios.demand import apply_options, gap_summary, service_gaps
from quartiere.scenarios.io import ScenarioInputs, read_scenario_inputs
from quartiere.scenarios.mcda import (
    AHPResult,
    ahp_weights,
    normalize_weights,
    topsis,
    weighted_sum,
    weights_from_priorities,
)
from quartiere.scenarios.population import project_population
from quartiere.scenarios.schema import ScenariosSchema
from quartiere.scenarios.sensitivity import MonteCarloResult, monte_carlo, tornado
from quartiere.scenarios.whatif import NEED_CRITERION, gap_closure

__all__ = [
    "Plan",
    "load_plan",
    "plan_ahp",
    "weight_sets",
    "rank_options",
    "top_option",
    "demand_rates",
    "shock_effects",
    "option_effects",
    "closing_options",
    "rank_portfolios",
    "gaps_after",
    "plan_monte_carlo",
    "plan_tornado",
    "headlines",
]

WeightSet = Literal["equal", "residents", "ahp", "study"]


@dataclass(frozen=True)
class Plan:
    """Everything the scenario notebook needs, computed once.

    Attributes
    ----------
    schema : ScenariosSchema
        The validated ``scenarios:`` section.
    inputs : ScenarioInputs
        Scenario input files as tidy frames.
    population, supply : pandas.DataFrame
        Base population (``district``, ``sex``, ``age``, ``population``) and the service
        register (``district`` and supply columns).
    scenario : str
        Demographic scenario used for demand, gaps and options.
    projection : pandas.DataFrame
        Every scenario of the study, base year included (see
        :func:`~quartiere.scenarios.project_population`).
    gaps : pandas.DataFrame
        :func:`~quartiere.scenarios.service_gaps` of every scenario, no shock.
    shock_gaps : pandas.DataFrame
        Gaps of ``scenario`` with the study's shock (equal to the plain gaps if none).
    matrix : pandas.DataFrame
        Options x criteria, need coverage computed from ``scenario``'s last-year gaps.
    budget_cap : float
        Yearly money for new options (EUR).
    min_per_area : dict
        Area -> minimum spend (EUR).
    seed : int
        Seed of every random draw (the study's).
    districts : tuple of str
        Report order of the districts.
    names_lang : str
        Language of the option names in the options file (the study's language).
    """

    schema: ScenariosSchema
    inputs: ScenarioInputs
    population: pd.DataFrame
    supply: pd.DataFrame
    scenario: str
    projection: pd.DataFrame
    gaps: pd.DataFrame
    shock_gaps: pd.DataFrame
    matrix: pd.DataFrame
    budget_cap: float
    min_per_area: dict[str, float] = field(default_factory=dict)
    seed: int = 0
    districts: tuple[str, ...] = ()
    names_lang: str = "it"

    @property
    def types(self) -> dict[str, str]:
        """Criterion -> ``benefit``/``cost``."""
        return self.inputs.types()

    @property
    def scenario_gaps(self) -> pd.DataFrame:
        """Gaps of the chosen scenario, years of the plan only (no base year)."""
        g = self.gaps
        return g[(g["scenario"] == self.scenario) & g["year"].isin(self.schema.years)]

    @property
    def last_year(self) -> int:
        """Last year of the plan."""
        return int(max(self.schema.years))


def load_plan(
    study: Any,
    *,
    scenario: str | None = None,
    budget_cap: float | None = None,
    population: pd.DataFrame | None = None,
    supply: pd.DataFrame | None = None,
) -> Plan:
    """Read a study's scenario inputs and compute projection, gaps and decision matrix.

    Parameters
    ----------
    study : Study
        A loaded study (:func:`quartiere.load_study`) with a ``scenarios:`` section.
    scenario : str, optional
        Scenario used for demand, gaps and option scores (default the first listed in
        ``scenarios.scenarios``).
    budget_cap : float, optional
        Yearly budget for new options; None or 0 (the notebook's default) take
        ``scenarios.budget.cap``.
    population, supply : pandas.DataFrame, optional
        Base population and service register (default read from the study's ``population``
        and ``services`` files with :mod:`quartiere.profile`).

    Returns
    -------
    Plan

    Raises
    ------
    ParameterError
        A scenario the study does not list, or no budget cap anywhere.
    SchemaError, DataFileError
        From the section or the input files.

    Notes
    -----
    The need-coverage criterion (``copertura_fabbisogno``), left blank in the options
    file, is each option's share of its district's last-year shortfall for its service
    (:func:`~quartiere.scenarios.gap_closure`). Nothing is imputed.

    References
    ----------
    Preston, S. H., Heuveline, P. & Guillot, M. (2001). *Demography*, ch. 6.

    Examples
    --------
    >>> from quartiere import load_study
    >>> plan = load_plan(load_study("data/sample"))
    >>> plan.scenario, plan.last_year, plan.budget_cap
    ('baseline', 2029, 600000.0)
    """
    schema = ScenariosSchema.from_study(study)
    chosen = schema.scenarios[0] if scenario is None else str(scenario)
    if chosen not in schema.scenarios:
        raise ParameterError(
            f"scenario {chosen!r} is not in the study: use one of {', '.join(schema.scenarios)}",
            parameter="scenario",
        )
    cap = budget_cap if budget_cap else (schema.budget.cap if schema.budget else None)
    if cap is None or not np.isfinite(float(cap)) or float(cap) <= 0:
        raise ParameterError(
            "no positive budget cap: set scenarios.budget.cap in study.yml or pass budget_cap",
            parameter="budget_cap",
        )
    inputs = read_scenario_inputs(study, files=schema.inputs)
    if population is None or supply is None:
        from quartiere.profile import read_population, read_services

        population = read_population(study.file("population")) if population is None else population
        supply = read_services(study.file("services")) if supply is None else supply
    projection = project_population(
        population,
        inputs.fertility,
        inputs.life_table,
        inputs.migration,
        base_year=schema.base_year,
        years=schema.years,
        scenario=schema.scenarios,
        step=schema.step,
        sex_ratio_at_birth=schema.sex_ratio_at_birth,
        radix=schema.radix,
    )
    common = {"unit_costs": inputs.unit_costs, "standards": schema.standards}
    gaps = service_gaps(projection, inputs.usage_rates, supply, **common)
    own = projection[projection["scenario"] == chosen]
    if schema.shock is not None:
        shock_gaps = service_gaps(own, inputs.usage_rates, supply, shock=schema.shock, **common)
    else:
        shock_gaps = gaps[gaps["scenario"] == chosen].copy()
    matrix = inputs.decision_matrix()
    if NEED_CRITERION in matrix.columns and "service" in inputs.options.columns:
        last = gaps[(gaps["scenario"] == chosen) & (gaps["year"] == max(schema.years))]
        matrix[NEED_CRITERION] = gap_closure(last, inputs.options).reindex(matrix.index).to_numpy()
    districts = tuple(getattr(study, "districts", ()) or dict.fromkeys(supply["district"]))
    return Plan(
        schema=schema,
        inputs=inputs,
        population=population,
        supply=supply,
        scenario=chosen,
        projection=projection,
        gaps=gaps,
        shock_gaps=shock_gaps,
        matrix=matrix,
        budget_cap=float(cap),
        min_per_area=dict(schema.budget.min_per_area) if schema.budget else {},
        seed=int(getattr(study, "seed", 0) or 0),
        districts=districts,
        names_lang=str(getattr(study, "lang", "it")),
    )


def plan_ahp(plan: Plan, *, threshold: float = 0.10) -> AHPResult:
    """AHP weights of the study's pairwise comparisons, flagged (not raised) if inconsistent.

    Parameters
    ----------
    plan : Plan
        From :func:`load_plan`.
    threshold : float
        Largest acceptable consistency ratio (Saaty: 0.10).

    Returns
    -------
    AHPResult
        ``consistent`` is False when the CR exceeds ``threshold``.

    Raises
    ------
    ParameterError
        A malformed matrix (not square, not reciprocal, non-positive cells) or one whose
        criteria differ from the options file's.

    Notes
    -----
    Uses the random-index table named by ``scenarios.ahp_random_index``.

    References
    ----------
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill, table 1.2.

    Examples
    --------
    >>> from quartiere import load_study
    >>> res = plan_ahp(load_plan(load_study("data/sample")))
    >>> res.consistent, res.random_index
    (True, 'saaty1980')
    """
    res = ahp_weights(
        plan.inputs.pairwise,
        random_index=plan.schema.ahp_random_index,
        threshold=threshold,
        strict=False,
    )
    missing = [c for c in plan.matrix.columns if c not in res.weights.index]
    if missing:
        raise ParameterError(
            f"criterion {missing[0]!r} has no row in the pairwise comparisons",
            parameter="pairwise",
        )
    return res


def weight_sets(plan: Plan, *, ahp: AHPResult | None = None) -> pd.DataFrame:
    """The sets of criteria weights compared in the report, in one tidy frame.

    Parameters
    ----------
    plan : Plan
        From :func:`load_plan`.
    ahp : AHPResult, optional
        AHP result (:func:`plan_ahp`); adds the ``ahp`` set.

    Returns
    -------
    pandas.DataFrame
        One row per set and criterion: ``weight_set`` (``equal``; ``study`` if
        ``scenarios.weights`` is set; ``residents`` if the priorities file has rows;
        ``ahp``), ``criterion``, ``direction`` (benefit/cost), ``weight`` (sums to 1
        within a set).

    Raises
    ------
    ParameterError
        Bad weights (negative, zero total, a criterion without weight).

    Notes
    -----
    Residents' weights are each criterion's share of all tokens
    (:func:`~quartiere.scenarios.weights_from_priorities`).

    References
    ----------
    Belton, V. & Stewart, T. J. (2002). *Multiple Criteria Decision Analysis*. Kluwer, ch. 5.

    Examples
    --------
    >>> from quartiere import load_study
    >>> w = weight_sets(load_plan(load_study("data/sample")))
    >>> w.groupby("weight_set", sort=False)["weight"].sum().round(6).to_dict()
    {'equal': 1.0, 'residents': 1.0}
    """
    crit = list(plan.matrix.columns)
    sets: dict[str, pd.Series] = {"equal": normalize_weights(np.ones(len(crit)), crit)}
    if plan.schema.weights:
        sets["study"] = normalize_weights(plan.schema.weights, crit)
    if len(plan.inputs.priorities):
        sets["residents"] = weights_from_priorities(plan.inputs.priorities, criteria=crit)
    if ahp is not None:
        sets["ahp"] = normalize_weights(ahp.weights, crit)
    types = plan.types
    return pd.DataFrame(
        [
            {"weight_set": k, "criterion": c, "direction": types[c], "weight": float(w[c])}
            for k, w in sets.items()
            for c in crit
        ]
    )


def _weights_of(weights: pd.DataFrame, weight_set: str) -> pd.Series:
    sub = weights[weights["weight_set"] == weight_set]
    if sub.empty:
        have = ", ".join(dict.fromkeys(weights["weight_set"]))
        raise ParameterError(
            f"no weight set {weight_set!r}: use one of {have}", parameter="weight_set"
        )
    return sub.set_index("criterion")["weight"]


def rank_options(plan: Plan, weights: pd.DataFrame) -> pd.DataFrame:
    """Rank the options by TOPSIS and by weighted sum under every set of weights.

    Parameters
    ----------
    plan : Plan
        From :func:`load_plan`.
    weights : pandas.DataFrame
        Output of :func:`weight_sets`.

    Returns
    -------
    pandas.DataFrame
        ``weight_set``, ``method`` (``topsis``/``weighted_sum``), ``option``, ``name``,
        ``estimate`` (TOPSIS closeness or weighted score, 0-1), ``rank`` (1 = best).

    Raises
    ------
    ParameterError
        From :func:`~quartiere.scenarios.topsis` (missing scores, bad weights).

    Notes
    -----
    TOPSIS with vector normalisation (Hwang & Yoon 1981); weighted sum of min-max
    normalised scores, cost reversed (Fishburn 1967).

    References
    ----------
    Hwang, C.-L. & Yoon, K. (1981). *Multiple Attribute Decision Making*. Springer.

    Examples
    --------
    >>> from quartiere import load_study
    >>> plan = load_plan(load_study("data/sample"))
    >>> r = rank_options(plan, weight_sets(plan))
    >>> sorted(r["method"].unique())
    ['topsis', 'weighted_sum']
    """
    names = (
        plan.inputs.options.set_index("option")["name"] if "name" in plan.inputs.options else None
    )
    frames = []
    for ws in dict.fromkeys(weights["weight_set"]):
        w = _weights_of(weights, ws)
        for method, fn in (("topsis", topsis), ("weighted_sum", weighted_sum)):
            r = fn(plan.matrix, w, plan.types)[["option", "estimate", "rank"]]
            r.insert(0, "method", method)
            r.insert(0, "weight_set", ws)
            r.insert(
                3,
                "name",
                names.reindex(r["option"]).to_numpy() if names is not None else r["option"],
            )
            frames.append(r)
    return pd.concat(frames, ignore_index=True)


def top_option(ranking: pd.DataFrame, weight_set: str, method: str = "topsis") -> str:
    """The option ranked first under one set of weights (ties: the first listed).

    Parameters
    ----------
    ranking : pandas.DataFrame
        Output of :func:`rank_options`.
    weight_set : str
        ``equal``, ``residents``, ``ahp`` or ``study``.
    method : {"topsis", "weighted_sum"}
        Ranking method.

    Returns
    -------
    str
        Option code.

    Raises
    ------
    ParameterError
        A weight set or method not in ``ranking``.

    Examples
    --------
    >>> r = pd.DataFrame({"weight_set": "equal", "method": "topsis", "option": ["a", "b"],
    ...                   "estimate": [0.4, 0.6], "rank": [2, 1]})
    >>> top_option(r, "equal")
    'b'
    """
    sub = ranking[(ranking["weight_set"] == weight_set) & (ranking["method"] == method)]
    if sub.empty:
        raise ParameterError(
            f"no ranking for weights {weight_set!r} and method {method!r}",
            parameter="weight_set",
        )
    return str(sub.sort_values("rank", kind="stable")["option"].iloc[0])


def demand_rates(plan: Plan, service: str = "adi", *, per: float = 1000.0) -> pd.DataFrame:
    """A service's demand per ``per`` residents by year and district (chosen scenario).

    Parameters
    ----------
    plan : Plan
        From :func:`load_plan`.
    service : str
        Service (``adi``, ``nido``, ...).
    per : float
        Residents per rate unit.

    Returns
    -------
    pandas.DataFrame
        ``year`` (base year included), ``district``, ``demand``, ``residents``, ``rate``.

    Raises
    ------
    ParameterError
        Unknown service.

    Notes
    -----
    The rate divides demand by all residents, so it rises when a comune ages even if its
    population (and its absolute demand) falls.

    References
    ----------
    PNRR M6C1 (ADI 10% of over-65s).

    Examples
    --------
    >>> from quartiere import load_study
    >>> r = demand_rates(load_plan(load_study("data/sample")))
    >>> r["year"].drop_duplicates().tolist()
    [2026, 2027, 2028, 2029]
    """
    g = plan.gaps[plan.gaps["scenario"] == plan.scenario]
    if service not in set(g["service"]):
        raise ParameterError(f"unknown service {service!r}", parameter="service")
    dem = g[g["service"] == service].set_index(["year", "district"])["demand"]
    res = g[g["service"] == "social_workers"].set_index(["year", "district"])[
        "reference_population"
    ]
    out = pd.DataFrame({"demand": dem, "residents": res.reindex(dem.index)}).reset_index()
    out["rate"] = out["demand"] / out["residents"] * per
    order = {d: i for i, d in enumerate(plan.districts)}
    out["_o"] = out["district"].map(order)
    return out.sort_values(["_o", "year"], kind="stable").drop(columns="_o").reset_index(drop=True)


def shock_effects(plan: Plan) -> pd.DataFrame:
    """Extra demand and cost of the study's shock, by year and service (ambito totals).

    Parameters
    ----------
    plan : Plan
        From :func:`load_plan`.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``service``, ``demand`` (without shock), ``demand_shock``, ``extra``
        (difference), ``gap_cost`` (cost of the shortfall without shock),
        ``gap_cost_shock``, ``extra_cost``; services hit by the shock, years of the plan.
        Empty when the study has no shock.

    Raises
    ------
    KeyError
        Never for a :class:`Plan` from :func:`load_plan`.

    Notes
    -----
    Sums over districts; the shock multiplies demand by ``1 + increase`` in its years.

    References
    ----------
    L. 328/2000 art. 19 (the Piano di Zona plans for emergencies too).

    Examples
    --------
    >>> from quartiere import load_study
    >>> s = shock_effects(load_plan(load_study("data/sample")))
    >>> sorted(s["service"].unique()), bool((s["extra"] >= 0).all())
    (['economic_support', 'housing'], True)
    """
    cols = ["year", "service", "demand", "demand_shock", "extra", "gap_cost"]
    cols += ["gap_cost_shock", "extra_cost"]
    if plan.schema.shock is None:
        return pd.DataFrame(columns=cols)
    services = list(plan.schema.shock.increase)
    years = plan.schema.years

    def total(g: pd.DataFrame) -> pd.DataFrame:
        g = g[g["service"].isin(services) & g["year"].isin(years)]
        return g.groupby(["year", "service"], sort=False)[["demand", "gap_cost"]].sum()

    base = total(plan.gaps[plan.gaps["scenario"] == plan.scenario])
    hit = total(plan.shock_gaps)
    out = base.merge(hit, left_index=True, right_index=True, suffixes=("", "_shock"))
    out = out.reset_index()
    out["extra"] = out["demand_shock"] - out["demand"]
    out["extra_cost"] = out["gap_cost_shock"] - out["gap_cost"]
    return out[cols]


def _gaps_in(plan: Plan, year: int, supply: pd.DataFrame) -> pd.DataFrame:
    """Gaps of the chosen scenario in one year for a given supply (base year kept for the
    services whose supply is the base-year demand)."""
    proj = plan.projection
    keep = (proj["scenario"] == plan.scenario) & proj["year"].isin(
        [plan.schema.base_year, int(year)]
    )
    if not (proj.loc[keep, "year"] == int(year)).any():
        raise ParameterError(f"year {year} is not projected", parameter="year")
    common = {"unit_costs": plan.inputs.unit_costs, "standards": plan.schema.standards}
    g = service_gaps(proj[keep], plan.inputs.usage_rates, supply, **common)
    return g[g["year"] == int(year)]


def option_effects(plan: Plan, *, year: int | None = None) -> pd.DataFrame:
    """Ambito shortfall of each service if only one option were funded.

    Parameters
    ----------
    plan : Plan
        From :func:`load_plan`.
    year : int, optional
        Year (default the last of the plan).

    Returns
    -------
    pandas.DataFrame
        One row per option (``option`` empty = no option funded) and service:
        ``option``, ``service``, ``shortfall_before``, ``shortfall`` (after funding that
        option alone), ``gap_cost``, ``closes`` (True when a shortfall before is zero
        after).

    Raises
    ------
    ParameterError
        From :func:`~quartiere.scenarios.apply_options` (unknown districts).

    Notes
    -----
    The option's effect columns are added to its district's supply and the gaps are
    recomputed for the chosen scenario (no shock); shortfalls are summed over districts.

    References
    ----------
    L. 178/2020 c. 797-804 (LEPS social workers); L. 234/2021 c. 172; PNRR M6C1.

    Examples
    --------
    >>> from quartiere import load_study
    >>> e = option_effects(load_plan(load_study("data/sample")))
    >>> e[e["closes"] & (e["service"] == "social_workers")]["option"].tolist()
    ['AS-SER']
    """
    y = plan.last_year if year is None else int(year)

    def summary(supply: pd.DataFrame) -> pd.DataFrame:
        return gap_summary(_gaps_in(plan, y, supply), by=["service"]).set_index("service")

    before = summary(plan.supply)
    rows = []
    for opt in ["", *plan.inputs.options["option"]]:
        after = (
            before if not opt else summary(apply_options(plan.supply, plan.inputs.options, [opt]))
        )
        for svc in before.index:
            b, a = float(before.at[svc, "shortfall"]), float(after.at[svc, "shortfall"])
            rows.append(
                {
                    "option": opt,
                    "service": svc,
                    "shortfall_before": b,
                    "shortfall": a,
                    "gap_cost": float(after.at[svc, "gap_cost"]),
                    "closes": bool(b > 1e-9 and a <= 1e-9),
                }
            )
    return pd.DataFrame(rows)


def closing_options(effects: pd.DataFrame, service: str) -> list[str]:
    """Options that alone bring a service's ambito shortfall to zero.

    Parameters
    ----------
    effects : pandas.DataFrame
        Output of :func:`option_effects`.
    service : str
        Service (e.g. ``social_workers``).

    Returns
    -------
    list of str
        Option codes, in the order of the options file.

    Examples
    --------
    >>> e = pd.DataFrame({"option": ["", "a", "b"], "service": "nido", "closes": [False, True, False]})
    >>> closing_options(e, "nido")
    ['a']
    """
    sub = effects[(effects["service"] == service) & effects["closes"] & (effects["option"] != "")]
    return [str(o) for o in sub["option"]]


def rank_portfolios(
    plan: Plan,
    ranking: pd.DataFrame,
    *,
    weight_set: str,
    method: str = "topsis",
) -> pd.DataFrame:
    """Every combination of options, feasible ones first, best total score first.

    Parameters
    ----------
    plan : Plan
        From :func:`load_plan` (budget cap and minimums per area).
    ranking : pandas.DataFrame
        Output of :func:`rank_options`.
    weight_set : str
        Weights whose scores are summed.
    method : {"topsis", "weighted_sum"}
        Score used.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`~quartiere.scenarios.portfolios` plus ``left_over``
        (cap - cost) and ``position`` (1 = best feasible; NaN if infeasible), sorted by
        feasibility, score (descending) and cost.

    Raises
    ------
    ParameterError
        From :func:`~quartiere.scenarios.portfolios` (minimums above the cap, ...).

    Notes
    -----
    Exhaustive enumeration of the 2^n combinations (n <= 16).

    References
    ----------
    Kellerer, H., Pferschy, U. & Pisinger, D. (2004). *Knapsack Problems*. Springer.

    Examples
    --------
    >>> from quartiere import load_study
    >>> plan = load_plan(load_study("data/sample"))
    >>> p = rank_portfolios(plan, rank_options(plan, weight_sets(plan)), weight_set="equal")
    >>> bool(p["feasible"].iloc[0]), bool(p["cost"].iloc[0] <= plan.budget_cap)
    (True, True)
    """
    sub = ranking[(ranking["weight_set"] == weight_set) & (ranking["method"] == method)]
    if sub.empty:
        raise ParameterError(
            f"no ranking for weights {weight_set!r} and method {method!r}",
            parameter="weight_set",
        )
    table = portfolios(
        plan.inputs.options,
        budget_cap=plan.budget_cap,
        min_per_area=plan.min_per_area,
        scores=sub.set_index("option")["estimate"],
    )
    table["left_over"] = plan.budget_cap - table["cost"]
    table = table.sort_values(
        ["feasible", "score", "cost"], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)
    table["position"] = np.where(table["feasible"], np.arange(1, len(table) + 1), np.nan)
    return table


def gaps_after(plan: Plan, selected: pd.DataFrame | Iterable[str]) -> pd.DataFrame:
    """Ambito shortfall by service in the last year, before and after funding options.

    Parameters
    ----------
    plan : Plan
        From :func:`load_plan`.
    selected : pandas.DataFrame or iterable of str
        Options funded, or the output of :func:`rank_portfolios` (its best feasible row).

    Returns
    -------
    pandas.DataFrame
        ``service``, ``shortfall``, ``shortfall_after``, ``gap_cost``, ``gap_cost_after``.

    Raises
    ------
    ParameterError
        Unknown options.

    Notes
    -----
    Chosen scenario, no shock; shortfalls summed over districts.

    References
    ----------
    L. 178/2020 c. 797-804; L. 234/2021 c. 172; PNRR M6C1.

    Examples
    --------
    >>> from quartiere import load_study
    >>> plan = load_plan(load_study("data/sample"))
    >>> g = gaps_after(plan, ["AS-SER"]).set_index("service")
    >>> float(g.loc["social_workers", "shortfall_after"])
    0.0
    """
    if isinstance(selected, pd.DataFrame):
        ok = selected[selected["feasible"]]
        chosen = ok["portfolio"].iloc[0].split("+") if len(ok) and ok["portfolio"].iloc[0] else []
    else:
        chosen = list(selected)
    y = plan.last_year
    before = gap_summary(_gaps_in(plan, y, plan.supply), by=["service"])
    sup = apply_options(plan.supply, plan.inputs.options, chosen)
    after = gap_summary(_gaps_in(plan, y, sup), by=["service"])
    out = before.merge(after, on="service", suffixes=("", "_after"))
    return out[["service", "shortfall", "shortfall_after", "gap_cost", "gap_cost_after"]]


def plan_monte_carlo(
    plan: Plan,
    weights: pd.DataFrame,
    *,
    weight_set: str,
    draws: int | None = None,
    method: Literal["topsis", "weighted_sum"] = "topsis",
) -> MonteCarloResult:
    """Monte Carlo of the ranking around one set of weights, seeded from the study.

    Parameters
    ----------
    plan : Plan
        From :func:`load_plan`.
    weights : pandas.DataFrame
        Output of :func:`weight_sets`.
    weight_set : str
        Central weights.
    draws : int, optional
        Simulations (default ``scenarios.monte_carlo.draws``).
    method : {"topsis", "weighted_sum"}
        Ranking method.

    Returns
    -------
    MonteCarloResult
        ``.to_frame()``: ``option``, ``n``, ``p_first``, ``mean_rank``, ``rank_ci_low``,
        ``rank_ci_high``, ``estimate``, ``ci_low``, ``ci_high``.

    Raises
    ------
    ParameterError
        Unknown weight set, ``draws`` < 1.

    Notes
    -----
    Score uncertainty per criterion from the ``cv`` column of the criteria sheet
    (``condiviso`` = one draw shared by all options); weights Dirichlet with the study's
    concentration; ``numpy.random.default_rng(study.seed)``.

    References
    ----------
    Butler, J., Jia, J. & Dyer, J. (1997). Simulation techniques for the sensitivity
    analysis of multi-criteria decision models. *EJOR*, 103(3), 531-546.

    Examples
    --------
    >>> from quartiere import load_study
    >>> plan = load_plan(load_study("data/sample"))
    >>> mc = plan_monte_carlo(plan, weight_sets(plan), weight_set="equal", draws=500)
    >>> round(float(mc.to_frame()["p_first"].sum()), 6)
    1.0
    """
    crit = plan.inputs.criteria.set_index("criterion")
    n = plan.schema.monte_carlo.draws if draws is None else int(draws)
    if n < 1:
        raise ParameterError(f"draws must be >= 1, got {n}", parameter="draws")
    return monte_carlo(
        plan.matrix,
        _weights_of(weights, weight_set),
        plan.types,
        rng=np.random.default_rng(plan.seed),
        draws=n,
        cv=crit["cv"].to_dict(),
        shared=[c for c in crit.index if bool(crit.at[c, "shared"])],
        weight_concentration=plan.schema.monte_carlo.weight_concentration,
        method=method,
    )


def plan_tornado(
    plan: Plan,
    weights: pd.DataFrame,
    *,
    weight_set: str,
    option: str | None = None,
    weight_spread: float = 0.5,
    cv: float = 0.2,
) -> pd.DataFrame:
    """Tornado data for the top option (or ``option``) under one set of weights.

    Parameters
    ----------
    plan : Plan
        From :func:`load_plan`.
    weights : pandas.DataFrame
        Output of :func:`weight_sets`.
    weight_set : str
        Central weights.
    option : str, optional
        Option followed (default the TOPSIS top one).
    weight_spread : float
        Each weight moved by +-``weight_spread`` (relative).
    cv : float
        Each of the option's scores moved by +-``cv`` (relative).

    Returns
    -------
    pandas.DataFrame
        As :func:`~quartiere.scenarios.tornado`.

    Raises
    ------
    ParameterError
        Unknown weight set or option.

    Notes
    -----
    One input at a time, all others central (Eschenbach 1992).

    References
    ----------
    Eschenbach, T. G. (1992). Spiderplots versus tornado diagrams for sensitivity
    analysis. *Interfaces*, 22(6), 40-46.

    Examples
    --------
    >>> from quartiere import load_study
    >>> plan = load_plan(load_study("data/sample"))
    >>> plan_tornado(plan, weight_sets(plan), weight_set="equal")["option"].iloc[0]
    'AS-SER'
    """
    return tornado(
        plan.matrix,
        _weights_of(weights, weight_set),
        plan.types,
        option=option,
        weight_spread=weight_spread,
        cv=cv,
    )


def headlines(
    plan: Plan,
    *,
    ranking: pd.DataFrame,
    ahp: AHPResult,
    mc: MonteCarloResult,
    effects: pd.DataFrame,
    folios: pd.DataFrame,
    weight_set: str,
) -> dict[str, Any]:
    """The plan's headline numbers, JSON-like (for ``glue`` and the summary table).

    Parameters
    ----------
    plan : Plan
        From :func:`load_plan`.
    ranking : pandas.DataFrame
        Output of :func:`rank_options`.
    ahp : AHPResult
        Output of :func:`plan_ahp`.
    mc : MonteCarloResult
        Output of :func:`plan_monte_carlo` (around ``weight_set``).
    effects : pandas.DataFrame
        Output of :func:`option_effects`.
    folios : pandas.DataFrame
        Output of :func:`rank_portfolios`.
    weight_set : str
        The weights the portfolios and Monte Carlo used.

    Returns
    -------
    dict
        ``scenario``, ``gap_year``, ``residents_last_year``, ``total_gap_cost`` (EUR per
        year to close every shortfall in ``gap_year``), ``shock_extra_cost`` (over the shock
        years), ``adi_fastest_per_1000`` (two districts), ``adi_largest_absolute``,
        ``top_option_equal``, ``top_option_residents``, ``top_option_ahp`` (TOPSIS; None if
        the set is absent), ``top_option_wsm_equal``, ``top_option_wsm_residents``,
        ``weight_set``, ``top_option``, ``p_first_top`` (share of draws in which
        ``top_option`` ranks first), ``mc_most_often_first``, ``draws``, ``ahp_cr``,
        ``ahp_consistent``, ``sw_gap_closed_by`` (options closing the social-worker
        shortfall alone), ``best_portfolio`` (list), ``best_portfolio_cost``,
        ``budget_cap``.

    Raises
    ------
    ParameterError
        ``weight_set`` not in ``ranking``.

    Notes
    -----
    Values are full precision; formatting belongs to the report.

    Examples
    --------
    >>> from quartiere import load_study
    >>> plan = load_plan(load_study("data/sample"))
    >>> w = weight_sets(plan, ahp=plan_ahp(plan)); r = rank_options(plan, w)
    >>> h = headlines(plan, ranking=r, ahp=plan_ahp(plan),
    ...               mc=plan_monte_carlo(plan, w, weight_set="residents", draws=200),
    ...               effects=option_effects(plan),
    ...               folios=rank_portfolios(plan, r, weight_set="residents"),
    ...               weight_set="residents")
    >>> h["top_option_equal"], h["sw_gap_closed_by"]
    ('AS-SER', ['AS-SER'])
    """
    sets = set(ranking["weight_set"])

    def top(ws: str, method: str = "topsis") -> str | None:
        return top_option(ranking, ws, method) if ws in sets else None

    chosen_top = top_option(ranking, weight_set)
    summary = mc.to_frame().set_index("option")
    last = plan.scenario_gaps[plan.scenario_gaps["year"] == plan.last_year]
    rates = demand_rates(plan, "adi")
    y0, y1 = int(rates["year"].min()), int(rates["year"].max())
    wide = rates.pivot(index="district", columns="year", values=["rate", "demand"])
    growth = (wide[("rate", y1)] / wide[("rate", y0)] - 1).sort_values(ascending=False)
    absolute = (wide[("demand", y1)] - wide[("demand", y0)]).sort_values(ascending=False)
    shock = shock_effects(plan)
    ok = folios[folios["feasible"]]
    best = ok["portfolio"].iloc[0].split("+") if len(ok) and ok["portfolio"].iloc[0] else []
    proj = plan.projection
    residents = proj[(proj["scenario"] == plan.scenario) & (proj["year"] == plan.last_year)]
    return {
        "scenario": plan.scenario,
        "gap_year": plan.last_year,
        "residents_last_year": float(residents["population"].sum()),
        "total_gap_cost": float(last["gap_cost"].sum()),
        "shock_extra_cost": float(shock["extra_cost"].sum()) if len(shock) else 0.0,
        "adi_fastest_per_1000": [str(d) for d in growth.index[:2]],
        "adi_largest_absolute": str(absolute.index[0]),
        "top_option_equal": top("equal"),
        "top_option_residents": top("residents"),
        "top_option_ahp": top("ahp"),
        "top_option_wsm_equal": top("equal", "weighted_sum"),
        "top_option_wsm_residents": top("residents", "weighted_sum"),
        "weight_set": weight_set,
        "top_option": chosen_top,
        "p_first_top": float(summary.at[chosen_top, "p_first"]),
        "mc_most_often_first": str(summary["p_first"].idxmax()),
        "draws": int(mc.ranks.shape[0]),
        "ahp_cr": float(ahp.cr),
        "ahp_consistent": bool(ahp.consistent),
        "sw_gap_closed_by": closing_options(effects, "social_workers"),
        "best_portfolio": best,
        "best_portfolio_cost": float(ok["cost"].iloc[0]) if len(ok) else None,
        "budget_cap": float(plan.budget_cap),
    }
