"""Validation: one error per bad-input case, strict vs report-then-drop, schema errors."""

from __future__ import annotations

import pathlib
import pickle
import types

import pandas as pd
import pyreadstat
import pytest
import yaml

from quartiere.errors import DataFileError, QuartiereWarning, SchemaError
from quartiere.io.survey_readers import read_survey
from quartiere.survey import SurveySchema, SurveyValidationError, validate_survey

SCHEMA = {
    "id": "id",
    "demographics": {
        "comune": {"categories": ["Serenella", "Porto Lido"]},
        "sesso": {"categories": ["Donna", "Uomo"]},
    },
    "likert_labels": {1: "Per niente", 2: "Poco", 3: "Così così", 4: "Abbastanza", 5: "Molto"},
    "scales": {"sod": {"items": ["s1", "s2", "s3"], "reversed": ["s3"], "range": [1, 5]}},
    "multiple": {"servizi": ["adi", "nido"]},
}
HEADER = "id;comune;sesso;s1;s2;s3;servizi_adi;servizi_nido"
GOOD = [
    "A1;Serenella;Donna;1;2;3;0;1",
    "A2;Porto Lido;Uomo;5;4;3;1;0",
    "A3;Serenella;Donna;2;;4;0;0",
]


@pytest.fixture()
def schema() -> SurveySchema:
    return SurveySchema.from_mapping(SCHEMA)


def _csv(tmp_path: pathlib.Path, lines: list[str], header: str = HEADER) -> pathlib.Path:
    path = tmp_path / "survey.csv"
    path.write_bytes(("\r\n".join([header, *lines]) + "\r\n").encode("cp1252"))
    return path


def _check(tmp_path, schema, lines, match, header=HEADER):
    path = _csv(tmp_path, lines, header)
    with pytest.raises(SurveyValidationError, match=match) as info:
        validate_survey(read_survey(path), schema)
    return info.value


def test_good_file_gives_canonical_frame(tmp_path, schema):
    out = validate_survey(read_survey(_csv(tmp_path, GOOD)), schema)
    d = out.data
    assert d["id"].tolist() == ["A1", "A2", "A3"]
    assert d["s1"].tolist() == ["Per niente", "Molto", "Poco"]
    assert pd.isna(d["s2"].iloc[2])
    assert d["servizi_nido"].dtype == "Int64"
    assert out.dropped.empty and out.problems.empty
    assert "3 rows read, all kept" in out.summary()


def test_value_outside_the_scale(tmp_path, schema):
    lines = [*GOOD, "A4;Serenella;Donna;7;2;3;0;0"]
    err = _check(
        tmp_path, schema, lines, r"^survey.csv, row 4, column s1: 7 is outside the scale 1-5$"
    )
    assert isinstance(err, DataFileError) and err.row == 4 and err.column == "s1"


def test_non_whole_code(tmp_path, schema):
    lines = [*GOOD, "A4;Serenella;Donna;2,5;2;3;0;0"]
    _check(tmp_path, schema, lines, r"row 4, column s1: 2.5 is not a whole answer code")


def test_unknown_answer_label(tmp_path, schema):
    lines = [*GOOD, "A4;Serenella;Donna;Moltissimo;2;3;0;0"]
    _check(tmp_path, schema, lines, r"row 4, column s1: unknown answer 'Moltissimo'")


def test_unknown_category_label(tmp_path, schema):
    lines = [*GOOD, "A4;Serenela;Donna;1;2;3;0;0"]
    _check(
        tmp_path,
        schema,
        lines,
        r"^survey.csv, row 4, column comune: unknown category 'Serenela'; expected one of "
        r"Serenella, Porto Lido$",
    )


def test_duplicate_ids(tmp_path, schema):
    lines = [*GOOD, "A2;Serenella;Donna;1;2;3;0;0"]
    _check(
        tmp_path,
        schema,
        lines,
        r"^survey.csv, row 4, column id: duplicate respondent id 'A2' \(first at row 2\)$",
    )


def test_missing_id(tmp_path, schema):
    _check(tmp_path, schema, [*GOOD, ";Serenella;Donna;1;2;3;0;0"], r"row 4, column id: missing")


def test_bad_indicator(tmp_path, schema):
    _check(
        tmp_path, schema, [*GOOD, "A4;Serenella;Donna;1;2;3;2;0"], r"column servizi_adi: .*0 or 1"
    )


def test_missing_required_column(tmp_path, schema):
    header = "id;comune;sesso;s1;s2;servizi_adi;servizi_nido"
    lines = ["A1;Serenella;Donna;1;2;0;1"]
    err = _check(
        tmp_path,
        schema,
        lines,
        r"^survey.csv, column s3: required column is missing; add it or fix the schema$",
        header=header,
    )
    assert err.row is None


def test_missing_columns_raise_even_when_not_strict(tmp_path, schema):
    path = _csv(tmp_path, ["A1;Serenella;Donna;1;2;0;1"], "id;comune;sesso;s1;s2;x;y")
    with pytest.raises(SurveyValidationError, match="column s3: required column is missing") as e:
        validate_survey(read_survey(path), schema, strict=False)
    assert len(e.value.problems) == 3  # s3, servizi_adi, servizi_nido: one problem each


def test_empty_file_header_only(tmp_path, schema):
    path = _csv(tmp_path, [])
    with pytest.raises(DataFileError, match=r"^survey.csv: the file has no data rows$"):
        validate_survey(read_survey(path), schema, strict=False)


