"""The sample survey recovers the signals planted by data/generators/survey.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from quartiere.io.tables import read_table
from quartiere.survey import margins_from_population, rake, score_scales, weighted_estimates


@pytest.fixture(scope="module")
def weighted(survey, schema, population_cells) -> pd.DataFrame:
    margins = margins_from_population(
        population_cells, [["comune"], ["sesso", "classe_eta"]], value="popolazione"
    )
    return pd.concat([survey, score_scales(survey, schema)], axis=1).assign(
        peso=rake(survey, margins)
    )


def test_weighted_satisfaction_is_visibly_lower(weighted):
    w = weighted_estimates(weighted, "soddisfazione", weight="peso").iloc[0]
    u = weighted_estimates(weighted, "soddisfazione", weight=None).iloc[0]
    assert u["estimate"] - w["estimate"] > 0.1
    assert u["estimate"] > w["ci_high"]  # outside the weighted CI


def test_older_women_are_more_satisfied(weighted):
    est = weighted_estimates(weighted, "soddisfazione", weight="peso", by=["sesso", "classe_eta"])
    top = est.loc[est["estimate"].idxmax()]
    assert (top["sesso"], top["classe_eta"]) == ("Donna", "65+")


def test_top_need_by_comune(weighted):
    expected = {
        "Serenella": "Accesso ai servizi sociali",
        "Borgo San Rocco": "Solitudine e compagnia",
        "Porto Lido": "Casa e affitti",
        "Villafranca": "Nidi e servizi per l'infanzia",
        "Montecerro": "Solitudine e compagnia",
        "Campi Bassi": "Trasporti",
    }
    est = weighted_estimates(weighted, "bisogno_principale", weight="peso", by="comune")
    top = est.loc[est.groupby("comune", observed=True)["estimate"].idxmax()]
    assert (
        dict(zip(top["comune"].astype(str), top["category"].astype(str), strict=False)) == expected
    )


def test_margins_come_from_the_population_file(population_cells, sample_dir):
    # margini.csv must be regenerated (data/generators/survey.py) after population.csv
    pop = read_table(sample_dir.parent / "population.csv")
    adults = pop[pop["eta"] >= 18]
    assert population_cells["popolazione"].sum() == adults["totale"].sum()
    by_comune = population_cells.groupby("comune")["popolazione"].sum()
    assert by_comune.to_dict() == adults.groupby("comune")["totale"].sum().to_dict()
    women = population_cells[population_cells["sesso"] == "Donna"]["popolazione"].sum()
    assert women == adults["femmine"].sum()
    assert np.all(population_cells["popolazione"] > 0)
