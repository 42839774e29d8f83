"""Tables, charts and sentences of the Piano di Zona synthesis, from a :class:`Synthesis`.

Each helper returns something a notebook cell displays: a :class:`~quartiere.report.ReportTable`
(numbered "Tabella N" in the report), an altair chart (numbered "Figura N") or a
:class:`Text` paragraph. When the part a helper needs did not run, tables keep their
columns with no rows and say so in their note, so cross-references to them still resolve.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from quartiere.publish.synthesis import DEFAULT_STEMS, PARTS, Synthesis
from quartiere.report import bar_chart, table
from quartiere.report.i18n import format_money, format_number, format_percent, t
from quartiere.report.tables import ReportTable

__all__ = [
    "Text",
    "LinkTable",
    "not_run",
    "reports_table",
    "needs_table",
    "need_chart",
    "priorities_table",
    "priorities_chart",
    "budget_table",
    "objectives_table",
    "interventions_table",
    "monitoring_table",
    "settings_table",
    "methods_table",
    "summary",
]


@dataclass(frozen=True)
class Text:
    """A paragraph of generated text (escaped), shown as HTML in notebooks and reports."""

    text: str
    kind: str = "q-summary"

    def _repr_html_(self) -> str:
        return f'<p class="{self.kind}">{html.escape(self.text)}</p>'

    def __str__(self) -> str:
        return self.text


def not_run(syn: Synthesis, part: str, lang: str) -> Text | None:
    """The "not run" note for a missing part, or None when it ran.

    Examples
    --------
    >>> from pathlib import Path
    >>> str(not_run(Synthesis(Path("."), "en"), "survey", "en"))
    'The report 02-analyse-survey.en.html was not run in this run: its results are missing from this synthesis.'
    """
    if syn.has(part):
        return None
    name = syn.notebooks.get(part) or _STEMS.get(part, PARTS[part])
    return Text(t("publish.not_run", lang, report=f"{name}.{lang}.html"), "q-note q-not-run")


_STEMS = DEFAULT_STEMS


def _missing_note(syn: Synthesis, parts: Sequence[str], lang: str) -> str | None:
    notes = [str(n) for p in parts if (n := not_run(syn, p, lang)) is not None]
    return " ".join(notes) or None


@dataclass(frozen=True)
class LinkTable:
    """A numbered report table whose last column links to the detailed reports."""

    data: pd.DataFrame
    caption: str
    headers: Sequence[str]
    lang: str

    def to_frame(self) -> pd.DataFrame:
        """The displayed cells (``label``, ``status``, ``href``)."""
        return self.data.copy()

    def _repr_html_(self) -> str:
        e = html.escape
        head = "".join(f'<th class="txt">{e(h)}</th>' for h in self.headers)
        body = []
        for r in self.data.itertuples(index=False):
            link = f'<a href="{e(r.href)}">{e(r.href)}</a>' if r.ran else e(r.href)
            body.append(
                f'<tr><td class="txt">{e(r.label)}</td><td class="txt">{e(r.status)}</td>'
                f'<td class="txt">{link}</td></tr>'
            )
        return (
            '<figure class="q-figure q-table-figure">'
            f"<figcaption>{e(self.caption)}</figcaption>"
            f'<table class="q-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></figure>"
        )


def reports_table(syn: Synthesis, lang: str) -> LinkTable:
    """Every part of the plan, whether it ran, and a relative link to its detailed report.

    Examples
    --------
    >>> from pathlib import Path
    >>> tab = reports_table(Synthesis(Path("."), "it", {"profile": "01-profile-community"},
    ...                               {"profile": {}}), "it")
    >>> tab.to_frame().loc[0, "href"], bool(tab.to_frame().loc[1, "ran"])
    ('01-profile-community.it.html', False)
    """
    rows = []
    for part in PARTS:
        ran = syn.has(part)
        stem = syn.notebooks.get(part) or _STEMS[part]
        rows.append(
            {
                "part": part,
                "label": t(f"publish.part_{part}", lang),
                "ran": ran,
                "status": t("publish.run_ok" if ran else "publish.not_run_short", lang),
                "href": f"{stem}.{lang}.html",
            }
        )
    headers = [t(f"publish.col_{k}", lang) for k in ("part", "status", "link")]
    return LinkTable(pd.DataFrame(rows), t("publish.reports_caption", lang), headers, lang)


def _slug(text: Any) -> str:
    return str(text).lower().replace(" ", "_")


def _pretty(code: Any) -> str:
    if code is None or (isinstance(code, float) and pd.isna(code)):
        return ""
    text = str(code).replace("_", " ")
    return text[:1].upper() + text[1:]


def _service(code: str, lang: str) -> str:
    try:
        return t(f"publish.need_{code}", lang)
    except Exception:  # a service the catalog does not name
        return _pretty(code)


def _names(frame: pd.DataFrame | None, ids: Any, key: str, label: str) -> list[str]:
    """Labels for ids (``SER-CEN`` -> ``Centro diurno ...``) where the frame has them."""
    ids = list(ids or [])
    if frame is None or key not in frame or label not in frame:
        return [str(i) for i in ids]
    names = dict(zip(frame[key], frame[label], strict=False))
    return [str(names.get(i, i)) for i in ids]


def needs_table(syn: Synthesis, lang: str) -> ReportTable:
    """Needs by municipality from four sources: indicators (01), survey (02), interviews (03)
    and the workshop (04), with the need score and its rank.

    Examples
    --------
    >>> from pathlib import Path
    >>> needs_table(Synthesis(Path("."), "en"), "en").data.columns.tolist()[:3]
    ['district', 'rank', 'score']
    """
    scores = syn.frame("profile", "need_scores")
    districts: list[str] = list(scores["district"]) if scores is not None else []
    survey = syn.get("survey", "top_need") or {}
    themes = syn.get("interviews", "top_theme") or {}
    workshop = syn.get("workshop", "top_by_group") or {}
    for source in (survey, themes):
        districts += [d for d in source if d not in districts]
    rows = []
    for d in districts:
        row: dict[str, Any] = {"district": d, "rank": None, "score": None, "indicators": ""}
        if scores is not None and d in set(scores["district"]):
            s = scores.set_index("district").loc[d]
            row.update(
                rank=int(s["rank"]),
                score=float(s["score"]),
                indicators=t(f"publish.need_{s['top_need']}", lang),
            )
        row["survey"] = survey.get(d, "")
        row["interviews"] = themes.get(d, "")
        row["workshop"] = _pretty(workshop.get(_slug(d)))
        rows.append(row)
    cols = ["district", "rank", "score", "indicators", "survey", "interviews", "workshop"]
    data = pd.DataFrame(rows, columns=cols)
    if len(data) and data["rank"].notna().any():
        data = data.sort_values("rank", na_position="last", kind="stable").reset_index(drop=True)
    return table(
        data,
        caption=t("publish.needs_caption", lang),
        lang=lang,
        columns={
            "district": (t("publish.col_district", lang), "text"),
            "rank": (t("publish.col_need_rank", lang), "int"),
            "score": (t("publish.col_need_score", lang), "num2"),
            "indicators": (t("publish.col_need_indicators", lang), "text"),
            "survey": (t("publish.col_need_survey", lang), "text"),
            "interviews": (t("publish.col_need_interviews", lang), "text"),
            "workshop": (t("publish.col_need_workshop", lang), "text"),
        },
        note=_missing_note(syn, ["profile", "survey", "interviews", "workshop"], lang),
    )


def need_chart(syn: Synthesis, lang: str, *, focus: str | None = None) -> alt.Chart:
    """Bars of the need score by municipality (an empty chart when the profile did not run).

    Examples
    --------
    >>> from pathlib import Path
    >>> spec = need_chart(Synthesis(Path("."), "it"), "it").to_dict()
    >>> spec["title"]
    "Indice di bisogno per comune (punti standard, media dell'ambito = 0)"
    """
    scores = syn.frame("profile", "need_scores")
    data = (
        scores[["district", "score"]].sort_values("score", ascending=False)
        if scores is not None
        else pd.DataFrame({"district": pd.Series(dtype=str), "score": pd.Series(dtype=float)})
    )
    return bar_chart(
        data,
        x="score",
        y="district",
        x_title=t("publish.need_axis", lang),
        y_title=t("publish.col_district", lang),
        highlight=focus,
        rule=0.0,
        title=t("publish.need_chart_caption", lang),
    )


def _weights(syn: Synthesis) -> pd.DataFrame:
    w = syn.frame("workshop", "priority_weights")
    if w is None:
        return pd.DataFrame(
            {"criterion": pd.Series(dtype=str), "weight": pd.Series(dtype=float), "n": []}
        )
    return w.assign(label=w["criterion"].map(_pretty)).sort_values("weight", ascending=False)


def priorities_table(syn: Synthesis, lang: str) -> ReportTable:
    """Criteria weights residents chose in the workshop (04).

    Examples
    --------
    >>> from pathlib import Path
    >>> priorities_table(Synthesis(Path("."), "it"), "it").data.empty
    True
    """
    w = _weights(syn)
    if "label" not in w:
        w = w.assign(label=w["criterion"])
    return table(
        w[["label", "weight", "n"]].reset_index(drop=True),
        caption=t("publish.priorities_caption", lang),
        lang=lang,
        columns={
            "label": (t("publish.col_criterion", lang), "text"),
            "weight": (t("publish.col_weight", lang), "pct1"),
            "n": (t("publish.col_n", lang), "int"),
        },
        note=_missing_note(syn, ["workshop"], lang),
    )


def priorities_chart(syn: Synthesis, lang: str) -> alt.Chart:
    """Bars of the residents' criteria weights (an empty chart when 04 did not run)."""
    w = _weights(syn)
    if "label" not in w:
        w = w.assign(label=w["criterion"])
    return bar_chart(
        w[["label", "weight"]],
        x="weight",
        y="label",
        x_title=t("publish.col_weight", lang),
        y_title=t("publish.col_criterion", lang),
        x_format=".0%",
        title=t("publish.priorities_chart_caption", lang),
    )


