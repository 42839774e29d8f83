"""REFI-QDA project (.qdpx) and codebook (.qdc) import and export.

A ``.qdpx`` is a zip holding ``project.qde`` (XML, namespace ``urn:QDA-XML:project:1.0``) and a
``sources/`` folder with the documents' plain text, referenced as ``internal://GUID.txt``.
Programs disagree on how ``startPosition``/``endPosition`` count characters; the importer
detects the convention (see :func:`read_qdpx`) and maps offsets to Python string indices.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import uuid
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from lxml import etree

from quartiere.errors import CodebookError, DataFileError, ParameterError
from quartiere.qual.corpus import Corpus

__all__ = [
    "read_qdpx",
    "write_qdpx",
    "read_qdc",
    "write_qdc",
    "validate_refi",
    "OFFSET_SCHEMES",
]

NS_PROJECT = "urn:QDA-XML:project:1.0"
NS_CODEBOOK = "urn:QDA-XML:codebook:1.0"
#: Offset conventions the importer recognises.
#: ``codepoint``: Unicode code points over the text file as stored (CRLF = 2), the spec;
#: ``codepoint_lf``: code points with CRLF counted as one character (ATLAS.ti);
#: ``utf16``: UTF-16 code units over the stored text, CRLF = 2 (NVivo);
#: ``utf16_lf``: UTF-16 code units with CRLF as one.
OFFSET_SCHEMES = ("codepoint", "codepoint_lf", "utf16", "utf16_lf")
_GUID = re.compile(
    r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
    r"[0-9a-fA-F]{12}\}?$"
)


def _q(tag: str, ns: str = NS_PROJECT) -> str:
    return f"{{{ns}}}{tag}"


def _local(tag: Any) -> str:
    return tag.split("}", 1)[1] if isinstance(tag, str) and "}" in tag else str(tag)


def _norm_guid(guid: str | None) -> str | None:
    return None if guid is None else guid.strip("{}").lower()


def _prior_scheme(origin: str, qde_name: str) -> str:
    low = origin.lower()
    if "nvivo" in low:
        return "utf16"
    if "atlas" in low or (qde_name.lower() != "project.qde"):
        return "codepoint_lf"
    return "codepoint"


# ------------------------------------------------------------------ offset mapping
class _OffsetMap:
    """Maps vendor offsets in one raw text (as stored) to indices in the normalised text."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.text = raw.replace("\r\n", "\n").replace("\r", "\n")
        n = len(raw)
        chars = (
            np.frombuffer(raw.encode("utf-32-le"), dtype=np.uint32) if n else np.zeros(0, np.uint32)
        )
        is_cr_of_crlf = np.zeros(n, bool)
        if n > 1:
            is_cr_of_crlf[:-1] = (chars[:-1] == 13) & (chars[1:] == 10)
        # raw code point index -> normalised index (CR of CRLF removed)
        removed_before = np.concatenate([[0], np.cumsum(is_cr_of_crlf)])
        self.raw_to_text = np.arange(n + 1) - removed_before
        width16 = np.where(chars > 0xFFFF, 2, 1)
        # unit offsets at every raw code point boundary
        self.bounds = {
            "codepoint": np.arange(n + 1),
            "utf16": np.concatenate([[0], np.cumsum(width16)]),
        }
        keep = ~is_cr_of_crlf  # LF variants: the CR of a CRLF takes no unit
        lf_bounds_cp = np.concatenate([[0], np.cumsum(keep.astype(np.int64))])
        lf_bounds_16 = np.concatenate([[0], np.cumsum(np.where(keep, width16, 0))])
        self.bounds["codepoint_lf"] = lf_bounds_cp
        self.bounds["utf16_lf"] = lf_bounds_16

    def map(self, scheme: str, positions: np.ndarray) -> np.ndarray | None:
        """Normalised-text indices for ``positions``; None if one is out of range or mid-char."""
        b = self.bounds[scheme]
        positions = np.asarray(positions, np.int64)
        if positions.size == 0:
            return positions
        if positions.min() < 0 or positions.max() > b[-1]:
            return None
        # rightmost raw boundary with that unit offset (skips the CR of CRLF in LF schemes)
        idx = np.searchsorted(b, positions, side="right") - 1
        if not np.array_equal(b[idx], positions):
            return None  # points inside a surrogate pair
        return self.raw_to_text[idx]


