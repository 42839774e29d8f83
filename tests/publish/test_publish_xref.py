"""Cross-references, section numbers and citations in HTML, PDF and DOCX (synthetic notebook).

The expected numbers are counted by hand from the notebook below: two charts and two
tables in document order, three h2 sections.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import altair as alt
import nbformat
import pandas as pd
import pytest

from quartiere.errors import NotebookError
from quartiere.report.charts import chart_html
from quartiere.report.render import render_html, render_pdf
from quartiere.report.tables import table
from quartiere.report.xref import PUBLISHING_MIME, resolve_xrefs

REPO = Path(__file__).resolve().parents[2]
BIB = (REPO / "data" / "sample" / "references.bib").read_text(encoding="utf-8")
COVER = {"study": "Val Serena", "area": "Ambito", "date": "2026-11-28"}


def _chart(title: str) -> str:
    spec = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_bar().encode(x="x:Q").to_dict()
    return chart_html({**spec, "title": title}, "it")


def _table(caption: str) -> str:
    return table(pd.DataFrame({"a": [1]}), caption=caption, lang="it")._repr_html_()


def _cell(html: str, *tags: str, extra: dict | None = None) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("", metadata={"tags": list(tags)})
    data = {"text/html": html, **(extra or {})}
    cell.outputs = [nbformat.v4.new_output("display_data", data=data)]
    return cell


def _notebook(numbered: bool = True) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["quartiere"] = {"number_sections": numbered}
    md = nbformat.v4.new_markdown_cell
    nb.cells = [
        md("# Prova"),
        _cell("<p>front</p>", extra={PUBLISHING_MIME: {"bibtex": BIB, "style": ""}}),
        md(
            "## Contesto {#sec:ctx}\n\nVedi {ref}`fig:second`, {ref}`tab:second` e {ref}`sec:end`; "
            "la legge {cite}`l328_2000`. {cite:t}`kiresuk1968` propone il GAS."
        ),
        _cell(_chart("Primo grafico")),
        _cell(_table("Prima tabella")),
        md("### Dettaglio {#sec:detail}\n\nTesto."),
        _cell(_chart("Secondo grafico") + _table("Seconda tabella"), "fig:second", "tab:second"),
        md("## Fine {#sec:end}\n\nTorna a {ref}`sec:detail`."),
        md("## Bibliografia\n\n{bibliography}"),
    ]
    return nb


def test_numbers_follow_document_order():
    nb, anchors = resolve_xrefs(_notebook(), "it")
    assert anchors["fig:second"].number == "2"
    assert anchors["tab:second"].number == "2"
    assert anchors["sec:ctx"].number == "1"
    assert anchors["sec:detail"].number == "1.1"
    assert anchors["sec:end"].number == "2"
    text = nb.cells[2].source
    assert "[Figura 2](#fig-second)" in text and "[Tabella 2](#tab-second)" in text
    assert "[Sezione 2](#sec-end)" in text
    assert '<a class="q-cite" href="#ref-l328_2000">(Repubblica Italiana, 2000)</a>' in text
    assert ">Kiresuk e Sherman (1968)</a>" in text  # narrative form
    assert nb.cells[2].source.startswith('<h2 id="sec-ctx">1 Contesto</h2>')
    assert PUBLISHING_MIME not in nb.cells[1].outputs[0].data


def test_english_labels_and_unnumbered_sections():
    nb, anchors = resolve_xrefs(_notebook(numbered=False), "en")
    assert "[Figure 2](#fig-second)" in nb.cells[2].source
    assert "[“Fine”](#sec-end)" in nb.cells[2].source  # no number: the title is quoted
    assert "(Kiresuk and Sherman, 1968)" not in nb.cells[2].source  # {cite:t} is narrative


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("Vedi {ref}`fig:nope`.", "cross-reference 'fig:nope' has no target"),
        ("{cite}`nobody2020`", "cited key 'nobody2020' is not in the bibliography"),
    ],
)
def test_unresolved_references_fail_with_one_line(source, message):
    nb = _notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell(source))
    with pytest.raises(Exception, match=message):
        resolve_xrefs(nb, "it")


def test_label_tag_without_output_and_duplicate_labels_fail():
    nb = _notebook()
    nb.cells.append(_cell("<p>no chart</p>", "fig:empty"))
    with pytest.raises(NotebookError, match="'fig:empty' shows no chart"):
        resolve_xrefs(nb, "it")
    nb = _notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell("## Again {#sec:ctx}"))
    with pytest.raises(NotebookError, match="'sec:ctx' is used twice"):
        resolve_xrefs(nb, "it")


def test_html_links_resolve_to_ids(tmp_path):
    page = render_html(_notebook(), tmp_path / "r.html", lang="it", cover=COVER).read_text()
    for anchor in ("fig-second", "tab-second", "sec-end", "sec-detail", "ref-l328_2000"):
        assert f'href="#{anchor}"' in page
        assert f'id="{anchor}"' in page
    # the CSS counters number the same figures: the labelled chart is the 2nd q-chart-figure
    figures = re.findall(r'<figure class="q-figure q-chart-figure"( id="[^"]+")?', page)
    assert figures == ["", ' id="fig-second"']
    assert 'class="q-toc q-toc-numbered"' in page


def test_notebook_without_markers_renders_as_before(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# T\n\n## Uno\n\nTesto {con graffe}.")]
    page = render_html(nb, tmp_path / "r.html", lang="it", cover=COVER).read_text()
    assert ">Uno<" in page and "{con graffe}" in page and "q-toc q-toc-numbered" not in page


def test_pdf_text_shows_resolved_references(tmp_path):
    from pypdf import PdfReader

    pdf = render_pdf(_notebook(), tmp_path / "r.pdf", lang="it", cover=COVER)
    reader = PdfReader(pdf)
    text = " ".join(p.extract_text() for p in reader.pages)
    text = re.sub(r"\s+", " ", text)
    assert "Vedi Figura 2, Tabella 2 e Sezione 2" in text
    assert "(Repubblica Italiana, 2000)" in text
    assert "Kiresuk, T.J. e Sherman, R.E. (1968)" in text
    assert "Figura 2. Secondo grafico" in text and "Tabella 2. Seconda tabella" in text
    assert "{ref}" not in text and "{cite}" not in text
    # internal links survive as PDF link annotations with named destinations
    dests = reader.named_destinations
    assert {"fig-second", "tab-second", "sec-end", "ref-l328_2000"} <= set(dests)


def test_docx_has_numbered_captions_bookmarks_and_internal_links(tmp_path):
    import docx

    from quartiere.report.docx import render_docx

    out = render_docx(
        _notebook(), tmp_path / "r.docx", lang="it", cover=COVER, provenance={"run": "r1"}
    )
    doc = docx.Document(io.BytesIO(out.read_bytes()))
    texts = [p.text for p in doc.paragraphs]
    assert "Figura 2. Secondo grafico" in texts and "Figura 1. Primo grafico" in texts
    assert any(t.startswith("Tabella 2. Seconda tabella") for t in texts)
    body = "\n".join(texts)
    assert "Vedi Figura 2, Tabella 2 e Sezione 2" in body
    assert "Kiresuk, T.J. e Sherman, R.E. (1968)" in body
    # real Word tables (2 report tables + provenance), PNG charts
    assert len(doc.tables) == 3
    assert len(doc.inline_shapes) == 2
    xml = doc.element.xml
    for anchor in ("fig-second", "tab-second", "sec-end", "ref-l328_2000"):
        assert f'w:anchor="{anchor}"' in xml
        assert f'w:name="{anchor}"' in xml
    image = doc.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    png = doc.part.related_parts[image].blob
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
