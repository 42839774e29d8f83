"""Service demand against standards, shocks, and budget combinations (hand-computed refs)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from quartiere.errors import ParameterError
from quartiere.scenarios import (
    apply_options,
    best_portfolio,
    check_portfolio,
    gap_summary,
    population_between,
    portfolios,
    service_gaps,
)
from quartiere.scenarios.schema import ShockSpec


def _projection():
    # two districts, two years, bands 0-4, 65-69, 85+ only (others empty)
    rows = []
    for year, scale in ((2026, 1.0), (2027, 1.1)):
        for d, (kids, old, oldest) in {"A": (500, 2000, 500), "B": (100, 800, 200)}.items():
            for a, p in ((0, kids), (30, 7500), (65, old), (85, oldest)):
                rows.append(("baseline", year, d, "F", a, p * scale))
    return pd.DataFrame(
        rows, columns=["scenario", "year", "district", "sex", "age_start", "population"]
    )


SUPPLY = pd.DataFrame(
    {
        "district": ["A", "B"],
        "social_workers_fte": [1.5, 2.0],
        "nido_places": [50, 40],
        "adi_users_65plus": [100, 120],
        "social_housing_units": [30, 10],
        "housing_waiting_list": [12, 3],
    }
)
RATES = pd.DataFrame(
    {
        "service": ["nido", "adi", "adi", "economic_support", "housing"],
        "age_min": [0, 65, 75, 0, 0],
        "age_max": [2, 74, np.nan, np.nan, np.nan],
        "rate": [0.3, 0.03, 0.14, 0.01, 0.004],
    }
)
COSTS = pd.DataFrame(
    {
        "service": ["social_workers", "nido", "adi", "economic_support", "housing"],
        "unit_cost": [42000, 9500, 24, 1800, 6500],
        "hours_per_user": [np.nan, np.nan, 60, np.nan, np.nan],
    }
)


def test_standards_and_gaps_by_hand():
    g = service_gaps(_projection(), RATES, SUPPLY, unit_costs=COSTS)
    a26 = g[(g["district"] == "A") & (g["year"] == 2026)].set_index("service")
    residents = 500 + 7500 + 2000 + 500  # 10,500
    # LEPS (L. 178/2020): 1 social worker per 5,000 residents, target 1 per 4,000
    assert a26.loc["social_workers", "required"] == pytest.approx(residents / 5000)
    assert a26.loc["social_workers", "target"] == pytest.approx(residents / 4000)
    assert a26.loc["social_workers", "gap"] == pytest.approx(residents / 5000 - 1.5)
    assert a26.loc["social_workers", "gap_cost"] == pytest.approx((residents / 5000 - 1.5) * 42000)
    # nido: children 0-2 are 3/5 of the 0-4 band; 33% standard, 45% EU 2030 target
    kids = 500 * 3 / 5
    assert a26.loc["nido", "reference_population"] == pytest.approx(kids)
    assert a26.loc["nido", "required"] == pytest.approx(0.33 * kids)
    assert a26.loc["nido", "target"] == pytest.approx(0.45 * kids)
    assert a26.loc["nido", "demand"] == pytest.approx(0.3 * kids)
    # ADI: 10% of the 65+; demand 3% of 65-74 (band 65-69 here) + 14% of 75+
    assert a26.loc["adi", "required"] == pytest.approx(0.10 * 2500)
    assert a26.loc["adi", "demand"] == pytest.approx(0.03 * 2000 + 0.14 * 500)
    assert a26.loc["adi", "gap_hours"] == pytest.approx((250 - 100) * 60)
    assert a26.loc["adi", "gap_cost"] == pytest.approx((250 - 100) * 60 * 24)
    # housing: demand = residents x rate; supply = social housing stock
    assert a26.loc["housing", "gap"] == pytest.approx(residents * 0.004 - 30)
    # a surplus costs nothing
    b26 = g[(g["district"] == "B") & (g["year"] == 2026)].set_index("service")
    assert b26.loc["social_workers", "gap"] < 0
    assert b26.loc["social_workers", "gap_cost"] == 0


def test_shock_raises_economic_support_and_housing_only_in_its_years():
    proj = _projection()
    shock = ShockSpec(
        name="crisi", start_year=2027, years=1, increase={"economic_support": 0.3, "housing": 0.15}
    )
    base = service_gaps(proj, RATES, SUPPLY).set_index(["year", "district", "service"])
    hit = service_gaps(proj, RATES, SUPPLY, shock=shock).set_index(["year", "district", "service"])
    for d in ("A", "B"):
        assert hit.loc[(2027, d, "economic_support"), "demand"] == pytest.approx(
            1.3 * base.loc[(2027, d, "economic_support"), "demand"]
        )
        assert hit.loc[(2027, d, "housing"), "required"] == pytest.approx(
            1.15 * base.loc[(2027, d, "housing"), "required"]
        )
        assert hit.loc[(2026, d, "housing"), "demand"] == base.loc[(2026, d, "housing"), "demand"]
        assert hit.loc[(2027, d, "adi"), "demand"] == base.loc[(2027, d, "adi"), "demand"]
        assert hit.loc[(2027, d, "housing"), "shock"] == "crisi"
    # economic support supply is the help already funded (base-year demand, no shock)
    extra = hit.loc[(2027, "A", "economic_support"), "gap"]
    assert extra == pytest.approx(10500 * 1.1 * 0.01 * 1.3 - 10500 * 0.01)


def test_rate_factors_scale_demand():
    g1 = service_gaps(_projection(), RATES, SUPPLY)
    g2 = service_gaps(_projection(), RATES, SUPPLY, rate_factors={"adi": 1.5})
    a1 = g1[g1["service"] == "adi"]["demand"].to_numpy()
    a2 = g2[g2["service"] == "adi"]["demand"].to_numpy()
    np.testing.assert_allclose(a2, 1.5 * a1)


def test_population_between_uses_uniform_ages():
    proj = _projection()
    x = population_between(proj[proj["year"] == 2026], 0, 2)
    assert x.set_index("district")["population"].to_dict() == pytest.approx({"A": 300, "B": 60})


@pytest.mark.parametrize(
    ("rates", "supply", "match"),
    [
        (RATES.assign(rate=[0.3, -0.03, 0.14, 0.01, 0.004]), SUPPLY, "must be a number >= 0"),
        (
            RATES.assign(service=["nido", "adi", "adi", "soldi", "housing"]),
            SUPPLY,
            "unknown service 'soldi'",
        ),
        (RATES, SUPPLY.iloc[:1], "no supply row for district 'B'"),
        (RATES, SUPPLY.assign(nido_places=[50, -1]), "nido_places must be a number >= 0"),
    ],
)
def test_bad_demand_inputs(rates, supply, match):
    with pytest.raises(ParameterError, match=match) as exc:
        service_gaps(_projection(), rates, supply)
    assert "\n" not in str(exc.value)


OPTIONS = pd.DataFrame(
    {
        "option": ["o1", "o2", "o3", "o4"],
        "district": ["A", "A", "B", "B"],
        "area": ["anziani", "casa", "anziani", "infanzia"],
        "cost": [300.0, 250.0, 200.0, 120.0],
        "social_workers_fte": [0, 1.0, 0, 0],
        "adi_users_65plus": [40, 0, 25, 0],
        "nido_places": [0, 0, 0, 15],
    }
)


def test_apply_options_adds_effects_to_their_district():
    out = apply_options(SUPPLY, OPTIONS, ["o1", "o4"])
    assert out.set_index("district")["adi_users_65plus"].to_dict() == {"A": 140, "B": 120}
    assert out.set_index("district")["nido_places"].to_dict() == {"A": 50, "B": 55}
    assert SUPPLY["adi_users_65plus"].tolist() == [100, 120]  # input untouched


def test_portfolios_against_itertools_enumeration():
    cap, mins = 600.0, {"anziani": 200.0}
    table = portfolios(
        OPTIONS,
        budget_cap=cap,
        min_per_area=mins,
        scores={"o1": 0.9, "o2": 0.5, "o3": 0.6, "o4": 0.3},
    )
    assert len(table) == 16
    cost = dict(zip(OPTIONS["option"], OPTIONS["cost"], strict=True))
    area = dict(zip(OPTIONS["option"], OPTIONS["area"], strict=True))
    for k in range(5):
        for combo in itertools.combinations(OPTIONS["option"], k):
            row = table[table["portfolio"] == "+".join(combo)].iloc[0]
            total = sum(cost[o] for o in combo)
            old = sum(cost[o] for o in combo if area[o] == "anziani")
            assert row["cost"] == pytest.approx(total)
            assert bool(row["feasible"]) == (total <= cap and old >= 200)
            assert bool(row["within_budget"]) == (total <= cap)
    best = best_portfolio(
        OPTIONS, {"o1": 0.9, "o2": 0.5, "o3": 0.6, "o4": 0.3}, budget_cap=cap, min_per_area=mins
    )
    # feasible combos by hand: best total score within 600 with >= 200 on anziani
    assert best["portfolio"] == "o1+o3"


def test_over_budget_is_flagged_or_raises():
    row = check_portfolio(OPTIONS, ["o1", "o2", "o3"], budget_cap=600)
    assert not row["feasible"].item()
    assert row["reason"].item() == "over budget by EUR 150"
    with pytest.raises(ParameterError, match="over budget by EUR 150") as exc:
        check_portfolio(OPTIONS, ["o1", "o2", "o3"], budget_cap=600, strict=True)
    assert "\n" not in str(exc.value)
    row = check_portfolio(OPTIONS, ["o2"], budget_cap=600, min_per_area={"anziani": 100})
    assert row["reason"].item() == "area anziani gets EUR 0 < minimum EUR 100"


def test_impossible_constraints():
    with pytest.raises(ParameterError, match="more than the budget cap"):
        portfolios(OPTIONS, budget_cap=100, min_per_area={"anziani": 150})
    with pytest.raises(ParameterError, match="no feasible combination"):
        best_portfolio(
            OPTIONS,
            {"o1": 1, "o2": 1, "o3": 1, "o4": 1},
            budget_cap=100,
            min_per_area={"anziani": 90},
        )
    with pytest.raises(ParameterError, match="positive amount"):
        portfolios(OPTIONS, budget_cap=0)


def test_gap_summary_ignores_surpluses():
    g = service_gaps(_projection(), RATES, SUPPLY, unit_costs=COSTS)
    s = gap_summary(g[g["year"] == 2026], by=["service"]).set_index("service")
    sw = g[(g["year"] == 2026) & (g["service"] == "social_workers")]["gap"]
    assert s.loc["social_workers", "shortfall"] == pytest.approx(sw.clip(lower=0).sum())
    assert s.loc["social_workers", "districts_short"] == 1