def _shown(name: str | None) -> str | None:
    """The text a tool stored as the selection's name (a prefix ending in ... or the text)."""
    if not name:
        return None
    s = name.strip()
    for tail in ("...", "\u2026"):
        if s.endswith(tail):
            s = s[: -len(tail)]
    s = " ".join(s.split())
    return s if len(s) >= 3 else None


def _matches(shown: str | None, piece: str) -> bool:
    if shown is None:
        return False
    return " ".join(piece.split()).startswith(shown)


# ------------------------------------------------------------------ reading
def _find_member(names: Iterable[str], wanted: str) -> str | None:
    wanted_low = wanted.lower()
    for n in names:
        if n.lower() == wanted_low:
            return n
    for n in names:
        if n.lower().endswith("/" + wanted_low.rsplit("/", 1)[-1]) and n.lower().startswith(
            "sources/"
        ):
            return n
    return None


def _decode(data: bytes, where: str, path) -> str:
    for enc in ("utf-8-sig", "utf-16"):
        if enc == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise DataFileError(f"{where}: text is neither UTF-8 nor cp1252", path=path) from None


def _source_text(elem, zf: zipfile.ZipFile, base_path: str | None, path) -> str:
    ptc = elem.find(_q("PlainTextContent"))
    if ptc is not None and ptc.text is not None:
        return ptc.text
    ref = elem.get("plainTextPath")
    name = elem.get("name") or elem.get("guid")
    if not ref:
        raise DataFileError(
            f"source {name}: no plainTextPath or PlainTextContent (only text sources are "
            "supported)",
            path=path,
        )
    members = zf.namelist()
    if ref.startswith("internal://"):
        member = _find_member(members, "sources/" + ref[len("internal://") :])
        if member is None:
            raise DataFileError(f"source {name}: {ref} is missing from the archive", path=path)
        return _decode(zf.read(member), f"source {name}", path)
    if ref.startswith(("relative://", "absolute://")):
        rel = (
            ref.split("://", 1)[1].lstrip("/")
            if ref.startswith("relative")
            else ref[len("absolute://") :]
        )
        candidate = (
            Path(base_path or Path(path).parent) / rel if ref.startswith("relative") else Path(rel)
        )
        if not candidate.exists():
            raise DataFileError(f"source {name}: external file {candidate} not found", path=path)
        return _decode(candidate.read_bytes(), f"source {name}", path)
    raise DataFileError(f"source {name}: unsupported path {ref!r}", path=path)


def _codes_from(container, ns: str) -> list[dict]:
    rows: list[dict] = []

    def walk(elem, parent):
        guid = _norm_guid(elem.get("guid"))
        desc = elem.find(f"{{{ns}}}Description")
        rows.append(
            {
                "code": guid,
                "name": elem.get("name"),
                "parent": parent,
                "description": desc.text if desc is not None and desc.text else None,
                "color": elem.get("color"),
                "codable": (elem.get("isCodable") or "true").lower() != "false",
            }
        )
        for child in elem.findall(f"{{{ns}}}Code"):
            walk(child, guid)

    for code in container.findall(f"{{{ns}}}Code"):
        walk(code, None)
    return rows


def _variable_value(vv) -> tuple[str | None, Any]:
    ref = vv.find(_q("VariableRef"))
    target = _norm_guid(ref.get("targetGUID")) if ref is not None else None
    value: Any = None
    for child in vv:
        tag = _local(child.tag)
        if tag.endswith("Value") and child.text is not None:
            text = child.text.strip()
            if tag == "IntegerValue":
                value = int(text)
            elif tag == "FloatValue":
                value = float(text)
            elif tag == "BooleanValue":
                value = text.lower() == "true"
            else:
                value = text
    return target, value


