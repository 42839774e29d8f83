"""Sample resident survey of the fictional ambito "Val Serena" in three real-world shapes.

Writes ``data/sample/survey/``:

- ``questionario.csv``: Italian CSV (``;``, decimal comma, cp1252) as typed from paper;
- ``questionario.sav``: SPSS file with variable and value labels;
- ``kobo_export.xlsx`` + ``xlsform.xlsx``: a KoboToolbox export ("XML values and headers",
  group separator ``/``) and the XLSForm it was collected with;
- ``margini.csv``: adult population cells (comune x sesso x classe_eta) for raking;
- ``survey_schema.yml``: the ``survey:`` section for ``study.yml``;
- ``README.md``: the data dictionary.

All three data shapes load (through ``validate_survey``) to the same DataFrame. Planted
signals: women 65+ answer about twice as often as their population share, men 18-34 about
half; satisfaction with services is higher among older women, so the weighted mean is lower
than the unweighted one; the top need differs by comune (Porto Lido housing, Villafranca
childcare, Montecerro and Borgo San Rocco isolation, Campi Bassi transport, Serenella social
services). Run ``python data/generators/survey.py`` to rewrite the files (seed 20261128).
"""

from __future__ import annotations

import pathlib

import numpy as np
import pandas as pd

SEED = 20261128
N_RESPONDENTS = 1200
COMUNI = ["Serenella", "Borgo San Rocco", "Porto Lido", "Villafranca", "Montecerro", "Campi Bassi"]
COMUNE_NAMES = [
    "serenella",
    "borgo_san_rocco",
    "porto_lido",
    "villafranca",
    "montecerro",
    "campi_bassi",
]
FALLBACK_TOTALS = dict(zip(COMUNI, [38000, 16000, 14000, 11000, 6000, 5000], strict=False))
SESSI = ["Donna", "Uomo"]
CLASSI = ["18-34", "35-49", "50-64", "65+"]
CLASSI_NAMES = ["18_34", "35_49", "50_64", "65_piu"]
LIKERT = {
    1: "Per niente d'accordo",
    2: "Poco d'accordo",
    3: "Né d'accordo né in disaccordo",
    4: "Abbastanza d'accordo",
    5: "Molto d'accordo",
}
SCALES = {
    "soddisfazione": {
        "label": "Soddisfazione per i servizi sociali",
        "group": "soddisfazione",
        "items": {
            "sod_1": "Gli uffici dei servizi sociali sono facili da raggiungere",
            "sod_2": "Il personale ascolta i miei problemi",
            "sod_3": "Ricevo risposte in tempi ragionevoli",
            "sod_4": "Le informazioni sui servizi sono difficili da trovare",
            "sod_5": "Nel complesso i servizi rispondono ai bisogni della mia famiglia",
        },
        "reversed": ["sod_4"],
    },
    "coesione": {
        "label": "Coesione sociale nel quartiere",
        "group": "coesione",
        "items": {
            "coe_1": "Le persone del mio quartiere si aiutano",
            "coe_2": "Nel mio quartiere mi sento solo/a",
            "coe_3": "Posso contare sui vicini in caso di bisogno",
            "coe_4": "Partecipo alla vita della comunità (parrocchia, associazioni)",
        },
        "reversed": ["coe_2"],
    },
    "benessere": {
        "label": "Benessere personale",
        "group": "benessere",
        "items": {
            "ben_1": "Mi sento in buona salute",
            "ben_2": "Riesco a fare le cose che mi piacciono",
            "ben_3": "Mi preoccupa arrivare a fine mese",
            "ben_4": "Ho qualcuno con cui parlare dei miei problemi",
            "ben_5": "Mi sento spesso stanco/a o scoraggiato/a",
            "ben_6": "Guardo al futuro con fiducia",
        },
        "reversed": ["ben_3", "ben_5"],
    },
}
BISOGNI = {
    "casa": "Casa e affitti",
    "nidi": "Nidi e servizi per l'infanzia",
    "trasporti": "Trasporti",
    "solitudine": "Solitudine e compagnia",
    "adi": "Assistenza domiciliare",
    "lavoro": "Lavoro",
    "sportello": "Accesso ai servizi sociali",
    "lingua": "Lingua e mediazione culturale",
}
TOP_NEED = {
    "Serenella": "sportello",
    "Borgo San Rocco": "solitudine",
    "Porto Lido": "casa",
    "Villafranca": "nidi",
    "Montecerro": "solitudine",
    "Campi Bassi": "trasporti",
}
SERVIZI = {
    "segretariato": "Segretariato sociale",
    "adi": "Assistenza domiciliare (ADI/SAD)",
    "centro_anziani": "Centro anziani",
    "nido": "Asilo nido",
    "trasporto": "Trasporto sociale",
    "consultorio": "Consultorio familiare",
}
# response propensity relative to population share
PROPENSITY = {("Donna", "65+"): 2.0, ("Uomo", "18-34"): 0.5}
COMUNE_PROPENSITY = {"Campi Bassi": 0.6}


