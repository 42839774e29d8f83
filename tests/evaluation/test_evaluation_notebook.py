"""Notebook 06 end to end: run through the pipeline in both languages, check glued results."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from quartiere.notebook import read_glued
from quartiere.pipeline import run_study

ROOT = Path(__file__).resolve().parents[2]
NAME = "06-evaluate-programme"


def _generator():
    spec = importlib.util.spec_from_file_location(
        "quartiere_sample_evaluation_generator_nb", ROOT / "data" / "generators" / "evaluation.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def run06(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports06")
    return run_study(ROOT / "data" / "sample", ["06"], lang=["it", "en"], out=out, pdf=True)


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.mark.slow
def test_notebook_06_runs_and_recovers_planted_signals(run06):
    gen = _generator()
    assert run06.ok, run06.to_frame()[["lang", "status", "error"]].to_string()
    for lang in ("it", "en"):
        for ext in ("ipynb", "html", "pdf"):
            assert (run06.run_dir / f"{NAME}.{lang}.{ext}").stat().st_size > 1000
    glued = read_glued(run06.run_dir / f"{NAME}.en.ipynb")
    # the generator plants a true DiD effect of +3 wellbeing points (TRUE_EFFECT)
    assert glued["did_ci_low"] <= gen.TRUE_EFFECT <= glued["did_ci_high"]
    assert glued["did_ci_low"] < glued["did_estimate"] < glued["did_ci_high"]
    # time trend + regression to the mean inflate the naive pre/post gain
    assert glued["pre_post_estimate"] > glued["did_estimate"]
    gap = glued["outcome_gap"].set_index("component")["estimate"]
    assert gap["comparison_change"] > 0 and gap["regression_to_mean"] > 0
    # latent goal attainment 0.25 SD above expected: T-score slightly above 50
    assert 50 < glued["gas_t_score"] < 56
    # home care per outcome below the yearly residential-care fee (costi.csv)
    rsa = dict((r[0], r[1]) for r in gen.COSTS)["retta_rsa_annua"]
    assert glued["alternative_cost"] == rsa
    assert glued["cost_per_outcome"] < rsa
    assert glued["icer_quadrant"] == "dominant"
    assert glued["verdict"] in {"continue", "improve", "stop"}
    assert len(glued["evidence"]) == 3
    # both languages glue the same numbers
    glued_it = read_glued(run06.run_dir / f"{NAME}.it.ipynb")
    assert glued_it["did_estimate"] == pytest.approx(glued["did_estimate"], abs=1e-12)
    assert glued_it["verdict"] == glued["verdict"]


@pytest.mark.slow
def test_notebook_06_reports_read_in_their_language(run06):
    assert run06.ok
    en = _pdf_text(run06.run_dir / f"{NAME}.en.pdf")
    it = _pdf_text(run06.run_dir / f"{NAME}.it.pdf")
    en_heads = [
        "Programme evaluation",
        "The programme and its logic model",
        "Indicators and SMART targets",
        "comparison with the waiting list",
        "Why before/after is larger than the effect",
        "Goals of individual work plans (GAS)",
        "Costs",
        "Recommendation",
        "regression to the mean",
    ]
    it_heads = [
        "Valutazione del programma",
        "Il programma e il suo modello logico",
        "Indicatori e target SMART",
        "confronto con la lista d'attesa",
        "Perché il prima/dopo è più grande dell'effetto",
        "Obiettivi dei piani individuali (GAS)",
        "Costi",
        "Raccomandazione",
        "regressione verso la media",
    ]
    for head in en_heads:
        assert head in en, head
        assert head not in it, head
    for head in it_heads:
        assert head in it, head
        assert head not in en, head
    # never a bare verdict: the evidence table and the rule come with it
    assert "Recommendation criteria and evidence" in en and "Rule: continue if" in en
    assert "Criteri della raccomandazione" in it and "Regola: continuare" in it
    html = (run06.run_dir / f"{NAME}.en.html").read_text(encoding="utf-8")
    assert "ev.load_evaluation" not in html and "treated_group:" not in html
