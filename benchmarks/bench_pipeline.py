"""Benchmark: `quartiere run` on the sample study against the naive papermill + nbconvert CLIs.

Baseline (what a planner would script by hand): for each notebook, sequentially,
``papermill IN OUT -p study ... -p lang it`` then ``jupyter nbconvert --to html --no-input OUT``.
Ours: ``quartiere run --study data/sample --no-pdf`` (same notebooks, same language, HTML only),
which validates parameters up front, runs notebooks in parallel kernels and renders in-process.
Both run here, on the same machine, in the same process tree; the last line is
``ratio: baseline / ours`` (> 1 means Quartiere is faster).

Usage: python benchmarks/bench_pipeline.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _naive import papermill_then_nbconvert  # noqa: E402


def _notebooks() -> list[Path]:
    from quartiere.pipeline import plan_run

    return [job.notebook for job in plan_run(REPO / "data" / "sample")]


def baseline(out: Path) -> float:
    t0 = time.perf_counter()
    study = str(REPO / "data" / "sample")
    for nb in _notebooks():
        papermill_then_nbconvert(nb, out / nb.name, {"study": study, "lang": "it"})
    return time.perf_counter() - t0


def ours(out: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [
            str(BIN / "quartiere"),
            "run",
            "--study",
            str(REPO / "data" / "sample"),
            "--no-pdf",
            "--lang",
            "it",
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    names = [nb.stem for nb in _notebooks()]
    print(f"notebooks: {', '.join(names)} (language it, HTML only)")
    base_t, our_t = [], []
    for i in range(args.repeat):
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            # alternate the order so that caches and load favour neither side
            if i % 2:
                our_t.append(ours(Path(b)))
                base_t.append(baseline(Path(a)))
            else:
                base_t.append(baseline(Path(a)))
                our_t.append(ours(Path(b)))
        print(f"run {i + 1}: baseline {base_t[-1]:.2f} s, quartiere {our_t[-1]:.2f} s")
    b, o = statistics.median(base_t), statistics.median(our_t)
    print(f"baseline (papermill CLI + nbconvert CLI, sequential): median {b:.2f} s")
    print(f"quartiere run (parallel kernels, in-process rendering): median {o:.2f} s")
    print(f"ratio: {b / o:.2f}")


if __name__ == "__main__":
    main()
