"""Summaries of a corpus for reports: documents by attribute, main theme per group, theme
salience for joint displays, and a balanced pick of quotes per theme."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from quartiere.errors import ParameterError
from quartiere.qual.analysis import _check_attribute, code_frequencies, quotes
from quartiere.qual.corpus import Corpus

__all__ = ["document_counts", "top_themes", "theme_salience", "select_quotes"]


def document_counts(corpus: Corpus, by: str | Sequence[str] = ("district", "role")) -> pd.DataFrame:
    """Number of documents (interviews) by one or more document attributes.

    Parameters
    ----------
    corpus : Corpus
    by : str or sequence of str, default ("district", "role")
        Document attributes.

    Returns
    -------
    pandas.DataFrame
        One row per observed combination of the ``by`` values (in order of first
        appearance in the corpus): the ``by`` columns and ``n`` (documents).

    Raises
    ------
    ParameterError
        Unknown attribute.

    Notes
    -----
    Documents with a missing value in any ``by`` column are not counted.

    Examples
    --------
    >>> import pandas as pd
    >>> docs = pd.DataFrame({"document": ["d1", "d2", "d3"], "name": ["A", "B", "C"],
    ...                      "text": ["x", "y", "z"], "district": ["Nord", "Nord", "Sud"]})
    >>> codes = pd.DataFrame({"code": ["a"], "name": ["A"]})
    >>> segs = pd.DataFrame(columns=["document", "start", "end", "code"])
    >>> document_counts(Corpus(docs, codes, segs), "district")
      district  n
    0     Nord  2
    1      Sud  1
    """
    cols = [by] if isinstance(by, str) else list(by)
    for col in cols:
        _check_attribute(corpus, col)
    docs = corpus.documents.dropna(subset=cols)
    out = docs.groupby(cols, sort=False).size().rename("n").reset_index()
    out["n"] = out["n"].astype("int64")
    return out


def top_themes(
    corpus: Corpus,
    *,
    by: str = "district",
    coder: str | None = None,
    value: str = "n_segments",
) -> pd.DataFrame:
    """The main theme of each group: the theme with most coded segments (or documents).

    Parameters
    ----------
    corpus : Corpus
    by : str, default "district"
        Document attribute defining the groups.
    coder : str, optional
        One coder's coding (default: all coders' segments).
    value : {"n_segments", "n_documents"}, default "n_segments"
        What "main" means: most coded segments, or raised in most documents. Ties go to
        the theme listed first in the codebook.

    Returns
    -------
    pandas.DataFrame
        One row per group (order of first appearance in the corpus): ``by``, ``theme``
        (theme id), ``name`` (theme name), ``n_segments``, ``n_documents``, ``n``
        (documents in the group), ``pct_documents``, ``share_segments`` (the theme's
        segments / all coded segments of the group).

    Raises
    ------
    ParameterError
        Unknown attribute, coder or value.

    Notes
    -----
    Segment counts weigh talkative interviews more; ``n_documents`` does not but ties
    often on a small corpus. Read the two together (see :func:`code_frequencies`).

    Examples
    --------
    >>> import pandas as pd
    >>> docs = pd.DataFrame({"document": ["d1", "d2"], "name": ["A", "B"],
    ...                      "text": ["sola sola", "casa"], "district": ["Nord", "Sud"]})
    >>> codes = pd.DataFrame({"code": ["iso", "sol", "abi", "casa"],
    ...                       "name": ["Isolamento", "Solitudine", "Abitare", "Casa"],
    ...                       "parent": [None, "iso", None, "abi"],
    ...                       "codable": [False, True, False, True]})
    >>> segs = pd.DataFrame({"document": ["d1", "d1", "d2"], "start": [0, 5, 0],
    ...                      "end": [4, 9, 4], "code": ["sol", "sol", "casa"]})
    >>> top_themes(Corpus(docs, codes, segs))[["district", "name", "n_segments"]]
      district        name  n_segments
    0     Nord  Isolamento           2
    1      Sud     Abitare           1
    """
    if value not in ("n_segments", "n_documents"):
        raise ParameterError(
            f"value must be n_segments or n_documents, got {value!r}", parameter="value"
        )
    freq = code_frequencies(corpus, by=by, level="theme", coder=coder)
    rank = {c: i for i, c in enumerate(pd.unique(freq["code"]))}
    freq = freq.assign(_rank=freq["code"].map(rank))
    totals = freq.groupby(by)["n_segments"].sum()
    best = (
        freq.sort_values([by, value, "_rank"], ascending=[True, False, True])
        .drop_duplicates(by)
        .set_index(by)
    )
    groups = [g for g in pd.unique(corpus.documents[by].dropna()) if g in best.index]
    out = best.loc[groups].reset_index()
    out = out.drop(columns=["theme"]).rename(columns={"code": "theme"})
    seg_total = out[by].map(totals).astype(float)
    out["share_segments"] = out["n_segments"] / seg_total.where(seg_total > 0)
    cols = [by, "theme", "name", "n_segments", "n_documents", "n", "pct_documents"]
    return out[[*cols, "share_segments"]].reset_index(drop=True)


def theme_salience(
    corpus: Corpus,
    *,
    by: str = "district",
    coder: str | None = None,
    themes: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Share of each group's interviews raising each theme, shaped for ``joint_display``.

    Parameters
    ----------
    corpus : Corpus
    by : str, default "district"
        Document attribute (the join key with the survey).
    coder : str, optional
        One coder's coding.
    themes : iterable of str, optional
        Keep only these themes (names or ids), in this order; default every theme.

    Returns
    -------
    pandas.DataFrame
        One row per (group, theme): ``by``, ``theme`` (theme *name*, the label the survey
        mapping uses), ``theme_id``, ``n_segments``, ``n_documents``, ``n`` (documents in
        the group), ``pct_documents``.

    Raises
    ------
    ParameterError
        Unknown attribute, coder or theme.

    Notes
    -----
    Themes are keyed by name because code ids of imported projects are GUIDs; theme names
    must be unique in the codebook (they are in any QDA program's top level).

    Examples
    --------
    >>> import pandas as pd
    >>> docs = pd.DataFrame({"document": ["d1", "d2"], "name": ["A", "B"],
    ...                      "text": ["sola", "casa"], "district": ["Nord", "Sud"]})
    >>> codes = pd.DataFrame({"code": ["sol", "casa"], "name": ["Solitudine", "Casa"]})
    >>> segs = pd.DataFrame({"document": ["d1", "d2"], "start": [0, 0], "end": [4, 4],
    ...                      "code": ["sol", "casa"]})
    >>> theme_salience(Corpus(docs, codes, segs))[["district", "theme", "pct_documents"]]
      district       theme  pct_documents
    0     Nord  Solitudine            1.0
    1      Sud  Solitudine            0.0
    2     Nord        Casa            0.0
    3      Sud        Casa            1.0
    """
    freq = code_frequencies(corpus, by=by, level="theme", coder=coder)
    out = freq.drop(columns=["theme"]).rename(columns={"code": "theme_id"})
    out = out.assign(theme=freq["name"])
    cols = [by, "theme", "theme_id", "n_segments", "n_documents", "n", "pct_documents"]
    if themes is not None:
        wanted = [str(t) for t in themes]
        known = set(out["theme"]) | set(out["theme_id"])
        unknown = [t for t in wanted if t not in known]
        if unknown:
            raise ParameterError(
                f"unknown theme {unknown[0]!r}; the codebook's themes are "
                f"{', '.join(pd.unique(out['theme']))}",
                parameter="themes",
            )
        rank = {t: i for i, t in enumerate(wanted)}
        key = out["theme"].map(rank).fillna(out["theme_id"].map(rank))
        out = out[key.notna()].assign(_k=key[key.notna()]).sort_values("_k", kind="stable")
    return out[cols].reset_index(drop=True)


