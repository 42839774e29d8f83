"""Krippendorff's alpha, Cohen's kappa and corpus agreement against independent references."""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.inter_rater import cohens_kappa as sm_cohens_kappa

from quartiere.errors import ParameterError
from quartiere.qual import Corpus, agreement, cohen_kappa, krippendorff_alpha

NAN = np.nan
# Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability, section C:
# 4 observers x 12 units with missing values.
K2011 = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
        [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
    ]
)


@pytest.mark.parametrize(
    ("level", "expected"),
    # Krippendorff 2011, section C: nominal .743, ordinal .815, interval .849, ratio .797
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_alpha_krippendorff_2011_example(level, expected):
    assert krippendorff_alpha(K2011, level=level) == pytest.approx(expected, abs=5e-4)


def test_alpha_krippendorff_2011_binary_two_coders():
    # Krippendorff 2011, section A: 2 observers, 10 units, binary data: alpha = 0.095
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert krippendorff_alpha([a, b]) == pytest.approx(0.095, abs=5e-4)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_alpha_matches_krippendorff_package_on_random_data(level, seed):
    # reference: the `krippendorff` package (Castro), same data
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, 6, size=300)
    data = np.vstack(
        [truth + rng.integers(-1, 2, size=300) * (rng.random(300) < 0.4) for _ in range(4)]
    ).astype(float)
    data = np.clip(data, 1, 5)
    data[rng.random(data.shape) < 0.15] = np.nan
    ref = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    assert krippendorff_alpha(data, level=level) == pytest.approx(ref, abs=1e-10)


def test_alpha_interval_many_distinct_values_matches_package():
    rng = np.random.default_rng(7)
    truth = rng.normal(size=200)
    data = truth + rng.normal(scale=0.5, size=(3, 200))
    data[rng.random(data.shape) < 0.1] = np.nan
    ref = krippendorff.alpha(reliability_data=data, level_of_measurement="interval")
    assert krippendorff_alpha(data, level="interval") == pytest.approx(ref, abs=1e-10)


def test_alpha_accepts_labels_and_dataframe():
    labels = pd.DataFrame([["a", "b", "b", None], ["a", "b", "c", "c"]])
    numeric = np.array([[0, 1, 1, NAN], [0, 1, 2, 2]])
    ref = krippendorff.alpha(reliability_data=numeric, level_of_measurement="nominal")
    assert krippendorff_alpha(labels) == pytest.approx(ref)


def test_alpha_errors():
    with pytest.raises(ParameterError, match="level must be one of"):
        krippendorff_alpha(K2011, level="cardinal")
    with pytest.raises(ParameterError, match="nominal level"):
        krippendorff_alpha([["a", "b"], ["a", "c"]], level="ordinal")
    with pytest.raises(ParameterError, match="pairable"):
        krippendorff_alpha([[1, NAN], [NAN, 2]])
    with pytest.raises(ParameterError, match="2-D"):
        krippendorff_alpha([1, 2, 3])
    assert np.isnan(krippendorff_alpha([[1, 1, 1], [1, 1, 1]]))


def test_kappa_textbook_example():
    # Wikipedia "Cohen's kappa", worked example: 50 proposals, both yes 20, A yes/B no 5,
    # A no/B yes 10, both no 15: p_o = 0.7, p_e = 0.5, kappa = 0.4
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    res = cohen_kappa(a, b)
    assert res.percent_agreement == pytest.approx(0.7)
    assert res.expected_agreement == pytest.approx(0.5)
    assert res.estimate == pytest.approx(0.4)
    assert res.n == 50


def test_kappa_fleiss_cohen_everitt_se_matches_statsmodels():
    # reference: statsmodels.stats.inter_rater.cohens_kappa (kappa and std_kappa, FCE 1969)
    rng = np.random.default_rng(11)
    a = rng.integers(0, 3, 120)
    b = np.where(rng.random(120) < 0.6, a, rng.integers(0, 3, 120))
    table = pd.crosstab(a, b).to_numpy()
    ref = sm_cohens_kappa(table)
    res = cohen_kappa(a, b)
    assert res.estimate == pytest.approx(ref.kappa, abs=1e-12)
    assert res.se == pytest.approx(ref.std_kappa, abs=1e-12)
    assert res.ci_low == pytest.approx(ref.kappa_low, abs=1e-9)
    assert res.to_frame().shape == (1, 7)


