"""Render executed notebooks into self-contained reports: offline HTML and PDF.

Markdown cells may use cross-references and citations (``{ref}`fig:x```, ``{cite}`key```,
labelled headings ``## Title {#sec:x}``, code cells tagged ``fig:x``/``tab:x``, a
``{bibliography}`` marker): :class:`quartiere.report.xref.XrefPreprocessor` resolves them
after cell removal, so the numbers match the captions (see :mod:`quartiere.report.xref`).

nbconvert's HTML exporter runs in-process with the ``quartiere`` template
(``templates/quartiere``): no code, no prompts, no parameters cells, a cover, a table of
contents, numbered figures and tables, a provenance footer. The interactive HTML inlines
the Vega bundle from vl-convert once; the PDF is drawn by WeasyPrint from a static variant
in which every chart is the SVG vl-convert drew at execution time.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import html
import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor

from quartiere.errors import NotebookError
from quartiere.io.tables import atomic_write
from quartiere.notebook import GLUE_MIME
from quartiere.report.i18n import LANGS, check_lang, format_date, t
from quartiere.report.xref import XrefPreprocessor

__all__ = [
    "TEMPLATES",
    "vega_bundle",
    "prepare_notebook",
    "render_html",
    "render_pdf",
    "add_toc",
    "render_index",
]


def _find_templates() -> Path:
    env = os.environ.get("QUARTIERE_TEMPLATES")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        cand = parent / "templates" / "quartiere"
        if cand.is_dir():
            return cand.parent
    raise NotebookError(
        "templates/quartiere not found; set QUARTIERE_TEMPLATES"
    )  # pragma: no cover


TEMPLATES = _find_templates()
REMOVE_TAGS = ("remove_cell", "parameters", "injected-parameters")


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "quartiere"


@functools.cache
def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one ES module that embeds every ``.q-chart``.

    The bundle comes from vl-convert (no network) and is cached on disk per vl-convert
    version, since building it takes about 1.5 s.

    Returns
    -------
    str
        JavaScript for one ``<script type="module">``.

    Examples
    --------
    >>> js = vega_bundle()
    >>> "q-chart" in js and len(js) > 100_000
    True
    """
    import vl_convert as vlc

    snippet = r"""
const _locales = %s;
for (const el of document.querySelectorAll('.q-chart')) {
  const node = el.querySelector('script.q-spec');
  if (!node) continue;
  const spec = JSON.parse(node.textContent);
  const loc = _locales[el.dataset.lang] || _locales.it;
  const target = document.createElement('div');
  vegaEmbed(target, spec, {actions: false, renderer: 'svg',
      formatLocale: loc.format, timeFormatLocale: loc.time})
    .then(() => { for (const svg of el.querySelectorAll(':scope > svg')) svg.remove();
                  el.prepend(target); el.dataset.rendered = 'true'; })
    .catch((err) => { el.dataset.error = String(err); });
}
"""
    locales = {
        lang: {
            "format": vlc.get_format_locale(code),
            "time": vlc.get_time_format_locale(code),
        }
        for lang, code in (("it", "it-IT"), ("en", "en-GB"))
    }
    snippet = snippet % json.dumps(locales)
    digest = hashlib.sha256(snippet.encode()).hexdigest()[:12]
    key = f"vega-{getattr(vlc, '__version__', 'x')}-{digest}.js"
    cache = _cache_dir() / key
    try:
        return cache.read_text(encoding="utf-8")
    except OSError:
        pass
    bundle = vlc.javascript_bundle(snippet=snippet)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(cache) as fh:
            fh.write(bundle)
    except OSError:
        pass  # a read-only home only costs time
    return bundle


