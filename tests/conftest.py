"""Shared fixtures: repository paths, the sample study, a scratch copy of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample"
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def sample_study():
    from quartiere import load_study

    return load_study(SAMPLE)


@pytest.fixture()
def study_copy(tmp_path: Path) -> Path:
    """A writable copy of the sample study's profile files and study.yml."""
    dst = tmp_path / "study"
    shutil.copytree(SAMPLE, dst, ignore=shutil.ignore_patterns("*.sqlite-*"))
    return dst
