"""Costs, ICER, one-way sensitivity and the recommendation (hand-computed references)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from quartiere.errors import DataFileError, ParameterError
from quartiere.evaluation import (
    cost_summary,
    home_care_cost_per_outcome,
    icer,
    one_way_sensitivity,
    recommend,
    service_summary,
    tornado_chart,
)
from quartiere.evaluation.schema import CostAssumption, Criteria


def test_cost_summary_by_hand():
    out = cost_summary(total_cost=846000, participants=120, outcomes_achieved=87)
    got = dict(zip(out["metric"], out["estimate"], strict=True))
    assert got["cost_per_participant"] == pytest.approx(7050.0)
    assert got["cost_per_outcome"] == pytest.approx(846000 / 87)
    assert got["success_rate"] == pytest.approx(0.725)


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"total_cost": -1, "participants": 10, "outcomes_achieved": 5}, "total_cost"),
        ({"total_cost": 100, "participants": 0, "outcomes_achieved": 0}, "participants"),
        ({"total_cost": 100, "participants": 10, "outcomes_achieved": 11}, "outcomes_achieved"),
        ({"total_cost": "x", "participants": 10, "outcomes_achieved": 5}, "total_cost"),
    ],
)
def test_cost_summary_errors(kwargs, param):
    with pytest.raises(ParameterError) as err:
        cost_summary(**kwargs)
    assert err.value.parameter == param


def test_icer_drummond_plane():
    # Drummond et al. (2015), ch. 4: ICER = (C1 - C0) / (E1 - E0); quadrants of the
    # cost-effectiveness plane. Hand values.
    r = icer(cost=12000, effect=0.65, alt_cost=9000, alt_effect=0.45)
    assert r.icer == pytest.approx(3000 / 0.2)
    assert r.quadrant == "more_effective_more_costly"
    # home care vs residential care: cheaper and more effective -> dominant
    home = icer(cost=7050, effect=0.725, alt_cost=38325, alt_effect=0.55)
    assert home.quadrant == "dominant"
    assert home.delta_cost == pytest.approx(-31275)
    assert home.icer == pytest.approx(-31275 / 0.175)
    assert icer(cost=10, effect=0.2, alt_cost=5, alt_effect=0.5).quadrant == "dominated"
    assert icer(cost=5, effect=0.2, alt_cost=10, alt_effect=0.5).quadrant == (
        "less_effective_less_costly"
    )
    assert math.isinf(icer(cost=10, effect=0.5, alt_cost=5, alt_effect=0.5).icer)
    frame = home.to_frame()
    assert list(frame.columns)[-1] == "quadrant"


def test_home_care_model_and_sensitivity_by_hand():
    assumptions = {
        "hourly_cost": CostAssumption(value=22.5, low=19, high=26),
        "hours_per_user": {"value": 260, "low": 200, "high": 320},
        "fixed_cost_per_user": (1200, 800, 1800),
    }
    out = one_way_sensitivity(
        home_care_cost_per_outcome, assumptions, fixed={"success_rate": 0.725}
    )
    base = (22.5 * 260 + 1200) / 0.725
    assert out["base_estimate"].unique().tolist() == [pytest.approx(base)]
    # widest first: hours (22.5 * 120 / 0.725 = 3724.1), hourly (7 * 260 / 0.725 = 2510.3),
    # fixed (1000 / 0.725 = 1379.3)
    assert out["parameter"].tolist() == ["hours_per_user", "hourly_cost", "fixed_cost_per_user"]
    row = out.set_index("parameter").loc["hourly_cost"]
    assert row["estimate_low"] == pytest.approx((19 * 260 + 1200) / 0.725)
    assert row["estimate_high"] == pytest.approx((26 * 260 + 1200) / 0.725)
    assert row["swing"] == pytest.approx(7 * 260 / 0.725)
    spec = tornado_chart(out, lang="en").to_dict()
    assert spec["layer"][0]["encoding"]["y"]["title"] == "Cost assumption"


def test_sensitivity_and_model_errors():
    with pytest.raises(ParameterError, match="'a': need low <= value <= high"):
        one_way_sensitivity(lambda a: a, {"a": (5, 6, 7)})
    with pytest.raises(ParameterError, match="'a' needs value, low and high"):
        one_way_sensitivity(lambda a: a, {"a": (5, 6)})
    with pytest.raises(ParameterError, match=r"\(0, 1\]"):
        home_care_cost_per_outcome(
            hourly_cost=1, hours_per_user=1, fixed_cost_per_user=0, success_rate=1.5
        )


@pytest.mark.parametrize(
    ("effect", "attain", "cost", "verdict"),
    [
        (0.5, 0.8, 10000, "continue"),
        (0.5, 0.5, 10000, "improve"),  # works, misses targets
        (0.5, 0.8, 50000, "improve"),  # works, too expensive
        (0.1, 0.8, 10000, "improve"),  # no effect yet, but on target and affordable
        (0.1, 0.5, 10000, "stop"),
        (0.1, 0.8, 50000, "stop"),
    ],
)
def test_recommend_rule(effect, attain, cost, verdict):
    rec = recommend(effect_size=effect, target_attainment=attain, cost_per_outcome=cost)
    assert rec.verdict == verdict
    ev = rec.evidence.set_index("criterion")
    assert ev.loc["effect_size", "met"] == (effect >= 0.2)
    assert ev.loc["cost_per_outcome", "threshold"] == 30000
    assert list(rec.to_frame().columns) == [
        "criterion",
        "value",
        "comparison",
        "threshold",
        "met",
        "verdict",
    ]


def test_recommend_uses_criteria_and_validates():
    crit = Criteria(min_effect_size=0.6, min_target_attainment=0.5, cost_ceiling=40000)
    rec = recommend(effect_size=0.5, target_attainment=0.8, cost_per_outcome=39000, criteria=crit)
    assert rec.verdict == "improve"
    assert rec.evidence["threshold"].tolist() == [0.6, 0.5, 40000]
    with pytest.raises(ParameterError, match="target_attainment"):
        recommend(effect_size=0.5, target_attainment=80, cost_per_outcome=1)
    with pytest.raises(ParameterError, match="effect_size"):
        recommend(effect_size=float("nan"), target_attainment=0.8, cost_per_outcome=1)


def test_service_summary_by_hand():
    data = pd.DataFrame(
        {
            "mese": ["11/2025", "10/2025", "10/2025", "2025-11"],
            "comune": ["A", "A", "B", "B"],
            "ore": [210.0, 100.0, 50.5, 0.0],
            "utenti": [10, 5, 2, 0],
        }
    )
    out = service_summary(data, month="mese", hours="ore", users="utenti")
    assert out["month"].tolist() == ["2025-10", "2025-11"]
    assert out["hours"].tolist() == [150.5, 210.0]
    assert out["hours_per_user"].tolist() == [pytest.approx(150.5 / 7), pytest.approx(21.0)]
    by = service_summary(data, month="mese", hours="ore", users="utenti", by="comune")
    assert np.isnan(by.set_index(["month", "comune"]).loc[("2025-11", "B"), "hours_per_user"])
    bad = data.assign(ore=[1.0, -2.0, 3.0, 4.0])
    with pytest.raises(DataFileError, match=r"row 2, column ore: -2.0 is not a number >= 0"):
        service_summary(bad, month="mese", hours="ore", users="utenti")
    with pytest.raises(DataFileError, match=r"row 1, column mese: 'nov' is not a month"):
        service_summary(
            data.assign(mese=["nov", "10/2025", "10/2025", "10/2025"]),
            month="mese",
            hours="ore",
            users="utenti",
        )
