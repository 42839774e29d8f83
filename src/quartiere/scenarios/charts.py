"""Charts for scenario planning (plain altair; the report theme is applied by the lead)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from quartiere.errors import ParameterError

__all__ = ["projection_chart", "gap_chart", "rank_probability_chart", "tornado_chart", "label"]

_LABELS: dict[str, dict[str, str]] = {
    "it": {
        "year": "Anno",
        "population": "Popolazione",
        "district": "Comune",
        "scenario": "Scenario",
        "service": "Servizio",
        "gap": "Scarto rispetto allo standard",
        "option": "Opzione",
        "p_first": "Probabilità di essere prima",
        "closeness": "Indice di vicinanza all'ideale (TOPSIS)",
        "parameter": "Parametro",
        "age_group": "Classe d'età",
        "social_workers": "Assistenti sociali (FTE)",
        "nido": "Posti nido",
        "adi": "Utenti ADI 65+",
        "economic_support": "Sostegno economico (nuclei)",
        "housing": "Casa (nuclei)",
        "baseline": "Base",
        "low": "Basso",
        "high": "Alto",
        "estimate": "Punteggio",
        "rank": "Posizione",
        "budget": "Budget annuo (EUR)",
        "weight": "Peso",
    },
    "en": {
        "year": "Year",
        "population": "Population",
        "district": "Municipality",
        "scenario": "Scenario",
        "service": "Service",
        "gap": "Gap against the standard",
        "option": "Option",
        "p_first": "Probability of ranking first",
        "closeness": "Closeness to the ideal (TOPSIS)",
        "parameter": "Parameter",
        "age_group": "Age group",
        "social_workers": "Social workers (FTE)",
        "nido": "Nursery places",
        "adi": "Home-care users 65+",
        "economic_support": "Economic support (households)",
        "housing": "Housing (households)",
        "baseline": "Baseline",
        "low": "Low",
        "high": "High",
        "estimate": "Score",
        "rank": "Rank",
        "budget": "Yearly budget (EUR)",
        "weight": "Weight",
    },
}


def label(key: str, lang: str = "it") -> str:
    """User-visible label of ``key`` in ``lang`` ("it" or "en"); unknown keys pass through.

    Examples
    --------
    >>> label("population", "en"), label("population", "it")
    ('Population', 'Popolazione')
    """
    if lang not in _LABELS:
        raise ParameterError(f"language {lang!r}: use 'it' or 'en'", parameter="lang")
    return _LABELS[lang].get(key, key)


def projection_chart(projection: pd.DataFrame, *, age_min: int = 65, lang: str = "it") -> alt.Chart:
    """Line chart of the population aged ``age_min``+ by year, district and scenario.

    Parameters
    ----------
    projection : pandas.DataFrame
        Output of :func:`~quartiere.scenarios.project_population`.
    age_min : int
        First age counted (a band start).
    lang : {"it", "en"}
        Label language.

    Returns
    -------
    altair.Chart

    Raises
    ------
    ParameterError
        Unknown ``lang``.

    Notes
    -----
    Plain altair, no theme (the report adds it); rows with missing values are
    left to altair, which skips them.

    References
    ----------
    Satyanarayan, A. et al. (2017). Vega-Lite: a grammar of interactive graphics. *IEEE TVCG*.

    Examples
    --------
    >>> proj = pd.DataFrame({"scenario": "baseline", "year": [2026, 2027], "district": "A",
    ...                      "age_start": 65, "population": [10.0, 11.0]})
    >>> projection_chart(proj, lang="en").to_dict()["encoding"]["y"]["title"]
    'Population'
    """
    sub = projection[projection["age_start"] >= age_min]
    data = sub.groupby(["scenario", "year", "district"], as_index=False)["population"].sum()
    data["scenario_label"] = [label(s, lang) for s in data["scenario"]]
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title=label("year", lang)),
            y=alt.Y("population:Q", title=label("population", lang)),
            color=alt.Color("district:N", title=label("district", lang)),
            strokeDash=alt.StrokeDash("scenario_label:N", title=label("scenario", lang)),
            tooltip=[
                "district",
                "scenario_label",
                "year",
                alt.Tooltip("population:Q", format=",.0f"),
            ],
        )
    )


def gap_chart(gaps: pd.DataFrame, *, year: int | None = None, lang: str = "it") -> alt.Chart:
    """Bar chart of gaps (required - supply) by district, one panel per service.

    Parameters
    ----------
    gaps : pandas.DataFrame
        Output of :func:`~quartiere.scenarios.service_gaps` (one scenario is best).
    year : int, optional
        Year shown (default the last).
    lang : {"it", "en"}
        Label language.

    Returns
    -------
    altair.Chart

    Raises
    ------
    ParameterError
        Unknown ``lang``.

    Notes
    -----
    Plain altair, no theme (the report adds it); rows with missing values are
    left to altair, which skips them.

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
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("gap:Q", title=label("gap", lang)),
            y=alt.Y("district:N", title=label("district", lang)),
            color=alt.condition("datum.gap > 0", alt.value("#d55e00"), alt.value("#0072b2")),
            tooltip=["district", "service_label", alt.Tooltip("gap:Q", format=",.1f")],
        )
        .facet(facet=alt.Facet("service_label:N", title=label("service", lang)), columns=3)
        .resolve_scale(x="independent")
    )


