"""``quartiere new-study NAME``: a study folder to fill in, modelled on the sample study.

The new folder ``data/NAME/`` gets a commented ``study.yml`` (the sample's, with title,
area and districts to replace), an empty template of every input file the notebooks read
(the sample's columns, sheets and dialect: Italian CSV with ``;`` in Windows-1252, xlsx
with the same sheets, header row only), empty files for databases (the workshop app fills
its SQLite file), the sample's instruments that are configuration rather than data (the
survey form, the workshop agenda) and a README listing what to fill in. No sample data is
copied. ``load_study`` accepts the folder as it is; ``quartiere run`` then stops on the first
empty file of each notebook with a one-line error naming it.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from quartiere.errors import ParameterError, SchemaError

__all__ = ["NewStudy", "new_study", "TEMPLATE_ENCODING"]

TEMPLATE_ENCODING = "cp1252"
#: inputs copied whole: they define instruments (questions, agenda), not collected data
_COPY = {"survey_xlsform"}
#: other shapes of the same data the notebooks can read instead: left out of a new study
_SKIP = {"survey_sav", "survey_kobo"}
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{1,60}$")


@dataclass(frozen=True)
class NewStudy:
    """What :func:`new_study` wrote.

    Attributes
    ----------
    root : Path
        The new study folder.
    files : tuple of Path
        Every file written, relative to ``root``.
    """

    root: Path
    files: tuple[Path, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row per file: ``path``, ``kind`` (``study``, ``template``, ``copy``, ``readme``)."""
        kinds = []
        for f in self.files:
            if f.name == "study.yml":
                kinds.append("study")
            elif f.name == "README.md":
                kinds.append("readme")
            elif f.suffix in {".yml", ".txt"} or f.name == "xlsform.xlsx":
                kinds.append("copy")
            else:
                kinds.append("template")
        return pd.DataFrame({"path": [str(f) for f in self.files], "kind": kinds})


def _header_only_csv(src: Path, dst: Path) -> list[str]:
    raw = src.read_bytes()
    for enc in ("utf-8-sig", "cp1252"):
        try:
            first = raw.decode(enc).splitlines()[0]
            break
        except (UnicodeDecodeError, IndexError):
            continue
    else:  # pragma: no cover
        first = ""
    sep = ";" if ";" in first else ("\t" if "\t" in first else ",")
    columns = [c.strip() for c in first.split(sep)]
    dst.parent.mkdir(parents=True, exist_ok=True)
    with open(dst, "w", encoding=TEMPLATE_ENCODING, newline="") as fh:
        fh.write(";".join(columns) + "\r\n")
    return columns


def _header_only_xlsx(src: Path, dst: Path) -> dict[str, list[str]]:
    import openpyxl

    wb = openpyxl.load_workbook(src, read_only=True)
    out = openpyxl.Workbook()
    out.remove(out.active)
    sheets = {}
    for ws in wb.worksheets:
        header = next(ws.iter_rows(max_row=1, values_only=True), ())
        cols = [str(c) for c in header if c is not None]
        new = out.create_sheet(ws.title)
        new.append(cols)
        sheets[ws.title] = cols
    wb.close()
    dst.parent.mkdir(parents=True, exist_ok=True)
    out.save(dst)
    return sheets


