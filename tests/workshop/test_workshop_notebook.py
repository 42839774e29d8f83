"""Notebook 04 end to end: the pipeline runs it in both languages on the sample workshop
database, its glued results equal what the library computes from the same file, comments are
moderated, pseudonymized and escaped, and the shipped database is left byte for byte as it was."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from quartiere.notebook import read_glued
from quartiere.pipeline import run_study
from quartiere.workshop import WorkshopStore, budget_comparison, priority_weights

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
DB = SAMPLE / "workshop" / "workshop.sqlite"
NAME = "04-report-workshop"
WS = "val-serena-2026-11"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def run04(tmp_path_factory):
    before = _sha(DB)
    siblings = sorted(p.name for p in DB.parent.iterdir())
    out = tmp_path_factory.mktemp("reports04")
    result = run_study(SAMPLE, ["04"], lang=["it", "en"], out=out, pdf=True)
    return result, before, siblings


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def _raw(sql: str, *args):
    """Read the shipped file with plain sqlite3 (read-only URI): an independent reference."""
    con = sqlite3.connect(DB.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


@pytest.mark.slow
def test_runs_in_both_languages_and_leaves_the_database_untouched(run04):
    result, before, siblings = run04
    assert result.ok, result.to_frame()[["lang", "status", "error"]].to_string()
    for lang in ("it", "en"):
        for ext in ("ipynb", "html", "pdf"):
            assert (result.run_dir / f"{NAME}.{lang}.{ext}").stat().st_size > 1000
    # opened read-only: same bytes, and no -wal/-shm files left beside it
    assert _sha(DB) == before
    assert sorted(p.name for p in DB.parent.iterdir()) == siblings


@pytest.mark.slow
def test_glued_results_equal_the_library_on_the_same_file(run04):
    result = run04[0]
    glued = read_glued(result.run_dir / f"{NAME}.en.ipynb")
    store = WorkshopStore(DB, readonly=True)
    try:
        comp = budget_comparison(store, WS, "progetti")
        weights = priority_weights(store, WS, "criteri")
    finally:
        store.close()
    summary = comp.attrs["summary"].set_index("rule")
    assert set(glued["greedy_selected"]) == set(comp.loc[comp["greedy"], "project"])
    assert set(glued["equal_shares_selected"]) == set(comp.loc[comp["equal_shares"], "project"])
    assert glued["greedy_unspent"] == summary.loc["greedy", "unspent"]
    assert glued["equal_shares_unspent"] == summary.loc["equal_shares", "unspent"]
    pd.testing.assert_frame_equal(
        glued["priority_weights"].reset_index(drop=True),
        weights.reset_index(drop=True),
        check_dtype=False,
    )
    # SAMPLE.md: Equal Shares funds the small Montecerro shuttle that greedy leaves out
    assert "MON-NAV" in glued["equal_shares_selected"]
    assert "MON-NAV" not in glued["greedy_selected"]
    diff = glued["budget_differences"].set_index("project")
    assert bool(diff.loc["MON-NAV", "equal_shares"]) and not bool(diff.loc["MON-NAV", "greedy"])
    # the shipped export (priorities.csv, what notebook 05 reads) holds the same weights
    shipped = pd.read_csv(SAMPLE / "workshop/priorities.csv", sep=";", decimal=",")
    assert shipped["weight"].round(6).tolist() == weights["weight"].round(6).tolist()
    # SAMPLE.md / workshop README: equity first among the criteria
    assert glued["top_priority"] == "equita"
    # both languages glue the same numbers
    glued_it = read_glued(result.run_dir / f"{NAME}.it.ipynb")
    for key in ("greedy_selected", "equal_shares_selected", "n_participants", "top_priority"):
        assert glued_it[key] == glued[key]


@pytest.mark.slow
def test_greedy_by_hand_from_raw_votes(run04):
    # independent reference: count approvals with SQLite's JSON functions and walk the
    # projects by votes (ties by id), funding each that still fits 200,000 euro
    glued = read_glued(run04[0].run_dir / f"{NAME}.en.ipynb")
    votes = dict(
        _raw(
            "SELECT j.key, COUNT(*) FROM ballots b JOIN questions q ON q.workshop=b.workshop "
            "AND q.question=b.question AND q.round=b.round, json_each(b.payload) j "
            "WHERE b.question='progetti' GROUP BY j.key"
        )
    )
    cost = dict(_raw("SELECT option, cost FROM options WHERE question='progetti'"))
    left, picked = 200000.0, []
    for p in sorted(cost, key=lambda p: (-votes.get(p, 0), p)):
        if cost[p] <= left:
            picked.append(p)
            left -= cost[p]
    assert glued["greedy_selected"] == picked
    assert glued["greedy_unspent"] == left


@pytest.mark.slow
def test_participation_and_small_groups(run04):
    glued = read_glued(run04[0].run_dir / f"{NAME}.it.ipynb")
    joined = _raw("SELECT COUNT(*) FROM participants WHERE joined_at IS NOT NULL")[0][0]
    paper = _raw(
        "SELECT MAX(n) FROM (SELECT COUNT(*) n FROM ballots b JOIN questions q ON "
        "q.workshop=b.workshop AND q.question=b.question AND q.round=b.round "
        "WHERE b.source='paper' GROUP BY b.question)"
    )[0][0]
    assert (glued["n_joined"], glued["n_paper"]) == (joined, paper) == (56, 4)
    assert glued["n_participants"] == joined + paper == 60  # SAMPLE.md: about 60
    groups = glued["groups"].set_index("group")
    # Campi Bassi has 3 participants (workshop README): below the threshold of 5
    assert bool(groups.loc["campi_bassi", "suppressed"])
    assert pd.isna(groups.loc["campi_bassi", "share"])
    # secondary suppression: the smallest other group (Villafranca, 9) is hidden as well,
    # so 60 minus the groups shown leaves two groups together, not Campi Bassi alone
    assert groups.index[groups["suppressed"]].tolist() == ["villafranca", "campi_bassi"]
    assert bool(groups.loc["villafranca", "secondary"])
    for lang in ("it", "en"):
        page = (run04[0].run_dir / f"{NAME}.{lang}.html").read_text(encoding="utf-8")
        assert 'Campi Bassi</td><td class="txt">&lt; 5</td>' in page.replace("\n", "")
    # top need by comune as planted (SAMPLE.md table); Campi Bassi suppressed
    assert glued["top_by_group"] == {
        "serenella": "assistenti_sociali",
        "borgo_san_rocco": "isolamento",
        "porto_lido": "casa",
        "villafranca": "nidi",
        "montecerro": "assistenza_domiciliare",
        "campi_bassi": None,
    }
    # paper ballots counted apart; the reset of 'orari' summarised
    audit = glued["audit"].set_index("action")
    raw_paper = _raw("SELECT COUNT(*) FROM audit WHERE action='paper_ballot'")[0][0]
    assert audit.loc["paper_ballot", "n"] == raw_paper
    assert glued["n_resets"] == 1 and audit.loc["reset_question", "detail_n"] == 6


@pytest.mark.slow
def test_only_approved_comments_pseudonymized_and_escaped(run04):
    result = run04[0]
    rows = _raw("SELECT text, status FROM comments")
    hidden = [text for text, status in rows if status != "approved"]
    assert len(hidden) == 4
    for lang in ("it", "en"):
        page = (result.run_dir / f"{NAME}.{lang}.html").read_text(encoding="utf-8")
        pdf = _pdf_text(result.run_dir / f"{NAME}.{lang}.pdf")
        nb = (result.run_dir / f"{NAME}.{lang}.ipynb").read_text(encoding="utf-8")
        # the XSS attempt is shown as text, never as markup
        assert "Ottima serata &lt;b&gt;grazie&lt;/b&gt;&lt;script&gt;alert(" in page
        assert "<script>alert(" not in page and "<b>grazie</b>" not in page
        shown = [
            "".join(o["data"]["text/html"])
            for c in json.loads(nb)["cells"]
            for o in c.get("outputs", [])
            if "text/html" in o.get("data", {})
        ]
        assert not [h for h in shown if "<script>alert(" in h]
        assert [h for h in shown if "&lt;script&gt;alert(" in h]
        assert "<script>alert('xss')</script>" in pdf.replace("\n", "")
        # rejected and pending comments never reach a report
        for text in hidden:
            assert text not in page and text[:25] not in pdf
        assert "333 000 0000" not in page
        counts = read_glued(result.run_dir / f"{NAME}.{lang}.ipynb")["comments_counts"]
        assert counts == {**counts, "received": 11, "approved": 7, "rejected": 3, "pending": 1}


@pytest.mark.slow
def test_reports_read_in_their_language(run04):
    result = run04[0]
    en = _pdf_text(result.run_dir / f"{NAME}.en.pdf")
    it = _pdf_text(result.run_dir / f"{NAME}.it.pdf")
    en_heads = [
        "Participatory workshop",
        "Who took part",
        "The results, question by question",
        "The participatory budget: two rules compared",
        "Residents' priorities for planning",
        "Comments approved by the facilitator",
        "The activity log",
        "Method of Equal Shares",
        "Why the two rules fund different projects",
    ]
    it_heads = [
        "Laboratorio partecipativo",
        "Chi ha partecipato",
        "I risultati, domanda per domanda",
        "Il bilancio partecipativo: due regole a confronto",
        "Le priorità dei residenti per la pianificazione",
        "Commenti",
        "Il registro delle operazioni",
        "Metodo delle quote uguali",
        "Perché le due regole finanziano progetti diversi",
    ]
    flat_en, flat_it = " ".join(en.split()), " ".join(it.split())
    for head in en_heads:
        assert head in flat_en, head
        assert head not in flat_it, head
    for head in it_heads:
        assert head in flat_it, head
    assert "Who took part" not in flat_it and "Chi ha partecipato" not in flat_en
    # money in the language's format: 15.000 € / 15,000 €
    assert "15.000 €" in flat_it and "15,000 €" in flat_en