class _CleanOutputs(Preprocessor):
    """Drop what belongs to the analyst, not the reader: stderr (warnings, logs) and glue records."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            cell.outputs = [
                o
                for o in cell.outputs
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
                and not (set(o.get("data", {})) == {GLUE_MIME})
            ]
        return cell, resources


def prepare_notebook(nb: nbformat.NotebookNode, lang: str) -> tuple[nbformat.NotebookNode, str]:
    """Keep the cells of one language and take the first H1 out as the report title.

    Markdown cells tagged with a language (``it``/``en``) are kept only in that
    language's report; untagged cells appear in both.

    Parameters
    ----------
    nb : NotebookNode
        An executed notebook (not modified).
    lang : {"it", "en"}

    Returns
    -------
    (NotebookNode, str)
        The filtered copy and the title (``""`` if the notebook has no H1).

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_markdown_cell("# Profilo\\nTesto", metadata={"tags": ["it"]}),
    ...             nbformat.v4.new_markdown_cell("# Profile\\nText", metadata={"tags": ["en"]})]
    >>> out, title = prepare_notebook(nb, "en")
    >>> title, [c.source for c in out.cells]
    ('Profile', ['Text'])
    """
    check_lang(lang)
    nb = copy.deepcopy(nb)
    others = set(LANGS) - {lang}
    nb.cells = [c for c in nb.cells if not others & set(c.get("metadata", {}).get("tags", []))]
    title = ""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        m = re.match(r"\s*#\s+(.+?)\s*(\n|$)", cell.source)
        if m:
            title = m.group(1)
            cell.source = cell.source[m.end() :].lstrip("\n")
            break
    nb.cells = [c for c in nb.cells if not (c.cell_type == "markdown" and not c.source.strip())]
    return nb, title


_HEADING = re.compile(r'<h([23])\s+id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)


def add_toc(page: str, title: str) -> str:
    """Replace the ``<!--Q-TOC-->`` marker with a contents list of the page's h2 (numbered)
    and h3 (nested under their h2).

    Examples
    --------
    >>> add_toc('<!--Q-TOC--><h2 id="a">Uno<a class="anchor-link" href="#a">¶</a></h2>', "Indice")
    '<nav class="q-toc"><h2>Indice</h2><ol><li><a href="#a">Uno</a></li></ol></nav><h2 id="a">Uno<a class="anchor-link" href="#a">¶</a></h2>'
    >>> toc = add_toc('<!--Q-TOC--><h2 id="a">A</h2><h3 id="b">B</h3><h2 id="c">C</h2>', "T")
    >>> toc.split("</nav>")[0].split("<ol>", 1)[1]
    '<li><a href="#a">A</a><ul><li><a href="#b">B</a></li></ul></li><li><a href="#c">C</a></li></ol>'
    """
    parts: list[str] = []
    open_sub = False
    for level, ident, inner in _HEADING.findall(page):
        if ident.startswith("q-"):
            continue
        text = re.sub(r"<a class=\"anchor-link\".*?</a>", "", inner, flags=re.S)
        text = re.sub(r"<[^>]+>", "", text).strip()
        link = f'<a href="#{ident}">{text}</a>'
        if level == "2" or not parts:
            if open_sub:
                parts.append("</ul>")
                open_sub = False
            if parts:
                parts.append("</li>")
            parts.append(f"<li>{link}")
        else:
            if not open_sub:
                parts.append("<ul>")
                open_sub = True
            parts.append(f"<li>{link}</li>")
    if open_sub:
        parts.append("</ul>")
    if parts:
        parts.append("</li>")
    nav = (
        f'<nav class="q-toc"><h2>{html.escape(title)}</h2><ol>{"".join(parts)}</ol></nav>'
        if parts
        else ""
    )
    return page.replace("<!--Q-TOC-->", nav, 1)


def _exporter() -> HTMLExporter:
    exp = HTMLExporter(
        template_name="quartiere",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    tags = TagRemovePreprocessor(
        remove_cell_tags=set(REMOVE_TAGS), remove_input_tags={"remove_input"}
    )
    tags.enabled = True
    exp.register_preprocessor(tags, enabled=True)
    exp.register_preprocessor(_CleanOutputs(), enabled=True)
    # after cell removal: figures, tables and sections are numbered as the reader sees them
    exp.register_preprocessor(XrefPreprocessor(), enabled=True)
    return exp


def _provenance_rows(provenance: Mapping[str, Any], lang: str) -> list[list[str]]:
    rows: list[list[str]] = []
    labels = {
        "study": "report.study",
        "notebook": "report.notebook",
        "parameters": "report.parameters",
        "inputs": "report.inputs",
        "versions": "report.versions",
        "commit": "report.commit",
        "run": "report.run",
        "started": "report.started",
        "finished": "report.finished",
    }
    for key, msg in labels.items():
        if key not in provenance:
            continue
        value = provenance[key]
        if isinstance(value, Mapping):
            value = "; ".join(f"{k} = {v}" for k, v in value.items())
        elif isinstance(value, (list, tuple)):
            value = "; ".join(map(str, value))
        rows.append([t(msg, lang), str(value)])
    return rows


def _to_html(
    nb: nbformat.NotebookNode,
    *,
    lang: str,
    cover: Mapping[str, str],
    provenance: Mapping[str, Any],
    interactive: bool,
) -> str:
    nb, title = prepare_notebook(nb, lang)
    resources = {
        "language_code": lang,
        "metadata": {"name": title or cover.get("study", "")},
        "quartiere": {
            "cover": {
                "area": cover.get("area", ""),
                "study": cover.get("study", ""),
                "title": title or cover.get("study", ""),
                "date": t("report.generated", lang, date=format_date(cover["date"], lang)),
                "language": t("report.language", lang),
            },
            "labels": {
                "figure": t("report.figure", lang),
                "table": t("report.table", lang),
                "provenance": t("report.provenance", lang),
            },
            "provenance": _provenance_rows(provenance, lang),
            "vega_bundle": vega_bundle() if interactive else "",
            "lang": lang,  # for XrefPreprocessor (nbconvert resets language_code)
        },
    }
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    page = add_toc(body, t("report.contents", lang))
    if nb.metadata.get("quartiere", {}).get("number_sections"):  # headings carry numbers
        page = page.replace('<nav class="q-toc">', '<nav class="q-toc q-toc-numbered">', 1)
    return page


def _load(nb: nbformat.NotebookNode | str | os.PathLike[str]) -> nbformat.NotebookNode:
    if isinstance(nb, nbformat.NotebookNode):
        return nb
    try:
        return nbformat.read(Path(nb), as_version=4)
    except FileNotFoundError:
        raise NotebookError("executed notebook not found", path=nb) from None


def render_html(
    nb: nbformat.NotebookNode | str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    lang: str,
    cover: Mapping[str, str],
    provenance: Mapping[str, Any] | None = None,
) -> Path:
    """Write the interactive, offline HTML report of an executed notebook.

    Parameters
    ----------
    nb : NotebookNode or path
        Executed notebook.
    out : path
        Destination ``.html`` (written atomically).
    lang : {"it", "en"}
    cover : Mapping
        ``study``, ``area`` and ``date`` (ISO date or date) for the cover.
    provenance : Mapping, optional
        Rows for the provenance footer (see :mod:`quartiere.report.manifest`).

    Returns
    -------
    Path
        ``out``.

    Examples
    --------
    >>> import tempfile
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_markdown_cell("# Prova\\n\\n## Sezione\\nTesto")]
    >>> out = render_html(nb, Path(tempfile.mkdtemp()) / "r.html", lang="it",
    ...                   cover={"study": "Val Serena", "area": "Ambito", "date": "2026-11-28"})
    >>> page = out.read_text()
    >>> 'class="q-toc"' in page and "28 novembre 2026" in page and "cdn" not in page
    True
    """
    page = _to_html(
        _load(nb), lang=lang, cover=cover, provenance=provenance or {}, interactive=True
    )
    out = Path(out)
    with atomic_write(out) as fh:
        fh.write(page)
    return out


_INLINE_SVG = re.compile(r"<svg\b.*?</svg>", re.S)


def _rasterize_gradients(page: str) -> str:
    """Charts with gradients (colour-scale legends) as PNG at print resolution.

    WeasyPrint draws Vega's SVG well except gradient fills, which come out blank; resvg
    (inside vl-convert) draws them right. Other charts stay vector.
    """
    import base64

    import vl_convert as vlc

    def swap(match: re.Match[str]) -> str:
        svg = match.group(0)
        if "Gradient" not in svg:
            return svg
        width = re.search(r'\bwidth="([\d.]+)"', svg)
        png = base64.b64encode(vlc.svg_to_png(svg, scale=3)).decode()
        style = f' style="width:{float(width.group(1)):.0f}px;max-width:100%"' if width else ""
        return f'<img alt="" src="data:image/png;base64,{png}"{style}>'

    return _INLINE_SVG.sub(swap, page)


def render_pdf(
    nb: nbformat.NotebookNode | str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    lang: str,
    cover: Mapping[str, str],
    provenance: Mapping[str, Any] | None = None,
) -> Path:
    """Write the PDF report (A4, WeasyPrint) of an executed notebook; charts are static SVG.

    Parameters are those of :func:`render_html`.

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    NotebookError
        WeasyPrint failed (the message names the notebook).
    """
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    page = _to_html(
        _load(nb), lang=lang, cover=cover, provenance=provenance or {}, interactive=False
    )
    out = Path(out)
    try:
        pdf = HTML(string=page, base_url=str(out.parent)).write_pdf()
    except Exception as exc:  # WeasyPrint raises many kinds
        raise NotebookError(
            f"PDF rendering failed ({exc.__class__.__name__}: {exc})", path=out
        ) from None
    with atomic_write(out, "wb", encoding=None) as fh:
        fh.write(pdf)
    return out


def render_index(
    results: Iterable[Any],
    out: str | os.PathLike[str],
    *,
    lang: str,
    title: str,
    study: Any,
    run_id: str,
) -> Path:
    """Write the index page of a run or batch: one row per report, with links and status.

    Parameters
    ----------
    results : iterable of NotebookResult
        Outputs must sit in the same folder as ``out`` (links are relative).
    out : path
        Destination ``index.html`` (atomic).
    lang : {"it", "en"}
    title : str
        Page title.
    study : Study
        For the area line.
    run_id : str

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, types
    >>> r = types.SimpleNamespace(notebook="01-profile-community", label="Porto Lido", lang="it",
    ...     status="ok", outputs={"html": Path("a.html")}, error=None, reused_from=None)
    >>> s = types.SimpleNamespace(area="Ambito <fittizio>")
    >>> page = render_index([r], Path(tempfile.mkdtemp()) / "index.html", lang="it",
    ...                     title="Val Serena", study=s, run_id="r1").read_text()
    >>> 'href="a.html"' in page and "Ambito &lt;fittizio&gt;" in page
    True
    """
    check_lang(lang)
    e = html.escape
    rows = []
    for r in results:
        links = " ".join(
            f'<a href="{e(p.name)}">{e(kind)}</a>'
            for kind, p in r.outputs.items()
            if kind in {"html", "pdf", "docx", "ipynb"}
        )
        status = t("report.status_ok" if r.status == "ok" else "report.status_failed", lang)
        if r.reused_from:
            status += " (" + t("report.reused", lang, run=r.reused_from) + ")"
        if r.error:
            status += f"<br><small>{e(r.error)}</small>"
        rows.append(
            f"<tr><td>{e(r.notebook)}</td><td>{e(r.label or '')}</td><td>{e(r.lang)}</td>"
            f'<td class="{e(r.status)}">{status}</td><td>{links}</td></tr>'
        )
    css = (Path(TEMPLATES) / "quartiere" / "quartiere.css").read_text(encoding="utf-8")
    heads = "".join(
        f"<th>{e(t(k, lang))}</th>"
        for k in (
            "report.col_report",
            "report.col_value",
            "report.col_language",
            "report.col_status",
            "report.col_files",
        )
    )
    page = (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1.0"><title>{e(title)}</title>'
        f"<style>{css} td.failed {{ color: #b00020; }}</style></head>"
        f'<body class="q-report"><header class="q-cover"><p class="q-area">{e(getattr(study, "area", ""))}</p>'
        f'<h1 class="q-title">{e(title)}</h1><p class="q-meta">{e(t("report.index", lang, run=run_id))}</p></header>'
        f'<main><table class="q-table"><thead><tr>{heads}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
        "</main></body></html>"
    )
    out = Path(out)
    with atomic_write(out) as fh:
        fh.write(page)
    return out
