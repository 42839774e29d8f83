"""Charts: one colour-blind-safe altair theme, an offline renderer, shared chart helpers.

Chart helpers build and return an ``alt.Chart``; they never display. The ``quartiere``
renderer (enabled by :func:`setup`) turns a displayed chart into one HTML output holding a
static SVG drawn by vl-convert plus the Vega-Lite spec. The static SVG is what JupyterLab,
PDF and any page without JavaScript show; the HTML report's single inlined Vega bundle
replaces it with the interactive chart. No output ever refers to a CDN.
"""

from __future__ import annotations

import functools
import html
import json
from collections.abc import Mapping
from typing import Any

import altair as alt
import pandas as pd
import vl_convert as vlc

from quartiere.report.i18n import check_lang

__all__ = [
    "PALETTE",
    "SEQUENTIAL",
    "setup",
    "current_lang",
    "chart_html",
    "bar_chart",
    "choropleth",
    "points_map",
    "rewind_for_vega",
]

# Okabe & Ito (2008) colour-blind-safe palette, black last
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
SEQUENTIAL = "blues"
_VEGA_LOCALES = {"it": "it-IT", "en": "en-GB"}
_state: dict[str, Any] = {"lang": "it"}


def _theme() -> dict[str, Any]:
    # Liberation Sans is metric-compatible with Arial and present wherever Pango is: vl-convert
    # measures labels with the font it finds, so a missing first choice means clipped labels
    font = "Liberation Sans, Arial, Helvetica, sans-serif"
    return {
        "config": {
            "font": font,
            "background": "white",
            "view": {"stroke": None, "continuousWidth": 520, "continuousHeight": 300},
            "range": {"category": PALETTE, "ramp": {"scheme": SEQUENTIAL}},
            "axis": {"labelFontSize": 12, "titleFontSize": 13, "gridColor": "#e6e6e6", "labelLimit": 280},
            "legend": {"labelFontSize": 12, "titleFontSize": 13, "orient": "bottom", "labelLimit": 280},
            "title": {"fontSize": 15, "anchor": "start"},
            "bar": {"color": PALETTE[0]},
            "line": {"color": PALETTE[0], "strokeWidth": 2.5},
            "point": {"color": PALETTE[0], "filled": True},
        }
    }


@alt.theme.register("quartiere", enable=False)
def _quartiere_theme() -> alt.theme.ThemeConfig:
    return _theme()  # type: ignore[return-value]


def current_lang() -> str:
    """Language the renderer formats numbers for (set by :func:`setup`)."""
    return _state["lang"]


@functools.cache
def _format_locale(lang: str) -> dict:
    return vlc.get_format_locale(_VEGA_LOCALES[lang])


@functools.cache
def _time_locale(lang: str) -> dict:
    return vlc.get_time_format_locale(_VEGA_LOCALES[lang])


