"""Presentation helpers of notebook 02: frames checked against plain numpy/pandas, tables
checked for their wording in both languages, the survey catalog checked for completeness."""

from __future__ import annotations

import pathlib
import re
import string
import warnings

import numpy as np
import pandas as pd
import pytest
import yaml

from quartiere import load_study
from quartiere.errors import QuartiereWarning, SchemaError
from quartiere.io.survey_readers import read_survey
from quartiere.report.i18n import messages
from quartiere.survey import (
    SurveyLabels,
    compare_weighting,
    district_column,
    estimates_table,
    items_table,
    load_survey,
    margins_from_population,
    needs_ranking,
    needs_table,
    present,
    representation,
    scales_reliability,
    study_margins,
    survey_labels,
    top_need,
    translate,
    validate_survey,
    validation_table,
    weight_survey,
    weighted_estimates,
)

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample" / "survey"


@pytest.fixture(scope="module")
def margins(population_cells):
    return margins_from_population(
        population_cells, [["comune"], ["sesso", "classe_eta"]], value="popolazione"
    )


@pytest.fixture(scope="module")
def weighted(survey, schema, margins):
    return weight_survey(survey, schema, margins, bounds=(0.3, 3.0))


def test_representation_matches_plain_pandas(survey, population_cells, margins):
    rep = representation(survey, margins).set_index(["variable", "category"])
    # reference: shares computed directly with pandas value_counts / groupby
    sample = survey.groupby(["sesso", "classe_eta"], observed=True).size() / len(survey)
    pop = population_cells.groupby(["sesso", "classe_eta"])["popolazione"].sum()
    pop = pop / pop.sum()
    for (sex, age), share in sample.items():
        row = rep.loc[("sesso x classe_eta", f"{sex} x {age}")]
        assert row["sample_share"] == pytest.approx(share, rel=1e-12)
        assert row["population_share"] == pytest.approx(pop.loc[(sex, age)], rel=1e-12)
        assert row["ratio"] == pytest.approx(share / pop.loc[(sex, age)], rel=1e-12)
    by_comune = survey["comune"].value_counts()
    assert rep.loc[("comune", "Campi Bassi"), "n"] == by_comune["Campi Bassi"]


def test_weight_survey_diagnostics_by_hand(weighted, survey, margins):
    w = weighted.data[weighted.weight].to_numpy()
    # Kish (1965) effective sample size and design effect, computed by hand
    n_eff = w.sum() ** 2 / np.sum(w**2)
    assert weighted.summary.n_eff == pytest.approx(n_eff, rel=1e-12)
    assert weighted.summary.deff == pytest.approx(len(w) / n_eff, rel=1e-12)
    # margins hold: weighted totals by comune equal the population (margini.csv)
    totals = weighted.data.groupby("comune", observed=True)[weighted.weight].sum()
    for comune, target in margins["comune"].items():
        assert totals[comune] == pytest.approx(target, rel=1e-6)
    mean = w.mean()
    assert w.max() <= 3.0 * mean * (1 + 1e-4) and w.min() >= 0.3 * mean * (1 - 1e-4)
    assert weighted.converged and weighted.within
    assert list(weighted.to_frame().columns)[-6:] == [
        "iterations",
        "converged",
        "max_margin_error",
        "rounds",
        "trimmed",
        "within",
    ]
    assert len(weighted.data) == len(survey)
    assert set(weighted.data.columns) >= {"soddisfazione", "coesione", "benessere", "weight"}


def test_compare_weighting_against_numpy(weighted):
    eff = compare_weighting(weighted.data, ["soddisfazione"], weight="weight").iloc[0]
    d = weighted.data[["soddisfazione", "weight"]].dropna()
    # numpy reference: plain and weighted averages over respondents with a score
    assert eff["unweighted"] == pytest.approx(d["soddisfazione"].mean(), rel=1e-12)
    assert eff["estimate"] == pytest.approx(
        np.average(d["soddisfazione"], weights=d["weight"]), rel=1e-12
    )
    assert eff["difference"] < 0
    assert eff["ci_low"] < eff["estimate"] < eff["ci_high"]


