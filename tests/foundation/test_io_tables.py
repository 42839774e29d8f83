"""read_table: Italian CSV dialects, encodings, malformed files; atomic writes."""

from __future__ import annotations

import pandas as pd
import pytest

from quartiere.errors import DataFileError
from quartiere.io import atomic_write, read_table, sniff_csv


def test_cp1252_semicolon_decimal_comma_with_euro(tmp_path):
    p = tmp_path / "spesa.csv"
    p.write_bytes(
        "comune;spesa €;quota\r\nSerenella;1.234,50;0,25\r\nMontecerro;980,00;0,5\r\n".encode(
            "cp1252"
        )
    )
    df = read_table(p)
    assert list(df.columns) == [
        "comune",
        "spesa €",
        "quota",
    ]  # € survives (latin-1 would mangle it)
    assert df["spesa €"].tolist() == [1234.5, 980.0]
    assert df["quota"].tolist() == [0.25, 0.5]
    d = sniff_csv(p)
    assert (d.encoding, d.sep, d.decimal) == ("cp1252", ";", ",")


def test_utf8_bom_comma_and_tab(tmp_path):
    a = tmp_path / "a.csv"
    a.write_bytes("\ufeffname,value\nCittà,1.5\n".encode())
    assert read_table(a).to_dict("list") == {"name": ["Città"], "value": [1.5]}
    b = tmp_path / "b.tsv"
    b.write_text("x\ty\n1\t2\n", encoding="utf-8")
    assert read_table(b).to_dict("list") == {"x": [1], "y": [2]}


def test_ragged_row_names_the_line(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("a;b;c\n1;2;3\n4;5;6;7\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"bad.csv: line 3 has 4 fields where the header has 3"):
        read_table(p)


def test_undecodable_bytes_are_refused_with_line(tmp_path):
    p = tmp_path / "bin.csv"
    p.write_bytes(b"a;b\n1;2\n\x81\x8d;3\n")  # 0x81 is undefined in cp1252
    with pytest.raises(DataFileError, match=r"line 3: byte 0x81 is neither UTF-8 nor Windows-1252"):
        read_table(p)


def test_empty_missing_unknown_and_duplicate_columns(tmp_path):
    empty = tmp_path / "e.csv"
    empty.write_text("  \n", encoding="utf-8")
    with pytest.raises(DataFileError, match="e.csv: the file is empty"):
        read_table(empty)
    with pytest.raises(DataFileError, match="nope.csv: file not found"):
        read_table(tmp_path / "nope.csv")
    with pytest.raises(DataFileError, match=r"unknown file type \.json"):
        read_table(tmp_path / "x.json")
    dup = tmp_path / "d.csv"
    dup.write_text("a;b;a\n1;2;3\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="duplicate column"):
        read_table(dup)


def test_xlsx_and_missing_sheet(tmp_path):
    p = tmp_path / "s.xlsx"
    pd.DataFrame({"Comune": ["A"], "n": [3]}).to_excel(p, sheet_name="Servizi", index=False)
    assert read_table(p).to_dict("list") == {"Comune": ["A"], "n": [3]}
    with pytest.raises(DataFileError, match="no worksheet 'Altro'"):
        read_table(p, sheet="Altro")
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a zip", encoding="utf-8")
    with pytest.raises(DataFileError, match="fake.xlsx: cannot be read as Excel"):
        read_table(fake)


def test_atomic_write_leaves_target_untouched_on_error(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_write(target) as fh:
            fh.write("half")
            raise RuntimeError("boom")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]  # no temp file left
