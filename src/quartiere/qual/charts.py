"""Interview charts (altair): code x attribute heatmap, saturation curve, agreement by code,
co-occurrence matrix and the mixed-methods joint display.

Each helper returns an ``alt.Chart`` and never displays it; labels come from the ``qual.*``
entries of the message catalog (``report/messages/qual.yml``) in the report language.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from quartiere.errors import ParameterError
from quartiere.qual._i18n import check_lang, label, value_label
from quartiere.report.charts import PALETTE

__all__ = [
    "crosstab_chart",
    "saturation_chart",
    "agreement_chart",
    "cooccurrence_chart",
    "joint_display_chart",
]

_KEYS = (
    "code group pct_documents n_documents n_segments position cumulative_codes new_codes alpha "
    "kappa threshold jaccard c_coefficient n district role age_band theme fit convergence "
    "divergence inconclusive no_interviews no_survey"
).split()


def _labels(lang: str) -> dict[str, str]:
    """Chart labels in ``lang`` from the ``qual.*`` catalog entries."""
    check_lang(lang)
    out = {key: label(key, lang) for key in _KEYS}
    out["code_a"] = out["code_b"] = out["code"]
    return out


def _need(frame: pd.DataFrame, columns, name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParameterError(f"{name} needs column(s) {', '.join(missing)}", parameter=name)


# vl-convert measures labels with a wide fallback font and truncates them early; a generous
# limit keeps code names whole (the axis then takes only the room the labels need)
_LABEL_LIMIT = 400


def _titled(chart, title: str | None):
    return chart.properties(title=title) if title else chart


def crosstab_chart(
    frequencies: pd.DataFrame,
    by: str,
    *,
    value: str = "pct_documents",
    lang: str = "it",
    title: str | None = None,
    order: Sequence[str] | None = None,
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
    title : str, optional
        Figure caption (the report numbers it).
    order : sequence of str, optional
        Column order (the study's districts); default alphabetical.

    Returns
    -------
    altair.Chart
        Codes keep the order of ``frequencies`` (codebook order); group values are shown
        through the catalog (``role = caregiver`` -> "family carer"); cells are labelled
        with the value.

    Raises
    ------
    ParameterError
        Missing columns or unknown language.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"code": ["a", "a"], "name": ["Casa", "Casa"], "district": ["X", "Y"],
    ...                   "pct_documents": [0.5, 1.0], "n": [2, 2]})
    >>> crosstab_chart(f, "district").to_dict()["layer"][0]["mark"]["type"]
    'rect'
    """
    labels = _labels(lang)
    _need(frequencies, ["name", by, value], "frequencies")
    data = frequencies.assign(
        group_label=[value_label(by, v, lang) for v in frequencies[by]],
    )
    fmt = ".0%" if value == "pct_documents" else "d"
    legend = labels.get(value, value)
    axis = labels.get(by, labels["group"])
    code_order = list(pd.unique(data["name"]))
    rect = alt.Chart().mark_rect()
    top = float(pd.to_numeric(data[value], errors="coerce").max() or 0)
    text = (
        alt.Chart()
        .mark_text(fontSize=10)
        .encode(
            text=alt.Text(f"{value}:Q", format=fmt),
            color=alt.condition(
                alt.datum[value] > top * 0.6, alt.value("white"), alt.value("#333333")
            ),
        )
    )
    chart = (
        alt.layer(rect, text, data=data)
        .encode(
            x=alt.X(
                "group_label:N",
                title=axis,
                sort=[value_label(by, v, lang) for v in order] if order else "ascending",
                axis=alt.Axis(labelAngle=-30, labelLimit=_LABEL_LIMIT),
            ),
            y=alt.Y(
                "name:N",
                title=labels["code"],
                sort=code_order,
                axis=alt.Axis(labelLimit=_LABEL_LIMIT),
            ),
            color=alt.Color(
                f"{value}:Q", title=legend, scale=alt.Scale(scheme="blues"), legend=None
            ),
            tooltip=[
                alt.Tooltip("name:N", title=labels["code"]),
                alt.Tooltip("group_label:N", title=axis),
                alt.Tooltip(f"{value}:Q", title=legend, format=fmt),
            ],
        )
        .properties(width=max(240, 70 * data["group_label"].nunique()), height=16 * len(code_order))
    )
    return _titled(chart, title)


