"""Benchmark: raking 1,000,000 respondents to 4 margins, Quartiere vs weightipy.

Both rake the same synthetic data (4 variables with 6, 2, 4 and 5 categories, skewed
against their population margins) to full convergence; weightipy's weights have mean 1, so
ours are rescaled to mean 1 before comparing. Two runs: columns as pandas categoricals (what
``validate_survey`` returns, so what the notebook rakes) and as plain text columns (where
hashing a million strings per column dominates our time). Prints times, cycles and the
largest weight difference, and ends with ``ratio: N`` (weightipy time / our time) for the
categorical run.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import weightipy as wp

from quartiere.survey import rake

N = 1_000_000


def make_data(rng: np.random.Generator) -> tuple[pd.DataFrame, dict]:
    data = pd.DataFrame(
        {
            "comune": rng.choice(
                ["Serenella", "Borgo San Rocco", "Porto Lido", "Villafranca", "Montecerro",
                 "Campi Bassi"],
                N,
                p=[0.38, 0.2, 0.16, 0.12, 0.08, 0.06],
            ),
            "sesso": rng.choice(["Donna", "Uomo"], N, p=[0.62, 0.38]),
            "classe_eta": rng.choice(["18-34", "35-49", "50-64", "65+"], N,
                                     p=[0.12, 0.2, 0.3, 0.38]),
            "istruzione": rng.choice(["nessuno", "media", "diploma", "laurea", "altro"], N,
                                     p=[0.08, 0.27, 0.35, 0.25, 0.05]),
        }
    )  # fmt: skip
    margins = {
        "comune": {"Serenella": 37945, "Borgo San Rocco": 16090, "Porto Lido": 13744,
                   "Villafranca": 10912, "Montecerro": 6038, "Campi Bassi": 4932},
        "sesso": {"Donna": 51.3, "Uomo": 48.7},
        "classe_eta": {"18-34": 22.0, "35-49": 25.0, "50-64": 27.0, "65+": 26.0},
        "istruzione": {"nessuno": 12.0, "media": 33.0, "diploma": 34.0, "laurea": 18.0,
                       "altro": 3.0},
    }  # fmt: skip
    # shares for every margin (weightipy normalises each margin to 100 anyway)
    total = sum(margins["comune"].values())
    margins["comune"] = {k: 100 * v / total for k, v in margins["comune"].items()}
    return data, margins


def _run(data: pd.DataFrame, margins: dict, label: str) -> float:
    t0 = time.perf_counter()
    ours = rake(data, margins, tol=1e-12, max_iter=1000)
    t_ours = time.perf_counter() - t0
    scheme = wp.scheme_from_dict(margins, rim_params={"convcrit": 0.0, "max_iterations": 1000})
    t0 = time.perf_counter()
    theirs = wp.weight(data, scheme)
    t_theirs = time.perf_counter() - t0
    diff = np.max(np.abs(ours.to_numpy() / ours.mean() - theirs.to_numpy()))
    print(
        f"[{label}] quartiere.survey.rake {t_ours:.3f} s ({ours.attrs['iterations']} cycles, "
        f"max margin error {ours.attrs['max_margin_error']:.1e}); "
        f"weightipy {wp.__version__} {t_theirs:.3f} s; ratio {t_theirs / t_ours:.1f}; "
        f"max weight difference {diff:.2e}"
    )
    if diff > 1e-8:
        raise SystemExit(f"weights disagree: {diff}")
    return t_theirs / t_ours


def main() -> None:
    rng = np.random.default_rng(20261128)
    data, margins = make_data(rng)
    print(f"rows: {len(data):,}  margins: {len(margins)} "
          f"({', '.join(f'{k} {len(v)}' for k, v in margins.items())})")  # fmt: skip
    _run(data, margins, "text columns")
    categorical = data.astype("category")
    ratio = _run(categorical, margins, "categorical columns")
    print(f"ratio: {ratio:.1f}")


if __name__ == "__main__":
    main()
