"""The ``quartiere`` command: thin over the library; every QuartiereError is one line.

``quartiere run``     execute a study's notebooks and render their reports
``quartiere batch``   one report per district (or per point of a parameter grid)
``quartiere params``  show a notebook's declared parameters
``quartiere list``    list the notebooks and the study's settings
``quartiere verify``  re-execute a run from its manifest and compare every result
``quartiere new-study``  create a study folder with empty input templates
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from quartiere.errors import ParameterError, QuartiereError

DEFAULT_STUDY = "data/sample"


def _parse_assignments(items: Sequence[str]) -> dict[str, Any]:
    from quartiere.params import parse_value

    out: dict[str, Any] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ParameterError(f"write -p name=value, got {item!r}", parameter="-p")
        out[name.strip()] = parse_value(value)
    return out


def _default_study() -> str:
    if Path(DEFAULT_STUDY).is_dir():
        return DEFAULT_STUDY
    from quartiere.pipeline import NOTEBOOKS

    return str(NOTEBOOKS.parent / DEFAULT_STUDY)


class _RichProgress:
    """Progress bars per notebook (cells done) driven by pipeline events from worker threads."""

    def __init__(self, console: Any) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[status]}"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self.tasks: dict[str, Any] = {}
        self.lock = threading.Lock()

    def __call__(self, event: str, **info: Any) -> None:
        with self.lock:
            if event == "plan":
                for job in info["jobs"]:
                    import nbformat

                    nb = nbformat.read(job.notebook, as_version=4)
                    total = sum(1 for c in nb.cells if c.cell_type == "code") + 1
                    self.tasks[job.name] = self.progress.add_task(
                        job.name, total=total, status="waiting", start=False
                    )
            elif event == "start":
                task = self.tasks[info["job"].name]
                self.progress.start_task(task)
                self.progress.update(task, status="running")
            elif event == "cell":
                self.progress.update(self.tasks[info["job"].name], completed=info["index"] + 1)
            elif event == "done":
                res = info["result"]
                task = self.tasks[info["job"].name]
                ok = res.status == "ok"
                self.progress.update(
                    task,
                    completed=self.progress.tasks[task].total
                    if ok
                    else self.progress.tasks[task].completed,
                    status="[green]ok[/]" if ok else "[red]failed[/]",
                )
                self.progress.stop_task(task)


def _collect_params(args: argparse.Namespace) -> dict[str, Any]:
    from quartiere.pipeline import read_params_file

    params: dict[str, Any] = {}
    if args.params:
        params.update(read_params_file(args.params))
    params.update(_parse_assignments(args.param))
    return params


def _summary(console: Any, result: Any) -> int:
    from rich.table import Table

    table = Table(title=f"{result.study}: {result.run_id}", show_lines=False)
    labelled = any(r.label for r in result.results)
    for col in ("notebook", "value", "lang", "status", "time", "outputs"):
        if col != "value" or labelled:
            table.add_column(col)
    cwd = Path.cwd()

    def rel(p: Path) -> str:
        try:
            return str(p.relative_to(cwd))
        except ValueError:
            return str(p)

    for r in result.results:
        if r.status != "ok":
            status = "[red]failed[/]"
        else:
            status = "[green]ok[/]" + (" (reused)" if r.reused_from else "")
        kinds = {"html", "pdf", "docx"} if r.status == "ok" else set(r.outputs)
        outs = " ".join(p.name for k, p in r.outputs.items() if k in kinds) or "-"
        cells = [r.notebook, r.label or "", r.lang, status, f"{r.duration:.1f}s", outs]
        table.add_row(*(cells if labelled else cells[:1] + cells[2:]))
    console.print(table)
    for r in result.results:
        if r.error:
            console.print(f"[red]error:[/] {r.error}", highlight=False, soft_wrap=True)
    failed = sum(r.status != "ok" for r in result.results)
    note = f"  ({failed} failed" + (": 'latest' not moved)" if result.run_id[:1].isdigit() else ")")
    console.print(f"reports: {rel(result.run_dir)}" + ("" if result.ok else note))
    console.print(f"index: {rel(result.run_dir / 'index.html')}")
    console.print(f"manifest: {rel(result.manifest)}")
    return 0 if result.ok else 1


def _execute(
    args: argparse.Namespace, plan: Any, run: Any, *positional: Any, **options: Any
) -> int:
    """Validate with ``plan`` (no kernel starts on a bad argument), then ``run`` with progress bars."""
    from rich.console import Console

    console = Console(highlight=False)
    common = {"params": _collect_params(args), "lang": args.lang or None}
    plan(args.study, *positional, **options, **common)
    reporter = _RichProgress(console)
    with reporter.progress:
        result = run(
            args.study,
            *positional,
            **options,
            **common,
            jobs=args.jobs,
            pdf=args.pdf,
            out=args.out,
            progress=reporter,
            force=args.force,
            scheduler=args.scheduler,
        )
    return _summary(console, result)


def _cmd_run(args: argparse.Namespace) -> int:
    from quartiere.pipeline import plan_run, run_study

    return _execute(args, plan_run, run_study, args.notebooks or None)


def _cmd_batch(args: argparse.Namespace) -> int:
    from quartiere.pipeline import plan_batch, read_yaml, run_batch

    grid = read_yaml(args.grid, what="grid", kinds=(dict, list)) if args.grid else None
    return _execute(args, plan_batch, run_batch, args.notebook, over=args.over, grid=grid)


def _cmd_params(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from quartiere.params import params_frame, read_parameters
    from quartiere.pipeline import find_notebooks

    console = Console()
    for path in find_notebooks(args.notebooks):
        frame = params_frame(read_parameters(path))
        table = Table(title=path.stem)
        for col in frame.columns:
            table.add_column(col)
        for row in frame.itertuples(index=False):
            table.add_row(*[str(v) for v in row])
        console.print(table)
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    import nbformat
    from rich.console import Console
    from rich.table import Table

    from quartiere.pipeline import NOTEBOOKS
    from quartiere.study import load_study

    console = Console()
    study = load_study(args.study)
    table = Table(title=f"notebooks ({NOTEBOOKS})")
    table.add_column("notebook")
    table.add_column("title")
    table.add_column("in study.yml")
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        title = ""
        for cell in nb.cells:
            if cell.cell_type == "markdown" and cell.source.lstrip().startswith("# "):
                tags = cell.metadata.get("tags", [])
                if not tags or study.lang in tags:
                    title = cell.source.lstrip()[2:].splitlines()[0]
                    break
        table.add_row(path.stem, title, "yes" if path.stem in study.notebooks else "")
    console.print(table)
    console.print(
        f"study {study.name}: {study.title} · {len(study.districts)} districts · lang {study.lang} · "
        f"privacy threshold {study.threshold}"
    )
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from quartiere.publish.verify import verify_run

    console = Console(highlight=False)
    console.print(f"re-executing the run in {args.run_dir} from its manifest ...")
    res = verify_run(args.run_dir, jobs=args.jobs, keep=args.keep, rtol=args.rtol)
    for key, path, what in res.changed_inputs:
        console.print(f"[red]input {what}:[/] {path} (files.{key}) differs from the run's manifest")
    frame = res.to_frame()
    shown = frame if args.all else frame[frame["status"] != "identical"]
    if len(shown):
        table = Table(title="values that differ" if not args.all else "every value")
        for col in ("notebook", "lang", "name", "status", "old", "new"):
            table.add_column(col)
        for row in shown.itertuples(index=False):
            table.add_row(*["" if v is None else str(v) for v in row])
        console.print(table)
    for name in res.failed:
        console.print(f"[red]failed when re-executed:[/] {name}")
    counts = frame["status"].value_counts().to_dict()
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    if res.rerun_dir is not None:
        console.print(f"re-execution kept in {res.rerun_dir}")
    if res.identical:
        console.print(f"[green]identical[/]: every glued value and table ({summary})")
        return 0
    if res.reproduced:
        console.print(f"[green]reproduced within --rtol {args.rtol:g}[/]: {summary}")
        return 0
    console.print(f"[red]not identical[/]: {summary}")
    return 1


def _cmd_new_study(args: argparse.Namespace) -> int:
    from quartiere.publish.scaffold import new_study

    made = new_study(
        args.name,
        data_dir=args.data_dir,
        title=args.title,
        districts=[d.strip() for d in args.districts.split(",")] if args.districts else None,
    )
    print(f"created {made.root} ({len(made.files)} files)")
    print(
        f"next: edit {made.root / 'study.yml'}, fill in the templates listed in "
        f"{made.root / 'README.md'}, then: quartiere run --study {made.root}"
    )
    return 0


def _cmd_workshop_serve(args: argparse.Namespace) -> int:
    from quartiere.workshop.serve import main as serve_main

    return int(serve_main(args.rest) or 0)


def _execution_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--force",
        action="store_true",
        help="execute even notebooks whose inputs, parameters and code are unchanged",
    )
    parser.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        default=None,
        help="run on a dask.distributed cluster (extra 'dask')",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and documentation)."""
    parser = argparse.ArgumentParser(
        prog="quartiere",
        description="Quartiere: community research and participatory social planning.",
    )
    from quartiere import __version__

    parser.add_argument("--version", action="version", version=f"quartiere {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="execute notebooks of a study and render their reports")
    run.add_argument(
        "notebooks",
        nargs="*",
        metavar="NOTEBOOK",
        help="e.g. 01 or 01-profile-community (default: all)",
    )
    run.add_argument("--study", default=None, help=f"study folder (default {DEFAULT_STUDY})")
    run.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set a parameter (value read as YAML: 5, 0.3, true, text)",
    )
    run.add_argument("--params", metavar="FILE.yml", help="parameters from a YAML file")
    run.add_argument(
        "--lang", action="append", choices=["it", "en"], help="report language; repeat for both"
    )
    run.add_argument(
        "--pdf",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also write PDF (default yes)",
    )
    run.add_argument(
        "--jobs", type=int, default=None, help="notebooks at once (default: CPU count)"
    )
    run.add_argument("--out", default=None, help="reports folder (default reports/)")
    _execution_options(run)
    run.set_defaults(func=_cmd_run)

    batch = sub.add_parser(
        "batch", help="one report per district, or per point of a parameter grid"
    )
    batch.add_argument("notebook", metavar="NOTEBOOK", help="e.g. 01")
    what = batch.add_mutually_exclusive_group(required=True)
    what.add_argument("--over", help="district (or comune), or a parameter with declared choices")
    what.add_argument(
        "--grid",
        metavar="FILE.yml",
        help="{name: [values]} (every combination) or a list of points",
    )
    batch.add_argument("--study", default=None, help=f"study folder (default {DEFAULT_STUDY})")
    batch.add_argument(
        "-p", "--param", action="append", default=[], metavar="NAME=VALUE", help="a fixed parameter"
    )
    batch.add_argument("--params", metavar="FILE.yml", help="fixed parameters from a YAML file")
    batch.add_argument(
        "--lang", action="append", choices=["it", "en"], help="report language; repeat for both"
    )
    batch.add_argument(
        "--pdf", action=argparse.BooleanOptionalAction, default=True, help="also write PDF"
    )
    batch.add_argument(
        "--jobs", type=int, default=None, help="reports at once (default: CPU count)"
    )
    batch.add_argument("--out", default=None, help="reports folder (default reports/)")
    _execution_options(batch)
    batch.set_defaults(func=_cmd_batch)

    params = sub.add_parser("params", help="show the parameters a notebook declares")
    params.add_argument("notebooks", nargs="+", metavar="NOTEBOOK")
    params.set_defaults(func=_cmd_params)

    workshop = sub.add_parser(
        "workshop", help="participatory workshops: serve the participant app to phones"
    )
    wsub = workshop.add_subparsers(dest="workshop_command", required=True, metavar="ACTION")
    serve = wsub.add_parser(
        "serve",
        help="start Voila on the participant notebook (token auth on), print the URL and a QR code",
        add_help=False,
    )
    serve.add_argument("rest", nargs=argparse.REMAINDER)
    serve.set_defaults(func=_cmd_workshop_serve)

    verify = sub.add_parser(
        "verify",
        help="re-execute a run from its manifest and check every result is identical",
    )
    verify.add_argument("run_dir", metavar="RUN_DIR", help="e.g. reports/sample/latest")
    verify.add_argument("--jobs", type=int, default=None, help="notebooks at once")
    verify.add_argument("--all", action="store_true", help="list identical values too")
    verify.add_argument("--keep", action="store_true", help="keep the re-execution's folder")
    verify.add_argument(
        "--rtol",
        type=float,
        default=0.0,
        help="count numbers within this relative difference as 'close' (default 0: exact)",
    )
    verify.set_defaults(func=_cmd_verify)

    new = sub.add_parser(
        "new-study", help="create data/NAME with study.yml, empty input templates and a README"
    )
    new.add_argument("name", metavar="NAME", help="folder name, e.g. ambito-nord")
    new.add_argument("--data-dir", default=None, help="where to create it (default data/)")
    new.add_argument("--title", default=None, help="study title")
    new.add_argument("--districts", default=None, help="comma-separated comuni")
    new.set_defaults(func=_cmd_new_study)

    lst = sub.add_parser("list", help="list notebooks and the study's settings")
    lst.add_argument("--study", default=None, help=f"study folder (default {DEFAULT_STUDY})")
    lst.set_defaults(func=_cmd_list)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``quartiere`` command; returns the exit code.

    Exit codes: 0 success, 1 a notebook failed, 2 a usage or input error (printed as one
    line, no traceback), 130 interrupted.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:2] == ["workshop", "serve"]:  # its own options, parsed by quartiere.workshop.serve
        try:
            from quartiere.workshop.serve import main as serve_main

            return int(serve_main(argv[2:]) or 0)
        except QuartiereError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "study", "unset") is None:
        args.study = _default_study()
    try:
        return int(args.func(args) or 0)
    except QuartiereError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `quartiere params 01 | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