def test_kappa_missing_and_errors():
    res = cohen_kappa([1, 2, None, 1], [1, 2, 2, np.nan])
    assert res.n == 2
    with pytest.raises(ParameterError, match="same length"):
        cohen_kappa([1, 2], [1])
    with pytest.raises(ParameterError, match="no unit"):
        cohen_kappa([None], [1])
    assert np.isnan(cohen_kappa([1, 1], [1, 1]).estimate)


def _two_coder_corpus():
    text = "0123456789" * 10
    docs = pd.DataFrame(
        {"document": ["d1", "d2", "d3"], "name": ["a", "b", "c"], "text": [text] * 3}
    )
    codes = pd.DataFrame({"code": ["x", "y"], "name": ["X", "Y"]})
    segs = pd.DataFrame(
        {
            "document": ["d1", "d1", "d2", "d2", "d3", "d1", "d3"],
            "start": [0, 0, 10, 15, 0, 50, 60],
            "end": [20, 10, 30, 30, 5, 60, 70],
            "code": ["x", "x", "x", "x", "y", "y", "x"],
            "coder": ["ann", "bob", "ann", "bob", "ann", "bob", "bob"],
        }
    )
    return Corpus(docs, codes, segs)


def test_agreement_document_level_against_hand_count_and_package():
    res = agreement(_two_coder_corpus(), unit="document").set_index("code")
    # x: ann {d1, d2}, bob {d1, d2, d3} -> agree on d1, d2, disagree on d3: 2/3
    assert res.loc["x", "percent_agreement"] == pytest.approx(2 / 3)
    ref = krippendorff.alpha(
        reliability_data=[[1, 1, 0], [1, 1, 1]], level_of_measurement="nominal"
    )
    assert res.loc["x", "alpha"] == pytest.approx(ref)
    # overall pools 6 units (2 codes x 3 documents); y: ann {d3}, bob {d1}
    pooled = [[1, 1, 0, 0, 0, 1], [1, 1, 1, 1, 0, 0]]
    ref_all = krippendorff.alpha(reliability_data=pooled, level_of_measurement="nominal")
    assert res.loc["(overall)", "alpha"] == pytest.approx(ref_all)
    table = pd.crosstab(np.array(pooled[0]), np.array(pooled[1])).to_numpy()
    assert res.loc["(overall)", "kappa"] == pytest.approx(sm_cohens_kappa(table).kappa)
    assert res.loc["(overall)", "n_units"] == 6


def test_agreement_character_level_against_explicit_vectors():
    corpus = _two_coder_corpus()
    res = agreement(corpus, unit="character").set_index("code")
    ann = np.zeros(300)
    bob = np.zeros(300)
    ann[0:20] = 1
    ann[110:130] = 1
    bob[0:10] = 1
    bob[115:130] = 1
    bob[260:270] = 1
    assert res.loc["x", "n_units"] == 300
    assert res.loc["x", "percent_agreement"] == pytest.approx(np.mean(ann == bob))
    ref = krippendorff.alpha(reliability_data=[ann, bob], level_of_measurement="nominal")
    assert res.loc["x", "alpha"] == pytest.approx(ref)
    table = pd.crosstab(ann, bob).to_numpy()
    assert res.loc["x", "kappa"] == pytest.approx(sm_cohens_kappa(table).kappa)


def test_agreement_errors():
    corpus = _two_coder_corpus()
    with pytest.raises(ParameterError, match="unknown coder 'zoe'"):
        agreement(corpus, coders=["ann", "zoe"])
    with pytest.raises(ParameterError, match="at least two coders"):
        agreement(corpus, coders=["ann"])
    with pytest.raises(ParameterError, match="unit must be"):
        agreement(corpus, unit="word")