def budget_table(syn: Synthesis, lang: str) -> ReportTable:
    """Participatory budget: projects, votes and which rule funds them (04).

    Examples
    --------
    >>> from pathlib import Path
    >>> budget_table(Synthesis(Path("."), "en"), "en").data.columns.tolist()
    ['label', 'district', 'cost', 'votes', 'greedy', 'equal_shares']
    """
    cols = ["label", "district", "cost", "votes", "greedy", "equal_shares"]
    b = syn.frame("workshop", "budget")
    data = b[cols].copy() if b is not None else pd.DataFrame(columns=cols)
    data["district"] = data["district"].fillna(t("report.ambito", lang))
    yes, no = t("publish.yes", lang), t("publish.no", lang)
    for c in ("greedy", "equal_shares"):
        data[c] = [yes if bool(v) else no for v in data[c]]
    return table(
        data.reset_index(drop=True),
        caption=t("publish.budget_caption", lang),
        lang=lang,
        columns={
            "label": (t("publish.col_project", lang), "text"),
            "district": (t("publish.col_district", lang), "text"),
            "cost": (t("publish.col_cost", lang), "money"),
            "votes": (t("publish.col_votes", lang), "int"),
            "greedy": (t("publish.col_greedy", lang), "text"),
            "equal_shares": (t("publish.col_equal_shares", lang), "text"),
        },
        note=_missing_note(syn, ["workshop"], lang),
    )


