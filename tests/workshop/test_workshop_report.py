"""Report helpers of notebook 04 (quartiere.workshop.report) and the workshop message catalog."""

from __future__ import annotations

import hashlib
import math
import sqlite3
import string
from pathlib import Path

import pandas as pd
import pytest

from quartiere import load_study
from quartiere.errors import WorkshopError
from quartiere.report.i18n import messages, t
from quartiere.workshop import report as wr
from quartiere.workshop.agenda import Question, parse_agenda
from quartiere.workshop.store import WorkshopStore

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
DB = SAMPLE / "workshop" / "workshop.sqlite"


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_workshop_catalog_keys_have_both_languages_and_same_placeholders():
    keys = [k for k in messages() if k.startswith("workshop.")]
    assert len(keys) > 150
    for k in keys:
        entry = messages()[k]
        assert set(entry) == {"it", "en"}, k
        assert _fields(entry["it"]) == _fields(entry["en"]), k
    assert t("workshop.join", "it") == "Entra" and t("workshop.join", "en") == "Join"


def test_widgets_read_the_catalog(store):
    # the app's labels now come from quartiere.report.t (messages/workshop.yml)
    from quartiere.workshop.app import participant_app

    view = participant_app(store, lang="en")
    assert view._join.description == t("workshop.join", "en") == "Join"
    view._lang.value = "it"
    assert view._join.description == "Entra"
    assert view._code.description == t("workshop.join_code", "it")


def _q(qtype: str, n: int = 4, **kw) -> Question:
    opts = [{"id": f"o{i}", "label": f"O{i}", "cost": 10} for i in range(n)]
    return Question(id="q", type=qtype, text="?", options=opts, **kw)


@pytest.mark.parametrize("lang", ["it", "en"])
def test_method_note_states_each_rule(lang):
    # Borda with m options: 1st place m-1 points, 2nd m-2 (de Borda 1781; Saari 1995)
    borda = wr.method_note(_q("ranking", 5), lang)
    assert "Borda" in borda and "5" in borda and "4" in borda and "3" in borda
    assert "0" in borda
    assert "7" in wr.method_note(_q("dots", dots=7), lang)
    single_dot = wr.method_note(_q("dots", dots=3, cumulative=False), lang)
    assert single_dot != wr.method_note(_q("dots", dots=3), lang)
    assert "2" in wr.method_note(_q("approval", max_choices=2), lang)
    rating = wr.method_note(_q("rating", scale_min=1, scale_max=7), lang)
    assert "1" in rating and "7" in rating
    assert "100" in wr.method_note(_q("points"), lang)
    budget = wr.method_note(_q("budget", budget=30, max_projects=2), lang)
    assert "30 €" in budget and "2" in budget
    texts = {
        wr.method_note(_q(k, dots=2, budget=30), lang)
        for k in ("dots", "approval", "ranking", "rating", "points", "budget", "single")
    }
    assert len(texts) == 7  # one explanation per ballot type


def test_load_workshop_is_read_only_and_names_fall_back_to_interviews():
    before = hashlib.sha256(DB.read_bytes()).hexdigest()
    data = wr.load_workshop(load_study(SAMPLE))
    try:
        assert data.store.readonly and data.workshop == "val-serena-2026-11"
        assert data.priorities_question == "criteri"
        assert len(data.names) > 20  # interviews/names.txt of the sample
        with pytest.raises(WorkshopError, match="read-only"):
            data.store.open_question(data.workshop, "orari")
    finally:
        data.store.close()
    assert hashlib.sha256(DB.read_bytes()).hexdigest() == before


def test_load_workshop_missing_database(tmp_path):
    (tmp_path / "study.yml").write_text(
        "title: T\ndistricts: [A]\nworkshop: {db: nowhere.sqlite}\n", encoding="utf-8"
    )
    with pytest.raises(WorkshopError, match="not found"):
        wr.load_workshop(load_study(tmp_path))


@pytest.fixture(scope="module")
def sample():
    data = wr.load_workshop(load_study(SAMPLE))
    yield data
    data.store.close()


