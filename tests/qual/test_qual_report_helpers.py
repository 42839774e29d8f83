"""Report helpers of quartiere.qual (summaries, tables, survey mapping) on the sample corpus,
checked against counts made independently from the shipped CSV files with plain pandas."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from quartiere.errors import ParameterError
from quartiere.privacy import pseudonymize_corpus, read_names
from quartiere.qual import (
    document_counts,
    joint_display,
    read_transcripts,
    select_quotes,
    survey_themes,
    theme_salience,
    top_themes,
)
from quartiere.qual import tables as qt
from quartiere.qual._i18n import value_label
from quartiere.report.i18n import messages

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "interviews"


@pytest.fixture(scope="module")
def corpus():
    return read_transcripts(SAMPLE, coders=("anna", "marco"))


@pytest.fixture(scope="module")
def raw():
    """The shipped CSV files read with pandas alone (independent of our readers)."""
    opts = {"sep": ";", "encoding": "cp1252"}
    return (
        pd.read_csv(SAMPLE / "documents.csv", **opts),
        pd.read_csv(SAMPLE / "codebook.csv", **opts),
        pd.read_csv(SAMPLE / "segments.csv", **opts),
    )


def test_document_counts_and_table_match_the_csv(corpus, raw):
    docs, _, _ = raw
    expected = pd.crosstab(docs["district"], docs["role"])
    got = document_counts(corpus).set_index(["district", "role"])["n"]
    for (district, role), n in got.items():
        assert n == expected.loc[district, role]
    assert got.sum() == len(docs) == 24
    shown = qt.documents_table(document_counts(corpus), lang="it", order=["Porto Lido"])
    frame = shown.data
    assert frame.iloc[0]["district"] == "Porto Lido"  # the given order comes first
    assert frame.iloc[-1]["district"] == "Totale" and frame.iloc[-1]["total"] == 24
    assert "caregiver familiare" in shown.to_frame().columns


def test_top_themes_match_hand_counts(corpus, raw):
    docs, codebook, segs = raw
    anna = segs[segs["coder"] == "anna"].merge(docs[["document", "district"]], on="document")
    parent = dict(zip(codebook["code"], codebook["parent"], strict=True))
    anna["theme"] = anna["code"].map(parent)
    counts = anna.groupby(["district", "theme"]).size()
    top = top_themes(corpus, coder="anna").set_index("district")
    for district in docs["district"].unique():
        by_theme = counts.loc[district]
        assert top.loc[district, "theme"] == by_theme.idxmax()
        assert top.loc[district, "n_segments"] == by_theme.max()
        assert top.loc[district, "share_segments"] == pytest.approx(by_theme.max() / by_theme.sum())
    # SAMPLE.md's planted signal
    assert top.loc["Porto Lido", "theme"] == "casa"
    assert top.loc["Montecerro", "theme"] == "isolamento"


def test_theme_salience_filters_and_orders_themes(corpus, raw):
    docs, _, segs = raw
    sal = theme_salience(corpus, coder="anna", themes=["Abitare", "isolamento"])
    assert list(pd.unique(sal["theme"])) == ["Abitare", "Isolamento degli anziani"]
    casa_codes = ["affitto", "casa_popolare", "condizioni_alloggio", "sfratto"]
    hits = segs[(segs["coder"] == "anna") & segs["code"].isin(casa_codes)]
    pl_docs = set(docs.loc[docs["district"] == "Porto Lido", "document"])
    share = len(set(hits["document"]) & pl_docs) / len(pl_docs)
    row = sal[(sal["theme"] == "Abitare") & (sal["district"] == "Porto Lido")].iloc[0]
    assert row["pct_documents"] == pytest.approx(share)
    with pytest.raises(ParameterError, match="unknown theme 'Casa'"):
        theme_salience(corpus, themes=["Casa"])


def test_selected_quotes_are_pseudonymized_varied_and_unique(corpus):
    names = read_names(SAMPLE / "names.txt")
    public, _ = pseudonymize_corpus(corpus, names=names)
    picked = select_quotes(public, per_theme=3, coder="anna")
    themes = corpus.codes[~corpus.codes["codable"]]["code"]
    assert set(picked["theme"]) == set(themes)
    assert picked.groupby("theme").size().max() == 3
    assert not picked["text"].duplicated().any()  # a passage is quoted once
    assert not picked.duplicated(["theme", "document"]).any()  # different interviews
    assert picked["text"].str.len().between(60, 320).all()
    for name in names:
        assert not picked["text"].str.contains(rf"(?<!\w){name}(?!\w)", regex=True).any()
    focus = select_quotes(public, per_theme=1, where={"district": "Montecerro"}, spread=None)
    assert set(focus["district"]) == {"Montecerro"}
    with pytest.raises(ParameterError, match="per_theme"):
        select_quotes(public, per_theme=0)


def test_survey_themes_and_tie_rule_of_the_joint_display():
    est = pd.DataFrame(
        {
            "comune": ["A", "B", "C", "A", "B", "C"],
            "variable": ["bisogni_casa"] * 3 + ["bisogni_lavoro"] * 3,
            "statistic": ["mean"] * 6,
            "estimate": [0.6, 0.2, 0.1, 0.3, 0.3, 0.3],
            "ci_low": [0.5, 0.1, 0.05, 0.2, 0.2, 0.2],
            "ci_high": [0.7, 0.3, 0.15, 0.4, 0.4, 0.4],
            "n_group": [100, 80, 60, 100, 80, 60],
            "suppressed": [False] * 6,
        }
    )
    surv = survey_themes(est, {"bisogni_casa": "Abitare"}, district="comune")
    assert list(surv["theme"]) == ["Abitare"] * 3 and list(surv["n"]) == [100, 80, 60]
    qual = pd.DataFrame(
        {
            "district": ["A", "B", "C"],
            "theme": ["Abitare"] * 3,
            "pct_documents": [1.0, 1.0, 1.0],  # every interview raises it: no signal
            "n": [4, 4, 4],
        }
    )
    res = joint_display(qual, surv)
    assert set(res["qual_signal"]) == {"unclear"} and set(res["fit"]) == {"inconclusive"}
    with pytest.raises(ParameterError, match="more than one survey variable"):
        survey_themes(
            est, {"bisogni_casa": "Abitare", "bisogni_lavoro": "Abitare"}, district="comune"
        )
    with pytest.raises(ParameterError, match="no estimates"):
        survey_themes(est, {"bisogni_nidi": "Giovani"}, district="comune")
    with pytest.raises(ParameterError, match="category proportions"):
        survey_themes(
            est.assign(statistic="proportion"), {"bisogni_casa": "Abitare"}, district="comune"
        )


def test_tables_escape_text_and_show_counts_only():
    quotes = pd.DataFrame(
        {
            "theme_name": ["Abitare"],
            "text": ["<b>affitto</b> & spese"],
            "role": ["caregiver"],
            "district": ["Porto Lido"],
        }
    )
    html = qt.quotes_table(quotes, lang="it")._repr_html_()
    assert "&lt;b&gt;affitto&lt;/b&gt; &amp; spese" in html and "<b>affitto" not in html
    report = pd.DataFrame(
        {
            "kind": ["name", "phone"],
            "n_replaced": [3, 1],
            "n_distinct": [2, 1],
            "n_documents": [2, 1],
        }
    )
    shown = qt.replacements_table(report, lang="en").to_frame()
    assert list(shown.iloc[:, 0]) == ["Person names", "Phone numbers"]
    with pytest.raises(ParameterError, match="only counts"):
        qt.replacements_table(report.assign(original=["x", "y"]), lang="en")
    agr = pd.DataFrame(
        {
            "code": ["a", "b", "(overall)"],
            "name": ["Casa", "Fiducia", "(overall)"],
            "n_documents": [8] * 3,
            "n_coders": [2] * 3,
            "percent_agreement": [0.99, 0.95, 0.97],
            "kappa": [0.9, np.nan, 0.8],
            "alpha": [0.9, 0.4, 0.8],
        }
    )
    tab = qt.agreement_table(agr, lang="it", unit="document")
    assert "Casa (alfa 0,90)" in tab.note and "Fiducia (alfa 0,40)" in tab.note
    assert tab.to_frame().iloc[1, 2] == "—"  # undefined kappa shown as a dash


def test_catalog_has_the_role_and_kind_labels():
    msgs = messages()
    assert all(k.startswith("qual.") for k in msgs if k.startswith("qual"))
    assert value_label("role", "assistente_sociale", "en") == "social worker"
    assert value_label("role", "nuovo_ruolo", "it") == "nuovo ruolo"  # fallback
    for kind in ("name", "email", "iban", "codice_fiscale", "phone", "address"):
        assert f"qual.kind_{kind}" in msgs and f"qual.pseudonym_{kind}" in msgs


def test_charts_follow_the_study_order_and_show_present_results_only(corpus):
    from quartiere.qual import code_frequencies
    from quartiere.qual.charts import crosstab_chart, joint_display_chart

    order = [
        "Serenella",
        "Borgo San Rocco",
        "Porto Lido",
        "Villafranca",
        "Montecerro",
        "Campi Bassi",
    ]
    freq = code_frequencies(corpus, by="district", coder="anna")
    spec = crosstab_chart(freq, "district", lang="en", order=order, title="T").to_dict()
    assert spec["encoding"]["x"]["sort"] == order and spec["title"] == "T"
    assert spec["encoding"]["y"]["sort"][0] == "Solitudine"  # codebook order
    roles = crosstab_chart(code_frequencies(corpus, by="role"), "role", lang="en").to_dict()
    shown = {row["group_label"] for row in next(iter(roles["datasets"].values()))}
    assert "family carer" in shown and "caregiver" not in shown
    joint = pd.DataFrame(
        {"district": ["B", "A"], "theme": ["Abitare"] * 2, "fit": ["divergence", "convergence"]}
    )
    jspec = joint_display_chart(joint, lang="it", order=["A", "B"]).to_dict()
    assert jspec["encoding"]["x"]["sort"] == ["A", "B"]
    assert jspec["encoding"]["color"]["scale"]["domain"] == ["Convergenza", "Divergenza"]
