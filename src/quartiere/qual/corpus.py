"""The coded corpus: documents, a hierarchical codebook and coded segments, validated."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import pandas as pd

from quartiere.errors import CodebookError, DataFileError, ParameterError

__all__ = ["Corpus", "DOCUMENT_COLUMNS", "CODE_COLUMNS", "SEGMENT_COLUMNS"]

DOCUMENT_COLUMNS = ("document", "name", "text")
CODE_COLUMNS = ("code", "name", "parent", "description", "color", "codable")
SEGMENT_COLUMNS = ("segment", "document", "start", "end", "code", "coder", "text", "memo")


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataFileError(
            f"{what} needs column(s) {', '.join(missing)}; found {', '.join(map(str, frame))}",
            column=missing[0],
        )


def _text_or_none(value: Any) -> Any:
    if value is None:
        return None
    try:
        missing = pd.isna(value)
    except (TypeError, ValueError):
        return value
    return None if missing is True else value


def _object_column(values) -> pd.Series:
    return pd.Series([_text_or_none(v) for v in values], dtype=object)


@dataclass(frozen=True, eq=False)
class Corpus:
    """A coded qualitative corpus (documents, codebook, segments), validated on creation.

    Parameters
    ----------
    documents : pandas.DataFrame
        Columns ``document`` (unique id), ``name``, ``text``, plus any attribute columns
        (``district``, ``role``, ``age_band``, ``date`` ...).
    codes : pandas.DataFrame
        Columns ``code`` (unique id), ``name``; optional ``parent`` (id of the parent code, or
        missing for a top-level code), ``description``, ``color`` (``#RRGGBB``) and
        ``codable`` (False for a theme that only groups codes; default True).
    segments : pandas.DataFrame
        Columns ``document``, ``start``, ``end``, ``code``; optional ``segment`` (id, default
        ``s1``, ``s2`` ...), ``coder`` (default ``"coder"``), ``text`` (if given it must equal
        the document's ``text[start:end]``: the proof that offsets are right), ``memo``.
    coders : sequence of str, optional
        The study's coders; a segment by anyone else is an error. Default: the coders found.
    info : mapping, optional
        Provenance (origin software, offset scheme detected on import ...).

    Attributes
    ----------
    documents, codes, segments : pandas.DataFrame
        Validated copies with the columns above in that order (attributes after ``text``);
        ``segments.text`` is always filled from the documents.
    coders : tuple of str
    info : mapping

    Raises
    ------
    DataFileError
        Missing columns, duplicate ids, a segment outside its document (naming document and
        segment), a segment text that differs from the document text at its offsets.
    CodebookError
        A segment's code missing from the codebook, a parent that is not a code, a segment
        on a non-codable theme, or a coder not in ``coders``.

    Notes
    -----
    ``start``/``end`` are Python string indices (Unicode code points, 0-based, end exclusive)
    into ``documents.text`` after any vendor offset mapping (see
    :func:`quartiere.io.qdpx.read_qdpx`). Inputs are copied, never modified.

    Examples
    --------
    >>> import pandas as pd
    >>> docs = pd.DataFrame({"document": ["d1"], "name": ["Intervista 1"],
    ...                      "text": ["Vivo sola da tre anni."], "district": ["Montecerro"]})
    >>> codes = pd.DataFrame({"code": ["sol"], "name": ["Solitudine"]})
    >>> segs = pd.DataFrame({"document": ["d1"], "start": [0], "end": [9], "code": ["sol"]})
    >>> corpus = Corpus(docs, codes, segs)
    >>> corpus.segments.loc[0, "text"]
    'Vivo sola'
    >>> Corpus(docs, codes, segs.assign(end=99))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    quartiere.errors.DataFileError: column end: document d1, segment s1: end 99 is outside...
    """

    documents: pd.DataFrame
    codes: pd.DataFrame
    segments: pd.DataFrame
    coders: tuple[str, ...] | None = None
    info: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        docs = _validate_documents(self.documents)
        codes = _validate_codes(self.codes)
        segs = _validate_segments(self.segments, docs, codes)
        found = tuple(str(c) for c in pd.unique(segs["coder"]))
        if self.coders is None:
            coders = found
        else:
            coders = tuple(str(c) for c in self.coders)
            for row in segs.itertuples(index=False):
                if row.coder not in coders:
                    raise CodebookError(
                        f"document {row.document}, segment {row.segment}: unknown coder "
                        f"{row.coder!r}; add it to the study's coders ({', '.join(coders)})",
                        column="coder",
                    )
        object.__setattr__(self, "documents", docs)
        object.__setattr__(self, "codes", codes)
        object.__setattr__(self, "segments", segs)
        object.__setattr__(self, "coders", coders)
        object.__setattr__(self, "info", MappingProxyType(dict(self.info)))

    @property
    def attributes(self) -> list[str]:
        """Names of the document attribute columns (everything after ``text``)."""
        return [c for c in self.documents.columns if c not in DOCUMENT_COLUMNS]

    def theme_of(self) -> pd.Series:
        """Top-level ancestor (theme) of every code, indexed by code id.

        Returns
        -------
        pandas.Series
            Theme code id per code (a top-level code is its own theme).

        Examples
        --------
        >>> import pandas as pd
        >>> codes = pd.DataFrame({"code": ["iso", "sola"], "name": ["Isolamento", "Sola"],
        ...                       "parent": [None, "iso"]})
        >>> docs = pd.DataFrame({"document": ["d"], "name": ["d"], "text": ["x"]})
        >>> segs = pd.DataFrame(columns=["document", "start", "end", "code"])
        >>> Corpus(docs, codes, segs).theme_of().to_dict()
        {'iso': 'iso', 'sola': 'iso'}
        """
        parent = dict(zip(self.codes["code"], self.codes["parent"], strict=True))
        out = {}
        for code in self.codes["code"]:
            node = code
            while _text_or_none(parent.get(node)) is not None:
                node = parent[node]
            out[code] = node
        return pd.Series(out, name="theme")

    def with_segments(self, segments: pd.DataFrame) -> Corpus:
        """A new corpus with the same documents and codes and other segments."""
        return Corpus(self.documents, self.codes, segments, coders=None, info=dict(self.info))

    def subset(
        self, *, documents: Sequence[str] | None = None, coders: Sequence[str] | None = None
    ) -> Corpus:
        """A new corpus restricted to some documents and/or coders.

        Parameters
        ----------
        documents : sequence of str, optional
            Document ids to keep.
        coders : sequence of str, optional
            Coders whose segments to keep.

        Returns
        -------
        Corpus
        """
        docs = self.documents
        segs = self.segments
        if documents is not None:
            unknown = set(documents) - set(docs["document"])
            if unknown:
                raise ParameterError(
                    f"unknown document {sorted(unknown)[0]!r}", parameter="documents"
                )
            docs = docs[docs["document"].isin(documents)]
            segs = segs[segs["document"].isin(documents)]
        if coders is not None:
            segs = segs[segs["coder"].isin(coders)]
        return Corpus(docs, self.codes, segs, info=dict(self.info))


def _validate_documents(frame: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError("documents must be a pandas DataFrame", parameter="documents")
    _require(frame, DOCUMENT_COLUMNS, "documents")
    docs = frame.copy()
    docs["document"] = docs["document"].astype(str)
    dup = docs["document"][docs["document"].duplicated()]
    if len(dup):
        raise DataFileError(f"document id {dup.iloc[0]!r} is duplicated", column="document")
    bad = docs["text"].map(lambda t: not isinstance(t, str))
    if bad.any():
        raise DataFileError(
            f"document {docs['document'][bad].iloc[0]}: text is missing or not a string",
            column="text",
        )
    docs["name"] = docs["name"].where(docs["name"].notna(), docs["document"]).astype(str)
    order = list(DOCUMENT_COLUMNS) + [c for c in docs.columns if c not in DOCUMENT_COLUMNS]
    return docs[order].reset_index(drop=True)


def _validate_codes(frame: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError("codes must be a pandas DataFrame", parameter="codes")
    _require(frame, ("code", "name"), "codes")
    codes = frame.copy().reset_index(drop=True)
    codes["code"] = codes["code"].astype(str)
    dup = codes["code"][codes["code"].duplicated()]
    if len(dup):
        raise CodebookError(f"code id {dup.iloc[0]!r} is duplicated", column="code")
    for col in ("parent", "description", "color"):
        if col not in codes.columns:
            codes[col] = None
        codes[col] = _object_column(codes[col])
    codes["parent"] = _object_column(None if p is None else str(p) for p in codes["parent"])
    if "codable" not in codes.columns:
        codes["codable"] = True
    codes["codable"] = (
        codes["codable"]
        .map(
            lambda v: (
                True
                if _text_or_none(v) is None
                else str(v).strip().lower() in ("true", "1", "yes", "si", "sì")
            )
        )
        .astype(bool)
    )
    known = set(codes["code"])
    for row in codes.itertuples(index=False):
        if row.parent is not None and row.parent not in known:
            raise CodebookError(
                f"code {row.code}: parent {row.parent!r} is not in the codebook", column="parent"
            )
        if row.color is not None and not _is_color(row.color):
            raise CodebookError(
                f"code {row.code}: colour {row.color!r} is not #RRGGBB", column="color"
            )
    parent = dict(zip(codes["code"], codes["parent"], strict=True))
    for code in codes["code"]:
        seen = {code}
        node = parent[code]
        while node is not None:
            if node in seen:
                raise CodebookError(f"code {code}: its parents form a cycle", column="parent")
            seen.add(node)
            node = parent[node]
    order = list(CODE_COLUMNS) + [c for c in codes.columns if c not in CODE_COLUMNS]
    return codes[order].reset_index(drop=True)


def _is_color(value: str) -> bool:
    import re

    return re.fullmatch(r"#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})", str(value)) is not None


def _validate_segments(
    frame: pd.DataFrame, docs: pd.DataFrame, codes: pd.DataFrame
) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError("segments must be a pandas DataFrame", parameter="segments")
    _require(frame, ("document", "start", "end", "code"), "segments")
    segs = frame.copy().reset_index(drop=True)
    if "segment" not in segs.columns:
        segs["segment"] = [f"s{i + 1}" for i in range(len(segs))]
    segs["segment"] = segs["segment"].astype(str)
    dup = segs["segment"][segs["segment"].duplicated()]
    if len(dup):
        raise DataFileError(f"segment id {dup.iloc[0]!r} is duplicated", column="segment")
    if "coder" not in segs.columns:
        segs["coder"] = "coder"
    segs["coder"] = (
        segs["coder"].astype(object).map(lambda c: "coder" if _text_or_none(c) is None else str(c))
    )
    if "memo" not in segs.columns:
        segs["memo"] = None
    segs["memo"] = _object_column(segs["memo"])
    segs["document"] = segs["document"].astype(str)
    segs["code"] = segs["code"].astype(str)
    given = segs["text"].astype(object) if "text" in segs.columns else None
    texts = dict(zip(docs["document"], docs["text"], strict=True))
    codable = dict(zip(codes["code"], codes["codable"], strict=True))
    starts, ends, out_text = [], [], []
    for i, row in enumerate(segs.itertuples(index=False)):
        where = f"document {row.document}, segment {row.segment}"
        if row.document not in texts:
            raise DataFileError(
                f"{where}: the document is not in the corpus", column="document", row=i + 1
            )
        try:
            start, end = int(row.start), int(row.end)
        except (TypeError, ValueError):
            raise DataFileError(
                f"{where}: start/end must be whole numbers, got {row.start!r}/{row.end!r}",
                column="start",
            ) from None
        text = texts[row.document]
        if start < 0 or start >= end:
            raise DataFileError(
                f"{where}: start {start} must be >= 0 and before end {end}", column="start"
            )
        if end > len(text):
            raise DataFileError(
                f"{where}: end {end} is outside the document ({len(text)} characters); "
                "fix the offsets",
                column="end",
            )
        if row.code not in codable:
            raise CodebookError(
                f"{where}: code {row.code!r} is not in the codebook; add it or fix the segment",
                column="code",
            )
        if not codable[row.code]:
            raise CodebookError(
                f"{where}: code {row.code!r} is a theme (not codable); code a child instead",
                column="code",
            )
        piece = text[start:end]
        if given is not None:
            shown = _text_or_none(given.iloc[i])
            if shown is not None and " ".join(str(shown).split()) != " ".join(piece.split()):
                raise DataFileError(
                    f"{where}: text at {start}-{end} is {piece[:40]!r}, not the given "
                    f"{str(shown)[:40]!r}; the offsets use another convention",
                    column="text",
                )
        starts.append(start)
        ends.append(end)
        out_text.append(piece)
    segs["start"] = pd.Series(starts, dtype="int64")
    segs["end"] = pd.Series(ends, dtype="int64")
    segs["text"] = pd.Series(out_text, dtype=object)
    order = list(SEGMENT_COLUMNS) + [c for c in segs.columns if c not in SEGMENT_COLUMNS]
    return segs[order]
