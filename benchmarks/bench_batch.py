"""Benchmark: 24 reports of notebook 01 through `quartiere batch` (local, 2 jobs) and through a
dask LocalCluster (2 workers), against the naive baseline, plus the unchanged re-run.

The 24 reports are the grid focus_district (the 6 comuni of the sample) x nido_share
(0.33, 0.45) x language (it, en), HTML only on every side.
Baseline (what one scripts by hand): per report, sequentially, ``papermill`` CLI then
``jupyter nbconvert --to html --no-input`` CLI.
The last line is ``ratio: baseline / quartiere batch local`` (> 1: Quartiere is faster).

Usage: python benchmarks/bench_batch.py [--reports N]   (N <= 24, for a quick look)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STUDY = REPO / "data" / "sample"
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _naive import papermill_then_nbconvert  # noqa: E402


def grid_points(n: int) -> list[tuple[str, float, str]]:
    from quartiere import load_study

    districts = load_study(STUDY).districts
    pts = [(d, s, lang) for lang in ("it", "en") for s in (0.33, 0.45) for d in districts]
    return pts[:n]


def baseline(points, out: Path) -> float:
    nb = REPO / "notebooks" / "01-profile-community.ipynb"
    t0 = time.perf_counter()
    for i, (district, share, lang) in enumerate(points):
        params = {"study": STUDY, "lang": lang, "focus_district": district, "nido_share": share}
        papermill_then_nbconvert(nb, out / f"r{i}.ipynb", params)
    return time.perf_counter() - t0


def ours(points, out: Path, scheduler=None, force: bool = True) -> float:
    from quartiere.pipeline import run_batch

    langs = sorted({p[2] for p in points})
    grid = [{"focus_district": d, "nido_share": s} for d, s, lang in points if lang == langs[0]]
    t0 = time.perf_counter()
    res = run_batch(
        STUDY,
        "01",
        grid=grid,
        lang=langs,
        jobs=2,
        pdf=False,
        out=out,
        force=force,
        scheduler=scheduler,
    )
    elapsed = time.perf_counter() - t0
    if not res.ok:
        raise SystemExit(f"batch failed: {[r.error for r in res.results if r.error]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=24)
    args = parser.parse_args()
    points = grid_points(args.reports)
    print(f"{len(points)} reports of notebook 01 (HTML), 2 cores")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "base").mkdir()
        t_local = ours(points, tmp / "local")
        print(f"quartiere batch, local threads (2 jobs): {t_local:.1f} s")
        t_rerun = ours(points, tmp / "local", force=False)
        print(f"quartiere batch, unchanged re-run (all reused): {t_rerun:.2f} s")
        from distributed import Client, LocalCluster

        with (
            LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster,
            Client(cluster) as client,
        ):
            t_dask = ours(points, tmp / "dask", scheduler=client)
        print(f"quartiere batch, dask LocalCluster (2 workers): {t_dask:.1f} s")
        t_base = baseline(points, tmp / "base")
        print(f"baseline, papermill CLI + nbconvert CLI per report, sequential: {t_base:.1f} s")
    print(f"ratio dask: {t_base / t_dask:.2f}")
    print(f"ratio re-run: {t_base / t_rerun:.1f}")
    print(f"ratio: {t_base / t_local:.2f}")


if __name__ == "__main__":
    main()
