"""The message catalog, locale formats, tables, charts and the offline HTML/PDF reports."""

from __future__ import annotations

import datetime as dt
import re

import altair as alt
import nbformat
import pandas as pd
import pytest

from quartiere.errors import ParameterError
from quartiere.report import i18n
from quartiere.report.charts import chart_html, rewind_for_vega, setup
from quartiere.report.render import render_html, render_pdf
from quartiere.report.tables import table


def test_catalog_has_both_languages_for_every_key():
    msgs = i18n.messages()
    assert len(msgs) > 50
    for key, entry in msgs.items():
        assert set(entry) == {"it", "en"}, key
        assert entry["it"].strip() and entry["en"].strip(), key
        # same placeholders in both languages
        assert set(re.findall(r"\{(\w+)\}", entry["it"])) == set(
            re.findall(r"\{(\w+)\}", entry["en"])
        ), key


def test_italian_and_english_number_formats():
    # CLDR: Italian groups with '.', decimals with ','; English the other way round
    assert i18n.format_number(1234.5, "it") == "1.234,5"
    assert i18n.format_number(1234.5, "en") == "1,234.5"
    assert i18n.format_percent(0.1834, "it") == "18,3%"
    assert i18n.format_int(38000, "en") == "38,000"
    assert i18n.format_money(1234567, "it") == "1.234.567 €"
    assert i18n.format_date(dt.date(2026, 1, 1), "it") == "1 gennaio 2026"
    assert i18n.format_date("2026-01-01", "en") == "1 January 2026"
    assert i18n.format_number(float("nan"), "it") == ""
    with pytest.raises(ParameterError, match="parameter 'lang': must be one of it, en, got 'fr'"):
        i18n.t("report.figure", "fr")
    with pytest.raises(ParameterError, match="no message 'nope'"):
        i18n.t("nope", "it")


def test_table_escapes_text_and_notes_suppression():
    df = pd.DataFrame(
        {"who": ["<script>alert(1)</script>"], "n": [3], "v": [float("nan")], "suppressed": [True]}
    )
    tab = table(
        df,
        caption="T",
        lang="it",
        columns={"who": ("Chi", "text"), "v": ("Valore", "num1")},
        threshold=5,
    )
    page = tab._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "meno di 5 persone" in page and "—" in page
    with pytest.raises(ParameterError, match="no column 'x'"):
        table(df, caption="T", lang="it", columns={"x": ("X", "text")})
    with pytest.raises(ParameterError, match="give \\(header, format\\)"):
        table(df, caption="T", lang="it", columns={"who": ("X", "weird")})


def test_chart_html_is_offline_svg_with_spec_and_caption():
    setup("it")
    chart = (
        alt.Chart(pd.DataFrame({"x": [1234.5]}))
        .mark_bar()
        .encode(x="x:Q")
        .properties(title="Spesa")
    )
    page = chart_html(chart.to_dict(), "it")
    assert "<svg" in page and 'class="q-spec"' in page
    assert "<figcaption>Spesa</figcaption>" in page
    assert not re.search(r"""(src|href)=["']https?://""", page)
    bundle = chart._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert list(data) == ["text/html"]  # never the vegalite mimetype papermill rejects


def test_rewind_makes_exterior_rings_clockwise():
    ccw = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    out = rewind_for_vega(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {},
                    "geometry": {"type": "Polygon", "coordinates": [ccw]},
                }
            ],
        }
    )
    ring = out["features"][0]["geometry"]["coordinates"][0]
    area = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))
    assert area < 0  # clockwise in lon/lat


def _notebook_with_chart():
    setup("en")
    nb = nbformat.v4.new_notebook()
    chart = (
        alt.Chart(pd.DataFrame({"x": [1, 2], "y": ["a", "b"]})).mark_bar().encode(x="x:Q", y="y:N")
    )
    out = nbformat.v4.new_output(
        "display_data", data={"text/html": chart_html({**chart.to_dict(), "title": "Bars"}, "en")}
    )
    code = nbformat.v4.new_code_cell("secret_code_line()", outputs=[out])
    params = nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]})
    params.outputs = []
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Titolo\n\n## Sezione uno", metadata={"tags": ["it"]}),
        nbformat.v4.new_markdown_cell("# Title\n\n## Section one", metadata={"tags": ["en"]}),
        params,
        code,
        nbformat.v4.new_markdown_cell("## Section two"),
    ]
    return nb


def test_render_html_cover_toc_no_code_no_cdn(tmp_path):
    nb = _notebook_with_chart()
    page = render_html(
        nb,
        tmp_path / "r.html",
        lang="en",
        cover={"study": "Val Serena", "area": "Ambito", "date": "2026-11-28"},
        provenance={"study": "Val Serena", "parameters": {"x": 1}, "commit": "abc"},
    ).read_text(encoding="utf-8")
    assert '<h1 class="q-title">Title</h1>' in page and "Titolo" not in page
    assert 'class="q-toc"' in page and ">Section one</a>" in page and ">Section two</a>" in page
    assert "secret_code_line" not in page
    assert (
        "Figure " in page
        and "Provenance and reproducibility" in page
        and "x = 1" not in page.split("q-provenance")[0]
    )
    assert page.count('<script type="module">') == 1
    # no external script, stylesheet, font or image reference at all
    assert not re.search(
        r"""<(script|link|img|iframe)[^>]+(src|href)=["']?(https?:)?//""", page, re.I
    )
    assert not re.search(r"""@import\s+url\(["']?https?:|url\(["']?https?://""", page)
    assert "require.js" not in page and "mathjax" not in page.lower()


def test_render_pdf_text(tmp_path):
    from pypdf import PdfReader

    out = render_pdf(
        _notebook_with_chart(),
        tmp_path / "r.pdf",
        lang="it",
        cover={"study": "Val Serena", "area": "Ambito", "date": "2026-11-28"},
    )
    text = "\n".join(p.extract_text() for p in PdfReader(out).pages)
    assert (
        "Titolo" in text
        and "Sezione uno" in text
        and "Figura 1" in text
        and "28 novembre 2026" in text
    )


def test_table_text_form_shows_only_published_cells():
    df = pd.DataFrame({"who": ["Campi Bassi"], "n": [3], "v": [0.5], "suppressed": [True]})
    df.loc[0, "v"] = float("nan")  # suppressed upstream
    tab = table(df, caption="T", lang="en", columns={"who": ("Where", "text"), "v": ("Share", "pct1")})
    text = repr(tab)
    assert text.startswith("T\n") and "Campi Bassi" in text and "—" in text
    assert "0.5" not in text and "suppressed" not in text and " n " not in text
