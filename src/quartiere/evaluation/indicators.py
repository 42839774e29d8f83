"""SMART indicators against their targets: progress, expected-by-now trajectory, status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from quartiere.errors import DataFileError, ParameterError
from quartiere.evaluation._labels import labels
from quartiere.evaluation._util import parse_dates, show
from quartiere.evaluation.schema import EvaluationSchema, Indicator

__all__ = ["indicator_progress", "indicator_chart"]

_COLUMNS = [
    "indicator",
    "name",
    "direction",
    "baseline",
    "baseline_date",
    "target",
    "deadline",
    "value",
    "as_of",
    "progress",
    "expected",
    "ratio",
    "status",
    "source",
]


def indicator_progress(
    indicators: Sequence[Indicator] | EvaluationSchema,
    measurements: pd.DataFrame,
    *,
    indicator: str = "indicator",
    date: str = "date",
    value: str = "value",
    as_of: dt.date | str | None = None,
    on_track: float = 0.9,
    at_risk: float = 0.6,
) -> pd.DataFrame:
    """Compare each indicator's latest measurement with its SMART target and trajectory.

    Parameters
    ----------
    indicators : sequence of Indicator, or EvaluationSchema
        Validated indicators (baseline, baseline_date, target, deadline, direction, source).
    measurements : pandas.DataFrame
        Long frame of measurements, one row per indicator and date.
    indicator, date, value : str
        Column names in ``measurements``.
    as_of : date or ISO string, optional
        Reference date of the assessment; default the date of each indicator's latest
        measurement.
    on_track : float, default 0.9
        Minimum ``ratio`` (progress / expected) for "on_track".
    at_risk : float, default 0.6
        Minimum ``ratio`` for "at_risk"; below it the status is "off_track".

    Returns
    -------
    pandas.DataFrame
        One row per indicator: ``indicator`` (id), ``name``, ``direction``, ``baseline``,
        ``baseline_date``, ``target``, ``deadline``, ``value`` (latest measurement on or before
        ``as_of``), ``as_of`` (its date), ``progress`` (share of the baseline-to-target distance
        covered, 1 = target reached, negative = worse than baseline), ``expected`` (share that
        a straight line from baseline date to deadline expects by ``as_of``, clipped to 0-1),
        ``ratio`` (progress / expected; progress itself when expected is 0), ``status``
        ("on_track", "at_risk", "off_track"), ``source``.

    Raises
    ------
    DataFileError
        A column is missing, a value is not numeric, or an indicator has no measurement.
    ParameterError
        ``at_risk > on_track``, or a threshold is negative.

    Notes
    -----
    ``progress = (value - baseline) / (target - baseline)``, so the direction is built in
    (the schema already refuses targets that are no improvement on the baseline).
    ``expected = (as_of - baseline_date) / (deadline - baseline_date)`` clipped to [0, 1]:
    a linear trajectory. Status rule: ``ratio >= on_track`` -> on track; ``ratio >= at_risk``
    -> at risk; otherwise off track. A target already reached (progress >= 1) is on track.
    Rows with a missing value are dropped; measurements of undeclared indicators are ignored.
    Dates may be ISO (2026-03-31) or Italian day-first (31/03/2026).

    References
    ----------
    Doran, G. T. (1981). There's a S.M.A.R.T. way to write management's goals and
    objectives. Management Review, 70(11), 35-36.

    Examples
    --------
    >>> ind = Indicator(id="wb", name="Wellbeing", baseline=18, baseline_date="2025-01-01",
    ...                 target=22, deadline="2027-01-01", source="assessments")
    >>> m = pd.DataFrame({"indicator": ["wb"], "date": ["2026-01-01"], "value": [19.0]})
    >>> out = indicator_progress([ind], m)
    >>> out[["progress", "expected", "status"]]
       progress  expected     status
    0      0.25       0.5  off_track
    """
    if isinstance(indicators, EvaluationSchema):
        indicators = indicators.indicators
    if not 0 <= at_risk <= on_track:
        raise ParameterError(
            f"need 0 <= at_risk <= on_track (got at_risk={at_risk}, on_track={on_track})",
            parameter="at_risk",
        )
    for col in (indicator, date, value):
        if col not in measurements.columns:
            raise DataFileError(
                f"measurements have no column {col!r}; columns are {list(measurements.columns)}",
                column=col,
            )
    m = measurements[[indicator, date, value]].copy()
    m.columns = ["indicator", "date", "value"]
    m["date"] = parse_dates(m["date"].reset_index(drop=True), date).to_numpy()
    vals = pd.to_numeric(m["value"], errors="coerce")
    bad = vals.isna() & m["value"].notna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0]) + 1
        raise DataFileError(
            f"{show(m['value'][bad].iloc[0])} is not a number", row=row, column=value
        )
    m["value"] = vals
    m = m.dropna(subset=["date", "value"])
    ref = pd.Timestamp(as_of).date() if as_of is not None else None
    if ref is not None:
        m = m[m["date"] <= ref]
    rows = []
    for ind in indicators:
        own = m[m["indicator"] == ind.id].sort_values("date")
        if own.empty:
            when = f" on or before {ref}" if ref is not None else ""
            raise DataFileError(
                f"indicator {ind.id!r} has no measurement{when}; add one or remove the "
                "indicator from study.yml",
                column=indicator,
            )
        last = own.iloc[-1]
        when = ref if ref is not None else last["date"]
        progress = (last["value"] - ind.baseline) / (ind.target - ind.baseline)
        span = (ind.deadline - ind.baseline_date).days
        expected = float(np.clip((when - ind.baseline_date).days / span, 0.0, 1.0))
        ratio = progress / expected if expected > 0 else progress
        if progress >= 1 or ratio >= on_track:
            status = "on_track"
        elif ratio >= at_risk:
            status = "at_risk"
        else:
            status = "off_track"
        rows.append(
            (
                ind.id,
                ind.name,
                ind.direction,
                ind.baseline,
                ind.baseline_date,
                ind.target,
                ind.deadline,
                float(last["value"]),
                when,
                float(progress),
                expected,
                float(ratio),
                status,
                ind.source,
            )
        )
    return pd.DataFrame(rows, columns=_COLUMNS)


def indicator_chart(
    progress: pd.DataFrame, *, lang: str = "it", title: str | None = None
) -> alt.Chart:
    """Bar chart of progress (%) per indicator with a tick at the expected-by-now share.

    Parameters
    ----------
    progress : pandas.DataFrame
        Output of :func:`indicator_progress`.
    lang : {"it", "en"}
        Language of axes and status labels.
    title : str, optional
        Figure caption.

    Returns
    -------
    altair.LayerChart
        Bars coloured by status, black ticks at ``expected``.

    Raises
    ------
    ParameterError
        Unknown ``lang``.

    Notes
    -----
    Colours: on track green, at risk yellow, off track orange (Dark2, colour-blind safe).

    References
    ----------
    See :func:`indicator_progress`.

    Examples
    --------
    >>> ind = Indicator(id="wb", name="Wellbeing", baseline=18, baseline_date="2025-01-01",
    ...                 target=22, deadline="2027-01-01", source="assessments")
    >>> m = pd.DataFrame({"indicator": ["wb"], "date": ["2026-01-01"], "value": [19.0]})
    >>> spec = indicator_chart(indicator_progress([ind], m), lang="en").to_dict()
    >>> spec["layer"][0]["mark"]["type"]
    'bar'
    """
    lab = labels(lang)
    cols = ["indicator", "name", "value", "target", "progress", "expected", "status"]
    frame = progress[cols].assign(
        progress_pct=progress["progress"] * 100,
        expected_pct=progress["expected"] * 100,
        status_label=progress["status"].map(lab),
    )
    status_order = [lab["on_track"], lab["at_risk"], lab["off_track"]]
    base = alt.Chart(frame).encode(
        y=alt.Y("name:N", title=None, sort=None, axis=alt.Axis(labelLimit=320))
    )
    bars = base.mark_bar().encode(
        x=alt.X("progress_pct:Q", title=lab["progress"]),
        color=alt.Color(
            "status_label:N",
            title=lab["status"],
            scale=alt.Scale(domain=status_order, range=["#1b9e77", "#e6ab02", "#d95f02"]),
        ),
        tooltip=["indicator:N", "value:Q", "target:Q", "progress_pct:Q", "expected_pct:Q"],
    )
    ticks = base.mark_tick(color="black", thickness=2).encode(
        x=alt.X("expected_pct:Q", title=lab["progress"])
    )
    chart = alt.layer(bars, ticks).properties(width=300, height=36 * max(len(frame), 1))
    return chart.properties(title=title) if title else chart
