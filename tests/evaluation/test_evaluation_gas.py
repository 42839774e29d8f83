"""GAS T-scores against the Kiresuk-Sherman formula and the gasr documented example."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from quartiere.errors import DataFileError, ParameterError
from quartiere.evaluation import gas_chart, gas_scores, gas_summary, gas_t_score


def test_gasr_calc_tscore_example():
    # gasr (T. Dunn), R/calculate.R, calc_tscore() @examples:
    #   scores = c(-2, 0, -1, 2, 0, 1), weights = c(3, 5, 1, 4, 2, 6), rho = 0.3
    # worked by hand with its formula: sum(w x) = -6 + 0 - 1 + 8 + 0 + 6 = 7;
    # (1 - 0.3) * sum(w^2) + 0.3 * (sum w)^2 = 0.7 * 91 + 0.3 * 441 = 196; sqrt = 14;
    # T = 50 + 10 * 7 / 14 = 55.
    assert gas_t_score([-2, 0, -1, 2, 0, 1], [3, 5, 1, 4, 2, 6]) == pytest.approx(55.0)


def test_kiresuk_sherman_unweighted_cases():
    # Kiresuk & Sherman (1968), Community Ment. Health J. 4(6): with equal weights,
    # T = 50 + 10 * sum(x) / sqrt((1 - rho) n + rho n^2). Hand values:
    # n = 3, all +1, rho 0.3: 50 + 30 / sqrt(2.1 + 2.7) = 50 + 30 / sqrt(4.8)
    assert gas_t_score([1, 1, 1]) == pytest.approx(50 + 30 / math.sqrt(4.8), rel=1e-12)
    # one goal: T = 50 + 10 x whatever rho (sqrt((1 - rho) + rho) = 1)
    assert gas_t_score([-2], rho=0.5) == pytest.approx(30.0)
    # all goals at the expected level: 50
    assert gas_t_score([0, 0, 0, 0], [1, 2, 3, 4]) == pytest.approx(50.0)
    # rho = 0 (independent goals): n = 4, all -1 -> 50 - 40 / 2 = 30
    assert gas_t_score([-1, -1, -1, -1], rho=0.0) == pytest.approx(30.0)
    # the best possible with 2 goals, rho 0.3: 50 + 40 / sqrt(1.4 + 1.2)
    assert gas_t_score([2, 2]) == pytest.approx(50 + 40 / math.sqrt(2.6), rel=1e-12)


@pytest.mark.parametrize(
    ("scores", "weights", "pattern", "param"),
    [
        ([0, 3], None, r"goal 2: score 3.0 is outside -2..\+2", "scores"),
        ([-2.5], None, r"outside -2..\+2", "scores"),
        ([0, np.nan], None, r"outside", "scores"),
        ([], None, r"at least one goal", "scores"),
        ([0, 1], [1, 0], r"goal 2: weight 0.0 must be greater than 0", "weights"),
        ([0, 1], [-1, 2], r"weight -1.0", "weights"),
        ([0, 1], [1], r"1 weights for 2 scores", "weights"),
    ],
)
def test_gas_t_score_validation(scores, weights, pattern, param):
    with pytest.raises(ParameterError, match=pattern) as err:
        gas_t_score(scores, weights)
    assert err.value.parameter == param
    assert "\n" not in str(err.value)


def test_rho_validation():
    with pytest.raises(ParameterError, match="rho"):
        gas_t_score([0], rho=1.0)


def _goals() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "user": ["a", "a", "b", "c", "c", "c"],
            "comune": ["X", "X", "Y", "Y", "Y", "Y"],
            "score": [1, 0, -1, 2, 0, 1],
            "w": [1, 1, 2, 1, 2, 3],
        }
    )


def test_gas_scores_per_user_hand_values():
    out = gas_scores(_goals(), subject="user", score="score", weight="w", by="comune")
    assert list(out.columns) == ["subject", "comune", "n_goals", "t_score", "mean_score"]
    t = out.set_index("subject")["t_score"]
    # a: sum wx = 1, 0.7 * 2 + 0.3 * 4 = 2.6
    assert t["a"] == pytest.approx(50 + 10 / math.sqrt(2.6), rel=1e-12)
    # b: single goal, score -1 -> 40
    assert t["b"] == pytest.approx(40.0)
    # c: sum wx = 2 + 0 + 3 = 5; 0.7 * 14 + 0.3 * 36 = 20.6
    assert t["c"] == pytest.approx(50 + 50 / math.sqrt(20.6), rel=1e-12)


def test_gas_summary_against_scipy():
    per_user = pd.DataFrame({"t_score": [44.0, 50.0, 53.0, 57.5, 61.0], "k": list("xxyyy")})
    out = gas_summary(per_user)
    t = per_user["t_score"]
    ref = stats.ttest_1samp(t, 50.0)
    ci = ref.confidence_interval(0.95)
    assert out.loc[0, "estimate"] == pytest.approx(t.mean())
    assert out.loc[0, "ci_low"] == pytest.approx(ci.low, rel=1e-12)
    assert out.loc[0, "ci_high"] == pytest.approx(ci.high, rel=1e-12)
    assert out.loc[0, "p_val"] == pytest.approx(ref.pvalue, rel=1e-12)
    assert out.loc[0, "share_at_or_above_50"] == pytest.approx(0.8)
    by = gas_summary(per_user, by="k")
    assert list(by["n"]) == [2, 3]


@pytest.mark.parametrize(
    ("column", "value", "pattern"),
    [
        ("score", 3, r"row 2, column score: score 3 is outside -2..\+2"),
        ("score", np.nan, r"row 2, column score: score is missing; rate the goal"),
        ("w", 0, r"row 2, column w: weight 0 must be a number greater than 0"),
        ("w", -2, r"row 2, column w: weight -2"),
    ],
)
def test_gas_scores_bad_rows_one_line(column, value, pattern):
    goals = _goals().astype({"score": float, "w": float}) if np.isnan(value) else _goals()
    goals.loc[1, column] = value
    with pytest.raises(DataFileError, match=pattern) as err:
        gas_scores(goals, subject="user", score="score", weight="w")
    assert "\n" not in str(err.value)


def test_gas_chart_labels():
    per_user = pd.DataFrame({"t_score": [44.0, 50.0, 53.0]})
    spec = gas_chart(per_user, lang="it").to_dict()
    assert spec["layer"][0]["encoding"]["x"]["title"] == "Punteggio T (GAS)"
