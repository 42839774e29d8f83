"""Plain-file route for coded interviews: transcripts (.txt/.md) plus CSV tables.

Folder layout read by :func:`read_transcripts` and written by :func:`write_transcripts`::

    transcripts/<document>.txt   one UTF-8 file per interview (``.md`` also read)
    documents.csv                document;name;<attributes...>   (optional)
    codebook.csv                 code;name;parent;description;color;codable
    segments.csv                 segment;document;start;end;code;coder;text;memo

CSV files are read with encoding (UTF-8, UTF-8 with BOM, cp1252) and separator (``;``, ``,``,
tab) detection and written as Italian offices exchange them: ``;`` and cp1252 (characters
outside cp1252 fall back to UTF-8 with BOM).
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pandas as pd

from quartiere.errors import DataFileError
from quartiere.qual.corpus import Corpus

__all__ = ["read_transcripts", "write_transcripts", "read_csv_flexible"]


def read_csv_flexible(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a small CSV whatever its encoding (UTF-8/BOM/cp1252) and separator (; , tab).

    Parameters
    ----------
    path : path-like

    Returns
    -------
    pandas.DataFrame
        All columns as strings (missing cells as NaN), header names stripped.

    Raises
    ------
    DataFileError
        Unreadable or undecodable file.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> p = Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = p.write_bytes("code;name\\nsol;Solitudinè\\n".encode("cp1252"))
    >>> read_csv_flexible(p).loc[0, "name"]
    'Solitudinè'
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise DataFileError(f"cannot read: {err.strerror}", path=path) from None
    for enc in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise DataFileError("encoding is neither UTF-8 nor cp1252", path=path)
    first = text.split("\n", 1)[0]
    sep = max((";", ",", "\t"), key=first.count)
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_values=[""]
        )
    except (pd.errors.ParserError, ValueError) as err:
        raise DataFileError(f"not a valid CSV: {err}", path=path) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    text = frame.to_csv(sep=";", index=False, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    try:
        data = text.encode("cp1252")
    except UnicodeEncodeError:
        data = text.encode("utf-8-sig")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def read_transcripts(
    folder: str | os.PathLike[str],
    *,
    segments: str | os.PathLike[str] | None = None,
    codebook: str | os.PathLike[str] | None = None,
    documents: str | os.PathLike[str] | None = None,
    coders: tuple[str, ...] | None = None,
) -> Corpus:
    """Read transcripts from ``.txt``/``.md`` files plus optional CSV tables into a Corpus.

    Parameters
    ----------
    folder : path-like
        Folder with one transcript per file; the file stem is the document id. If it holds a
        ``transcripts/`` subfolder, that is used, and ``documents.csv``, ``codebook.csv``,
        ``segments.csv`` next to it are picked up when the arguments below are not given.
    segments : path-like, optional
        Segments CSV: ``document``, ``code``, and either ``start``/``end`` (Python indices
        into the text with line breaks as ``\\n``) or ``text`` (the quote, located in the
        document); optional ``segment``, ``coder``, ``memo``. When both are given, ``text``
        must match the offsets.
    codebook : path-like, optional
        Codebook CSV (``code``, ``name``, ``parent``, ``description``, ``color``,
        ``codable``) or a REFI-QDA ``.qdc`` file. Default: codes named in ``segments``.
    documents : path-like, optional
        Attributes CSV with a ``document`` column (file stem), optional ``name`` and any
        attribute columns.
    coders : tuple of str, optional
        The study's coders (a segment by another coder is an error).

    Returns
    -------
    Corpus

    Raises
    ------
    DataFileError
        Missing folder/files, a quote not found in its document, or a row naming an unknown
        document (messages name the file and row).
    CodebookError
        A segment's code not in the codebook.

    Notes
    -----
    Transcripts are read as UTF-8 (BOM allowed; cp1252 as a fallback) with universal
    newlines, so ``\\r\\n`` counts as one character. A quote given without offsets is matched
    to its first occurrence, ignoring differences in whitespace.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "int01.txt").write_text("Abito a Porto Lido. L'affitto è troppo caro.")
    >>> _ = (d / "seg.csv").write_text("document;code;text\\nint01;casa;L'affitto è troppo caro")
    >>> c = read_transcripts(d, segments=d / "seg.csv")
    >>> c.segments.loc[0, ["start", "end"]].tolist()
    [20, 43]
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DataFileError("transcripts folder not found", path=folder)
    base = folder
    if (folder / "transcripts").is_dir():
        base = folder / "transcripts"
        for name, current in (
            ("segments", segments),
            ("codebook", codebook),
            ("documents", documents),
        ):
            candidate = folder / f"{name}.csv"
            if current is None and candidate.exists():
                if name == "segments":
                    segments = candidate
                elif name == "codebook":
                    codebook = candidate
                else:
                    documents = candidate
    files = sorted(p for p in base.iterdir() if p.suffix.lower() in (".txt", ".md"))
    if not files:
        raise DataFileError("no .txt or .md transcripts in the folder", path=base)
    rows = []
    for f in files:
        data = f.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        rows.append({"document": f.stem, "name": f.stem, "text": text})
    docs = pd.DataFrame(rows)
    if documents is not None:
        attrs = read_csv_flexible(documents)
        if "document" not in attrs.columns:
            raise DataFileError("needs a 'document' column", path=documents, column="document")
        unknown = set(attrs["document"]) - set(docs["document"])
        if unknown:
            raise DataFileError(
                f"document {sorted(unknown)[0]!r} has no transcript file", path=documents
            )
        if "name" in attrs.columns:
            docs = docs.drop(columns="name")
        docs = docs.merge(attrs, on="document", how="left")
        docs["name"] = docs["name"].fillna(docs["document"])
    if segments is not None:
        segs = read_csv_flexible(segments)
        for col in ("document", "code"):
            if col not in segs.columns:
                raise DataFileError(f"needs a {col!r} column", path=segments, column=col)
        segs = _locate(segs, docs, segments)
    else:
        segs = pd.DataFrame(columns=["document", "start", "end", "code"])
    if codebook is not None:
        codebook = Path(codebook)
        if codebook.suffix.lower() == ".qdc":
            from quartiere.io.qdpx import read_qdc

            codes = read_qdc(codebook)
        else:
            codes = read_csv_flexible(codebook)
    else:
        used = list(pd.unique(segs["code"].astype(str)))
        codes = pd.DataFrame({"code": used, "name": used})
    try:
        return Corpus(docs, codes, segs, coders=coders)
    except DataFileError as err:
        raise DataFileError(err.message, path=segments, column=err.column) from None