def chart_html(spec: Mapping[str, Any], lang: str | None = None) -> str:
    """Render a Vega-Lite spec as Quartiere's offline HTML figure.

    Parameters
    ----------
    spec : Mapping
        A Vega-Lite spec (``chart.to_dict()``). A top-level ``title`` becomes the
        figure caption (numbered in reports) instead of being drawn in the chart.
    lang : {"it", "en"}, optional
        Number and date format; default the language given to :func:`setup`.

    Returns
    -------
    str
        ``<figure class="q-figure q-chart-figure">`` with an inline SVG and the spec as
        JSON for the report's Vega bundle.

    Examples
    --------
    >>> spec = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_bar().encode(x="x:Q").to_dict()
    >>> out = chart_html({**spec, "title": "Due barre"}, "it")
    >>> out.startswith('<figure class="q-figure q-chart-figure">') and "<svg" in out
    True
    >>> "Due barre</figcaption>" in out
    True
    """
    lang = check_lang(lang or _state["lang"])
    spec = dict(spec)
    title = spec.pop("title", None)
    if isinstance(title, Mapping):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(map(str, title))
    svg = vlc.vegalite_to_svg(
        spec, format_locale=_format_locale(lang), time_format_locale=_time_locale(lang)
    )
    payload = json.dumps(spec, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    caption = f"<figcaption>{html.escape(str(title))}</figcaption>" if title else ""
    return (
        '<figure class="q-figure q-chart-figure">'
        f'<div class="q-chart" data-lang="{lang}">{svg}'
        f'<script type="application/json" class="q-spec">{payload}</script></div>'
        f"{caption}</figure>"
    )


def _renderer(spec: dict, **_metadata: Any) -> dict[str, str]:
    return {"text/html": chart_html(spec)}


alt.renderers.register("quartiere", _renderer)


def setup(lang: str = "it") -> None:
    """Enable Quartiere's theme and offline renderer for charts shown in a notebook.

    Parameters
    ----------
    lang : {"it", "en"}
        Language for number formats inside charts.

    Examples
    --------
    >>> setup("en")
    >>> current_lang()
    'en'
    >>> setup("it")
    """
    _state["lang"] = check_lang(lang)
    alt.theme.enable("quartiere")
    alt.renderers.enable("quartiere")
    alt.data_transformers.enable("default", max_rows=50_000)


def bar_chart(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    x_title: str,
    y_title: str,
    color: str | None = None,
    color_title: str | None = None,
    highlight: str | None = None,
    rule: float | None = None,
    rule_label: str | None = None,
    x_format: str | None = None,
    title: str | None = None,
) -> alt.Chart:
    """Horizontal bars of ``x`` (quantitative) by ``y`` (category), optionally a reference rule.

    Parameters
    ----------
    data : pandas.DataFrame
        Tidy data.
    x, y : str
        Value and category columns.
    x_title, y_title : str
        Axis titles in the report language.
    color : str, optional
        Column for colour (categorical).
    color_title : str, optional
        Legend title.
    highlight : str, optional
        A category of ``y`` drawn in the accent colour (the focus district).
    rule : float, optional
        A vertical reference line (a standard), labelled ``rule_label``.
    x_format : str, optional
        d3 format for the axis (``".0%"``).
    title : str, optional
        Figure caption.

    Returns
    -------
    altair.Chart
        Not displayed.

    Examples
    --------
    >>> df = pd.DataFrame({"comune": ["A", "B"], "v": [0.1, 0.3]})
    >>> spec = bar_chart(df, x="v", y="comune", x_title="Quota", y_title="Comune").to_dict()
    >>> spec["layer"][0]["mark"]["type"]
    'bar'
    """
    axis = alt.Axis(format=x_format) if x_format else alt.Axis()
    enc: dict[str, Any] = {
        "x": alt.X(f"{x}:Q", title=x_title, axis=axis),
        "y": alt.Y(f"{y}:N", title=y_title, sort=None),
        "tooltip": [
            alt.Tooltip(f"{y}:N", title=y_title),
            alt.Tooltip(f"{x}:Q", title=x_title, format=x_format or ",.1f"),
        ],
    }
    if color:
        enc["color"] = alt.Color(f"{color}:N", title=color_title or color)
    elif highlight is not None:
        enc["color"] = alt.condition(
            alt.datum[y] == highlight, alt.value(PALETTE[5]), alt.value(PALETTE[0])
        )
    bars = alt.Chart(data).mark_bar().encode(**enc)
    layers: list[alt.Chart] = [bars]
    if rule is not None:
        base = alt.Chart(pd.DataFrame({"v": [rule], "label": [rule_label or ""]}))
        layers.append(base.mark_rule(color="#333", strokeDash=[4, 3], size=2).encode(x="v:Q"))
        if rule_label:
            layers.append(
                base.mark_text(align="left", dx=4, dy=-6, fontSize=11, color="#333").encode(
                    x="v:Q", y=alt.value(0), text="label:N"
                )
            )
    chart = alt.layer(*layers).properties(height=alt.Step(26))
    return chart.properties(title=title) if title else chart


def rewind_for_vega(geojson: Mapping[str, Any]) -> dict[str, Any]:
    """Return a copy of a GeoJSON FeatureCollection with rings wound as Vega/d3 expects.

    RFC 7946 files wind exterior rings counter-clockwise; d3-geo (inside Vega) reads that as
    "the whole globe except this polygon" and paints everything. This reverses rings whose
    signed planar area says they are counter-clockwise.

    Examples
    --------
    >>> ccw = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
    ...   "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}}]}
    >>> rewind_for_vega(ccw)["features"][0]["geometry"]["coordinates"][0]
    [[0, 0], [1, 1], [1, 0], [0, 0]]
    """

    def area(ring: list) -> float:
        return sum(
            x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in zip(ring, ring[1:], strict=False)
        )

    def fix_polygon(poly: list) -> list:
        out = []
        for i, ring in enumerate(poly):
            ccw = area(ring) > 0
            # exterior clockwise, holes counter-clockwise (d3 convention)
            out.append(list(reversed(ring)) if (ccw if i == 0 else not ccw) else list(ring))
        return out

    features = []
    for feat in geojson.get("features", []):
        geom = dict(feat["geometry"])
        if geom["type"] == "Polygon":
            geom["coordinates"] = fix_polygon(geom["coordinates"])
        elif geom["type"] == "MultiPolygon":
            geom["coordinates"] = [fix_polygon(p) for p in geom["coordinates"]]
        features.append({**feat, "geometry": geom})
    return {"type": "FeatureCollection", "features": features}


def choropleth(
    geojson: Mapping[str, Any],
    values: pd.DataFrame,
    *,
    key: str,
    value: str,
    value_title: str,
    label: str | None = None,
    feature_key: str = "comune",
    value_format: str = ",.1f",
    title: str | None = None,
) -> alt.Chart:
    """A choropleth of ``value`` by area, joined on ``values[key] == properties[feature_key]``.

    Parameters
    ----------
    geojson : Mapping
        FeatureCollection (any winding; rewound for Vega).
    values : pandas.DataFrame
        One row per area.
    key, value : str
        Join column and value column of ``values``.
    value_title : str
        Legend title.
    label : str, optional
        Column of ``values`` written at each area's centroid.
    feature_key : str
        Property of the features matching ``key``.
    value_format : str
        d3 format for tooltip and legend.
    title : str, optional
        Figure caption.

    Returns
    -------
    altair.Chart

    Examples
    --------
    >>> gj = {"type": "FeatureCollection", "features": [{"type": "Feature",
    ...   "properties": {"comune": "A"},
    ...   "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}}]}
    >>> spec = choropleth(gj, pd.DataFrame({"d": ["A"], "v": [2.0]}), key="d", value="v",
    ...                   value_title="Indice").to_dict()
    >>> spec["layer"][0]["mark"]["type"]
    'geoshape'
    """
    features = rewind_for_vega(geojson)["features"]
    rows = values.set_index(key)
    for feat in features:
        name = feat["properties"].get(feature_key)
        props = dict(feat["properties"])
        if name in rows.index:
            props[value] = float(rows.at[name, value])
            if label:
                props["_label"] = str(rows.at[name, label])
        feat["properties"] = props
    data = alt.Data(values=features)
    shapes = (
        alt.Chart(data)
        .mark_geoshape(stroke="white", strokeWidth=1.5)
        .encode(
            color=alt.Color(
                f"properties.{value}:Q",
                title=value_title,
                scale=alt.Scale(scheme=SEQUENTIAL),
                legend=alt.Legend(format=value_format, orient="right"),
            ),
            tooltip=[
                alt.Tooltip(f"properties.{feature_key}:N", title=feature_key),
                alt.Tooltip(f"properties.{value}:Q", title=value_title, format=value_format),
            ],
        )
    )
    layers: list[alt.Chart] = [shapes]
    if label:
        layers.append(
            alt.Chart(data)
            .transform_calculate(
                lon="geoCentroid(null, datum)[0]", lat="geoCentroid(null, datum)[1]"
            )
            .mark_text(fontSize=11, fontWeight="bold", color="#222")
            .encode(longitude="lon:Q", latitude="lat:Q", text="properties._label:N")
        )
    chart = alt.layer(*layers).properties(width=460, height=360).project("mercator")
    return chart.properties(title=title) if title else chart


def points_map(
    geojson: Mapping[str, Any],
    points: pd.DataFrame,
    *,
    lat: str = "lat",
    lon: str = "lon",
    color: str,
    color_title: str,
    tooltip: list[str] | None = None,
    title: str | None = None,
) -> alt.Chart:
    """Points (services, associations) over area outlines, coloured by category.

    Examples
    --------
    >>> gj = {"type": "FeatureCollection", "features": []}
    >>> pts = pd.DataFrame({"lat": [43.1], "lon": [13.2], "tipo": ["parrocchia"]})
    >>> points_map(gj, pts, color="tipo", color_title="Tipo").to_dict()["layer"][1]["mark"]["type"]
    'circle'
    """
    outline = alt.Chart(alt.Data(values=rewind_for_vega(geojson)["features"])).mark_geoshape(
        fill="#f2f2f2", stroke="#888", strokeWidth=1
    )
    dots = (
        alt.Chart(points)
        .mark_circle(size=60, opacity=0.85, stroke="white", strokeWidth=0.5)
        .encode(
            longitude=f"{lon}:Q",
            latitude=f"{lat}:Q",
            color=alt.Color(f"{color}:N", title=color_title),
            tooltip=[f"{c}:N" for c in (tooltip or [color])],
        )
    )
    chart = alt.layer(outline, dots).properties(width=460, height=360).project("mercator")
    return chart.properties(title=title) if title else chart
