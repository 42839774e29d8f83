"""REFI-QDA import/export: vendor-shaped fixtures (NVivo, MAXQDA, ATLAS.ti, QualCoder), XSD.

The fixtures imitate what each program writes (shapes learnt from the REFI-QDA 1.5 spec and
QualCoder's importer, src/qualcoder/refi.py, which documents the vendors' quirks): NVivo puts
texts in ``Sources/`` with CRLF and counts UTF-16 units; MAXQDA uses ``sources/``, keeps
document variables in unnamed Cases with a SourceRef and stores comments as selections with no
Coding; ATLAS.ti names the project file ``<Project>.qde`` and counts CRLF as one character.
Offsets in the fixtures are computed here with plain string operations, independently of the
importer's numpy mapping; each segment's text is checked against the literal quote.
"""

from __future__ import annotations

import uuid
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from lxml import etree

from quartiere.errors import CodebookError, DataFileError
from quartiere.io.qdpx import read_qdc, read_qdpx, validate_refi, write_qdc, write_qdpx
from quartiere.qual import Corpus

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO.parent / "shared" / "refi-qda"
NS = "urn:QDA-XML:project:1.0"

TEXT_1 = (
    "Intervistatrice: Come va la vita qui? 🙂\n"
    "Risposta: Sono sola da quando è morto mio marito.\n"
    "La corriera passa due volte al giorno, perciò non esco più.\n"
    "Intervistatrice: E la casa?\n"
    "Risposta: L'affitto è cresciuto del 30 % in due anni — 𝑡𝑟𝑜𝑝𝑝𝑜 per una pensione."
)
TEXT_2 = "Primo rigo.\nSecondo rigo: caffè al bar con le amiche.\nTerzo rigo."
QUOTES = [
    # (document index, quote, code name)
    (0, "Sono sola da quando è morto mio marito.", "Solitudine"),
    (0, "La corriera passa due volte al giorno, perciò non esco più.", "Trasporti"),
    (0, "L'affitto è cresciuto del 30 % in due anni — 𝑡𝑟𝑜𝑝𝑝𝑜 per una pensione.", "Affitto"),
    (1, "caffè al bar con le amiche", "Reti informali"),
]


def _units(prefix: str, scheme: str, crlf: bool) -> int:
    raw = prefix.replace("\n", "\r\n") if crlf else prefix
    if scheme == "codepoint":
        return len(raw)
    if scheme == "codepoint_lf":
        return len(prefix)
    if scheme == "utf16":
        return len(raw.encode("utf-16-le")) // 2
    raise AssertionError(scheme)


def _g(upper: bool = False, braces: bool = False) -> str:
    g = str(uuid.uuid4())
    g = g.upper() if upper else g
    return "{" + g + "}" if braces else g


