"""Regenerate the whole sample study ``data/sample`` (fictional ambito "Val Serena").

Each part of the study has its own seeded generator in ``data/generators/``; each gets its
own random stream derived from one seed, so regenerating one part leaves the others as
they are. Usage: ``python data/make_sample.py [part ...]``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np

SEED = 20261128
HERE = Path(__file__).resolve().parent
# order matters: later parts read files written by earlier ones (population first)
PARTS = ["profile", "survey", "interviews", "evaluation", "scenarios", "workshop"]


def _load(part: str):
    spec = importlib.util.spec_from_file_location(
        f"_gen_{part}", HERE / "generators" / f"{part}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(parts: list[str]) -> None:
    out = HERE / "sample"
    for i, part in enumerate(PARTS):
        if parts and part not in parts:
            continue
        if not (HERE / "generators" / f"{part}.py").exists():
            continue
        rng = np.random.default_rng([SEED, i])
        _load(part).generate(out, rng)
        print(f"generated {part}")


if __name__ == "__main__":
    main(sys.argv[1:])
