"""Study-level loading: survey section of study.yml -> validated data and margins."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from quartiere import load_study
from quartiere.errors import SchemaError
from quartiere.survey.load import load_survey, study_margins
from quartiere.survey.weights import rake


def _study(tmp_path, sample_dir, survey_section=None):
    section = yaml.safe_load((sample_dir / "survey_schema.yml").read_text(encoding="utf-8"))
    config = {
        "title": "Test",
        "districts": ["Serenella", "Borgo San Rocco", "Porto Lido", "Villafranca",
                      "Montecerro", "Campi Bassi"],
        "files": {
            "survey_csv": str(sample_dir / "questionario.csv"),
            "survey_sav": str(sample_dir / "questionario.sav"),
            "survey_kobo": str(sample_dir / "kobo_export.xlsx"),
            "survey_xlsform": str(sample_dir / "xlsform.xlsx"),
            "survey_margins": str(sample_dir / "margini.csv"),
        },
        "survey": section["survey"] if survey_section is None else survey_section,
    }  # fmt: skip
    (tmp_path / "study.yml").write_text(
        yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8"
    )
    return load_study(tmp_path)


def test_load_survey_from_study_every_shape(tmp_path, sample_dir, survey):
    study = _study(tmp_path, sample_dir)
    csv = load_survey(study).data
    pd.testing.assert_frame_equal(csv, survey)
    pd.testing.assert_frame_equal(load_survey(study, file="survey_sav").data, csv)
    pd.testing.assert_frame_equal(load_survey(study, file="survey_kobo").data, csv)
    margins = study_margins(study)
    assert list(margins) == ["comune", ("sesso", "classe_eta")]
    w = rake(csv, margins)
    assert w.attrs["converged"]


def test_load_survey_errors(tmp_path, sample_dir):
    study = _study(tmp_path, sample_dir, {"id": "id_rispondente"})
    with pytest.raises(SchemaError, match=r"key 'survey.file': no survey file"):
        load_survey(study)
    with pytest.raises(SchemaError, match=r"key 'survey.file': 'nope.csv' is neither"):
        load_survey(study, file="nope.csv")
    with pytest.raises(SchemaError, match=r"key 'survey.weights': survey.weights needs"):
        study_margins(study)
