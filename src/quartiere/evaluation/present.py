"""Report tables, charts and plain-language text for notebook 06 (evaluate a programme).

Every helper takes results of the analysis helpers and returns a
:class:`quartiere.report.ReportTable`, an ``alt.Chart`` or a :class:`ReportText`, labelled in
the report language from the ``evaluation.*`` messages of the shared catalog.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from quartiere.errors import DataFileError
from quartiere.evaluation.costs import service_summary, tornado_chart
from quartiere.evaluation.gas import gas_summary
from quartiere.evaluation.logic_model import logic_model_frame
from quartiere.evaluation.outcomes import DidResult
from quartiere.evaluation.programme import CostAnalysis
from quartiere.evaluation.recommend import Recommendation
from quartiere.evaluation.schema import EvaluationSchema
from quartiere.privacy import suppress_small_cells
from quartiere.report.i18n import (
    check_lang,
    format_date,
    format_int,
    format_money,
    format_number,
    format_percent,
    messages,
    t,
)
from quartiere.report.tables import ReportTable, table

__all__ = [
    "ReportText",
    "logic_model_report",
    "indicators_table",
    "pre_post_table",
    "did_means_table",
    "did_table",
    "outcome_gap_table",
    "outcome_gap_text",
    "gas_table",
    "service_table",
    "service_chart",
    "cost_table",
    "sensitivity_table",
    "cost_tornado_chart",
    "recommendation_table",
    "recommendation_text",
]


@dataclass(frozen=True)
class ReportText:
    """A paragraph of report text (HTML-escaped when displayed).

    Attributes
    ----------
    text : str
        Plain text; paragraphs separated by blank lines.
    strong : str, optional
        A leading sentence shown in bold (a verdict).
    """

    text: str
    strong: str = ""

    def _repr_html_(self) -> str:
        paras = [p.strip() for p in self.text.split("\n\n") if p.strip()]
        lead = f"<strong>{html.escape(self.strong)}</strong> " if self.strong else ""
        body = "".join(
            f"<p>{lead if i == 0 else ''}{html.escape(p)}</p>" for i, p in enumerate(paras)
        )
        return f'<div class="q-text">{body or f"<p>{lead}</p>"}</div>'

    def __str__(self) -> str:
        return f"{self.strong} {self.text}".strip()


def _p(value: float, lang: str) -> str:
    if value is None or not np.isfinite(value):
        return "—"
    if value < 0.001:
        return "< " + format_number(0.001, lang, 3)
    return format_number(value, lang, 3)


def _num(value: float, lang: str) -> str:
    """Whole numbers without decimals, others with two (``35``, ``14,97``)."""
    if value is None or not np.isfinite(value):
        return "—"
    return format_number(value, lang, 0 if float(value).is_integer() else 2)


def _ci(low: float, high: float, lang: str, digits: int = 1) -> str:
    return f"{format_number(low, lang, digits)} – {format_number(high, lang, digits)}"


def _measure_table(rows: list[tuple[str, str]], *, caption: str, lang: str, note: str | None):
    frame = pd.DataFrame(rows, columns=["measure", "value"])
    cols = {
        "measure": (t("evaluation.measure", lang), "text"),
        "value": (t("evaluation.value", lang), "text"),
    }
    return table(frame, caption=caption, columns=cols, lang=lang, note=note)


def logic_model_report(schema: EvaluationSchema, *, lang: str) -> ReportTable:
    """The logic model as a report table: one row per item, stages in order.

    Parameters
    ----------
    schema : EvaluationSchema
        The validated ``evaluation:`` section.
    lang : {"it", "en"}

    Returns
    -------
    ReportTable
        Columns stage (shown once per stage), item, indicators (names of the indicators
        measuring each outcome). ``.data`` holds ``stage``, ``item``, ``indicators``.

    Raises
    ------
    ParameterError
        Unknown ``lang``.

    Notes
    -----
    Long rather than one column per stage, so long labels wrap inside an A4 page.

    References
    ----------
    W. K. Kellogg Foundation (2004). Logic Model Development Guide.

    Examples
    --------
    >>> from quartiere import load_study
    >>> sch = EvaluationSchema.from_study(load_study("data/sample"))
    >>> logic_model_report(sch, lang="en").to_frame().iloc[0, 0]
    'Inputs'
    """
    check_lang(lang)
    frame = logic_model_frame(schema)
    names = {i.id: i.name for i in schema.indicators}
    stage_label = frame["stage"].map(lambda s: t(f"evaluation.{s}", lang))
    first = frame["position"] == 0
    shown = pd.DataFrame(
        {
            "stage": stage_label.where(first, ""),
            "item": frame["label"],
            "indicators": frame["indicators"].map(
                lambda ids: "; ".join(names.get(i, i) for i in ids.split(",") if i)
            ),
        }
    )
    cols = {
        "stage": (t("evaluation.stage", lang), "text"),
        "item": (t("evaluation.item", lang), "text"),
        "indicators": (t("evaluation.indicators", lang), "text"),
    }
    return table(
        shown,
        caption=t("evaluation.logic_model_title", lang, programme=schema.programme),
        columns=cols,
        lang=lang,
        note=t("evaluation.logic_model_note", lang),
    )


def indicators_table(
    progress: pd.DataFrame, *, lang: str, on_track: float = 0.9, at_risk: float = 0.6
) -> ReportTable:
    """Indicators against their SMART targets, with status and the status rule.

    Parameters
    ----------
    progress : pandas.DataFrame
        Output of :func:`~quartiere.evaluation.indicator_progress`.
    lang : {"it", "en"}
    on_track, at_risk : float
        The thresholds used (stated in the note).

    Returns
    -------
    ReportTable
        Indicator (with its direction), baseline, target, deadline, latest value and date,
        progress and expected share, status in words; the rule as the note.

    Raises
    ------
    ParameterError
        Unknown ``lang``.

    Notes
    -----
    Values are shown with up to two decimals; shares as percentages.

    References
    ----------
    Doran, G. T. (1981). Management Review 70(11), 35-36.

    Examples
    --------
    >>> from quartiere.evaluation import Indicator, indicator_progress
    >>> ind = Indicator(id="wb", name="Wellbeing", baseline=18, baseline_date="2025-01-01",
    ...                 target=22, deadline="2027-01-01", source="assessments")
    >>> m = pd.DataFrame({"indicator": ["wb"], "date": ["2026-01-01"], "value": [19.0]})
    >>> indicators_table(indicator_progress([ind], m), lang="en").to_frame().iloc[0, -1]
    'off track'
    """
    check_lang(lang)
    shown = progress.assign(
        baseline_shown=progress["baseline"].map(lambda v: _num(v, lang)),
        target_shown=progress["target"].map(lambda v: _num(v, lang)),
        value_shown=progress["value"].map(lambda v: _num(v, lang)),
        name_shown=progress["name"]
        + " ("
        + progress["direction"].map(lambda d: t(f"evaluation.{d}_better", lang))
        + ")",
        deadline_shown=progress["deadline"].map(lambda d: format_date(d, lang, "short")),
        as_of_shown=progress["as_of"].map(lambda d: format_date(d, lang, "short")),
        status_shown=progress["status"].map(lambda s: t(f"evaluation.{s}", lang)),
    )
    cols = {
        "name_shown": (t("evaluation.indicator", lang), "text"),
        "baseline_shown": (t("evaluation.baseline", lang), "text"),
        "target_shown": (t("evaluation.target", lang), "text"),
        "deadline_shown": (t("evaluation.deadline", lang), "text"),
        "value_shown": (t("evaluation.latest", lang), "text"),
        "as_of_shown": (t("evaluation.as_of", lang), "text"),
        "progress": (t("evaluation.progress_short", lang), "pct0"),
        "expected": (t("evaluation.expected_short", lang), "pct0"),
        "status_shown": (t("evaluation.status", lang), "text"),
    }
    note = t(
        "evaluation.status_rule",
        lang,
        on_track=format_number(on_track, lang, 2),
        at_risk=format_number(at_risk, lang, 2),
    )
    return table(
        shown, caption=t("evaluation.indicators_title", lang), columns=cols, lang=lang, note=note
    )


def pre_post_table(result: pd.DataFrame, *, lang: str) -> ReportTable:
    """Participants' scores before and after, test and effect size, as measure/value rows.

    Parameters
    ----------
    result : pandas.DataFrame
        Output of :func:`~quartiere.evaluation.pre_post`.
    lang : {"it", "en"}

    Returns
    -------
    ReportTable
        Rows: people, mean at intake, mean at review, mean change, its 95% CI, test and
        p-value, effect size with CI. The test rule is the note.

    Raises
    ------
    ParameterError
        Unknown ``lang``.

    Notes
    -----
    A pre/post change is not the programme's effect: the note says so.

    References
    ----------
    Cumming, G. (2012). Understanding the new statistics. Routledge, ch. 11.

    Examples
    --------
    >>> from quartiere.evaluation import pre_post
    >>> df = pd.DataFrame({"id": [1, 2, 3, 4, 5] * 2, "t": ["pre"] * 5 + ["post"] * 5,
    ...                    "score": [10, 12, 9, 14, 11, 13, 14, 10, 17, 12]})
    >>> pre_post_table(pre_post(df, outcome="score", subject="id", time="t"),
    ...                lang="en").to_frame().iloc[3, 1]
    '2.0'
    """
    check_lang(lang)
    r = result.iloc[0]
    rows = [
        (t("evaluation.n_people", lang), format_int(r["n"], lang)),
        (t("evaluation.mean_pre", lang), format_number(r["mean_pre"], lang)),
        (t("evaluation.mean_post", lang), format_number(r["mean_post"], lang)),
        (t("evaluation.mean_change", lang), format_number(r["estimate"], lang)),
        (t("evaluation.ci95", lang), _ci(r["ci_low"], r["ci_high"], lang)),
        (
            t("evaluation.test", lang),
            t("evaluation." + str(r["method"]), lang) + ", p " + _p(r["p_val"], lang),
        ),
        (
            t(f"evaluation.{r['effect_size_type']}", lang),
            f"{format_number(r['effect_size'], lang, 2)} "
            f"({_ci(r['es_ci_low'], r['es_ci_high'], lang, 2)})",
        ),
    ]
    return _measure_table(
        rows,
        caption=t("evaluation.pre_post_title", lang),
        lang=lang,
        note=t("evaluation.pre_post_note", lang),
    )


def did_means_table(
    result: DidResult,
    *,
    lang: str,
    trends: pd.DataFrame | None = None,
) -> ReportTable:
    """The 2x2 table of mean outcomes (group x before/after) with changes and differences.

    Parameters
    ----------
    result : DidResult
        Output of :func:`~quartiere.evaluation.did`.
    lang : {"it", "en"}
    trends : pandas.DataFrame, optional
        Output of :func:`~quartiere.evaluation.pre_trends`: the periods pooled as before and
        after are then named in the note.

    Returns
    -------
    ReportTable
        Rows programme, comparison, difference; columns before, after, change. ``.data``
        is :meth:`DidResult.table` with a ``group`` column.

    Raises
    ------
    ParameterError
        Unknown ``lang``.

    Notes
    -----
    Card & Krueger (1994, table 3) layout: the bottom-right cell is the DiD estimate.

    References
    ----------
    Card, D. & Krueger, A. B. (1994). AER 84(4), 772-793, table 3.

    Examples
    --------
    >>> from quartiere.evaluation import did
    >>> df = pd.DataFrame({"g": [0, 0, 1, 1] * 2, "p": [0, 1, 0, 1] * 2,
    ...                    "y": [10, 11, 10, 14, 12, 13, 12, 16]})
    >>> did_means_table(did(df, outcome="y", group="g", period="p"),
    ...                 lang="en").to_frame().iloc[2, 3]
    '3.0'
    """
    check_lang(lang)
    wide = result.table()
    names = {
        "treated": t("evaluation.treated", lang),
        "comparison": t("evaluation.comparison", lang),
        "difference": t("evaluation.difference", lang),
    }
    shown = wide.reset_index(names="key").assign(group=lambda d: d["key"].map(names))
    cols = {
        "group": (t("evaluation.group", lang), "text"),
        "pre": (t("evaluation.before", lang), "num1"),
        "post": (t("evaluation.after", lang), "num1"),
        "change": (t("evaluation.change", lang), "num1"),
    }
    note = None
    if trends is not None and len(trends):
        phases = {
            ph: ", ".join(map(str, sorted(pd.unique(trends.loc[trends["phase"] == ph, "period"]))))
            for ph in ("pre", "post")
        }
        note = t("evaluation.did_means_note", lang, pre=phases["pre"], post=phases["post"])
    return table(
        shown, caption=t("evaluation.did_means_title", lang), columns=cols, lang=lang, note=note
    )


def did_table(
    result: DidResult, *, lang: str, trend_test: pd.DataFrame | None = None
) -> ReportTable:
    """The DiD estimate, its interval, effect size and the pre-trend check, as rows.

    Parameters
    ----------
    result : DidResult
        Output of :func:`~quartiere.evaluation.did`.
    lang : {"it", "en"}
    trend_test : pandas.DataFrame, optional
        Output of :func:`~quartiere.evaluation.pre_trend_test`.

    Returns
    -------
    ReportTable
        Measure/value rows; the method as the note.

    Raises
    ------
    ParameterError
        Unknown ``lang``.

    Notes
    -----
    Cluster-robust (CR1) standard errors by person when the DiD was clustered.

    References
    ----------
    Cameron, A. C. & Miller, D. L. (2015). J. Human Resources 50(2).

    Examples
    --------
    >>> from quartiere.evaluation import did
    >>> df = pd.DataFrame({"g": [0, 0, 1, 1] * 2, "p": [0, 1, 0, 1] * 2,
    ...                    "y": [10, 11, 10, 14, 12, 13, 12, 16]})
    >>> did_table(did(df, outcome="y", group="g", period="p"), lang="it").to_frame().iloc[0, 1]
    '3,0'
    """
    check_lang(lang)
    rows = [
        (t("evaluation.did_estimate", lang), format_number(result.estimate, lang)),
        (t("evaluation.ci95", lang), _ci(result.ci_low, result.ci_high, lang)),
        (t("evaluation.p_value", lang), _p(result.p_val, lang)),
        (t("evaluation.did_effect_size", lang), format_number(result.effect_size, lang, 2)),
        (t("evaluation.did_rows", lang), format_int(result.n, lang)),
    ]
    if result.n_clusters:
        rows.append((t("evaluation.did_people", lang), format_int(result.n_clusters, lang)))
    if trend_test is not None and len(trend_test):
        tt = trend_test.iloc[0]
        rows.append(
            (
                t("evaluation.pretrend_slope", lang),
                f"{format_number(tt['estimate'], lang, 2)} "
                f"({_ci(tt['ci_low'], tt['ci_high'], lang, 2)})",
            )
        )
        rows.append((t("evaluation.pretrend_p", lang), _p(tt["p_val"], lang)))
    return _measure_table(
        rows,
        caption=t("evaluation.did_title", lang),
        lang=lang,
        note=t("evaluation.did_note", lang),
    )


_GAP_KEYS = {
    "pre_post": "evaluation.gap_pre_post",
    "comparison_change": "evaluation.gap_comparison_change",
    "time_trend": "evaluation.gap_time_trend",
    "regression_to_mean": "evaluation.gap_regression",
    "did": "evaluation.gap_did",
}


def outcome_gap_table(gap: pd.DataFrame, *, lang: str) -> ReportTable:
    """Why pre/post exceeds the DiD: the components of :func:`outcome_gap` as a table.

    Parameters
    ----------
    gap : pandas.DataFrame
        Output of :func:`~quartiere.evaluation.outcome_gap`.
    lang : {"it", "en"}

    Returns
    -------
    ReportTable
        Component (in words), points, 95% interval where there is one.

    Raises
    ------
    ParameterError
        Unknown ``lang``.

    Notes
    -----
    See :func:`~quartiere.evaluation.outcome_gap` for the method.

    References
    ----------
    Barnett, van der Pols & Dobson (2005). Int. J. Epidemiology 34(1), 215-220.

    Examples
    --------
    >>> g = pd.DataFrame({"component": ["pre_post", "did"], "estimate": [6.0, 3.0],
    ...                   "ci_low": [5.0, 2.0], "ci_high": [7.0, 4.0]})
    >>> outcome_gap_table(g, lang="en").to_frame().iloc[1, 2]
    '2.0 – 4.0'
    """
    check_lang(lang)
    shown = gap.assign(
        label=gap["component"].map(lambda c: t(_GAP_KEYS[c], lang)),
        ci=[
            _ci(lo, hi, lang) if np.isfinite(lo) and np.isfinite(hi) else ""
            for lo, hi in zip(gap["ci_low"], gap["ci_high"], strict=True)
        ],
    )
    cols = {
        "label": (t("evaluation.gap_component", lang), "text"),
        "estimate": (t("evaluation.gap_points", lang), "num1"),
        "ci": (t("evaluation.ci95", lang), "text"),
    }
    return table(
        shown,
        caption=t("evaluation.gap_title", lang),
        columns=cols,
        lang=lang,
        note=t("evaluation.gap_note", lang),
    )


def outcome_gap_text(gap: pd.DataFrame, *, lang: str) -> ReportText:
    """Plain-language explanation of why the pre/post gain is larger than the DiD.

    Parameters
    ----------
    gap : pandas.DataFrame
        Output of :func:`~quartiere.evaluation.outcome_gap`.
    lang : {"it", "en"}

    Returns
    -------
    ReportText
        One paragraph with the numbers, for a council member.

    Raises
    ------
    DataFileError
        A component missing from ``gap``.

    Notes
    -----
    Numbers are rounded to one decimal in the report language.

    References
    ----------
    Barnett, van der Pols & Dobson (2005). Int. J. Epidemiology 34(1), 215-220.

    Examples
    --------
    >>> g = pd.DataFrame({"component": list(_GAP_KEYS), "estimate": [6.1, 2.6, 1.2, 1.4, 3.5],
    ...                   "ci_low": [5.3, 0, 0, 0, 2.8], "ci_high": [6.9, 0, 0, 0, 4.2]})
    >>> "3.5 points" in str(outcome_gap_text(g, lang="en"))
    True
    """
    check_lang(lang)
    by = gap.set_index("component")
    missing = [c for c in _GAP_KEYS if c not in by.index]
    if missing:
        raise DataFileError(f"component {missing[0]!r} missing; pass outcome_gap's output")
    n = lambda v: format_number(v, lang)  # noqa: E731
    text = t(
        "evaluation.gap_text",
        lang,
        pre_post=n(by.loc["pre_post", "estimate"]),
        comparison=n(by.loc["comparison_change", "estimate"]),
        trend=n(by.loc["time_trend", "estimate"]),
        rtm=n(by.loc["regression_to_mean", "estimate"]),
        did=n(by.loc["did", "estimate"]),
        ci_low=n(by.loc["did", "ci_low"]),
        ci_high=n(by.loc["did", "ci_high"]),
    )
    return ReportText(text)


def _suppressed_n(frame: pd.DataFrame, threshold: int, lang: str) -> list[str]:
    return [
        t("report.suppressed", lang, threshold=threshold) if s else format_int(v, lang)
        for v, s in zip(frame["n"], frame["suppressed"], strict=True)
    ]


def gas_table(
    per_user: pd.DataFrame,
    *,
    lang: str,
    by: str = "district",
    threshold: int = 5,
    rho: float = 0.3,
    districts: Sequence[str] | None = None,
) -> ReportTable:
    """GAS T-score per comune and for the whole programme, small cells suppressed.

    Parameters
    ----------
    per_user : pandas.DataFrame
        Output of :func:`~quartiere.evaluation.gas_scores` with a ``by`` column.
    lang : {"it", "en"}
    by : str, default "district"
        Grouping column.
    threshold : int, default 5
        Privacy threshold: groups with fewer users show no values and ``< threshold``.
    rho : float, default 0.3
        The inter-goal correlation used (stated in the note).
    districts : sequence of str, optional
        Row order (the study's districts); default sorted.

    Returns
    -------
    ReportTable
        Group, users, mean T-score, 95% CI, share with T >= 50. ``.data`` is
        :func:`~quartiere.evaluation.gas_summary` by group plus a programme row, with
        ``suppressed``.

    Raises
    ------
    DataFileError
        ``by`` or ``t_score`` missing.

    Notes
    -----
    Suppression with :func:`quartiere.privacy.suppress_small_cells` (primary only; the
    programme total is published as its n is far above the threshold).

    References
    ----------
    Kiresuk & Sherman (1968). Community Mental Health Journal 4(6), 443-453.

    Examples
    --------
    >>> pu = pd.DataFrame({"district": ["A"] * 6 + ["B"] * 2, "t_score": [50.0 + i for i in range(8)]})
    >>> gas_table(pu, lang="en").to_frame().iloc[1, 1]
    '< 5'
    """
    check_lang(lang)
    if by not in per_user.columns:
        raise DataFileError(f"no column {by!r}; pass gas_scores(..., by={by!r})", column=by)
    groups = gas_summary(per_user, by=by)
    order = list(districts) if districts else sorted(groups[by])
    groups = groups.set_index(by).reindex([d for d in order if d in set(groups[by])])
    groups = groups.reset_index().rename(columns={by: "group"})
    total = gas_summary(per_user).assign(group=t("evaluation.programme_total", lang))
    frame = pd.concat([groups, total], ignore_index=True)
    frame = suppress_small_cells(
        frame,
        threshold=threshold,
        columns=["estimate", "se", "ci_low", "ci_high", "share_at_or_above_50", "p_val"],
    )
    frame["n_shown"] = _suppressed_n(frame, threshold, lang)
    frame["ci"] = [
        "" if s else _ci(lo, hi, lang)
        for lo, hi, s in zip(frame["ci_low"], frame["ci_high"], frame["suppressed"], strict=True)
    ]
    cols = {
        "group": (t("chart.district", lang), "text"),
        "n_shown": (t("evaluation.gas_n", lang), "text"),
        "estimate": (t("evaluation.gas_mean", lang), "num1"),
        "ci": (t("evaluation.ci95", lang), "text"),
        "share_at_or_above_50": (t("evaluation.gas_share", lang), "pct0"),
    }
    return table(
        frame,
        caption=t("evaluation.gas_title", lang),
        columns=cols,
        lang=lang,
        note=t("evaluation.gas_note", lang, rho=format_number(rho, lang, 1)),
        threshold=threshold,
    )


def service_table(
    service: pd.DataFrame,
    *,
    lang: str,
    threshold: int = 5,
    districts: Sequence[str] | None = None,
) -> ReportTable:
    """Service delivered by comune over the period: average users a month, hours, small cells
    suppressed.

    Parameters
    ----------
    service : pandas.DataFrame
        Tidy monthly service data: ``month``, ``district``, ``users``, ``hours``.
    lang : {"it", "en"}
    threshold : int, default 5
        Comuni averaging fewer users a month show no values.
    districts : sequence of str, optional
        Row order.

    Returns
    -------
    ReportTable
        ``.data``: ``district``, ``n`` (average users a month, rounded), ``hours`` (total),
        ``hours_per_user`` (hours per user a month), ``suppressed``.

    Raises
    ------
    DataFileError
        As :func:`~quartiere.evaluation.service_summary`.

    Notes
    -----
    Users are counted each month, so a person served six months counts in six months.

    References
    ----------
    See :func:`~quartiere.evaluation.service_summary`.

    Examples
    --------
    >>> s = pd.DataFrame({"month": ["10/2025", "10/2025"], "district": ["A", "B"],
    ...                   "users": [10, 2], "hours": [200.0, 40.0]})
    >>> service_table(s, lang="it").to_frame().iloc[1, 1]
    '< 5'
    """
    check_lang(lang)
    monthly = service_summary(service, month="month", hours="hours", users="users", by="district")
    months = sorted(monthly["month"].unique())
    per = monthly.groupby("district", sort=False).agg(
        users=("users", "sum"), hours=("hours", "sum")
    )
    per["n"] = (per["users"] / len(months)).round().astype(int)
    per["hours_per_user"] = per["hours"] / per["users"].where(per["users"] > 0)
    order = list(districts) if districts else sorted(per.index)
    per = per.reindex([d for d in order if d in per.index]).reset_index()
    frame = suppress_small_cells(
        per[["district", "n", "hours", "hours_per_user"]],
        threshold=threshold,
        columns=["hours", "hours_per_user"],
    )
    frame["n_shown"] = _suppressed_n(frame, threshold, lang)
    cols = {
        "district": (t("chart.district", lang), "text"),
        "n_shown": (t("evaluation.service_users", lang), "text"),
        "hours": (t("evaluation.service_hours", lang), "num0"),
        "hours_per_user": (t("evaluation.service_hours_per_user", lang), "num1"),
    }
    return table(
        frame,
        caption=t("evaluation.service_title", lang, first=months[0], last=months[-1]),
        columns=cols,
        lang=lang,
        threshold=threshold,
    )


def service_chart(service: pd.DataFrame, *, lang: str) -> alt.Chart:
    """Bars of users served per month across the ambito (no comune breakdown).

    Parameters
    ----------
    service : pandas.DataFrame
        Tidy monthly service data: ``month``, ``district``, ``users``, ``hours``.
    lang : {"it", "en"}

    Returns
    -------
    altair.Chart
        One bar per month.

    Raises
    ------
    DataFileError
        As :func:`~quartiere.evaluation.service_summary`.

    Notes
    -----
    Totals only, so no small counts by comune are drawn.

    References
    ----------
    See :func:`~quartiere.evaluation.service_summary`.

    Examples
    --------
    >>> s = pd.DataFrame({"month": ["10/2025", "11/2025"], "district": ["A", "A"],
    ...                   "users": [10, 12], "hours": [200.0, 240.0]})
    >>> service_chart(s, lang="en").to_dict()["mark"]["type"]
    'bar'
    """
    check_lang(lang)
    monthly = service_summary(service, month="month", hours="hours", users="users")
    return (
        alt.Chart(monthly)
        .mark_bar()
        .encode(
            x=alt.X("month:O", title=t("evaluation.month", lang), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("users:Q", title=t("evaluation.users", lang)),
            tooltip=["month:O", "users:Q", "hours:Q"],
        )
        .properties(width=420, height=220, title=t("evaluation.service_chart_title", lang))
    )


def cost_table(costs: CostAnalysis, *, lang: str) -> ReportTable:
    """Costs per participant and per outcome, and the comparison with the alternative.

    Parameters
    ----------
    costs : CostAnalysis
        Output of :func:`~quartiere.evaluation.cost_analysis`.
    lang : {"it", "en"}

    Returns
    -------
    ReportTable
        Measure/value rows in euro, shares and the cost-effectiveness quadrant in words.

    Raises
    ------
    ParameterError
        Unknown ``lang``.

    Notes
    -----
    The ICER is shown only when the programme neither dominates nor is dominated.

    References
    ----------
    Drummond, M. F. et al. (2015), ch. 4.

    Examples
    --------
    >>> from quartiere.evaluation import cost_analysis
    >>> a = {"hourly_cost": (20, 18, 22), "hours_per_user": (100, 80, 120),
    ...      "fixed_cost_per_user": (1000, 500, 1500)}
    >>> ca = cost_analysis(a, pd.DataFrame({"t_score": [45.0, 52.0, 55.0, 61.0]}),
    ...                    alt_cost=30000, alt_effect=0.5)
    >>> cost_table(ca, lang="it").to_frame().iloc[0, 1]
    '3.000 €'
    """
    check_lang(lang)
    ic = costs.icer
    rows = [
        (t("evaluation.cost_per_user_year", lang), format_money(costs.cost_per_user_year, lang)),
        (t("evaluation.participants", lang), format_int(costs.participants, lang)),
        (
            t(
                "evaluation.outcomes_achieved",
                lang,
                threshold=format_number(costs.success_threshold, lang, 0),
            ),
            format_int(costs.outcomes_achieved, lang),
        ),
        (t("evaluation.success_rate", lang), format_percent(ic.effect, lang, 0)),
        (
            t("evaluation.cost_per_participant", lang),
            format_money(costs.cost_per_participant, lang),
        ),
        (t("evaluation.cost_per_outcome", lang), format_money(costs.cost_per_outcome, lang)),
        (t("evaluation.alt_cost", lang), format_money(ic.alt_cost, lang)),
        (t("evaluation.alt_effect", lang), format_percent(ic.alt_effect, lang, 0)),
        (t("evaluation.delta_cost", lang), format_money(ic.delta_cost, lang)),
        (
            t("evaluation.delta_effect", lang),
            format_number(ic.delta_effect * 100, lang, 0) + " pp",
        ),
        (t("evaluation.quadrant", lang), t(f"evaluation.quadrant.{ic.quadrant}", lang)),
    ]
    if ic.quadrant in ("more_effective_more_costly", "less_effective_less_costly"):
        rows.append((t("evaluation.icer", lang), format_money(ic.icer, lang)))
    return _measure_table(
        rows,
        caption=t("evaluation.costs_title", lang),
        lang=lang,
        note=t("evaluation.costs_note", lang),
    )


def _cost_name(parameter: str, lang: str) -> str:
    key = f"evaluation.cost.{parameter}"
    return t(key, lang) if key in messages() else parameter  # no label: keep the id


def sensitivity_table(costs: CostAnalysis, *, lang: str) -> ReportTable:
    """One-way sensitivity of the cost per outcome: each assumption's range and its effect.

    Parameters
    ----------
    costs : CostAnalysis
        Output of :func:`~quartiere.evaluation.cost_analysis`.
    lang : {"it", "en"}

    Returns
    -------
    ReportTable
        Assumption, low, central, high value, cost per outcome at low and at high.

    Raises
    ------
    ParameterError
        Unknown ``lang``.

    Notes
    -----
    Largest swing first.

    References
    ----------
    Briggs, A. H. et al. (2012). Medical Decision Making 32(5), 722-732.

    Examples
    --------
    >>> from quartiere.evaluation import cost_analysis
    >>> a = {"hourly_cost": (20, 18, 22), "hours_per_user": (100, 80, 120),
    ...      "fixed_cost_per_user": (1000, 500, 1500)}
    >>> ca = cost_analysis(a, pd.DataFrame({"t_score": [45.0, 52.0, 55.0, 61.0]}),
    ...                    alt_cost=30000, alt_effect=0.5)
    >>> sensitivity_table(ca, lang="en").to_frame().iloc[0, 0]
    'Fixed cost per user (euro/year)'
    """
    check_lang(lang)
    sens = costs.sensitivity
    shown = sens.assign(
        name=sens["parameter"].map(lambda p: _cost_name(p, lang)),
        **{
            f"{c}_shown": sens[c].map(lambda v: _num(v, lang))
            for c in ("low_value", "base_value", "high_value")
        },
    )
    cols = {
        "name": (t("evaluation.parameter", lang), "text"),
        "low_value_shown": (t("evaluation.low", lang), "text"),
        "base_value_shown": (t("evaluation.base", lang), "text"),
        "high_value_shown": (t("evaluation.high", lang), "text"),
        "estimate_low": (t("evaluation.estimate_low", lang), "money"),
        "estimate_high": (t("evaluation.estimate_high", lang), "money"),
    }
    return table(
        shown,
        caption=t("evaluation.sensitivity_title", lang),
        columns=cols,
        lang=lang,
        note=t("evaluation.sensitivity_note", lang),
    )


def cost_tornado_chart(costs: CostAnalysis, *, lang: str) -> alt.Chart:
    """Tornado chart of the cost per outcome, with the alternative's cost as a dashed line.

    Parameters
    ----------
    costs : CostAnalysis
        Output of :func:`~quartiere.evaluation.cost_analysis`.
    lang : {"it", "en"}

    Returns
    -------
    altair.LayerChart
        See :func:`~quartiere.evaluation.tornado_chart`.

    Raises
    ------
    ParameterError
        Unknown ``lang``.

    Notes
    -----
    The axis starts at 0 so the distance to the alternative's cost reads truly.

    References
    ----------
    Briggs, A. H. et al. (2012). Medical Decision Making 32(5), 722-732.

    Examples
    --------
    >>> from quartiere.evaluation import cost_analysis
    >>> a = {"hourly_cost": (20, 18, 22), "hours_per_user": (100, 80, 120),
    ...      "fixed_cost_per_user": (1000, 500, 1500)}
    >>> ca = cost_analysis(a, pd.DataFrame({"t_score": [45.0, 52.0, 55.0, 61.0]}),
    ...                    alt_cost=30000, alt_effect=0.5)
    >>> len(cost_tornado_chart(ca, lang="en").to_dict()["layer"])
    4
    """
    check_lang(lang)
    names = {p: _cost_name(p, lang) for p in costs.sensitivity["parameter"]}
    return tornado_chart(
        costs.sensitivity,
        lang=lang,
        names=names,
        x_title=t("evaluation.cost_per_outcome_axis", lang),
        reference=costs.icer.alt_cost,
        reference_label=t("evaluation.reference", lang),
        title=t("evaluation.tornado_title", lang),
    )


_OPS = {">=": "≥", "<=": "≤"}


def recommendation_table(rec: Recommendation, *, lang: str) -> ReportTable:
    """The evidence behind the recommendation: criterion, value, threshold, met.

    Parameters
    ----------
    rec : Recommendation
        Output of :func:`~quartiere.evaluation.recommend`.
    lang : {"it", "en"}

    Returns
    -------
    ReportTable
        One row per criterion; the decision rule as the note.

    Raises
    ------
    ParameterError
        Unknown ``lang``.

    Notes
    -----
    Values are formatted per criterion: d with two decimals, attainment as a percentage,
    cost in euro.

    References
    ----------
    Rossi, Lipsey & Henry (2019). Evaluation: a systematic approach, 8th ed.

    Examples
    --------
    >>> from quartiere.evaluation import recommend
    >>> rec = recommend(effect_size=0.5, target_attainment=0.8, cost_per_outcome=12000)
    >>> recommendation_table(rec, lang="en").to_frame().iloc[2, 1]
    '12,000 €'
    """
    check_lang(lang)
    ev = rec.evidence

    def fmt(criterion: str, v: float) -> str:
        if criterion == "target_attainment":
            return format_percent(v, lang, 0)
        if criterion == "cost_per_outcome":
            return format_money(v, lang)
        return format_number(v, lang, 2)

    shown = ev.assign(
        name=ev["criterion"].map(lambda c: t(f"evaluation.criterion.{c}", lang)),
        value_shown=[fmt(c, v) for c, v in zip(ev["criterion"], ev["value"], strict=True)],
        threshold_shown=[
            f"{_OPS.get(op, op)} {fmt(c, v)}"
            for c, op, v in zip(ev["criterion"], ev["comparison"], ev["threshold"], strict=True)
        ],
        met_shown=ev["met"].map(lambda m: t("evaluation.yes" if m else "evaluation.no", lang)),
    )
    cols = {
        "name": (t("evaluation.criterion", lang), "text"),
        "value_shown": (t("evaluation.value", lang), "text"),
        "threshold_shown": (t("evaluation.threshold", lang), "text"),
        "met_shown": (t("evaluation.met", lang), "text"),
    }
    return table(
        shown,
        caption=t("evaluation.recommendation_title", lang),
        columns=cols,
        lang=lang,
        note=t("evaluation.rule", lang),
    )


def recommendation_text(rec: Recommendation, *, lang: str) -> ReportText:
    """The verdict in words with the criteria met and not met (never a bare verdict).

    Parameters
    ----------
    rec : Recommendation
        Output of :func:`~quartiere.evaluation.recommend`.
    lang : {"it", "en"}

    Returns
    -------
    ReportText
        Bold verdict, then the criteria met and not met.

    Raises
    ------
    ParameterError
        Unknown ``lang``.

    Notes
    -----
    Show it with :func:`recommendation_table`, which holds the numbers and the rule.

    References
    ----------
    Rossi, Lipsey & Henry (2019). Evaluation: a systematic approach, 8th ed.

    Examples
    --------
    >>> from quartiere.evaluation import recommend
    >>> rec = recommend(effect_size=0.5, target_attainment=0.5, cost_per_outcome=12000)
    >>> str(recommendation_text(rec, lang="en"))[:29]
    'Recommendation: Improve. Crit'
    """
    check_lang(lang)
    ev = rec.evidence
    names = ev["criterion"].map(lambda c: t(f"evaluation.criterion.{c}", lang).lower())
    none = t("evaluation.none", lang)
    met = "; ".join(names[ev["met"]]) or none
    unmet = "; ".join(names[~ev["met"]]) or none
    verdict = t(f"evaluation.verdict.{rec.verdict}", lang)
    return ReportText(
        t("evaluation.verdict_met", lang, met=met)
        + " "
        + t("evaluation.verdict_unmet", lang, unmet=unmet),
        strong=t("evaluation.verdict_line", lang, verdict=verdict),
    )
