"""Code analysis checked against brute-force counts written independently in the test."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from quartiere.errors import CodebookError, DataFileError, ParameterError
from quartiere.qual import (
    Corpus,
    code_crosstab,
    code_frequencies,
    cooccurrence,
    coverage,
    joint_display,
    quotes,
    saturation,
)


@pytest.fixture(scope="module")
def random_corpus() -> Corpus:
    rng = np.random.default_rng(42)
    n_docs = 12
    docs = pd.DataFrame(
        {
            "document": [f"d{i:02d}" for i in range(n_docs)],
            "name": [f"Doc {i}" for i in range(n_docs)],
            "text": ["".join(rng.choice(list("abcde "), size=400)) for _ in range(n_docs)],
            "district": rng.choice(["Montecerro", "Porto Lido", "Serenella"], size=n_docs),
            "date": pd.date_range("2026-03-01", periods=n_docs).astype(str)[::-1],
        }
    )
    codes = pd.DataFrame(
        {
            "code": ["t1", "t2", "a", "b", "c", "d", "e"],
            "name": ["Tema 1", "Tema 2", "A", "B", "C", "D", "E"],
            "parent": [None, None, "t1", "t1", "t2", "t2", "t2"],
            "codable": [False, False, True, True, True, True, True],
        }
    )
    rows = []
    for _ in range(300):
        start = int(rng.integers(0, 380))
        rows.append(
            {
                "document": f"d{int(rng.integers(0, n_docs)):02d}",
                "start": start,
                "end": start + int(rng.integers(1, 20)),
                "code": str(rng.choice(["a", "b", "c", "d"])),
                "coder": str(rng.choice(["anna", "marco"])),
            }
        )
    return Corpus(docs, codes, pd.DataFrame(rows))


def test_frequencies_by_attribute_match_pandas_crosstab(random_corpus):
    c = random_corpus
    res = code_frequencies(c, by="district").set_index(["code", "district"])
    merged = c.segments.merge(c.documents[["document", "district"]], on="document")
    seg_ref = pd.crosstab(merged["code"], merged["district"])
    doc_ref = pd.crosstab(
        merged.drop_duplicates(["code", "document"])["code"],
        merged.drop_duplicates(["code", "document"])["district"],
    )
    n_ref = c.documents["district"].value_counts()
    for (code, district), row in res.iterrows():
        assert row["n_segments"] == seg_ref.get(district, {}).get(code, 0)
        assert row["n_documents"] == doc_ref.get(district, {}).get(code, 0)
        assert row["n"] == n_ref[district]
        assert row["pct_documents"] == pytest.approx(row["n_documents"] / n_ref[district])
    assert "e" in res.index.get_level_values("code")  # unused codes appear with zeros
    wide = code_crosstab(c, "district", value="n_documents").set_index("code")
    assert wide.loc["a", "Montecerro"] == doc_ref.loc["a", "Montecerro"]


def test_theme_level_rolls_up(random_corpus):
    res = code_frequencies(random_corpus, level="theme").set_index("code")
    segs = random_corpus.segments
    assert res.loc["t1", "n_segments"] == segs["code"].isin(["a", "b"]).sum()
    assert res.loc["t2", "n_documents"] == segs[segs["code"].isin(["c", "d"])]["document"].nunique()


def test_cooccurrence_overlap_against_brute_force(random_corpus):
    segs = random_corpus.segments
    res = cooccurrence(random_corpus).set_index(["code_a", "code_b"])
    pairs: dict = {}
    for (_, r1), (_, r2) in itertools.combinations(segs.iterrows(), 2):
        if r1["document"] != r2["document"] or r1["coder"] != r2["coder"]:
            continue
        if r1["code"] == r2["code"]:
            continue
        if max(r1["start"], r2["start"]) < min(r1["end"], r2["end"]):
            key = tuple(sorted((r1["code"], r2["code"])))
            pairs[key] = pairs.get(key, 0) + 1
    assert dict(res["n"]) == pairs
    # characters: python sets of (coder, document, position)
    chars = {
        code: {
            (r["coder"], r["document"], p)
            for _, r in segs[segs["code"] == code].iterrows()
            for p in range(r["start"], r["end"])
        }
        for code in "abcd"
    }
    n_seg = segs["code"].value_counts()
    for (a, b), row in res.iterrows():
        jac = len(chars[a] & chars[b]) / len(chars[a] | chars[b])
        assert row["jaccard"] == pytest.approx(jac)
        # ATLAS.ti c-coefficient: n12 / (n1 + n2 - n12) (Friese 2019)
        assert row["c_coefficient"] == pytest.approx(
            pairs[(a, b)] / (n_seg[a] + n_seg[b] - pairs[(a, b)])
        )


def test_cooccurrence_document(random_corpus):
    segs = random_corpus.segments
    res = cooccurrence(random_corpus, kind="document").set_index(["code_a", "code_b"])
    docs = segs.groupby("code")["document"].agg(set)
    for (a, b), row in res.iterrows():
        assert row["n"] == len(docs[a] & docs[b])
        assert row["jaccard"] == pytest.approx(len(docs[a] & docs[b]) / len(docs[a] | docs[b]))


def test_coverage_against_character_sets(random_corpus):
    res = coverage(random_corpus, coder="anna")
    segs = random_corpus.segments[random_corpus.segments["coder"] == "anna"]
    for _, row in res.sample(10, random_state=1).iterrows():
        sub = segs[(segs["document"] == row["document"]) & (segs["code"] == row["code"])]
        covered = {p for _, r in sub.iterrows() for p in range(r["start"], r["end"])}
        assert row["n_characters"] == len(covered)
        assert row["coverage"] == pytest.approx(len(covered) / 400)


def test_saturation_by_date(random_corpus):
    res = saturation(random_corpus, order="date")
    docs = random_corpus.documents.sort_values("date")["document"].tolist()
    assert res["document"].tolist() == docs
    seen: set = set()
    for _, row in res.iterrows():
        codes = set(
            random_corpus.segments[random_corpus.segments["document"] == row["document"]]["code"]
        )
        assert row["new_codes"] == len(codes - seen)
        seen |= codes
    assert res["cumulative_codes"].iloc[-1] == 4
    assert res["share_of_codes"].iloc[-1] == 1.0


def test_quotes_by_theme_and_attribute(random_corpus):
    q = quotes(random_corpus, code="t1", where={"district": ["Porto Lido"]})
    docs = random_corpus.documents
    pl = set(docs[docs["district"] == "Porto Lido"]["document"])
    segs = random_corpus.segments
    expected = segs[segs["code"].isin(["a", "b"]) & segs["document"].isin(pl)]
    assert sorted(q["segment"]) == sorted(expected["segment"])
    assert set(q["district"]) == {"Porto Lido"}
    for _, row in q.iterrows():
        text = docs.set_index("document").loc[row["document"], "text"]
        assert row["text"] == text[row["start"] : row["end"]]
    with pytest.raises(ParameterError, match="unknown code"):
        quotes(random_corpus, code="zzz")
    with pytest.raises(ParameterError, match="unknown document attribute"):
        quotes(random_corpus, where={"comune": "x"})


def test_corpus_validation_messages():
    docs = pd.DataFrame({"document": ["d1"], "name": ["A"], "text": ["abcdef"]})
    codes = pd.DataFrame({"code": ["a", "t"], "name": ["A", "T"], "codable": [True, False]})
    seg = pd.DataFrame(
        {
            "segment": ["x7"],
            "document": ["d1"],
            "start": [0],
            "end": [3],
            "code": ["a"],
            "coder": ["ann"],
        }
    )
    with pytest.raises(DataFileError, match="document d1, segment x7: end 30 is outside"):
        Corpus(docs, codes, seg.assign(end=30))
    with pytest.raises(CodebookError, match="document d1, segment x7: code 'zz' is not in"):
        Corpus(docs, codes, seg.assign(code="zz"))
    with pytest.raises(CodebookError, match="document d1, segment x7: unknown coder 'ann'"):
        Corpus(docs, codes, seg, coders=("bob",))
    with pytest.raises(CodebookError, match="is a theme"):
        Corpus(docs, codes, seg.assign(code="t"))
    with pytest.raises(DataFileError, match="document d9, segment x7: the document is not"):
        Corpus(docs, codes, seg.assign(document="d9"))
    with pytest.raises(DataFileError, match="not the given"):
        Corpus(docs, codes, seg.assign(text="xyz"))
    with pytest.raises(DataFileError, match="duplicated"):
        Corpus(pd.concat([docs, docs]), codes, seg)
    original = seg.copy()
    Corpus(docs, codes, seg)
    pd.testing.assert_frame_equal(seg, original)  # inputs never mutated


def test_joint_display_rule():
    qual = pd.DataFrame(
        {
            "district": ["A", "B", "C", "D"],
            "theme": ["casa"] * 4,
            "pct_documents": [0.75, 0.25, 0.5, 0.6],
            "n": [4, 4, 4, 0],
        }
    )
    surv = pd.DataFrame(
        {
            "district": ["A", "B", "C", "E"],
            "theme": ["casa"] * 4,
            "estimate": [0.40, 0.10, 0.22, 0.2],
            "ci_low": [0.35, 0.05, 0.10, 0.1],
            "ci_high": [0.45, 0.15, 0.30, 0.3],
        }
    )
    res = joint_display(qual, surv).set_index("district")
    # qual mean over A, B, C = 0.5 (D has no interviews); survey mean = 0.23
    assert res.loc["A", "fit"] == "convergence"  # 0.75 > 0.5, CI 0.35-0.45 above 0.23
    assert res.loc["B", "fit"] == "convergence"  # 0.25 < 0.5, CI below
    assert res.loc["C", "fit"] == "inconclusive"  # CI 0.10-0.30 contains 0.23
    assert res.loc["D", "fit"] == "no_interviews"
    assert res.loc["E", "fit"] == "no_interviews"
    assert res.loc["A", "qual_mean"] == pytest.approx(0.5)
    assert res.loc["A", "survey_mean"] == pytest.approx(0.23)


def test_charts_label_axes_in_both_languages(random_corpus):
    from quartiere.qual import agreement
    from quartiere.qual.charts import (
        agreement_chart,
        cooccurrence_chart,
        crosstab_chart,
        saturation_chart,
    )

    freq = code_frequencies(random_corpus, by="district")
    it = crosstab_chart(freq, "district").to_dict()
    en = crosstab_chart(freq, "district", lang="en").to_dict()
    assert it["encoding"]["y"]["title"] == "Codice"
    assert en["encoding"]["y"]["title"] == "Code"
    assert en["encoding"]["color"]["title"] == "Interviews raising it (%)"
    sat = saturation_chart(saturation(random_corpus), lang="en").to_dict()
    assert sat["layer"][1]["encoding"]["y"]["title"] == "Distinct codes found"
    agr = agreement_chart(agreement(random_corpus), lang="en").to_dict()
    assert agr["layer"][0]["encoding"]["x"]["title"] == "Krippendorff's alpha"
    co = cooccurrence_chart(cooccurrence(random_corpus)).to_dict()
    assert co["encoding"]["color"]["title"] == "Indice di Jaccard"
    with pytest.raises(ParameterError, match="unknown language"):
        crosstab_chart(freq, "district", lang="fr")
