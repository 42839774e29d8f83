"""SQLite store: schema, anonymity, audit, state changes, concurrency and crash safety."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from quartiere.errors import WorkshopError
from quartiere.workshop.store import WorkshopStore


def test_pragmas_and_tables(store):
    con = sqlite3.connect(store.path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {
        "workshops",
        "questions",
        "options",
        "participants",
        "ballots",
        "comments",
        "audit",
    } <= tables
    assert store._con.execute("PRAGMA busy_timeout").fetchone()[0] == 30000
    con.close()


def test_codes_are_stored_only_as_hashes(store):
    codes = store.issue_codes("test-ws", 5, seed=3)
    assert len(set(codes)) == 5
    raw = store.path.read_bytes() + store.path.with_name(store.path.name + "-wal").read_bytes()
    for code in codes:
        assert code.encode() not in raw
        assert code.replace("-", "").encode() not in raw
    rows = sqlite3.connect(store.path).execute("SELECT code_hash FROM participants").fetchall()
    assert all(len(r[0]) == 64 for r in rows)
    # case and dash do not matter when typing the code
    assert store.join("test-ws", codes[2].lower().replace("-", "")) == store.join(
        "test-ws", codes[2]
    )
    with pytest.raises(WorkshopError, match="unknown code"):
        store.join("test-ws", "XXXX-XXXX")


def test_vote_change_close_and_audit(store):
    p = store.join("test-ws", store.issue_codes("test-ws", 1, seed=1)[0])
    with pytest.raises(WorkshopError, match="not open yet"):
        store.cast("test-ws", "pick", p, "a")
    store.open_question("test-ws", "pick")
    store.cast("test-ws", "pick", p, "a")
    store.cast("test-ws", "pick", p, "b")  # change of mind while open
    rows = (
        sqlite3.connect(store.path)
        .execute("SELECT participant, payload, revision FROM ballots")
        .fetchall()
    )
    assert rows == [(p, '{"b": 1}', 2)]
    assert store.answer("test-ws", "pick", p) == {"b": 1}
    store.close_question("test-ws", "pick")
    with pytest.raises(WorkshopError, match="question 'pick' is closed"):
        store.cast("test-ws", "pick", p, "a")
    log = store.audit_log("test-ws")
    assert list(log["action"]) == [
        "create_workshop",
        "issue_codes",
        "join",
        "open_question",
        "vote",
        "change_vote",
        "close_question",
    ]
    assert json.loads(log.loc[log["action"] == "change_vote", "detail"].iloc[0]) == {"b": 1}


def test_audit_is_append_only(store):
    con = sqlite3.connect(store.path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("UPDATE audit SET action = 'x'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM audit")


def test_paper_ballots_counted_separately(store):
    p = store.new_participant("test-ws")
    store.open_question("test-ws", "appr")
    store.cast("test-ws", "appr", p, ["a"])
    store.cast("test-ws", "appr", None, ["a", "b"], source="paper")
    store.cast("test-ws", "appr", None, ["b"], source="paper")
    part = store.participation("test-ws").set_index("question").loc["appr"]
    assert (part["n"], part["n_device"], part["n_paper"]) == (3, 1, 2)
    log = store.audit_log("test-ws")
    assert (log["action"] == "paper_ballot").sum() == 2
    assert set(log.loc[log["action"] == "paper_ballot", "actor"]) == {"facilitator"}
    with pytest.raises(WorkshopError, match="join with your card code"):
        store.cast("test-ws", "appr", None, ["a"])


def test_reset_starts_new_round_with_audit(store):
    p = store.new_participant("test-ws")
    store.open_question("test-ws", "pick")
    store.cast("test-ws", "pick", p, "a")
    with pytest.raises(WorkshopError, match="give a reason"):
        store.reset_question("test-ws", "pick", reason=" ")
    assert store.reset_question("test-ws", "pick", reason="wrong options shown") == 2
    assert store.ballots("test-ws", "pick").empty
    assert len(store.ballots("test-ws", "pick", all_rounds=True)) == 1
    assert store.question_state("test-ws", "pick") == {
        "state": "draft",
        "results_visible": False,
        "round": 2,
    }
    entry = store.audit_log("test-ws").iloc[-1]
    assert entry["action"] == "reset_question"
    assert json.loads(entry["detail"]) == {
        "reason": "wrong options shown",
        "discarded_ballots": 1,
        "round": 1,
    }
    store.open_question("test-ws", "pick")
    store.cast("test-ws", "pick", p, "b")
    assert store.answer("test-ws", "pick", p) == {"b": 1}


def test_comments_moderation(store):
    p = store.new_participant("test-ws")
    store.open_question("test-ws", "talk")
    store.cast("test-ws", "talk", p, "<script>alert(1)</script>")
    cid = store.add_comment("test-ws", p, "Più navette per Montecerro")
    assert list(store.comments("test-ws")["status"]) == ["pending", "pending"]
    store.moderate("test-ws", cid, "approved")
    store.moderate("test-ws", cid - 1, "rejected")
    c = store.comments("test-ws", status="approved")
    assert list(c["text"]) == ["Più navette per Montecerro"]
    with pytest.raises(WorkshopError, match="no comment 99"):
        store.moderate("test-ws", 99, "approved")


def test_unknown_workshop_and_question(store, tmp_path):
    with pytest.raises(WorkshopError, match="no workshop 'nope'"):
        store.agenda("nope")
    with pytest.raises(WorkshopError, match="no question 'zzz'"):
        store.open_question("test-ws", "zzz")
    bad = tmp_path / "not.sqlite"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(WorkshopError, match="cannot open the workshop database"):
        WorkshopStore(bad)


# ---------------------------------------------------------------- concurrency (20 x 100)
def _voter(path: str, worker: int, pids: list[int]) -> None:
    s = WorkshopStore(path)
    for i, pid in enumerate(pids):
        s.cast("test-ws", "needs", pid, {"housing": 1 + (worker + i) % 3})
    s.close()


def test_twenty_processes_hundred_votes_each(tmp_path, agenda):
    path = tmp_path / "conc.sqlite"
    s = WorkshopStore(path)
    s.create_workshop(agenda)
    codes = s.issue_codes("test-ws", 2000, seed=7)
    pids = [s.join("test-ws", c) for c in codes]
    s.open_question("test-ws", "needs")
    ctx = mp.get_context("fork")
    procs = [
        ctx.Process(target=_voter, args=(str(path), w, pids[w * 100 : (w + 1) * 100]))
        for w in range(20)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0] * 20
    b = s.ballots("test-ws", "needs")
    assert len(b) == 2000 and b["ballot"].is_unique
    assert sorted(b["participant"]) == sorted(pids)
    expected = sum(1 + (w + i) % 3 for w in range(20) for i in range(100))
    assert b["value"].sum() == expected
    log = s.audit_log("test-ws")
    assert (log["action"] == "vote").sum() == 2000
    s.close()


# ---------------------------------------------------------------- crash (SIGKILL mid-session)
CRASH_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from quartiere.workshop.store import WorkshopStore
    s = WorkshopStore(sys.argv[1])
    pids = [int(x) for x in sys.argv[2].split(",")]
    i = 0
    while True:
        pid = pids[i % len(pids)]
        value = {"housing": 1 + i % 3}
        s.cast("test-ws", "needs", pid, value)
        print(pid, value["housing"], flush=True)  # printed only after the commit returned
        i += 1
        time.sleep(0.002)
    """
)