def saturation_chart(
    saturation: pd.DataFrame, *, lang: str = "it", title: str | None = None
) -> alt.Chart:
    """Cumulative distinct codes by interview, with new codes as bars.

    Parameters
    ----------
    saturation : pandas.DataFrame
        Output of :func:`quartiere.qual.saturation`.
    lang : {"it", "en"}, default "it"
    title : str, optional
        Figure caption.

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
    base = alt.Chart(saturation).encode(
        x=alt.X("position:O", title=labels["position"], axis=alt.Axis(labelAngle=0))
    )
    bars = base.mark_bar(opacity=0.55, color=PALETTE[1]).encode(
        y=alt.Y("new_codes:Q", title=labels["new_codes"], axis=alt.Axis(titleColor=PALETTE[1]))
    )
    line = base.mark_line(point=True).encode(
        y=alt.Y(
            "cumulative_codes:Q",
            title=labels["cumulative_codes"],
            axis=alt.Axis(titleColor=PALETTE[0]),
        )
    )
    return _titled(alt.layer(bars, line).resolve_scale(y="independent"), title)


def agreement_chart(
    agreement: pd.DataFrame,
    *,
    measure: str = "alpha",
    lang: str = "it",
    title: str | None = None,
) -> alt.Chart:
    """Dot chart of agreement by code with Krippendorff's 0.667 threshold.

    Parameters
    ----------
    agreement : pandas.DataFrame
        Output of :func:`quartiere.qual.agreement`.
    measure : {"alpha", "kappa"}, default "alpha"
    lang : {"it", "en"}, default "it"
    title : str, optional
        Figure caption.

    Returns
    -------
    altair.LayerChart
        Codes sorted from the highest to the lowest agreement; the overall row is shown
        under the catalog's "(all codes)" label.

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
    overall = label("overall", lang)
    data = agreement.assign(
        name=[
            overall if c == "(overall)" else n
            for c, n in zip(
                agreement.get("code", agreement["name"]), agreement["name"], strict=True
            )
        ],
        overall=[c == "(overall)" for c in agreement.get("code", agreement["name"])],
    ).sort_values(measure, ascending=False)
    low = min(-0.1, float(pd.to_numeric(data[measure], errors="coerce").min(skipna=True) or 0))
    dots = (
        alt.Chart(data)
        .mark_point(filled=True, size=70)
        .encode(
            x=alt.X(f"{measure}:Q", title=labels[measure], scale=alt.Scale(domain=[low, 1])),
            y=alt.Y(
                "name:N", title=labels["code"], sort=None, axis=alt.Axis(labelLimit=_LABEL_LIMIT)
            ),
            color=alt.condition(alt.datum.overall, alt.value(PALETTE[5]), alt.value(PALETTE[0])),
            tooltip=[
                alt.Tooltip("name:N", title=labels["code"]),
                alt.Tooltip(f"{measure}:Q", title=labels[measure], format=".2f"),
            ],
        )
        .properties(height=16 * len(data))
    )
    rule = alt.Chart(pd.DataFrame({"x": [0.667]})).mark_rule(strokeDash=[4, 4]).encode(x="x:Q")
    return _titled(alt.layer(dots, rule), title)