def test_empty_file_no_bytes(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_bytes(b"")
    with pytest.raises(DataFileError, match=r"^survey.csv: the file is empty$"):
        read_survey(path)


def test_one_problem_per_row_and_column(tmp_path, schema):
    lines = [*GOOD, "A4;Serenela;Donna;7;2;3;0;0", "A1;Serenella;Donna;1;9;3;0;0"]
    err = _check(tmp_path, schema, lines, r"row 4, column comune: .* \(and 3 more problem")
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == str(err) and len(again.problems) == 4
    assert err.problems[["row", "column"]].values.tolist() == [
        [4, "comune"],
        [4, "s1"],
        [5, "id"],
        [5, "s2"],
    ]
    assert (
        err.problems["message"].iloc[3]
        == "survey.csv, row 5, column s2: 9 is outside the scale 1-5"
    )


def test_not_strict_drops_rows_and_reports_why(tmp_path, schema):
    lines = [*GOOD, "A4;Serenela;Donna;7;2;3;0;0", "A2;Serenella;Donna;1;2;3;0;0"]
    path = _csv(tmp_path, lines)
    with pytest.warns(QuartiereWarning, match=r"survey.csv: 5 rows read, 2 dropped"):
        out = validate_survey(read_survey(path), schema, strict=False)
    assert out.data["id"].tolist() == ["A1", "A2", "A3"]
    assert out.dropped["row"].tolist() == [4, 5]
    assert out.dropped["reasons"].iloc[0] == (
        "unknown category 'Serenela'; expected one of Serenella, Porto Lido; "
        "7 is outside the scale 1-5"
    )
    assert out.dropped["reasons"].iloc[1].startswith("duplicate respondent id 'A2'")
    assert out.n_read == 5 and len(out.data) == 3


def test_sav_out_of_scale_value(tmp_path, schema):
    path = tmp_path / "survey.sav"
    df = pd.DataFrame(
        {
            "id": ["A1", "A2"],
            "comune": [1.0, 2.0],
            "sesso": [1.0, 1.0],
            "s1": [1.0, 8.0],
            "s2": [2.0, 2.0],
            "s3": [3.0, 3.0],
            "servizi_adi": [0.0, 1.0],
            "servizi_nido": [0.0, 1.0],
        }
    )
    likert = {float(k): v for k, v in SCHEMA["likert_labels"].items()}
    pyreadstat.write_sav(
        df,
        str(path),
        variable_value_labels={
            "comune": {1.0: "Serenella", 2.0: "Porto Lido"},
            "sesso": {1.0: "Donna", 2.0: "Uomo"},
            "s1": likert,
            "s2": likert,
            "s3": likert,
        },
    )
    with pytest.raises(SurveyValidationError, match=r"^survey.sav, row 2, column s1: 8 is outside"):
        validate_survey(read_survey(path), schema)


def test_sav_labels_differing_from_schema_are_mapped_by_code(tmp_path, schema):
    path = tmp_path / "survey.sav"
    df = pd.DataFrame(
        {
            "id": ["A1"],
            "comune": ["Serenella"],
            "sesso": ["Donna"],
            "s1": [4.0],
            "s2": [2.0],
            "s3": [3.0],
            "servizi_adi": [0.0],
            "servizi_nido": [1.0],
        }
    )
    other = {1.0: "1 mai", 2.0: "2", 3.0: "3", 4.0: "4", 5.0: "5 sempre"}
    labels = {"s1": other, "s2": other, "s3": other}
    pyreadstat.write_sav(df, str(path), variable_value_labels=labels)
    out = validate_survey(read_survey(path), schema).data
    assert out["s1"].tolist() == ["Abbastanza"]


def test_schema_errors_name_the_key():
    with pytest.raises(SchemaError, match=r"key 'survey.scales.sod': range must be"):
        SurveySchema.from_mapping(
            {"id": "id", "scales": {"sod": {"items": ["a", "b"], "range": [5, 1]}}}
        )
    with pytest.raises(SchemaError, match=r"key 'survey.id': is required but missing"):
        SurveySchema.from_mapping({"scales": {}})
    with pytest.raises(SchemaError, match=r"key 'survey.scalse': unknown key"):
        SurveySchema.from_mapping({"id": "id", "scalse": {}})
    with pytest.raises(SchemaError, match=r"column 'a' is described twice"):
        SurveySchema.from_mapping(
            {
                "id": "id",
                "demographics": {"a": {"categories": ["x"]}},
                "items": {"a": {"categories": ["y"]}},
            }
        )
    with pytest.raises(SchemaError, match=r"likert_labels do not cover the range 1-7"):
        SurveySchema.from_mapping(
            {
                "id": "id",
                "likert_labels": {1: "a", 2: "b", 3: "c", 4: "d", 5: "e"},
                "scales": {"s": {"items": ["a", "b"], "range": [1, 7]}},
            }
        )


def test_schema_from_study(tmp_path):
    study = types.SimpleNamespace(root=tmp_path, section=lambda name: SCHEMA)
    assert SurveySchema.from_study(study).id == "id"
    empty = types.SimpleNamespace(root=tmp_path, section=lambda name: {})
    with pytest.raises(SchemaError, match=r"study.yml, key 'survey': no survey: section"):
        SurveySchema.from_study(empty)


def test_sample_schema_is_valid(sample_dir):
    section = yaml.safe_load((sample_dir / "survey_schema.yml").read_text(encoding="utf-8"))
    s = SurveySchema.from_mapping(section["survey"])
    assert s.weights is not None and s.weights.rake == [["comune"], ["sesso", "classe_eta"]]
    assert s.scales["benessere"].reversed == ["ben_3", "ben_5"]
