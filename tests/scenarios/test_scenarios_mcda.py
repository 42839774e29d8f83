"""AHP, TOPSIS and weighted sum against published worked examples and pymcdm."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pymcdm import normalizations as pn
from pymcdm.methods import TOPSIS, WSM

from quartiere.errors import ParameterError
from quartiere.scenarios import (
    RANDOM_INDEX,
    ahp_weights,
    normalize_weights,
    topsis,
    weighted_sum,
    weights_from_priorities,
)

# Hwang & Yoon (1981), Multiple Attribute Decision Making, pp. 128-134: fighter aircraft.
# Criteria: max speed, ferry range, max payload, acquisition cost (cost), reliability,
# maneuverability; weights (0.2, 0.1, 0.1, 0.1, 0.2, 0.3).
AIRCRAFT = np.array(
    [
        [2.0, 1500, 20000, 5.5, 5, 9],
        [2.5, 2700, 18000, 6.5, 3, 5],
        [1.8, 2000, 21000, 4.5, 7, 7],
        [2.2, 1800, 20000, 5.0, 5, 5],
    ]
)
AIRCRAFT_W = [0.2, 0.1, 0.1, 0.1, 0.2, 0.3]
AIRCRAFT_T = [1, 1, 1, -1, 1, 1]

# Saaty (2008), "Decision making with the analytic hierarchy process", Int. J. Services
# Sciences 1(1): relative consumption of drinks in the US, as reproduced in the AHPy README.
DRINKS = ["coffee", "wine", "tea", "beer", "soda", "milk", "water"]
DRINKS_M = np.array(
    [
        [1, 9, 5, 2, 1, 1, 1 / 2],
        [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
        [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
        [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
        [1, 9, 4, 2, 1, 2, 1 / 2],
        [1, 9, 3, 1, 1 / 2, 1, 1 / 3],
        [2, 9, 9, 3, 2, 3, 1],
    ]
)


def test_ahp_drinks_example_weights_and_cr():
    # Saaty 2008 / AHPy README: water .327, soda .190, coffee .177, milk .129, beer .116,
    # tea .042, wine .019; consistency ratio 0.022 with Saaty's 2005 random index.
    res = ahp_weights(
        pd.DataFrame(DRINKS_M, index=DRINKS, columns=DRINKS), random_index="saaty2005"
    )
    expected = {
        "coffee": 0.177,
        "wine": 0.019,
        "tea": 0.042,
        "beer": 0.116,
        "soda": 0.190,
        "milk": 0.129,
        "water": 0.327,
    }
    for k, v in expected.items():
        assert round(res.weights[k], 3) == v
    assert round(res.cr, 3) == 0.022
    assert res.consistent
    assert res.weights.sum() == pytest.approx(1.0)


def test_ahp_vehicle_criteria_example():
    # AHPy README, "Purchasing a vehicle" (Wikipedia AHP car example): weights Cost .51,
    # Safety .234, Capacity .215, Style .041; CR 0.08 with Donegan & Dodd's (1991) random
    # index for n = 4 (0.8286), so CI / 0.8286 must round to 0.08.
    comps = {
        ("Cost", "Safety"): 3,
        ("Cost", "Style"): 7,
        ("Cost", "Capacity"): 3,
        ("Safety", "Style"): 9,
        ("Safety", "Capacity"): 1,
        ("Style", "Capacity"): 1 / 7,
    }
    res = ahp_weights(comps)
    assert round(res.weights["Cost"], 3) == 0.51
    assert round(res.weights["Safety"], 3) == 0.234
    assert round(res.weights["Capacity"], 3) == 0.215
    assert round(res.weights["Style"], 3) == 0.041
    assert round(res.ci / 0.8286, 2) == 0.08
    # Saaty (1980) RI(4) = 0.90 is the default table
    assert res.cr == pytest.approx(res.ci / 0.90)
    assert RANDOM_INDEX["saaty1980"][3] == 0.90


def test_ahp_lambda_max_against_power_iteration():
    # independent: power iteration on the drinks matrix
    v = np.ones(7)
    for _ in range(500):
        v = DRINKS_M @ v
        v /= v.sum()
    lam = (DRINKS_M @ v / v).mean()
    res = ahp_weights(DRINKS_M, random_index="saaty2005")
    np.testing.assert_allclose(res.weights.to_numpy(), v, rtol=1e-9)
    assert res.lambda_max == pytest.approx(lam, rel=1e-9)
    frame = res.to_frame()
    assert list(frame.columns) == ["criterion", "weight", "lambda_max", "ci", "cr", "consistent"]


def test_inconsistent_ahp_matrix_raises_or_is_flagged():
    # a > b, b > c, c > a, all strongly: circular judgements
    m = {("a", "b"): 9, ("b", "c"): 9, ("c", "a"): 9}
    with pytest.raises(ParameterError, match="consistency ratio .* exceeds 0.1") as exc:
        ahp_weights(m)
    assert "\n" not in str(exc.value)
    flagged = ahp_weights(m, strict=False)
    assert not flagged.consistent
    assert flagged.cr > 0.1
    assert not flagged.to_frame()["consistent"].any()


@pytest.mark.parametrize(
    ("matrix", "match"),
    [
        ([[1, 2], [0.4, 1]], "not reciprocal"),
        ([[1, -2], [-0.5, 1]], "positive number"),
        ([[1, 2, 3]], "square"),
        (np.ones((11, 11)), "exceed the saaty1980"),
    ],
)
def test_bad_ahp_matrices(matrix, match):
    with pytest.raises(ParameterError, match=match):
        ahp_weights(matrix)


def test_topsis_hwang_yoon_fighter_aircraft():
    # Hwang & Yoon (1981) p. 133: relative closeness C* = 0.643, 0.268, 0.613, 0.312;
    # ranking A1 > A3 > A4 > A2. The book rounds intermediate steps to 4 decimals
    # (exact A3 = 0.6135), hence the tolerance of one unit in the third decimal.
    res = topsis(AIRCRAFT, AIRCRAFT_W, AIRCRAFT_T)
    np.testing.assert_allclose(res["estimate"], [0.643, 0.268, 0.613, 0.312], atol=1e-3)
    assert res["rank"].tolist() == [1, 4, 2, 3]
    assert list(res.columns) == ["option", "d_best", "d_worst", "estimate", "rank"]


def test_topsis_equals_pymcdm_vector_and_minmax():
    rng = np.random.default_rng(7)
    x = rng.uniform(1, 100, size=(8, 5))
    w = rng.dirichlet(np.ones(5))
    t = np.array([1, -1, 1, 1, -1])
    ours = topsis(x, w, t)["estimate"].to_numpy()
    ref = TOPSIS(normalization_function=pn.vector_normalization)(x, w, t)
    np.testing.assert_allclose(ours, ref, rtol=1e-12)
    ours_mm = topsis(x, w, t, normalization="minmax")["estimate"].to_numpy()
    np.testing.assert_allclose(ours_mm, TOPSIS()(x, w, t), rtol=1e-12)
    ref_air = TOPSIS(normalization_function=pn.vector_normalization)(
        AIRCRAFT, np.array(AIRCRAFT_W), np.array(AIRCRAFT_T)
    )
    np.testing.assert_allclose(topsis(AIRCRAFT, AIRCRAFT_W, AIRCRAFT_T)["estimate"], ref_air)


def test_weighted_sum_equals_pymcdm_wsm():
    rng = np.random.default_rng(3)
    x = rng.uniform(1, 10, size=(6, 4))
    w = np.array([0.4, 0.3, 0.2, 0.1])
    t = np.array([1, -1, 1, -1])
    ours = weighted_sum(x, w, t)["estimate"].to_numpy()
    ref = WSM(normalization_function=pn.minmax_normalization)(x, w, t)
    np.testing.assert_allclose(ours, ref, rtol=1e-12)


def test_topsis_accepts_frames_and_named_types():
    m = pd.DataFrame(AIRCRAFT, index=list("ABCD"), columns=list("uvwxyz"))
    res = topsis(
        m,
        dict(zip("uvwxyz", AIRCRAFT_W, strict=True)),
        {"u": "benefit", "v": "benefit", "w": "benefit", "x": "cost", "y": "max", "z": "benefit"},
    )
    assert res["option"].tolist() == list("ABCD")
    assert res["rank"].tolist() == [1, 4, 2, 3]


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        ([0, 0, 0, 0, 0, 0], "sum to 0"),
        ([0.2, -0.1, 0.1, 0.1, 0.2, 0.5], "must not be negative"),
        ([0.2, np.nan, 0.1, 0.1, 0.2, 0.4], "missing"),
        ([0.5, 0.5], "2 weights for 6 criteria"),
    ],
)
def test_bad_weights_give_one_line_errors(weights, match):
    with pytest.raises(ParameterError, match=match) as exc:
        topsis(AIRCRAFT, weights, AIRCRAFT_T)
    assert "\n" not in str(exc.value)


def test_unknown_direction_and_missing_scores():
    with pytest.raises(ParameterError, match="use 'benefit' or 'cost'"):
        topsis(AIRCRAFT, AIRCRAFT_W, [1, 1, 1, "lower", 1, 1])
    bad = AIRCRAFT.copy()
    bad[1, 2] = np.nan
    with pytest.raises(ParameterError, match="score of option 'a2' on 'c3' is missing"):
        topsis(bad, AIRCRAFT_W, AIRCRAFT_T)


def test_weights_from_priorities_points_and_weights():
    pts = pd.DataFrame(
        {
            "participant": [1, 1, 1, 2, 2, 2],
            "criterion": list("abcabc"),
            "points": [5, 3, 2, 1, 1, 8],
        }
    )
    w = weights_from_priorities(pts)
    # independent: totals a = 6, b = 4, c = 10 of 20 tokens
    assert w.to_dict() == pytest.approx({"a": 0.3, "b": 0.2, "c": 0.5})
    direct = weights_from_priorities(pd.DataFrame({"criterion": ["a", "b"], "weight": [3, 1]}))
    assert direct.to_dict() == pytest.approx({"a": 0.75, "b": 0.25})
    with pytest.raises(ParameterError, match="no weight for criterion 'c'"):
        weights_from_priorities(
            pd.DataFrame({"criterion": ["a"], "weight": [1]}), criteria=["a", "c"]
        )
    with pytest.raises(ParameterError, match="sum to 0"):
        normalize_weights({"a": 0, "b": 0})