def read_qdpx(path: str | os.PathLike[str], *, offsets: str | None = None) -> Corpus:
    """Read a REFI-QDA project (``.qdpx``) written by NVivo, MAXQDA, ATLAS.ti, QualCoder or us.

    Parameters
    ----------
    path : path-like
        The ``.qdpx`` file.
    offsets : {"codepoint", "codepoint_lf", "utf16", "utf16_lf"}, optional
        Force an offset convention instead of detecting it (see Notes).

    Returns
    -------
    Corpus
        Text sources as documents (``document`` = source GUID, lower case, ``name``; text with
        line breaks normalised to ``\\n``), the codebook (``code`` = GUID; non-codable codes
        become themes), one segment per (selection, coding) with ``coder`` = the user's name
        (or GUID), ``memo`` from the selection's Description. Document attributes come from
        ``VariableValue`` in sources and in cases referring to sources (MAXQDA's and NVivo's
        two ways). ``corpus.info`` holds ``origin``, ``offsets`` (the convention used) and
        ``evidence`` (selections whose stored name confirmed it).

    Raises
    ------
    DataFileError
        Not a zip, no ``.qde``, invalid XML, a missing source file, or offsets that fit no
        convention (the message names the document and selection).

    Notes
    -----
    Detection: for the whole project every convention of ``OFFSET_SCHEMES`` is tried; one is
    ruled out if any selection falls outside its document or inside a character. Among the
    rest, the winner is the one under which most selections start with the text the tool
    stored in the selection's ``name`` (NVivo and MAXQDA store the first words there). With
    no such evidence (or a tie), the origin decides: NVivo = UTF-16 units with CRLF kept,
    ATLAS.ti (also recognised by a ``<Project>.qde`` file name) = code points with CRLF as
    one, others = code points as the standard says. Selections without a ``Coding`` (MAXQDA
    stores comments that way) and codings that point at a ``Case`` (NVivo's case coding) are
    skipped. Only text sources (and PDF text representations) are read.

    References
    ----------
    REFI-QDA Standard 1.5, Project Exchange (https://www.qdasoftware.org), schemas in the
    openqda/refi-tools repository.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from pathlib import Path
    >>> from quartiere.qual import Corpus
    >>> docs = pd.DataFrame({"document": ["d1"], "name": ["Intervista"],
    ...                      "text": ["Vivo sola.\\nNessuno passa."]})
    >>> codes = pd.DataFrame({"code": ["sol"], "name": ["Solitudine"]})
    >>> segs = pd.DataFrame({"document": ["d1"], "start": [11], "end": [25], "code": ["sol"],
    ...                      "coder": ["anna"]})
    >>> out = Path(tempfile.mkdtemp()) / "p.qdpx"
    >>> write_qdpx(Corpus(docs, codes, segs), out)
    >>> read_qdpx(out).segments.loc[0, "text"]
    'Nessuno passa.'
    """
    path = Path(path)
    if offsets is not None and offsets not in OFFSET_SCHEMES:
        raise ParameterError(
            f"offsets must be one of {', '.join(OFFSET_SCHEMES)}", parameter="offsets"
        )
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, FileNotFoundError, IsADirectoryError) as err:
        raise DataFileError(f"not a .qdpx (zip) file: {err}", path=path) from None
    with zf:
        qdes = [n for n in zf.namelist() if n.lower().endswith(".qde") and "/" not in n]
        if not qdes:
            raise DataFileError("no .qde project file in the archive", path=path)
        qde_name = "project.qde" if "project.qde" in qdes else qdes[0]
        try:
            root = etree.fromstring(
                zf.read(qde_name), etree.XMLParser(resolve_entities=False, huge_tree=True)
            )
        except etree.XMLSyntaxError as err:
            raise DataFileError(f"{qde_name} is not valid XML: {err}", path=path) from None
        ns = root.tag.split("}", 1)[0].lstrip("{") if root.tag.startswith("{") else ""
        if not ns.startswith("urn:QDA-XML:project"):
            raise DataFileError(
                f"{qde_name}: root is {root.tag}, not a REFI-QDA Project", path=path
            )
        origin = root.get("origin") or ""
        base_path = root.get("basePath")
        return _parse_project(root, ns, zf, path, origin, qde_name, base_path, offsets)


