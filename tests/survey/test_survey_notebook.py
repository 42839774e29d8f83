"""Notebook 02 run end to end on the sample study, in both languages, with PDFs.

The expected values are the signals the sample's generator planted
(data/generators/survey.py, documented in data/sample/survey/README.md and the project's
SAMPLE.md): older women over-represented about twice, young men under-represented, weighted
satisfaction below the unweighted one, and the top need of each comune. The
representation ratio is also recomputed here independently, straight from the raw CSV and
the population file with pandas, not from our survey package.
"""

from __future__ import annotations

import pathlib

import pandas as pd
import pytest
from pypdf import PdfReader

from quartiere.notebook import read_glued
from quartiere.pipeline import run_study

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"

# data/sample/survey/README.md, "Planted signals"
TOP_NEEDS = {
    "Serenella": "Accesso ai servizi sociali",
    "Borgo San Rocco": "Solitudine e compagnia",
    "Porto Lido": "Casa e affitti",
    "Villafranca": "Nidi e servizi per l'infanzia",
    "Montecerro": "Solitudine e compagnia",
    "Campi Bassi": "Trasporti",
}


@pytest.mark.slow
def test_notebook_02_on_the_sample(tmp_path):
    # one run for every check (a module fixture would run once per xdist worker)
    result = run_study(SAMPLE, ["02"], lang=["it", "en"], out=tmp_path, pdf=True)
    run = (result, tmp_path)
    check_runs_and_states_the_dropped_rows(run)
    check_weighting_lowers_satisfaction(run)
    check_older_women_over_represented_about_twice(run)
    check_top_need_per_district(run)
    check_reliability_glued_for_each_scale(run)
    check_pdfs_are_in_their_language(run)


def _folder(out: pathlib.Path) -> pathlib.Path:
    (notebook,) = out.rglob("02-analyse-survey.en.ipynb")
    return notebook.parent


def _pdf_text(path: pathlib.Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def check_runs_and_states_the_dropped_rows(run):
    result, out = run
    assert result.ok
    glued = read_glued(_folder(out) / "02-analyse-survey.en.ipynb")
    # the sample CSV has 1200 rows, all valid (data/sample/survey/README.md)
    assert glued["n_read"] == 1200
    assert glued["n_dropped"] == 0
    assert glued["n_respondents"] == 1200
    assert glued["raking_converged"] is True
    assert glued["max_margin_error"] < 1e-6
    # Kish: 1 <= deff and n_eff = n / deff
    assert glued["deff"] >= 1
    assert glued["n_eff"] == pytest.approx(1200 / glued["deff"])


def check_weighting_lowers_satisfaction(run):
    _, out = run
    glued = read_glued(_folder(out) / "02-analyse-survey.en.ipynb")
    assert glued["satisfaction_weighted"] < glued["satisfaction_unweighted"] - 0.1


def check_older_women_over_represented_about_twice(run):
    _, out = run
    glued = read_glued(_folder(out) / "02-analyse-survey.en.ipynb")
    rep = glued["representation"].set_index("category")
    women_old, men_young = rep.loc["Donna x 65+", "ratio"], rep.loc["Uomo x 18-34", "ratio"]
    assert 1.6 < women_old < 2.4
    assert men_young < 0.7
    # independent check with plain pandas on the raw files (not quartiere.survey)
    raw = pd.read_csv(SAMPLE / "survey" / "questionario.csv", sep=";", encoding="cp1252")
    pop = pd.read_csv(SAMPLE / "survey" / "margini.csv", sep=";", encoding="cp1252")
    sample_share = ((raw["sesso"] == "Donna") & (raw["classe_eta"] == "65+")).mean()
    cell = (pop["sesso"] == "Donna") & (pop["classe_eta"] == "65+")
    pop_share = pop.loc[cell, "popolazione"].sum() / pop["popolazione"].sum()
    # glued frames keep 10 significant digits (DataFrame.to_json)
    assert women_old == pytest.approx(sample_share / pop_share, rel=1e-9)


def check_top_need_per_district(run):
    _, out = run
    for lang in ("it", "en"):
        glued = read_glued(_folder(out) / f"02-analyse-survey.{lang}.ipynb")
        assert glued["top_need"] == TOP_NEEDS
        ranking = glued["needs_ranking"]
        first = ranking[ranking["rank"] == 1].set_index("comune")["option"].to_dict()
        # the up-to-three question agrees with the single most important need
        assert first == {
            "Serenella": "sportello",
            "Borgo San Rocco": "solitudine",
            "Porto Lido": "casa",
            "Villafranca": "nidi",
            "Montecerro": "solitudine",
            "Campi Bassi": "trasporti",
        }


def check_reliability_glued_for_each_scale(run):
    _, out = run
    glued = read_glued(_folder(out) / "02-analyse-survey.en.ipynb")
    assert set(glued["alpha"]) == {"soddisfazione", "coesione", "benessere"}
    assert all(0.6 < a < 0.95 for a in glued["alpha"].values())
    assert all(0.6 < o < 0.95 for o in glued["omega"].values())


def check_pdfs_are_in_their_language(run):
    _, out = run
    folder = _folder(out)
    en = _pdf_text(folder / "02-analyse-survey.en.pdf")
    it = _pdf_text(folder / "02-analyse-survey.it.pdf")
    for heading in (
        "Resident survey",
        "Who answered",
        "Weights",
        "What weighting changes",
        "Are the differences between groups real?",
    ):
        assert heading in en
        assert heading not in it
    for heading in (
        "Indagine sui residenti",
        "Chi ha risposto",
        "Pesi",
        "Che cosa cambia con i pesi",
        "Le differenze tra gruppi sono reali?",
    ):
        assert heading in it
        assert heading not in en
    # the questionnaire's wording is translated in the English report
    assert "Housing and rent" in en and "Casa e affitti" in it
    assert "Casa e affitti" not in en