def build_project(
    path: Path,
    *,
    origin: str,
    scheme: str,
    crlf: bool,
    folder: str = "sources",
    qde: str = "project.qde",
    names: bool = True,
    variables: str = "source",
    upper: bool = False,
    bom: bool = False,
    comment: bool = False,
) -> Path:
    """Write a .qdpx imitating one vendor's export."""
    user = _g(upper)
    code_guids = {c: _g(upper) for *_, c in QUOTES}
    theme = _g(upper)
    root = etree.Element(
        f"{{{NS}}}Project", {"name": "Val Serena", "origin": origin}, nsmap={None: NS}
    )
    users = etree.SubElement(root, f"{{{NS}}}Users")
    etree.SubElement(users, f"{{{NS}}}User", {"guid": user, "name": "Giulia"})
    cb = etree.SubElement(etree.SubElement(root, f"{{{NS}}}CodeBook"), f"{{{NS}}}Codes")
    top = etree.SubElement(
        cb,
        f"{{{NS}}}Code",
        {"guid": theme, "name": "Isolamento", "isCodable": "false", "color": "#AA3377"},
    )
    etree.SubElement(top, f"{{{NS}}}Description").text = "Tema"
    for name, guid in code_guids.items():
        parent = top if name in ("Solitudine", "Trasporti") else cb
        etree.SubElement(parent, f"{{{NS}}}Code", {"guid": guid, "name": name, "isCodable": "true"})
    var_guid = _g(upper)
    vars_el = etree.SubElement(root, f"{{{NS}}}Variables")
    etree.SubElement(
        vars_el, f"{{{NS}}}Variable", {"guid": var_guid, "name": "Comune", "typeOfVariable": "Text"}
    )
    source_guids = [_g(upper), _g(upper)]
    comuni = ["Montecerro", "Porto Lido"]
    if variables == "case":
        cases = etree.SubElement(root, f"{{{NS}}}Cases")
        for sg, comune in zip(source_guids, comuni, strict=True):
            case = etree.SubElement(cases, f"{{{NS}}}Case", {"guid": _g(upper)})
            vv = etree.SubElement(case, f"{{{NS}}}VariableValue")
            etree.SubElement(vv, f"{{{NS}}}VariableRef", {"targetGUID": var_guid})
            etree.SubElement(vv, f"{{{NS}}}TextValue").text = comune
            etree.SubElement(case, f"{{{NS}}}SourceRef", {"targetGUID": sg})
    sources = etree.SubElement(root, f"{{{NS}}}Sources")
    files = {}
    for k, (text, sg) in enumerate(zip([TEXT_1, TEXT_2], source_guids, strict=True)):
        raw = text.replace("\n", "\r\n") if crlf else text
        files[f"{folder}/{sg}.txt"] = (("\ufeff" if bom else "") + raw).encode("utf-8")
        src = etree.SubElement(
            sources,
            f"{{{NS}}}TextSource",
            {
                "guid": sg,
                "name": f"Intervista {k + 1}",
                "plainTextPath": f"internal://{sg}.txt",
                "creatingUser": user,
            },
        )
        if comment and k == 0:
            etree.SubElement(
                src,
                f"{{{NS}}}PlainTextSelection",
                {"guid": _g(upper), "name": "nota", "startPosition": "0", "endPosition": "5"},
            )
        for doc, quote, code in QUOTES:
            if doc != k:
                continue
            i = text.index(quote)
            start = _units(text[:i], scheme, crlf)
            end = _units(text[: i + len(quote)], scheme, crlf)
            attrib = {
                "guid": _g(upper),
                "startPosition": str(start),
                "endPosition": str(end),
                "creatingUser": user,
            }
            if names:
                attrib["name"] = quote[:25] + "..."
            sel = etree.SubElement(src, f"{{{NS}}}PlainTextSelection", attrib)
            coding = etree.SubElement(
                sel, f"{{{NS}}}Coding", {"guid": _g(upper), "creatingUser": user}
            )
            etree.SubElement(coding, f"{{{NS}}}CodeRef", {"targetGUID": code_guids[code]})
        if variables == "source":
            vv = etree.SubElement(src, f"{{{NS}}}VariableValue")
            etree.SubElement(vv, f"{{{NS}}}VariableRef", {"targetGUID": var_guid})
            etree.SubElement(vv, f"{{{NS}}}TextValue").text = comuni[k]
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(qde, etree.tostring(root, xml_declaration=True, encoding="utf-8"))
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def _check_quotes(corpus: Corpus) -> None:
    names = dict(zip(corpus.codes["code"], corpus.codes["name"], strict=True))
    got = sorted(
        (int(doc.split()[-1]) - 1, text, names[code])
        for doc, text, code in zip(
            corpus.segments["document"].map(
                dict(zip(corpus.documents["document"], corpus.documents["name"], strict=True))
            ),
            corpus.segments["text"],
            corpus.segments["code"],
            strict=True,
        )
    )
    assert got == sorted(QUOTES)
    comuni = dict(zip(corpus.documents["name"], corpus.documents["Comune"], strict=True))
    assert comuni == {"Intervista 1": "Montecerro", "Intervista 2": "Porto Lido"}


