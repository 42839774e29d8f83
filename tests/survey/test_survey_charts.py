"""Charts: altair specs with labels in the report language."""

from __future__ import annotations

import pandas as pd
import pytest

from quartiere.errors import ParameterError
from quartiere.survey import estimates_chart, likert_chart, needs_chart, weighted_estimates


def test_likert_chart_diverges_around_the_neutral_answer(survey):
    chart = likert_chart(survey, ["sod_1", "sod_2"], lang="it")
    spec = chart.to_dict()
    assert spec["encoding"]["x"]["title"] == "Quota di rispondenti (%)"
    assert spec["encoding"]["y"]["title"] == "Affermazione"
    values = pd.DataFrame(chart.data)
    first = values[values["item"] == "sod_1"].sort_values("order")
    shares = survey["sod_1"].value_counts(normalize=True, sort=False) * 100
    assert first["share"].tolist() == pytest.approx(shares.tolist())
    # the middle answer is split around 0: it starts at minus half its share
    neutral = first.iloc[2]
    assert neutral["x0"] == pytest.approx(-neutral["share"] / 2)
    assert spec["encoding"]["color"]["sort"][0] == "Per niente d'accordo"
    english = likert_chart(survey, ["sod_1"], lang="en").to_dict()
    assert english["encoding"]["x"]["title"] == "Share of respondents (%)"


def test_estimates_chart_has_whiskers(survey):
    d = survey.assign(x=survey["servizi_adi"].astype(float))
    est = weighted_estimates(d, "x", weight=None, by="comune")
    spec = estimates_chart(est, "comune", lang="en").to_dict()
    marks = [
        layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
        for layer in spec["layer"]
    ]
    assert marks == ["rule", "point"]
    assert spec["layer"][0]["encoding"]["x"]["title"] == "Estimate"


def test_needs_chart_sorted(survey):
    cols = [c for c in survey.columns if c.startswith("bisogni_")]
    est = pd.concat([weighted_estimates(survey, c, weight=None) for c in cols])
    chart = needs_chart(est, labels={"bisogni_casa": "Casa"}, lang="it")
    data = pd.DataFrame(chart.data)
    assert data["share"].is_monotonic_decreasing
    assert "Casa" in set(data["need"])
    assert chart.to_dict()["encoding"]["x"]["title"] == "Rispondenti che lo indicano (%)"


def test_chart_errors(survey):
    with pytest.raises(ParameterError, match="unknown language"):
        likert_chart(survey, ["sod_1"], lang="fr")
    with pytest.raises(ParameterError, match="share the answer categories"):
        likert_chart(survey, ["sod_1", "comune"])
    with pytest.raises(ParameterError, match="missing column"):
        estimates_chart(pd.DataFrame({"a": [1]}), "a")
