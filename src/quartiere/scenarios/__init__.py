"""Scenario planning for a Piano di Zona.

Population projection (cohort component), service demand against Italian standards,
budget combinations, multi-criteria ranking (AHP, TOPSIS, weighted sum), Monte Carlo and
tornado sensitivity, and a what-if panel for workshops.
"""

from __future__ import annotations

from quartiere.scenarios.budget import best_portfolio, check_portfolio, portfolios
from quartiere.scenarios.charts import (
    gap_chart,
    projection_chart,
    rank_probability_chart,
    tornado_chart,
)
from quartiere.scenarios.demand import (
    SERVICES,
    SUPPLY_COLUMNS,
    apply_options,
    demand_growth,
    gap_summary,
    population_between,
    service_gaps,
)
from quartiere.scenarios.io import ScenarioInputs, read_scenario_inputs
from quartiere.scenarios.mcda import (
    RANDOM_INDEX,
    AHPResult,
    ahp_weights,
    normalize_weights,
    topsis,
    weighted_sum,
    weights_from_priorities,
)
from quartiere.scenarios.population import (
    BAND_LABELS,
    BAND_STARTS,
    leslie_matrix,
    project_leslie,
    project_population,
    survival_ratios,
    to_age_bands,
)
from quartiere.scenarios.schema import ScenariosSchema, ShockSpec
from quartiere.scenarios.sensitivity import MonteCarloResult, monte_carlo, tornado
from quartiere.scenarios.whatif import PlanModel, WhatIfPanel, WhatIfResult, gap_closure

__all__ = [
    "AHPResult",
    "BAND_LABELS",
    "BAND_STARTS",
    "MonteCarloResult",
    "PlanModel",
    "RANDOM_INDEX",
    "SERVICES",
    "SUPPLY_COLUMNS",
    "ScenarioInputs",
    "ScenariosSchema",
    "ShockSpec",
    "WhatIfPanel",
    "WhatIfResult",
    "ahp_weights",
    "apply_options",
    "best_portfolio",
    "check_portfolio",
    "demand_growth",
    "gap_chart",
    "gap_closure",
    "gap_summary",
    "leslie_matrix",
    "monte_carlo",
    "normalize_weights",
    "population_between",
    "portfolios",
    "project_leslie",
    "project_population",
    "projection_chart",
    "rank_probability_chart",
    "read_scenario_inputs",
    "service_gaps",
    "survival_ratios",
    "to_age_bands",
    "topsis",
    "tornado",
    "tornado_chart",
    "weighted_sum",
    "weights_from_priorities",
]