VENDORS = {
    # NVivo: Sources/ folder, CRLF kept, UTF-16 units, upper-case GUIDs, BOM, named Cases
    "nvivo": dict(
        origin="NVivo 14.23.0 (1025)",
        scheme="utf16",
        crlf=True,
        folder="Sources",
        names=False,
        variables="case",
        upper=True,
        bom=True,
    ),
    # MAXQDA: sources/, CRLF, code points over the stored text, variables in unnamed Cases,
    # comments as selections without Coding, selection name = start of the text
    "maxqda": dict(
        origin="MAXQDA 2022 (Release 22.7.0)",
        scheme="codepoint",
        crlf=True,
        variables="case",
        comment=True,
    ),
    # ATLAS.ti: <Project>.qde, CRLF counted as one character, quotation names = text
    "atlas": dict(
        origin="ATLAS.ti Windows 23.2.1", scheme="codepoint_lf", crlf=True, qde="Val Serena.qde"
    ),
    # QualCoder: LF text, code points from 0 (the spec)
    "qualcoder": dict(origin="QualCoder 3.5", scheme="codepoint", crlf=False),
}


@pytest.mark.parametrize("vendor", sorted(VENDORS))
def test_vendor_exports_import_with_correct_segment_text(tmp_path, vendor):
    spec = VENDORS[vendor]
    corpus = read_qdpx(build_project(tmp_path / f"{vendor}.qdpx", **spec))
    _check_quotes(corpus)
    assert corpus.info["offsets"] in (spec["scheme"], "codepoint" if not spec["crlf"] else "")
    assert "\r" not in "".join(corpus.documents["text"])
    themes = corpus.codes.set_index("name")
    assert not themes.loc["Isolamento", "codable"]
    assert themes.loc["Solitudine", "parent"] == themes.loc["Isolamento", "code"]
    assert set(corpus.segments["coder"]) == {"Giulia"}


@pytest.mark.parametrize("scheme", ["utf16", "codepoint", "codepoint_lf"])
def test_detection_from_selection_names_without_origin(tmp_path, scheme):
    # no origin, no vendor file name: only the stored selection names can tell
    path = build_project(tmp_path / "x.qdpx", origin="", scheme=scheme, crlf=True)
    corpus = read_qdpx(path)
    _check_quotes(corpus)
    assert corpus.info["offsets"] == scheme
    assert corpus.info["evidence"] == len(QUOTES)


def test_forced_offsets_and_impossible_offsets(tmp_path):
    path = build_project(tmp_path / "n.qdpx", **VENDORS["nvivo"])
    _check_quotes(read_qdpx(path, offsets="utf16"))
    with pytest.raises(DataFileError, match="fit no offset convention"):
        read_qdpx(path, offsets="codepoint_lf")


def test_selection_outside_every_document_names_it(tmp_path):
    path = tmp_path / "bad.qdpx"
    build_project(path, origin="QualCoder", scheme="codepoint", crlf=False)
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members["project.qde"] = members["project.qde"].replace(
        b'endPosition="', b'endPosition="9999', 1
    )
    with zipfile.ZipFile(path, "w") as zf:
        for n, d in members.items():
            zf.writestr(n, d)
    with pytest.raises(DataFileError, match=r"document Intervista 1, selection .*fit no"):
        read_qdpx(path)


def test_not_a_qdpx(tmp_path):
    p = tmp_path / "x.qdpx"
    p.write_text("hello")
    with pytest.raises(DataFileError, match="not a .qdpx"):
        read_qdpx(p)


