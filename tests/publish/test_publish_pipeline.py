"""The Piano di Zona synthesis (notebook 07) through the pipeline: it and en, HTML, PDF and
DOCX, with cross-references and citations resolved in all three; missing notebooks give a
"not run" note, not a failure."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from quartiere import read_glued
from quartiere.pipeline import run_study

REPO = Path(__file__).resolve().parents[2]
PUBLISHING = """
publishing:
  authors:
    - {name: "Ufficio di Piano dell'Ambito Val Serena", affiliation: "Ambito Val Serena (fittizio)"}
  abstract:
    it: "Sintesi del Piano di Zona di prova."
    en: "Summary of the test Piano di Zona."
  bibliography: references.bib
  csl: harvard-cite-them-right
"""


def _study(root: Path) -> Path:
    dst = root / "sample"
    shutil.copytree(REPO / "data" / "sample", dst, ignore=shutil.ignore_patterns("*.sqlite-*"))
    with open(dst / "study.yml", "a", encoding="utf-8") as fh:
        fh.write(PUBLISHING)
    return dst


@pytest.fixture(scope="module")
def full_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("publish")
    notebooks = ["01", "02", "03", "04", "05", "06", "07"]
    res = run_study(_study(root), notebooks, lang=["it", "en"], out=root / "reports", jobs=2)
    return res


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.slow
@pytest.mark.xdist_group("publish_full_run")  # one worker builds the full run once
def test_synthesis_renders_in_three_formats_and_two_languages(full_run):
    assert full_run.ok, full_run.to_frame()[["notebook", "lang", "status", "error"]]
    by = {(r.notebook, r.lang): r for r in full_run.results}
    for lang in ("it", "en"):
        res = by[("07-write-plan", lang)]
        assert set(res.outputs) >= {"ipynb", "html", "pdf", "docx"}
        glued = read_glued(res.outputs["ipynb"])
        assert glued["missing_parts"] == []
        assert glued["n_objectives"] == len(glued["objectives"]) > 0
    # no other notebook asked for a Word report
    assert "docx" not in by[("01-profile-community", "it")].outputs


@pytest.mark.slow
@pytest.mark.xdist_group("publish_full_run")
@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("it", {"fig": "Figura", "tab": "Tabella", "sec": "Sezione", "and": "e"}),
        ("en", {"fig": "Figure", "tab": "Table", "sec": "Section", "and": "and"}),
    ],
)
def test_references_and_citations_resolve_in_html_pdf_docx(full_run, lang, words):
    res = {(r.notebook, r.lang): r for r in full_run.results}[("07-write-plan", lang)]
    html = res.outputs["html"].read_text(encoding="utf-8")
    pdf = _words(" ".join(p.extract_text() for p in PdfReader(res.outputs["pdf"]).pages))
    document = docx.Document(str(res.outputs["docx"]))
    word = _words("\n".join(p.text for p in document.paragraphs))
    xml = document.element.xml
    # markers are gone everywhere
    for text in (html, pdf, word):
        assert "{ref}" not in text and "{cite}" not in text and "{bibliography}" not in text
    # cross-references: the needs chart is the first figure, the methods table the ninth
    # table, the context section is section 2 (counted in the notebook's cell order)
    assert f'href="#fig-needs">{words["fig"]} 1</a>' in html and 'id="fig-needs"' in html
    assert f'href="#tab-methods">{words["tab"]} 9</a>' in html and 'id="tab-methods"' in html
    assert f'href="#sec-context">{words["sec"]} 2</a>' in html and 'id="sec-context"' in html
    for text in (pdf, word):
        assert f"{words['tab']} 9" in text and f"{words['sec']} 2" in text
        assert f"{words['fig']} 1. " in text  # the numbered caption
        assert f"(Kiresuk {words['and']} Sherman, 1968)" not in text  # {cite:t} is narrative
        assert f"Kiresuk {words['and']} Sherman (1968)" in text
        assert "(Repubblica Italiana, 2000)" in text
        # bibliography, Cite Them Right
        assert "Saaty, T.L. (1980) The Analytic Hierarchy Process. New York: McGraw-Hill." in text
    assert f"Kiresuk, T.J. {words['and']} Sherman, R.E. (1968)" in html
    # DOCX: Word hyperlinks to bookmarks, real tables, PNG charts, front matter
    for anchor in ("fig-needs", "tab-methods", "sec-context", "ref-kiresuk1968"):
        assert f'w:anchor="{anchor}"' in xml and f'w:name="{anchor}"' in xml
    assert len(document.tables) >= 10 and len(document.inline_shapes) == 2
    assert (
        "Sintesi del Piano di Zona di prova." if lang == "it" else "Summary of the test"
    ) in word
    # links back to the detailed reports of the same folder
    assert f'href="02-analyse-survey.{lang}.html"' in html
    assert (res.outputs["html"].parent / f"02-analyse-survey.{lang}.html").exists()


@pytest.mark.slow
def test_synthesis_with_missing_notebooks_says_not_run(tmp_path):
    res = run_study(_study(tmp_path), ["01", "07"], pdf=False, out=tmp_path / "reports")
    assert res.ok, res.to_frame()[["notebook", "status", "error"]]
    synth = next(r for r in res.results if r.notebook == "07-write-plan")
    assert read_glued(synth.outputs["ipynb"])["missing_parts"] == [
        "survey",
        "interviews",
        "workshop",
        "scenarios",
        "evaluation",
    ]
    html = synth.outputs["html"].read_text(encoding="utf-8")
    assert "Il rapporto 02-analyse-survey.it.html non è stato eseguito" in html
    assert 'href="01-profile-community.it.html"' in html
    assert 'href="#tab-monitoring">Tabella 7</a>' in html  # empty tables keep their number