def _parse_project(root, ns, zf, path, origin, qde_name, base_path, forced) -> Corpus:
    def q(tag):
        return f"{{{ns}}}{tag}"

    users = {}
    for u in root.iter(q("User")):
        users[_norm_guid(u.get("guid"))] = u.get("name") or u.get("id") or u.get("guid")
    codebook = root.find(q("CodeBook"))
    code_rows = []
    if codebook is not None:
        codes_el = codebook.find(q("Codes"))
        if codes_el is not None:
            code_rows = _codes_from(codes_el, ns)
    variables = {}
    for v in root.iter(q("Variable")):
        variables[_norm_guid(v.get("guid"))] = v.get("name")
    attrs: dict[str, dict[str, Any]] = {}

    def set_vars(source_guid, elem):
        for vv in elem.findall(q("VariableValue")):
            target, value = _variable_value(vv)
            name = variables.get(target, target)
            if name is not None:
                attrs.setdefault(source_guid, {})[str(name)] = value

    cases = root.find(q("Cases"))
    case_sources: list[tuple[list[str], Any]] = []
    case_guids: set[str] = set()
    if cases is not None:
        for case in cases.findall(q("Case")):
            case_guids.add(_norm_guid(case.get("guid")))
            refs = [_norm_guid(r.get("targetGUID")) for r in case.findall(q("SourceRef"))]
            if refs:
                case_sources.append((refs, case))
    docs, raw_selections = [], []
    sources = root.find(q("Sources"))
    if sources is None:
        raise DataFileError("the project has no Sources", path=path)
    maps: dict[str, _OffsetMap] = {}
    case_codings = 0
    for src in sources:
        if _local(src.tag) == "PDFSource":
            rep = src.find(q("Representation"))
            if rep is None:
                continue
            guid = _norm_guid(src.get("guid"))
            elem = rep
        elif _local(src.tag) == "TextSource":
            guid = _norm_guid(src.get("guid"))
            elem = src
        else:
            continue
        raw = _source_text(elem, zf, base_path, path)
        maps[guid] = _OffsetMap(raw.lstrip("\ufeff"))
        docs.append({"document": guid, "name": src.get("name") or guid})
        set_vars(guid, src)
        for sel in elem.findall(q("PlainTextSelection")):
            codings = sel.findall(q("Coding"))
            if not codings:
                continue
            desc = sel.find(q("Description"))
            for coding in codings:
                ref = coding.find(q("CodeRef"))
                if ref is not None and _norm_guid(ref.get("targetGUID")) in case_guids:
                    case_codings += 1  # NVivo codes text to cases: not a thematic code
                    continue
                user = _norm_guid(
                    coding.get("creatingUser")
                    or sel.get("creatingUser")
                    or sel.get("modifyingUser")
                )
                raw_selections.append(
                    {
                        "segment": _norm_guid(coding.get("guid")) or _norm_guid(sel.get("guid")),
                        "selection": sel.get("guid"),
                        "document": guid,
                        "raw_start": int(sel.get("startPosition")),
                        "raw_end": int(sel.get("endPosition")),
                        "code": _norm_guid(ref.get("targetGUID")) if ref is not None else None,
                        "coder": users.get(user, user) if user else "coder",
                        "memo": desc.text if desc is not None and desc.text else None,
                        "shown": _shown(sel.get("name")),
                    }
                )
    for refs, case in case_sources:
        for r in refs:
            if r in maps:
                set_vars(r, case)
    # --- choose the offset convention for the project
    sel = pd.DataFrame(raw_selections)
    empty = 0
    if len(sel):
        keep = sel["raw_end"] > sel["raw_start"]
        empty = int((~keep).sum())  # point annotations: nothing to code
        sel = sel[keep].reset_index(drop=True)
    candidates = [forced] if forced else list(OFFSET_SCHEMES)
    results: dict[str, tuple[int, dict]] = {}
    for scheme in candidates:
        mapped = {}
        ok = True
        evidence = 0
        if len(sel):
            for doc, grp in sel.groupby("document", sort=False):
                m = maps[doc]
                s = m.map(scheme, grp["raw_start"].to_numpy())
                e = m.map(scheme, grp["raw_end"].to_numpy())
                if s is None or e is None or (s >= e).any():
                    ok = False
                    break
                mapped[doc] = (s, e)
                for shown, a, b in zip(grp["shown"], s, e, strict=True):
                    evidence += _matches(shown, m.text[a:b])
        if ok:
            results[scheme] = (evidence, mapped)
    if not results:
        # name the first selection that fits no convention under the prior
        prior = forced or _prior_scheme(origin, qde_name)
        for row in sel.itertuples(index=False):
            m = maps[row.document]
            if m.map(prior, np.array([row.raw_start, row.raw_end])) is None:
                doc_name = next(d["name"] for d in docs if d["document"] == row.document)
                raise DataFileError(
                    f"document {doc_name}, selection {row.selection}: positions "
                    f"{row.raw_start}-{row.raw_end} fit no offset convention "
                    f"(text has {len(m.raw)} characters)",
                    path=path,
                )
        raise DataFileError("selection offsets fit no known convention", path=path)
    prior = _prior_scheme(origin, qde_name)
    best = max(
        results,
        key=lambda k: (results[k][0], k == prior, k == "codepoint"),
    )
    evidence, mapped = results[best]
    starts = np.zeros(len(sel), np.int64)
    ends = np.zeros(len(sel), np.int64)
    if len(sel):
        for doc, grp in sel.groupby("document", sort=False):
            s, e = mapped[doc]
            starts[grp.index.to_numpy()] = s
            ends[grp.index.to_numpy()] = e
    documents = pd.DataFrame(docs)
    documents["text"] = documents["document"].map(lambda d: maps[d].text)
    attr_frame = pd.DataFrame.from_dict(attrs, orient="index")
    if not attr_frame.empty:
        attr_frame.index.name = "document"
        documents = documents.merge(attr_frame.reset_index(), on="document", how="left")
    codes = pd.DataFrame(
        code_rows, columns=["code", "name", "parent", "description", "color", "codable"]
    )
    known = set(codes["code"])
    if len(sel):
        unknown = sel[~sel["code"].isin(known)]
        if len(unknown):
            row = unknown.iloc[0]
            raise CodebookError(
                f"document {row['document']}, selection {row['selection']}: code "
                f"{row['code']} is not in the project's codebook",
                path=path,
            )
        segments = pd.DataFrame(
            {
                "segment": sel["segment"],
                "document": sel["document"],
                "start": starts,
                "end": ends,
                "code": sel["code"],
                "coder": sel["coder"],
                "memo": sel["memo"],
            }
        )
        if segments["segment"].duplicated().any():
            segments["segment"] = [f"s{i + 1}" for i in range(len(segments))]
    else:
        segments = pd.DataFrame(columns=["segment", "document", "start", "end", "code", "coder"])
    info = {
        "origin": origin,
        "qde": qde_name,
        "offsets": best,
        "evidence": int(evidence),
        "selections": len(sel),
        "case_codings_skipped": case_codings,
        "empty_selections_skipped": empty,
    }
    return Corpus(documents, codes, segments, info=info)


