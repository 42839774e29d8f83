"""Report tables and figures of the scenario notebook, in Italian or English.

Each ``*_table`` returns a :class:`quartiere.report.ReportTable` (captioned, localized,
with a note a council member can read); each ``*_figure`` returns an ``alt.Chart`` with
its caption. They take the frames of :mod:`quartiere.scenarios.plan` and never compute
statistics of their own beyond sums and differences for display.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from quartiere.report.i18n import (
    check_lang,
    format_int,
    format_money,
    format_number,
    format_percent,
    messages,
    t,
)
from quartiere.report.tables import ReportTable, table
from quartiere.scenarios.charts import (
    demand_rate_chart,
    gap_chart,
    label,
    projection_chart,
    rank_probability_chart,
    ranking_chart,
    tornado_chart,
)
from quartiere.scenarios.mcda import AHPResult
from quartiere.scenarios.plan import Plan
from quartiere.scenarios.sensitivity import MonteCarloResult

__all__ = [
    "option_label",
    "projection_table",
    "projection_figure",
    "gap_summary_table",
    "gap_table",
    "gap_figure",
    "growth_table",
    "growth_figure",
    "shock_table",
    "options_table",
    "ahp_table",
    "weights_table",
    "ranking_table",
    "ranking_figure",
    "effects_table",
    "portfolio_table",
    "after_table",
    "mc_figure",
    "mc_table",
    "tornado_figure",
    "summary_table",
]

_EFFECTS = ("social_workers_fte", "nido_places", "adi_users_65plus", "social_housing_units")
_SERVICE_HEADER = {
    "social_workers": "h_sw",
    "nido": "h_nido",
    "adi": "h_adi",
    "economic_support": "h_economic_support",
    "housing": "h_housing",
}


def _has(key: str) -> bool:
    return f"scenarios.{key}" in messages()


def _scen(plan: Plan, lang: str) -> str:
    return label(plan.scenario, lang).lower()


def _crit(name: str, lang: str) -> str:
    return label(f"crit.{name}", lang) if _has(f"crit.{name}") else name


def _area(name: str, lang: str) -> str:
    return label(f"area.{name}", lang) if _has(f"area.{name}") else str(name).replace("_", " ")


def _join(items: list[str], lang: str) -> str:
    if not items:
        return label("nobody", lang)
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {label('and', lang)} " + items[-1]


def option_label(plan: Plan, option: str, lang: str) -> str:
    """How an option is named in a report: its name, or a description in another language.

    Parameters
    ----------
    plan : Plan
        From :func:`~quartiere.scenarios.plan.load_plan`.
    option : str
        Option code.
    lang : {"it", "en"}
        Report language.

    Returns
    -------
    str
        The options file's ``name`` when the report is in the study's language, else a
        description built from the option's kind, area, effect and district (names are
        written once, in the study's language).

    Raises
    ------
    KeyError
        Unknown option code.

    Examples
    --------
    >>> from quartiere import load_study
    >>> from quartiere.scenarios.plan import load_plan
    >>> plan = load_plan(load_study("data/sample"))
    >>> option_label(plan, "AS-SER", "en")
    'Expansion (social work): +2 social workers (FTE), Serenella'
    >>> option_label(plan, "AS-SER", "it")
    'Assunzione di 2 assistenti sociali a Serenella'
    """
    check_lang(lang)
    row = plan.inputs.options.set_index("option").loc[option]
    if lang == plan.names_lang and "name" in row.index and isinstance(row["name"], str):
        return row["name"]
    kind = str(row.get("kind", ""))
    kind_text = label(f"kind.{kind}", lang) if _has(f"kind.{kind}") else kind
    effects = [
        t(f"scenarios.effect.{c}", lang, n=format_number(row[c], lang, 0))
        for c in _EFFECTS
        if c in row.index and pd.notna(row[c]) and float(row[c]) != 0
    ]
    values = {"kind": kind_text, "area": _area(row.get("area", ""), lang)}
    values["district"] = str(row.get("district", ""))
    if effects:
        return t("scenarios.option_desc", lang, effect=", ".join(effects), **values)
    return t("scenarios.option_desc_plain", lang, **values)


def _ordered(frame: pd.DataFrame, plan: Plan, column: str = "district") -> pd.DataFrame:
    order = {d: i for i, d in enumerate(plan.districts)}
    key = frame[column].map(order).fillna(len(order))
    return frame.assign(_o=key).sort_values("_o", kind="stable").drop(columns="_o")


def projection_table(plan: Plan, *, lang: str) -> ReportTable:
    """Residents by district in the base year and the last year of each scenario.

    Parameters
    ----------
    plan : Plan
        From :func:`~quartiere.scenarios.plan.load_plan`.
    lang : {"it", "en"}
        Report language.

    Returns
    -------
    ReportTable
        ``data`` columns: ``district``, ``base`` (residents in the base year), one column
        per scenario (residents in the last year), ``share_65`` (share aged 65+ in the last
        year, chosen scenario); the last row is the ambito.

    Examples
    --------
    >>> from quartiere import load_study
    >>> from quartiere.scenarios.plan import load_plan
    >>> tab = projection_table(load_plan(load_study("data/sample")), lang="en")
    >>> tab.to_frame().columns.tolist()[:3]
    ['Municipality', '2026', '2029 low']
    """
    proj = plan.projection
    y0, y1 = plan.schema.base_year, plan.last_year
    tot = proj.groupby(["scenario", "year", "district"], sort=False)["population"].sum()
    old = (
        proj[proj["age_start"] >= 65]
        .groupby(["scenario", "year", "district"], sort=False)["population"]
        .sum()
    )
    first = plan.schema.scenarios[0]
    data = pd.DataFrame({"base": tot.xs((first, y0), level=("scenario", "year"))})
    order = [s for s in ("low", "baseline", "high") if s in plan.schema.scenarios]
    order += [s for s in plan.schema.scenarios if s not in order]
    for s in order:
        data[s] = tot.xs((s, y1), level=("scenario", "year"))
    old_last = old.xs((plan.scenario, y1), level=("scenario", "year"))
    data["old"] = old_last
    data = _ordered(data.reset_index(), plan)
    total = {"district": t("report.ambito", lang), **data.drop(columns="district").sum()}
    data = pd.concat([data, pd.DataFrame([total])], ignore_index=True)
    data["share_65"] = data["old"].astype(float) / data[plan.scenario].astype(float)
    data = data.drop(columns="old")
    for c in ["base", *order]:
        data[c] = data[c].astype(float)
    cols: dict[str, tuple[str, str]] = {"district": (label("district", lang), "text")}
    cols["base"] = (str(y0), "int")
    for s in order:
        cols[s] = (
            t("scenarios.h_year_scenario", lang, year=y1, scenario=label(s, lang).lower()),
            "int",
        )
    cols["share_65"] = (t("scenarios.h_share_65", lang, year=y1), "pct1")
    return table(
        data,
        caption=t("scenarios.cap_projection", lang, first=y0, last=y1),
        columns=cols,
        lang=lang,
        note=t("scenarios.note_projection", lang, base=y0),
    )


def projection_figure(plan: Plan, *, age_min: int = 75, lang: str) -> alt.Chart:
    """Small multiples of the residents aged ``age_min``+ per district and scenario.

    Parameters
    ----------
    plan : Plan
        From :func:`~quartiere.scenarios.plan.load_plan`.
    age_min : int
        First age counted (75 = the ages that drive home-care demand; 0 = everyone).
    lang : {"it", "en"}
        Report language.

    Returns
    -------
    altair.Chart

    Examples
    --------
    >>> from quartiere import load_study
    >>> from quartiere.scenarios.plan import load_plan
    >>> spec = projection_figure(load_plan(load_study("data/sample")), lang="en").to_dict()
    >>> spec["title"].startswith("Residents aged 75+")
    True
    """
    who = (
        label("residents_all", lang)
        if age_min <= 0
        else t("scenarios.residents_aged", lang, age=age_min)
    )
    proj = _ordered(plan.projection, plan)
    title = t("scenarios.cap_projection_chart", lang, who=who)
    return projection_chart(proj, age_min=age_min, lang=lang, title=title)


def gap_summary_table(plan: Plan, *, lang: str) -> ReportTable:
    """Ambito shortfall of each service in each year of the plan, and its cost.

    Parameters
    ----------
    plan : Plan
        From :func:`~quartiere.scenarios.plan.load_plan`.
    lang : {"it", "en"}
        Report language.

    Returns
    -------
    ReportTable
        ``data``: ``service``, one column per year (shortfall, units of the service),
        ``gap_cost`` (EUR per year, last year); a total row for the cost.

    Examples
    --------
    >>> from quartiere import load_study
    >>> from quartiere.scenarios.plan import load_plan
    >>> tab = gap_summary_table(load_plan(load_study("data/sample")), lang="it")
    >>> tab.to_frame().iloc[0, 0]
    'Assistenti sociali (FTE)'
    """
    g = plan.scenario_gaps
    tmp = g.assign(shortfall=g["gap"].clip(lower=0))
    wide = tmp.pivot_table(
        index="service", columns="year", values="shortfall", aggfunc="sum", sort=False
    )
    cost = tmp[tmp["year"] == plan.last_year].groupby("service", sort=False)["gap_cost"].sum()
    data = wide.copy()
    data.columns = [f"y{c}" for c in data.columns]
    data["gap_cost"] = cost
    data = data.reset_index()
    data["service_label"] = [label(s, lang) for s in data["service"]]
    total = {"service": "", "service_label": label("h_total", lang), "gap_cost": cost.sum()}
    data = pd.concat([data, pd.DataFrame([total])], ignore_index=True)
    cols = {"service_label": (label("service", lang), "text")}
    for y in plan.schema.years:
        cols[f"y{y}"] = (str(y), "num1")
    cols["gap_cost"] = (t("scenarios.h_cost_year", lang, year=plan.last_year), "money")
    return table(
        data,
        caption=t("scenarios.cap_gap_summary", lang, scenario=_scen(plan, lang)),
        columns=cols,
        lang=lang,
        note=t("scenarios.note_gap_summary", lang),
    )


def gap_table(plan: Plan, *, lang: str) -> ReportTable:
    """Gap of every service by district and year (signed) and the yearly cost of shortfalls.

    Parameters
    ----------
    plan : Plan
        From :func:`~quartiere.scenarios.plan.load_plan`.
    lang : {"it", "en"}
        Report language.

    Returns
    -------
    ReportTable
        ``data``: ``district``, ``year``, one column per service (gap: > 0 shortfall,
        < 0 above the standard), ``gap_cost`` (EUR per year, shortfalls only).

    Examples
    --------
    >>> from quartiere import load_study
    >>> from quartiere.scenarios.plan import load_plan
    >>> tab = gap_table(load_plan(load_study("data/sample")), lang="en")
    >>> len(tab.data), tab.to_frame().columns[2]
    (18, 'Soc. workers')
    """
    g = plan.scenario_gaps
    wide = g.pivot_table(
        index=["district", "year"], columns="service", values="gap", aggfunc="sum", sort=False
    )
    cost = g.groupby(["district", "year"], sort=False)["gap_cost"].sum()
    data = wide.assign(gap_cost=cost).reset_index()
    data = _ordered(data, plan).reset_index(drop=True)
    data["year_text"] = data["year"].astype(str)
    cols = {
        "district": (label("district", lang), "text"),
        "year_text": (label("year", lang), "text"),
    }
    for svc in [s for s in _SERVICE_HEADER if s in wide.columns]:
        cols[svc] = (label(_SERVICE_HEADER[svc], lang), "num1")
    cols["gap_cost"] = (label("h_cost", lang), "money")
    return table(
        data,
        caption=t("scenarios.cap_gap_table", lang, scenario=_scen(plan, lang)),
        columns=cols,
        lang=lang,
        note=t("scenarios.note_gap_table", lang),
    )


def gap_figure(plan: Plan, *, lang: str) -> alt.Chart:
    """Bars of the last year's gap per district, one panel per service.

    Parameters
    ----------
    plan : Plan
        From :func:`~quartiere.scenarios.plan.load_plan`.
    lang : {"it", "en"}
        Report language.

    Returns
    -------
    altair.Chart

    Examples
    --------
    >>> from quartiere import load_study
    >>> from quartiere.scenarios.plan import load_plan
    >>> gap_figure(load_plan(load_study("data/sample")), lang="en").to_dict()["title"][:3]
    'Gap'
    """
    g = _ordered(plan.scenario_gaps, plan)
    title = t("scenarios.cap_gap_chart", lang, year=plan.last_year)
    return gap_chart(g, year=plan.last_year, lang=lang, title=title)


def _growth(rates: pd.DataFrame) -> pd.DataFrame:
    y0, y1 = int(rates["year"].min()), int(rates["year"].max())
    first = rates[rates["year"] == y0].set_index("district")
    last = rates[rates["year"] == y1].set_index("district")
    out = pd.DataFrame(
        {
            "demand_from": first["demand"],
            "demand_to": last["demand"],
            "rate_from": first["rate"],
            "rate_to": last["rate"],
        }
    )
    out["change"] = out["demand_to"] - out["demand_from"]
    out["estimate"] = out["rate_to"] / out["rate_from"] - 1.0
    return out.reset_index()


def growth_table(rates: pd.DataFrame, *, lang: str) -> ReportTable:
    """ADI demand by district: users and users per 1,000 residents, first and last year.

    Parameters
    ----------
    rates : pandas.DataFrame
        Output of :func:`~quartiere.scenarios.plan.demand_rates`.
    lang : {"it", "en"}
        Report language.

    Returns
    -------
    ReportTable
        ``data``: ``district``, ``demand_from``, ``demand_to``, ``change`` (users),
        ``rate_from``, ``rate_to`` (per 1,000 residents), ``estimate`` (relative change of
        the rate), sorted fastest rate growth first. The note names the fastest districts
        per 1,000 and the largest absolute increase.

    Examples
    --------
    >>> r = pd.DataFrame({"year": [2026, 2029] * 2, "district": ["A", "A", "B", "B"],
    ...                   "demand": [10.0, 10.0, 100.0, 104.0], "rate": [50.0, 55.0, 40.0, 41.0]})
    >>> growth_table(r, lang="en").data["district"].tolist()
    ['A', 'B']
    """
    y0, y1 = int(rates["year"].min()), int(rates["year"].max())
    data = _growth(rates).sort_values("estimate", ascending=False, kind="stable")
    data = data.reset_index(drop=True)
    fastest = list(data["district"].iloc[:2])
    largest = data.sort_values("change", ascending=False, kind="stable").iloc[0]
    first_fast = data.iloc[0]

    def signed(x: float) -> str:
        return ("+" if x > 0 else "") + format_number(x, lang, 1)

    note = t(
        "scenarios.note_growth",
        lang,
        fastest=_join(fastest, lang),
        largest=largest["district"],
        largest_change=signed(largest["change"]),
        first_fastest=first_fast["district"],
        fastest_change=signed(first_fast["change"]),
    )
    cols = {
        "district": (label("district", lang), "text"),
        "demand_from": (t("scenarios.h_users", lang, year=y0), "num0"),
        "demand_to": (t("scenarios.h_users", lang, year=y1), "num0"),
        "change": (label("h_change", lang), "num1"),
        "rate_from": (t("scenarios.h_rate", lang, year=y0), "num1"),
        "rate_to": (t("scenarios.h_rate", lang, year=y1), "num1"),
        "estimate": (label("h_change_pct", lang), "pct1"),
    }
    return table(
        data,
        caption=t("scenarios.cap_growth", lang, first=y0, last=y1),
        columns=cols,
        lang=lang,
        note=note,
    )


def growth_figure(rates: pd.DataFrame, *, lang: str) -> alt.Chart:
    """Lines of ADI demand per 1,000 residents by year and district.

    Parameters
    ----------
    rates : pandas.DataFrame
        Output of :func:`~quartiere.scenarios.plan.demand_rates`.
    lang : {"it", "en"}
        Report language.

    Returns
    -------
    altair.Chart

    Examples
    --------
    >>> r = pd.DataFrame({"year": [2026, 2029], "district": "A", "rate": [40.0, 44.0]})
    >>> growth_figure(r, lang="en").to_dict()["title"][:9]
    'Home-care'
    """
    return demand_rate_chart(rates, lang=lang, title=t("scenarios.cap_rate_chart", lang))


def shock_table(plan: Plan, shock: pd.DataFrame, *, lang: str) -> ReportTable:
    """Extra households and cost of the emergency scenario, by year and service.

    Parameters
    ----------
    plan : Plan
        From :func:`~quartiere.scenarios.plan.load_plan`.
    shock : pandas.DataFrame
        Output of :func:`~quartiere.scenarios.plan.shock_effects`.
    lang : {"it", "en"}
        Report language.

    Returns
    -------
    ReportTable
        ``data``: ``year``, ``service``, ``demand``, ``demand_shock``, ``extra``,
        ``extra_cost``; the caption states the shock's size and years.

    Examples
    --------
    >>> from quartiere import load_study
    >>> from quartiere.scenarios.plan import load_plan, shock_effects
    >>> plan = load_plan(load_study("data/sample"))
    >>> shock_table(plan, shock_effects(plan), lang="en").caption
    'Emergency scenario: Economic support (households) +30%, Housing (households) +15%, 2027-2028'
    """
    spec = plan.schema.shock
    data = shock.copy()
    data["service_label"] = [label(s, lang) for s in data["service"]]
    data["year_text"] = data["year"].astype(str)
    if spec is not None:
        increase = ", ".join(
            f"{label(s, lang)} +{format_percent(v, lang, 0)}" for s, v in spec.increase.items()
        )
        caption = t(
            "scenarios.cap_shock",
            lang,
            increase=increase,
            first=spec.start_year,
            last=spec.start_year + spec.years - 1,
        )
    else:
        caption = t("scenarios.cap_shock", lang, increase="-", first="-", last="-")
    cols = {
        "year_text": (label("year", lang), "text"),
        "service_label": (label("service", lang), "text"),
        "demand": (label("h_without_shock", lang), "num0"),
        "demand_shock": (label("h_with_shock", lang), "num0"),
        "extra": (label("h_extra", lang), "num0"),
        "extra_cost": (label("h_extra_cost", lang), "money"),
    }
    return table(
        data,
        caption=caption,
        columns=cols,
        lang=lang,
        note=t("scenarios.note_shock", lang, scenario=_scen(plan, lang)),
    )


def options_table(plan: Plan, *, lang: str) -> ReportTable:
    """The funding options: what they are, what they cost, their scores on the criteria.

    Parameters
    ----------
    plan : Plan
        From :func:`~quartiere.scenarios.plan.load_plan`.
    lang : {"it", "en"}
        Report language.

    Returns
    -------
    ReportTable
        ``data``: ``option``, ``label`` (code and :func:`option_label`), ``area_label`` and
        the decision matrix's criteria columns.

    Examples
    --------
    >>> from quartiere import load_study
    >>> from quartiere.scenarios.plan import load_plan
    >>> tab = options_table(load_plan(load_study("data/sample")), lang="en")
    >>> tab.to_frame().columns.tolist()[:2]
    ['Option', 'Area']
    """
    m = plan.matrix.reset_index()
    opts = plan.inputs.options.set_index("option")
    m["label"] = [f"{o}: {option_label(plan, o, lang)}" for o in m["option"]]
    m["area_label"] = [_area(opts.at[o, "area"], lang) for o in m["option"]]
    cols = {
        "label": (label("option", lang), "text"),
        "area_label": (label("h_area", lang), "text"),
    }
    short = {
        "copertura_fabbisogno": ("h_need", "pct0"),
        "persone_raggiunte": ("h_people", "int"),
        "equita": ("crit.equita", "int"),
        "fattibilita": ("crit.fattibilita", "int"),
        "costo": ("h_cost", "money"),
    }
    for c in plan.matrix.columns:
        key, fmt = short.get(c, (f"crit.{c}", "num1"))
        cols[c] = (label(key, lang) if _has(key) else c, fmt)
    areas = sorted(dict.fromkeys(m["area_label"]))
    note = t("scenarios.note_options", lang, year=plan.last_year, areas=", ".join(areas))
    return table(m, caption=t("scenarios.cap_options", lang), columns=cols, lang=lang, note=note)


def ahp_table(ahp: AHPResult, *, lang: str) -> ReportTable:
    """AHP weights of the criteria with the consistency check in the note.

    Parameters
    ----------
    ahp : AHPResult
        Output of :func:`~quartiere.scenarios.plan.plan_ahp`.
    lang : {"it", "en"}
        Report language.

    Returns
    -------
    ReportTable
        ``data``: ``criterion``, ``label``, ``weight``; the note gives lambda_max, CI,
        the random index and its table, CR and whether the judgements are consistent.

    Examples
    --------
    >>> from quartiere.scenarios import ahp_weights
    >>> res = ahp_weights({("a", "b"): 3, ("a", "c"): 5, ("b", "c"): 2})
    >>> "CR = 0.003" in ahp_table(res, lang="en").note
    True
    """
    data = ahp.to_frame()
    data["label"] = [_crit(c, lang) for c in data["criterion"]]
    table_name = (
        label(f"ri_{ahp.random_index}", lang)
        if _has(f"ri_{ahp.random_index}")
        else ahp.random_index
    )
    note = t(
        "scenarios.note_ahp",
        lang,
        lmax=format_number(ahp.lambda_max, lang, 3),
        ci=format_number(ahp.ci, lang, 3),
        ri=format_number(ahp.ri, lang, 2),
        table=table_name,
        cr=format_number(ahp.cr, lang, 3),
        verdict=label("ahp_ok" if ahp.consistent else "ahp_bad", lang),
        threshold=format_number(ahp.threshold, lang, 2),
    )
    cols = {
        "label": (label("h_criterion", lang), "text"),
        "weight": (label("weight", lang), "pct1"),
    }
    return table(data, caption=t("scenarios.cap_ahp", lang), columns=cols, lang=lang, note=note)


def weights_table(plan: Plan, weights: pd.DataFrame, *, lang: str) -> ReportTable:
    """The sets of weights side by side, one row per criterion.

    Parameters
    ----------
    plan : Plan
        From :func:`~quartiere.scenarios.plan.load_plan`.
    weights : pandas.DataFrame
        Output of :func:`~quartiere.scenarios.plan.weight_sets`.
    lang : {"it", "en"}
        Report language.

    Returns
    -------
    ReportTable
        ``data``: ``criterion``, ``label``, ``direction_label`` and one column per weight
        set (shares summing to 1).

    Examples
    --------
    >>> from quartiere import load_study
    >>> from quartiere.scenarios.plan import load_plan, weight_sets
    >>> plan = load_plan(load_study("data/sample"))
    >>> weights_table(plan, weight_sets(plan), lang="en").to_frame().columns.tolist()[-2:]
    ['Equal', 'Residents']
    """
    wide = weights.pivot_table(
        index="criterion", columns="weight_set", values="weight", sort=False
    ).reindex(list(dict.fromkeys(weights["criterion"])))
    sets = list(dict.fromkeys(weights["weight_set"]))
    data = wide[sets].reset_index()
    direction = weights.drop_duplicates("criterion").set_index("criterion")["direction"]
    data["label"] = [_crit(c, lang) for c in data["criterion"]]
    data["direction_label"] = [label(direction[c], lang) for c in data["criterion"]]
    cols = {
        "label": (label("h_criterion", lang), "text"),
        "direction_label": (label("h_direction", lang), "text"),
    }
    for ws in sets:
        cols[ws] = (label(f"ws_{ws}", lang) if _has(f"ws_{ws}") else ws, "pct1")
    pr = plan.inputs.priorities
    n = pr["participant"].nunique() if "participant" in pr.columns else len(pr)
    return table(
        data,
        caption=t("scenarios.cap_weights", lang),
        columns=cols,
        lang=lang,
        note=t("scenarios.note_weights", lang, n=format_int(n, lang)),
    )


def ranking_table(
    plan: Plan, ranking: pd.DataFrame, *, method: str = "topsis", lang: str
) -> ReportTable:
    """Rank of every option under each set of weights, for one method.

    Parameters
    ----------
    plan : Plan
        From :func:`~quartiere.scenarios.plan.load_plan`.
    ranking : pandas.DataFrame
        Output of :func:`~quartiere.scenarios.plan.rank_options`.
    method : {"topsis", "weighted_sum"}
        Method shown.
    lang : {"it", "en"}
        Report language.

    Returns
    -------
    ReportTable
        ``data``: ``option``, ``label``, one rank column and one ``score_<set>`` column per
        weight set; sorted by the residents' rank when present (else the first set). The
        note names the top option with equal and with residents' weights.

    Examples
    --------
    >>> from quartiere import load_study
    >>> from quartiere.scenarios.plan import load_plan, rank_options, weight_sets
    >>> plan = load_plan(load_study("data/sample"))
    >>> tab = ranking_table(plan, rank_options(plan, weight_sets(plan)), lang="en")
    >>> "top option is AS-SER" in tab.note
    True
    """
    sub = ranking[ranking["method"] == method]
    sets = list(dict.fromkeys(sub["weight_set"]))
    ranks = sub.pivot(index="option", columns="weight_set", values="rank")[sets]
    scores = sub.pivot(index="option", columns="weight_set", values="estimate")[sets]
    scores.columns = [f"score_{c}" for c in scores.columns]
    data = ranks.join(scores).reset_index()
    key = "residents" if "residents" in sets else sets[0]
    data = data.sort_values([key, "option"], kind="stable").reset_index(drop=True)
    data["label"] = [f"{o}: {option_label(plan, o, lang)}" for o in data["option"]]
    cols = {
        "label": (label("option", lang), "text"),
    }
    for ws in sets:
        cols[ws] = (label(f"ws_{ws}", lang) if _has(f"ws_{ws}") else ws, "int")

    def top(ws: str) -> str:
        s = sub[sub["weight_set"] == ws].sort_values("rank", kind="stable")
        return str(s["option"].iloc[0])

    notes = [label("note_topsis" if method == "topsis" else "note_wsm", lang)]
    if "equal" in sets and "residents" in sets:
        notes.append(
            t("scenarios.note_ranking", lang, equal=top("equal"), residents=top("residents"))
        )
    return table(
        data,
        caption=t("scenarios.cap_ranking", lang, method=label(f"m_{method}", lang)),
        columns=cols,
        lang=lang,
        note=" ".join(notes),
    )


def ranking_figure(ranking: pd.DataFrame, *, lang: str) -> alt.Chart:
    """Dot chart of the TOPSIS closeness of every option under each set of weights.

    Parameters
    ----------
    ranking : pandas.DataFrame
        Output of :func:`~quartiere.scenarios.plan.rank_options`.
    lang : {"it", "en"}
        Report language.

    Returns
    -------
    altair.Chart

    Examples
    --------
    >>> r = pd.DataFrame({"weight_set": ["equal"], "method": "topsis", "option": "A",
    ...                   "estimate": [0.6], "rank": [1]})
    >>> ranking_figure(r, lang="en").to_dict()["title"][:9]
    'Closeness'
    """
    return ranking_chart(
        ranking, method="topsis", lang=lang, title=t("scenarios.cap_ranking_chart", lang)
    )


def effects_table(plan: Plan, effects: pd.DataFrame, *, lang: str) -> ReportTable:
    """Ambito shortfall left in the last year if only one option is funded.

    Parameters
    ----------
    plan : Plan
        From :func:`~quartiere.scenarios.plan.load_plan`.
    effects : pandas.DataFrame
        Output of :func:`~quartiere.scenarios.plan.option_effects`.
    lang : {"it", "en"}
        Report language.

    Returns
    -------
    ReportTable
        ``data``: ``option`` (first row: no option), ``label`` and one column per service
        (shortfall left). The note names the options that close the social-worker gap.

    Examples
    --------
    >>> from quartiere import load_study
    >>> from quartiere.scenarios.plan import load_plan, option_effects
    >>> plan = load_plan(load_study("data/sample"))
    >>> "only with: AS-SER" in effects_table(plan, option_effects(plan), lang="en").note
    True
    """
    shown = [
        s for s in ("social_workers", "nido", "adi", "housing") if s in set(effects["service"])
    ]
    wide = effects.pivot(index="option", columns="service", values="shortfall")[shown]
    wide = wide.reindex(list(dict.fromkeys(effects["option"]))).reset_index()
    wide["label"] = [
        label("h_none", lang) if not o else f"{o}: {option_label(plan, o, lang)}"
        for o in wide["option"]
    ]
    cols = {
        "label": (label("option", lang), "text"),
    }
    for s in shown:
        cols[s] = (label(_SERVICE_HEADER[s], lang), "num1")
    closing = [
        str(o)
        for o in effects.loc[
            (effects["service"] == "social_workers")
            & effects["closes"]
            & (effects["option"] != ""),
            "option",
        ]
    ]
    return table(
        wide,
        caption=t("scenarios.cap_effects", lang, year=plan.last_year),
        columns=cols,
        lang=lang,
        note=t(
            "scenarios.note_effects", lang, scenario=_scen(plan, lang), closing=_join(closing, lang)
        ),
    )


def _minimums(plan: Plan, lang: str) -> str:
    if not plan.min_per_area:
        return label("no_minimums", lang)
    return "; ".join(
        t("scenarios.min_area", lang, amount=format_money(v, lang), area=_area(a, lang))
        for a, v in plan.min_per_area.items()
    )


def portfolio_table(
    plan: Plan, folios: pd.DataFrame, *, weight_set: str, top: int = 5, lang: str
) -> ReportTable:
    """The best feasible combinations of options within the budget.

    Parameters
    ----------
    plan : Plan
        From :func:`~quartiere.scenarios.plan.load_plan`.
    folios : pandas.DataFrame
        Output of :func:`~quartiere.scenarios.plan.rank_portfolios`.
    weight_set : str
        Weights whose scores were summed (named in the note).
    top : int
        Combinations shown.
    lang : {"it", "en"}
        Report language.

    Returns
    -------
    ReportTable
        ``data``: ``position``, ``options`` (codes joined by " + "), ``cost``,
        ``left_over``, ``score``; feasible combinations only.

    Examples
    --------
    >>> from quartiere import load_study
    >>> from quartiere.scenarios.plan import load_plan, rank_options, rank_portfolios
    >>> from quartiere.scenarios.plan import weight_sets
    >>> plan = load_plan(load_study("data/sample"))
    >>> f = rank_portfolios(plan, rank_options(plan, weight_sets(plan)), weight_set="equal")
    >>> len(portfolio_table(plan, f, weight_set="equal", top=3, lang="it").data)
    3
    """
    data = folios[folios["feasible"]].head(int(top)).copy()
    data["options"] = [p.replace("+", " + ") if p else "-" for p in data["portfolio"]]
    data["position_text"] = [f"{int(p)}" for p in data["position"]]
    cols = {
        "position_text": ("#", "text"),
        "options": (label("h_options", lang), "text"),
        "cost": (label("h_cost", lang), "money"),
        "left_over": (label("h_left", lang), "money"),
        "score": (label("h_score", lang), "num2"),
    }
    ws = label(f"ws_{weight_set}", lang).lower() if _has(f"ws_{weight_set}") else weight_set
    note = t("scenarios.note_portfolios", lang, weights=ws, minimums=_minimums(plan, lang))
    if data.empty:
        note += " " + label("none_feasible", lang)
    return table(
        data,
        caption=t("scenarios.cap_portfolios", lang, cap=format_money(plan.budget_cap, lang)),
        columns=cols,
        lang=lang,
        note=note,
    )


def after_table(plan: Plan, after: pd.DataFrame, folios: pd.DataFrame, *, lang: str) -> ReportTable:
    """Shortfall and its cost before and after the best combination, by service.

    Parameters
    ----------
    plan : Plan
        From :func:`~quartiere.scenarios.plan.load_plan`.
    after : pandas.DataFrame
        Output of :func:`~quartiere.scenarios.plan.gaps_after`.
    folios : pandas.DataFrame
        Output of :func:`~quartiere.scenarios.plan.rank_portfolios` (names the combination).
    lang : {"it", "en"}
        Report language.

    Returns
    -------
    ReportTable
        ``data``: ``service``, ``shortfall``, ``shortfall_after``, ``gap_cost``,
        ``gap_cost_after``.

    Examples
    --------
    >>> from quartiere import load_study
    >>> from quartiere.scenarios.plan import load_plan, gaps_after
    >>> plan = load_plan(load_study("data/sample"))
    >>> f = pd.DataFrame({"portfolio": ["AS-SER"], "feasible": [True]})
    >>> after_table(plan, gaps_after(plan, f), f, lang="en").caption[-8:]
    '(AS-SER)'
    """
    data = after.copy()
    data["service_label"] = [label(s, lang) for s in data["service"]]
    ok = folios[folios["feasible"]]
    name = (
        ok["portfolio"].iloc[0].replace("+", " + ") if len(ok) and ok["portfolio"].iloc[0] else "-"
    )
    cols = {
        "service_label": (label("service", lang), "text"),
        "shortfall": (t("scenarios.h_before", lang, year=plan.last_year), "num1"),
        "shortfall_after": (label("h_after", lang), "num1"),
        "gap_cost": (label("h_cost_before", lang), "money"),
        "gap_cost_after": (label("h_cost_after", lang), "money"),
    }
    return table(
        data,
        caption=t("scenarios.cap_after", lang, year=plan.last_year, portfolio=name),
        columns=cols,
        lang=lang,
        note=t("scenarios.note_after", lang, scenario=_scen(plan, lang)),
    )


def _ws_label(weight_set: str, lang: str) -> str:
    return label(f"ws_{weight_set}", lang).lower() if _has(f"ws_{weight_set}") else weight_set


def mc_figure(mc: MonteCarloResult, *, weight_set: str, lang: str) -> alt.Chart:
    """Bars of the probability that each option ranks first.

    Parameters
    ----------
    mc : MonteCarloResult
        Output of :func:`~quartiere.scenarios.plan.plan_monte_carlo`.
    weight_set : str
        Central weights (named in the caption).
    lang : {"it", "en"}
        Report language.

    Returns
    -------
    altair.Chart

    Examples
    --------
    >>> from quartiere import load_study
    >>> from quartiere.scenarios.plan import load_plan, plan_monte_carlo, weight_sets
    >>> plan = load_plan(load_study("data/sample"))
    >>> mc = plan_monte_carlo(plan, weight_sets(plan), weight_set="equal", draws=200)
    >>> mc_figure(mc, weight_set="equal", lang="en").to_dict()["title"][:11]
    'Probability'
    """
    draws = format_int(mc.ranks.shape[0], lang)
    title = t("scenarios.cap_mc", lang, draws=draws, weights=_ws_label(weight_set, lang))
    return rank_probability_chart(mc.to_frame(), lang=lang, title=title)


def mc_table(plan: Plan, mc: MonteCarloResult, *, weight_set: str, lang: str) -> ReportTable:
    """Probability of ranking first, mean rank and 95% rank interval of every option.

    Parameters
    ----------
    plan : Plan
        From :func:`~quartiere.scenarios.plan.load_plan`.
    mc : MonteCarloResult
        Output of :func:`~quartiere.scenarios.plan.plan_monte_carlo`.
    weight_set : str
        Central weights (named in the caption).
    lang : {"it", "en"}
        Report language.

    Returns
    -------
    ReportTable
        ``data``: the columns of ``MonteCarloResult.to_frame()`` plus ``label`` and
        ``rank_range`` (text), sorted by ``p_first`` then mean rank.

    Examples
    --------
    >>> from quartiere import load_study
    >>> from quartiere.scenarios.plan import load_plan, plan_monte_carlo, weight_sets
    >>> plan = load_plan(load_study("data/sample"))
    >>> mc = plan_monte_carlo(plan, weight_sets(plan), weight_set="equal", draws=200)
    >>> mc_table(plan, mc, weight_set="equal", lang="en").data["option"].iloc[0]
    'AS-SER'
    """
    data = mc.to_frame().sort_values(["p_first", "mean_rank"], ascending=[False, True])
    data = data.reset_index(drop=True)
    data["label"] = [f"{o}: {option_label(plan, o, lang)}" for o in data["option"]]
    data["rank_range"] = [
        f"{int(lo)}" if lo == hi else f"{int(lo)}-{int(hi)}"
        for lo, hi in zip(data["rank_ci_low"], data["rank_ci_high"], strict=True)
    ]
    cols = {
        "label": (label("option", lang), "text"),
        "p_first": (label("h_p_first", lang), "pct1"),
        "mean_rank": (label("h_mean_rank", lang), "num1"),
        "rank_range": (label("h_rank_range", lang), "text"),
    }
    crit = plan.inputs.criteria.set_index("criterion")
    directions = crit["direction"].astype(str)
    cost_cv = crit.loc[directions == "cost", "cv"]
    other_cv = crit.loc[directions != "cost", "cv"]
    note = t(
        "scenarios.note_mc",
        lang,
        concentration=format_number(plan.schema.monte_carlo.weight_concentration, lang, 0),
        cv_cost=format_percent(float(cost_cv.max()) if len(cost_cv) else 0.0, lang, 0),
        cv_other=format_percent(float(other_cv.max()) if len(other_cv) else 0.0, lang, 0),
        seed=str(plan.seed),
    )
    draws = format_int(mc.ranks.shape[0], lang)
    return table(
        data,
        caption=t("scenarios.cap_mc_table", lang, draws=draws, weights=_ws_label(weight_set, lang)),
        columns=cols,
        lang=lang,
        note=note,
    )


def tornado_figure(
    torn: pd.DataFrame, *, weight_spread: float = 0.5, cv: float = 0.2, lang: str
) -> alt.Chart:
    """Tornado chart of the followed option, with its caption and method in the title.

    Parameters
    ----------
    torn : pandas.DataFrame
        Output of :func:`~quartiere.scenarios.plan.plan_tornado`.
    weight_spread, cv : float
        The spreads used (named in the caption).
    lang : {"it", "en"}
        Report language.

    Returns
    -------
    altair.Chart

    Examples
    --------
    >>> tt = pd.DataFrame({"option": "A", "parameter": ["weight:costo"], "kind": "weight",
    ...                    "criterion": "costo", "estimate_low": [0.4],
    ...                    "estimate_high": [0.6], "base": [0.5], "swing": [0.2]})
    >>> tornado_figure(tt, lang="en").to_dict()["title"][:44]
    'What moves the score of A most (each input m'
    """
    option = str(torn["option"].iloc[0]) if "option" in torn.columns and len(torn) else "-"
    title = (
        t("scenarios.cap_tornado", lang, option=option)
        + ". "
        + t(
            "scenarios.note_tornado",
            lang,
            spread=format_percent(weight_spread, lang, 0),
            cv=format_percent(cv, lang, 0),
        )
    )
    return tornado_chart(torn, lang=lang, title=title)


def summary_table(plan: Plan, head: dict[str, Any], *, lang: str) -> ReportTable:
    """The plan's headline findings in words and numbers.

    Parameters
    ----------
    plan : Plan
        From :func:`~quartiere.scenarios.plan.load_plan`.
    head : dict
        Output of :func:`~quartiere.scenarios.plan.headlines`.
    lang : {"it", "en"}
        Report language.

    Returns
    -------
    ReportTable
        ``data``: ``finding``, ``value`` (both text).

    Examples
    --------
    >>> from quartiere import load_study
    >>> from quartiere.scenarios.plan import load_plan
    >>> plan = load_plan(load_study("data/sample"))
    >>> head = {"gap_year": 2029, "scenario": "baseline", "residents_last_year": 88689.1,
    ...         "total_gap_cost": 6.6e6, "shock_extra_cost": 0.0, "adi_fastest_per_1000":
    ...         ["Montecerro"], "top_option_equal": "AS-SER", "top_option_residents": None,
    ...         "top_option_ahp": None, "top_option": "AS-SER", "weight_set": "equal",
    ...         "p_first_top": 0.7, "ahp_cr": 0.002, "ahp_consistent": True,
    ...         "best_portfolio": ["AS-SER"], "best_portfolio_cost": 84000.0,
    ...         "budget_cap": 600000.0, "sw_gap_closed_by": ["AS-SER"]}
    >>> summary_table(plan, head, lang="en").to_frame().iloc[0, 1]
    '88,689'
    """
    scen = _scen(plan, lang)
    y = head["gap_year"]
    rows: list[tuple[str, str]] = [
        (
            t("scenarios.s_residents", lang, year=y, scenario=scen),
            format_int(head["residents_last_year"], lang),
        ),
        (t("scenarios.s_gap_cost", lang, year=y), format_money(head["total_gap_cost"], lang)),
    ]
    spec = plan.schema.shock
    if spec is not None:
        rows.append(
            (
                t(
                    "scenarios.s_shock_cost",
                    lang,
                    first=spec.start_year,
                    last=spec.start_year + spec.years - 1,
                ),
                format_money(head["shock_extra_cost"], lang),
            )
        )
    rows.append((label("s_adi", lang), _join(list(head["adi_fastest_per_1000"]), lang)))

    def opt(code: str | None) -> str:
        return "-" if code is None else f"{code}: {option_label(plan, code, lang)}"

    for key, msg in (
        ("top_option_equal", "s_top_equal"),
        ("top_option_residents", "s_top_residents"),
        ("top_option_ahp", "s_top_ahp"),
    ):
        if head.get(key) is not None:
            rows.append((label(msg, lang), opt(head[key])))
    rows.append(
        (
            t(
                "scenarios.s_p_first",
                lang,
                option=head["top_option"],
                weights=_ws_label(head["weight_set"], lang),
            ),
            format_percent(head["p_first_top"], lang, 1),
        )
    )
    verdict = label("ahp_ok" if head["ahp_consistent"] else "ahp_bad", lang)
    rows.append((label("s_cr", lang), f"{format_number(head['ahp_cr'], lang, 3)} ({verdict})"))
    best = head["best_portfolio"]
    cost = head["best_portfolio_cost"]
    rows.append(
        (
            t("scenarios.s_portfolio", lang, cap=format_money(head["budget_cap"], lang)),
            (" + ".join(best) + f" ({format_money(cost, lang)})")
            if best
            else label("none_feasible", lang),
        )
    )
    rows.append((label("s_sw", lang), _join(list(head["sw_gap_closed_by"]), lang)))
    data = pd.DataFrame(rows, columns=["finding", "value"])
    cols = {
        "finding": (label("h_finding", lang), "text"),
        "value": (label("h_value", lang), "text"),
    }
    return table(data, caption=label("cap_summary", lang), columns=cols, lang=lang)
