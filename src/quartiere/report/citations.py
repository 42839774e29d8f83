"""Citations and bibliographies with citeproc-py: BibTeX in, CSL-formatted HTML out.

This module is the one adapter over citeproc-py. A study keeps its references in a BibTeX
file (``publishing.bibliography`` in study.yml); notebooks cite them in markdown as
``{cite}`key``` and the report renderer formats each citation and the bibliography in a CSL
style (default ``harvard-cite-them-right``, the style shipped inside citeproc-py) with the
CSL locale of the report language (``it-IT`` / ``en-GB``).
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from quartiere.errors import SchemaError
from quartiere.report.i18n import check_lang

__all__ = ["DEFAULT_STYLE", "CSL_LOCALES", "bibtex_keys", "format_citations", "style_path"]

DEFAULT_STYLE = "harvard-cite-them-right"
CSL_LOCALES = {"it": "it-IT", "en": "en-GB"}
_ENTRY = re.compile(r"@(\w+)\s*\{\s*([^,\s]+)\s*,", re.S)


def style_path(style: str, *, base: Path | None = None) -> Path:
    """Resolve a CSL style: a ``.csl`` file (relative to ``base``) or a style citeproc-py ships.

    Parameters
    ----------
    style : str
        ``"harvard-cite-them-right"`` or a path such as ``"styles/apa.csl"``.
    base : Path, optional
        Folder relative paths are read from (the study folder).

    Returns
    -------
    Path

    Raises
    ------
    SchemaError
        No such file or shipped style (the message lists the shipped ones).

    Examples
    --------
    >>> style_path("harvard-cite-them-right").name
    'harvard-cite-them-right.csl'
    """
    import citeproc

    if style.endswith(".csl"):
        p = Path(style)
        if not p.is_absolute() and base is not None:
            p = base / p
        if not p.exists():
            raise SchemaError(f"CSL style file {style!r} not found", key="publishing.csl")
        return p
    shipped = Path(citeproc.__file__).parent / "data" / "styles"
    p = shipped / f"{style}.csl"
    if not p.exists():
        names = ", ".join(sorted(q.stem for q in shipped.glob("*.csl")))
        raise SchemaError(
            f"unknown CSL style {style!r}; give a .csl file or one of: {names}",
            key="publishing.csl",
        )
    return p


def _clean_bibtex(text: str) -> str:
    """Drop ``%`` comment lines and text between entries (citeproc-py's parser asserts on them)."""
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("%")]
    return "\n".join(lines) + "\n"


def bibtex_keys(text: str) -> list[str]:
    """Citation keys of a BibTeX text, in file order.

    Examples
    --------
    >>> bibtex_keys("@book{saaty1980, title={AHP}, year={1980}}\\n@misc{l328, year={2000}}")
    ['saaty1980', 'l328']
    """
    return [key for kind, key in _ENTRY.findall(_clean_bibtex(text)) if kind.lower() != "string"]


@dataclass(frozen=True)
class Formatted:
    """Citations and bibliography formatted by citeproc-py.

    Attributes
    ----------
    citations : tuple of str
        One HTML string per citation, in the order given.
    bibliography : tuple of (str, str)
        ``(key, HTML entry)`` for every cited reference, in the style's order.
    """

    citations: tuple[str, ...]
    bibliography: tuple[tuple[str, str], ...]


def format_citations(
    bibtex: str,
    citations: Sequence[Sequence[str]],
    *,
    lang: str,
    style: str | Path = DEFAULT_STYLE,
    source: str = "references.bib",
) -> Formatted:
    """Format citations and the bibliography of the cited references.

    Parameters
    ----------
    bibtex : str
        The BibTeX text (UTF-8 characters; ``%`` comment lines allowed).
    citations : sequence of sequence of str
        Each citation is a list of keys (``[["kiresuk1968"], ["card1994", "saaty1980"]]``).
    lang : {"it", "en"}
        CSL locale: ``it-IT`` or ``en-GB`` (conjunctions, quotes, "Disponibile su").
    style : str or Path, default "harvard-cite-them-right"
        A shipped style name or a ``.csl`` path.
    source : str
        Name of the BibTeX file, for error messages.

    Returns
    -------
    Formatted

    Raises
    ------
    SchemaError
        A key not in the file (with a did-you-mean), or a file citeproc-py cannot parse.

    Notes
    -----
    citeproc-py's BibTeX reader ignores fields it does not map (``url``, ``howpublished``,
    ``institution``); they are dropped silently. The bibliography lists only cited
    references, sorted by the style's ``<sort>`` rules.

    References
    ----------
    Cite Them Right (Pears & Shields), Harvard: "Author (Year) *Title*. Place: Publisher."

    Examples
    --------
    >>> bib = "@book{saaty1980, author={Saaty, Thomas L.}, title={The Analytic Hierarchy Process},"
    >>> bib += " publisher={McGraw-Hill}, address={New York}, year={1980}}"
    >>> out = format_citations(bib, [["saaty1980"]], lang="en")
    >>> out.citations
    ('(Saaty, 1980)',)
    >>> out.bibliography[0][1]
    'Saaty, T.L. (1980) <i>The Analytic Hierarchy Process</i>. New York: McGraw-Hill.'
    """
    import difflib

    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.bibtex import BibTeX

    check_lang(lang)
    keys = bibtex_keys(bibtex)
    for cit in citations:
        for key in cit:
            if key not in keys:
                close = difflib.get_close_matches(key, keys, n=1, cutoff=0.5)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise SchemaError(
                    f"cited key {key!r} is not in the bibliography{hint}", path=source
                )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Unsupported BibTeX field": documented above
        try:
            db = BibTeX(io.StringIO(_clean_bibtex(bibtex)))
        except Exception as exc:  # its parser uses assert and raises bare errors
            raise SchemaError(
                f"cannot parse the BibTeX file ({exc.__class__.__name__}); check braces and commas",
                path=source,
            ) from None
        csl = CitationStylesStyle(
            str(style_path(str(style))), validate=False, locale=CSL_LOCALES[lang]
        )
        bib = CitationStylesBibliography(csl, db, formatter.html)
        objs = [Citation([CitationItem(k) for k in cit]) for cit in citations]
        for c in objs:
            bib.register(c)
        texts = tuple(str(bib.cite(c, lambda _item: None)) for c in objs)
        bib.sort()
        entries = tuple(
            (str(ref.key), str(item))
            for ref, item in zip(bib.items, bib.bibliography(), strict=True)
        )
    return Formatted(texts, entries)
