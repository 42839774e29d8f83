"""Benchmark: workshop vote commits and live aggregation + chart, 500 participants.

Ours: :class:`quartiere.workshop.WorkshopStore` (SQLite WAL, one durable transaction per vote
with its audit row, ``synchronous=FULL``), then live results + altair chart rendered to SVG for
a dots question and the greedy / Equal Shares comparison for a budget question.
Baseline: appending the same votes, one line per vote, to a CSV file (open, append, close; no
fsync, no validation, no audit), then pandas ``read_csv`` + ``groupby`` and the same charts.

Prints latency p50/p99 per vote and the totals; ends with ``ratio: N`` = baseline total time /
our total time (>1 means we are faster). Run: ``.venv/bin/python benchmarks/bench_workshop.py``.
"""

from __future__ import annotations

import csv
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from quartiere.workshop import WorkshopStore, parse_agenda
from quartiere.workshop.aggregate import aggregate, budget_comparison, question_results
from quartiere.workshop.budget import compare_budget_rules
from quartiere.workshop.charts import budget_chart, chart_svg, results_chart

N = 500
SEED = 20261128
NEEDS = ["casa", "nidi", "adi", "isolamento", "trasporti", "assistenti_sociali", "lingua"]
COSTS = [90000, 70000, 80000, 60000, 50000, 40000, 30000, 25000]
AGENDA = {
    "id": "bench",
    "title": "Benchmark",
    "questions": [
        {"id": "needs", "type": "dots", "text": "Needs", "dots": 5,
         "options": [{"id": k, "label": k} for k in NEEDS]},
        {"id": "pb", "type": "budget", "text": "Budget", "budget": 200000, "max_projects": 4,
         "options": [{"id": f"p{i}", "label": f"Project {i}", "cost": c}
                     for i, c in enumerate(COSTS)]},
    ],
}  # fmt: skip


def make_votes(rng: np.random.Generator) -> list[tuple[int, str, dict]]:
    votes = []
    for p in range(N):
        pts = rng.multinomial(5, rng.dirichlet(np.ones(len(NEEDS))))
        votes.append((p, "needs", {k: int(x) for k, x in zip(NEEDS, pts, strict=True) if x}))
        chosen, spent = [], 0
        for j in rng.permutation(len(COSTS)):
            if rng.random() < 0.5 and spent + COSTS[j] <= 200000 and len(chosen) < 4:
                chosen.append(f"p{j}")
                spent += COSTS[j]
        votes.append((p, "pb", chosen or ["p7"]))
    return votes


def ours(folder: Path, votes) -> dict[str, float]:
    store = WorkshopStore(folder / "bench.sqlite")
    store.create_workshop(parse_agenda(AGENDA))
    codes = store.issue_codes("bench", N, seed=1)
    pids = [store.join("bench", c) for c in codes]
    for q in ("needs", "pb"):
        store.open_question("bench", q)
    lat = []
    for p, q, value in votes:
        t = time.perf_counter()
        store.cast("bench", q, pids[p], value)
        lat.append(time.perf_counter() - t)
    t = time.perf_counter()
    res = question_results(store, "bench", "needs")
    chart_svg(results_chart(res, big=True))
    side = budget_comparison(store, "bench", "pb")
    chart_svg(budget_chart(side, big=True))
    agg = time.perf_counter() - t
    store.close()
    return {"lat": np.array(lat), "agg": agg, "needs": res, "side": side}


def baseline(folder: Path, votes) -> dict[str, float]:
    path = folder / "votes.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerow(["participant", "question", "payload"])
    lat = []
    for p, q, value in votes:
        t = time.perf_counter()
        with open(path, "a", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerow([p, q, json.dumps(value)])
        lat.append(time.perf_counter() - t)
    t = time.perf_counter()
    raw = pd.read_csv(path)
    raw = raw.drop_duplicates(["participant", "question"], keep="last")
    rows = [
        (i, r.question, opt, val)
        for i, r in enumerate(raw.itertuples())
        for opt, val in (
            json.loads(r.payload).items()
            if r.payload.startswith("{")
            else ((o, 1) for o in json.loads(r.payload))
        )
    ]
    long = pd.DataFrame(rows, columns=["ballot", "question", "option", "value"])
    agenda = parse_agenda(AGENDA)
    res = aggregate(agenda.question("needs"), long[long["question"] == "needs"])
    chart_svg(results_chart(res, big=True))
    pb = long[long["question"] == "pb"]
    projects = pd.DataFrame({"project": [f"p{i}" for i in range(len(COSTS))], "cost": COSTS})
    side = compare_budget_rules(
        projects, pb.rename(columns={"ballot": "voter", "option": "project"}), budget=200000
    )
    chart_svg(budget_chart(side, big=True))
    agg = time.perf_counter() - t
    return {"lat": np.array(lat), "agg": agg, "needs": res, "side": side}


def main() -> None:
    votes = make_votes(np.random.default_rng(SEED))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        chart_svg(results_chart(pd.DataFrame({"label": ["x"], "estimate": [1.0], "n": [1]})))
        o = ours(folder, votes)
        b = baseline(folder, votes)
    same = np.allclose(o["needs"]["estimate"], b["needs"]["estimate"]) and (
        o["side"]["equal_shares"].tolist() == b["side"]["equal_shares"].tolist()
    )
    print(f"participants: {N}, votes: {len(votes)} (dots + budget question)")
    for name, r in (
        ("quartiere (SQLite WAL, FULL sync, audit)", o),
        ("baseline (CSV append, no fsync)", b),
    ):
        lat = r["lat"] * 1000
        print(
            f"{name}: vote latency p50 {np.percentile(lat, 50):.3f} ms, "
            f"p99 {np.percentile(lat, 99):.3f} ms, all votes {lat.sum() / 1000:.3f} s; "
            f"aggregation + 2 charts {r['agg']:.3f} s"
        )
    print(f"same results: {same}")
    ours_total = o["lat"].sum() + o["agg"]
    base_total = b["lat"].sum() + b["agg"]
    print(f"total: quartiere {ours_total:.3f} s, baseline {base_total:.3f} s")
    print(f"ratio: {base_total / ours_total:.2f}")


if __name__ == "__main__":
    main()