def population_cells(sample_dir: pathlib.Path) -> pd.DataFrame:
    """Adults 18+ by comune, sesso and classe_eta (from population.csv when present)."""
    path = sample_dir / "population.csv"
    if path.exists():
        pop = pd.read_csv(path, sep=";", encoding="cp1252", decimal=",")
        pop = pop[pop["eta"] >= 18]
        band = pd.cut(pop["eta"], [17, 34, 49, 64, 200], labels=CLASSI)
        long = pd.concat(
            [
                pd.DataFrame(
                    {"comune": pop["comune"], "sesso": s, "classe_eta": band, "popolazione": pop[c]}
                )
                for s, c in (("Donna", "femmine"), ("Uomo", "maschi"))
            ]
        )
        cells = long.groupby(["comune", "sesso", "classe_eta"], observed=True, sort=False)[
            "popolazione"
        ].sum()
        cells = cells.reset_index()
    else:  # fixed adult structure applied to the district totals of SAMPLE.md
        share = {"18-34": 0.22, "35-49": 0.25, "50-64": 0.27, "65+": 0.26}
        rows = []
        for comune, total in FALLBACK_TOTALS.items():
            adults = total * 0.84
            for band, s in share.items():
                f = 0.56 if band == "65+" else 0.50
                rows.append((comune, "Donna", band, round(adults * s * f)))
                rows.append((comune, "Uomo", band, round(adults * s * (1 - f))))
        cells = pd.DataFrame(rows, columns=["comune", "sesso", "classe_eta", "popolazione"])
    cells["comune"] = pd.Categorical(cells["comune"], COMUNI)
    cells["sesso"] = pd.Categorical(cells["sesso"], SESSI)
    cells["classe_eta"] = pd.Categorical(cells["classe_eta"], CLASSI)
    cells = cells.sort_values(["comune", "sesso", "classe_eta"]).reset_index(drop=True)
    cells["popolazione"] = cells["popolazione"].astype(int)
    for col in ("comune", "sesso", "classe_eta"):
        cells[col] = cells[col].astype(str)
    return cells


