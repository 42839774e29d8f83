"""The sample survey generator is deterministic and the shipped files are up to date."""

from __future__ import annotations

import importlib.util
import shutil

import numpy as np
import pandas as pd

from quartiere.io.survey_readers import read_survey
from quartiere.survey import validate_survey


def _generator(root):
    spec = importlib.util.spec_from_file_location(
        "quartiere_sample_survey_generator", root / "data" / "generators" / "survey.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generator_reproduces_the_shipped_files(tmp_path, sample_dir, schema):
    root = sample_dir.parents[2]
    gen = _generator(root)
    shutil.copy(sample_dir.parent / "population.csv", tmp_path / "population.csv")
    gen.generate(tmp_path, np.random.default_rng(gen.SEED))
    out = tmp_path / "survey"
    for name in ("questionario.csv", "margini.csv", "survey_schema.yml", "README.md"):
        assert (out / name).read_bytes() == (sample_dir / name).read_bytes(), name
    # binary shapes carry timestamps: compare what they load to
    fresh = validate_survey(read_survey(out / "questionario.sav"), schema).data
    shipped = validate_survey(read_survey(sample_dir / "questionario.sav"), schema).data
    pd.testing.assert_frame_equal(fresh, shipped)
    total = sum(p.stat().st_size for p in sample_dir.iterdir())
    assert total < 2_000_000