def _fmt(value: float, unit: str, lang: str) -> str:
    if unit == "share":
        return format_percent(value, lang, 1)
    if unit == "residents_per_worker":
        return format_number(value, lang, 0)
    return format_number(value, lang, 2).rstrip("0").rstrip(",.")


def objectives_table(
    objectives: pd.DataFrame, lang: str, *, start_year: int, end_year: int
) -> ReportTable:
    """The SMART objectives of :func:`quartiere.publish.smart_objectives`, in words.

    Examples
    --------
    >>> obj = pd.DataFrame([{"objective": "nido.V", "area": "nido", "district": "Villafranca",
    ...     "service": "nido", "indicator": "nido", "unit": "share", "direction": "higher",
    ...     "baseline": 0.18, "target": 0.33, "deadline": "2029-12-31", "source": "profile"}])
    >>> objectives_table(obj, "it", start_year=2027, end_year=2029).to_frame().iloc[0, 0]
    'Portare i posti nido a Villafranca al 33,0% dei bambini 0-2 anni'
    """
    from quartiere.report.i18n import format_date

    rows = []
    for r in objectives.itertuples(index=False):
        if r.area == "programme":
            text = t("publish.obj_programme", lang, name=r.indicator)
            indicator = r.indicator
            source = r.source
        else:
            text = t(
                f"publish.obj_{r.area}",
                lang,
                district=r.district,
                standard=_fmt(r.target, r.unit, lang),
            )
            indicator = t(f"publish.ind_{r.area}", lang)
            source = t("publish.src_profile", lang)
        rows.append(
            {
                "objective": text,
                "area": t(f"publish.area_{r.area}", lang),
                "indicator": indicator,
                "baseline": _fmt(r.baseline, r.unit, lang),
                "target": _fmt(r.target, r.unit, lang),
                "deadline": format_date(r.deadline, lang, "short"),
                "source": source,
            }
        )
    cols = ["objective", "area", "indicator", "baseline", "target", "deadline", "source"]
    data = pd.DataFrame(rows, columns=cols)
    return table(
        data,
        caption=t("publish.objectives_caption", lang, start=start_year, end=end_year),
        lang=lang,
        columns={c: (t(f"publish.col_{c}", lang), "text") for c in cols},
        note=t("publish.smart_note", lang),
    )


