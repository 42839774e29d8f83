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
from quartiere.evaluation.inputs import EvaluationData, load_evaluation
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
from quartiere.evaluation.present import (
    ReportText,
    cost_table,
    cost_tornado_chart,
    did_means_table,
    did_table,
    gas_table,
    indicators_table,
    logic_model_report,
    outcome_gap_table,
    outcome_gap_text,
    pre_post_table,
    recommendation_table,
    recommendation_text,
    sensitivity_table,
    service_chart,
    service_table,
)
from quartiere.evaluation.programme import (
    CostAnalysis,
    cost_analysis,
    outcome_gap,
    target_attainment,
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
    "EvaluationData",
    "load_evaluation",
    "outcome_gap",
    "CostAnalysis",
    "cost_analysis",
    "target_attainment",
    "ReportText",
    "logic_model_report",
    "indicators_table",
    "pre_post_table",
    "did_means_table",
    "did_table",
    "outcome_gap_table",
    "outcome_gap_text",
    "gas_table",
    "service_table",
    "service_chart",
    "cost_table",
    "sensitivity_table",
    "cost_tornado_chart",
    "recommendation_table",
    "recommendation_text",
]
