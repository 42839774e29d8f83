"""Resident surveys: validation, weights, estimates, scales, comparisons, charts.

Readers live in :mod:`quartiere.io.survey_readers` (CSV/xlsx, SPSS, KoboToolbox,
LimeSurvey); this package validates what they return against the study's ``survey:``
schema and analyses it.
"""

from quartiere.survey.charts import estimates_chart, likert_chart, needs_chart
from quartiere.survey.compare import (
    ChiSquare,
    GroupComparison,
    chi_square,
    compare_groups,
    weighted_crosstab,
)
from quartiere.survey.estimates import weighted_estimates
from quartiere.survey.load import load_survey, study_margins
from quartiere.survey.scales import Reliability, item_codes, reliability, score_scale, score_scales
from quartiere.survey.schema import SurveySchema
from quartiere.survey.validate import SurveyValidationError, ValidatedSurvey, validate_survey
from quartiere.survey.weights import (
    WeightSummary,
    design_weights,
    margin_table,
    margins_from_population,
    poststratify,
    rake,
    rake_trimmed,
    weighting_summary,
)

__all__ = [
    "ChiSquare",
    "GroupComparison",
    "Reliability",
    "SurveySchema",
    "SurveyValidationError",
    "ValidatedSurvey",
    "WeightSummary",
    "chi_square",
    "compare_groups",
    "design_weights",
    "estimates_chart",
    "item_codes",
    "likert_chart",
    "load_survey",
    "margin_table",
    "margins_from_population",
    "needs_chart",
    "poststratify",
    "rake",
    "rake_trimmed",
    "reliability",
    "score_scale",
    "score_scales",
    "study_margins",
    "validate_survey",
    "weighted_crosstab",
    "weighted_estimates",
    "weighting_summary",
]
