"""Word (DOCX) reports for councils that edit in Word: pandoc from the report's static HTML.

The DOCX is converted by pandoc (the binary inside the ``pypandoc-binary`` wheel: no
network, no system install) from the same static HTML the PDF is drawn from, after three
changes pandoc needs: every chart becomes a PNG drawn by vl-convert at print resolution
(300 ppi), every table figure becomes a plain ``<table>`` with a ``<caption>`` (so Word
gets a real table with a "Table Caption" paragraph), and the numbers the HTML report draws
with CSS counters ("Figura 3.") are written into the captions. Cross-references and
citations are links to ids, which pandoc turns into Word bookmarks and internal hyperlinks.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import nbformat

from quartiere.errors import NotebookError
from quartiere.io.tables import atomic_write
from quartiere.report.i18n import check_lang, t

__all__ = ["PRINT_PPI", "render_docx", "html_for_docx"]

PRINT_PPI = 300
_VEGA_LOCALES = {"it": "it-IT", "en": "en-GB"}


def _png(spec: Mapping[str, Any], lang: str) -> bytes:
    import vl_convert as vlc

    return vlc.vegalite_to_png(
        dict(spec),
        scale=PRINT_PPI / 72,
        ppi=PRINT_PPI,
        format_locale=vlc.get_format_locale(_VEGA_LOCALES[lang]),
        time_format_locale=vlc.get_time_format_locale(_VEGA_LOCALES[lang]),
    )


def html_for_docx(page: str, lang: str, images: Path) -> str:
    """Rewrite a static report page for pandoc: PNG charts, captioned tables, explicit numbers.

    Parameters
    ----------
    page : str
        The static HTML of a report (what the PDF is drawn from).
    lang : {"it", "en"}
    images : Path
        Folder where chart PNGs are written (``figure-N.png``).

    Returns
    -------
    str
        HTML for ``pandoc -f html -t docx``.

    Examples
    --------
    >>> import tempfile
    >>> page = ('<html><body><nav class="q-toc">x</nav><main>'
    ...         '<figure class="q-figure q-table-figure" id="tab-a"><figcaption>Pop</figcaption>'
    ...         '<table class="q-table"><tr><td>1</td></tr></table></figure></main></body></html>')
    >>> out = html_for_docx(page, "it", Path(tempfile.mkdtemp()))
    >>> "<caption>Tabella 1. Pop</caption>" in out, 'id="tab-a"' in out, "q-toc" in out
    (True, True, False)
    """
    import lxml.html

    check_lang(lang)
    doc = lxml.html.document_fromstring(page)
    for bad in doc.xpath("//script[not(contains(@class,'q-spec'))] | //style | //nav"):
        bad.getparent().remove(bad)
    for block in doc.xpath("//header | //footer | //main | //section"):
        block.tag = "div"  # pandoc's HTML reader skips header/footer content
    counts = {"chart": 0, "table": 0}
    for fig in doc.xpath("//figure[contains(@class,'q-figure')]"):
        classes = fig.get("class", "").split()
        ident = fig.get("id")
        caption = fig.find("figcaption")
        text = caption.text_content().strip() if caption is not None else ""
        wrapper = lxml.html.Element("div")
        if ident:
            wrapper.set("id", ident)
        if "q-chart-figure" in classes:
            counts["chart"] += 1
            number = counts["chart"]
            spec_node = fig.xpath(".//script[contains(@class,'q-spec')]")
            new = lxml.html.Element("figure")
            if spec_node:
                spec = json.loads(spec_node[0].text or "{}")
                name = f"figure-{number}.png"
                (images / name).write_bytes(_png(spec, lang))
                img = lxml.html.Element("img", src=name)
                new.append(img)
            cap = lxml.html.Element("figcaption")
            cap.text = f"{t('report.figure', lang)} {number}." + (f" {text}" if text else "")
            new.append(cap)
            wrapper.append(new)
        elif "q-table-figure" in classes:
            counts["table"] += 1
            number = counts["table"]
            if caption is not None:
                fig.remove(caption)
            tables = fig.xpath(".//table")
            if tables:
                cap = lxml.html.Element("caption")
                cap.text = f"{t('report.table', lang)} {number}." + (f" {text}" if text else "")
                tables[0].insert(0, cap)
            for child in list(fig):
                wrapper.append(child)
        else:
            continue
        fig.getparent().replace(fig, wrapper)
    for node in doc.xpath("//script"):
        node.getparent().remove(node)
    return lxml.html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>")


def render_docx(
    nb: nbformat.NotebookNode | str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    lang: str,
    cover: Mapping[str, str],
    provenance: Mapping[str, Any] | None = None,
) -> Path:
    """Write the Word report of an executed notebook.

    Parameters
    ----------
    nb : NotebookNode or path
        Executed notebook.
    out : path
        Destination ``.docx`` (written atomically).
    lang : {"it", "en"}
    cover : Mapping
        ``study``, ``area``, ``date`` as for :func:`quartiere.report.render.render_html`.
    provenance : Mapping, optional
        Rows of the provenance table at the end.

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    NotebookError
        pandoc is missing (install ``pypandoc-binary``) or failed.

    Notes
    -----
    Same content as the HTML and PDF reports: cover, numbered sections, figures and tables,
    resolved cross-references (Word internal hyperlinks to bookmarks), citations and
    bibliography, provenance. Charts are PNG at 300 ppi; tables are Word tables. No table
    of contents is inserted (Word builds one from the headings: References > Table of
    Contents).

    Examples
    --------
    >>> import tempfile
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_markdown_cell("# Prova\\n\\n## Sezione\\nTesto")]
    >>> out = render_docx(nb, Path(tempfile.mkdtemp()) / "r.docx", lang="it",
    ...                   cover={"study": "Val Serena", "area": "Ambito", "date": "2026-11-28"})
    >>> out.stat().st_size > 5000
    True
    """
    from quartiere.report.render import _load, _to_html

    try:
        import pypandoc
    except ImportError:  # pragma: no cover
        raise NotebookError("DOCX needs pandoc: pip install pypandoc-binary", path=out) from None
    page = _to_html(
        _load(nb), lang=lang, cover=cover, provenance=provenance or {}, interactive=False
    )
    out = Path(out)
    tmp = Path(tempfile.mkdtemp(prefix="quartiere-docx-"))
    try:
        source = tmp / "report.html"
        source.write_text(html_for_docx(page, lang, tmp), encoding="utf-8")
        target = tmp / "report.docx"
        try:
            pypandoc.convert_file(
                str(source),
                "docx",
                format="html",
                outputfile=str(target),
                extra_args=["--resource-path", str(tmp), f"--metadata=lang:{lang}"],
            )
        except (RuntimeError, OSError) as exc:
            detail = re.sub(r"\s+", " ", str(exc)).strip()[:200]
            raise NotebookError(f"DOCX conversion failed (pandoc: {detail})", path=out) from None
        with atomic_write(out, "wb", encoding=None) as fh:
            fh.write(target.read_bytes())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out