def _study_yml(sample_text: str, title: str, districts: list[str], keep: dict[str, str]) -> str:
    text = sample_text
    text = re.sub(
        r"(?m)^title:.*$", f'title: "{title}"   # FILL IN: shown on every report cover', text
    )
    text = re.sub(
        r"(?m)^area:.*$",
        'area: "Ambito Territoriale Sociale ..."   # FILL IN: the ambito or municipality',
        text,
    )
    block = "\n".join(f"  - {d}" for d in districts)
    text = re.sub(
        r"(?ms)^districts:[^\n]*\n(?:  - [^\n]*\n)+",
        "districts:                   # FILL IN: your comuni, exactly as written in your files\n"
        + block
        + "\n",
        text,
    )
    text = re.sub(
        r"(?m)^(\s+focus_district:)\s*.*$",
        lambda m: f"{m.group(1)} {districts[0]}   # FILL IN: one of the districts",
        text,
    )
    text = re.sub(
        r"(?m)^(\s+comune: \{categories: )\[[^\]]*\]\}",
        lambda m: f"{m.group(1)}[{', '.join(districts)}]}}",
        text,
    )
    lines = []
    in_files = False
    for line in text.splitlines():
        if line.startswith("files:"):
            in_files = True
        elif in_files and line and not line.startswith(" "):
            in_files = False
        if in_files:
            m = re.match(r"^  (\w+):", line)
            if m and m.group(1) not in keep:
                continue
        lines.append(line)
    text = "\n".join(lines) + "\n"
    text = text.replace("interviews/val_serena.qdpx", "interviews")
    text = re.sub(
        r"(?m)^(  corpus: interviews)\s*#.*$",
        r"\1   # the folder with transcripts/ + documents.csv, codebook.csv, segments.csv",
        text,
    )
    header = (
        "# Study configuration created by `quartiere new-study`. Every path is relative to this\n"
        "# folder. Replace the FILL IN values, put your data in the template files (see\n"
        "# README.md), then run `quartiere run --study <this folder>`.\n"
    )
    body = re.sub(r"\A(#[^\n]*\n)+", "", text)
    return header + body


def _readme(name: str, rows: list[tuple[str, str, str]]) -> str:
    lines = [
        f"# Study `{name}`: data to fill in",
        "",
        "Created by `quartiere new-study`. Each file below is an empty template with the columns",
        "the notebooks read (header row only). Fill in your data keeping the column names;",
        "CSV files are Italian-style: `;` separator, decimal comma, Windows-1252 encoding",
        "(Excel's *CSV (separato da punto e virgola)*). The sample study `data/sample` shows",
        "filled-in examples of every file, and `data/README.md` describes each column.",
        "",
        "Until a file is filled in, `quartiere run` stops the notebooks that read it with a",
        "one-line error naming the file.",
        "",
        "| file | key in study.yml | columns / sheets |",
        "|---|---|---|",
    ]
    lines += [f"| `{p}` | `{k}` | {c} |" for p, k, c in rows]
    lines += [
        "",
        "Also: `study.yml` (title, area, districts, the sections of each notebook),",
        "`interviews/transcripts/` (one UTF-8 `.txt` per interview), `interviews/names.txt`",
        "(names to pseudonymize, one per line), `workshop/agenda.yml` (the workshop's",
        "questions; the workshop app creates `workshop/workshop.sqlite` when you run it).",
        "",
    ]
    return "\n".join(lines)


