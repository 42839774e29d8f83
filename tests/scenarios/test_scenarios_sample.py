"""The sample study: inputs read, schema validated, and the planted signals recovered."""

from __future__ import annotations

import shutil
import textwrap

import numpy as np
import pandas as pd
import pytest
import yaml

from quartiere import study as study_mod
from quartiere.errors import DataFileError, SchemaError
from quartiere.profile import read_population, read_services
from quartiere.scenarios import (
    PlanModel,
    ScenariosSchema,
    WhatIfPanel,
    ahp_weights,
    apply_options,
    demand_growth,
    monte_carlo,
    project_population,
    read_scenario_inputs,
    service_gaps,
    topsis,
    weights_from_priorities,
)
from quartiere.scenarios.whatif import NEED_CRITERION, gap_closure

SNIPPET = textwrap.dedent(
    """
    scenarios:
      base_year: 2026
      years: [2027, 2028, 2029]
      step: annual
      scenarios: [baseline, low, high]
      inputs:
        fertility: scenario_fertility
        life_table: scenario_life_table
        migration: scenario_migration
        usage_rates: scenario_usage_rates
        unit_costs: scenario_unit_costs
        options: scenario_options
        priorities: scenario_priorities
        pairwise: scenario_pairwise
      shock:
        name: crisi_economica
        start_year: 2027
        years: 2
        increase: {economic_support: 0.30, housing: 0.15}
      budget:
        cap: 600000
        min_per_area: {anziani: 100000}
      monte_carlo: {draws: 10000, weight_concentration: 40}
      ahp_random_index: saaty1980
    """
)
FILES = {
    "scenario_fertility": "scenarios/fecondita.csv",
    "scenario_life_table": "scenarios/tavola_mortalita.csv",
    "scenario_migration": "scenarios/migrazioni.csv",
    "scenario_usage_rates": "scenarios/tassi_utilizzo.csv",
    "scenario_unit_costs": "scenarios/costi_unitari.csv",
    "scenario_options": "scenarios/opzioni.xlsx",
    "scenario_priorities": "scenarios/priorita_residenti.csv",
    "scenario_pairwise": "scenarios/confronti_ahp.csv",
}


@pytest.fixture(scope="module")
def sample():
    pop = read_population("data/sample/population.csv")
    sup = read_services("data/sample/services.xlsx")
    inp = read_scenario_inputs("data/sample")
    schema = ScenariosSchema.from_mapping(yaml.safe_load(SNIPPET)["scenarios"])
    proj = project_population(
        pop,
        inp.fertility,
        inp.life_table,
        inp.migration,
        base_year=2026,
        years=schema.years,
        scenario=schema.scenarios,
    )
    gaps = service_gaps(
        proj, inp.usage_rates, sup, unit_costs=inp.unit_costs, standards=schema.standards
    )
    return pop, sup, inp, schema, proj, gaps


def _matrix(inp, gaps):
    m = inp.decision_matrix()
    base = gaps[gaps["scenario"] == "baseline"]
    m[NEED_CRITERION] = gap_closure(base, inp.options).reindex(m.index).to_numpy()
    return m


