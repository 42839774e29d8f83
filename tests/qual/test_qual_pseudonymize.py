"""Pseudonymization: no original name, phone, e-mail, codice fiscale, IBAN or address survives."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from quartiere.errors import ParameterError
from quartiere.privacy.pseudonymize import (
    Pseudonymizer,
    pseudonymize_corpus,
    pseudonymize_text,
    read_names,
)
from quartiere.qual import Corpus, quotes, read_transcripts

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "interviews"

# the personal data planted in the fictional sample transcripts (see its README)
PLANTED = {
    "phone": ["340 000 1122", "0564 000 111"],
    "email": ["davide.porto97@example.org", "luca.villa@example.org"],
    "codice_fiscale": ["BNCGRG52H14Z999K"],
    "iban": ["IT60 X054 2811 1010 0000 0123 456"],
    "address": [
        "via dei Castagni 14",
        "vicolo del Forno 6",
        "piazza San Rocco 3",
        "viale del Porto 27",
        "via Garibaldi 41",
        "corso Vittorio Emanuele 112",
    ],
}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("chiamami al +39 347 123 4567 domani", "phone"),
        ("il fisso è 0564 000111", "phone"),
        ("numero 0039 333 9876543", "phone"),
        ("scrivi a m.rossi+cafe@comune.example.it", "email"),
        ("CF RSSMRA80A01H501U per la pratica", "codice_fiscale"),
        ("omocodico RSSMRALPALMHVQVU ok", "codice_fiscale"),
        ("IBAN IT60X0542811101000000123456 grazie", "iban"),
        ("abito in Via Giuseppe Verdi, 22/b vicino", "address"),
        ("piazzale della Stazione n. 5", "address"),
        ("largo Sant'Anna 3", "address"),
    ],
)
def test_patterns_catch_each_kind(text, kind):
    p = Pseudonymizer(kinds=None)
    out = p.text(text)
    report = p.report().set_index("kind")
    assert report.loc[kind, "n_replaced"] == 1, out
    assert "[" in out


@pytest.mark.parametrize(
    "text",
    [
        "Nel 2026 erano 300 euro",
        "il 03/05/2026 alle 10",
        "ho 84 anni",
        "il 30 % in due anni",
        "andare via di casa",
        "la via crucis del venerdì",
    ],
)
def test_no_false_positives_on_ordinary_numbers_and_words(text):
    p = Pseudonymizer()
    assert p.text(text) == text


def test_names_consistent_across_documents_and_parts():
    p = Pseudonymizer(["Rosa Marchetti", "Marco Rinaldi", "Marco"])
    a = p.text("La ROSA MARCHETTI passa. Rosa porta il pane.", document="d1")
    b = p.text("Ho visto Marchetti e Marco Rinaldi; Rinaldi saluta, Marco pure.", document="d2")
    assert a == "La [Persona 1] passa. [Persona 1] porta il pane."
    # "Marco" alone is on the list as its own person, so it is not folded into Marco Rinaldi
    assert b == "Ho visto [Persona 1] e [Persona 2]; [Persona 2] saluta, [Persona 3] pure."
    rep = p.report().set_index("kind")
    assert rep.loc["name", "n_distinct"] == 3
    assert rep.loc["name", "n_documents"] == 2


def test_single_word_names_only_when_capitalised():
    p = Pseudonymizer(["Chiara", "franco"])
    out = p.text("Chiara ha dato una risposta chiara; Franco parla franco.")
    assert out == "[Persona 1] ha dato una risposta chiara; [Persona 2] parla franco."


def test_report_never_contains_originals():
    texts = ["Maria Rossi, tel. 333 1234567, maria@example.org, via Roma 12"]
    out, rep = pseudonymize_text(texts, names=["Maria Rossi"])
    dump = rep.to_csv()
    for original in ("Maria", "Rossi", "333", "1234567", "maria@", "Roma"):
        assert original not in dump
        assert original not in out[0]
    assert rep.columns.tolist() == ["kind", "n_replaced", "n_distinct", "n_documents"]


def test_errors():
    with pytest.raises(ParameterError, match="list of names"):
        Pseudonymizer("Maria Rossi")
    with pytest.raises(ParameterError, match="unknown kind"):
        Pseudonymizer(kinds=["ssn"])


def test_corpus_offsets_follow_the_new_text():
    text = "Sono Ida Ferrante, abito in via dei Castagni 14. Sono sola. Chiamate il 340 000 1122."
    docs = pd.DataFrame(
        {"document": ["d1"], "name": ["Intervista di Ida Ferrante"], "text": [text]}
    )
    codes = pd.DataFrame({"code": ["sol", "casa"], "name": ["Solitudine", "Casa"]})
    s_sol = text.index("Sono sola.")
    s_casa = text.index("abito")
    segs = pd.DataFrame(
        {
            "document": ["d1", "d1", "d1"],
            "start": [s_sol, s_casa, text.index("Ferrante") + 3],
            "end": [s_sol + len("Sono sola."), text.index(" Sono sola"), len(text)],
            "code": ["sol", "casa", "sol"],
            "memo": ["detto da Ida Ferrante", None, None],
        }
    )
    new, rep = pseudonymize_corpus(Corpus(docs, codes, segs), names=["Ida Ferrante"])
    assert new.segments.loc[0, "text"] == "Sono sola."
    assert new.segments.loc[1, "text"] == "abito in [indirizzo 1]."
    # a boundary inside a replaced name snaps to the pseudonym's edge
    assert new.segments.loc[2, "text"].startswith("[Persona 1]")
    assert new.documents.loc[0, "name"] == "Intervista di [Persona 1]"
    assert new.segments.loc[0, "memo"] == "detto da [Persona 1]"
    assert "Ferrante" not in new.documents.loc[0, "text"]


def test_sample_corpus_no_original_survives_in_any_quote():
    corpus = read_transcripts(SAMPLE)
    names = read_names(SAMPLE / "names.txt")
    raw = "\n".join(corpus.documents["text"])
    for kind, originals in PLANTED.items():
        for original in originals:
            assert original in raw, f"fixture lost its planted {kind}"
    new, report = pseudonymize_corpus(corpus, names=names)
    published = "\n".join(
        list(new.documents["text"]) + list(quotes(new)["text"]) + [report.to_csv()]
    )
    for originals in PLANTED.values():
        for original in originals:
            assert original not in published
            assert re.sub(r"\s", "", original) not in re.sub(r"\s", "", published)
    for name in names:
        assert re.search(rf"(?<!\w){re.escape(name)}(?!\w)", published) is None, name
    rep = report.set_index("kind")
    assert rep.loc["email", "n_replaced"] == 2
    assert rep.loc["codice_fiscale", "n_replaced"] == 1
    assert rep.loc["iban", "n_replaced"] == 1
    assert rep.loc["phone", "n_replaced"] == 2
    assert rep.loc["address", "n_replaced"] == len(PLANTED["address"])
    # segments still point at the same coded content (same count, valid offsets)
    assert len(new.segments) == len(corpus.segments)