def _raw(sql: str):
    con = sqlite3.connect(DB.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_headcount_and_groups_against_raw_sql(sample):
    hc = wr.headcount(sample).set_index("measure")["n"]
    cards = _raw("SELECT COUNT(*), SUM(joined_at IS NULL) FROM participants WHERE kind='card'")[0]
    assert (hc["cards"], hc["unused_cards"]) == cards
    assert hc["comments"] == _raw("SELECT COUNT(*) FROM comments")[0][0]
    groups = wr.group_sizes(sample, "comune").set_index("group")
    raw = dict(
        _raw(
            "SELECT j.key, COUNT(*) FROM ballots b, json_each(b.payload) j "
            "WHERE b.question='comune' GROUP BY j.key"
        )
    )
    assert groups["n"].to_dict() == raw
    total = sum(raw.values())
    # Campi Bassi (3 < 5) suppressed; Villafranca (9), the smallest other group, hidden too
    # so that 60 minus the shown groups does not give Campi Bassi (secondary suppression)
    hidden = {g: bool(groups.loc[g, "secondary"]) for g in groups.index[groups["suppressed"]]}
    assert hidden == {"campi_bassi": False, "villafranca": True}
    for g, n in raw.items():
        share = groups.loc[g, "share"]
        assert math.isnan(share) if g in hidden else share == pytest.approx(n / total)
    tab = wr.groups_table(
        groups.reset_index(), question=sample.question("comune"), lang="it", threshold=5
    )
    shown = tab.to_frame().set_index("Gruppo")
    assert shown.loc["Campi Bassi", "Persone"] == "< 5"
    assert shown.loc["Villafranca", "Persone"] == "—"
    assert "9" not in shown.loc["Villafranca"].tolist()
    assert "riservatezza" in tab._repr_html_()


def test_question_tables_skip_budget_comments_and_the_group_question(sample):
    group = wr.question_tables(sample, lang="en", exclude="comune")
    captions = [item.caption for item in group.items]
    assert captions == [
        q.label("en")
        for q in sample.agenda.questions
        if q.type not in ("budget", "comment") and q.id != "comune"
    ]
    html = group._repr_html_()
    assert html.count("<figure") == len(captions) and "Ratings:" in html


def test_audit_and_resets_against_raw_sql(sample):
    audit = wr.audit_summary(sample, lang="en").set_index("action")
    for action, n in _raw("SELECT action, COUNT(*) FROM audit GROUP BY action"):
        if action in wr.AUDIT_EVENTS:
            assert audit.loc[action, "n"] == n
    res = wr.resets(sample, lang="en")
    assert res[["question", "round", "discarded_ballots"]].values.tolist() == [["orari", 1, 6]]
    html = wr.resets_table(res, lang="en")._repr_html_()
    assert "aperta per errore" in html


# ------------------------------------------------------------------ budget differences
def _pb_store(tmp_path):
    # equalshares.net's introductory example: 10 voters, budget 1000; 7 voters approve
    # a1, a2, a3 (300 each), 3 voters approve b (300). Greedy funds a1, a2, a3 (100 left);
    # Equal Shares gives each voter 100: the 3 b-voters hold 300 and fund b, while the 7
    # a-voters (700) pay for a1 and a2 only (Peters & Skowron 2020; equalshares.net).
    agenda = parse_agenda(
        {
            "id": "pb",
            "title": "PB",
            "questions": [
                {
                    "id": "p",
                    "type": "budget",
                    "text": "Progetti",
                    "budget": 1000,
                    "options": [
                        {"id": "a1", "label": "A1", "cost": 300},
                        {"id": "a2", "label": "A2", "cost": 300},
                        {"id": "a3", "label": "A3", "cost": 300},
                        {"id": "b", "label": "B", "cost": 300, "district": "Montecerro"},
                    ],
                }
            ],
        }
    )
    store = WorkshopStore(tmp_path / "pb.sqlite", durable=False)
    store.create_workshop(agenda)
    store.open_question("pb", "p")
    for _ in range(7):
        store.cast("pb", "p", store.new_participant("pb"), ["a1", "a2", "a3"])
    for _ in range(3):
        store.cast("pb", "p", store.new_participant("pb"), ["b"])
    return wr.WorkshopData(store, "pb", agenda)


def test_budget_differences_explain_the_equal_shares_example(tmp_path):
    data = _pb_store(tmp_path)
    try:
        out = wr.budget_outcome(data, "p", completion="none")
        assert out.greedy_selected == ("a1", "a2", "a3")
        assert set(out.equal_shares_selected) == {"a1", "a2", "b"}
        assert out.unspent("greedy") == 100 and out.unspent("equal_shares") == 100
        diff = wr.budget_differences(out, data, lang="en").set_index("project")
        assert sorted(diff.index) == ["a3", "b"]
        # b: 4th of 4 by votes; greedy had 1000 - 900 = 100 left; 3 x 100 = 300 pooled
        assert diff.loc["b", "position"] == 4 and diff.loc["b", "greedy_left"] == 100
        assert diff.loc["b", "share"] == 100 and diff.loc["b", "pool"] == 300
        assert "300 €" in diff.loc["b", "why"] and "100 €" in diff.loc["b", "why"]
        # a3: its 7 supporters all chose a1, funded first by Equal Shares
        assert diff.loc["a3", "other"] == "a1" and diff.loc["a3", "overlap"] == 7
        assert "'A1'" in diff.loc["a3", "why"]
        tab = wr.budget_table(out, data, lang="it").to_frame()
        assert tab.iloc[-1].tolist()[-2:] == ["—", "finanziato (3º)"]
    finally:
        data.store.close()


# ------------------------------------------------------------------ comments
def test_public_comments_only_approved_pseudonymized_and_escaped(tmp_path):
    agenda = parse_agenda(
        {"id": "c", "title": "C", "questions": [{"id": "talk", "type": "comment", "text": "?"}]}
    )
    store = WorkshopStore(tmp_path / "c.sqlite", durable=False)
    store.create_workshop(agenda)
    p = store.new_participant("c")
    ok1 = store.add_comment(
        "c", p, "Maria Rossi dice: chiamate il 333 123 4567 <script>x()</script>"
    )
    ok2 = store.add_comment("c", p, "Scrivete a maria.rossi@example.org")
    no = store.add_comment("c", p, "Vendo bicicletta")
    store.add_comment("c", p, "in attesa")
    store.moderate("c", ok1, "approved")
    store.moderate("c", ok2, "approved")
    store.moderate("c", no, "rejected")
    data = wr.WorkshopData(store, "c", agenda, names=("Maria Rossi",))
    try:
        c = wr.public_comments(data, lang="it")
        assert c["comment"].tolist() == [ok1, ok2]
        assert "participant" not in c.columns
        assert c["text"].tolist() == [
            "[Persona 1] dice: chiamate il [telefono 1] <script>x()</script>",
            "Scrivete a [email 1]",
        ]
        assert c.attrs["counts"] == {
            "received": 4, "approved": 2, "rejected": 1, "pending": 1, "replaced": 3,
        }  # fmt: skip
        html = wr.comments_table(c, lang="en")._repr_html_()
        assert "&lt;script&gt;x()&lt;/script&gt;" in html and "<script>" not in html
        assert "Vendo" not in html and "in attesa" not in html
        assert "2 comments approved of 4 received" in html
    finally:
        store.close()


def test_priorities_table_uses_option_labels(sample):
    from quartiere.workshop import priority_weights

    w = priority_weights(sample.store, sample.workshop, "criteri")
    shown = wr.priorities_table(w, sample, "criteri", lang="it").to_frame()
    assert shown.iloc[0].tolist() == ["Prima chi ha meno servizi", "33,2%", "199", "equita"]
    assert pd.Series(w["weight"]).sum() == pytest.approx(1.0)


def test_load_workshop_resolves_db_through_files(tmp_path):
    import shutil

    shutil.copy(DB, tmp_path / "session.sqlite")
    (tmp_path / "study.yml").write_text(
        "title: T\ndistricts: [A]\nfiles: {workshop_db: session.sqlite}\n"
        "privacy: {threshold: 10}\nworkshop: {db: workshop_db}\n",
        encoding="utf-8",
    )
    data = wr.load_workshop(load_study(tmp_path))
    try:
        assert data.store.path.name == "session.sqlite" and data.threshold == 10
        assert data.names == ()  # no names list configured
        groups = wr.group_sizes(data, "comune")
        # threshold 10: Villafranca (9) and Campi Bassi (3) are suppressed too
        assert sorted(groups.loc[groups["suppressed"], "group"]) == ["campi_bassi", "villafranca"]
    finally:
        data.store.close()