# ------------------------------------------------------------------ writing
def _guid_for(value: str, namespace: uuid.UUID) -> str:
    text = str(value)
    if _GUID.match(text):
        return text.strip("{}").lower()
    return str(uuid.uuid5(namespace, text))


_NS_UUID = uuid.UUID("6f1f3a3e-8a59-5b7a-9d61-6d1ad0c2a001")


def _code_elements(parent_elem, codes: pd.DataFrame, ns: str, guid_of) -> None:
    children: dict[Any, list] = {}
    for row in codes.itertuples(index=False):
        children.setdefault(row.parent, []).append(row)

    def add(elem, row):
        attrib = {
            "guid": guid_of(row.code),
            "name": str(row.name),
            "isCodable": "true" if row.codable else "false",
        }
        if row.color:
            attrib["color"] = str(row.color)
        code_el = etree.SubElement(elem, f"{{{ns}}}Code", attrib)
        if row.description:
            etree.SubElement(code_el, f"{{{ns}}}Description").text = str(row.description)
        for child in children.get(row.code, []):
            add(code_el, child)

    for row in children.get(None, []):
        add(parent_elem, row)


def _variable_type(series: pd.Series) -> tuple[str, str]:
    values = series.dropna()
    if values.empty:
        return "Text", "TextValue"
    if pd.api.types.is_bool_dtype(values):
        return "Boolean", "BooleanValue"
    if pd.api.types.is_integer_dtype(values):
        return "Integer", "IntegerValue"
    if pd.api.types.is_float_dtype(values):
        return "Float", "FloatValue"
    return "Text", "TextValue"


