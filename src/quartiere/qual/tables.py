"""Report tables of the interviews analysis: each helper returns a
:class:`quartiere.report.ReportTable` (localized numbers, escaped text, caption numbered by
the report). Labels come from the ``qual.*`` entries of the message catalog."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from quartiere.errors import ParameterError
from quartiere.qual._i18n import check_lang, label, value_label
from quartiere.report.i18n import format_number, format_percent
from quartiere.report.tables import ReportTable, table

__all__ = [
    "documents_table",
    "frequencies_table",
    "top_themes_table",
    "cooccurrence_table",
    "agreement_table",
    "quotes_table",
    "replacements_table",
    "joint_display_table",
]


def _need(frame: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParameterError(f"{name} needs column(s) {', '.join(missing)}", parameter=name)


def _names(codebook: pd.DataFrame | Mapping[str, str] | None) -> dict[str, str]:
    if codebook is None:
        return {}
    if isinstance(codebook, pd.DataFrame):
        return dict(zip(codebook["code"], codebook["name"], strict=True))
    return dict(codebook)


def documents_table(
    counts: pd.DataFrame,
    *,
    lang: str,
    rows: str = "district",
    columns: str = "role",
    order: Sequence[str] | None = None,
) -> ReportTable:
    """Interviews by two attributes (district x role) with totals, from ``document_counts``.

    Parameters
    ----------
    counts : pandas.DataFrame
        Output of :func:`quartiere.qual.document_counts` with ``by=(rows, columns)``.
    lang : {"it", "en"}
    rows, columns : str, default "district" and "role"
        Attributes for the rows and the columns.
    order : sequence of str, optional
        Row order (the study's districts); rows not listed follow in order of appearance.

    Returns
    -------
    ReportTable
        Data columns: ``rows``, one column per value of ``columns`` (headers translated
        through the catalog), ``total``; a last row ``Totale``/``Total``.

    Raises
    ------
    ParameterError
        Missing columns or unknown language.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"district": ["A", "A", "B"], "role": ["giovane", "caregiver",
    ...                   "giovane"], "n": [1, 2, 1]})
    >>> documents_table(c, lang="en").to_frame()
      Municipality young person family carer Total
    0            A            1            2     3
    1            B            1            0     1
    2        Total            2            2     4
    """
    check_lang(lang)
    _need(counts, [rows, columns, "n"], "counts")
    wide = counts.pivot_table(index=rows, columns=columns, values="n", aggfunc="sum", fill_value=0)
    col_order = list(pd.unique(counts[columns]))
    row_order = [r for r in (order or []) if r in wide.index]
    row_order += [r for r in pd.unique(counts[rows]) if r not in row_order]
    wide = wide.reindex(index=row_order, columns=col_order, fill_value=0)
    wide["total"] = wide.sum(axis=1)
    wide.loc[label("total", lang)] = wide.sum(axis=0)
    data = wide.reset_index().rename(columns={"index": rows})
    data.columns = [str(c) for c in data.columns]
    data = data.rename(columns={data.columns[0]: rows})
    spec = {rows: (label(rows, lang) if rows in ("district", "role") else rows, "text")}
    for c in col_order:
        spec[str(c)] = (value_label(columns, c, lang), "int")
    spec["total"] = (label("total", lang), "int")
    return table(data, caption=label("documents_title", lang), columns=spec, lang=lang)


def frequencies_table(
    frequencies: pd.DataFrame,
    *,
    lang: str,
    codebook: pd.DataFrame | Mapping[str, str] | None = None,
    coder: str | None = None,
) -> ReportTable:
    """Code frequencies overall (segments, interviews, share of interviews) by theme.

    Parameters
    ----------
    frequencies : pandas.DataFrame
        Output of :func:`quartiere.qual.code_frequencies` without ``by``.
    lang : {"it", "en"}
    codebook : DataFrame or mapping, optional
        ``corpus.codes`` (or id -> name) to show theme names instead of ids.
    coder : str, optional
        Named in the caption.

    Returns
    -------
    ReportTable
        Columns theme, code, ``n_segments``, ``n_documents``, ``pct_documents``.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"code": ["sol"], "name": ["Solitudine"], "theme": ["iso"],
    ...                   "n_segments": [3], "n_documents": [2], "n": [4],
    ...                   "pct_documents": [0.5]})
    >>> frequencies_table(f, lang="it", codebook={"iso": "Isolamento"}).to_frame().iloc[0].tolist()
    ['Isolamento', 'Solitudine', '3', '2', '50%']
    """
    check_lang(lang)
    _need(
        frequencies, ["name", "theme", "n_segments", "n_documents", "pct_documents"], "frequencies"
    )
    names = _names(codebook)
    data = frequencies.assign(theme_name=frequencies["theme"].map(lambda c: names.get(c, c)))
    n = int(frequencies["n"].max()) if "n" in frequencies.columns and len(frequencies) else 0
    spec = {
        "theme_name": (label("theme", lang), "text"),
        "name": (label("code", lang), "text"),
        "n_segments": (label("n_segments", lang), "int"),
        "n_documents": (label("n_documents", lang), "int"),
        "pct_documents": (label("pct_documents", lang), "pct0"),
    }
    caption = label("frequencies_title", lang, coder=coder or "-")
    return table(
        data, caption=caption, columns=spec, lang=lang, note=label("frequencies_note", lang, n=n)
    )


def top_themes_table(top: pd.DataFrame, *, lang: str) -> ReportTable:
    """The main theme of each district (from :func:`quartiere.qual.top_themes`).

    Parameters
    ----------
    top : pandas.DataFrame
        Output of :func:`quartiere.qual.top_themes` (``by="district"``).
    lang : {"it", "en"}

    Returns
    -------
    ReportTable

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"district": ["A"], "name": ["Abitare"], "n_segments": [9],
    ...                   "share_segments": [0.4], "pct_documents": [1.0]})
    >>> top_themes_table(t, lang="en").to_frame().iloc[0].tolist()
    ['A', 'Abitare', '9', '40%', '100%']
    """
    check_lang(lang)
    _need(top, ["district", "name", "n_segments", "share_segments", "pct_documents"], "top")
    spec = {
        "district": (label("district", lang), "text"),
        "name": (label("top_theme", lang), "text"),
        "n_segments": (label("n_segments", lang), "int"),
        "share_segments": (label("share_segments", lang), "pct0"),
        "pct_documents": (label("pct_documents", lang), "pct0"),
    }
    return table(
        top,
        caption=label("top_themes_title", lang),
        columns=spec,
        lang=lang,
        note=label("top_themes_note", lang),
    )


def cooccurrence_table(
    cooccurrence: pd.DataFrame,
    *,
    lang: str,
    codebook: pd.DataFrame | Mapping[str, str] | None = None,
    top: int = 10,
) -> ReportTable:
    """The most frequent code pairs with counts, Jaccard and c-coefficient.

    Parameters
    ----------
    cooccurrence : pandas.DataFrame
        Output of :func:`quartiere.qual.cooccurrence` (sorted by ``n``).
    lang : {"it", "en"}
    codebook : DataFrame or mapping, optional
        For code names.
    top : int, default 10
        Rows shown (the ``top`` first pairs).

    Returns
    -------
    ReportTable

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"code_a": ["a"], "code_b": ["b"], "n": [3], "jaccard": [0.25],
    ...                   "c_coefficient": [0.5]})
    >>> cooccurrence_table(c, lang="en", codebook={"a": "Rent"}).to_frame().iloc[0].tolist()
    ['Rent', 'b', '3', '0.25', '0.50']
    """
    check_lang(lang)
    _need(cooccurrence, ["code_a", "code_b", "n", "jaccard", "c_coefficient"], "cooccurrence")
    if top < 1:
        raise ParameterError(f"top must be >= 1, got {top}", parameter="top")
    names = _names(codebook)
    data = cooccurrence.head(top).assign(
        name_a=lambda d: d["code_a"].map(lambda c: names.get(c, c)),
        name_b=lambda d: d["code_b"].map(lambda c: names.get(c, c)),
    )
    spec = {
        "name_a": (label("code_a", lang), "text"),
        "name_b": (label("code_b", lang), "text"),
        "n": (label("n_pairs", lang), "int"),
        "jaccard": (label("jaccard", lang), "num2"),
        "c_coefficient": (label("c_coefficient", lang), "num2"),
    }
    return table(
        data,
        caption=label("cooccurrence_title", lang),
        columns=spec,
        lang=lang,
        note=label("cooccurrence_note", lang),
    )


def agreement_table(
    agreement: pd.DataFrame,
    *,
    lang: str,
    unit: str = "character",
    codebook: pd.DataFrame | Mapping[str, str] | None = None,
) -> ReportTable:
    """Intercoder agreement per code and overall, with the best and worst codes named.

    Parameters
    ----------
    agreement : pandas.DataFrame
        Output of :func:`quartiere.qual.agreement`.
    lang : {"it", "en"}
    unit : {"character", "document"}, default "character"
        The unit used (named in the caption).
    codebook : DataFrame, optional
        ``corpus.codes``: adds a theme column.

    Returns
    -------
    ReportTable
        Columns [theme], code, percent agreement, kappa, alpha; the overall row last,
        labelled "(tutti i codici)"/"(all codes)". The note names the codes with the
        highest and lowest alpha.

    Raises
    ------
    ParameterError
        Missing columns, unknown unit or language.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"code": ["x", "y", "(overall)"], "name": ["Casa", "Fiducia",
    ...                   "(overall)"], "n_documents": [8] * 3, "n_coders": [2] * 3,
    ...                   "percent_agreement": [0.99, 0.9, 0.95], "kappa": [0.9, 0.5, 0.7],
    ...                   "alpha": [0.9, 0.5, 0.7]})
    >>> agreement_table(a, lang="en").to_frame().iloc[2].tolist()
    ['(all codes)', '95.0%', '0.70', '0.70']
    """
    check_lang(lang)
    if unit not in ("character", "document"):
        raise ParameterError(f"unit must be character or document, got {unit!r}", parameter="unit")
    _need(agreement, ["code", "name", "percent_agreement", "kappa", "alpha"], "agreement")
    data = agreement.copy()
    overall = data["code"] == "(overall)"
    data.loc[overall, "name"] = label("overall", lang)
    spec: dict[str, tuple[str, str]] = {}
    if codebook is not None and isinstance(codebook, pd.DataFrame) and "parent" in codebook:
        parent = dict(zip(codebook["code"], codebook["parent"], strict=True))
        names = _names(codebook)
        data["theme_name"] = [
            "" if o else names.get(parent.get(c), "")
            for c, o in zip(data["code"], overall, strict=True)
        ]
        spec["theme_name"] = (label("theme", lang), "text")
    spec.update(
        {
            "name": (label("code", lang), "text"),
            "percent_agreement": (label("percent_agreement", lang), "pct1"),
            "kappa": (label("kappa", lang), "num2"),
            "alpha": (label("alpha", lang), "num2"),
        }
    )
    codes = data[~overall & data["alpha"].notna()]
    note = None
    if len(codes):
        best = codes.loc[codes["alpha"].idxmax()]
        worst = codes.loc[codes["alpha"].idxmin()]
        note = label(
            "agreement_note",
            lang,
            n_documents=int(data["n_documents"].max()) if "n_documents" in data else "",
            n_coders=int(data["n_coders"].max()) if "n_coders" in data else "",
            best=best["name"],
            best_alpha=format_number(best["alpha"], lang, 2),
            worst=worst["name"],
            worst_alpha=format_number(worst["alpha"], lang, 2),
        )
    caption = label("agreement_title", lang, unit=label(f"unit_{unit}", lang))
    return table(data, caption=caption, columns=spec, lang=lang, note=note)


def quotes_table(
    quotes: pd.DataFrame, *, lang: str, caption: str | None = None, theme: bool = True
) -> ReportTable:
    """Quotes with their theme and speaker (role, district), for pseudonymized text only.

    Parameters
    ----------
    quotes : pandas.DataFrame
        Output of :func:`quartiere.qual.select_quotes` on a **pseudonymized** corpus:
        ``theme_name``, ``text`` and, when present, ``role`` and ``district``.
    lang : {"it", "en"}
    caption : str, optional
        Default "Quotes by theme (pseudonymized)".
    theme : bool, default True
        Show the theme column.

    Returns
    -------
    ReportTable
        Its ``data`` holds only the shown columns (``theme_name``, ``quote``, ``speaker``);
        the quote text is HTML-escaped when rendered (as every text cell).

    Raises
    ------
    ParameterError
        Missing columns or unknown language.

    Notes
    -----
    Refuses nothing by itself: pseudonymize the corpus before selecting quotes (the
    notebook does, with the study's names list).

    Examples
    --------
    >>> import pandas as pd
    >>> q = pd.DataFrame({"theme_name": ["Abitare"], "text": ["Affitti <alti>"],
    ...                   "role": ["giovane"], "district": ["Porto Lido"]})
    >>> quotes_table(q, lang="en").to_frame().iloc[0].tolist()
    ['Abitare', '“Affitti <alti>”', 'young person, Porto Lido']
    >>> "&lt;alti&gt;" in quotes_table(q, lang="en")._repr_html_()
    True
    """
    check_lang(lang)
    _need(quotes, ["theme_name", "text"], "quotes")
    open_q, close_q = ("«", "»") if lang == "it" else ("“", "”")
    data = quotes.assign(quote=[f"{open_q}{t}{close_q}" for t in quotes["text"]])
    spec: dict[str, tuple[str, str]] = {}
    if theme:
        spec["theme_name"] = (label("theme", lang), "text")
    spec["quote"] = (label("quote", lang), "text")
    if "role" in quotes.columns and "district" in quotes.columns:
        data["speaker"] = [
            label("interviewee_value", lang, role=value_label("role", r, lang), district=d)
            for r, d in zip(quotes["role"], quotes["district"], strict=True)
        ]
        spec["speaker"] = (label("interviewee", lang), "text")
    # keep only what is shown: the table's data travels in the executed notebook too
    return table(
        data[list(spec)],
        caption=caption or label("quotes_title", lang),
        columns=spec,
        lang=lang,
        note=label("quotes_note", lang),
    )


def replacements_table(report: pd.DataFrame, *, lang: str) -> ReportTable:
    """What pseudonymization replaced, by kind: counts only.

    Parameters
    ----------
    report : pandas.DataFrame
        :meth:`quartiere.privacy.Pseudonymizer.report` / second value of
        :func:`quartiere.privacy.pseudonymize_corpus`: ``kind``, ``n_replaced``,
        ``n_distinct``, ``n_documents``.
    lang : {"it", "en"}

    Returns
    -------
    ReportTable

    Raises
    ------
    ParameterError
        Missing columns, or any column beyond the counts (an original must never reach
        a report).

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"kind": ["phone"], "n_replaced": [2], "n_distinct": [2],
    ...                   "n_documents": [2]})
    >>> replacements_table(r, lang="en").to_frame().iloc[0].tolist()
    ['Phone numbers', '2', '2', '2']
    """
    check_lang(lang)
    allowed = ["kind", "n_replaced", "n_distinct", "n_documents"]
    _need(report, allowed, "report")
    extra = [c for c in report.columns if c not in allowed]
    if extra:
        raise ParameterError(
            f"report has column {extra[0]!r}: only counts may be shown", parameter="report"
        )
    data = report.assign(kind_label=[label(f"kind_{k}", lang) for k in report["kind"]])
    spec = {
        "kind_label": (label("kind", lang), "text"),
        "n_replaced": (label("n_replaced", lang), "int"),
        "n_distinct": (label("n_distinct", lang), "int"),
        "n_documents": (label("n_documents_touched", lang), "int"),
    }
    return table(
        data,
        caption=label("replacements_title", lang),
        columns=spec,
        lang=lang,
        note=label("replacements_note", lang),
    )


def joint_display_table(
    joint: pd.DataFrame, *, lang: str, order: Sequence[str] | None = None
) -> ReportTable:
    """The mixed-methods joint display: interviews and survey by district and theme.

    Parameters
    ----------
    joint : pandas.DataFrame
        Output of :func:`quartiere.qual.joint_display`.
    lang : {"it", "en"}
    order : sequence of str, optional
        District order (the study's); themes keep their order in ``joint``.

    Returns
    -------
    ReportTable
        Columns theme, district, share of interviews, interview signal, survey estimate,
        its 95% interval, survey signal and the result (convergence, divergence ...).

    Examples
    --------
    >>> import pandas as pd
    >>> j = pd.DataFrame({"district": ["A"], "theme": ["Abitare"], "pct_documents": [1.0],
    ...                   "qual_signal": ["high"], "estimate": [0.6], "ci_low": [0.5],
    ...                   "ci_high": [0.7], "survey_signal": ["high"], "fit": ["convergence"]})
    >>> joint_display_table(j, lang="en").to_frame().iloc[0].tolist()
    ['Abitare', 'A', '100%', 'above average', '60%', '50%-70%', 'above average', 'Convergence']
    """
    check_lang(lang)
    cols = ["district", "theme", "pct_documents", "qual_signal", "estimate", "survey_signal", "fit"]
    _need(joint, cols, "joint")
    data = joint.copy()
    if order:
        rank = {d: i for i, d in enumerate(order)}
        themes = {t: i for i, t in enumerate(pd.unique(data["theme"]))}
        data = data.assign(
            _t=data["theme"].map(themes), _d=data["district"].map(rank).fillna(len(rank))
        ).sort_values(["_t", "_d"])

    def signal(v: object) -> str:
        return label(f"signal_{v}", lang) if isinstance(v, str) else ""

    data["qual_signal_label"] = data["qual_signal"].map(signal)
    data["survey_signal_label"] = data["survey_signal"].map(signal)
    data["fit_label"] = data["fit"].map(lambda f: label(f, lang))
    lo = data["ci_low"] if "ci_low" in data else pd.Series(np.nan, index=data.index)
    hi = data["ci_high"] if "ci_high" in data else pd.Series(np.nan, index=data.index)
    data["ci_text"] = [
        ""
        if pd.isna(a) or pd.isna(b)
        else f"{format_percent(a, lang, 0)}-{format_percent(b, lang, 0)}"
        for a, b in zip(lo, hi, strict=True)
    ]
    spec = {
        "theme": (label("theme", lang), "text"),
        "district": (label("district", lang), "text"),
        "pct_documents": (label("pct_documents", lang), "pct0"),
        "qual_signal_label": (label("qual_signal", lang), "text"),
        "estimate": (label("survey_estimate", lang), "pct0"),
        "ci_text": (label("ci", lang), "text"),
        "survey_signal_label": (label("survey_signal", lang), "text"),
        "fit_label": (label("fit", lang), "text"),
    }
    return table(
        data.reset_index(drop=True),
        caption=label("joint_title", lang),
        columns=spec,
        lang=lang,
        note=label("joint_note", lang),
    )
