"""The shipped sample workshop: up to date with its generator, and the planted signals."""

from __future__ import annotations

import importlib.util
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from quartiere.io import read_table
from quartiere.workshop import WorkshopStore, load_agenda
from quartiere.workshop.aggregate import budget_comparison, priority_weights, results_by

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample" / "workshop"
W = "val-serena-2026-11"


@pytest.fixture(scope="module")
def store():
    s = WorkshopStore(SAMPLE / "workshop.sqlite", readonly=True)
    yield s
    s.close()


def test_generator_is_deterministic_and_shipped_files_current(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "gen_workshop", ROOT / "data/generators/workshop.py"
    )
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    gen.generate(tmp_path, np.random.default_rng(gen.SEED))
    for name in ("agenda.yml", "priorities.csv", "README.md", "workshop.sqlite"):
        assert (tmp_path / "workshop" / name).read_bytes() == (SAMPLE / name).read_bytes(), name
    assert sum(p.stat().st_size for p in SAMPLE.iterdir()) < 2_000_000


def test_read_only_store_leaves_file_untouched(tmp_path):
    copy = tmp_path / "w.sqlite"
    shutil.copy(SAMPLE / "workshop.sqlite", copy)
    before = copy.read_bytes()
    s = WorkshopStore(copy, readonly=True)
    assert s.n_participants(W) == 56
    s.close()
    assert copy.read_bytes() == before and not (tmp_path / "w.sqlite-wal").exists()


def test_agenda_file_matches_database(store):
    assert load_agenda(SAMPLE / "agenda.yml") == store.agenda(W)


def test_participation_and_paper(store):
    part = store.participation(W).set_index("question")
    assert part.loc["bisogni", "n"] == 60 and part.loc["bisogni", "n_paper"] == 4
    st = store.question_states(W).set_index("question")
    assert (st["state"] == "closed").all()
    assert st.loc["orari", "round"] == 2


def test_budget_rules_disagree_on_montecerro(store):
    side = budget_comparison(store, W, "progetti").set_index("project")
    assert len(side) == 8
    assert side.loc["MON-NAV", "district"] == "Montecerro"
    assert side.loc["MON-NAV", "equal_shares"] and not side.loc["MON-NAV", "greedy"]
    # MON-NAV is the cheapest project and has fewer votes than the greedy winners
    assert side.loc["MON-NAV", "cost"] == side["cost"].min()
    assert side.loc["MON-NAV", "votes"] < side.loc[side["greedy"], "votes"].min()


def test_comments_and_moderation(store):
    c = store.comments(W)
    assert (c["status"] == "rejected").sum() == 3
    xss = c[c["text"].str.contains("<script>", regex=False)]
    assert len(xss) == 1 and xss["status"].iloc[0] == "approved"


def test_priorities_export(store):
    pri = read_table(SAMPLE / "priorities.csv")
    assert list(pri.columns) == ["criterion", "weight"]
    assert np.isclose(pri["weight"].sum(), 1.0, atol=1e-5)
    assert pri.sort_values("weight")["criterion"].iloc[-1] == "equita"
    live = priority_weights(store, W, "criteri")
    assert np.allclose(live["weight"].to_numpy(), pri["weight"].to_numpy(), atol=1e-6)
    raw = (SAMPLE / "priorities.csv").read_bytes()
    assert b";0," in raw  # Italian decimal comma


def test_top_need_by_comune_with_suppression(store):
    r = results_by(store, W, "bisogni", by="comune")
    top = r[~r["suppressed"]].sort_values("estimate").groupby("group").tail(1)
    assert dict(zip(top["group"], top["option"], strict=True)) == {
        "serenella": "assistenti_sociali",
        "borgo_san_rocco": "isolamento",
        "porto_lido": "casa",
        "villafranca": "nidi",
        "montecerro": "assistenza_domiciliare",
    }
    cb = r[r["group"] == "campi_bassi"]
    assert cb["suppressed"].all() and cb["estimate"].isna().all()  # 3 people < 5
    assert r.attrs["n_unlinked"] == 4  # paper ballots carry no participant


def test_codes_never_stored(store):
    con = sqlite3.connect(f"file:{SAMPLE / 'workshop.sqlite'}?mode=ro", uri=True)
    hashes = [h for (h,) in con.execute("SELECT code_hash FROM participants")]
    con.close()
    assert len(hashes) == 66 and all(len(h) == 64 for h in hashes)