def test_kill_mid_session_then_resume(tmp_path, agenda):
    path = tmp_path / "crash.sqlite"
    s = WorkshopStore(path)
    s.create_workshop(agenda)
    codes = s.issue_codes("test-ws", 40, seed=11)
    pids = [s.join("test-ws", c) for c in codes]
    s.open_question("test-ws", "needs")
    s.close()
    proc = subprocess.Popen(
        [sys.executable, "-c", CRASH_SCRIPT, str(path), ",".join(map(str, pids))],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    committed: dict[int, int] = {}
    printed = 0

    def take(line: str) -> None:
        nonlocal printed
        pid, val = map(int, line.split())
        committed[pid] = val  # the last printed answer of each participant
        printed += 1

    deadline = time.monotonic() + 60
    while printed < 120 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        take(line)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    for line in proc.stdout.read().splitlines():  # printed before the kill, still buffered
        if line.strip():
            take(line)
    proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    assert printed >= 120 and len(committed) == 40
    s = WorkshopStore(path)  # reopen after the crash: WAL recovery
    b = s.ballots("test-ws", "needs").set_index("participant")
    assert len(b) == 40 and b.index.is_unique
    stored = {int(pid): int(val) for pid, val in b["value"].items()}
    # every printed (= committed) answer is there; at most one participant may hold a newer
    # answer committed after its last print, just before the kill
    mismatches = [pid for pid, val in committed.items() if stored[pid] != val]
    assert len(mismatches) <= 1
    log = s.audit_log("test-ws")
    n_votes = int(log["action"].isin(["vote", "change_vote"]).sum())
    assert printed <= n_votes <= printed + 1
    # the session resumes: same code, previous answer restored, change still possible
    pid0 = s.join("test-ws", codes[0])
    assert s.answer("test-ws", "needs", pid0) == {"housing": stored[pid0]}
    s.cast("test-ws", "needs", pid0, {"childcare": 3})
    assert s.answer("test-ws", "needs", pid0) == {"childcare": 3}
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    s.close()
