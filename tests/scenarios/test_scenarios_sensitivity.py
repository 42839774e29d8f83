"""Monte Carlo and tornado sensitivity: vectorised draws equal per-draw pymcdm rankings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pymcdm import normalizations as pn
from pymcdm.methods import TOPSIS

from quartiere.errors import ParameterError
from quartiere.scenarios import (
    monte_carlo,
    rank_probability_chart,
    topsis,
    tornado,
    tornado_chart,
)
from quartiere.scenarios.sensitivity import draw_inputs, rank_draws

# Hwang & Yoon (1981) fighter-aircraft data (see test_scenarios_mcda.py)
M = pd.DataFrame(
    [
        [2.0, 1500, 20000, 5.5, 5, 9],
        [2.5, 2700, 18000, 6.5, 3, 5],
        [1.8, 2000, 21000, 4.5, 7, 7],
        [2.2, 1800, 20000, 5.0, 5, 5],
    ],
    index=["A1", "A2", "A3", "A4"],
    columns=["speed", "range", "payload", "cost", "rel", "man"],
)
W = [0.2, 0.1, 0.1, 0.1, 0.2, 0.3]
T = ["benefit", "benefit", "benefit", "cost", "benefit", "benefit"]


def test_vectorised_draws_equal_pymcdm_per_draw():
    rng = np.random.default_rng(11)
    x, w = draw_inputs(
        M.to_numpy(),
        np.array(W),
        draws=300,
        rng=rng,
        cv=np.full(6, 0.2),
        shared=np.zeros(6, bool),
        weight_concentration=30.0,
    )
    res = monte_carlo(
        M, W, T, rng=np.random.default_rng(11), draws=300, cv=0.2, weight_concentration=30.0
    )
    ref = TOPSIS(normalization_function=pn.vector_normalization)
    types = np.array([1, 1, 1, -1, 1, 1])
    for i in range(300):
        np.testing.assert_allclose(res.scores[i], ref(x[i], w[i], types), rtol=1e-10)
    # ranks and the probability of ranking first, recomputed with plain argmax
    first = np.array([np.argmax(ref(x[i], w[i], types)) for i in range(300)])
    p_first = np.bincount(first, minlength=4) / 300
    np.testing.assert_allclose(res.to_frame()["p_first"], p_first)


def test_no_uncertainty_reproduces_topsis_ranking():
    res = monte_carlo(
        M, W, T, rng=np.random.default_rng(1), draws=50, cv=0.0, weight_concentration=None
    )
    out = res.to_frame()
    assert out["p_first"].tolist() == [1.0, 0.0, 0.0, 0.0]
    assert out["mean_rank"].tolist() == topsis(M, W, T)["rank"].astype(float).tolist()


def test_seeded_runs_are_reproducible_and_weights_centred():
    a = monte_carlo(M, W, T, rng=np.random.default_rng(5), draws=20000)
    b = monte_carlo(M, W, T, rng=np.random.default_rng(5), draws=20000)
    np.testing.assert_array_equal(a.scores, b.scores)
    # Dirichlet(alpha = 40 w) has mean w
    np.testing.assert_allclose(a.weights.mean(axis=0), W, atol=0.005)
    assert a.to_frame()["p_first"].sum() == pytest.approx(1.0)


def test_shared_uncertainty_moves_all_options_together():
    rng = np.random.default_rng(2)
    x, _ = draw_inputs(
        M.to_numpy(),
        np.array(W),
        draws=10,
        rng=rng,
        cv=np.full(6, 0.3),
        shared=np.array([True] + [False] * 5),
        weight_concentration=None,
    )
    ratio = x[:, :, 0] / M["speed"].to_numpy()
    np.testing.assert_allclose(ratio, ratio[:, :1] * np.ones((1, 4)))


def test_rank_draws():
    assert rank_draws(np.array([[0.1, 0.3, 0.2], [0.9, 0.1, 0.5]])).tolist() == [
        [3, 1, 2],
        [1, 3, 2],
    ]


def test_tornado_against_direct_topsis():
    t = tornado(M, W, T, weight_spread=0.5, cv=0.2)
    assert t["option"].iloc[0] == "A1"
    row = t[t["parameter"] == "weight:man"].iloc[0]
    w_hi = np.array(W)
    w_hi[5] *= 1.5
    ref = TOPSIS(normalization_function=pn.vector_normalization)(
        M.to_numpy(), w_hi / w_hi.sum(), np.array([1, 1, 1, -1, 1, 1])
    )
    assert row["estimate_high"] == pytest.approx(ref[0], rel=1e-12)
    assert (t["swing"].diff().dropna() <= 0).all()
    x_lo = M.to_numpy().copy()
    x_lo[0, 3] *= 0.8
    ref_lo = TOPSIS(normalization_function=pn.vector_normalization)(
        x_lo, np.array(W), np.array([1, 1, 1, -1, 1, 1])
    )
    assert t.set_index("parameter").loc["score:cost", "estimate_low"] == pytest.approx(ref_lo[0])


def test_bad_sensitivity_inputs():
    with pytest.raises(ParameterError, match="cv must be numbers >= 0"):
        monte_carlo(M, W, T, rng=np.random.default_rng(1), cv=-0.1)
    with pytest.raises(ParameterError, match="unknown criterion 'x'"):
        monte_carlo(M, W, T, rng=np.random.default_rng(1), shared=["x"])
    with pytest.raises(ParameterError, match="sum to 0"):
        monte_carlo(M, [0] * 6, T, rng=np.random.default_rng(1))
    with pytest.raises(ParameterError, match="unknown option"):
        tornado(M, W, T, option="Z9")


def test_charts_label_axes_in_both_languages():
    res = monte_carlo(M, W, T, rng=np.random.default_rng(1), draws=100).to_frame()
    en = rank_probability_chart(res, lang="en").to_dict()
    it = rank_probability_chart(res, lang="it").to_dict()
    assert en["encoding"]["x"]["title"] == "Probability of ranking first"
    assert it["encoding"]["x"]["title"] == "Probabilità di essere prima"
    tc = tornado_chart(tornado(M, W, T), lang="it").to_dict()
    assert tc["layer"][0]["encoding"]["y"]["title"] == "Parametro"
    with pytest.raises(ParameterError, match="use 'it' or 'en'"):
        rank_probability_chart(res, lang="fr")