def interventions_table(syn: Synthesis, lang: str) -> ReportTable:
    """Options ranked under the chosen scenario and weights (05), with the Monte Carlo
    probability of ranking first, whether the chosen package includes them and which
    service gaps they close.

    Examples
    --------
    >>> from pathlib import Path
    >>> interventions_table(Synthesis(Path("."), "it"), "it").data.empty
    True
    """
    cols = ["name", "rank", "p_first", "in_plan", "closes"]
    head = syn.get("scenarios", "headlines") or {}
    ranking = syn.frame("scenarios", "ranking")
    scenario = head.get("scenario", "")
    if ranking is None:
        data = pd.DataFrame(columns=cols)
    else:
        wset = head.get("weight_set", "residents")
        sel = ranking[(ranking["weight_set"] == wset) & (ranking["method"] == "topsis")]
        if sel.empty:
            sel = ranking[ranking["weight_set"] == ranking["weight_set"].iloc[0]]
            sel = sel[sel["method"] == sel["method"].iloc[0]]
        mc = syn.frame("scenarios", "monte_carlo")
        pfirst = dict(zip(mc["option"], mc["p_first"], strict=True)) if mc is not None else {}
        effects = syn.frame("scenarios", "option_effects")
        closes: dict[str, list[str]] = {}
        if effects is not None:
            for r in effects[effects["closes"].astype(bool)].itertuples(index=False):
                closes.setdefault(r.option, []).append(r.service)
        plan = set(head.get("best_portfolio") or [])
        yes, no = t("publish.yes", lang), t("publish.no", lang)
        data = pd.DataFrame(
            {
                "name": sel["name"].to_list(),
                "rank": sel["rank"].to_list(),
                "p_first": [pfirst.get(o) for o in sel["option"]],
                "in_plan": [yes if o in plan else no for o in sel["option"]],
                "closes": [
                    ", ".join(_service(s, lang) for s in closes.get(o, [])) for o in sel["option"]
                ],
            }
        ).sort_values("rank", kind="stable")
    return table(
        data.reset_index(drop=True),
        caption=t("publish.interventions_caption", lang, scenario=scenario),
        lang=lang,
        columns={
            "name": (t("publish.col_option", lang), "text"),
            "rank": (t("publish.col_rank", lang), "int"),
            "p_first": (t("publish.col_p_first", lang), "pct1"),
            "in_plan": (t("publish.col_in_plan", lang), "text"),
            "closes": (t("publish.col_closes", lang), "text"),
        },
        note=_missing_note(syn, ["scenarios"], lang),
    )


