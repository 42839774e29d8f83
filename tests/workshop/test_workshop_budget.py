"""Budget rules against pabutools on real pabulib instances and a hand-checked example."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pabutools.election import (
    ApprovalBallot,
    ApprovalProfile,
    Cost_Sat,
    Instance,
    Project,
    parse_pabulib,
)
from pabutools.rules import (
    completion_by_rule_combination,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)
from workshop_testkit import DATA

from quartiere.errors import DataFileError, ParameterError
from quartiere.workshop.budget import budget_equal_shares, budget_greedy, compare_budget_rules
from quartiere.workshop.pabulib import read_pb, write_pb

REAL = ["poland_zabrze_2020_helenka.pb", "poland_warszawa_2018_nadwisle.pb"]  # see data/SOURCES.md


def _ours(name):
    e = read_pb(DATA / name)
    return e, e.projects, e.votes


@pytest.mark.parametrize("name", REAL)
def test_greedy_equals_pabutools_on_real_instances(name):
    # independent reference: pabutools 1.2.3 greedy_utilitarian_welfare with cost satisfaction
    inst, prof = parse_pabulib(str(DATA / name))
    ref = {p.name for p in greedy_utilitarian_welfare(inst, prof, sat_class=Cost_Sat)}
    e, projects, votes = _ours(name)
    assert set(budget_greedy(projects, votes, budget=e.budget).selected) == ref


def test_greedy_equals_city_outcome():
    # independent reference: the city's own result, column `selected` of the pabulib file
    e, projects, votes = _ours("poland_warszawa_2018_nadwisle.pb")
    city = set(e.projects.loc[e.projects["selected"] == "1", "project"])
    assert set(budget_greedy(projects, votes, budget=e.budget).selected) == city


@pytest.mark.parametrize("name", REAL)
def test_equal_shares_equals_pabutools_on_real_instances(name):
    # independent reference: pabutools' own rule calls on the file as pabutools parses it
    inst, prof = parse_pabulib(str(DATA / name))
    ref_mes = {p.name for p in method_of_equal_shares(inst, prof, sat_class=Cost_Sat)}
    greedy = [{"sat_class": Cost_Sat}, {"sat_class": Cost_Sat}]
    rules = [method_of_equal_shares, greedy_utilitarian_welfare]
    ref_greedy = {p.name for p in completion_by_rule_combination(inst, prof, rules, greedy)}
    add1 = [{"sat_class": Cost_Sat, "voter_budget_increment": 1}, {"sat_class": Cost_Sat}]
    ref_add1 = {p.name for p in completion_by_rule_combination(inst, prof, rules, add1)}
    e, projects, votes = _ours(name)
    kw = {"budget": e.budget}
    assert set(budget_equal_shares(projects, votes, completion="none", **kw).selected) == ref_mes
    assert set(budget_equal_shares(projects, votes, completion="greedy", **kw).selected) == (
        ref_greedy
    )
    assert set(budget_equal_shares(projects, votes, **kw).selected) == ref_add1


def test_helenka_rules_disagree_with_unspent_money():
    # Zabrze 2020 Helenka: 314 voters, budget 300000. Each voter holds 300000/314 = 955.41.
    # P0077 (296907) has 186 supporters holding 177707 < cost: Equal Shares cannot fund it;
    # P0012 (36000) has 72 supporters holding 68790 >= cost: funded. Greedy funds P0077 alone.
    e, projects, votes = _ours("poland_zabrze_2020_helenka.pb")
    g = budget_greedy(projects, votes, budget=e.budget)
    m = budget_equal_shares(projects, votes, budget=e.budget, completion="greedy")
    assert g.selected == ("P0077",)
    assert g.unspent == pytest.approx(300000 - 296907)
    assert m.selected == ("P0012", "P0013")
    assert m.unspent == pytest.approx(300000 - 36000 - 250000)
    t = m.to_frame().set_index("project")
    assert t.loc["P0012", "stage"] == "rule" and t.loc["P0013", "stage"] == "completion"
    side = compare_budget_rules(projects, votes, budget=e.budget, completion="greedy")
    assert side.attrs["summary"].set_index("rule")["unspent"].to_dict() == {
        "greedy": pytest.approx(3093.0),
        "equal_shares": pytest.approx(14000.0),
    }


def test_equal_shares_hand_checked_example():
    # Hand-checked example in the style of Peters & Skowron (2020), "Proportionality and the
    # Limits of Welfarism", sec. 1 (70% majority / 30% minority), with the budgeting definition
    # of Peters, Pierczynski & Skowron (2021). 10 voters, budget 1000, so 100 each.
    # Voters 0-6 approve a1, a2, a3 (cost 300 each); voters 7-9 approve b (cost 300).
    # Round 1: a1 costs 300/7 = 42.86 per supporter; b costs 100 per supporter -> a1 (ties
    #   a1/a2/a3 broken lexicographically). Majority left with 57.14 each.
    # Round 2: a2 again 42.86 each (7 x 57.14 = 400 >= 300) -> a2. Majority left 14.29 each.
    # Round 3: a3 unaffordable (7 x 14.29 = 100 < 300); b affordable (3 x 100 = 300) -> b.
    # Equal Shares: {a1, a2, b}, spent 900. Greedy-by-votes: a1, a2, a3 (7 votes each), then b
    # does not fit (100 left): {a1, a2, a3}, spent 900.
    projects = pd.DataFrame({"project": ["a1", "a2", "a3", "b"], "cost": [300.0] * 4})
    votes = pd.DataFrame(
        [(v, p) for v in range(7) for p in ("a1", "a2", "a3")] + [(v, "b") for v in (7, 8, 9)],
        columns=["voter", "project"],
    )
    for completion in ("none", "greedy", "add1"):  # nothing else fits: all three agree
        es = budget_equal_shares(projects, votes, budget=1000, completion=completion)
        assert es.selected == ("a1", "a2", "b")
    assert es.spent == 900.0 and es.unspent == 100.0
    gr = budget_greedy(projects, votes, budget=1000)
    assert gr.selected == ("a1", "a2", "a3")


def test_greedy_matches_pabutools_on_random_instances():
    # independent reference: pabutools greedy on 30 random approval elections (10 projects)
    rng = np.random.default_rng(20261128)
    for _ in range(30):
        costs = rng.integers(5, 60, size=10) * 1000
        projects = pd.DataFrame({"project": [f"p{i:02d}" for i in range(10)], "cost": costs})
        app = rng.random((40, 10)) < rng.uniform(0.1, 0.5, size=10)
        votes = pd.DataFrame(
            [(v, f"p{j:02d}") for v, j in zip(*np.nonzero(app), strict=True)],
            columns=["voter", "project"],
        )
        budget = float(costs.sum() * 0.4)
        objs = {p: Project(p, int(c)) for p, c in zip(projects["project"], costs, strict=True)}
        inst = Instance(objs.values(), budget_limit=int(budget))
        prof = ApprovalProfile(
            [ApprovalBallot({objs[p] for p in g["project"]}) for _, g in votes.groupby("voter")],
            instance=inst,
        )
        ref = {p.name for p in greedy_utilitarian_welfare(inst, prof, sat_class=Cost_Sat)}
        assert set(budget_greedy(projects, votes, budget=budget).selected) == ref


def test_pb_roundtrip_read_by_pabutools(tmp_path):
    e = read_pb(DATA / "poland_warszawa_2018_nadwisle.pb")
    out = write_pb(
        tmp_path / "copy.pb",
        projects=e.projects[["project", "cost", "name"]],
        votes=e.votes,
        budget=e.budget,
        meta={"country": "Poland"},
    )
    inst, prof = parse_pabulib(str(out))  # independent reader
    assert int(inst.budget_limit) == 124744 and len(prof) == 157
    counts = {p.name: sum(p in b for b in prof) for p in inst}
    assert counts == {"970": 128, "2182": 89, "915": 82}  # the `votes` column of the original


def test_pb_cumulative_and_ordinal_write(tmp_path):
    pr = pd.DataFrame({"project": ["a", "b", "c"], "cost": [1, 1, 1]})
    vo = pd.DataFrame({"voter": [1, 1, 2], "project": ["b", "a", "c"], "value": [2, 1, 1]})
    out = write_pb(tmp_path / "o.pb", projects=pr, votes=vo, budget=3, vote_type="ordinal")
    inst, prof = parse_pabulib(str(out))
    assert [p.name for p in prof[0]] == ["a", "b"]
    out = write_pb(tmp_path / "c.pb", projects=pr, votes=vo, budget=3, vote_type="cumulative")
    inst, prof = parse_pabulib(str(out))
    assert {p.name: int(v) for p, v in prof[0].items()} == {"b": 2, "a": 1}


def test_budget_errors(tmp_path):
    pr = pd.DataFrame({"project": ["a", "b"], "cost": [1, 0]})
    vo = pd.DataFrame({"voter": [1], "project": ["a"]})
    with pytest.raises(ParameterError, match="project 'b' has no positive cost"):
        budget_greedy(pr, vo, budget=3)
    with pytest.raises(ParameterError, match="unknown project 'z'"):
        budget_greedy(pr.assign(cost=1), vo.assign(project="z"), budget=3)
    with pytest.raises(ParameterError, match="budget must be a positive number"):
        budget_equal_shares(pr.assign(cost=1), vo, budget=0)
    bad = tmp_path / "bad.pb"
    bad.write_text("META\nkey;value\nbudget;x\nPROJECTS\nproject_id;cost\na;zz\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="bad.pb: not a valid pabulib file"):
        read_pb(bad)
