"""The shipped sample corpus: formats agree, the planted signals are found, agreement differs."""

from __future__ import annotations

import hashlib
import importlib.util
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from quartiere.io.qdpx import validate_refi
from quartiere.qual import (
    agreement,
    code_crosstab,
    code_frequencies,
    read_qdc,
    read_qdpx,
    read_transcripts,
)

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample" / "interviews"
SCHEMAS = REPO.parent / "shared" / "refi-qda"


@pytest.fixture(scope="module")
def corpus():
    return read_transcripts(SAMPLE, coders=("anna", "marco"))


def _load_generator():
    spec = importlib.util.spec_from_file_location(
        "gen_interviews", REPO / "data" / "generators" / "interviews.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generator_is_deterministic_and_matches_shipped_files(tmp_path):
    gen = _load_generator()
    gen.generate(tmp_path, np.random.default_rng(gen.SEED))
    for name in (
        "segments.csv",
        "documents.csv",
        "codebook.csv",
        "val_serena.qdpx",
        "codebook.qdc",
        "names.txt",
    ):
        fresh = hashlib.sha256((tmp_path / "interviews" / name).read_bytes()).hexdigest()
        shipped = hashlib.sha256((SAMPLE / name).read_bytes()).hexdigest()
        assert fresh == shipped, name


def test_shape_of_the_sample(corpus):
    docs = corpus.documents
    assert len(docs) == 24
    assert set(docs["district"]) == {
        "Serenella",
        "Borgo San Rocco",
        "Porto Lido",
        "Villafranca",
        "Montecerro",
        "Campi Bassi",
    }
    words = docs["text"].str.split().str.len()
    assert words.min() >= 600 and words.max() <= 1500
    codable = corpus.codes[corpus.codes["codable"]]
    assert 24 <= len(codable) <= 28
    assert corpus.codes["codable"].eq(False).sum() == 8
    double = corpus.segments.groupby("document")["coder"].nunique()
    assert (double == 2).sum() == 8  # a third of the interviews
    assert len(pd.read_csv(SAMPLE / "segments.csv", sep=";", encoding="cp1252")) == len(
        corpus.segments
    )
    assert sum(p.stat().st_size for p in SAMPLE.rglob("*") if p.is_file()) < 2_000_000


def test_qdpx_validates_and_equals_plain_files(corpus):
    with zipfile.ZipFile(SAMPLE / "val_serena.qdpx") as zf:
        validate_refi(zf.read("project.qde"), SCHEMAS / "Project.xsd")
    validate_refi(SAMPLE / "codebook.qdc", SCHEMAS / "Codebook.xsd")
    q = read_qdpx(SAMPLE / "val_serena.qdpx")
    assert q.info["evidence"] == len(q.segments)  # every selection name matches its text
    by_name = q.documents.set_index("name")
    plain = corpus.documents.set_index("name")
    for col in ("text", "district", "role", "age_band", "date"):
        assert by_name.loc[plain.index, col].tolist() == plain[col].tolist()
    code_name = dict(zip(q.codes["code"], q.codes["name"], strict=True))
    plain_name = dict(zip(corpus.codes["code"], corpus.codes["name"], strict=True))
    doc_q = dict(zip(q.documents["document"], q.documents["name"], strict=True))
    doc_p = dict(zip(corpus.documents["document"], corpus.documents["name"], strict=True))

    def rows(c, names, docname):
        s = c.segments
        return sorted(
            zip(
                s["document"].map(docname),
                s["start"],
                s["end"],
                s["code"].map(names),
                s["coder"],
                strict=True,
            )
        )

    assert rows(q, code_name, doc_q) == rows(corpus, plain_name, doc_p)
    assert sorted(read_qdc(SAMPLE / "codebook.qdc")["name"]) == sorted(corpus.codes["name"])


def test_planted_signals(corpus):
    # SAMPLE.md: isolation dominates Montecerro and Borgo San Rocco; housing dominates
    # Porto Lido; care burden among carers everywhere
    seg = code_crosstab(corpus, "district", level="theme", coder="anna", value="n_segments")
    seg = seg.set_index("code")
    top = seg.drop(columns=["name", "total"]).idxmax()
    assert top["Montecerro"] == "isolamento"
    assert top["Borgo San Rocco"] == "isolamento"
    assert top["Porto Lido"] == "casa"
    share = code_frequencies(corpus, by="role", coder="anna").set_index(["code", "role"])
    assert share.loc[("carico_cura", "caregiver"), "pct_documents"] == 1.0
    carers = corpus.documents[corpus.documents["role"] == "caregiver"]
    assert carers["district"].nunique() >= 4


def test_agreement_high_on_concrete_low_on_abstract(corpus):
    res = agreement(corpus, unit="character").set_index("code")
    concrete = ["affitto", "casa_popolare", "mobilita", "assistenza_domiciliare"]
    abstract = ["fiducia_istituzioni", "senso_comunita", "partecipazione"]
    assert res.loc[concrete, "alpha"].min() > 0.8
    assert res.loc[abstract, "alpha"].max() < 0.67  # below Krippendorff's tentative threshold
    doc = agreement(corpus, unit="document").set_index("code")
    # at document level abstract codes are near-universal: kappa is low or undefined
    assert doc.loc["affitto", "kappa"] > 0.7 > doc.loc["senso_comunita", "kappa"]
    assert res.loc["(overall)", "kappa"] == pytest.approx(res.loc["(overall)", "alpha"], abs=0.01)