def _respondents(cells: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    prop = cells["popolazione"].to_numpy(dtype=float).copy()
    for i, row in cells.iterrows():
        prop[i] *= PROPENSITY.get((row["sesso"], row["classe_eta"]), 1.0)
        prop[i] *= COMUNE_PROPENSITY.get(row["comune"], 1.0)
    prop /= prop.sum()
    idx = rng.choice(len(cells), size=N_RESPONDENTS, p=prop)
    people = cells.iloc[idx][["comune", "sesso", "classe_eta"]].reset_index(drop=True)
    order = rng.permutation(N_RESPONDENTS)
    return people.iloc[order].reset_index(drop=True)


def _likert(latent: np.ndarray, rng: np.random.Generator, reverse: bool) -> np.ndarray:
    x = np.clip(np.rint(3 + 1.0 * latent + rng.normal(0, 0.75, latent.size)), 1, 5)
    return 6 - x if reverse else x


def survey_frame(cells: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The canonical respondents table (codes for Likert items, names for choices)."""
    people = _respondents(cells, rng)
    n = len(people)
    f = (people["sesso"] == "Donna").to_numpy()
    old = (people["classe_eta"] == "65+").to_numpy()
    young = (people["classe_eta"] == "18-34").to_numpy()
    comune = people["comune"].to_numpy()
    d_sod = {"Serenella": 0.2, "Borgo San Rocco": 0.1, "Porto Lido": -0.2}
    d_sod |= {"Villafranca": -0.1, "Montecerro": -0.4, "Campi Bassi": -0.5}
    d_coe = {"Borgo San Rocco": 0.5, "Montecerro": 0.2, "Porto Lido": -0.3, "Campi Bassi": -0.4}
    d_ben = {"Montecerro": -0.3, "Porto Lido": -0.2, "Campi Bassi": -0.3}
    latent = {
        "soddisfazione": 1.0 * (f & old)
        + 0.2 * (~f & old)
        - 0.5 * (~f & young)
        + np.array([d_sod.get(c, 0.0) for c in comune])
        + rng.normal(0, 0.6, n),
        "coesione": 0.3 * old
        + np.array([d_coe.get(c, 0.0) for c in comune])
        + rng.normal(0, 0.6, n),
        "benessere": -0.3 * old
        + 0.2 * young
        + np.array([d_ben.get(c, 0.0) for c in comune])
        + rng.normal(0, 0.6, n),
    }
    out = pd.DataFrame({"id_rispondente": [f"VS{i:04d}" for i in range(1, n + 1)]})
    out = pd.concat([out, people], axis=1)
    for scale, spec in SCALES.items():
        for item in spec["items"]:
            codes = _likert(latent[scale], rng, item in spec["reversed"])
            codes[rng.random(n) < 0.03] = np.nan
            out[item] = codes
    needs = list(BISOGNI)
    chosen = np.zeros((n, len(needs)), dtype=int)
    principal = []
    for i in range(n):
        p = np.full(len(needs), 1.0)
        p[needs.index(TOP_NEED[comune[i]])] += 4.0
        if old[i]:
            p[needs.index("adi")] += 1.5
            p[needs.index("solitudine")] += 1.0
        if young[i]:
            p[needs.index("lavoro")] += 1.5
            p[needs.index("casa")] += 1.0
        p /= p.sum()
        k = rng.choice([1, 2, 3], p=[0.2, 0.3, 0.5])
        pick = rng.choice(len(needs), size=k, replace=False, p=p)
        chosen[i, pick] = 1
        principal.append(needs[pick[0]])
    out["bisogno_principale"] = principal
    for j, need in enumerate(needs):
        out[f"bisogni_{need}"] = chosen[:, j]
    use_p = {
        "segretariato": np.full(n, 0.25),
        "adi": np.where(old, 0.18, 0.03),
        "centro_anziani": np.where(old, 0.35, 0.02),
        "nido": np.where(young & f, 0.25, np.where(young, 0.12, 0.03)),
        "trasporto": np.where(old, 0.15, 0.04),
        "consultorio": np.where(f & ~old, 0.2, 0.05),
    }
    for s, p in use_p.items():
        out[f"servizi_{s}"] = (rng.random(n) < p).astype(int)
    out["durata_minuti"] = np.round(rng.gamma(9, 1.6, n), 1)
    return out


def _write_csv(frame: pd.DataFrame, path: pathlib.Path) -> None:
    csv = frame.copy()
    for item in [i for s in SCALES.values() for i in s["items"]]:
        csv[item] = csv[item].astype("Int64")
    csv["bisogno_principale"] = csv["bisogno_principale"].map(BISOGNI)
    text = csv.to_csv(sep=";", index=False, decimal=",", lineterminator="\r\n")
    path.write_bytes(text.encode("cp1252"))


def _write_sav(frame: pd.DataFrame, path: pathlib.Path) -> None:
    import pyreadstat

    sav = frame.drop(columns=["durata_minuti"]).copy()
    value_labels: dict[str, dict[float, str]] = {}
    sav["comune"] = sav["comune"].map({c: i + 1 for i, c in enumerate(COMUNI)}).astype(float)
    value_labels["comune"] = {float(i + 1): c for i, c in enumerate(COMUNI)}
    sav["sesso"] = sav["sesso"].map({"Donna": 1, "Uomo": 2}).astype(float)
    value_labels["sesso"] = {1.0: "Donna", 2.0: "Uomo"}
    sav["classe_eta"] = sav["classe_eta"].map({c: i + 1 for i, c in enumerate(CLASSI)})
    sav["classe_eta"] = sav["classe_eta"].astype(float)
    value_labels["classe_eta"] = {float(i + 1): c for i, c in enumerate(CLASSI)}
    needs = list(BISOGNI)
    sav["bisogno_principale"] = sav["bisogno_principale"].map(
        {k: i + 1 for i, k in enumerate(needs)}
    )
    sav["bisogno_principale"] = sav["bisogno_principale"].astype(float)
    value_labels["bisogno_principale"] = {float(i + 1): BISOGNI[k] for i, k in enumerate(needs)}
    column_labels = {
        "id_rispondente": "Codice rispondente",
        "comune": "Comune di residenza",
        "sesso": "Sesso",
        "classe_eta": "Classe di età",
        "bisogno_principale": "Il bisogno più importante per la sua famiglia",
    }
    measure = {"comune": "nominal", "sesso": "nominal", "classe_eta": "ordinal"}
    measure["bisogno_principale"] = "nominal"
    for spec in SCALES.values():
        for item, text in spec["items"].items():
            value_labels[item] = {float(k): v for k, v in LIKERT.items()}
            column_labels[item] = text
            measure[item] = "ordinal"
    for prefix, options in (("bisogni", BISOGNI), ("servizi", SERVIZI)):
        for key, text in options.items():
            col = f"{prefix}_{key}"
            sav[col] = sav[col].astype(float)
            value_labels[col] = {0.0: "No", 1.0: "Sì"}
            column_labels[col] = text
            measure[col] = "nominal"
    pyreadstat.write_sav(
        sav,
        str(path),
        file_label="Indagine residenti Val Serena 2026 (dati fittizi)",
        column_labels=column_labels,
        variable_value_labels=value_labels,
        variable_measure=measure,
        row_compress=True,
    )


def _xlsform() -> tuple[pd.DataFrame, pd.DataFrame]:
    survey = [
        ("start", "start", ""),
        ("end", "end", ""),
        ("begin_group", "anagrafica", "Dati anagrafici"),
        ("text", "id_rispondente", "Codice rispondente"),
        ("select_one comuni", "comune", "Comune di residenza"),
        ("select_one sessi", "sesso", "Sesso"),
        ("select_one classi", "classe_eta", "Classe di età"),
        ("end_group", "", ""),
    ]
    for spec in SCALES.values():
        survey.append(("begin_group", spec["group"], spec["label"]))
        for item, text in spec["items"].items():
            survey.append(("select_one likert5", item, text))
        survey.append(("end_group", "", ""))
    survey += [
        ("begin_group", "bisogni_grp", "Bisogni"),
        ("select_one bisogni", "bisogno_principale", "Il bisogno più importante"),
        ("select_multiple bisogni", "bisogni", "I bisogni più importanti (fino a 3)"),
        ("end_group", "", ""),
        ("begin_group", "servizi_grp", "Servizi usati"),
        ("select_multiple servizi", "servizi", "Servizi usati negli ultimi 12 mesi"),
        ("end_group", "", ""),
    ]
    survey_df = pd.DataFrame(survey, columns=["type", "name", "label::Italiano (it)"])
    choices = []
    choices += [("comuni", n, c) for n, c in zip(COMUNE_NAMES, COMUNI, strict=False)]
    choices += [("sessi", "donna", "Donna"), ("sessi", "uomo", "Uomo")]
    choices += [("classi", n, c) for n, c in zip(CLASSI_NAMES, CLASSI, strict=False)]
    choices += [("likert5", str(k), v) for k, v in LIKERT.items()]
    choices += [("bisogni", k, v) for k, v in BISOGNI.items()]
    choices += [("servizi", k, v) for k, v in SERVIZI.items()]
    choices_df = pd.DataFrame(choices, columns=["list_name", "name", "label::Italiano (it)"])
    return survey_df, choices_df


def _write_kobo(frame: pd.DataFrame, export: pathlib.Path, form: pathlib.Path) -> None:
    survey_df, choices_df = _xlsform()
    with pd.ExcelWriter(form, engine="openpyxl") as xw:
        survey_df.to_excel(xw, sheet_name="survey", index=False)
        choices_df.to_excel(xw, sheet_name="choices", index=False)
        pd.DataFrame(
            {"form_title": ["Indagine residenti Val Serena"], "default_language": ["Italiano (it)"]}
        ).to_excel(xw, sheet_name="settings", index=False)
    n = len(frame)
    base = pd.Timestamp("2026-03-02 09:00:00")
    start = base + pd.to_timedelta(np.arange(n) * 37, unit="min")
    cols: dict[str, object] = {
        "start": start.strftime("%Y-%m-%dT%H:%M:%S.000+01:00"),
        "end": pd.DatetimeIndex(
            start + pd.to_timedelta(frame["durata_minuti"].to_numpy(), unit="min")
        ).strftime("%Y-%m-%dT%H:%M:%S.000+01:00"),
        "anagrafica/id_rispondente": frame["id_rispondente"],
        "anagrafica/comune": frame["comune"].map(dict(zip(COMUNI, COMUNE_NAMES, strict=False))),
        "anagrafica/sesso": frame["sesso"].map({"Donna": "donna", "Uomo": "uomo"}),
        "anagrafica/classe_eta": frame["classe_eta"].map(
            dict(zip(CLASSI, CLASSI_NAMES, strict=False))
        ),
    }
    for spec in SCALES.values():
        for item in spec["items"]:
            cols[f"{spec['group']}/{item}"] = frame[item].astype("Int64")
    cols["bisogni_grp/bisogno_principale"] = frame["bisogno_principale"]
    for prefix, group, options in (
        ("bisogni", "bisogni_grp", BISOGNI),
        ("servizi", "servizi_grp", SERVIZI),
    ):
        ind = frame[[f"{prefix}_{k}" for k in options]].to_numpy()
        cols[f"{group}/{prefix}"] = [
            " ".join(k for k, v in zip(options, row, strict=False) if v) or None for row in ind
        ]
        for j, k in enumerate(options):
            cols[f"{group}/{prefix}/{k}"] = ind[:, j]
    cols["_id"] = np.arange(300001, 300001 + n)
    cols["_uuid"] = [f"00000000-0000-4000-8000-{i:012d}" for i in range(n)]
    cols["_submission_time"] = (start + pd.Timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S")
    cols["_validation_status"] = None
    cols["_index"] = np.arange(1, n + 1)
    pd.DataFrame(cols).to_excel(export, index=False, sheet_name="Indagine residenti")


def _schema_yaml() -> str:
    lines = [
        "survey:",
        "  file: survey_csv",
        "  form: survey_xlsform",
        "  id: id_rispondente",
        "  demographics:",
        f"    comune: {{categories: [{', '.join(COMUNI)}]}}",
        f"    sesso: {{categories: [{', '.join(SESSI)}]}}",
        f"    classe_eta: {{categories: [{', '.join(repr(c) for c in CLASSI)}], ordered: true}}",
        "  likert_labels:",
    ]
    lines += [f'    {k}: "{v}"' for k, v in LIKERT.items()]
    lines.append("  scales:")
    for name, spec in SCALES.items():
        lines.append(f"    {name}:")
        lines.append(f'      label: "{spec["label"]}"')
        lines.append(f"      items: [{', '.join(spec['items'])}]")
        lines.append(f"      reversed: [{', '.join(spec['reversed'])}]")
        lines.append("      range: [1, 5]")
        lines.append(f"      min_items: {-(-len(spec['items']) // 2)}")
    lines.append("  items:")
    lines.append("    bisogno_principale:")
    lines.append("      categories:")
    lines += [f'        - "{v}"' for v in BISOGNI.values()]
    lines.append("  multiple:")
    lines.append(f"    bisogni: [{', '.join(BISOGNI)}]")
    lines.append(f"    servizi: [{', '.join(SERVIZI)}]")
    lines += [
        "  weights:",
        "    margins: survey_margins",
        "    value: popolazione",
        "    rake: [[comune], [sesso, classe_eta]]",
        "    trim: [0.3, 3.0]",
    ]
    return "\n".join(lines) + "\n"


README = """# Sample resident survey (fictional): Val Serena 2026

{n} respondents across the six comuni; every person and answer is invented.

| file | shape |
|---|---|
| `questionario.csv` | Italian CSV: `;` separator, decimal comma, cp1252 (typed from paper) |
| `questionario.sav` | SPSS: numeric codes with value labels, variable labels, measure levels |
| `kobo_export.xlsx` | KoboToolbox export, XML values and headers, group separator `/` |
| `xlsform.xlsx` | the XLSForm the Kobo project was built from (`label::Italiano (it)`) |
| `margini.csv` | adult population (18+) by comune, sesso, classe_eta, 1 Jan 2026 (`;`, cp1252) |
| `survey_schema.yml` | the `survey:` section for `study.yml` |

The three data files load through `quartiere.io.survey_readers.read_survey` and
`quartiere.survey.validate_survey` to the same DataFrame.

## Variables
| column | meaning | values |
|---|---|---|
| `id_rispondente` | respondent code | `VS0001`... |
| `comune` | comune of residence | {comuni} |
| `sesso` | sex | Donna, Uomo |
| `classe_eta` | age band | 18-34, 35-49, 50-64, 65+ |
| `sod_1`..`sod_5` | satisfaction with social services (`sod_4` reversed) | Likert 1-5 |
| `coe_1`..`coe_4` | neighbourhood cohesion (`coe_2` reversed) | Likert 1-5 |
| `ben_1`..`ben_6` | personal wellbeing (`ben_3`, `ben_5` reversed) | Likert 1-5 |
| `bisogno_principale` | the most important need | {needs} |
| `bisogni_<need>` | need named among the top three | 0/1 |
| `servizi_<service>` | service used in the last 12 months ({services}) | 0/1 |
| `durata_minuti` | interview length (CSV only; not in the schema) | minutes, decimal comma |

Likert labels: {likert}. About 3% of Likert answers are missing.

## Planted signals
- Women 65+ answer about twice as often as their population share; men 18-34 about half;
  Campi Bassi responds less. Raking to `margini.csv` (comune; sesso x classe_eta) corrects it.
- Satisfaction is higher among older women, so the weighted mean satisfaction is lower than
  the unweighted one.
- Top need by comune: Serenella access to social services, Borgo San Rocco and Montecerro
  loneliness, Porto Lido housing, Villafranca childcare, Campi Bassi transport.

Generated by `data/generators/survey.py` (seed 20261128); population cells derived from
`data/sample/population.csv`.
"""


def generate(out_dir: pathlib.Path, rng: np.random.Generator) -> None:
    """Write the sample survey files under ``out_dir / "survey"``."""
    out_dir = pathlib.Path(out_dir)
    target = out_dir / "survey"
    target.mkdir(parents=True, exist_ok=True)
    cells = population_cells(out_dir)
    frame = survey_frame(cells, rng)
    _write_csv(frame, target / "questionario.csv")
    _write_sav(frame, target / "questionario.sav")
    _write_kobo(frame, target / "kobo_export.xlsx", target / "xlsform.xlsx")
    margins = cells.to_csv(sep=";", index=False, lineterminator="\r\n")
    (target / "margini.csv").write_bytes(margins.encode("cp1252"))
    (target / "survey_schema.yml").write_text(_schema_yaml(), encoding="utf-8")
    readme = README.format(
        n=len(frame),
        comuni=", ".join(COMUNI),
        needs="; ".join(BISOGNI.values()),
        services=", ".join(SERVIZI),
        likert="; ".join(f"{k} {v}" for k, v in LIKERT.items()),
    )
    (target / "README.md").write_text(readme, encoding="utf-8")


if __name__ == "__main__":
    here = pathlib.Path(__file__).resolve().parents[1] / "sample"
    generate(here, np.random.default_rng(SEED))
    print(f"wrote {here / 'survey'}")