def test_scales_reliability_alpha_by_formula(survey, schema):
    rel = scales_reliability(survey, schema)
    spec = schema.scales["coesione"]
    codes = pd.DataFrame({i: survey[i].cat.codes.replace(-1, np.nan) + 1 for i in spec.items})
    for item in spec.reversed:
        codes[item] = 6 - codes[item]
    codes = codes.dropna()
    k = codes.shape[1]
    # Cronbach (1951): alpha = k / (k - 1) * (1 - sum of item variances / variance of the sum)
    alpha = k / (k - 1) * (1 - codes.var(ddof=1).sum() / codes.sum(axis=1).var(ddof=1))
    row = rel.scales.set_index("scale").loc["coesione"]
    assert row["alpha"] == pytest.approx(alpha, rel=1e-10)
    assert row["n"] == len(codes) and row["k"] == k
    assert row["ci_low"] < row["alpha"] < row["ci_high"]
    assert len(rel.items) == sum(len(s.items) for s in schema.scales.values())


def test_needs_ranking_and_top_need_against_pandas(weighted, schema):
    d = weighted.data
    ranking = needs_ranking(d, "bisogni", schema.multiple["bisogni"], weight="weight", by="comune")
    sub = d[d["comune"] == "Porto Lido"]
    # numpy reference: weighted share of respondents naming housing
    share = np.average(sub["bisogni_casa"].astype(float), weights=sub["weight"])
    row = ranking[(ranking["comune"] == "Porto Lido") & (ranking["option"] == "casa")].iloc[0]
    assert row["estimate"] == pytest.approx(share, rel=1e-12)
    assert row["rank"] == 1
    top = top_need(d, "bisogno_principale", weight="weight", by="comune").set_index("comune")
    w = sub.groupby("bisogno_principale", observed=True)["weight"].sum()
    assert top.loc["Porto Lido", "category"] == w.idxmax()
    assert top.loc["Porto Lido", "estimate"] == pytest.approx(w.max() / w.sum(), rel=1e-12)


def test_survey_catalog_is_complete():
    path = ROOT / "src" / "quartiere" / "report" / "messages" / "survey.yml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    fields = lambda s: sorted({f[1] for f in string.Formatter().parse(s) if f[1]})  # noqa: E731
    for key, entry in raw.items():
        assert key.startswith("survey."), key
        assert set(entry) == {"it", "en"}, key
        assert fields(entry["it"]) == fields(entry["en"]), key
    # every literal key used by the survey package is in the catalog
    src = "".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "src" / "quartiere" / "survey").glob("*.py")
    )
    used = set(re.findall(r'"(survey\.[a-z0-9_]+)"', src))
    # study.yml keys named in error messages, file names and the var_ prefix are not messages
    used -= {"survey.file", "survey.form", "survey.weights", "survey.demographics"}
    used -= {"survey.csv", "survey.var_"}
    assert used and used <= set(messages())
    # dynamic keys: f"survey.{kind}_{value}"
    for key in [
        *(f"survey.reason_{k}" for k in ("outside", "unknown", "duplicate", "missing_id")),
        *(f"survey.verdict_{k}" for k in ("good", "ok", "weak")),
        *(f"survey.assoc_{k}" for k in ("none", "weak", "moderate", "strong")),
        *(f"survey.size_{k}" for k in ("negligible", "small", "medium", "large")),
        *(f"survey.es_{k}" for k in ("eta_squared", "epsilon_squared", "hedges_g", "cles")),
        "survey.test_welch_anova",
        "survey.test_kruskal_wallis",
        "survey.var_sesso_x_classe_eta",
    ]:
        assert key in messages(), key


