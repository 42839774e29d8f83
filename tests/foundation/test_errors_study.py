"""Errors are one line naming the culprit; study.yml is validated key by key."""

from __future__ import annotations

import pickle

import pytest

from quartiere import load_study
from quartiere.errors import DataFileError, ParameterError, QuartiereError, SchemaError


def test_error_message_names_file_row_column():
    err = DataFileError("7 is outside the scale 1-5", path="/x/survey.csv", row=12, column="q3")
    assert str(err) == "survey.csv, row 12, column q3: 7 is outside the scale 1-5"
    assert err.path == "/x/survey.csv" and err.row == 12 and err.column == "q3"
    assert "\n" not in str(DataFileError("two\nlines"))


def test_errors_survive_pickling_with_their_fields():
    err = ParameterError("bad", parameter="jobs")
    back = pickle.loads(pickle.dumps(err))
    assert isinstance(back, ParameterError) and back.parameter == "jobs" and str(back) == str(err)
    assert issubclass(ParameterError, QuartiereError) and issubclass(ParameterError, ValueError)


def test_sample_study_loads(sample_study):
    assert sample_study.name == "sample"
    assert sample_study.threshold == 5
    assert sample_study.districts[0] == "Serenella" and len(sample_study.districts) == 6
    assert sample_study.file("population").name == "population.csv"
    assert sample_study.notebook_params("01-profile-community")["focus_district"] == "Montecerro"
    with pytest.raises(TypeError):
        sample_study.files["x"] = 1  # read-only mapping


def _write(study_dir, text):
    (study_dir / "study.yml").write_text(text, encoding="utf-8")


def test_unknown_key_gets_did_you_mean(study_copy):
    text = (study_copy / "study.yml").read_text(encoding="utf-8").replace("privacy:", "privacyy:")
    _write(study_copy, text)
    with pytest.raises(
        SchemaError, match=r"study.yml, key 'privacyy': unknown key; did you mean 'privacy'\?"
    ):
        load_study(study_copy)


def test_wrong_type_names_the_key(study_copy):
    text = (
        (study_copy / "study.yml")
        .read_text(encoding="utf-8")
        .replace("threshold: 5", "threshold: five")
    )
    _write(study_copy, text)
    with pytest.raises(SchemaError, match=r"key 'privacy.threshold'"):
        load_study(study_copy)


def test_missing_input_file_is_named(study_copy):
    (study_copy / "assets.csv").unlink()
    with pytest.raises(
        SchemaError, match=r"key 'files.assets': input file 'assets.csv' does not exist"
    ):
        load_study(study_copy)


def test_missing_required_key(study_copy):
    text = (study_copy / "study.yml").read_text(encoding="utf-8").replace("title:", "# title:")
    _write(study_copy, text)
    with pytest.raises(SchemaError, match=r"key 'title': is required but missing"):
        load_study(study_copy)


def test_invalid_yaml_names_the_line(study_copy):
    _write(study_copy, "title: x\ndistricts: [a, b\n")
    with pytest.raises(SchemaError, match=r"study.yml: line \d+: invalid YAML"):
        load_study(study_copy)


def test_no_study_yml(tmp_path):
    with pytest.raises(SchemaError, match="no study.yml here"):
        load_study(tmp_path)


def test_duplicate_district(study_copy):
    text = (
        (study_copy / "study.yml")
        .read_text(encoding="utf-8")
        .replace("  - Campi Bassi", "  - Campi Bassi\n  - Montecerro")
    )
    _write(study_copy, text)
    with pytest.raises(SchemaError, match="listed twice: Montecerro"):
        load_study(study_copy)


def test_check_district_suggests(sample_study):
    with pytest.raises(SchemaError, match="did you mean 'Porto Lido'"):
        sample_study.check_district("Porto Lid")
    with pytest.raises(SchemaError, match="unknown section"):
        sample_study.section("surveys")
    assert dict(sample_study.section("workshop")) == dict(sample_study.sections.get("workshop", {}))
