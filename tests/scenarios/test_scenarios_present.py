"""Report tables, figures and catalog strings of notebook 05, in Italian and English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from quartiere import load_study
from quartiere.report import ReportTable
from quartiere.report.i18n import messages
from quartiere.scenarios import (
    demand_rates,
    gaps_after,
    headlines,
    load_plan,
    option_effects,
    plan_ahp,
    plan_monte_carlo,
    plan_tornado,
    present,
    rank_options,
    rank_portfolios,
    shock_effects,
    weight_sets,
)
from quartiere.scenarios.charts import label

SRC = Path(__file__).resolve().parents[2] / "src" / "quartiere"
CATALOG = SRC / "report" / "messages" / "scenarios.yml"


@pytest.fixture(scope="module")
def parts():
    plan = load_plan(load_study("data/sample"))
    ahp = plan_ahp(plan)
    wsets = weight_sets(plan, ahp=ahp)
    ranking = rank_options(plan, wsets)
    effects = option_effects(plan)
    folios = rank_portfolios(plan, ranking, weight_set="residents")
    mc = plan_monte_carlo(plan, wsets, weight_set="residents", draws=300)
    head = headlines(
        plan, ranking=ranking, ahp=ahp, mc=mc, effects=effects, folios=folios,
        weight_set="residents",
    )  # fmt: skip
    return {
        "plan": plan,
        "ahp": ahp,
        "wsets": wsets,
        "ranking": ranking,
        "effects": effects,
        "folios": folios,
        "mc": mc,
        "head": head,
        "rates": demand_rates(plan, "adi"),
        "shock": shock_effects(plan),
        "after": gaps_after(plan, folios),
        "torn": plan_tornado(plan, wsets, weight_set="residents"),
    }


def _tables(p, lang):
    plan = p["plan"]
    return {
        "projection": present.projection_table(plan, lang=lang),
        "gap_summary": present.gap_summary_table(plan, lang=lang),
        "gap": present.gap_table(plan, lang=lang),
        "growth": present.growth_table(p["rates"], lang=lang),
        "shock": present.shock_table(plan, p["shock"], lang=lang),
        "options": present.options_table(plan, lang=lang),
        "ahp": present.ahp_table(p["ahp"], lang=lang),
        "weights": present.weights_table(plan, p["wsets"], lang=lang),
        "topsis": present.ranking_table(plan, p["ranking"], method="topsis", lang=lang),
        "wsm": present.ranking_table(plan, p["ranking"], method="weighted_sum", lang=lang),
        "effects": present.effects_table(plan, p["effects"], lang=lang),
        "portfolios": present.portfolio_table(
            plan, p["folios"], weight_set="residents", top=5, lang=lang
        ),
        "after": present.after_table(plan, p["after"], p["folios"], lang=lang),
        "mc": present.mc_table(plan, p["mc"], weight_set="residents", lang=lang),
        "summary": present.summary_table(plan, p["head"], lang=lang),
    }


def test_catalog_file_is_complete_and_prefixed():
    raw = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))
    assert all(k.startswith("scenarios.") for k in raw)
    for key, entry in raw.items():
        assert set(entry) == {"it", "en"}, key
        ph = [set(re.findall(r"\{(\w+)\}", entry[lang])) for lang in ("it", "en")]
        assert ph[0] == ph[1], key
    # every key the scenarios code asks for literally is in the catalog
    code = "\n".join(
        line
        for p in (SRC / "scenarios").glob("*.py")
        for line in p.read_text(encoding="utf-8").splitlines()
        if ">>>" not in line  # doctests show unknown keys passing through
    )
    used = set(re.findall(r'"(scenarios\.[a-z_.0-9]+)"', code))
    used |= {f"scenarios.{k}" for k in re.findall(r'label\("([a-z_.0-9]+)"', code)}
    missing = sorted(k for k in used if k not in messages())
    assert not missing, missing
    assert label("social_workers", "en") == "Social workers (FTE)"


def test_tables_in_both_languages(parts):
    it, en = _tables(parts, "it"), _tables(parts, "en")
    for name in it:
        ti, te = it[name], en[name]
        assert isinstance(ti, ReportTable) and isinstance(te, ReportTable)
        fi, fe = ti.to_frame(), te.to_frame()
        assert len(fi) == len(fe) > 0, name
        assert ti.caption and te.caption and ti.caption != te.caption, name
        for frame in (fi, fe):
            text = frame.to_string()
            assert "nan" not in text.lower().split(), name
        html = te._repr_html_()
        assert "<table" in html and "<script" not in html
    # headers are translated
    assert en["gap"].to_frame().columns.tolist()[:3] == ["Municipality", "Year", "Soc. workers"]
    assert it["gap"].to_frame().columns.tolist()[:3] == ["Comune", "Anno", "Ass. sociali"]
    # localized numbers: the budget in the caption
    assert "600,000 €" in en["portfolios"].caption and "600.000 €" in it["portfolios"].caption
    # option names: the options file's (Italian) names in Italian, descriptions in English
    assert "Assunzione di 2 assistenti sociali" in it["topsis"].to_frame().to_string()
    en_text = en["topsis"].to_frame().to_string()
    assert "Assunzione" not in en_text and "+2 social workers (FTE), Serenella" in en_text


def test_notes_state_the_planted_signals(parts):
    en = _tables(parts, "en")
    assert "Montecerro and Borgo San Rocco" in en["growth"].note
    assert "largest increase is in Serenella" in en["growth"].note
    assert "reaches zero only with: AS-SER" in en["effects"].note
    assert re.search(r"equal weights the top option is AS-SER; .* it is MED-CB", en["topsis"].note)
    assert "CR = 0.002" in en["ahp"].note and "judgements consistent" in en["ahp"].note
    it = _tables(parts, "it")
    assert "Montecerro e Borgo San Rocco" in it["growth"].note


def test_figures_carry_captions_in_the_report_language(parts):
    plan = parts["plan"]
    for lang in ("it", "en"):
        figs = [
            present.projection_figure(plan, lang=lang),
            present.gap_figure(plan, lang=lang),
            present.growth_figure(parts["rates"], lang=lang),
            present.ranking_figure(parts["ranking"], lang=lang),
            present.mc_figure(parts["mc"], weight_set="residents", lang=lang),
            present.tornado_figure(parts["torn"], lang=lang),
        ]
        titles = [f.to_dict()["title"] for f in figs]
        assert all(isinstance(x, str) and x for x in titles), lang
    en = present.tornado_figure(parts["torn"], lang="en").to_dict()
    assert "Weight: Need covered" in str(en["datasets"])  # inputs named in words
    it = present.growth_figure(parts["rates"], lang="it").to_dict()
    assert it["encoding"]["y"]["title"] == "Domanda ogni 1.000 residenti"