def rank_probability_chart(summary: pd.DataFrame, *, lang: str = "it") -> alt.Chart:
    """Bar chart of the probability that each option ranks first (Monte Carlo).

    Parameters
    ----------
    summary : pandas.DataFrame
        ``MonteCarloResult.to_frame()`` (columns ``option``, ``p_first``).
    lang : {"it", "en"}
        Label language.

    Returns
    -------
    altair.Chart

    Raises
    ------
    ParameterError
        Unknown ``lang``.

    Notes
    -----
    Plain altair, no theme (the report adds it); rows with missing values are
    left to altair, which skips them.

    References
    ----------
    Satyanarayan, A. et al. (2017). Vega-Lite: a grammar of interactive graphics. *IEEE TVCG*.

    Examples
    --------
    >>> s = pd.DataFrame({"option": ["a", "b"], "p_first": [0.7, 0.3]})
    >>> rank_probability_chart(s, lang="en").to_dict()["encoding"]["x"]["title"]
    'Probability of ranking first'
    """
    return (
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
            tooltip=["option", alt.Tooltip("p_first:Q", format=".1%")],
        )
    )


def tornado_chart(data: pd.DataFrame, *, top: int = 10, lang: str = "it") -> alt.Chart:
    """Tornado chart: range of the option's closeness as each input moves alone.

    Parameters
    ----------
    data : pandas.DataFrame
        Output of :func:`~quartiere.scenarios.tornado`.
    top : int
        Inputs shown (largest swings).
    lang : {"it", "en"}
        Label language.

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
    Plain altair, no theme (the report adds it); rows with missing values are
    left to altair, which skips them.

    References
    ----------
    Satyanarayan, A. et al. (2017). Vega-Lite: a grammar of interactive graphics. *IEEE TVCG*.

    Examples
    --------
    >>> t = pd.DataFrame({"parameter": ["weight:cost"], "estimate_low": [0.4],
    ...                   "estimate_high": [0.6], "base": [0.5], "swing": [0.2]})
    >>> tornado_chart(t, lang="en").to_dict()["layer"][0]["encoding"]["y"]["title"]
    'Parameter'
    """
    sub = data.nlargest(top, "swing")
    order = list(sub["parameter"])
    bars = (
        alt.Chart(sub)
        .mark_bar()
        .encode(
            y=alt.Y("parameter:N", sort=order, title=label("parameter", lang)),
            x=alt.X("estimate_low:Q", title=label("closeness", lang)),
            x2="estimate_high:Q",
            tooltip=[
                "parameter",
                alt.Tooltip("estimate_low:Q", format=".3f"),
                alt.Tooltip("estimate_high:Q", format=".3f"),
            ],
        )
    )
    rule = alt.Chart(sub.head(1)).mark_rule(color="black").encode(x="base:Q")
    return alt.layer(bars, rule)
