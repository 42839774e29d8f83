"""The plan of notebook 05 (quartiere.scenarios.plan) against independent computations."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from pymcdm import normalizations as pn
from pymcdm.methods import TOPSIS, WSM

from quartiere import load_study
from quartiere.errors import ParameterError
from quartiere.scenarios import (
    closing_options,
    demand_rates,
    gaps_after,
    headlines,
    load_plan,
    option_effects,
    plan_ahp,
    plan_monte_carlo,
    plan_tornado,
    rank_options,
    rank_portfolios,
    shock_effects,
    top_option,
    weight_sets,
)

SAMPLE = "data/sample"


@pytest.fixture(scope="module")
def study():
    return load_study(SAMPLE)


@pytest.fixture(scope="module")
def plan(study):
    return load_plan(study)


@pytest.fixture(scope="module")
def wsets(plan):
    return weight_sets(plan, ahp=plan_ahp(plan))


@pytest.fixture(scope="module")
def ranking(plan, wsets):
    return rank_options(plan, wsets)


def _raw_population() -> pd.DataFrame:
    # read the ISTAT-style file directly (';', cp1252), without quartiere's readers
    return pd.read_csv(f"{SAMPLE}/population.csv", sep=";", encoding="cp1252")


def test_load_plan_defaults_and_errors(study, plan):
    assert plan.scenario == "baseline" and plan.budget_cap == 600000
    assert plan.min_per_area == {"anziani": 100000}
    assert plan.seed == 20261128 and plan.districts[0] == "Serenella"
    assert set(plan.projection["scenario"]) == {"baseline", "low", "high"}
    assert sorted(plan.scenario_gaps["year"].unique().tolist()) == [2027, 2028, 2029]
    assert plan.matrix["copertura_fabbisogno"].between(0, 1).all()
    assert load_plan(study, budget_cap=250000).budget_cap == 250000
    assert load_plan(study, budget_cap=0).budget_cap == 600000  # 0 = the study's cap
    with pytest.raises(ParameterError, match="scenario 'central' is not in the study"):
        load_plan(study, scenario="central")
    with pytest.raises(ParameterError, match="budget cap"):
        load_plan(study, budget_cap=-5)


def test_base_year_residents_equal_the_raw_file(plan):
    raw = _raw_population().groupby("comune")["totale"].sum()
    proj = plan.projection
    base = proj[(proj["scenario"] == "baseline") & (proj["year"] == 2026)]
    got = base.groupby("district")["population"].sum()
    pd.testing.assert_series_equal(
        got.sort_index(), raw.astype(float).sort_index(), check_names=False
    )


def test_adi_rate_per_1000_matches_hand_computation_from_raw_file(plan):
    # usage rates (tassi_utilizzo.csv): 3% of residents 65-74 and 14% of residents 75+
    raw = _raw_population()
    mon = raw[raw["comune"] == "Montecerro"]
    demand = 0.03 * mon.loc[mon["eta"].between(65, 74), "totale"].sum()
    demand += 0.14 * mon.loc[mon["eta"] >= 75, "totale"].sum()
    expected = demand / mon["totale"].sum() * 1000
    rates = demand_rates(plan, "adi")
    got = rates[(rates["district"] == "Montecerro") & (rates["year"] == 2026)]["rate"].item()
    assert got == pytest.approx(expected, rel=1e-12)
    # the planted signal: per 1,000 residents the two old comuni grow fastest ...
    wide = rates.pivot(index="district", columns="year", values="rate")
    growth = (wide[2029] / wide[2026] - 1).sort_values(ascending=False)
    assert set(growth.index[:2]) == {"Montecerro", "Borgo San Rocco"}
    # ... while in absolute numbers Montecerro's demand does not grow fastest
    dem = rates.pivot(index="district", columns="year", values="demand")
    assert (dem[2029] - dem[2026]).idxmax() != "Montecerro"
    with pytest.raises(ParameterError, match="unknown service"):
        demand_rates(plan, "dentist")


def test_residents_weights_are_token_shares_of_the_raw_file(wsets):
    raw = pd.read_csv(f"{SAMPLE}/scenarios/priorita_residenti.csv", sep=";", encoding="cp1252")
    expected = raw.groupby("criterio")["punti"].sum() / raw["punti"].sum()
    got = wsets[wsets["weight_set"] == "residents"].set_index("criterion")["weight"]
    pd.testing.assert_series_equal(
        got.sort_index(), expected.astype(float).sort_index(), check_names=False
    )
    assert list(dict.fromkeys(wsets["weight_set"])) == ["equal", "residents", "ahp"]
    assert wsets.groupby("weight_set")["weight"].sum().to_numpy() == pytest.approx(1.0)


def test_rankings_equal_pymcdm_on_the_sample_matrix(plan, ranking, wsets):
    x = plan.matrix.to_numpy(dtype=float)
    t = np.array([1 if plan.types[c] == "benefit" else -1 for c in plan.matrix.columns])
    for ws in ("equal", "residents", "ahp"):
        w = wsets[wsets["weight_set"] == ws].set_index("criterion")["weight"]
        w = w.reindex(plan.matrix.columns).to_numpy()
        ref_t = TOPSIS(normalization_function=pn.vector_normalization)(x, w, t)
        ref_w = WSM(normalization_function=pn.minmax_normalization)(x, w, t)
        for method, ref in (("topsis", ref_t), ("weighted_sum", ref_w)):
            got = ranking[(ranking["weight_set"] == ws) & (ranking["method"] == method)]
            np.testing.assert_allclose(got["estimate"].to_numpy(), ref, rtol=1e-12)
            assert top_option(ranking, ws, method) == plan.matrix.index[int(np.argmax(ref))]
    # planted signal: residents' weights change the top option
    assert top_option(ranking, "equal") == "AS-SER"
    assert top_option(ranking, "residents") != "AS-SER"
    with pytest.raises(ParameterError, match="no ranking for weights 'study'"):
        top_option(ranking, "study")


def test_ahp_of_the_office_is_consistent_and_flagged_not_raised(plan):
    res = plan_ahp(plan)
    # Saaty (1980) table 1.2: RI(5) = 1.12
    assert res.ri == 1.12 and res.cr < 0.10 and res.consistent
    assert res.weights.idxmax() == "copertura_fabbisogno"


def test_only_the_serenella_hiring_closes_the_social_worker_gap(plan):
    effects = option_effects(plan)
    assert closing_options(effects, "social_workers") == ["AS-SER"]
    # hand computation: LEPS 1 worker per 5,000 residents; Serenella has 5.8 FTE, AS-SER adds 2
    proj = plan.projection
    ser = proj[
        (proj["scenario"] == "baseline")
        & (proj["year"] == 2029)
        & (proj["district"] == "Serenella")
    ]["population"].sum()
    sw = effects[effects["service"] == "social_workers"].set_index("option")
    assert sw.at["", "shortfall"] == pytest.approx(ser / 5000 - 5.8)
    assert sw.at["AS-SER", "shortfall"] == pytest.approx(max(ser / 5000 - 7.8, 0.0))
    # an ADI option lowers the ADI shortfall by its 30 users (Montecerro is short by more)
    adi = effects[effects["service"] == "adi"].set_index("option")
    assert adi.at["", "shortfall"] - adi.at["ADI-MON", "shortfall"] == pytest.approx(30)


def test_gaps_after_keep_economic_support_of_the_base_year(plan):
    after = gaps_after(plan, ["AS-SER", "CASA-PL"]).set_index("service")
    # economic support is unaffected and equals the plain 2029 gap summary (3.46 households)
    plain = plan.scenario_gaps
    plain = plain[(plain["year"] == 2029) & (plain["service"] == "economic_support")]
    expected = plain["gap"].clip(lower=0).sum()
    assert after.at["economic_support", "shortfall_after"] == pytest.approx(expected)
    assert expected > 0
    assert after.at["housing", "shortfall"] - after.at["housing", "shortfall_after"] == (
        pytest.approx(25)
    )


def test_shock_adds_its_share_of_demand_in_its_years(plan):
    shock = shock_effects(plan).set_index(["year", "service"])
    # study.yml: +30% economic support and +15% housing in 2027-2028
    for (year, svc), row in shock.iterrows():
        share = {"economic_support": 0.30, "housing": 0.15}[svc] if year <= 2028 else 0.0
        assert row["extra"] == pytest.approx(row["demand"] * share, rel=1e-12)
        assert row["extra_cost"] >= 0
    # extra cost = cost of the shortfall with the shock - without, district by district
    # (a comune above its base-year supply without the shock has no shortfall to pay for)
    g = plan.gaps
    g = g[(g["scenario"] == "baseline") & (g["year"] == 2027)].set_index(["service", "district"])
    unit = {"economic_support": 1800, "housing": 6500}  # costi_unitari.csv
    for svc, share in (("economic_support", 0.30), ("housing", 0.15)):
        d, s = g.loc[svc, "demand"], g.loc[svc, "supply"]
        expected = ((d * (1 + share) - s).clip(lower=0) - (d - s).clip(lower=0)).sum() * unit[svc]
        assert shock.loc[(2027, svc), "extra_cost"] == pytest.approx(expected, rel=1e-9)


def test_best_portfolio_equals_brute_force_with_itertools(plan, ranking):
    folios = rank_portfolios(plan, ranking, weight_set="residents")
    scores = ranking[(ranking["weight_set"] == "residents") & (ranking["method"] == "topsis")]
    scores = scores.set_index("option")["estimate"]
    opts = plan.inputs.options.set_index("option")
    best, best_score = None, -1.0
    for k in range(len(opts) + 1):
        for combo in itertools.combinations(opts.index, k):
            cost = opts.loc[list(combo), "cost"].sum()
            elderly = opts.loc[[c for c in combo if opts.at[c, "area"] == "anziani"], "cost"].sum()
            score = scores[list(combo)].sum()
            if cost <= 600000 and elderly >= 100000 and score > best_score:
                best, best_score = set(combo), score
    top = folios.iloc[0]
    assert set(top["portfolio"].split("+")) == best
    assert top["score"] == pytest.approx(best_score)
    assert top["position"] == 1 and top["left_over"] == pytest.approx(600000 - top["cost"])
    assert folios.loc[~folios["feasible"], "position"].isna().all()


def test_monte_carlo_is_seeded_from_the_study(plan, wsets):
    a = plan_monte_carlo(plan, wsets, weight_set="residents", draws=800)
    b = plan_monte_carlo(plan, wsets, weight_set="residents", draws=800)
    np.testing.assert_array_equal(a.ranks, b.ranks)
    frame = a.to_frame()
    assert frame["p_first"].sum() == pytest.approx(1.0)
    # p_first is the share of draws whose rank-1 option is each option
    first = np.array(a.options)[np.argmin(a.ranks, axis=1)]
    expected = pd.Series(first).value_counts(normalize=True)
    got = frame.set_index("option")["p_first"]
    for opt, p in expected.items():
        assert got[opt] == pytest.approx(p)
    with pytest.raises(ParameterError, match="no weight set 'experts'"):
        plan_monte_carlo(plan, wsets, weight_set="experts")
    with pytest.raises(ParameterError, match="draws must be >= 1"):
        plan_monte_carlo(plan, wsets, weight_set="equal", draws=0)


def test_tornado_follows_the_top_option(plan, wsets, ranking):
    torn = plan_tornado(plan, wsets, weight_set="residents")
    assert set(torn["option"]) == {top_option(ranking, "residents")}
    assert (torn["swing"].diff().dropna() <= 1e-12).all()


def test_headlines(plan, wsets, ranking):
    ahp = plan_ahp(plan)
    mc = plan_monte_carlo(plan, wsets, weight_set="residents", draws=500)
    effects = option_effects(plan)
    folios = rank_portfolios(plan, ranking, weight_set="residents")
    head = headlines(
        plan, ranking=ranking, ahp=ahp, mc=mc, effects=effects, folios=folios,
        weight_set="residents",
    )  # fmt: skip
    assert head["top_option_equal"] == "AS-SER"
    assert head["top_option_residents"] == head["top_option"] != "AS-SER"
    assert head["sw_gap_closed_by"] == ["AS-SER"]
    assert set(head["adi_fastest_per_1000"]) == {"Montecerro", "Borgo San Rocco"}
    assert head["adi_largest_absolute"] != "Montecerro"
    assert head["total_gap_cost"] == pytest.approx(
        plan.scenario_gaps.query("year == 2029")["gap_cost"].sum()
    )
    assert head["best_portfolio_cost"] <= head["budget_cap"]
    assert 0 < head["p_first_top"] <= 1 and head["draws"] == 500
