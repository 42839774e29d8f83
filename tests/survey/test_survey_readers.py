"""Survey readers: the three sample shapes, SPSS order, KoboToolbox, LimeSurvey."""

from __future__ import annotations

import pandas as pd
import pyreadstat
import pytest

from quartiere.errors import CodebookError, DataFileError, ParameterError
from quartiere.io.kobo import read_kobo, read_xlsform
from quartiere.io.limesurvey import read_limesurvey
from quartiere.io.spss import read_spss
from quartiere.io.survey_codebook import Codebook, apply_value_labels
from quartiere.io.survey_readers import read_survey, read_survey_table
from quartiere.survey import validate_survey


def test_three_shapes_load_to_the_same_frame(sample_dir, schema):
    csv = validate_survey(read_survey(sample_dir / "questionario.csv"), schema).data
    sav = validate_survey(read_survey(sample_dir / "questionario.sav"), schema).data
    kobo = validate_survey(
        read_survey(sample_dir / "kobo_export.xlsx", form=sample_dir / "xlsform.xlsx"), schema
    ).data
    pd.testing.assert_frame_equal(csv, sav)
    pd.testing.assert_frame_equal(csv, kobo)
    assert len(csv) == 1200
    assert list(csv.columns) == schema.columns
    assert csv["sod_1"].cat.ordered
    assert list(csv["sod_1"].cat.categories) == schema.scale_labels("soddisfazione")


def test_spss_keeps_numeric_order_where_pyreadstat_sorts_alphabetically(sample_dir, tmp_path):
    sf = read_spss(sample_dir / "questionario.sav")
    ours = list(sf.data["sod_1"].cat.categories)
    assert ours[0] == "Per niente d'accordo" and ours[-1] == "Molto d'accordo"
    # Reference: pyreadstat 1.3.7. Its default apply_value_formats (formats_as_category)
    # sorts the labels alphabetically (REFERENCES.md); formats_as_ordered_category keeps the
    # code order but fails on pandas 3 for a column holding NaN (checked here: ValueError
    # "Categorical categories cannot be null"), so read_spss applies the labels itself.
    small = tmp_path / "likert.sav"
    labels = {float(k): v for k, v in enumerate(ours, start=1)}
    pyreadstat.write_sav(
        pd.DataFrame({"q": [5.0, 1.0, 3.0]}), str(small), variable_value_labels={"q": labels}
    )
    default, _ = pyreadstat.read_sav(str(small), apply_value_formats=True)
    seen = list(default["q"].cat.categories)  # observed labels only, alphabetical
    assert seen == sorted(seen) and seen != [c for c in ours if c in seen]
    ordered, _ = pyreadstat.read_sav(
        str(small), apply_value_formats=True, formats_as_ordered_category=True
    )
    assert list(ordered["q"].cat.categories) == ours
    mine = read_spss(small).data["q"]
    assert list(mine.cat.categories) == ours
    assert mine.astype(str).tolist() == ordered["q"].astype(str).tolist()
    assert sorted(ours) != ours
    assert sf.codebook.variable_labels["sod_1"].startswith("Gli uffici")
    assert "sod_1" in sf.codebook.ordered and "comune" not in sf.codebook.ordered
    table = sf.codebook.to_frame()
    assert set(table.columns) == {"variable", "label", "group", "code", "value_label", "ordered"}


def test_spss_unlabelled_value_is_kept_for_validation(tmp_path):
    path = tmp_path / "s.sav"
    df = pd.DataFrame({"q": [1.0, 7.0, 2.0]})
    pyreadstat.write_sav(df, str(path), variable_value_labels={"q": {1.0: "No", 2.0: "Si"}})
    sf = read_spss(path)
    assert sf.data["q"].tolist() == ["No", 7, "Si"]


def test_kobo_groups_choices_and_multiple(sample_dir):
    form = read_xlsform(sample_dir / "xlsform.xlsx")
    assert form.groups["sod_1"] == "soddisfazione"
    assert form.multiple["servizi"][0] == "servizi_segretariato"
    assert form.categories("comune")[0] == "Serenella"
    sf = read_kobo(sample_dir / "kobo_export.xlsx", sample_dir / "xlsform.xlsx")
    assert "_uuid" not in sf.data.columns and "start" not in sf.data.columns
    assert "bisogni" not in sf.data.columns  # space-separated answer replaced by indicators
    assert sf.data["bisogni_casa"].dtype == "Int64"
    assert sf.data["comune"].iloc[0] in form.categories("comune")


