"""Agenda validation and ballot rules."""

from __future__ import annotations

import copy

import pytest
from workshop_testkit import AGENDA

from quartiere.errors import SchemaError, WorkshopError
from quartiere.workshop.agenda import load_agenda, parse_agenda
from quartiere.workshop.ballots import PABUTOOLS_BALLOT, validate_ballot


def test_agenda_roundtrip(agenda):
    assert parse_agenda(agenda.to_dict()) == agenda
    assert agenda.question("pb").option("p3").district == "Montecerro"
    assert agenda.question("needs").option("housing").text("en") == "Housing"


def test_agenda_errors_name_the_key(tmp_path):
    bad = copy.deepcopy(AGENDA)
    del bad["questions"][0]["dots"]
    with pytest.raises(SchemaError, match=r"column questions\[0\]: a dots question needs 'dots'"):
        parse_agenda(bad)
    bad = copy.deepcopy(AGENDA)
    bad["questions"][6]["options"][0]["cost"] = -5
    with pytest.raises(SchemaError, match=r"questions\[6\]\.options\[0\]\.cost"):
        parse_agenda(bad)
    bad = copy.deepcopy(AGENDA)
    bad["questions"][1]["colour"] = "red"
    with pytest.raises(SchemaError, match=r"questions\[1\]\.colour"):
        parse_agenda(bad)
    bad = copy.deepcopy(AGENDA)
    bad["questions"][1]["id"] = "needs"
    with pytest.raises(SchemaError, match="question id 'needs' appears twice"):
        parse_agenda(bad)
    p = tmp_path / "agenda.yml"
    p.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(SchemaError, match="agenda.yml: not valid YAML"):
        load_agenda(p)
    with pytest.raises(SchemaError, match="not found"):
        load_agenda(tmp_path / "missing.yml")
    for exc in (SchemaError,):
        try:
            parse_agenda({"id": "x", "title": "t", "questions": []})
        except exc as e:
            assert "\n" not in str(e)


def test_every_type_maps_to_pabutools():
    import pabutools.election as pe

    for t, cls in PABUTOOLS_BALLOT.items():
        if cls is not None:
            assert hasattr(pe, cls), t


@pytest.mark.parametrize(
    ("qid", "value", "expected"),
    [
        ("needs", {"housing": 2, "childcare": 1}, {"housing": 2, "childcare": 1}),
        ("needs", {"home_care": "1", "housing": 0}, {"home_care": 1}),
        ("pick", "b", {"b": 1}),
        ("appr", ["c", "a"], {"a": 1, "c": 1}),
        ("rank", ["z", "x"], {"z": 1, "x": 2}),
        ("rate", {"s1": 5, "s2": None}, {"s1": 5}),
        ("points", {"a": 70, "b": 30}, {"a": 70, "b": 30}),
        ("pb", ["p2", "p3"], {"p2": 1, "p3": 1}),
        ("talk", "  <b>ciao</b> ", "<b>ciao</b>"),
    ],
)
def test_valid_ballots(agenda, qid, value, expected):
    assert validate_ballot(agenda.question(qid), value) == expected


@pytest.mark.parametrize(
    ("qid", "value", "message"),
    [
        ("needs", {"housing": 4}, "4 dots placed but each person has 3"),
        ("needs", {}, "place at least one dot"),
        ("needs", {"housing": -1}, "negative"),
        ("needs", {"nope": 1}, "unknown option 'nope'"),
        ("needs", {"housing": 1.5}, "not a whole number"),
        ("pick", ["a", "b"], "choose exactly one option"),
        ("appr", ["a", "b", "c"], "at most 2"),
        ("appr", ["a", "a"], "chosen twice"),
        ("rank", [], "rank at least one"),
        ("rate", {"s1": 6}, "outside the scale 1-5"),
        ("points", {"a": 60, "b": 30}, "add up to 90; they must add up to 100"),
        ("pb", ["p1", "p2"], "over the budget of 100"),
        ("pb", ["p3"], "spend at least 50% of the budget"),
        ("talk", "   ", "the comment is empty"),
    ],
)
def test_invalid_ballots_one_line(agenda, qid, value, message):
    with pytest.raises(WorkshopError, match=message) as info:
        validate_ballot(agenda.question(qid), value)
    assert "\n" not in str(info.value)
    assert info.value.parameter == qid


def test_non_cumulative_dots(agenda):
    q = agenda.question("needs").model_copy(update={"cumulative": False})
    with pytest.raises(WorkshopError, match="only one dot per option"):
        validate_ballot(q, {"housing": 2})
    assert validate_ballot(q, {"housing": 1, "childcare": 1}) == {"housing": 1, "childcare": 1}


def test_budget_max_projects(agenda):
    q = agenda.question("pb").model_copy(update={"budget": 1000, "max_projects": 2})
    with pytest.raises(WorkshopError, match="at most 2 projects"):
        validate_ballot(q, ["p1", "p2", "p3"])
