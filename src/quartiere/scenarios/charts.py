"""Charts for scenario planning (plain altair; the report theme is applied by ``setup``).

Every visible string comes from the shared catalog (``report/messages/scenarios.yml``,
keys ``scenarios.*``) through :func:`label`.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from quartiere.errors import ParameterError
from quartiere.report.charts import PALETTE
from quartiere.report.i18n import messages, t

__all__ = [
    "projection_chart",
    "gap_chart",
    "demand_rate_chart",
    "ranking_chart",
    "rank_probability_chart",
    "tornado_chart",
    "label",
]

_SCENARIO_ORDER = ("low", "baseline", "high")


def label(key: str, lang: str = "it") -> str:
    """User-visible label of ``key`` in ``lang`` ("it" or "en"); unknown keys pass through.

    Parameters
    ----------
    key : str
        A key of the catalog without the ``scenarios.`` prefix (``"population"``,
        ``"crit.equita"``, ``"area.anziani"``).
    lang : {"it", "en"}
        Language.

    Returns
    -------
    str
        The catalog text, or ``key`` itself when the catalog has no such entry.

    Raises
    ------
    ParameterError
        Unknown ``lang``.

    Examples
    --------
    >>> label("population", "en"), label("population", "it")
    ('Population', 'Popolazione')
    >>> label("crit.equita", "en"), label("not_a_key", "en")
    ('Equity', 'not_a_key')
    """
    if lang not in ("it", "en"):
        raise ParameterError(f"language {lang!r}: use 'it' or 'en'", parameter="lang")
    full = f"scenarios.{key}"
    return t(full, lang) if full in messages() else key


def _criterion(name: str, lang: str) -> str:
    return label(f"crit.{name}", lang) if f"scenarios.crit.{name}" in messages() else name


def projection_chart(
    projection: pd.DataFrame,
    *,
    age_min: int = 65,
    lang: str = "it",
    title: str | None = None,
) -> alt.Chart:
    """Small multiples: residents aged ``age_min``+ by year, one panel per district.

    Parameters
    ----------
    projection : pandas.DataFrame
        Output of :func:`~quartiere.scenarios.project_population` (one or more scenarios).
    age_min : int
        First age counted (a band start; 0 = every resident).
    lang : {"it", "en"}
        Label language.
    title : str, optional
        Figure caption.

    Returns
    -------
    altair.Chart
        Faceted line chart, colour = scenario, each panel with its own y scale (comuni
        differ tenfold in size).

    Raises
    ------
    ParameterError
        Unknown ``lang``.

    Notes
    -----
    Plain altair; rows with missing values are left to altair, which skips them.

    References
    ----------
    Satyanarayan, A. et al. (2017). Vega-Lite: a grammar of interactive graphics. *IEEE TVCG*.

    Examples
    --------
    >>> proj = pd.DataFrame({"scenario": "baseline", "year": [2026, 2027], "district": "A",
    ...                      "age_start": 65, "population": [10.0, 11.0]})
    >>> spec = projection_chart(proj, lang="en").to_dict()
    >>> spec["spec"]["encoding"]["y"]["title"]
    'Residents aged 65+'
    """
    y_title = (
        label("residents_all", lang)
        if age_min <= 0
        else t("scenarios.residents_aged", lang, age=age_min)
    )
    sub = projection[projection["age_start"] >= age_min]
    data = sub.groupby(["scenario", "year", "district"], as_index=False, sort=False)[
        "population"
    ].sum()
    data["scenario_label"] = [label(s, lang) for s in data["scenario"]]
    order = [label(s, lang) for s in _SCENARIO_ORDER if s in set(data["scenario"])]
    order += [s for s in dict.fromkeys(data["scenario_label"]) if s not in order]
    districts = list(dict.fromkeys(data["district"]))
    chart = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title=label("year", lang), axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "population:Q",
                title=y_title,
                scale=alt.Scale(zero=False),
                axis=alt.Axis(format=",.0f", tickCount=4),
            ),
            color=alt.Color(
                "scenario_label:N",
                title=label("scenario", lang),
                sort=order,
                scale=alt.Scale(
                    domain=order,
                    range=[PALETTE[5], PALETTE[0], PALETTE[2]][: len(order)] + PALETTE[3:],
                ),
            ),
            tooltip=[
                alt.Tooltip("district:N", title=label("district", lang)),
                alt.Tooltip("scenario_label:N", title=label("scenario", lang)),
                alt.Tooltip("year:O", title=label("year", lang)),
                alt.Tooltip("population:Q", title=y_title, format=",.0f"),
            ],
        )
        .properties(width=160, height=120)
        .facet(
            facet=alt.Facet("district:N", title=None, sort=districts),
            columns=3,
        )
        .resolve_scale(y="independent")
    )
    return chart.properties(title=title) if title else chart


def gap_chart(
    gaps: pd.DataFrame, *, year: int | None = None, lang: str = "it", title: str | None = None
) -> alt.Chart:
    """Bar chart of gaps (required - supply) by district, one panel per service.

    Parameters
    ----------
    gaps : pandas.DataFrame
        Output of :func:`~quartiere.scenarios.service_gaps` (one scenario is best).
    year : int, optional
        Year shown (default the last).
    lang : {"it", "en"}
        Label language.
    title : str, optional
        Figure caption.

    Returns
    -------
    altair.Chart

    Raises
    ------
    ParameterError
        Unknown ``lang``.

    Notes
    -----
    Plain altair; rows with missing values are left to altair, which skips them.
    Red bars are shortfalls, blue bars a supply above the standard.

    References
    ----------
    Satyanarayan, A. et al. (2017). Vega-Lite: a grammar of interactive graphics. *IEEE TVCG*.

    Examples
    --------
    >>> g = pd.DataFrame({"scenario": "baseline", "year": 2029, "district": ["A", "B"],
    ...                   "service": "adi", "gap": [3.0, -1.0]})
    >>> gap_chart(g, lang="en").to_dict()["spec"]["encoding"]["x"]["title"]
    'Gap against the standard'
    """
    y = int(gaps["year"].max()) if year is None else int(year)
    data = gaps[gaps["year"] == y].copy()
    data["service_label"] = [label(s, lang) for s in data["service"]]
    services = list(dict.fromkeys(data["service_label"]))
    districts = list(dict.fromkeys(data["district"]))
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("gap:Q", title=label("gap", lang), axis=alt.Axis(format=",.0f", tickCount=4)),
            y=alt.Y("district:N", title=None, sort=districts),
            color=alt.condition("datum.gap > 0", alt.value(PALETTE[5]), alt.value(PALETTE[0])),
            tooltip=[
                alt.Tooltip("district:N", title=label("district", lang)),
                alt.Tooltip("service_label:N", title=label("service", lang)),
                alt.Tooltip("gap:Q", title=label("gap", lang), format=",.1f"),
            ],
        )
        .properties(width=150, height=alt.Step(14))
        .facet(facet=alt.Facet("service_label:N", title=None, sort=services), columns=3)
        .resolve_scale(x="independent")
    )
    return chart.properties(title=title) if title else chart


def demand_rate_chart(
    rates: pd.DataFrame, *, lang: str = "it", title: str | None = None
) -> alt.Chart:
    """Lines of a service's demand per 1,000 residents by year, one line per district.

    Parameters
    ----------
    rates : pandas.DataFrame
        ``year``, ``district``, ``rate`` (e.g. from
        :func:`~quartiere.scenarios.plan.demand_rates`).
    lang : {"it", "en"}
        Label language.
    title : str, optional
        Figure caption.

    Returns
    -------
    altair.Chart
        Lines with points, colour = district (legend below).

    Raises
    ------
    ParameterError
        Unknown ``lang``.

    Notes
    -----
    Plain altair; rows with missing values are left to altair, which skips them.

    References
    ----------
    Satyanarayan, A. et al. (2017). Vega-Lite: a grammar of interactive graphics. *IEEE TVCG*.

    Examples
    --------
    >>> r = pd.DataFrame({"year": [2026, 2029], "district": "A", "rate": [40.0, 44.0]})
    >>> demand_rate_chart(r, lang="en").to_dict()["encoding"]["y"]["title"]
    'Demand per 1,000 residents'
    """
    districts = list(dict.fromkeys(rates["district"]))
    chart = (
        alt.Chart(rates)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title=label("year", lang), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("rate:Q", title=label("per_1000", lang), scale=alt.Scale(zero=False)),
            color=alt.Color(
                "district:N",
                title=label("district", lang),
                sort=districts,
                legend=alt.Legend(columns=3),
            ),
            tooltip=[
                alt.Tooltip("district:N", title=label("district", lang)),
                alt.Tooltip("year:O", title=label("year", lang)),
                alt.Tooltip("rate:Q", title=label("per_1000", lang), format=",.1f"),
            ],
        )
        .properties(width=420, height=240)
    )
    return chart.properties(title=title) if title else chart


def ranking_chart(
    ranking: pd.DataFrame,
    *,
    method: str = "topsis",
    lang: str = "it",
    title: str | None = None,
) -> alt.Chart:
    """Dots of each option's score under each set of weights.

    Parameters
    ----------
    ranking : pandas.DataFrame
        Output of :func:`~quartiere.scenarios.plan.rank_options` (``weight_set``,
        ``method``, ``option``, ``estimate``, ``rank``).
    method : {"topsis", "weighted_sum"}
        Method shown.
    lang : {"it", "en"}
        Label language.
    title : str, optional
        Figure caption.

    Returns
    -------
    altair.Chart

    Raises
    ------
    ParameterError
        Unknown ``lang``.

    Notes
    -----
    Options are sorted by their best rank over the weight sets.

    References
    ----------
    Hwang, C.-L. & Yoon, K. (1981). *Multiple Attribute Decision Making*. Springer.

    Examples
    --------
    >>> r = pd.DataFrame({"weight_set": ["equal", "residents"], "method": "topsis",
    ...                   "option": "A", "estimate": [0.6, 0.4], "rank": [1, 2]})
    >>> ranking_chart(r, lang="en").to_dict()["encoding"]["color"]["title"]
    'Weights'
    """
    data = ranking[ranking["method"] == method].copy()
    data["weights"] = [label(f"ws_{w}", lang) for w in data["weight_set"]]
    order = list(data.groupby("option", sort=False)["rank"].min().sort_values(kind="stable").index)
    sets = list(dict.fromkeys(data["weights"]))
    x_title = label("closeness", lang) if method == "topsis" else label("estimate", lang)
    chart = (
        alt.Chart(data)
        .mark_point(filled=True, size=110, opacity=0.9)
        .encode(
            x=alt.X("estimate:Q", title=x_title, scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("option:N", title=label("option", lang), sort=order),
            color=alt.Color(
                "weights:N", title=label("weight_set", lang), scale=alt.Scale(domain=sets)
            ),
            shape=alt.Shape(
                "weights:N", title=label("weight_set", lang), scale=alt.Scale(domain=sets)
            ),
            tooltip=[
                alt.Tooltip("option:N", title=label("option", lang)),
                alt.Tooltip("weights:N", title=label("weight_set", lang)),
                alt.Tooltip("estimate:Q", title=x_title, format=".3f"),
                alt.Tooltip("rank:Q", title=label("rank", lang)),
            ],
        )
        .properties(width=420, height=alt.Step(26))
    )
    return chart.properties(title=title) if title else chart


def rank_probability_chart(
    summary: pd.DataFrame, *, lang: str = "it", title: str | None = None
) -> alt.Chart:
    """Bar chart of the probability that each option ranks first (Monte Carlo).

    Parameters
    ----------
    summary : pandas.DataFrame
        ``MonteCarloResult.to_frame()`` (columns ``option``, ``p_first``).
    lang : {"it", "en"}
        Label language.
    title : str, optional
        Figure caption.

    Returns
    -------
    altair.Chart

    Raises
    ------
    ParameterError
        Unknown ``lang``.

    Notes
    -----
    Plain altair; rows with missing values are left to altair, which skips them.

    References
    ----------
    Satyanarayan, A. et al. (2017). Vega-Lite: a grammar of interactive graphics. *IEEE TVCG*.

    Examples
    --------
    >>> s = pd.DataFrame({"option": ["a", "b"], "p_first": [0.7, 0.3]})
    >>> rank_probability_chart(s, lang="en").to_dict()["encoding"]["x"]["title"]
    'Probability of ranking first'
    """
    chart = (
        alt.Chart(summary)
        .mark_bar()
        .encode(
            x=alt.X(
                "p_first:Q",
                title=label("p_first", lang),
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            y=alt.Y("option:N", sort="-x", title=label("option", lang)),
            tooltip=[
                alt.Tooltip("option:N", title=label("option", lang)),
                alt.Tooltip("p_first:Q", title=label("p_first", lang), format=".1%"),
            ],
        )
        .properties(height=alt.Step(24))
    )
    if title:
        return chart.properties(title=title)
    return chart


def tornado_chart(
    data: pd.DataFrame, *, top: int = 10, lang: str = "it", title: str | None = None
) -> alt.Chart:
    """Tornado chart: range of the option's closeness as each input moves alone.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`~quartiere.scenarios.tornado`.
    top : int
        Inputs shown (largest swings).
    lang : {"it", "en"}
        Label language.
    title : str, optional
        Figure caption.

    Returns
    -------
    altair.Chart
        Layer of bars (low to high) and a rule at the base value.

    Raises
    ------
    ParameterError
        Unknown ``lang``.

    Notes
    -----
    Inputs are labelled in words ("Weight: Equity", "Score: Yearly cost") when the frame
    has ``kind`` and ``criterion`` columns, else by ``parameter``. Inputs that do not move
    the result (swing 0) are left out.

    References
    ----------
    Eschenbach, T. G. (1992). Spiderplots versus tornado diagrams for sensitivity
    analysis. *Interfaces*, 22(6), 40-46.

    Examples
    --------
    >>> t = pd.DataFrame({"parameter": ["weight:cost"], "estimate_low": [0.4],
    ...                   "estimate_high": [0.6], "base": [0.5], "swing": [0.2]})
    >>> tornado_chart(t, lang="en").to_dict()["layer"][0]["encoding"]["y"]["title"]
    'Parameter'
    """
    label("parameter", lang)  # validates lang
    sub = data[data["swing"] > 0].nlargest(top, "swing").copy()
    if sub.empty:
        sub = data.head(1).copy()
    if {"kind", "criterion"} <= set(sub.columns):
        sub["input"] = [
            t(f"scenarios.t_{k}", lang, criterion=_criterion(c, lang))
            if k in ("weight", "score")
            else p
            for k, c, p in zip(sub["kind"], sub["criterion"], sub["parameter"], strict=True)
        ]
    else:
        sub["input"] = sub["parameter"]
    order = list(sub["input"])
    x_title = label("closeness", lang)
    bars = (
        alt.Chart(sub)
        .mark_bar(color=PALETTE[0])
        .encode(
            y=alt.Y(
                "input:N",
                sort=order,
                title=label("parameter", lang),
                axis=alt.Axis(labelLimit=320),
            ),
            x=alt.X("estimate_low:Q", title=x_title, scale=alt.Scale(zero=False)),
            x2="estimate_high:Q",
            tooltip=[
                alt.Tooltip("input:N", title=label("parameter", lang)),
                alt.Tooltip("estimate_low:Q", format=".3f"),
                alt.Tooltip("estimate_high:Q", format=".3f"),
            ],
        )
    )
    rule = alt.Chart(sub.head(1)).mark_rule(color="black", size=2).encode(x="base:Q")
    chart = alt.layer(bars, rule).properties(width=340, height=alt.Step(24))
    return chart.properties(title=title) if title else chart
