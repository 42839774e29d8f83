"""Schema, logic model and SMART indicators (hand-computed trajectories)."""

from __future__ import annotations

import copy
import datetime as dt
from types import SimpleNamespace

import pandas as pd
import pytest

from quartiere.errors import DataFileError, ParameterError, SchemaError
from quartiere.evaluation import (
    EvaluationSchema,
    indicator_chart,
    indicator_progress,
    logic_model_chart,
    logic_model_frame,
    logic_model_table,
)

SECTION = {
    "programme": "Filo d'Argento",
    "logic_model": {
        "inputs": ["4 OSS", "budget"],
        "activities": ["home visits"],
        "outputs": ["hours delivered"],
        "outcomes": [
            {"id": "wellbeing", "label": "Better wellbeing", "indicators": ["wb", "rsa"]},
            {"id": "reach", "label": "Reach", "indicators": ["users"]},
        ],
        "impact": ["Older people stay at home"],
    },
    "indicators": [
        {
            "id": "wb",
            "name": "Mean wellbeing",
            "baseline": 15,
            "baseline_date": "2025-09-30",
            "target": 21,
            "deadline": "2026-09-30",
            "direction": "higher",
            "source": "assessments",
        },
        {
            "id": "users",
            "name": "Users",
            "baseline": 35,
            "baseline_date": "2025-09-30",
            "target": 150,
            "deadline": "2026-12-31",
            "source": "service data",
        },
        {
            "id": "rsa",
            "name": "RSA admissions",
            "baseline": 14.2,
            "baseline_date": "2025-09-30",
            "target": 10,
            "deadline": "2027-09-30",
            "direction": "lower",
            "source": "ASL",
        },
    ],
    "criteria": {"min_effect_size": 0.3, "min_target_attainment": 0.6, "cost_ceiling": 38325},
    "costs": {"costo_orario_oss": {"value": 22.5, "low": 19, "high": 26}},
}


def _section(**changes):
    sec = copy.deepcopy(SECTION)
    for k, v in changes.items():
        sec[k] = v
    return sec


def test_schema_valid_and_from_study():
    study = SimpleNamespace(section=lambda name: SECTION, config_path="study.yml")
    schema = EvaluationSchema.from_study(study)
    assert schema.indicator("rsa").direction == "lower"
    assert schema.criteria.cost_ceiling == 38325
    assert schema.costs["costo_orario_oss"].high == 26


@pytest.mark.parametrize("missing", ["baseline", "deadline", "baseline_date"])
def test_unmeasurable_target_is_refused_naming_indicator(missing):
    sec = _section()
    del sec["indicators"][1][missing]
    with pytest.raises(
        SchemaError,
        match=rf"key 'evaluation\.indicators\.users': target not "
        rf"measurable: {missing} missing",
    ) as err:
        EvaluationSchema.from_dict(sec, path="study.yml")
    assert str(err.value).startswith("study.yml, ")
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("index", "change", "pattern"),
    [
        (0, {"target": 10}, r"indicators\.wb': target 10 is no improvement on baseline 15"),
        (2, {"target": 20}, r"indicators\.rsa': target 20 is no improvement"),
        (0, {"deadline": "2025-01-01"}, r"deadline must come after baseline_date"),
        (0, {"direction": "up"}, r"indicators\.wb\.direction"),
        (0, {"sorce": "x"}, r"indicators\.wb\.sorce': unknown key; did you mean 'source'\?"),
    ],
)
def test_bad_indicators(index, change, pattern):
    sec = _section()
    sec["indicators"][index].update(change)
    with pytest.raises(SchemaError, match=pattern):
        EvaluationSchema.from_dict(sec)


def test_outcome_must_name_declared_indicator():
    sec = _section()
    sec["logic_model"]["outcomes"][1]["indicators"] = ["nope"]
    with pytest.raises(SchemaError, match=r"outcome 'reach' names indicator 'nope'"):
        EvaluationSchema.from_dict(sec)


def test_missing_section():
    study = SimpleNamespace(section=lambda name: {}, config_path="study.yml")
    with pytest.raises(SchemaError, match="no 'evaluation:' section"):
        EvaluationSchema.from_study(study)