def test_kobo_builds_indicators_from_the_space_separated_answer(tmp_path):
    form = tmp_path / "form.xlsx"
    with pd.ExcelWriter(form) as xw:
        pd.DataFrame(
            {"type": ["begin_group", "select_multiple srv", "end_group"], "name": ["g", "srv", ""]}
        ).to_excel(xw, sheet_name="survey", index=False)
        pd.DataFrame(
            {"list_name": ["srv", "srv"], "name": ["a", "b"], "label": ["A", "B"]}
        ).to_excel(xw, sheet_name="choices", index=False)
    export = tmp_path / "export.csv"
    export.write_text("g/srv;_id\na b;1\nb;2\n;3\n", encoding="utf-8")
    sf = read_kobo(export, form)
    assert sf.data["srv_a"].tolist() == [1, 0, pd.NA]
    assert sf.data["srv_b"].tolist() == [1, 1, pd.NA]


def test_xlsform_unknown_choice_list(tmp_path):
    form = tmp_path / "form.xlsx"
    with pd.ExcelWriter(form) as xw:
        pd.DataFrame({"type": ["select_one nope"], "name": ["q"]}).to_excel(
            xw, sheet_name="survey", index=False
        )
        pd.DataFrame({"list_name": ["yes"], "name": ["1"], "label": ["Y"]}).to_excel(
            xw, sheet_name="choices", index=False
        )
    with pytest.raises(CodebookError, match=r"form.xlsx, row 1, column type: .*'nope'"):
        read_xlsform(form)


def test_limesurvey_array_and_multiple_columns(tmp_path):
    path = tmp_path / "results.csv"
    path.write_text(
        "id,submitdate,lastpage,SOD[SQ001],SOD[SQ002],BIS[casa],BIS[nidi]\n"
        "1,2026-03-01,3,4,5,Y,\n2,2026-03-02,3,2,1,,Y\n",
        encoding="utf-8",
    )
    sf = read_survey(path)  # detected from the header
    assert list(sf.data.columns) == ["id", "SOD_SQ001", "SOD_SQ002", "BIS_casa", "BIS_nidi"]
    assert sf.codebook.groups["SOD_SQ002"] == "SOD"
    sf = read_limesurvey(
        path,
        multiple=("BIS",),
        value_labels={"SOD_SQ001": {k: str(k) for k in range(1, 6)}},
        ordered=("SOD_SQ001",),
    )
    assert sf.data["BIS_casa"].tolist() == [1, 0]
    assert sf.data["BIS_nidi"].tolist() == [0, 1]
    assert sf.codebook.multiple["BIS"] == ("BIS_casa", "BIS_nidi")
    assert sf.data["SOD_SQ001"].cat.ordered


def test_italian_csv_cp1252_with_euro_and_decimal_comma(tmp_path):
    path = tmp_path / "q.csv"
    path.write_bytes("id;spesa;nota\nA1;12,50;affitto €\nA2;3,25;città\n".encode("cp1252"))
    sf = read_survey_table(path)
    assert sf.data["spesa"].tolist() == [12.5, 3.25]
    assert sf.data["nota"].tolist() == ["affitto €", "città"]


def test_apply_value_labels_accepts_codes_and_labels():
    cb = Codebook(value_labels={"q": {"1": "Poco", "2": "Molto"}}, ordered={"q"})
    out = apply_value_labels(pd.DataFrame({"q": [2, "Poco", None, "1"]}), cb)
    assert out["q"].tolist()[:2] == ["Molto", "Poco"] and out["q"].tolist()[3] == "Poco"


def test_reader_errors(tmp_path):
    with pytest.raises(DataFileError, match="nothere.sav: file not found"):
        read_survey(tmp_path / "nothere.sav")
    with pytest.raises(ParameterError, match="XLSForm"):
        read_survey(tmp_path / "x.xlsx", kind="kobo")
    with pytest.raises(ParameterError, match="unknown kind"):
        read_survey(tmp_path / "x.csv", kind="odk")
    bad = tmp_path / "bad.sav"
    bad.write_bytes(b"not an spss file")
    with pytest.raises(DataFileError, match="bad.sav: cannot be read as SPSS"):
        read_spss(bad)
