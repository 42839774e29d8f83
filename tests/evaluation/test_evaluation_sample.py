"""The evaluation sample data: deterministic, Italian formats, and the planted signals."""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from quartiere.errors import QuartiereWarning
from quartiere.evaluation import (
    cost_summary,
    did,
    gas_scores,
    gas_summary,
    icer,
    pre_post,
    pre_trend_test,
)
from quartiere.io import read_table

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample" / "evaluation"


def _generator():
    spec = importlib.util.spec_from_file_location(
        "quartiere_sample_evaluation_generator", ROOT / "data" / "generators" / "evaluation.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = _generator()


def test_generator_is_deterministic_and_matches_shipped(tmp_path):
    GEN.generate(tmp_path, np.random.default_rng(GEN.SEED))
    for name in (
        "panel_trimestrale.csv",
        "valutazioni_benessere.csv",
        "costi.csv",
        "indicatori_misure.csv",
    ):
        assert (tmp_path / "evaluation" / name).read_bytes() == (SAMPLE / name).read_bytes()
    for name in ("piani_individuali_gas.xlsx", "servizio_mensile.xlsx"):
        pd.testing.assert_frame_equal(
            pd.read_excel(tmp_path / "evaluation" / name), pd.read_excel(SAMPLE / name)
        )
    total = sum(p.stat().st_size for p in SAMPLE.iterdir())
    assert total < 2_000_000
    assert (SAMPLE / "README.md").exists()


def test_files_are_italian_csv():
    raw = (SAMPLE / "costi.csv").read_bytes()
    text = raw.decode("cp1252")
    assert text.splitlines()[0].startswith("voce;valore;minimo;massimo")
    assert "22,5" in text
    panel = (SAMPLE / "panel_trimestrale.csv").read_bytes().decode("cp1252")
    assert "lista d'attesa" in panel and "\r\n" in panel


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return read_table(SAMPLE / "panel_trimestrale.csv")


def test_did_recovers_true_effect(panel):
    res = did(
        panel,
        outcome="punteggio_benessere",
        group="gruppo",
        period="trimestre",
        cluster="id_persona",
        treated="programma",
        post=GEN.POST_QUARTERS,
    )
    assert res.ci_low <= GEN.TRUE_EFFECT <= res.ci_high
    assert 2.0 < res.estimate < 4.5
    trend = pre_trend_test(
        panel,
        outcome="punteggio_benessere",
        group="gruppo",
        period="trimestre",
        cluster="id_persona",
        treated="programma",
        post=GEN.POST_QUARTERS,
    )
    assert trend.loc[0, "n_periods"] == 3
    assert trend.loc[0, "ci_low"] <= 0 <= trend.loc[0, "ci_high"]  # parallel pre-trends


def test_pre_post_exceeds_did(panel):
    assess = read_table(SAMPLE / "valutazioni_benessere.csv")
    with pytest.warns(QuartiereWarning, match="dropped 3"):
        pp = pre_post(
            assess,
            outcome="punteggio_benessere",
            subject="id_utente",
            time="rilevazione",
            pre="ingresso",
            post="verifica",
            drop_incomplete=True,
        )
    res = did(
        panel,
        outcome="punteggio_benessere",
        group="gruppo",
        period="trimestre",
        cluster="id_persona",
        treated="programma",
        post=GEN.POST_QUARTERS,
    )
    # regression to the mean + time trend inflate the naive pre/post gain
    assert pp.loc[0, "estimate"] > res.estimate + 1.5
    assert pp.loc[0, "n"] == GEN.N_PLACES - GEN.N_DROPOUT


def test_gas_programme_slightly_above_50_and_costs():
    goals = read_table(SAMPLE / "piani_individuali_gas.xlsx")
    per_user = gas_scores(goals, subject="id_utente", score="punteggio_gas", weight="peso")
    summ = gas_summary(per_user)
    assert 50 < summ.loc[0, "estimate"] < 56
    costs = read_table(SAMPLE / "costi.csv").set_index("voce")["valore"]
    per_user_year = (
        costs["costo_orario_oss"] * costs["ore_annue_per_utente"] + costs["costo_fisso_per_utente"]
    )
    n = len(per_user)
    achieved = int((per_user["t_score"] >= 50).sum())
    cs = cost_summary(total_cost=per_user_year * n, participants=n, outcomes_achieved=achieved)
    per_outcome = cs.set_index("metric").loc["cost_per_outcome", "estimate"]
    assert per_outcome < costs["retta_rsa_annua"]
    r = icer(
        cost=per_user_year,
        effect=achieved / n,
        alt_cost=costs["retta_rsa_annua"],
        alt_effect=costs["quota_esiti_rsa"],
    )
    assert r.quadrant == "dominant"


def test_service_data_shape():
    service = read_table(SAMPLE / "servizio_mensile.xlsx")
    assert list(service.columns) == ["mese", "comune", "utenti_attivi", "ore_erogate"]
    assert service["comune"].nunique() == 6
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hours_per_user = service["ore_erogate"].sum() / service["utenti_attivi"].sum()
    assert 15 < hours_per_user < 25  # about 260 hours a year
