"""The naive baseline shared by the pipeline benchmarks: papermill CLI, then nbconvert CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def papermill_then_nbconvert(notebook: Path, executed: Path, params: dict[str, object]) -> None:
    """Execute ``notebook`` with the papermill CLI and render it with ``jupyter nbconvert``."""
    args = [
        str(BIN / "papermill"),
        str(notebook),
        str(executed),
        "--no-progress-bar",
        "-k",
        "python3",
    ]
    for name, value in params.items():
        args += ["-p", name, str(value)]
    subprocess.run(args, check=True, capture_output=True)
    subprocess.run(
        [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
        check=True,
        capture_output=True,
    )
