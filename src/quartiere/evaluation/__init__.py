"""Programme evaluation: logic model, SMART indicators, outcomes, GAS, costs, recommendation.

Examples
--------
>>> from quartiere.evaluation import gas_t_score
>>> gas_t_score([1, 1, 1])
63.69306393762915
"""

from __future__ import annotations

from quartiere.evaluation.costs import (
    IcerResult,
    cost_summary,
    home_care_cost_per_outcome,
    icer,
    one_way_sensitivity,
    service_summary,
    tornado_chart,
)
from quartiere.evaluation.gas import gas_chart, gas_scores, gas_summary, gas_t_score
from quartiere.evaluation.indicators import indicator_chart, indicator_progress
from quartiere.evaluation.logic_model import (
    logic_model_chart,
    logic_model_frame,
    logic_model_table,
)
from quartiere.evaluation.outcomes import (
    DidResult,
    compare_groups,
    did,
    pre_post,
    pre_trend_test,
    pre_trends,
    pre_trends_chart,
)
from quartiere.evaluation.recommend import Recommendation, recommend
from quartiere.evaluation.schema import EvaluationSchema, Indicator, LogicModel

__all__ = [
    "EvaluationSchema",
    "Indicator",
    "LogicModel",
    "logic_model_frame",
    "logic_model_table",
    "logic_model_chart",
    "indicator_progress",
    "indicator_chart",
    "pre_post",
    "did",
    "DidResult",
    "pre_trends",
    "pre_trend_test",
    "pre_trends_chart",
    "compare_groups",
    "gas_t_score",
    "gas_scores",
    "gas_summary",
    "gas_chart",
    "cost_summary",
    "icer",
    "IcerResult",
    "home_care_cost_per_outcome",
    "one_way_sensitivity",
    "tornado_chart",
    "service_summary",
    "recommend",
    "Recommendation",
]
