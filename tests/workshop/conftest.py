"""Shared fixtures for the workshop tests."""

from __future__ import annotations

import pytest
from workshop_testkit import AGENDA

from quartiere.workshop.agenda import parse_agenda
from quartiere.workshop.store import WorkshopStore


@pytest.fixture
def agenda():
    return parse_agenda(AGENDA)


@pytest.fixture
def store(tmp_path, agenda):
    s = WorkshopStore(tmp_path / "ws.sqlite", durable=False)
    s.create_workshop(agenda)
    yield s
    s.close()
