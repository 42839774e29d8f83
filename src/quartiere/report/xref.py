"""Cross-references, section numbers and citations for reports (HTML, PDF and DOCX).

The syntax, in a notebook's markdown cells::

    ## Bisogni del territorio {#sec:needs}         a labelled section
    Come mostra {ref}`fig:coverage`, ...           -> "Figura 3" (a link)
    ... livelli essenziali {cite}`l178_2020`.      -> "(Repubblica Italiana, 2020)" (a link)
    {cite:t}`kiresuk1968` propose ...              -> "Kiresuk e Sherman (1968)"
    {bibliography}                                 -> the list of cited references

and on code cells, tags ``fig:NAME`` / ``tab:NAME`` label the first chart / table the cell
shows (several tags label several outputs, in order). Figures and tables are numbered in
document order, exactly as the report's CSS counters number their captions; sections are
numbered ``1``, ``1.1`` when the notebook's metadata has
``{"quartiere": {"number_sections": true}}``. Every reference becomes a link to an ``id``
that WeasyPrint (PDF) and pandoc (DOCX bookmarks) keep.

The bibliography comes from an output with the MIME type :data:`PUBLISHING_MIME` that the
notebook displays (see :func:`quartiere.publish.front_matter`): the BibTeX text travels in
the executed notebook, so a report renders the same anywhere, from the notebook alone.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import nbformat
from nbconvert.preprocessors import Preprocessor

from quartiere.errors import NotebookError
from quartiere.report.i18n import check_lang, t

__all__ = ["PUBLISHING_MIME", "Anchor", "XrefPreprocessor", "resolve_xrefs", "anchor_id"]

PUBLISHING_MIME = "application/x-quartiere-publishing+json"
_HEAD = re.compile(r"^(#{2,3})[ \t]+(.+?)(?:[ \t]+\{#([A-Za-z][\w:.-]*)\})?[ \t]*$", re.M)
_ROLE = re.compile(r"\{(ref|numref|cite|cite:p|cite:t)\}`([^`]+)`")
_BIB_MARK = re.compile(r"^[ \t]*\{bibliography\}[ \t]*$", re.M)
_FIGURE = re.compile(r'<figure class="q-figure (q-chart-figure|q-table-figure)"')
_LABEL_TAG = re.compile(r"^(fig|tab):[A-Za-z0-9_.-]+$")


def anchor_id(label: str) -> str:
    """HTML id (and DOCX bookmark name) of a label: ``fig:coverage`` -> ``fig-coverage``.

    Examples
    --------
    >>> anchor_id("sec:needs.2")
    'sec-needs-2'
    """
    return re.sub(r"[^A-Za-z0-9_-]+", "-", label).strip("-")


@dataclass(frozen=True)
class Anchor:
    """A numbered, referable item.

    Attributes
    ----------
    label : str
        ``fig:coverage``, ``tab:objectives``, ``sec:needs``.
    kind : {"figure", "table", "section"}
    number : str
        ``"3"`` or ``"2.1"`` (``""`` for an unnumbered section).
    anchor : str
        The HTML id.
    title : str
        Section title (sections only).
    """

    label: str
    kind: str
    number: str
    anchor: str
    title: str = ""

    def text(self, lang: str) -> str:
        """What a reference to this item reads: ``Figura 3``, ``Section 2.1``, «Title»."""
        if self.kind == "figure":
            return f"{t('report.figure', lang)} {self.number}"
        if self.kind == "table":
            return f"{t('report.table', lang)} {self.number}"
        if self.number:
            return f"{t('publish.xref_section', lang)} {self.number}"
        return t("publish.xref_quoted", lang, title=self.title)


@dataclass
class _State:
    anchors: dict[str, Anchor] = field(default_factory=dict)
    publishing: dict[str, Any] = field(default_factory=dict)

    def add(self, anchor: Anchor) -> None:
        if anchor.label in self.anchors:
            raise NotebookError(f"label {anchor.label!r} is used twice; labels must be unique")
        self.anchors[anchor.label] = anchor


def _take_publishing(nb: nbformat.NotebookNode, state: _State) -> None:
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if PUBLISHING_MIME in data:
                payload = data[PUBLISHING_MIME]
                if isinstance(payload, str):
                    import json

                    payload = json.loads(payload)
                state.publishing.update(payload)
                del data[PUBLISHING_MIME]
                if not data:
                    continue
            kept.append(out)
        cell.outputs = kept


def _number_sections(nb: nbformat.NotebookNode, state: _State, numbered: bool) -> None:
    counters = [0, 0]
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue

        def head(m: re.Match[str]) -> str:
            level = len(m.group(1))
            text, label = m.group(2).strip(), m.group(3)
            if level == 2:
                counters[0] += 1
                counters[1] = 0
                number = str(counters[0])
            else:
                counters[1] += 1
                number = f"{counters[0]}.{counters[1]}"
            shown = f"{number} {text}" if numbered else text
            if not label:
                return f"{m.group(1)} {shown}"
            anchor = anchor_id(label)
            state.add(Anchor(label, "section", number if numbered else "", anchor, text))
            return f'<h{level} id="{anchor}">{html.escape(shown, quote=False)}</h{level}>\n'

        cell.source = _HEAD.sub(head, cell.source)


def _number_outputs(nb: nbformat.NotebookNode, state: _State) -> None:
    counts = {"q-chart-figure": 0, "q-table-figure": 0}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tags = [tg for tg in cell.get("metadata", {}).get("tags", []) if _LABEL_TAG.match(tg)]
        pending = {
            "q-chart-figure": [tg for tg in tags if tg.startswith("fig:")],
            "q-table-figure": [tg for tg in tags if tg.startswith("tab:")],
        }
        for out in cell.get("outputs", []):
            page = out.get("data", {}).get("text/html")
            if page is None:
                continue
            if isinstance(page, list):
                page = "".join(page)

            def fig(m: re.Match[str], pending: dict[str, list[str]] = pending) -> str:
                kind = m.group(1)
                counts[kind] += 1
                if not pending[kind]:
                    return m.group(0)
                label = pending[kind].pop(0)
                anchor = anchor_id(label)
                what = "figure" if kind == "q-chart-figure" else "table"
                state.add(Anchor(label, what, str(counts[kind]), anchor))
                return f'{m.group(0)} id="{anchor}"'

            out["data"]["text/html"] = _FIGURE.sub(fig, page)
        left = pending["q-chart-figure"] + pending["q-table-figure"]
        if left:
            raise NotebookError(
                f"cell tagged {left[0]!r} shows no "
                f"{'chart' if left[0].startswith('fig:') else 'table'} to label"
            )


def _bibliography_html(entries: tuple[tuple[str, str], ...], lang: str) -> str:
    items = "".join(
        f'<div class="q-bib-entry" id="ref-{anchor_id(key)}">{entry}</div>'
        for key, entry in entries
    )
    return f'<div class="q-bibliography">{items}</div>'


def _resolve_text(nb: nbformat.NotebookNode, state: _State, lang: str) -> None:
    from quartiere.report.citations import DEFAULT_STYLE, format_citations

    md = [c for c in nb.cells if c.cell_type == "markdown"]
    cites: list[list[str]] = []
    for cell in md:
        for role, body in _ROLE.findall(cell.source):
            if role.startswith("cite"):
                cites.append([k.strip() for k in body.split(",") if k.strip()])
    formatted = None
    if cites:
        bibtex = state.publishing.get("bibtex")
        if not bibtex:
            raise NotebookError(
                "the notebook cites references but shows no bibliography; display "
                "quartiere.publish.front_matter(study, lang) before citing"
            )
        style = state.publishing.get("style") or DEFAULT_STYLE
        csl_xml = state.publishing.get("csl_xml")
        if csl_xml:
            import tempfile
            from pathlib import Path

            tmp = Path(tempfile.mkdtemp(prefix="quartiere-csl-")) / "style.csl"
            tmp.write_text(csl_xml, encoding="utf-8")
            style = str(tmp)
        formatted = format_citations(
            bibtex,
            cites,
            lang=lang,
            style=style,
            source=state.publishing.get("source", "references.bib"),
        )
    texts = iter(formatted.citations if formatted else ())

    def role(m: re.Match[str]) -> str:
        kind, body = m.group(1), m.group(2).strip()
        if kind in {"ref", "numref"}:
            anchor = state.anchors.get(body)
            if anchor is None:
                known = ", ".join(sorted(state.anchors)) or "none"
                raise NotebookError(f"cross-reference {body!r} has no target; labels: {known}")
            return f"[{anchor.text(lang)}](#{anchor.anchor})"
        text = next(texts)
        keys = [k.strip() for k in body.split(",") if k.strip()]
        if kind == "cite:t":
            narrative = re.fullmatch(r"\((.+), ([^,()]+)\)", text)
            if narrative and len(keys) == 1:
                text = f"{narrative.group(1)} ({narrative.group(2)})"
        return f'<a class="q-cite" href="#ref-{anchor_id(keys[0])}">{text}</a>'

    placed = False
    for cell in md:
        cell.source = _ROLE.sub(role, cell.source)
        if _BIB_MARK.search(cell.source):
            block = _bibliography_html(formatted.bibliography, lang) if formatted else ""
            cell.source = _BIB_MARK.sub(
                lambda _m, block=block: "\n" + block + "\n", cell.source, count=1
            )
            placed = True
    if formatted and not placed:
        title = t("publish.bibliography", lang)
        nb.cells.append(
            nbformat.v4.new_markdown_cell(
                f'<h2 id="bibliography">{title}</h2>\n\n'
                + _bibliography_html(formatted.bibliography, lang)
            )
        )


def resolve_xrefs(
    nb: nbformat.NotebookNode, lang: str
) -> tuple[nbformat.NotebookNode, dict[str, Anchor]]:
    """Number sections, label figures and tables, resolve references and citations.

    Parameters
    ----------
    nb : NotebookNode
        An executed notebook after language filtering and cell removal (modified in place).
    lang : {"it", "en"}

    Returns
    -------
    (NotebookNode, dict)
        The notebook and ``{label: Anchor}``.

    Raises
    ------
    NotebookError
        A reference to an unknown label, a label used twice, a label tag on a cell with
        no chart/table, or citations without a bibliography.
    SchemaError
        A cited key missing from the BibTeX file.

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook()
    >>> code = nbformat.v4.new_code_cell("", metadata={"tags": ["tab:pop"]})
    >>> code.outputs = [nbformat.v4.new_output("execute_result",
    ...     data={"text/html": '<figure class="q-figure q-table-figure"><table></table></figure>'})]
    >>> nb.cells = [nbformat.v4.new_markdown_cell("## Dati {#sec:data}\\nVedi {ref}`tab:pop`."),
    ...             code]
    >>> nb, anchors = resolve_xrefs(nb, "it")
    >>> print(nb.cells[0].source)
    <h2 id="sec-data">Dati</h2>
    Vedi [Tabella 1](#tab-pop).
    >>> 'id="tab-pop"' in nb.cells[1].outputs[0].data["text/html"]
    True
    """
    check_lang(lang)
    state = _State()
    numbered = bool(nb.metadata.get("quartiere", {}).get("number_sections", False))
    _take_publishing(nb, state)
    _number_sections(nb, state, numbered)
    _number_outputs(nb, state)
    _resolve_text(nb, state, lang)
    return nb, dict(state.anchors)


class XrefPreprocessor(Preprocessor):
    """nbconvert preprocessor running :func:`resolve_xrefs` (language from ``resources``)."""

    def preprocess(self, nb, resources):
        q = resources.get("quartiere", {})
        lang = q.get("lang") if isinstance(q, Mapping) else None
        lang = lang or resources.get("language_code", "it")
        nb, anchors = resolve_xrefs(nb, lang)
        if isinstance(q, dict):
            q["anchors"] = anchors
        return nb, resources
