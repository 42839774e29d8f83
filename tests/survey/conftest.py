"""Shared fixtures for the survey tests: the sample survey and its schema."""

from __future__ import annotations

import pathlib

import pandas as pd
import pytest
import yaml

from quartiere.io.survey_readers import read_survey
from quartiere.io.tables import read_table
from quartiere.survey import SurveySchema, validate_survey

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample" / "survey"


@pytest.fixture(scope="session")
def sample_dir() -> pathlib.Path:
    return SAMPLE


@pytest.fixture(scope="session")
def schema() -> SurveySchema:
    section = yaml.safe_load((SAMPLE / "survey_schema.yml").read_text(encoding="utf-8"))["survey"]
    return SurveySchema.from_mapping(section)


@pytest.fixture(scope="session")
def survey(schema: SurveySchema) -> pd.DataFrame:
    return validate_survey(read_survey(SAMPLE / "questionario.csv"), schema).data


@pytest.fixture(scope="session")
def population_cells() -> pd.DataFrame:
    return read_table(SAMPLE / "margini.csv")