def _format_value(value: Any, element: str) -> str:
    if element == "BooleanValue":
        return "true" if value else "false"
    if element == "FloatValue":
        return repr(float(value))
    if element == "IntegerValue":
        return str(int(value))
    return str(value)


def _project_tree(corpus: Corpus, name: str, now: str) -> tuple[etree._Element, dict[str, str]]:
    guid_of = lambda value: _guid_for(value, _NS_UUID)  # noqa: E731
    coders = list(corpus.coders) or ["coder"]
    user_guid = {c: _guid_for("user:" + c, _NS_UUID) for c in coders}
    root = etree.Element(
        _q("Project"),
        {"name": name, "origin": "Quartiere", "creationDateTime": now},
        nsmap={None: NS_PROJECT},
    )
    root.set("creatingUserGUID", user_guid[coders[0]])
    users = etree.SubElement(root, _q("Users"))
    for c in coders:
        etree.SubElement(users, _q("User"), {"guid": user_guid[c], "name": c})
    if len(corpus.codes):
        cb = etree.SubElement(root, _q("CodeBook"))
        codes_el = etree.SubElement(cb, _q("Codes"))
        _code_elements(codes_el, corpus.codes, NS_PROJECT, guid_of)
    attributes = corpus.attributes
    docs = corpus.documents
    var_types = {a: _variable_type(docs[a]) for a in attributes}
    if attributes:
        variables = etree.SubElement(root, _q("Variables"))
        for a in attributes:
            etree.SubElement(
                variables,
                _q("Variable"),
                {
                    "guid": guid_of("variable:" + a),
                    "name": str(a),
                    "typeOfVariable": var_types[a][0],
                },
            )
    files: dict[str, str] = {}
    if len(docs):
        sources = etree.SubElement(root, _q("Sources"))
        segs_by_doc = {d: g for d, g in corpus.segments.groupby("document", sort=False)}
        for doc in docs.itertuples(index=False):
            row = doc._asdict()
            sguid = guid_of(row["document"])
            files[f"sources/{sguid}.txt"] = row["text"]
            src = etree.SubElement(
                sources,
                _q("TextSource"),
                {
                    "guid": sguid,
                    "name": str(row["name"]),
                    "plainTextPath": f"internal://{sguid}.txt",
                    "creationDateTime": now,
                },
            )
            for seg in segs_by_doc.get(row["document"], pd.DataFrame()).itertuples(index=False):
                sel = etree.SubElement(
                    src,
                    _q("PlainTextSelection"),
                    {
                        "guid": guid_of(f"selection:{row['document']}:{seg.segment}"),
                        "name": _selection_name(seg.text),
                        "startPosition": str(int(seg.start)),
                        "endPosition": str(int(seg.end)),
                        "creatingUser": user_guid[seg.coder],
                        "creationDateTime": now,
                    },
                )
                if seg.memo:
                    etree.SubElement(sel, _q("Description")).text = str(seg.memo)
                coding = etree.SubElement(
                    sel,
                    _q("Coding"),
                    {
                        "guid": guid_of(f"coding:{row['document']}:{seg.segment}"),
                        "creatingUser": user_guid[seg.coder],
                        "creationDateTime": now,
                    },
                )
                etree.SubElement(coding, _q("CodeRef"), {"targetGUID": guid_of(seg.code)})
            for a in attributes:
                value = row.get(a)
                if value is None or (not isinstance(value, str) and pd.isna(value)):
                    continue
                vv = etree.SubElement(src, _q("VariableValue"))
                etree.SubElement(vv, _q("VariableRef"), {"targetGUID": guid_of("variable:" + a)})
                element = var_types[a][1]
                etree.SubElement(vv, _q(element)).text = _format_value(value, element)
    return root, files


