"""The ``publishing:`` section of study.yml: authors, abstract, bibliography, citation style.

``front_matter(study, lang)`` is displayed once near the top of a publishable notebook: it
shows the author block and the abstract, and carries the BibTeX text and the CSL style to
the report renderer (:mod:`quartiere.report.xref`), which formats every ``{cite}`key``` and
the bibliography.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from quartiere.errors import SchemaError
from quartiere.report.citations import DEFAULT_STYLE, bibtex_keys, style_path
from quartiere.report.i18n import check_lang, t
from quartiere.report.xref import PUBLISHING_MIME
from quartiere.study import schema_error

__all__ = ["Author", "PublishingSchema", "FrontMatter", "front_matter"]


class Author(BaseModel):
    """One author: name, optional affiliation, email and ORCID."""

    model_config = ConfigDict(extra="forbid")
    name: str
    affiliation: str = ""
    email: str = ""
    orcid: str = ""


class PublishingSchema(BaseModel):
    """The ``publishing:`` section (every key optional).

    ``bibliography`` is a path relative to the study folder, or a key under ``files:``;
    default ``references.bib`` when that file exists. ``csl`` is a style shipped with
    citeproc-py (``harvard-cite-them-right``) or a ``.csl`` file in the study.
    """

    model_config = ConfigDict(extra="forbid")
    authors: list[Author] = []
    abstract: dict[str, str] = {}
    keywords: dict[str, list[str]] = {}
    bibliography: str | None = None
    csl: str = DEFAULT_STYLE

    @classmethod
    def from_study(cls, study: Any) -> PublishingSchema:
        """Validate ``study.section("publishing")``; SchemaError names the key.

        Examples
        --------
        >>> from quartiere import load_study
        >>> PublishingSchema.from_study(load_study("data/sample")).csl
        'harvard-cite-them-right'
        """
        try:
            model = cls.model_validate(dict(study.section("publishing")))
        except ValidationError as exc:
            raise schema_error(exc, study.config_path, cls, prefix="publishing.") from None
        for lang in model.abstract:
            if lang not in ("it", "en"):
                raise SchemaError(
                    "abstract languages are it and en",
                    path=study.config_path,
                    key=f"publishing.abstract.{lang}",
                )
        return model


@dataclass(frozen=True)
class FrontMatter:
    """Author block, abstract and bibliography of a report; display it in a notebook cell.

    Attributes
    ----------
    lang : str
    authors : tuple of Author
    abstract : str
    keywords : tuple of str
    bibtex : str
        The BibTeX text (``""`` without a bibliography).
    source : str
        The BibTeX file name, for messages.
    style : str
        CSL style name, or ``""`` when ``csl_xml`` carries a study's own style.
    csl_xml : str
    """

    lang: str
    authors: tuple[Author, ...] = ()
    abstract: str = ""
    keywords: tuple[str, ...] = ()
    bibtex: str = ""
    source: str = ""
    style: str = DEFAULT_STYLE
    csl_xml: str = ""
    keys: tuple[str, ...] = field(default_factory=tuple)

    def _repr_html_(self) -> str:
        e = html.escape
        parts = []
        if self.authors:
            names = []
            for a in self.authors:
                bits = [f'<span class="q-author-name">{e(a.name)}</span>']
                if a.affiliation:
                    bits.append(f'<span class="q-author-affiliation">{e(a.affiliation)}</span>')
                if a.email:
                    bits.append(f'<span class="q-author-email">{e(a.email)}</span>')
                if a.orcid:
                    bits.append(f'<span class="q-author-orcid">ORCID {e(a.orcid)}</span>')
                names.append(f'<li class="q-author">{", ".join(bits)}</li>')
            parts.append(
                f'<section class="q-authors"><p class="q-label">{e(t("publish.authors", self.lang))}'
                f"</p><ul>{''.join(names)}</ul></section>"
            )
        if self.abstract:
            paras = "".join(
                f"<p>{e(p.strip())}</p>" for p in self.abstract.split("\n\n") if p.strip()
            )
            kw = f'<p class="q-keywords">{e(", ".join(self.keywords))}</p>' if self.keywords else ""
            parts.append(
                f'<section class="q-abstract"><p class="q-label">'
                f"{e(t('publish.abstract', self.lang))}</p>{paras}{kw}</section>"
            )
        return f'<div class="q-front">{"".join(parts)}</div>'

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        payload = {
            "bibtex": self.bibtex,
            "source": self.source,
            "style": self.style,
            "csl_xml": self.csl_xml,
        }
        return {"text/html": self._repr_html_(), PUBLISHING_MIME: payload}


def front_matter(study: Any, lang: str) -> FrontMatter:
    """Build the front matter of a report from the study's ``publishing:`` section.

    Parameters
    ----------
    study : Study
    lang : {"it", "en"}

    Returns
    -------
    FrontMatter
        Display it in a notebook cell; its bibliography feeds ``{cite}`` in the report.

    Raises
    ------
    SchemaError
        A bad key in ``publishing``, a bibliography file that does not exist, an unknown
        CSL style.

    Notes
    -----
    Missing keys are allowed: no authors, no abstract; without ``bibliography`` the file
    ``references.bib`` of the study is used when it exists.

    Examples
    --------
    >>> from quartiere import load_study
    >>> fm = front_matter(load_study("data/sample"), "en")
    >>> "kiresuk1968" in fm.keys
    True
    """
    check_lang(lang)
    cfg = PublishingSchema.from_study(study)
    root = Path(study.root)
    bib_path: Path | None = None
    if cfg.bibliography:
        if cfg.bibliography in getattr(study, "files", {}):
            bib_path = Path(study.files[cfg.bibliography])
        else:
            bib_path = root / cfg.bibliography
            if not bib_path.exists():
                raise SchemaError(
                    f"bibliography {cfg.bibliography!r} does not exist in {root}",
                    path=study.config_path,
                    key="publishing.bibliography",
                )
    elif (root / "references.bib").exists():
        bib_path = root / "references.bib"
    bibtex = bib_path.read_text(encoding="utf-8") if bib_path else ""
    style, csl_xml = cfg.csl, ""
    if cfg.csl.endswith(".csl"):
        csl_xml = style_path(cfg.csl, base=root).read_text(encoding="utf-8")
        style = ""
    else:
        style_path(cfg.csl)  # fail early on an unknown name
    abstract = cfg.abstract.get(lang) or ""
    keywords: Mapping[str, list[str]] = cfg.keywords
    return FrontMatter(
        lang=lang,
        authors=tuple(cfg.authors),
        abstract=abstract.strip(),
        keywords=tuple(keywords.get(lang, [])),
        bibtex=bibtex,
        source=bib_path.name if bib_path else "",
        style=style,
        csl_xml=csl_xml,
        keys=tuple(bibtex_keys(bibtex)),
    )
