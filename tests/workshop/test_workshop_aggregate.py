"""Aggregation per ballot type, priorities as weights, exports."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pabutools.election import parse_pabulib

from quartiere.errors import WorkshopError
from quartiere.workshop.agenda import Question
from quartiere.workshop.aggregate import (
    aggregate,
    budget_comparison,
    export_question,
    priority_weights,
    question_results,
    write_priorities,
)


def test_borda_tennessee_example():
    # Reference: Wikipedia "Borda count", Tennessee capital example (100 voters, 4 cities;
    # 3/2/1/0 points): Nashville 194, Chattanooga 173, Memphis 126, Knoxville 107.
    q = Question(
        id="capital",
        type="ranking",
        text="Capital",
        options=[
            {"id": c, "label": c} for c in ("memphis", "nashville", "chattanooga", "knoxville")
        ],
    )
    blocs = [
        (42, ["memphis", "nashville", "chattanooga", "knoxville"]),
        (26, ["nashville", "chattanooga", "knoxville", "memphis"]),
        (15, ["chattanooga", "knoxville", "nashville", "memphis"]),
        (17, ["knoxville", "chattanooga", "nashville", "memphis"]),
    ]
    rows, ballot = [], 0
    for n, order in blocs:
        for _ in range(n):
            ballot += 1
            rows += [(ballot, o, r + 1) for r, o in enumerate(order)]
    b = pd.DataFrame(rows, columns=["ballot", "option", "value"])
    res = aggregate(q, b).set_index("option")
    assert res["estimate"].to_dict() == {
        "memphis": 126.0,
        "nashville": 194.0,
        "chattanooga": 173.0,
        "knoxville": 107.0,
    }
    assert res.loc["nashville", "rank"] == 1 and res.loc["knoxville", "rank"] == 4
    assert res["n"].eq(100).all()


def test_dots_rating_points_and_share(store):
    w = "test-ws"
    ps = [store.new_participant(w) for _ in range(4)]
    for q in ("needs", "rate", "points", "pb"):
        store.open_question(w, q)
    for p, v in zip(
        ps,
        [
            {"housing": 3},
            {"housing": 1, "childcare": 2},
            {"home_care": 1},
            {"housing": 2, "home_care": 1},
        ],
        strict=True,
    ):
        store.cast(w, "needs", p, v)
    store.cast(w, "rate", ps[0], {"s1": 5, "s2": 1})
    store.cast(w, "rate", ps[1], {"s1": 4})
    store.cast(w, "rate", ps[2], {"s1": 3, "s2": 2})
    store.cast(w, "points", ps[0], {"a": 70, "b": 30})
    store.cast(w, "points", None, {"a": 50, "b": 50}, source="paper")
    needs = question_results(store, w, "needs", lang="en").set_index("option")
    # hand count: housing 3+1+2 = 6, childcare 2, home_care 1+1 = 2; 10 dots
    assert needs["estimate"].to_dict() == {"housing": 6.0, "home_care": 2.0, "childcare": 2.0}
    assert needs["n"].to_dict() == {"housing": 3, "home_care": 2, "childcare": 1}
    assert needs.loc["housing", "share"] == pytest.approx(0.6)
    assert needs.loc["home_care", "label"] == "Home care"
    assert list(needs["rank"]) == [1, 2, 2]
    rate = question_results(store, w, "rate").set_index("option")
    # means over raters only: s1 (5+4+3)/3 = 4, s2 (1+2)/2 = 1.5
    assert rate["estimate"].to_dict() == {"s1": 4.0, "s2": 1.5}
    assert rate["share"].isna().all()
    pts = question_results(store, w, "points")
    assert pts.attrs == {"n_ballots": 2, "n_paper": 1, "n_device": 1}
    assert pts.set_index("option")["estimate"].to_dict() == {"a": 120.0, "b": 80.0}
    empty = question_results(store, w, "pb")
    assert empty["estimate"].eq(0).all() and empty["share"].isna().all()
    with pytest.raises(WorkshopError, match="comment questions are not aggregated"):
        question_results(store, w, "talk")


def test_priority_weights_and_csv(store, tmp_path):
    from quartiere.io import read_table

    w = "test-ws"
    store.open_question(w, "needs")
    for v in ({"housing": 3}, {"childcare": 1, "home_care": 2}):
        store.cast(w, "needs", store.new_participant(w), v)
    pw = priority_weights(store, w, "needs")
    assert pw.set_index("criterion")["weight"].to_dict() == pytest.approx(
        {"housing": 0.5, "home_care": 2 / 6, "childcare": 1 / 6}
    )
    path = write_priorities(pw, tmp_path / "priorities.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"criterion;weight\n") and b"0,500000" in raw
    back = read_table(path)
    assert np.isclose(back["weight"].sum(), 1.0)
    with pytest.raises(WorkshopError, match="no answers yet"):
        priority_weights(store, w, "points")


def test_budget_comparison_and_export(store, tmp_path):
    w = "test-ws"
    store.open_question(w, "pb")
    # 3 voters for p1+p3 would break the cap (90 ok); mix so that greedy and ES can be checked
    for v in (["p1", "p3"], ["p1", "p3"], ["p2", "p3"], ["p2"]):
        store.cast(w, "pb", store.new_participant(w), v)
    side = budget_comparison(store, w, "pb").set_index("project")
    # greedy by hand: p3 (3 votes, 30) -> p1 (2 votes, 60; tie with p2 broken by id) -> 90;
    # p2 (50) does not fit.
    assert side["greedy"].to_dict() == {"p1": True, "p2": False, "p3": True}
    assert side.loc["p3", "district"] == "Montecerro"
    paths = export_question(store, w, "pb", tmp_path / "export")
    inst, prof = parse_pabulib(str(paths["pb"]))
    assert len(prof) == 4 and int(inst.budget_limit) == 100
    text = paths["ballots"].read_bytes().decode("cp1252")
    assert text.splitlines()[0] == "ballot;source;option;value"
    assert "participant" not in text
    assert paths["results"].exists()


def test_comment_export_only_approved_and_cp1252(store, tmp_path):
    w = "test-ws"
    store.open_question(w, "talk")
    p = store.new_participant(w)
    store.cast(w, "talk", p, "Più autobus 🚌 per Montecerro")
    store.cast(w, "talk", p, "spam")
    ok, spam = store.comments(w)["comment"]
    store.moderate(w, ok, "approved")
    store.moderate(w, spam, "rejected")
    paths = export_question(store, w, "talk", tmp_path)
    text = paths["comments"].read_bytes().decode("cp1252")
    assert text.splitlines() == ["comment;text", f"{ok};Più autobus ? per Montecerro"]
