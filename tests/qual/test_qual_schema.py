"""The interviews: section of study.yml and loading the corpus it declares."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from quartiere.errors import SchemaError
from quartiere.qual.schema import InterviewsSchema, load_interviews

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def _study(section: dict):
    def file(key):
        raise KeyError(key)

    return SimpleNamespace(
        root=SAMPLE, section=lambda name: section if name == "interviews" else {}, file=file
    )


@pytest.mark.parametrize("corpus", ["interviews/val_serena.qdpx", "interviews"])
def test_load_interviews_from_qdpx_or_folder(corpus):
    section = {
        "corpus": corpus,
        "names": "interviews/names.txt",
        "coders": ["anna", "marco"],
        "attributes": ["district", "role", "age_band"],
    }
    loaded, schema, names = load_interviews(_study(section))
    assert len(loaded.documents) == 24
    assert loaded.coders == ("anna", "marco")
    assert "Ida Ferrante" in names
    assert schema.agreement_unit == "character"


def test_schema_errors_name_the_key():
    with pytest.raises(SchemaError, match="interviews.corpus.*required"):
        InterviewsSchema.from_mapping({})
    with pytest.raises(SchemaError, match="interviews.colour.*unknown key"):
        InterviewsSchema.from_mapping({"corpus": "x", "colour": 1})
    with pytest.raises(SchemaError, match="interviews.corpus.*neither"):
        load_interviews(_study({"corpus": "nowhere.qdpx"}))
    with pytest.raises(SchemaError, match="interviews.attributes.*'religion'"):
        load_interviews(_study({"corpus": "interviews", "attributes": ["religion"]}))
    with pytest.raises(SchemaError, match="no interviews"):
        load_interviews(_study({}))