def _selection_name(text: str) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= 60 else flat[:60] + "..."


def write_qdpx(
    corpus: Corpus,
    path: str | os.PathLike[str],
    *,
    name: str | None = None,
    validate: bool = True,
    schema_dir: str | os.PathLike[str] | None = None,
    timestamp: _dt.datetime | None = None,
) -> None:
    """Write a corpus as a REFI-QDA project (``.qdpx``) that QDA programs can open.

    Parameters
    ----------
    corpus : Corpus
    path : path-like
        Output ``.qdpx`` file (written atomically: temp file, then rename).
    name : str, optional
        Project name (default: the file stem).
    validate : bool, default True
        Validate ``project.qde`` against ``Project.xsd`` when ``schema_dir`` is given or found
        (``$QUARTIERE_REFI_SCHEMAS``); skipped silently when no schema is available.
    schema_dir : path-like, optional
        Folder holding the official ``Project.xsd``/``Codebook.xsd``.
    timestamp : datetime.datetime, optional
        Creation time written in the project and the zip entries (default: now, UTC); fix it
        for byte-identical, reproducible files.

    Returns
    -------
    None

    Raises
    ------
    DataFileError
        If validation against the schema fails (message names the first error).

    Notes
    -----
    Offsets are written as the standard says: Unicode code points from 0 over the UTF-8 text
    file in ``sources/`` (line breaks ``\\n``). GUIDs are derived deterministically (UUID5)
    from ids that are not GUIDs already, so re-exporting gives the same file content except
    the timestamps. Document attributes become ``Variables`` with a ``VariableValue`` in each
    source; coders become ``Users``; segment memos become selection ``Description``.

    Examples
    --------
    See :func:`read_qdpx`.
    """
    path = Path(path)
    moment = (timestamp or _dt.datetime.now(_dt.UTC)).replace(microsecond=0)
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    root, files = _project_tree(corpus, name or path.stem, stamp)
    xml = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    if validate:
        schema_dir = schema_dir or os.environ.get("QUARTIERE_REFI_SCHEMAS")
        if schema_dir and (Path(schema_dir) / "Project.xsd").exists():
            validate_refi(xml, Path(schema_dir) / "Project.xsd")
    tmp = path.with_name(path.name + ".tmp")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            date_time = moment.timetuple()[:6]
            for member, data in [("project.qde", xml)] + [
                (m, t.encode("utf-8")) for m, t in files.items()
            ]:
                info = zipfile.ZipInfo(member, date_time=date_time)
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def validate_refi(xml: bytes | str | os.PathLike[str], schema: str | os.PathLike[str]) -> None:
    """Validate a REFI-QDA XML document (``.qde`` or ``.qdc``) against an XSD with lxml.

    Parameters
    ----------
    xml : bytes, str or path-like
        XML content (bytes/str starting with ``<``) or a file path.
    schema : path-like
        ``Project.xsd`` or ``Codebook.xsd``.

    Returns
    -------
    None

    Raises
    ------
    DataFileError
        Naming the line and message of the first schema violation.

    Examples
    --------
    >>> validate_refi  # doctest: +ELLIPSIS
    <function validate_refi at ...>
    """
    xsd = etree.XMLSchema(etree.parse(str(schema)))
    if isinstance(xml, str) and xml.lstrip().startswith("<"):
        doc = etree.fromstring(xml.encode("utf-8"))
    elif isinstance(xml, bytes):
        doc = etree.fromstring(xml)
    else:
        doc = etree.parse(str(xml)).getroot()
    if not xsd.validate(doc):
        err = xsd.error_log[0]
        raise DataFileError(
            f"line {err.line}: {err.message} (schema {Path(schema).name})", path=None
        )


