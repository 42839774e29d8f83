"""Live result charts for the projector and the report (plain altair, rendered offline)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from quartiere.report.i18n import t

__all__ = ["budget_chart", "chart_svg", "results_chart"]

_BLUE, _ORANGE, _GREY = "#0072B2", "#E69F00", "#BBBBBB"  # Okabe & Ito


def results_chart(
    results: pd.DataFrame,
    *,
    lang: str = "it",
    title: str | None = None,
    big: bool = False,
    score_title: str | None = None,
) -> alt.Chart:
    """Horizontal bars of one question's results, best first.

    Parameters
    ----------
    results : DataFrame
        From :func:`quartiere.workshop.aggregate.aggregate` (``label``, ``estimate``, ``n``).
    lang : {"it", "en"}
        Axis titles.
    title : str, optional
    big : bool, default False
        Projector sizes (large fonts and bars).
    score_title : str, optional
        X axis title (default "Score"/"Punteggio").

    Returns
    -------
    altair.Chart

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"label": ["A", "B"], "estimate": [3.0, 1.0], "n": [2, 1]})
    >>> spec = results_chart(r, lang="en").to_dict()
    >>> spec["encoding"]["x"]["title"], spec["mark"]["type"]
    ('Score', 'bar')
    """
    fs = 22 if big else 12
    data = results[["label", "estimate", "n"]].copy()
    data["estimate"] = data["estimate"].astype(float)
    base = alt.Chart(data, title=title or "")
    x = alt.X("estimate:Q", title=score_title or t("workshop.score", lang))
    y = alt.Y("label:N", sort="-x", title=None)
    bars = base.mark_bar(color=_BLUE).encode(
        x=x,
        y=y,
        tooltip=[
            alt.Tooltip("label:N", title=t("workshop.option", lang)),
            alt.Tooltip("estimate:Q", title=t("workshop.score", lang)),
            alt.Tooltip("n:Q", title=t("workshop.participants", lang)),
        ],
    )
    chart = bars.properties(width=700 if big else 420, height=alt.Step(56 if big else 24))
    return chart.configure_axis(labelFontSize=fs, titleFontSize=fs, labelLimit=600).configure_title(
        fontSize=fs + 4, anchor="start"
    )


def budget_chart(
    comparison: pd.DataFrame, *, lang: str = "it", big: bool = False, title: str | None = None
) -> alt.Chart:
    """Greedy and Equal Shares side by side: each project's cost, coloured if funded.

    Parameters
    ----------
    comparison : DataFrame
        From :func:`quartiere.workshop.aggregate.budget_comparison` or
        :func:`quartiere.workshop.budget.compare_budget_rules` (``project``, ``cost``,
        ``votes``, ``greedy``, ``equal_shares``; ``label`` used if present).
    lang : {"it", "en"}
    big : bool, default False
        Projector sizes.
    title : str, optional
        Chart title (a report makes it the figure caption); say there that the number in
        brackets is the votes. Default: "Project (votes)".

    Returns
    -------
    altair.Chart

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"project": ["a", "b"], "cost": [6.0, 5.0], "votes": [2, 1],
    ...                   "greedy": [True, False], "equal_shares": [True, True]})
    >>> budget_chart(c, lang="en").to_dict()["spec"]["mark"]["type"]
    'bar'
    """
    names = comparison["label"] if "label" in comparison else comparison["project"]
    rows = []
    for rule in ("greedy", "equal_shares"):
        for name, cost, votes, funded in zip(
            names, comparison["cost"], comparison["votes"], comparison[rule], strict=True
        ):
            rows.append(
                {
                    "project": f"{name} ({int(votes)})",
                    "rule": t(f"workshop.{rule}", lang),
                    "cost": float(cost),
                    "funded": t("workshop.funded", lang)
                    if funded
                    else t("workshop.not_funded", lang),
                    "votes": int(votes),
                }
            )
    data = pd.DataFrame(rows)
    fs = 20 if big else 12
    order = [
        f"{n} ({int(v)})"
        for n, v in sorted(zip(names, comparison["votes"], strict=True), key=lambda t: -t[1])
    ]
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("cost:Q", title=t("workshop.cost", lang)),
            y=alt.Y("project:N", sort=order, title=None),
            color=alt.Color(
                "funded:N",
                scale=alt.Scale(
                    domain=[t("workshop.funded", lang), t("workshop.not_funded", lang)],
                    range=[_ORANGE, _GREY],
                ),
                legend=alt.Legend(title=None, labelFontSize=fs, orient="bottom"),
            ),
            tooltip=["project:N", "cost:Q", "votes:Q", "funded:N"],
        )
        .properties(width=320 if big else 220, height=alt.Step(44 if big else 22))
        .facet(
            title=alt.TitleParams(
                title or t("workshop.project_votes", lang), anchor="start", fontSize=fs
            ),
            column=alt.Column(
                "rule:N",
                title=None,
                sort=[t("workshop.greedy", lang), t("workshop.equal_shares", lang)],
            ),
        )
    )
    return chart.configure_axis(
        labelFontSize=fs, titleFontSize=fs, labelLimit=500
    ).configure_header(labelFontSize=fs + 2)


def chart_svg(chart: alt.Chart, *, lang: str = "it") -> str:
    """Static SVG of a chart (vl-convert, offline) for widgets and pages without JavaScript.

    Numbers use the ``lang`` locale (``20.000`` in Italian). The SVG keeps its viewBox, so
    CSS ``max-width: 100%`` scales it to narrow screens.
    """
    import vl_convert as vlc

    locale = {"it": "it-IT", "en": "en-GB"}.get(lang, "it-IT")
    return vlc.vegalite_to_svg(chart.to_dict(), format_locale=locale)