def test_questionnaire_wording_translated(schema):
    study = load_study(ROOT / "data" / "sample")
    vs = load_survey(study)
    # the CSV has no question texts: they come from the study's XLSForm
    assert vs.codebook.variable_labels["sod_2"] == "Il personale ascolta i miei problemi"
    en = survey_labels(vs, schema, lang="en")
    it = survey_labels(vs, schema, lang="it")
    assert en.var("sod_2") == "The staff listen to my problems"
    assert it.var("sod_2") == "Il personale ascolta i miei problemi"
    assert en.scale("soddisfazione") == "Satisfaction with social services"
    assert en.var("comune") == "Municipality" and it.var("comune") == "Comune"
    assert translate("Né d'accordo né in disaccordo", "en") == "Neither agree nor disagree"
    assert translate("Serenella", "en") == "Serenella"  # names stay as written
    # every answer, category and question of the sample has an English text
    cats = [c for spec in schema.demographics.values() for c in spec.categories]
    cats += schema.items["bisogno_principale"].categories + schema.scale_labels("soddisfazione")
    missing = [
        c
        for c in [*cats, *vs.codebook.variable_labels.values()]
        if present.text_key(c) not in messages()
        and c not in study.districts
        and not re.fullmatch(r"[\d+-]+", c)
    ]
    assert missing == []
    tab = items_table(scales_reliability(vs.data, schema), labels=en).to_frame()
    assert "The staff listen to my problems" in set(tab["Statement"])
    assert tab.columns[0] == "Scale"


def test_validation_table_states_dropped_rows(tmp_path, schema):
    raw = pd.read_csv(SAMPLE / "questionario.csv", sep=";", encoding="cp1252", dtype=str).head(30)
    raw.loc[3, "sod_2"] = "7"  # outside the scale 1-5
    raw.loc[8, "id_rispondente"] = raw.loc[2, "id_rispondente"]  # duplicate id
    path = tmp_path / "bad.csv"
    raw.to_csv(path, sep=";", index=False, encoding="cp1252")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QuartiereWarning)
        vs = validate_survey(read_survey(path), schema, strict=False)
    shown = validation_table(vs, lang="en").to_frame()
    assert shown.iloc[:, 1].tolist() == ["30", "2", "1", "1", "28"]
    reasons = shown.iloc[2:4, 0].tolist()
    assert sorted(reasons) == [
        "– of which for duplicate respondent code",
        "– of which for value outside the scale",
    ]
    it = validation_table(vs, lang="it")
    assert it.to_frame().iloc[1, 0] == "Righe scartate perché non conformi"
    # rows are 1-based data rows: pandas row 3 is the file's data row 4
    assert "riga 4, colonna sod_2, valore «7»: valore fuori scala" in it.note
    assert "riga 9, colonna id_rispondente" in it.note


def test_estimates_table_suppresses_small_cells(weighted):
    est = weighted_estimates(
        weighted.data,
        "soddisfazione",
        weight="weight",
        by=["comune", "sesso", "classe_eta"],
        threshold=5,
    )
    tab = estimates_table(
        est,
        ["comune", "sesso", "classe_eta"],
        labels=SurveyLabels("en"),
        caption="x",
        threshold=5,
        keep={"comune": "Campi Bassi"},
    )
    shown = tab.to_frame()
    assert list(shown.columns[:2]) == ["Sex", "Age band"]
    small = tab.data["n"] < 5
    assert small.any()  # Campi Bassi has cells under 5 respondents
    assert (shown.loc[small.to_numpy(), "Mean score (1-5)"] == "—").all()
    assert "Cells with fewer than 5 people" in tab._repr_html_()


def test_needs_table_lists_top_three(weighted, schema):
    ranking = needs_ranking(
        weighted.data, "bisogni", schema.multiple["bisogni"], weight="weight", by="comune"
    )
    labels = SurveyLabels("en", {"bisogni_casa": "Housing and rent"})
    shown = needs_table(ranking, "comune", question="bisogni", labels=labels).to_frame()
    porto = shown[shown.iloc[:, 0] == "Porto Lido"].iloc[0]
    assert porto.iloc[1].startswith("Housing and rent (")


def test_district_column(schema):
    study = load_study(ROOT / "data" / "sample")
    assert district_column(schema, study.districts) == "comune"
    with pytest.raises(SchemaError, match="districts"):
        district_column(schema, ("Atlantide",))
    assert set(study_margins(study)) == {"comune", ("sesso", "classe_eta")}
