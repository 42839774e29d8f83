"""The synthesis reads glued results of a run, tolerates missing notebooks, derives SMART
objectives and a methods appendix. Expected values are written out by hand from the inputs."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
import pytest

from quartiere import load_study
from quartiere.errors import SchemaError
from quartiere.notebook import glue
from quartiere.publish import (
    front_matter,
    helpers_used,
    load_synthesis,
    methods_frame,
    needs_table,
    notes_of,
    objectives_table,
    reports_table,
    smart_objectives,
    summary,
)
from quartiere.publish.front import PublishingSchema


def _executed(path: Path, values: dict, code: str = "") -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(code)
    cell.outputs = [
        nbformat.v4.new_output("display_data", data=glue(k, v, display=False))
        for k, v in values.items()
    ]
    nb.cells = [cell]
    nbformat.write(nb, path)
    return path


@pytest.fixture()
def run_dir(tmp_path: Path) -> Path:
    coverage = pd.DataFrame(
        {
            "district": ["Alfa", "Alfa", "Beta"],
            "service": ["social_workers", "nido", "adi"],
            "value": [6500.0, 0.40, 0.04],
            "standard": [5000.0, 0.33, 0.10],
            "meets_standard": [False, True, False],
        }
    )
    scores = pd.DataFrame(
        {
            "district": ["Alfa", "Beta"],
            "score": [-0.2, 0.2],
            "rank": [2, 1],
            "top_need": ["social_workers", "adi"],
        }
    )
    _executed(
        tmp_path / "01-profile-community.it.ipynb",
        {"coverage": coverage, "need_scores": scores},
        "from quartiere import profile as pr\npr.need_scores(a, b)",
    )
    _executed(
        tmp_path / "02-analyse-survey.en.ipynb",  # only in English: read as fallback
        {
            "top_need": {"Alfa": "Casa", "Beta": "Trasporti"},
            "n_respondents": 10,
            "satisfaction_weighted": 3.0,
            "satisfaction_unweighted": 3.5,
            "deff": 1.25,
        },
    )
    _executed(tmp_path / "FAILED-03-analyse-interviews.it.ipynb", {"n_documents": 3})
    _executed(tmp_path / "04-report-workshop.montecerro.it.ipynb", {"n_participants": 1})
    return tmp_path


def test_missing_failed_and_batch_notebooks_are_not_read(run_dir):
    syn = load_synthesis(run_dir, lang="it")
    assert syn.missing == ("interviews", "workshop", "scenarios", "evaluation")
    assert syn.notebooks["survey"] == "02-analyse-survey"
    assert syn.get("survey", "deff") == 1.25
    frame = syn.to_frame()
    assert set(frame["part"]) == {"profile", "survey"}
    assert syn.link("survey") == "02-analyse-survey.it.html"


def test_not_run_parts_are_named_not_failed(run_dir):
    syn = load_synthesis(run_dir, lang="it")
    note = str(summary(syn, "interviews", "it"))
    assert note.startswith("Il rapporto 03-analyse-interviews.it.html non è stato eseguito")
    tab = reports_table(syn, "it").to_frame()
    assert tab.set_index("part").loc["interviews", "status"] == "non eseguito"
    page = reports_table(syn, "it")._repr_html_()
    assert '<a href="01-profile-community.it.html">' in page
    assert '<a href="03-analyse-interviews.it.html">' not in page  # no link to a missing report
    needs = needs_table(syn, "en")
    assert needs.note is not None and "03-analyse-interviews.en.html was not run" in needs.note
    # Beta ranks first; its survey need is read from the English notebook
    assert needs.data["district"].tolist() == ["Beta", "Alfa"]
    assert needs.data.loc[0, "survey"] == "Trasporti"


def test_smart_objectives_one_per_shortfall(run_dir):
    syn = load_synthesis(run_dir, lang="it")
    obj = smart_objectives(syn, end_year=2029)
    # by hand: Alfa misses the social-worker standard (6,500 > 5,000), Beta the ADI one
    # (4% < 10%); Alfa's nido (40% >= 33%) is met and gives no objective
    assert obj["objective"].tolist() == ["social_workers.Alfa", "adi.Beta"]
    assert obj["direction"].tolist() == ["lower", "higher"]
    assert obj["baseline"].tolist() == [6500.0, 0.04]
    assert obj["target"].tolist() == [5000.0, 0.10]
    assert set(obj["deadline"]) == {"2029-12-31"}
    shown = objectives_table(obj, "en", start_year=2027, end_year=2029).to_frame()
    assert (
        shown.iloc[0, 0]
        == "Bring social workers in Alfa up to the essential level (1 per 5,000 residents)"
    )
    assert shown.iloc[1, 3:5].tolist() == ["4.0%", "10.0%"]


def test_methods_appendix_reads_the_helpers_called(run_dir):
    assert helpers_used(["import quartiere.survey as sv\nsv.rake(d, m)", "%matplotlib"]) == [
        "quartiere.survey.rake"
    ]
    frame = methods_frame(run_dir, lang="it")
    assert frame["helper"].tolist() == ["quartiere.profile.need_scores"]
    from quartiere import profile

    assert frame.loc[0, "notes"] == notes_of(profile.need_scores)
    assert "shortfall" in frame.loc[0, "notes"]


def test_front_matter_from_the_publishing_section(study_copy):
    text = (study_copy / "study.yml").read_text(encoding="utf-8")
    text += (
        '\npublishing:\n  authors:\n    - {name: "Ufficio di Piano", affiliation: "Ambito"}\n'
        '  abstract:\n    it: "Sintesi del piano."\n    en: "Summary of the plan."\n'
        "  bibliography: references.bib\n"
    )
    (study_copy / "study.yml").write_text(text, encoding="utf-8")
    fm = front_matter(load_study(study_copy), "en")
    bundle = fm._repr_mimebundle_()
    assert (
        "Summary of the plan." in bundle["text/html"] and "Ufficio di Piano" in bundle["text/html"]
    )
    assert "@article{kiresuk1968" in bundle["application/x-quartiere-publishing+json"]["bibtex"]
    (study_copy / "study.yml").write_text(
        text.replace("bibliography:", "bibliografia:"), encoding="utf-8"
    )
    with pytest.raises(
        SchemaError, match="publishing.bibliografia': unknown key; did you mean 'bibliography'"
    ):
        PublishingSchema.from_study(load_study(study_copy))