def monitoring_table(syn: Synthesis, lang: str) -> ReportTable:
    """The monitoring plan: each indicator of the evaluated programme (06) with baseline,
    target, deadline, latest value and progress status.

    Examples
    --------
    >>> from pathlib import Path
    >>> monitoring_table(Synthesis(Path("."), "en"), "en").data.columns.tolist()[:2]
    ['name', 'baseline']
    """
    cols = ["name", "baseline", "target", "deadline", "value", "status", "source"]
    prog = syn.frame("evaluation", "indicator_progress")
    if prog is None:
        data = pd.DataFrame(columns=cols)
    else:
        from quartiere.report.i18n import format_date

        data = prog.assign(
            deadline=[format_date(str(d)[:10], lang, "short") for d in prog["deadline"]],
            status=[t(f"publish.status_{s}", lang) for s in prog["status"]],
        )[cols]
    return table(
        data.reset_index(drop=True),
        caption=t("publish.monitoring_caption", lang),
        lang=lang,
        columns={
            "name": (t("publish.col_indicator", lang), "text"),
            "baseline": (t("publish.col_baseline", lang), "num2"),
            "target": (t("publish.col_target", lang), "num2"),
            "deadline": (t("publish.col_deadline", lang), "text"),
            "value": (t("publish.col_value", lang), "num2"),
            "status": (t("publish.col_status_ind", lang), "text"),
            "source": (t("publish.col_source", lang), "text"),
        },
        note=_missing_note(syn, ["evaluation"], lang),
    )


def settings_table(syn: Synthesis, study: Any, lang: str) -> ReportTable:
    """Settings behind the numbers: privacy threshold and seed (study), variance method
    (02), intercoder agreement unit (03), Monte Carlo draws and scenario (05).

    Examples
    --------
    >>> from pathlib import Path
    >>> import types
    >>> s = types.SimpleNamespace(threshold=5, seed=20261128)
    >>> settings_table(Synthesis(Path("."), "en"), s, "en").to_frame().iloc[:, 1].tolist()
    ['5', '20261128']
    """
    rows = [
        ("threshold", str(study.threshold)),
        ("seed", str(study.seed)),
    ]
    deff = syn.get("survey", "deff")
    if deff is not None:
        rows.append(
            ("variance", t("publish.variance_kish", lang, deff=format_number(deff, lang, 2)))
        )
    unit = syn.get("interviews", "agreement_unit")
    if unit is not None:
        rows.append(("agreement", str(unit)))
    head = syn.get("scenarios", "headlines") or {}
    if "draws" in head:
        rows.append(("draws", format_number(head["draws"], lang, 0)))
    if "scenario" in head:
        rows.append(("scenario", str(head["scenario"])))
    data = pd.DataFrame(
        {
            "setting": [t(f"publish.setting_{k}", lang) for k, _ in rows],
            "value": [v for _, v in rows],
        }
    )
    return table(
        data,
        caption=t("publish.settings_caption", lang),
        lang=lang,
        columns={
            "setting": (t("publish.col_setting", lang), "text"),
            "value": (t("publish.col_value", lang), "text"),
        },
    )


def methods_table(methods: pd.DataFrame, lang: str) -> ReportTable:
    """The methods appendix: each helper a report called and the method its Notes state.

    Examples
    --------
    >>> m = pd.DataFrame({"notebook": ["02-s"], "helper": ["quartiere.survey.rake"],
    ...                   "notes": ["Iterative proportional fitting."]})
    >>> methods_table(m, "en").to_frame().iloc[0, 1]
    'survey.rake'
    """
    data = methods.assign(helper=methods["helper"].str.removeprefix("quartiere."))
    return table(
        data[["notebook", "helper", "notes"]].reset_index(drop=True),
        caption=t("publish.methods_caption", lang),
        lang=lang,
        columns={
            "notebook": (t("publish.col_report", lang), "text"),
            "helper": (t("publish.col_helper", lang), "text"),
            "notes": (t("publish.col_method", lang), "text"),
        },
    )