def _our_corpus() -> Corpus:
    docs = pd.DataFrame(
        {
            "document": ["int01", "int02"],
            "name": ["Intervista 01", "Intervista 02"],
            "text": [TEXT_1, TEXT_2],
            "district": ["Montecerro", "Porto Lido"],
            "age": [81, 34],
        }
    )
    codes = pd.DataFrame(
        {
            "code": ["iso", "sol", "tra", "aff", "reti"],
            "name": ["Isolamento", "Solitudine", "Trasporti", "Affitto", "Reti informali"],
            "parent": [None, "iso", "iso", None, None],
            "description": ["Tema", None, None, "Costo della casa", None],
            "color": ["#AA3377", None, None, "#228833", None],
            "codable": [False, True, True, True, True],
        }
    )
    rows = []
    code_of = {"Solitudine": "sol", "Trasporti": "tra", "Affitto": "aff", "Reti informali": "reti"}
    for k, (doc, quote, code) in enumerate(QUOTES):
        text = [TEXT_1, TEXT_2][doc]
        i = text.index(quote)
        for coder in ("anna", "marco"):
            rows.append(
                {
                    "segment": f"s{k}{coder[0]}",
                    "document": f"int0{doc + 1}",
                    "start": i,
                    "end": i + len(quote),
                    "code": code_of[code],
                    "coder": coder,
                    "memo": "nota" if k == 0 else None,
                }
            )
    return Corpus(docs, codes, pd.DataFrame(rows))


def test_export_validates_against_official_xsd_and_round_trips(tmp_path):
    corpus = _our_corpus()
    out = tmp_path / "ours.qdpx"
    write_qdpx(corpus, out, schema_dir=SCHEMAS)
    with zipfile.ZipFile(out) as zf:
        qde = zf.read("project.qde")
        assert any(n.startswith("sources/") for n in zf.namelist())
    validate_refi(qde, SCHEMAS / "Project.xsd")  # raises on any schema error
    back = read_qdpx(out)
    assert back.info["offsets"] == "codepoint"
    pd.testing.assert_frame_equal(
        back.documents[["name", "text", "district", "age"]],
        corpus.documents[["name", "text", "district", "age"]],
    )
    names_back = dict(zip(back.codes["code"], back.codes["name"], strict=True))
    names_ours = dict(zip(corpus.codes["code"], corpus.codes["name"], strict=True))

    def key(c: Corpus, names: dict) -> list:
        docname = dict(zip(c.documents["document"], c.documents["name"], strict=True))
        return sorted(
            zip(
                c.segments["document"].map(docname),
                c.segments["start"],
                c.segments["end"],
                c.segments["code"].map(names),
                c.segments["coder"],
                c.segments["memo"].fillna(""),
                strict=True,
            )
        )

    assert key(back, names_back) == key(corpus, names_ours)
    assert (
        back.codes[["name", "codable", "color", "description"]]
        .fillna("")
        .equals(corpus.codes[["name", "codable", "color", "description"]].fillna(""))
    )


def test_invalid_project_is_rejected_by_schema(tmp_path):
    bad = b'<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Sets/></Project>'
    with pytest.raises(DataFileError, match="Project.xsd"):
        validate_refi(bad, SCHEMAS / "Project.xsd")


def test_qdc_round_trip_and_schema(tmp_path):
    corpus = _our_corpus()
    out = tmp_path / "codebook.qdc"
    write_qdc(corpus, out, schema_dir=SCHEMAS)
    validate_refi(out, SCHEMAS / "Codebook.xsd")
    codes = read_qdc(out)
    assert codes["name"].tolist() == corpus.codes["name"].tolist()
    parents = dict(zip(codes["code"], codes["parent"], strict=True))
    by_name = dict(zip(codes["name"], codes["code"], strict=True))
    assert parents[by_name["Trasporti"]] == by_name["Isolamento"]
    with pytest.raises(CodebookError, match="empty"):
        write_qdc(corpus.codes.iloc[0:0], tmp_path / "empty.qdc")


