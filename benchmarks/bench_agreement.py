"""Benchmark: Krippendorff's alpha on 100,000 units x 3 coders, and co-occurrence of 200,000
coded segments.

Ours: ``quartiere.qual.krippendorff_alpha`` (coincidence matrix from one bincount and one matrix
product; closed form at the interval level). Baseline: the ``krippendorff`` package
(``krippendorff.alpha``), the reference implementation in Python, on the same data in the same
run; best of 5 repeats each. Also times ``quartiere.qual.cooccurrence`` (overlap, with
Jaccard and c-coefficient) on a corpus of 200,000 segments (no baseline: the package has none).
Prints details and ends with ``ratio: N`` (baseline time / our time for nominal alpha; > 1 = we
are faster).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from quartiere.qual import Corpus, cooccurrence, krippendorff_alpha

N_UNITS = 100_000
N_CODERS = 3
N_SEGMENTS = 200_000
REPEATS = 5


def best_of(fn, repeats: int = REPEATS) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def reliability_data(rng: np.random.Generator) -> np.ndarray:
    truth = rng.integers(1, 6, N_UNITS)
    data = np.vstack(
        [
            np.where(rng.random(N_UNITS) < 0.8, truth, rng.integers(1, 6, N_UNITS))
            for _ in range(N_CODERS)
        ]
    ).astype(float)
    data[rng.random(data.shape) < 0.1] = np.nan
    return data


def segment_corpus(rng: np.random.Generator) -> Corpus:
    n_docs = 2_000
    doc_len = 20_000
    docs = pd.DataFrame(
        {
            "document": [f"d{i}" for i in range(n_docs)],
            "name": [f"d{i}" for i in range(n_docs)],
            "text": ["x" * doc_len] * n_docs,
        }
    )
    codes = pd.DataFrame(
        {"code": [f"c{i}" for i in range(25)], "name": [f"Code {i}" for i in range(25)]}
    )
    start = rng.integers(0, doc_len - 400, N_SEGMENTS)
    segs = pd.DataFrame(
        {
            "document": np.asarray(docs["document"])[rng.integers(0, n_docs, N_SEGMENTS)],
            "start": start,
            "end": start + rng.integers(20, 400, N_SEGMENTS),
            "code": np.asarray(codes["code"])[rng.integers(0, 25, N_SEGMENTS)],
            "coder": rng.choice(["anna", "marco"], N_SEGMENTS),
        }
    )
    return Corpus(docs, codes, segs)


def main() -> None:
    rng = np.random.default_rng(20261128)
    data = reliability_data(rng)
    print(f"Krippendorff's alpha: {N_UNITS:,} units x {N_CODERS} coders, 5 categories, 10% missing")
    ratios = {}
    krippendorff_alpha(data)  # warm-up both (first-call allocations), not timed
    krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    for level in ("nominal", "ordinal", "interval", "ratio"):
        t_ours, a_ours = best_of(lambda lv=level: krippendorff_alpha(data, level=lv))
        t_base, a_base = best_of(
            lambda lv=level: krippendorff.alpha(reliability_data=data, level_of_measurement=lv)
        )
        ratios[level] = t_base / t_ours
        print(
            f"  {level:9s} ours {t_ours * 1000:8.1f} ms  krippendorff {t_base * 1000:8.1f} ms"
            f"  x{ratios[level]:6.1f}  alpha {a_ours:.6f}  max |diff| {abs(a_ours - a_base):.2e}"
        )
    t0 = time.perf_counter()
    corpus = segment_corpus(rng)
    t_build = time.perf_counter() - t0
    t_co, co = best_of(lambda: cooccurrence(corpus), repeats=3)
    print(
        f"Co-occurrence: {N_SEGMENTS:,} segments in {len(corpus.documents):,} documents, "
        f"2 coders, 25 codes"
    )
    print(
        f"  corpus validation {t_build:.2f} s; cooccurrence(kind='overlap') {t_co:.3f} s; "
        f"{int(co['n'].sum()):,} overlapping pairs in {len(co)} code pairs"
    )
    t_doc, _ = best_of(lambda: cooccurrence(corpus, kind="document"), repeats=3)
    print(f"  cooccurrence(kind='document') {t_doc:.3f} s")
    print(f"ratio: {ratios['nominal']:.1f}")


if __name__ == "__main__":
    main()