def _list(items: Any, lang: str) -> str:
    items = [str(i) for i in (items or [])]
    if not items:
        return "—"
    if len(items) == 1:
        return items[0]
    conj = " e " if lang == "it" else " and "
    return ", ".join(items[:-1]) + conj + items[-1]


def summary(syn: Synthesis, part: str, lang: str, *, study: Any = None) -> Text:
    """One generated sentence with a part's headline numbers, or its "not run" note.

    Examples
    --------
    >>> from pathlib import Path
    >>> syn = Synthesis(Path("."), "en", results={"interviews": {"n_documents": 24,
    ...                                                           "overall_alpha": 0.8153}})
    >>> str(summary(syn, "interviews", "en"))
    'The 24 interviews were coded by two people with an overall agreement of α = 0.82.'
    """
    missing = not_run(syn, part, lang)
    if missing is not None:
        return missing
    g = syn.results[part]
    if part == "profile":
        scores = syn.frame("profile", "need_scores")
        ind = syn.frame("profile", "indicators")
        top = scores.sort_values("rank").iloc[0]["district"] if scores is not None else "—"
        residents = (
            ind[ind["district"].isin(scores["district"])]["residents"].sum()
            if ind is not None and scores is not None
            else 0
        )
        return Text(
            t(
                "publish.sum_profile",
                lang,
                district=top,
                residents=format_number(residents, lang, 0),
            )
        )
    if part == "survey":
        return Text(
            t(
                "publish.sum_survey",
                lang,
                n=format_number(g.get("n_respondents"), lang, 0),
                weighted=format_number(g.get("satisfaction_weighted"), lang, 2),
                unweighted=format_number(g.get("satisfaction_unweighted"), lang, 2),
                deff=format_number(g.get("deff"), lang, 2),
            )
        )
    if part == "interviews":
        return Text(
            t(
                "publish.sum_interviews",
                lang,
                n=format_number(g.get("n_documents"), lang, 0),
                alpha=format_number(g.get("overall_alpha"), lang, 2),
            )
        )
    if part == "workshop":
        budget = syn.frame("workshop", "budget")
        first = t(
            "publish.sum_workshop",
            lang,
            n=format_number(g.get("n_participants"), lang, 0),
            criterion=_pretty(g.get("top_priority")),
        )
        second = t(
            "publish.sum_budget",
            lang,
            equal=_list(_names(budget, g.get("equal_shares_selected"), "project", "label"), lang),
            greedy=_list(_names(budget, g.get("greedy_selected"), "project", "label"), lang),
        )
        return Text(f"{first} {second}")
    if part == "scenarios":
        head = g.get("headlines") or {}
        ranking = syn.frame("scenarios", "ranking")
        top = head.get("top_option", g.get("top_option_residents", ""))
        top_equal = head.get("top_option_equal", g.get("top_option_equal", ""))
        top, top_equal = _names(ranking, [top, top_equal], "option", "name")
        return Text(
            t(
                "publish.sum_scenarios",
                lang,
                scenario=head.get("scenario", ""),
                top=top,
                p=format_percent(head.get("p_first_top", g.get("p_first_top")), lang, 0),
                top_equal=top_equal,
                cost=format_money(head.get("best_portfolio_cost"), lang),
                cap=format_money(head.get("budget_cap"), lang),
            )
        )
    if part == "evaluation":
        programme = ""
        if study is not None:
            programme = str(study.section("evaluation").get("programme", ""))
        verdict = str(g.get("verdict", ""))
        try:
            verdict_text = t(f"publish.verdict_{verdict}", lang)
        except Exception:
            verdict_text = verdict
        return Text(
            t(
                "publish.sum_evaluation",
                lang,
                programme=programme,
                did=format_number(g.get("did_estimate"), lang, 1),
                low=format_number(g.get("did_ci_low"), lang, 1),
                high=format_number(g.get("did_ci_high"), lang, 1),
                gas=format_number(g.get("gas_t_score"), lang, 1),
                cost=format_money(g.get("cost_per_outcome"), lang),
                verdict=verdict_text,
            )
        )
    return Text("")
