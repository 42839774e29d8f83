"""Continue / improve / stop, from explicit criteria, with the evidence behind the verdict."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from quartiere.errors import ParameterError
from quartiere.evaluation.schema import Criteria

__all__ = ["Recommendation", "recommend"]

Verdict = Literal["continue", "improve", "stop"]


@dataclass(frozen=True)
class Recommendation:
    """A verdict and the evidence table it rests on.

    Attributes
    ----------
    verdict : {"continue", "improve", "stop"}
        The recommendation.
    evidence : pandas.DataFrame
        Columns ``criterion``, ``value``, ``comparison`` (">=" or "<="), ``threshold``,
        ``met`` (bool).
    rule : str
        The decision rule in words.
    """

    verdict: Verdict
    evidence: pd.DataFrame
    rule: str

    def to_frame(self) -> pd.DataFrame:
        """The evidence table with a ``verdict`` column added."""
        return self.evidence.assign(verdict=self.verdict)


_RULE = (
    "continue if every criterion is met; stop if the effect criterion fails and so does at "
    "least one other; improve otherwise"
)


def recommend(
    *,
    effect_size: float,
    target_attainment: float,
    cost_per_outcome: float,
    min_effect_size: float = 0.2,
    min_target_attainment: float = 0.75,
    cost_ceiling: float = 30000.0,
    criteria: Criteria | None = None,
) -> Recommendation:
    """Recommend continuing, improving or stopping a programme from explicit criteria.

    Parameters
    ----------
    effect_size : float
        Programme effect on the main outcome, standardized (e.g. DiD estimate / SD of the
        outcome at baseline, or Cohen's d).
    target_attainment : float
        Share (0-1) of indicators on track or reached (from :func:`indicator_progress`).
    cost_per_outcome : float
        Euro per outcome achieved (from :func:`cost_summary`).
    min_effect_size : float, default 0.2
        Smallest effect worth having (Cohen's "small").
    min_target_attainment : float, default 0.75
        Share of indicators that must be on track.
    cost_ceiling : float, default 30000
        Highest acceptable cost per outcome (e.g. the yearly cost of the alternative:
        residential care).
    criteria : Criteria, optional
        The ``evaluation.criteria`` of study.yml; overrides the three thresholds above.

    Returns
    -------
    Recommendation
        ``verdict``, ``evidence`` (one row per criterion: ``effect_size``,
        ``target_attainment``, ``cost_per_outcome``) and the ``rule``.

    Raises
    ------
    ParameterError
        A value is missing or not finite, or attainment outside 0-1.

    Notes
    -----
    Rule: continue if every criterion is met; stop if the effect criterion fails and at
    least one other does too; improve otherwise (the programme works but costs too much or
    misses targets, or it meets targets and cost but shows no effect yet). The thresholds
    are choices for the planning table, not statistics: state them in the report.

    References
    ----------
    Rossi, P. H., Lipsey, M. W. & Henry, G. T. (2019). Evaluation: a systematic approach,
    8th ed., ch. 10-11 (efficiency and using evaluation results). Cohen, J. (1988):
    0.2 / 0.5 / 0.8 as small / medium / large standardized effects.

    Examples
    --------
    >>> rec = recommend(effect_size=0.5, target_attainment=0.8, cost_per_outcome=12000)
    >>> rec.verdict
    'continue'
    >>> rec.evidence[["criterion", "met"]]
               criterion   met
    0        effect_size  True
    1  target_attainment  True
    2   cost_per_outcome  True
    """
    if criteria is not None:
        min_effect_size = criteria.min_effect_size
        min_target_attainment = criteria.min_target_attainment
        cost_ceiling = criteria.cost_ceiling
    vals = {}
    for name, v in (
        ("effect_size", effect_size),
        ("target_attainment", target_attainment),
        ("cost_per_outcome", cost_per_outcome),
    ):
        try:
            vals[name] = float(v)
        except (TypeError, ValueError):
            raise ParameterError(f"must be a number (got {v!r})", parameter=name) from None
        if not np.isfinite(vals[name]):
            raise ParameterError(f"must be a finite number (got {v!r})", parameter=name)
    if not 0 <= vals["target_attainment"] <= 1:
        raise ParameterError(
            f"must be a share between 0 and 1 (got {target_attainment})",
            parameter="target_attainment",
        )
    evidence = pd.DataFrame(
        {
            "criterion": ["effect_size", "target_attainment", "cost_per_outcome"],
            "value": [vals["effect_size"], vals["target_attainment"], vals["cost_per_outcome"]],
            "comparison": [">=", ">=", "<="],
            "threshold": [
                float(min_effect_size),
                float(min_target_attainment),
                float(cost_ceiling),
            ],
        }
    )
    evidence["met"] = [
        vals["effect_size"] >= min_effect_size,
        vals["target_attainment"] >= min_target_attainment,
        vals["cost_per_outcome"] <= cost_ceiling,
    ]
    met = evidence["met"].to_list()
    if all(met):
        verdict: Verdict = "continue"
    elif not met[0] and not all(met[1:]):
        verdict = "stop"
    else:
        verdict = "improve"
    return Recommendation(verdict=verdict, evidence=evidence, rule=_RULE)
