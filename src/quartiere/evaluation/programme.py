"""Whole-programme syntheses: why pre/post exceeds the DiD, the cost analysis, target attainment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from quartiere.errors import DataFileError, ParameterError
from quartiere.evaluation.costs import (
    IcerResult,
    cost_summary,
    home_care_cost_per_outcome,
    icer,
    one_way_sensitivity,
)
from quartiere.evaluation.outcomes import DidResult

__all__ = ["outcome_gap", "CostAnalysis", "cost_analysis", "target_attainment"]

_COST_KEYS = ("hourly_cost", "hours_per_user", "fixed_cost_per_user")


def _mean_at(trends: pd.DataFrame, group: str, period: Any) -> float:
    row = trends[(trends["group"] == group) & (trends["period"] == period)]
    if row.empty:
        raise DataFileError(
            f"no {group} mean for period {period!r}; periods are "
            f"{sorted(pd.unique(trends['period']))}",
            column="period",
        )
    return float(row["estimate"].iloc[0])


def outcome_gap(
    pre_post: pd.DataFrame,
    did: DidResult,
    trends: pd.DataFrame,
    *,
    intake: Any,
    review: Any,
) -> pd.DataFrame:
    """Split participants' pre/post gain into time trend, regression to the mean and effect.

    Parameters
    ----------
    pre_post : pandas.DataFrame
        Output of :func:`~quartiere.evaluation.pre_post` (participants, intake -> review).
    did : DidResult
        Output of :func:`~quartiere.evaluation.did` on the panel.
    trends : pandas.DataFrame
        Output of :func:`~quartiere.evaluation.pre_trends` on the same panel.
    intake, review : period values
        The panel periods of the intake and the review assessments (``"2025-T3"``,
        ``"2026-T1"``).

    Returns
    -------
    pandas.DataFrame
        Rows (``component``): ``pre_post`` (participants' mean gain), ``comparison_change``
        (comparison group's mean at review minus at intake: what happened without the
        programme), ``time_trend`` (the per-period change before intake, averaged over both
        groups, times the periods from intake to review; NaN with fewer than 2 periods
        before intake), ``regression_to_mean`` (``comparison_change - time_trend``), ``did``
        (the DiD estimate). Columns ``component``, ``estimate``, ``ci_low``, ``ci_high``
        (intervals for ``pre_post`` and ``did`` only).

    Raises
    ------
    DataFileError
        ``intake`` or ``review`` is not a period of ``trends``, or review is not after intake.

    Notes
    -----
    People chosen because they score low at intake score nearer their usual level later even
    without help (regression to the mean; Barnett, van der Pols & Dobson 2005), and scores
    drift with time. A comparison group selected the same way (here the waiting list) shows
    both, so ``pre_post - comparison_change`` is a DiD on the intake and review periods; the
    regression DiD pools every period and differs slightly. The trend is the least-squares
    slope over the periods before intake (unaffected by selection on the intake score),
    averaged over the two groups. Missing values: as in the inputs' helpers.

    References
    ----------
    Barnett, A. G., van der Pols, J. C. & Dobson, A. J. (2005). Regression to the mean: what
    it is and how to deal with it. International Journal of Epidemiology 34(1), 215-220.

    Examples
    --------
    >>> from quartiere.evaluation import did, pre_trends
    >>> panel = pd.DataFrame({"g": [0, 1] * 8, "q": [1, 1, 2, 2, 3, 3, 4, 4] * 2,
    ...                       "y": [10, 10, 11, 11, 9, 9, 13, 16] * 2})
    >>> tr = pre_trends(panel, outcome="y", group="g", period="q", post=[4])
    >>> res = did(panel, outcome="y", group="g", period="q", post=[4])
    >>> pp = pd.DataFrame([{"estimate": 7.0, "ci_low": 6.0, "ci_high": 8.0}])
    >>> outcome_gap(pp, res, tr, intake=3, review=4)[["component", "estimate"]]
                component  estimate
    0            pre_post       7.0
    1   comparison_change       4.0
    2          time_trend       1.0
    3  regression_to_mean       3.0
    4                 did       3.0
    """
    periods = sorted(pd.unique(trends["period"]))
    for name, value in (("intake", intake), ("review", review)):
        if value not in periods:
            raise DataFileError(
                f"{name} period {value!r} is not in the panel; periods are {periods}",
                column="period",
            )
    i_in, i_rev = periods.index(intake), periods.index(review)
    if i_rev <= i_in:
        raise DataFileError(
            f"review period {review!r} must come after intake {intake!r}", column="period"
        )
    comp_change = _mean_at(trends, "comparison", review) - _mean_at(trends, "comparison", intake)
    before = periods[:i_in]
    if len(before) >= 2:
        x = np.arange(len(before), dtype=float)
        slopes = [
            np.polyfit(x, np.array([_mean_at(trends, g, p) for p in before]), 1)[0]
            for g in ("treated", "comparison")
        ]
        trend = float(np.mean(slopes)) * (i_rev - i_in)
    else:
        trend = float("nan")
    pp = pre_post.iloc[0]
    nan = float("nan")
    rows = [
        ("pre_post", float(pp["estimate"]), float(pp["ci_low"]), float(pp["ci_high"])),
        ("comparison_change", comp_change, nan, nan),
        ("time_trend", trend, nan, nan),
        ("regression_to_mean", comp_change - trend, nan, nan),
        ("did", float(did.estimate), float(did.ci_low), float(did.ci_high)),
    ]
    return pd.DataFrame(rows, columns=["component", "estimate", "ci_low", "ci_high"])


@dataclass(frozen=True)
class CostAnalysis:
    """Costs of a home-care programme per participant and per outcome, against an alternative.

    Attributes
    ----------
    cost_per_user_year : float
        ``hourly_cost * hours_per_user + fixed_cost_per_user`` at the central values.
    participants, outcomes_achieved : int
        Users with a GAS T-score, and those at or above ``success_threshold``.
    success_threshold : float
        T-score counted as "goals reached".
    summary : pandas.DataFrame
        :func:`~quartiere.evaluation.cost_summary` (``metric``, ``estimate``).
    icer : IcerResult
        Programme against the alternative (effect = share reaching goals).
    sensitivity : pandas.DataFrame
        :func:`~quartiere.evaluation.one_way_sensitivity` of the cost per outcome.
    """

    cost_per_user_year: float
    participants: int
    outcomes_achieved: int
    success_threshold: float
    summary: pd.DataFrame
    icer: IcerResult
    sensitivity: pd.DataFrame

    @property
    def cost_per_outcome(self) -> float:
        """Euro per participant reaching the outcome, per year."""
        return float(self.summary.set_index("metric").loc["cost_per_outcome", "estimate"])

    @property
    def cost_per_participant(self) -> float:
        """Euro per participant per year."""
        return float(self.summary.set_index("metric").loc["cost_per_participant", "estimate"])

    def to_frame(self) -> pd.DataFrame:
        """Tidy ``metric``, ``estimate`` frame of every headline number."""
        rows = [
            ("cost_per_user_year", self.cost_per_user_year),
            ("participants", float(self.participants)),
            ("outcomes_achieved", float(self.outcomes_achieved)),
            *self.summary.itertuples(index=False, name=None),
            ("alt_cost", self.icer.alt_cost),
            ("alt_effect", self.icer.alt_effect),
            ("delta_cost", self.icer.delta_cost),
            ("delta_effect", self.icer.delta_effect),
            ("icer", self.icer.icer),
        ]
        return pd.DataFrame(rows, columns=["metric", "estimate"])


def cost_analysis(
    assumptions: Mapping[str, Any],
    per_user: pd.DataFrame,
    *,
    alt_cost: float,
    alt_effect: float,
    success_threshold: float = 50.0,
) -> CostAnalysis:
    """Cost per participant and per outcome, ICER against an alternative, one-way sensitivity.

    Parameters
    ----------
    assumptions : mapping
        ``hourly_cost``, ``hours_per_user``, ``fixed_cost_per_user``, each a
        :class:`~quartiere.evaluation.schema.CostAssumption` or ``{"value", "low", "high"}``
        (``evaluation.costs`` of study.yml).
    per_user : pandas.DataFrame
        Output of :func:`~quartiere.evaluation.gas_scores` (``t_score`` per user).
    alt_cost : float
        Yearly cost per person of the alternative (residential care).
    alt_effect : float
        Share of people reaching their goals under the alternative.
    success_threshold : float, default 50
        A user "reaches the outcome" when their T-score is at least this (50 = goals
        attained as expected).

    Returns
    -------
    CostAnalysis

    Raises
    ------
    ParameterError
        An assumption missing, no user reaching the outcome, or as the cost helpers.
    DataFileError
        ``per_user`` without ``t_score``.

    Notes
    -----
    Every participant is costed for a full year at the central assumptions; the cost per
    outcome charges the whole cost to the successes (Levin & McEwan 2001, ch. 6). Effects
    in the ICER are shares reaching their goals. Users with a missing T-score are dropped.

    References
    ----------
    Levin, H. M. & McEwan, P. J. (2001). Cost-effectiveness analysis. Sage.
    Drummond, M. F. et al. (2015). Methods for the economic evaluation of health care
    programmes, 4th ed., ch. 4.

    Examples
    --------
    >>> a = {"hourly_cost": (20, 18, 22), "hours_per_user": (100, 80, 120),
    ...      "fixed_cost_per_user": (1000, 500, 1500)}
    >>> pu = pd.DataFrame({"t_score": [45.0, 52.0, 55.0, 61.0]})
    >>> res = cost_analysis(a, pu, alt_cost=30000, alt_effect=0.5)
    >>> res.cost_per_user_year, res.cost_per_outcome, res.icer.quadrant
    (3000.0, 4000.0, 'dominant')
    """
    if "t_score" not in per_user.columns:
        raise DataFileError("no column 't_score'; pass the output of gas_scores", column="t_score")
    missing = [k for k in _COST_KEYS if k not in assumptions]
    if missing:
        raise ParameterError(
            f"cost assumption {missing[0]!r} missing; declare {', '.join(_COST_KEYS)} under "
            "evaluation.costs",
            parameter="assumptions",
        )
    chosen = {k: assumptions[k] for k in _COST_KEYS}
    t = per_user["t_score"].dropna().to_numpy(float)
    n = len(t)
    k = int((t >= success_threshold).sum())
    if k == 0:
        raise ParameterError(
            f"no participant has a T-score >= {success_threshold:g}: cost per outcome is undefined",
            parameter="success_threshold",
        )
    sens = one_way_sensitivity(home_care_cost_per_outcome, chosen, fixed={"success_rate": k / n})
    base = dict(zip(sens["parameter"], sens["base_value"].astype(float), strict=True))
    per_year = base["hourly_cost"] * base["hours_per_user"] + base["fixed_cost_per_user"]
    summary = cost_summary(total_cost=per_year * n, participants=n, outcomes_achieved=k)
    return CostAnalysis(
        cost_per_user_year=per_year,
        participants=n,
        outcomes_achieved=k,
        success_threshold=float(success_threshold),
        summary=summary,
        icer=icer(cost=per_year, effect=k / n, alt_cost=alt_cost, alt_effect=alt_effect),
        sensitivity=sens,
    )


def target_attainment(progress: pd.DataFrame) -> float:
    """Share of indicators on track (or with the target reached).

    Parameters
    ----------
    progress : pandas.DataFrame
        Output of :func:`~quartiere.evaluation.indicator_progress` (``status``).

    Returns
    -------
    float
        Indicators with status ``on_track`` over all indicators.

    Raises
    ------
    DataFileError
        No ``status`` column or no rows.

    Notes
    -----
    At-risk indicators count as not attained: the criterion asks for indicators on course.

    References
    ----------
    Doran, G. T. (1981). Management Review 70(11), 35-36.

    Examples
    --------
    >>> target_attainment(pd.DataFrame({"status": ["on_track", "at_risk", "on_track"]}))
    0.6666666666666666
    """
    if "status" not in progress.columns or progress.empty:
        raise DataFileError(
            "needs the output of indicator_progress (a status per indicator)", column="status"
        )
    return float((progress["status"] == "on_track").mean())
