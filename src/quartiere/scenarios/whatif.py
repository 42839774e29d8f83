"""What-if for workshops: a headless plan model and the ipywidgets panel that drives it.

:class:`PlanModel` recomputes projection -> demand and gaps -> option scores -> ranking ->
best feasible portfolio from slider values (:meth:`PlanModel.evaluate`, pure and cached, also
used headless by the report). :class:`WhatIfPanel` is the facilitator's panel: sliders for
rates, weights and budget; every change calls ``evaluate`` and redraws (tens of ms).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import ipywidgets as widgets
import numpy as np
import pandas as pd

from quartiere.errors import ParameterError, QuartiereError
from quartiere.scenarios.budget import best_portfolio
from quartiere.scenarios.charts import label
from quartiere.scenarios.demand import apply_options, gap_summary, service_gaps
from quartiere.scenarios.io import ScenarioInputs
from quartiere.scenarios.mcda import normalize_weights, topsis
from quartiere.scenarios.population import project_population
from quartiere.scenarios.schema import ScenariosSchema

__all__ = ["PlanModel", "WhatIfResult", "WhatIfPanel", "gap_closure", "NEED_CRITERION"]

#: Criterion computed from the gaps (share of the option's district shortfall it closes).
NEED_CRITERION = "copertura_fabbisogno"


def gap_closure(gaps: pd.DataFrame, options: pd.DataFrame, *, year: int | None = None):
    """Share of its district's shortfall each option closes (0-1), for its service.

    Parameters
    ----------
    gaps : pandas.DataFrame
        Output of :func:`~quartiere.scenarios.service_gaps` for one scenario.
    options : pandas.DataFrame
        Options with ``option``, ``district``, ``service`` and effect columns.
    year : int, optional
        Year of the gaps used (default the last).

    Returns
    -------
    pandas.Series
        Option -> ``min(effect, shortfall) / shortfall`` (0 where there is no shortfall or
        the option does not address a measured service).

    Raises
    ------
    KeyError
        ``gaps`` without ``year``, ``district``, ``service`` or ``gap``.

    Notes
    -----
    Options whose service is not measured (e.g. transport, mediation) score 0.

    References
    ----------
    L. 178/2020 c. 797-804; L. 234/2021 c. 172; PNRR M6C1 (standards used in the gaps).

    Examples
    --------
    >>> g = pd.DataFrame({"year": 2029, "district": "A", "service": "adi", "gap": 40.0},
    ...                  index=[0])
    >>> o = pd.DataFrame({"option": ["x"], "district": ["A"], "service": ["adi"],
    ...                   "adi_users_65plus": [10.0]})
    >>> gap_closure(g, o).to_dict()
    {'x': 0.25}
    """
    y = int(gaps["year"].max()) if year is None else int(year)
    g = gaps[gaps["year"] == y].set_index(["district", "service"])["gap"]
    effect_col = {
        "social_workers": "social_workers_fte",
        "nido": "nido_places",
        "adi": "adi_users_65plus",
        "housing": "social_housing_units",
    }
    out = {}
    for row in options.itertuples(index=False):
        r = row._asdict()
        svc = r.get("service")
        col = effect_col.get(svc)
        short = float(g.get((r["district"], svc), 0.0)) if col else 0.0
        eff = float(r.get(col, 0.0) or 0.0) if col else 0.0
        out[r["option"]] = min(max(eff, 0.0), short) / short if short > 0 else 0.0
    return pd.Series(out, name=NEED_CRITERION, dtype=float)


@dataclass(frozen=True)
class WhatIfResult:
    """One evaluation of the plan.

    Attributes
    ----------
    weights : pandas.Series
        Criterion weights used (sum 1).
    ranking : pandas.DataFrame
        TOPSIS table (``option``, ``name``, ``d_best``, ``d_worst``, ``estimate``, ``rank``),
        best first.
    portfolio : pandas.Series or None
        Best feasible combination within the budget (row of
        :func:`~quartiere.scenarios.portfolios`), None if none is feasible.
    message : str
        Why no combination is feasible ("" otherwise).
    gaps : pandas.DataFrame
        Gap summary by service in the last year, before and after funding the portfolio
        (``service``, ``shortfall``, ``shortfall_after``, ``gap_cost``, ``gap_cost_after``).
    """

    weights: pd.Series
    ranking: pd.DataFrame
    portfolio: pd.Series | None
    message: str
    gaps: pd.DataFrame = field(repr=False)


class PlanModel:
    """Everything needed to re-run the plan from slider values (headless).

    Parameters
    ----------
    population : pandas.DataFrame
        Tidy base population (``district``, ``sex``, ``age``, ``population``).
    inputs : ScenarioInputs
        Read with :func:`~quartiere.scenarios.read_scenario_inputs`.
    supply : pandas.DataFrame
        Current supply per district.
    schema : ScenariosSchema, optional
        Validated scenarios section (defaults).
    scenario : str
        Demographic scenario used.

    Examples
    --------
    >>> from quartiere.scenarios.io import read_scenario_inputs
    >>> from quartiere.profile import read_population, read_services
    >>> model = PlanModel(read_population("data/sample/population.csv"),
    ...                   read_scenario_inputs("data/sample"),
    ...                   read_services("data/sample/services.xlsx"))
    >>> res = model.evaluate(budget_cap=600_000)
    >>> bool(res.portfolio["feasible"])
    True
    """

    def __init__(
        self,
        population: pd.DataFrame,
        inputs: ScenarioInputs,
        supply: pd.DataFrame,
        schema: ScenariosSchema | None = None,
        *,
        scenario: str = "baseline",
    ) -> None:
        self.population = population
        self.inputs = inputs
        self.supply = supply
        self.schema = schema or ScenariosSchema()
        self.scenario = scenario
        self.criteria = list(inputs.criteria["criterion"])
        self.types = inputs.types()
        self.default_weights = normalize_weights(
            self.schema.weights
            if self.schema.weights
            else dict(zip(inputs.criteria["criterion"], inputs.criteria["weight"], strict=True)),
            self.criteria,
        )
        self._project = lru_cache(maxsize=64)(self._project_uncached)

    def _project_uncached(self, fertility_factor: float, migration_factor: float):
        s = self.schema
        return project_population(
            self.population,
            self.inputs.fertility,
            self.inputs.life_table,
            self.inputs.migration,
            base_year=s.base_year,
            years=s.years,
            scenario=self.scenario,
            step=s.step,
            sex_ratio_at_birth=s.sex_ratio_at_birth,
            radix=s.radix,
            fertility_factor=fertility_factor,
            migration_factor=migration_factor,
        )

    def evaluate(
        self,
        *,
        fertility_factor: float = 1.0,
        migration_factor: float = 1.0,
        rate_factors: Mapping[str, float] | None = None,
        weights: Mapping[str, float] | None = None,
        budget_cap: float | None = None,
    ) -> WhatIfResult:
        """Re-run the plan for one set of slider values.

        Parameters
        ----------
        fertility_factor, migration_factor : float
            Multipliers of the scenario's fertility and net migration.
        rate_factors : mapping, optional
            Service -> multiplier of its usage rates.
        weights : mapping, optional
            Criterion -> weight (default: the study's or the options file's).
        budget_cap : float, optional
            Yearly budget (default the study's).

        Returns
        -------
        WhatIfResult

        Raises
        ------
        ParameterError
            Bad factors or weights (e.g. all weights zero).
        """
        proj = self._project(float(fertility_factor), float(migration_factor))
        gaps = service_gaps(
            proj,
            self.inputs.usage_rates,
            self.supply,
            unit_costs=self.inputs.unit_costs,
            standards=self.schema.standards,
            rate_factors=rate_factors,
        )
        opts = self.inputs.options
        matrix = self.inputs.decision_matrix()
        if NEED_CRITERION in matrix.columns and "service" in opts.columns:
            matrix[NEED_CRITERION] = gap_closure(gaps, opts).reindex(matrix.index).to_numpy()
        w = normalize_weights(weights, self.criteria) if weights else self.default_weights
        rank = topsis(matrix, w, self.types)
        rank.insert(
            1,
            "name",
            opts.set_index("option").reindex(rank["option"])["name"].to_numpy()
            if "name" in opts.columns
            else rank["option"],
        )
        rank = rank.sort_values("rank", kind="stable").reset_index(drop=True)
        budget = self.schema.budget
        cap = budget_cap if budget_cap is not None else (budget.cap if budget else None)
        if cap is None:
            raise ParameterError("no budget cap: set scenarios.budget.cap", parameter="budget_cap")
        mins = budget.min_per_area if budget else {}
        portfolio, message = None, ""
        try:
            portfolio = best_portfolio(
                opts,
                dict(zip(rank["option"], rank["estimate"], strict=True)),
                budget_cap=float(cap),
                min_per_area=mins,
            )
        except ParameterError as exc:
            message = str(exc)
        last = gaps[gaps["year"] == gaps["year"].max()]
        before = gap_summary(last, by=["service"])
        if portfolio is not None and portfolio["portfolio"]:
            after_supply = apply_options(self.supply, opts, portfolio["portfolio"].split("+"))
            # keep the base year: economic support's supply is the base-year demand
            after = service_gaps(
                proj[proj["year"].isin([proj["year"].min(), proj["year"].max()])],
                self.inputs.usage_rates,
                after_supply,
                unit_costs=self.inputs.unit_costs,
                standards=self.schema.standards,
                rate_factors=rate_factors,
            )
            after = gap_summary(after[after["year"] == after["year"].max()], by=["service"])
        else:
            after = before
        table = before.merge(after, on="service", suffixes=("", "_after"))
        table = table[["service", "shortfall", "shortfall_after", "gap_cost", "gap_cost_after"]]
        return WhatIfResult(w, rank, portfolio, message, table)


def _html_table(frame: pd.DataFrame, columns: list[str], lang: str) -> str:
    head = "".join(f"<th>{html.escape(label(c, lang))}</th>" for c in columns)
    rows = []
    for _, r in frame.iterrows():
        cells = []
        for c in columns:
            v = r[c]
            text = f"{v:,.3f}" if isinstance(v, float | np.floating) else str(v)
            cells.append(f"<td>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _bars(frame: pd.DataFrame, lang: str) -> str:
    out = []
    for _, r in frame.iterrows():
        width = max(0.0, min(1.0, float(r["estimate"]))) * 100
        out.append(
            f"<div><span style='display:inline-block;width:16em'>{html.escape(str(r['name']))}"
            f"</span><span style='display:inline-block;background:#0072b2;height:0.9em;"
            f"width:{width:.1f}%;max-width:20em'></span> {float(r['estimate']):.3f}</div>"
        )
    return f"<div><b>{html.escape(label('closeness', lang))}</b>{''.join(out)}</div>"


class WhatIfPanel(widgets.VBox):
    """Sliders for rates, weights and budget that re-rank the options live.

    Parameters
    ----------
    model : PlanModel
        The plan to re-run.
    lang : {"it", "en"}
        Label language.
    budget_range : tuple of float, optional
        (min, max) of the budget slider (default 0.25x to 2x the study's cap).

    Notes
    -----
    ``panel.sliders`` maps names (``fertility``, ``migration``, ``rate:<service>``,
    ``weight:<criterion>``, ``budget``) to the slider widgets; ``panel.result`` holds the
    last :class:`WhatIfResult`; errors show as one line in ``panel.status``. Nothing is
    displayed on construction.

    Examples
    --------
    >>> from quartiere.scenarios.io import read_scenario_inputs
    >>> from quartiere.profile import read_population, read_services
    >>> from quartiere.scenarios.schema import ScenariosSchema
    >>> model = PlanModel(read_population("data/sample/population.csv"),
    ...                   read_scenario_inputs("data/sample"),
    ...                   read_services("data/sample/services.xlsx"),
    ...                   ScenariosSchema.from_mapping({"budget": {"cap": 600000}}))
    >>> panel = WhatIfPanel(model, lang="en")
    >>> panel.sliders["budget"].value = 200000
    >>> bool(panel.result.portfolio["cost"] <= 200000)
    True
    """

    def __init__(
        self,
        model: PlanModel,
        *,
        lang: str = "it",
        budget_range: tuple[float, float] | None = None,
    ) -> None:
        self.model = model
        self.lang = lang
        cap = model.schema.budget.cap if model.schema.budget else 500_000.0
        lo, hi = budget_range or (cap * 0.25, cap * 2.0)
        style = {"description_width": "14em"}
        layout = widgets.Layout(width="36em")
        self.sliders: dict[str, widgets.Widget] = {
            "fertility": widgets.FloatSlider(
                1.0,
                min=0.5,
                max=1.5,
                step=0.05,
                description="fertility x",
                style=style,
                layout=layout,
            ),
            "migration": widgets.FloatSlider(
                1.0,
                min=0.0,
                max=2.0,
                step=0.1,
                description="migration x",
                style=style,
                layout=layout,
            ),
        }
        for svc in ("adi", "nido", "economic_support", "housing"):
            self.sliders[f"rate:{svc}"] = widgets.FloatSlider(
                1.0,
                min=0.5,
                max=2.0,
                step=0.05,
                description=label(svc, lang) + " x",
                style=style,
                layout=layout,
            )
        for crit, w in model.default_weights.items():
            self.sliders[f"weight:{crit}"] = widgets.FloatSlider(
                float(round(w, 3)),
                min=0.0,
                max=1.0,
                step=0.01,
                description=f"{label('weight', lang)}: {crit}",
                style=style,
                layout=layout,
            )
        self.sliders["budget"] = widgets.FloatSlider(
            float(cap),
            min=float(lo),
            max=float(hi),
            step=10_000.0,
            description=label("budget", lang),
            style=style,
            layout=layout,
            readout_format=",.0f",
        )
        self.status = widgets.Label("")
        self.ranking_view = widgets.HTML()
        self.portfolio_view = widgets.HTML()
        self.gaps_view = widgets.HTML()
        self.result: WhatIfResult | None = None
        for s in self.sliders.values():
            s.observe(self._on_change, names="value")
        super().__init__(
            [
                *self.sliders.values(),
                self.status,
                self.ranking_view,
                self.portfolio_view,
                self.gaps_view,
            ]
        )
        self.refresh()

    def values(self) -> dict:
        """Current slider values as keyword arguments of :meth:`PlanModel.evaluate`."""
        v = {k: s.value for k, s in self.sliders.items()}
        return {
            "fertility_factor": v["fertility"],
            "migration_factor": v["migration"],
            "rate_factors": {k.split(":", 1)[1]: x for k, x in v.items() if k.startswith("rate:")},
            "weights": {k.split(":", 1)[1]: x for k, x in v.items() if k.startswith("weight:")},
            "budget_cap": v["budget"],
        }

    def _on_change(self, _change) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Recompute with the current slider values and redraw (errors go to ``status``)."""
        try:
            res = self.model.evaluate(**self.values())
        except QuartiereError as exc:
            self.status.value = str(exc)
            return
        self.result = res
        self.status.value = res.message
        self.ranking_view.value = _bars(res.ranking, self.lang) + _html_table(
            res.ranking, ["option", "name", "estimate", "rank"], self.lang
        )
        if res.portfolio is not None:
            p = res.portfolio
            self.portfolio_view.value = (
                f"<p><b>{html.escape(label('budget', self.lang))}</b>: "
                f"{html.escape(p['portfolio'] or '-')} (EUR {p['cost']:,.0f})</p>"
            )
        else:
            self.portfolio_view.value = f"<p>{html.escape(res.message)}</p>"
        self.gaps_view.value = _html_table(
            res.gaps, ["service", "shortfall", "shortfall_after"], self.lang
        )