def new_study(
    name: str,
    *,
    data_dir: str | Path | None = None,
    template: str | Path | None = None,
    title: str | None = None,
    districts: list[str] | None = None,
) -> NewStudy:
    """Create ``data/NAME/`` with study.yml, empty input templates and a README.

    Parameters
    ----------
    name : str
        Folder name: lowercase letters, digits, ``-`` and ``_`` (it names the reports folder).
    data_dir : path, optional
        Where to create it (default the repository's ``data/``).
    template : path, optional
        Study whose files give the columns (default ``data/sample``).
    title : str, optional
        Study title (default a placeholder to fill in).
    districts : list of str, optional
        The comuni (default two placeholders to replace).

    Returns
    -------
    NewStudy

    Raises
    ------
    ParameterError
        A bad name, or a folder that already exists (nothing is overwritten).
    SchemaError
        The template study is missing.

    Notes
    -----
    Templates are derived from the template study's own files, so their columns always
    match what the notebooks read: CSV header rows rewritten as ``;``-separated
    Windows-1252, xlsx files with the same sheets and header rows, a GeoJSON with no
    features. Alternative shapes of the survey (``.sav``, KoboToolbox) are left out; the
    survey form (XLSForm) and the workshop agenda are copied as they are, to adapt.

    Examples
    --------
    >>> import tempfile
    >>> made = new_study("ambito-nord", data_dir=tempfile.mkdtemp())
    >>> (made.root / "population.csv").read_text(encoding="cp1252")
    'codice_comune;comune;eta;maschi;femmine;totale\\n'
    """
    from quartiere.study import load_study

    if not _NAME.match(name or ""):
        raise ParameterError(
            f"{name!r}: use lowercase letters, digits, '-' and '_' (e.g. ambito-nord)",
            parameter="name",
        )
    if data_dir is None or template is None:
        from quartiere.pipeline import NOTEBOOKS

        data_dir = data_dir or NOTEBOOKS.parent / "data"
        template = template or NOTEBOOKS.parent / "data" / "sample"
    root = Path(data_dir) / name
    if root.exists():
        raise ParameterError(
            f"{root} already exists; choose another name (nothing was changed)", parameter="name"
        )
    sample = load_study(template)
    keep = {k: str(p.relative_to(sample.root)) for k, p in sample.files.items() if k not in _SKIP}
    root.mkdir(parents=True)
    written: list[Path] = []
    rows: list[tuple[str, str, str]] = []
    try:
        for key, rel in keep.items():
            src, dst = sample.root / rel, root / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            if key in _COPY:
                shutil.copy2(src, dst)
                rows.append((rel, key, "copied from the sample: adapt the questions"))
            elif src.suffix.lower() in {".csv", ".txt", ".tsv"}:
                cols = _header_only_csv(src, dst)
                rows.append((rel, key, ", ".join(f"`{c}`" for c in cols)))
            elif src.suffix.lower() == ".xlsx":
                sheets = _header_only_xlsx(src, dst)
                desc = "; ".join(
                    f"sheet *{s}*: " + ", ".join(f"`{c}`" for c in cols)
                    for s, cols in sheets.items()
                )
                rows.append((rel, key, desc))
            elif src.suffix.lower() in {".geojson", ".json"}:
                dst.write_text(
                    json.dumps({"type": "FeatureCollection", "features": []}) + "\n",
                    encoding="utf-8",
                )
                rows.append((rel, key, "GeoJSON FeatureCollection, one feature per comune"))
            else:  # databases and other binary inputs: an empty file, never sample data
                dst.write_bytes(b"")
                what = (
                    "empty SQLite database: the workshop app records the session in it"
                    if src.suffix.lower() in {".sqlite", ".db"}
                    else f"empty {src.suffix} file: replace it with yours"
                )
                rows.append((rel, key, what))
            written.append(Path(rel))
        # interviews as a folder of transcripts and CSVs
        qual = sample.root / "interviews"
        if qual.is_dir():
            for csv in ("documents.csv", "codebook.csv", "segments.csv"):
                if (qual / csv).exists():
                    cols = _header_only_csv(qual / csv, root / "interviews" / csv)
                    rows.append(
                        (
                            f"interviews/{csv}",
                            "interviews.corpus",
                            ", ".join(f"`{c}`" for c in cols),
                        )
                    )
                    written.append(Path("interviews") / csv)
            (root / "interviews" / "transcripts").mkdir(parents=True, exist_ok=True)
            (root / "interviews" / "names.txt").write_text("", encoding="utf-8")
            written.append(Path("interviews/names.txt"))
        agenda = sample.root / "workshop" / "agenda.yml"
        if agenda.exists():
            (root / "workshop").mkdir(exist_ok=True)
            shutil.copy2(agenda, root / "workshop" / "agenda.yml")
            written.append(Path("workshop/agenda.yml"))
        text = _study_yml(
            sample.config_path.read_text(encoding="utf-8"),
            title or f"{name}: profilo di comunità e Piano di Zona",
            list(districts or ["Comune A", "Comune B"]),
            keep,
        )
        (root / "study.yml").write_text(text, encoding="utf-8")
        written.append(Path("study.yml"))
        (root / "README.md").write_text(_readme(name, rows), encoding="utf-8")
        written.append(Path("README.md"))
        load_study(root)  # what we wrote must load
    except (OSError, SchemaError):
        shutil.rmtree(root, ignore_errors=True)
        raise
    return NewStudy(root, tuple(written))