def test_unknown_code_reference(tmp_path):
    path = build_project(tmp_path / "u.qdpx", origin="QualCoder", scheme="codepoint", crlf=False)
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    qde = members["project.qde"].decode()
    i = qde.index('<CodeRef targetGUID="') + len('<CodeRef targetGUID="')
    members["project.qde"] = (
        qde[:i] + "00000000-0000-0000-0000-000000000000" + qde[i + 36 :]
    ).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for n, d in members.items():
            zf.writestr(n, d)
    with pytest.raises(CodebookError, match="not in the project's codebook"):
        read_qdpx(path)


def test_codings_to_cases_are_skipped(tmp_path):
    # NVivo codes text to cases with a Coding whose CodeRef is the Case's GUID
    path = build_project(tmp_path / "c.qdpx", **VENDORS["nvivo"])
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    root = etree.fromstring(members["project.qde"])
    case_guid = root.find(f"{{{NS}}}Cases/{{{NS}}}Case").get("guid")
    sel = root.find(f".//{{{NS}}}PlainTextSelection")
    coding = etree.SubElement(sel, f"{{{NS}}}Coding", {"guid": _g(True)})
    etree.SubElement(coding, f"{{{NS}}}CodeRef", {"targetGUID": case_guid})
    members["project.qde"] = etree.tostring(root)
    with zipfile.ZipFile(path, "w") as zf:
        for n, d in members.items():
            zf.writestr(n, d)
    corpus = read_qdpx(path)
    _check_quotes(corpus)
    assert corpus.info["case_codings_skipped"] == 1


def test_three_coders_document_agreement_matches_package():
    # reference: krippendorff package on the same presence/absence matrix
    import krippendorff

    from quartiere.qual import agreement

    docs = pd.DataFrame(
        {"document": ["a", "b", "c", "d"], "name": list("ABCD"), "text": ["testo"] * 4}
    )
    codes = pd.DataFrame({"code": ["x"], "name": ["X"]})
    present = {"p": "abc", "q": "ab", "r": "abd"}
    rows = [
        {"document": d, "start": 0, "end": 5, "code": "x", "coder": c}
        for c, ds in present.items()
        for d in ds
    ]
    # every coder also codes something in every document (so all documents are compared)
    codes = pd.concat([codes, pd.DataFrame({"code": ["y"], "name": ["Y"]})])
    rows += [
        {"document": d, "start": 0, "end": 1, "code": "y", "coder": c}
        for c in present
        for d in "abcd"
    ]
    res = agreement(Corpus(docs, codes, pd.DataFrame(rows))).set_index("code")
    matrix = [[1 if d in ds else 0 for d in "abcd"] for ds in present.values()]
    ref = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    assert res.loc["x", "alpha"] == pytest.approx(ref)
    assert np.isnan(res.loc["x", "kappa"])  # kappa is for two coders only
    assert res.loc["x", "percent_agreement"] == pytest.approx(2 / 4)


def test_zero_length_selections_are_skipped(tmp_path):
    path = build_project(tmp_path / "z.qdpx", origin="QualCoder", scheme="codepoint", crlf=False)
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    root = etree.fromstring(members["project.qde"])
    src = root.find(f".//{{{NS}}}TextSource")
    code_guid = root.find(f".//{{{NS}}}Code[@isCodable='true']").get("guid")
    sel = etree.SubElement(
        src, f"{{{NS}}}PlainTextSelection", {"guid": _g(), "startPosition": "7", "endPosition": "7"}
    )
    coding = etree.SubElement(sel, f"{{{NS}}}Coding", {"guid": _g()})
    etree.SubElement(coding, f"{{{NS}}}CodeRef", {"targetGUID": code_guid})
    members["project.qde"] = etree.tostring(root)
    with zipfile.ZipFile(path, "w") as zf:
        for n, d in members.items():
            zf.writestr(n, d)
    corpus = read_qdpx(path)
    _check_quotes(corpus)
    assert corpus.info["empty_selections_skipped"] == 1
