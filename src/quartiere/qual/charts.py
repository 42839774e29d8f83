"""Interview charts (altair): code x attribute heatmap, saturation curve, agreement by code,
co-occurrence matrix and the mixed-methods joint display.

Each helper returns an ``alt.Chart`` and never displays it; labels come from ``_LABELS`` in
the report language (``"it"`` or ``"en"``).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from quartiere.errors import ParameterError

__all__ = [
    "crosstab_chart",
    "saturation_chart",
    "agreement_chart",
    "cooccurrence_chart",
    "joint_display_chart",
]

_LABELS = {
    "it": {
        "code": "Codice",
        "group": "Gruppo",
        "pct_documents": "Interviste che ne parlano (%)",
        "n_documents": "Interviste",
        "n_segments": "Segmenti codificati",
        "position": "Intervista n.",
        "cumulative_codes": "Codici distinti trovati",
        "new_codes": "Codici nuovi",
        "alpha": "Alfa di Krippendorff",
        "kappa": "Kappa di Cohen",
        "threshold": "Soglia 0,667",
        "code_a": "Codice",
        "code_b": "Codice",
        "jaccard": "Indice di Jaccard",
        "n": "Co-occorrenze",
        "district": "Comune",
        "theme": "Tema",
        "fit": "Esito",
        "convergence": "Convergenza",
        "divergence": "Divergenza",
        "inconclusive": "Non conclusivo",
        "no_interviews": "Nessuna intervista",
        "no_survey": "Nessun dato di indagine",
    },
    "en": {
        "code": "Code",
        "group": "Group",
        "pct_documents": "Interviews raising it (%)",
        "n_documents": "Interviews",
        "n_segments": "Coded segments",
        "position": "Interview no.",
        "cumulative_codes": "Distinct codes found",
        "new_codes": "New codes",
        "alpha": "Krippendorff's alpha",
        "kappa": "Cohen's kappa",
        "threshold": "Threshold 0.667",
        "code_a": "Code",
        "code_b": "Code",
        "jaccard": "Jaccard index",
        "n": "Co-occurrences",
        "district": "Comune",
        "theme": "Theme",
        "fit": "Result",
        "convergence": "Convergence",
        "divergence": "Divergence",
        "inconclusive": "Inconclusive",
        "no_interviews": "No interviews",
        "no_survey": "No survey data",
    },
}


def _labels(lang: str) -> dict[str, str]:
    if lang not in _LABELS:
        raise ParameterError(f"unknown language {lang!r}; use it or en", parameter="lang")
    return _LABELS[lang]


def _need(frame: pd.DataFrame, columns, name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParameterError(f"{name} needs column(s) {', '.join(missing)}", parameter=name)


def crosstab_chart(
    frequencies: pd.DataFrame,
    by: str,
    *,
    value: str = "pct_documents",
    lang: str = "it",
) -> alt.Chart:
    """Heatmap of code (rows) x attribute group (columns), from ``code_frequencies(by=...)``.

    Parameters
    ----------
    frequencies : pandas.DataFrame
        Output of :func:`quartiere.qual.code_frequencies` with ``by``.
    by : str
        The attribute column (``district``, ``role``).
    value : {"pct_documents", "n_documents", "n_segments"}, default "pct_documents"
    lang : {"it", "en"}, default "it"

    Returns
    -------
    altair.Chart

    Raises
    ------
    ParameterError
        Missing columns or unknown language.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"code": ["a", "a"], "name": ["Casa", "Casa"], "district": ["X", "Y"],
    ...                   "pct_documents": [0.5, 1.0], "n": [2, 2]})
    >>> crosstab_chart(f, "district").to_dict()["mark"]["type"]
    'rect'
    """
    labels = _labels(lang)
    _need(frequencies, ["name", by, value], "frequencies")
    data = frequencies.copy()
    fmt = ".0%" if value == "pct_documents" else "d"
    title = labels.get(value, value)
    return (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X(f"{by}:N", title=labels.get(by, labels["group"])),
            y=alt.Y("name:N", title=labels["code"], sort=None),
            color=alt.Color(f"{value}:Q", title=title, scale=alt.Scale(scheme="blues")),
            tooltip=[
                alt.Tooltip("name:N", title=labels["code"]),
                alt.Tooltip(f"{by}:N", title=labels.get(by, labels["group"])),
                alt.Tooltip(f"{value}:Q", title=title, format=fmt),
            ],
        )
    )


def saturation_chart(saturation: pd.DataFrame, *, lang: str = "it") -> alt.Chart:
    """Cumulative distinct codes by interview, with new codes as bars.

    Parameters
    ----------
    saturation : pandas.DataFrame
        Output of :func:`quartiere.qual.saturation`.
    lang : {"it", "en"}, default "it"

    Returns
    -------
    altair.LayerChart

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"position": [1, 2], "document": ["a", "b"], "new_codes": [3, 1],
    ...                   "cumulative_codes": [3, 4]})
    >>> len(saturation_chart(s).to_dict()["layer"])
    2
    """
    labels = _labels(lang)
    _need(saturation, ["position", "new_codes", "cumulative_codes"], "saturation")
    base = alt.Chart(saturation).encode(x=alt.X("position:O", title=labels["position"]))
    bars = base.mark_bar(opacity=0.5).encode(y=alt.Y("new_codes:Q", title=labels["new_codes"]))
    line = base.mark_line(point=True).encode(
        y=alt.Y("cumulative_codes:Q", title=labels["cumulative_codes"])
    )
    return alt.layer(bars, line).resolve_scale(y="independent")


def agreement_chart(
    agreement: pd.DataFrame, *, measure: str = "alpha", lang: str = "it"
) -> alt.Chart:
    """Dot chart of agreement by code with Krippendorff's 0.667 threshold.

    Parameters
    ----------
    agreement : pandas.DataFrame
        Output of :func:`quartiere.qual.agreement`.
    measure : {"alpha", "kappa"}, default "alpha"
    lang : {"it", "en"}, default "it"

    Returns
    -------
    altair.LayerChart

    Notes
    -----
    Krippendorff (2004) suggests alpha >= 0.800 for conclusions and >= 0.667 for tentative
    ones; the rule line marks 0.667.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"code": ["x", "(overall)"], "name": ["X", "(overall)"],
    ...                   "alpha": [0.5, 0.7], "kappa": [0.5, 0.7]})
    >>> agreement_chart(a).to_dict()["layer"][1]["mark"]["type"]
    'rule'
    """
    labels = _labels(lang)
    if measure not in ("alpha", "kappa"):
        raise ParameterError("measure must be 'alpha' or 'kappa'", parameter="measure")
    _need(agreement, ["name", measure], "agreement")
    data = agreement.sort_values(measure, ascending=False)
    dots = (
        alt.Chart(data)
        .mark_point(filled=True, size=60)
        .encode(
            x=alt.X(f"{measure}:Q", title=labels[measure], scale=alt.Scale(domain=[-0.5, 1])),
            y=alt.Y("name:N", title=labels["code"], sort=None),
            tooltip=[alt.Tooltip("name:N"), alt.Tooltip(f"{measure}:Q", format=".2f")],
        )
    )
    rule = alt.Chart(pd.DataFrame({"x": [0.667]})).mark_rule(strokeDash=[4, 4]).encode(x="x:Q")
    return alt.layer(dots, rule)


def cooccurrence_chart(
    cooccurrence: pd.DataFrame,
    names: dict[str, str] | None = None,
    *,
    value: str = "jaccard",
    lang: str = "it",
) -> alt.Chart:
    """Heatmap of code pairs from :func:`quartiere.qual.cooccurrence` (both triangles).

    Parameters
    ----------
    cooccurrence : pandas.DataFrame
    names : dict, optional
        Code id -> display name.
    value : {"jaccard", "c_coefficient", "n"}, default "jaccard"
    lang : {"it", "en"}, default "it"

    Returns
    -------
    altair.Chart

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"code_a": ["a"], "code_b": ["b"], "n": [2], "jaccard": [0.2],
    ...                   "c_coefficient": [0.3]})
    >>> len(cooccurrence_chart(c).to_dict()["datasets"].popitem()[1])
    2
    """
    labels = _labels(lang)
    _need(cooccurrence, ["code_a", "code_b", value], "cooccurrence")
    names = names or {}
    one = cooccurrence[["code_a", "code_b", value]]
    both = pd.concat([one, one.rename(columns={"code_a": "code_b", "code_b": "code_a"})])
    both = both.assign(
        a=both["code_a"].map(lambda c: names.get(c, c)),
        b=both["code_b"].map(lambda c: names.get(c, c)),
    )
    return (
        alt.Chart(both)
        .mark_rect()
        .encode(
            x=alt.X("a:N", title=labels["code_a"]),
            y=alt.Y("b:N", title=labels["code_b"]),
            color=alt.Color(
                f"{value}:Q", title=labels.get(value, value), scale=alt.Scale(scheme="purples")
            ),
            tooltip=["a:N", "b:N", alt.Tooltip(f"{value}:Q", format=".2f")],
        )
    )


def joint_display_chart(joint: pd.DataFrame, *, lang: str = "it") -> alt.Chart:
    """Theme x district grid coloured by convergence/divergence (from ``joint_display``).

    Parameters
    ----------
    joint : pandas.DataFrame
        Output of :func:`quartiere.qual.joint_display`.
    lang : {"it", "en"}, default "it"

    Returns
    -------
    altair.Chart

    Examples
    --------
    >>> import pandas as pd
    >>> j = pd.DataFrame({"district": ["A"], "theme": ["casa"], "fit": ["convergence"],
    ...                   "pct_documents": [0.5], "estimate": [0.3]})
    >>> joint_display_chart(j).to_dict()["mark"]["type"]
    'rect'
    """
    labels = _labels(lang)
    _need(joint, ["district", "theme", "fit"], "joint")
    order = ["convergence", "divergence", "inconclusive", "no_interviews", "no_survey"]
    data = joint.assign(fit_label=joint["fit"].map(lambda f: labels.get(f, f)))
    return (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X("district:N", title=labels["district"]),
            y=alt.Y("theme:N", title=labels["theme"]),
            color=alt.Color(
                "fit_label:N",
                title=labels["fit"],
                scale=alt.Scale(
                    domain=[labels[f] for f in order],
                    range=["#4477AA", "#EE6677", "#BBBBBB", "#EEEEEE", "#DDDDDD"],
                ),
            ),
            tooltip=["district:N", "theme:N", "fit_label:N"],
        )
    )