def _locate(segs: pd.DataFrame, docs: pd.DataFrame, path) -> pd.DataFrame:
    import re

    segs = segs.copy()
    texts = dict(zip(docs["document"], docs["text"], strict=True))
    has_offsets = "start" in segs.columns and "end" in segs.columns
    if not has_offsets:
        segs["start"] = None
        segs["end"] = None
    for i in segs.index:
        doc = segs.at[i, "document"]
        if doc not in texts:
            raise DataFileError(
                f"document {doc!r} has no transcript",
                path=path,
                row=int(i) + 1,
                column="document",
            )
        if pd.notna(segs.at[i, "start"]) and pd.notna(segs.at[i, "end"]):
            continue
        quote = segs.at[i, "text"] if "text" in segs.columns else None
        if quote is None or pd.isna(quote):
            raise DataFileError(
                "needs start/end or the quoted text", path=path, row=int(i) + 1, column="start"
            )
        pattern = r"\s+".join(re.escape(w) for w in str(quote).split())
        m = re.search(pattern, texts[doc])
        if m is None:
            raise DataFileError(
                f"quote {str(quote)[:40]!r} not found in document {doc}",
                path=path,
                row=int(i) + 1,
                column="text",
            )
        segs.at[i, "start"] = m.start()
        segs.at[i, "end"] = m.end()
    return segs


def write_transcripts(corpus: Corpus, out_dir: str | os.PathLike[str]) -> None:
    """Write a corpus as plain files: transcripts, documents, codebook and segments CSV.

    Parameters
    ----------
    corpus : Corpus
    out_dir : path-like
        Created if needed; see the module docstring for the layout.

    Returns
    -------
    None

    Notes
    -----
    Transcripts are UTF-8 with ``\\n`` line breaks, so the offsets in ``segments.csv`` are
    valid Python indices; CSVs are ``;``-separated cp1252. :func:`read_transcripts` on the
    folder gives back an equal corpus.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from pathlib import Path
    >>> docs = pd.DataFrame({"document": ["int01"], "name": ["Intervista 1"],
    ...                      "text": ["Casa cara."], "district": ["Porto Lido"]})
    >>> codes = pd.DataFrame({"code": ["casa"], "name": ["Casa"]})
    >>> segs = pd.DataFrame({"document": ["int01"], "start": [0], "end": [9], "code": ["casa"]})
    >>> out = Path(tempfile.mkdtemp())
    >>> write_transcripts(Corpus(docs, codes, segs), out)
    >>> read_transcripts(out).segments.loc[0, "text"]
    'Casa cara'
    """
    out = Path(out_dir)
    (out / "transcripts").mkdir(parents=True, exist_ok=True)
    for row in corpus.documents.itertuples(index=False):
        target = out / "transcripts" / f"{row.document}.txt"
        target.write_text(row.text, encoding="utf-8", newline="\n")
    _write_csv(corpus.documents.drop(columns=["text"]), out / "documents.csv")
    _write_csv(corpus.codes, out / "codebook.csv")
    _write_csv(corpus.segments, out / "segments.csv")