def test_logic_model_frame_table_chart():
    schema = EvaluationSchema.from_dict(SECTION)
    frame = logic_model_frame(schema)
    assert list(frame["stage"].unique()) == [
        "inputs",
        "activities",
        "outputs",
        "outcomes",
        "impact",
    ]
    assert frame.loc[frame["item"] == "wellbeing", "indicators"].item() == "wb,rsa"
    table = logic_model_table(schema, lang="it")
    assert list(table.columns) == ["Risorse", "Attività", "Prodotti", "Risultati", "Impatto"]
    assert table.loc[0, "Risultati"] == "Better wellbeing [wb,rsa]"
    assert table.loc[1, "Attività"] == ""
    spec = logic_model_chart(schema, lang="en").to_dict()
    assert spec["layer"][1]["mark"]["type"] == "text"


def _measurements():
    return pd.DataFrame(
        {
            "indicator": ["wb", "wb", "users", "rsa"],
            "date": ["2025-12-31", "2026-03-31", "2026-03-31", "2026-03-31"],
            "value": [18.0, 20.0, 60.0, 13.5],
        }
    )


def test_progress_expected_status_by_hand():
    schema = EvaluationSchema.from_dict(SECTION)
    out = indicator_progress(schema, _measurements()).set_index("indicator")
    # wb: (20 - 15) / (21 - 15) = 5/6; expected = 182 days / 365 days (2025-09-30..2026-03-31)
    wb_exp = (dt.date(2026, 3, 31) - dt.date(2025, 9, 30)).days / 365
    assert out.loc["wb", "progress"] == pytest.approx(5 / 6)
    assert out.loc["wb", "expected"] == pytest.approx(wb_exp)
    assert out.loc["wb", "status"] == "on_track"  # ratio 1.67 >= 0.9
    # users: (60 - 35) / 115 over 182 / 457 days
    u_ratio = (25 / 115) / (182 / 457)
    assert out.loc["users", "ratio"] == pytest.approx(u_ratio)
    assert out.loc["users", "status"] == "off_track"  # 0.546 < 0.6
    # rsa, lower is better: (13.5 - 14.2) / (10 - 14.2) = 1/6; expected 182 / 730
    r_ratio = (0.7 / 4.2) / (182 / 730)
    assert out.loc["rsa", "ratio"] == pytest.approx(r_ratio)
    assert out.loc["rsa", "status"] == "at_risk"  # 0.6 <= 0.668 < 0.9
    # thresholds are parameters: with at_risk=0.5 users becomes at risk
    out2 = indicator_progress(schema, _measurements(), at_risk=0.5).set_index("indicator")
    assert out2.loc["users", "status"] == "at_risk"


def test_as_of_uses_earlier_measurement():
    schema = EvaluationSchema.from_dict(SECTION)
    out = indicator_progress(schema.indicators[:1], _measurements(), as_of="2026-01-15")
    assert out.loc[0, "value"] == 18.0
    assert out.loc[0, "expected"] == pytest.approx(107 / 365)


def test_italian_dates_are_day_first():
    schema = EvaluationSchema.from_dict(SECTION)
    m = _measurements().assign(date=["31/12/2025", "01/03/2026", "31/03/2026", "31/03/2026"])
    out = indicator_progress(schema.indicators[:1], m)
    assert out.loc[0, "as_of"] == dt.date(2026, 3, 1)  # 1 March, not 3 January
    m.loc[1, "date"] = "2026/13/45"
    with pytest.raises(DataFileError, match=r"row 2, column date: '2026/13/45' is not a date"):
        indicator_progress(schema.indicators[:1], m)


def test_indicator_errors():
    schema = EvaluationSchema.from_dict(SECTION)
    with pytest.raises(DataFileError, match="indicator 'rsa' has no measurement"):
        indicator_progress(schema, _measurements().iloc[:3])
    bad = _measurements().astype({"value": object})
    bad.loc[2, "value"] = "n.d."
    with pytest.raises(DataFileError, match=r"row 3, column value: 'n.d.' is not a number"):
        indicator_progress(schema, bad)
    with pytest.raises(ParameterError, match="at_risk"):
        indicator_progress(schema, _measurements(), at_risk=0.95)


def test_indicator_chart_lang():
    schema = EvaluationSchema.from_dict(SECTION)
    spec = indicator_chart(indicator_progress(schema, _measurements()), lang="it").to_dict()
    assert spec["layer"][0]["encoding"]["x"]["title"] == "Avanzamento verso il target (%)"