def cooccurrence_chart(
    cooccurrence: pd.DataFrame,
    names: dict[str, str] | pd.DataFrame | None = None,
    *,
    value: str = "jaccard",
    lang: str = "it",
    title: str | None = None,
) -> alt.Chart:
    """Heatmap of code pairs from :func:`quartiere.qual.cooccurrence` (both triangles).

    Parameters
    ----------
    cooccurrence : pandas.DataFrame
    names : dict or pandas.DataFrame, optional
        Code id -> display name, or the codebook (``corpus.codes``); codes are then shown
        in codebook order.
    value : {"jaccard", "c_coefficient", "n"}, default "jaccard"
    lang : {"it", "en"}, default "it"
    title : str, optional
        Figure caption.

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
    if isinstance(names, pd.DataFrame):
        names = dict(zip(names["code"], names["name"], strict=True))
    names = names or {}
    one = cooccurrence[["code_a", "code_b", value]]
    both = pd.concat([one, one.rename(columns={"code_a": "code_b", "code_b": "code_a"})])
    both = both.assign(
        a=both["code_a"].map(lambda c: names.get(c, c)),
        b=both["code_b"].map(lambda c: names.get(c, c)),
    )
    order = sorted(
        set(both["a"]),
        key=lambda n: list(names.values()).index(n) if n in names.values() else len(names),
    )
    chart = (
        alt.Chart(both)
        .mark_rect()
        .encode(
            x=alt.X(
                "a:N",
                title=labels["code_a"],
                sort=order,
                axis=alt.Axis(labelAngle=-90, labelLimit=_LABEL_LIMIT),
            ),
            y=alt.Y(
                "b:N", title=labels["code_b"], sort=order, axis=alt.Axis(labelLimit=_LABEL_LIMIT)
            ),
            color=alt.Color(
                f"{value}:Q", title=labels.get(value, value), scale=alt.Scale(scheme="purples")
            ),
            tooltip=[
                alt.Tooltip("a:N", title=labels["code_a"]),
                alt.Tooltip("b:N", title=labels["code_b"]),
                alt.Tooltip(f"{value}:Q", title=labels.get(value, value), format=".2f"),
            ],
        )
        .properties(width=17 * len(order), height=17 * len(order))
    )
    return _titled(chart, title)


def joint_display_chart(
    joint: pd.DataFrame,
    *,
    lang: str = "it",
    title: str | None = None,
    order: Sequence[str] | None = None,
) -> alt.Chart:
    """Theme x district grid coloured by convergence/divergence (from ``joint_display``).

    Parameters
    ----------
    joint : pandas.DataFrame
        Output of :func:`quartiere.qual.joint_display`.
    lang : {"it", "en"}, default "it"
    title : str, optional
        Figure caption.
    order : sequence of str, optional
        District order (the study's); default their order in ``joint``.

    Returns
    -------
    altair.Chart
        Cells carry the interview share and the survey estimate in the tooltip.

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
    colours = {
        "convergence": "#4477AA",
        "divergence": "#EE6677",
        "inconclusive": "#BBBBBB",
        "no_interviews": "#EEEEEE",
        "no_survey": "#DDDDDD",
    }
    present = [f for f in colours if f in set(joint["fit"])]
    data = joint.assign(fit_label=joint["fit"].map(lambda f: labels.get(f, f)))
    tips = [
        alt.Tooltip("district:N", title=labels["district"]),
        alt.Tooltip("theme:N", title=labels["theme"]),
        alt.Tooltip("fit_label:N", title=labels["fit"]),
    ]
    if "pct_documents" in data.columns:
        tips.append(alt.Tooltip("pct_documents:Q", title=labels["pct_documents"], format=".0%"))
    if "estimate" in data.columns:
        tips.append(alt.Tooltip("estimate:Q", title=label("survey_estimate", lang), format=".0%"))
    chart = (
        alt.Chart(data)
        .mark_rect(stroke="white", strokeWidth=2)
        .encode(
            x=alt.X(
                "district:N",
                title=labels["district"],
                sort=list(order) if order else list(pd.unique(data["district"])),
                axis=alt.Axis(labelAngle=-30),
            ),
            y=alt.Y("theme:N", title=labels["theme"], axis=alt.Axis(labelLimit=_LABEL_LIMIT)),
            color=alt.Color(
                "fit_label:N",
                title=labels["fit"],
                scale=alt.Scale(
                    domain=[labels[f] for f in present], range=[colours[f] for f in present]
                ),
            ),
            tooltip=tips,
        )
        .properties(width=70 * data["district"].nunique(), height=36 * data["theme"].nunique())
    )
    return _titled(chart, title)