def read_qdc(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a REFI-QDA codebook (``.qdc``) into a codes table.

    Parameters
    ----------
    path : path-like

    Returns
    -------
    pandas.DataFrame
        Columns ``code`` (GUID, lower case), ``name``, ``parent``, ``description``,
        ``color``, ``codable`` - ready for :class:`quartiere.qual.Corpus`.

    Raises
    ------
    DataFileError
        Not XML, or not a REFI-QDA codebook.

    Notes
    -----
    Accepts the codebook namespace and, leniently, a ``CodeBook`` in the project namespace.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from pathlib import Path
    >>> codes = pd.DataFrame({"code": ["iso", "sola"], "name": ["Isolamento", "Vive sola"],
    ...                       "parent": [None, "iso"], "codable": [False, True]})
    >>> out = Path(tempfile.mkdtemp()) / "c.qdc"
    >>> write_qdc(codes, out)
    >>> read_qdc(out)[["name", "codable"]].values.tolist()
    [['Isolamento', False], ['Vive sola', True]]
    """
    path = Path(path)
    try:
        root = etree.parse(str(path), etree.XMLParser(resolve_entities=False)).getroot()
    except (OSError, etree.XMLSyntaxError) as err:
        raise DataFileError(f"cannot read the codebook: {err}", path=path) from None
    ns = root.tag.split("}", 1)[0].lstrip("{") if root.tag.startswith("{") else ""
    if _local(root.tag) not in ("CodeBook", "Project"):
        raise DataFileError(f"root is {root.tag}, not a REFI-QDA CodeBook", path=path)
    container = root.find(f".//{{{ns}}}Codes")
    if container is None:
        raise DataFileError("the codebook has no Codes", path=path)
    return pd.DataFrame(
        _codes_from(container, ns),
        columns=["code", "name", "parent", "description", "color", "codable"],
    )


def write_qdc(
    codes: pd.DataFrame | Corpus,
    path: str | os.PathLike[str],
    *,
    schema_dir: str | os.PathLike[str] | None = None,
) -> None:
    """Write a codebook as a REFI-QDA ``.qdc`` file.

    Parameters
    ----------
    codes : pandas.DataFrame or Corpus
        Codes table (columns as in :class:`quartiere.qual.Corpus`) or a corpus.
    path : path-like
    schema_dir : path-like, optional
        Folder with ``Codebook.xsd``: validate before writing.

    Returns
    -------
    None

    Raises
    ------
    CodebookError
        Invalid codes table (see :class:`Corpus`).
    DataFileError
        Schema validation failed.

    Examples
    --------
    See :func:`read_qdc`.
    """
    if isinstance(codes, Corpus):
        table = codes.codes
    else:
        from quartiere.qual.corpus import _validate_codes

        table = _validate_codes(codes)
    if table.empty:
        raise CodebookError("the codebook is empty (REFI-QDA needs at least one code)")
    root = etree.Element(
        _q("CodeBook", NS_CODEBOOK), {"origin": "Quartiere"}, nsmap={None: NS_CODEBOOK}
    )
    codes_el = etree.SubElement(root, _q("Codes", NS_CODEBOOK))
    _code_elements(codes_el, table, NS_CODEBOOK, lambda v: _guid_for(v, _NS_UUID))
    xml = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    if schema_dir is not None:
        validate_refi(xml, Path(schema_dir) / "Codebook.xsd")
    Path(path).write_bytes(xml)