def select_quotes(
    corpus: Corpus,
    *,
    per_theme: int = 2,
    coder: str | None = None,
    where: Mapping[str, Any] | None = None,
    min_chars: int = 60,
    max_chars: int = 320,
    spread: str | None = "district",
) -> pd.DataFrame:
    """A small, balanced set of quotes for each theme, for a report.

    Parameters
    ----------
    corpus : Corpus
        **Pseudonymize it first** (:func:`quartiere.privacy.pseudonymize_corpus`): this
        function returns the text as it is.
    per_theme : int, default 2
        Quotes per theme (fewer when the theme has fewer usable segments).
    coder : str, optional
        One coder's segments (default: all; a passage coded by two coders appears once).
    where : mapping, optional
        Document filters, as in :func:`quotes` (``{"district": "Montecerro"}``).
    min_chars, max_chars : int, default 60 and 320
        Segments outside this length are used only when nothing else is left.
    spread : str or None, default "district"
        Prefer quotes from different values of this attribute (and always from different
        documents) before repeating one.

    Returns
    -------
    pandas.DataFrame
        One row per quote, themes in codebook order: ``theme``, ``theme_name``, ``code``,
        ``code_name``, ``segment``, ``document``, ``text`` (whitespace collapsed), then the
        document attributes.

    Raises
    ------
    ParameterError
        ``per_theme < 1``, bad lengths, unknown coder or attribute.

    Notes
    -----
    Deterministic: candidates are ranked by closeness of their length to the middle of
    ``[min_chars, max_chars]``, then by corpus order; a greedy pass takes the best quote
    from a document (and ``spread`` value) not used yet for the theme, then relaxes the
    ``spread`` rule, then the document rule. A passage coded with several themes is quoted
    once, under the first theme (codebook order) that picks it. It picks readable quotes, not representative
    ones: the counts tables say how common a theme is.

    Examples
    --------
    >>> import pandas as pd
    >>> docs = pd.DataFrame({"document": ["d1", "d2"], "name": ["A", "B"],
    ...                      "text": ["Vivo sola da anni.", "Anche io vivo sola."],
    ...                      "district": ["Nord", "Sud"]})
    >>> codes = pd.DataFrame({"code": ["sol"], "name": ["Solitudine"]})
    >>> segs = pd.DataFrame({"document": ["d1", "d2"], "start": [0, 0], "end": [18, 19],
    ...                      "code": ["sol", "sol"]})
    >>> select_quotes(Corpus(docs, codes, segs), min_chars=5)[["document", "text"]]
      document                 text
    0       d1   Vivo sola da anni.
    1       d2  Anche io vivo sola.
    """
    if not isinstance(per_theme, (int, np.integer)) or per_theme < 1:
        raise ParameterError(f"per_theme must be >= 1, got {per_theme!r}", parameter="per_theme")
    if not 0 <= min_chars < max_chars:
        raise ParameterError(
            f"need 0 <= min_chars < max_chars, got {min_chars}, {max_chars}",
            parameter="min_chars",
        )
    if spread is not None:
        _check_attribute(corpus, spread)
    found = quotes(corpus, coder=coder, where=where)
    theme_of = corpus.theme_of()
    names = dict(zip(corpus.codes["code"], corpus.codes["name"], strict=True))
    found = found.assign(
        text=found["text"].map(lambda s: " ".join(str(s).split())),
        theme=found["code"].map(theme_of),
    )
    found = found.drop_duplicates(["document", "start", "end", "code"])
    length = found["text"].str.len()
    middle = (min_chars + max_chars) / 2
    found = found.assign(
        _fits=((length >= min_chars) & (length <= max_chars)).astype(int),
        _dist=(length - middle).abs(),
        _pos=np.arange(len(found)),
    ).sort_values(["_fits", "_dist", "_pos"], ascending=[False, True, True])
    doc_rank = {d: i for i, d in enumerate(corpus.documents["document"])}
    theme_order = [c for c in pd.unique(theme_of.reindex(corpus.codes["code"]))]
    picked = []
    texts: set[str] = set()  # across themes: a passage coded with two themes is quoted once
    for theme in theme_order:
        cands = found[found["theme"] == theme]
        chosen: list[int] = []
        for rule in ("spread", "document", "any"):
            for idx, row in cands.iterrows():
                if len(chosen) >= per_theme:
                    break
                if idx in chosen or row["text"] in texts:
                    continue
                used = cands.loc[chosen]
                if rule in ("spread", "document") and row["document"] in set(used["document"]):
                    continue
                if rule == "spread" and spread is not None and row[spread] in set(used[spread]):
                    continue
                chosen.append(idx)
                texts.add(row["text"])
        sel = cands.loc[chosen]
        sel = sel.assign(_d=sel["document"].map(doc_rank)).sort_values(["_d", "start"])
        picked.append(sel)
    attrs = corpus.attributes
    cols = ["theme", "theme_name", "code", "code_name", "segment", "document", "text", *attrs]
    if not picked:
        return pd.DataFrame(columns=cols)
    out = pd.concat(picked, ignore_index=True)
    out["theme_name"] = out["theme"].map(names)
    return out[cols].reset_index(drop=True)
