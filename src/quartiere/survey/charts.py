"""Survey charts (altair): diverging Likert bars, estimates with CI whiskers, needs ranking.

Each helper returns an ``alt.Chart`` and never displays it; labels come from the message
catalog (``survey.*`` keys) in the report language (``"it"`` or ``"en"``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from quartiere.errors import ParameterError
from quartiere.report.i18n import LANGS, t

__all__ = ["likert_chart", "estimates_chart", "needs_chart"]

# colour-blind-safe diverging palette (ColorBrewer RdBu)
_DIVERGING = ["#b2182b", "#ef8a62", "#d9d9d9", "#67a9cf", "#2166ac", "#053061", "#67001f"]


_KEYS = ("share", "item", "answer", "estimate", "group", "need", "need_share", "ci")


def _labels(lang: str) -> dict[str, str]:
    """Chart labels from the ``survey.*`` keys of the message catalog."""
    if lang not in LANGS:
        raise ParameterError(f"unknown language {lang!r}; use it or en", parameter="lang")
    return {k: t(f"survey.{k}", lang) for k in _KEYS}


def likert_chart(
    data: pd.DataFrame,
    items: Sequence[str],
    *,
    weight: str | None = None,
    item_labels: Mapping[str, str] | None = None,
    answer_labels: Mapping[str, str] | None = None,
    title: str | None = None,
    item_title: bool = True,
    lang: str = "it",
) -> alt.Chart:
    """Diverging stacked bars of Likert items, centred on the neutral answer.

    Parameters
    ----------
    data : pandas.DataFrame
        Items as ordered categoricals (the canonical frame); all items share categories.
    items : sequence of str
        Items to show, top to bottom.
    weight : str, optional
        Weight column for weighted shares.
    item_labels : mapping, optional
        Text shown for each item (default the column name).
    answer_labels : mapping, optional
        Text shown for each answer category (default the category itself), e.g. the
        answers in the report language.
    title : str, optional
        Figure caption.
    item_title : bool, default True
        Show the item axis title ("Statement"); False leaves the room to the statements.
    lang : {"it", "en"}
        Axis language.

    Returns
    -------
    altair.Chart
        Horizontal bars: negative answers left of zero, positive right, the middle answer
        (odd scales) split half and half.

    Raises
    ------
    ParameterError
        Items that are not ordered categoricals with the same categories, unknown language.

    Notes
    -----
    Shares are of respondents answering each item (missing left out).

    Examples
    --------
    >>> cats = ["No", "Meh", "Yes"]
    >>> d = pd.DataFrame({"q": pd.Categorical(["No", "Yes", "Yes"], cats, ordered=True)})
    >>> likert_chart(d, ["q"], lang="en").to_dict()["encoding"]["x"]["title"]
    'Share of respondents (%)'
    """
    lab = _labels(lang)
    if not items:
        raise ParameterError("give at least one item", parameter="items")
    first = data[items[0]] if items[0] in data.columns else None
    if first is None or not isinstance(first.dtype, pd.CategoricalDtype):
        raise ParameterError("items must be ordered categoricals", parameter="items")
    cats = list(first.cat.categories)
    shown = [str((answer_labels or {}).get(c, c)) for c in cats]
    w = np.ones(len(data)) if weight is None else data[weight].to_numpy(dtype=float)
    k = len(cats)
    mid = (k - 1) / 2
    rows = []
    for item in items:
        s = data[item]
        if not isinstance(s.dtype, pd.CategoricalDtype) or list(s.cat.categories) != cats:
            raise ParameterError(
                f"item {item!r} does not share the answer categories of {items[0]!r}",
                parameter="items",
            )
        codes = s.cat.codes.to_numpy()
        ok = codes >= 0
        tot = w[ok].sum()
        shares = np.bincount(codes[ok], weights=w[ok], minlength=k) / tot * 100 if tot else 0
        left = -float(sum(shares[j] for j in range(k) if j < mid))
        if k % 2:
            left -= shares[int(mid)] / 2
        for j, _cat in enumerate(cats):
            rows.append(
                {
                    "item": (item_labels or {}).get(item, item),
                    "answer": shown[j],
                    "order": j,
                    "share": float(shares[j]),
                    "x0": left,
                    "x1": left + float(shares[j]),
                }
            )
            left += float(shares[j])
    frame = pd.DataFrame(rows)
    palette = _DIVERGING[:k] if k <= 5 else None
    color = alt.Color(
        "answer:N",
        title=lab["answer"],
        sort=shown,
        scale=alt.Scale(domain=shown, range=palette) if palette else alt.Scale(scheme="redblue"),
        legend=alt.Legend(orient="bottom", columns=min(k, 3), labelLimit=260),
    )
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("x0:Q", title=lab["share"], axis=alt.Axis(labelExpr="abs(datum.value)")),
            x2="x1:Q",
            y=alt.Y(
                "item:N",
                title=lab["item"] if item_title else None,
                sort=[(item_labels or {}).get(i, i) for i in items],
                # wrap long statements on two or three lines
                axis=alt.Axis(
                    labelExpr="split(replace(datum.label, /(.{1,44})( |$)/g, '$1|'), '|')",
                    labelLimit=400,
                    labelLineHeight=13,
                ),
            ),
            color=color,
            order="order:Q",
            tooltip=[
                alt.Tooltip("item:N", title=lab["item"]),
                alt.Tooltip("answer:N", title=lab["answer"]),
                alt.Tooltip("share:Q", title=lab["share"], format=".1f"),
            ],
        )
        .properties(height=alt.Step(34))
    )
    return chart.properties(title=title) if title else chart


def estimates_chart(
    estimates: pd.DataFrame,
    group: str,
    *,
    x_title: str | None = None,
    group_title: str | None = None,
    title: str | None = None,
    lang: str = "it",
) -> alt.Chart:
    """Point estimates with confidence-interval whiskers by group (e.g. district).

    Parameters
    ----------
    estimates : pandas.DataFrame
        Output of :func:`~quartiere.survey.estimates.weighted_estimates` with ``by=group``
        (one row per group; suppressed rows are left out).
    group : str
        The group column.
    x_title, group_title : str, optional
        Axis titles (default "Estimate" and "Group" in ``lang``).
    title : str, optional
        Figure caption.
    lang : {"it", "en"}
        Axis language.

    Returns
    -------
    altair.Chart
        A layer of whiskers (``ci_low``-``ci_high``) and points (``estimate``).

    Raises
    ------
    ParameterError
        Missing columns, unknown language.

    Examples
    --------
    >>> e = pd.DataFrame({"comune": ["A", "B"], "estimate": [3.1, 3.4], "ci_low": [3.0, 3.2],
    ...                   "ci_high": [3.2, 3.6], "suppressed": [False, False]})
    >>> sorted(estimates_chart(e, "comune", lang="en").to_dict())[:3]
    ['$schema', 'config', 'data']
    """
    lab = _labels(lang)
    need = [group, "estimate", "ci_low", "ci_high"]
    missing = [c for c in need if c not in estimates.columns]
    if missing:
        raise ParameterError(f"missing column(s) {missing}", parameter="estimates")
    frame = estimates
    if "suppressed" in frame.columns:
        frame = frame[~frame["suppressed"].astype(bool)]
    frame = frame[need].copy()
    frame[group] = frame[group].astype(str)
    gtitle = group_title or lab["group"]
    base = alt.Chart(frame).encode(
        y=alt.Y(f"{group}:N", title=gtitle, sort=None, axis=alt.Axis(labelLimit=300))
    )
    whiskers = base.mark_rule(size=2).encode(
        x=alt.X("ci_low:Q", title=x_title or lab["estimate"], scale=alt.Scale(zero=False)),
        x2="ci_high:Q",
    )
    points = base.mark_point(filled=True, size=60).encode(
        x="estimate:Q",
        tooltip=[
            alt.Tooltip(f"{group}:N", title=gtitle),
            alt.Tooltip("estimate:Q", title=lab["estimate"], format=".2f"),
            alt.Tooltip("ci_low:Q", title=lab["ci"], format=".2f"),
            alt.Tooltip("ci_high:Q", title=lab["ci"], format=".2f"),
        ],
    )
    chart = alt.layer(whiskers, points).properties(height=alt.Step(28))
    return chart.properties(title=title) if title else chart


def needs_chart(
    estimates: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
    lang: str = "it",
) -> alt.Chart:
    """Needs ranked by the (weighted) share of respondents naming them.

    Parameters
    ----------
    estimates : pandas.DataFrame
        One row per need with ``variable`` (or ``category``) and ``estimate`` (a share
        0-1), e.g. :func:`~quartiere.survey.estimates.weighted_estimates` of each 0/1
        need indicator stacked; ``ci_low``/``ci_high`` are shown when present.
    labels : mapping, optional
        Text for each need (default the variable name).
    title : str, optional
        Figure caption.
    lang : {"it", "en"}
        Axis language.

    Returns
    -------
    altair.Chart
        Horizontal bars sorted from the most to the least named need.

    Raises
    ------
    ParameterError
        Missing columns, unknown language.

    Examples
    --------
    >>> e = pd.DataFrame({"variable": ["bisogni_casa", "bisogni_nidi"], "estimate": [0.4, 0.2]})
    >>> needs_chart(e, lang="en").to_dict()["encoding"]["y"]["title"]
    'Need'
    """
    lab = _labels(lang)
    key = "variable" if "variable" in estimates.columns else "category"
    if key not in estimates.columns or "estimate" not in estimates.columns:
        raise ParameterError("needs 'variable' and 'estimate' columns", parameter="estimates")
    frame = estimates
    if "suppressed" in frame.columns:
        frame = frame[~frame["suppressed"].astype(bool)]
    frame = pd.DataFrame(
        {
            "need": [(labels or {}).get(str(v), str(v)) for v in frame[key]],
            "share": frame["estimate"].to_numpy(dtype=float) * 100,
        }
    ).sort_values("share", ascending=False)
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("share:Q", title=lab["need_share"]),
            y=alt.Y("need:N", title=lab["need"], sort="-x", axis=alt.Axis(labelLimit=300)),
            tooltip=[
                alt.Tooltip("need:N", title=lab["need"]),
                alt.Tooltip("share:Q", title=lab["need_share"], format=".1f"),
            ],
        )
        .properties(height=alt.Step(26))
    )
    return chart.properties(title=title) if title else chart