def test_study_yml_snippet_with_load_study(tmp_path):
    shutil.copytree("data/sample/scenarios", tmp_path / "scenarios")
    cfg = {"title": "t", "districts": ["A"], "files": FILES, **yaml.safe_load(SNIPPET)}
    (tmp_path / "study.yml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    study = study_mod.load_study(tmp_path)
    schema = ScenariosSchema.from_study(study)
    assert schema.budget.cap == 600000
    assert schema.shock.increase["economic_support"] == 0.30
    inp = read_scenario_inputs(study, files=schema.inputs)
    assert len(inp.options) == 7


def test_schema_errors_name_the_key():
    with pytest.raises(SchemaError, match=r"scenarios\.budget\.cap"):
        ScenariosSchema.from_mapping({"budget": {"cap": 0}})
    with pytest.raises(SchemaError, match=r"scenarios\.weights.*negative"):
        ScenariosSchema.from_mapping({"weights": {"a": -1, "b": 2}})
    with pytest.raises(SchemaError, match=r"scenarios\.shock\.years"):
        ScenariosSchema.from_mapping({"shock": {"start_year": 2027, "years": 0}})
    with pytest.raises(SchemaError, match=r"scenarios\.colour"):
        ScenariosSchema.from_mapping({"colour": 1})


def test_inputs_are_tidy(sample):
    _, _, inp, _, _, _ = sample
    assert set(inp.fertility["scenario"]) == {"baseline", "low", "high"}
    assert set(inp.life_table["sex"]) == {"F", "M"}
    assert inp.pairwise.loc["persone_raggiunte", "copertura_fabbisogno"] == pytest.approx(0.5)
    assert inp.criteria["shared"].tolist() == [True, False, False, False, False]
    assert 5 <= len(inp.options) <= 8
    with pytest.raises(DataFileError, match="does not exist"):
        read_scenario_inputs("data/nowhere")


def test_sample_life_expectancy_is_plausible(sample):
    # e0 = sum of 5Lx (last T85) / l0: Italy-like 85.2 (F) and 81.1 (M) in the baseline
    _, _, inp, _, _, _ = sample
    lt = inp.life_table[inp.life_table["scenario"] == "baseline"]
    e0 = lt.groupby("sex")["Lx"].sum() / 100_000
    assert e0["F"] == pytest.approx(85.2, abs=0.05)
    assert e0["M"] == pytest.approx(81.1, abs=0.05)


def test_scenarios_are_ordered(sample):
    *_, proj, _ = sample
    tot = proj[proj["year"] == 2029].groupby("scenario")["population"].sum()
    assert tot["low"] < tot["baseline"] < tot["high"]
    base = proj[proj["year"] == 2026].groupby("scenario")["population"].sum()
    raw = pd.read_csv("data/sample/population.csv", sep=";", encoding="cp1252")
    assert base["baseline"] == raw["totale"].sum()


def test_ageing_raises_adi_demand_fastest_in_montecerro_and_borgo(sample):
    # SAMPLE.md: ADI demand per 1,000 residents grows fastest in the two old comuni
    *_, gaps = sample
    growth = demand_growth(gaps[gaps["scenario"] == "baseline"], "adi")
    assert set(growth["district"].iloc[:2]) == {"Montecerro", "Borgo San Rocco"}
    assert (growth["estimate"] > 0).all()


def test_social_worker_gap_closes_only_with_serenella_hires(sample):
    _, sup, inp, _, proj, gaps = sample
    sw = gaps[
        (gaps["scenario"] == "baseline")
        & (gaps["year"] == 2029)
        & (gaps["service"] == "social_workers")
    ].set_index("district")
    assert sw.loc["Serenella", "gap"] > 0  # 1 per ~6,500 residents against LEPS 1:5,000
    assert (sw.drop(index="Serenella")["gap"] <= 0).all()
    base = proj[proj["scenario"] == "baseline"]
    others = [o for o in inp.options["option"] if o != "AS-SER"]
    still = service_gaps(base, inp.usage_rates, apply_options(sup, inp.options, others))
    still = still[(still["service"] == "social_workers") & (still["year"] == 2029)]
    assert (still["gap"] > 0).any()
    closed = service_gaps(base, inp.usage_rates, apply_options(sup, inp.options, ["AS-SER"]))
    closed = closed[(closed["service"] == "social_workers") & (closed["year"] == 2029)]
    assert (closed["gap"] <= 0).all()


def test_residents_weights_change_the_top_option(sample):
    _, _, inp, _, _, gaps = sample
    m = _matrix(inp, gaps)
    equal = topsis(m, np.ones(m.shape[1]), inp.types())
    residents = topsis(
        m, weights_from_priorities(inp.priorities, criteria=list(m.columns)), inp.types()
    )
    top_equal = equal.loc[equal["rank"] == 1, "option"].item()
    top_res = residents.loc[residents["rank"] == 1, "option"].item()
    assert top_equal == "AS-SER"
    assert top_res != top_equal


def test_office_pairwise_comparisons_are_consistent(sample):
    _, _, inp, schema, _, _ = sample
    res = ahp_weights(inp.pairwise, random_index=schema.ahp_random_index)
    assert res.cr < 0.10
    assert res.weights.idxmax() == "copertura_fabbisogno"


def test_monte_carlo_on_sample_plan(sample):
    _, _, inp, schema, _, gaps = sample
    m = _matrix(inp, gaps)
    crit = inp.criteria.set_index("criterion")
    res = monte_carlo(
        m,
        crit["weight"],
        inp.types(),
        rng=np.random.default_rng(20261128),
        draws=2000,
        cv=crit["cv"].to_dict(),
        shared=[c for c in crit.index if crit.loc[c, "shared"]],
        weight_concentration=schema.monte_carlo.weight_concentration,
    )
    out = res.to_frame().set_index("option")
    assert out["p_first"].sum() == pytest.approx(1.0)
    assert out["p_first"].idxmax() == "AS-SER"


def test_what_if_panel_sliders_drive_the_result(sample):
    pop, sup, inp, schema, _, _ = sample
    model = PlanModel(pop, inp, sup, schema)
    panel = WhatIfPanel(model, lang="en")
    assert panel.result.portfolio["feasible"]
    assert panel.result.portfolio["cost"] <= 600000
    # a smaller budget: the chosen combination must fit it
    panel.sliders["budget"].value = 250000
    assert panel.result.portfolio["cost"] <= 250000
    assert "AS-SER" in panel.result.portfolio["portfolio"]
    # residents' weights put another option first
    w = weights_from_priorities(inp.priorities)
    for crit, value in w.items():
        panel.sliders[f"weight:{crit}"].value = round(float(value), 2)
    assert panel.result.ranking["option"].iloc[0] != "AS-SER"
    # headless evaluate gives the same ranking as the panel
    again = model.evaluate(**panel.values())
    pd.testing.assert_frame_equal(again.ranking, panel.result.ranking)
    # more ADI use: the ADI shortfall grows
    before = panel.result.gaps.set_index("service").loc["adi", "shortfall"]
    panel.sliders["rate:adi"].value = 1.5
    assert panel.result.gaps.set_index("service").loc["adi", "shortfall"] >= before
    # every weight at zero: one-line error in the status label, last result kept
    for key in [k for k in panel.sliders if k.startswith("weight:")]:
        panel.sliders[key].value = 0.0
    assert "sum to 0" in panel.status.value
    assert "\n" not in panel.status.value
    assert "<script" not in panel.ranking_view.value


def test_missing_column_names_the_file(tmp_path):
    shutil.copytree("data/sample/scenarios", tmp_path / "scenarios")
    path = tmp_path / "scenarios" / "fecondita.csv"
    text = path.read_bytes().decode("cp1252").replace("tasso_fecondita", "tasso")
    path.write_bytes(text.encode("cp1252"))
    with pytest.raises(DataFileError, match="fecondita.csv: column 'tasso_fecondita' is missing"):
        read_scenario_inputs(tmp_path)
