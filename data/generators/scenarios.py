"""Generate the scenario-planning inputs of the sample study "Val Serena" (fictional).

Writes ``data/sample/scenarios/``: demographic assumptions per scenario (fertility, life
table, net migration), service usage rates, unit costs, the funding options with their
criteria scores (xlsx from the ambito office), an example of residents' priorities from a
workshop and the planning office's pairwise comparisons of the criteria (AHP).

Planted signals (SAMPLE.md, scenarios): Montecerro and Borgo San Rocco age fastest, so
their ADI demand grows fastest; only the option hiring social workers in Serenella closes
the social-worker gap; residents' weights put a different option first than equal weights.

Run ``python data/make_sample.py scenarios`` or this file alone (seed 20261128).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20261128
SCENARIOS = {"baseline": (1.00, 1.00, 1.00), "low": (0.90, 1.10, 0.50), "high": (1.10, 0.90, 1.50)}
# scenario: (fertility factor, mortality factor, migration factor)

DISTRICTS = [
    "Serenella",
    "Borgo San Rocco",
    "Porto Lido",
    "Villafranca",
    "Montecerro",
    "Campi Bassi",
]
# relative fertility (Villafranca: young families; Montecerro: few young couples)
FERTILITY_FACTOR = {
    "Serenella": 1.00,
    "Borgo San Rocco": 0.90,
    "Porto Lido": 1.10,
    "Villafranca": 1.25,
    "Montecerro": 0.85,
    "Campi Bassi": 1.10,
}
# Italy-like age-specific fertility (births per woman per year), TFR about 1.25
ASFR = {15: 0.005, 20: 0.030, 25: 0.065, 30: 0.085, 35: 0.050, 40: 0.013, 45: 0.001}
# baseline yearly net migrants; Montecerro loses young adults (depopulating mountain)
NET_MIGRATION = {
    "Serenella": 150,
    "Borgo San Rocco": -15,
    "Porto Lido": 90,
    "Villafranca": 110,
    "Montecerro": -45,
    "Campi Bassi": 30,
}
E0 = {"F": 85.2, "M": 81.1}  # life expectancy at birth, Italy-like
BANDS = list(range(0, 90, 5))


def _italian_csv(df: pd.DataFrame, path: Path) -> None:
    buf = io.StringIO()
    df.to_csv(buf, sep=";", decimal=",", index=False, quoting=csv.QUOTE_MINIMAL)
    path.write_bytes(buf.getvalue().encode("cp1252"))


def _write_xlsx(sheets: dict[str, pd.DataFrame], path: Path) -> None:
    """xlsx with fixed timestamps, so the same seed gives the same bytes."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        for name, frame in sheets.items():
            frame.to_excel(xl, sheet_name=name, index=False)
    stamp = "2026-01-15T09:00:00Z"
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in sorted(src.infolist(), key=lambda i: i.filename):
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data
                )
            info = zipfile.ZipInfo(item.filename, date_time=(2026, 1, 15, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, data)
    path.write_bytes(out.getvalue())


def _band(a: int) -> str:
    return f"{a}-{a + 4}" if a < 85 else "85+"


def _life_table(e0: float, factor: float) -> np.ndarray:
    """5Lx (radix 100,000) for bands 0-4 ... 80-84 and T85, Gompertz mortality with e0."""
    ages = np.arange(0, 111)

    def lx_for(a: float) -> np.ndarray:
        mu = a * np.exp(0.105 * ages) * factor
        mu[0] += 0.0028 * factor  # infant mortality
        mu[-1] = 10.0  # close the table at 110
        return 100_000 * np.concatenate([[1.0], np.exp(-np.cumsum(mu))])

    lo, hi = 1e-7, 1e-3
    for _ in range(200):  # bisection on the Gompertz level to hit e0 (baseline factor)
        mid = (lo * hi) ** 0.5
        lx = lx_for(mid / factor)
        e = ((lx[:-1] + lx[1:]) / 2).sum() / 100_000
        lo, hi = (mid, hi) if e > e0 else (lo, mid)
    lx = lx_for(mid)  # the scenario factor applies on top of the calibrated level
    single = (lx[:-1] + lx[1:]) / 2
    out = [single[a : a + 5].sum() for a in BANDS[:-1]] + [single[85:].sum()]
    return np.array(out)


def fertility(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for sc, (ff, _mf, _gf) in SCENARIOS.items():
        for d in DISTRICTS:
            jitter = rng.uniform(0.98, 1.02)
            for a, r in ASFR.items():
                rows.append((sc, d, _band(a), round(r * ff * FERTILITY_FACTOR[d] * jitter, 5)))
    return pd.DataFrame(rows, columns=["scenario", "comune", "classe_eta", "tasso_fecondita"])


def life_table() -> pd.DataFrame:
    rows = []
    for sc, (_ff, mf, _gf) in SCENARIOS.items():
        for sex, name in (("F", "femmine"), ("M", "maschi")):
            for a, v in zip(BANDS, _life_table(E0[sex], mf), strict=True):
                rows.append((sc, name, a, round(float(v), 1)))
    return pd.DataFrame(rows, columns=["scenario", "sesso", "eta", "Lx"])


def migration(rng: np.random.Generator) -> pd.DataFrame:
    # age profile of net migrants (Rogers-Castro-like: young adults and their children)
    inflow = np.array([6, 4, 2, 5, 14, 18, 15, 10, 7, 5, 4, 3, 2, 2, 1, 1, 0.5, 0.5])
    outflow = np.array([3, 2, 2, 10, 26, 24, 12, 6, 4, 3, 2, 1, 1, -2, -1, 0, 0, 0])
    rows = []
    for sc, (_ff, _mf, gf) in SCENARIOS.items():
        for d in DISTRICTS:
            total = NET_MIGRATION[d] * gf
            prof = inflow if NET_MIGRATION[d] > 0 else outflow
            shares = prof / prof.sum()
            for sex in ("femmine", "maschi"):
                half = total / 2 * rng.uniform(0.95, 1.05)
                for a, s in zip(BANDS, shares, strict=True):
                    rows.append((sc, d, sex, _band(a), round(float(half * s), 2)))
    return pd.DataFrame(rows, columns=["scenario", "comune", "sesso", "classe_eta", "saldo_annuo"])


def _register(out_dir: Path) -> tuple[dict[str, int], dict[str, tuple[int, int]]]:
    """Residents and (ERP units, waiting list) per comune from the profile part's files."""
    pop_path, svc_path = out_dir / "population.csv", out_dir / "services.xlsx"
    residents = {
        "Serenella": 38000,
        "Borgo San Rocco": 16000,
        "Porto Lido": 14000,
        "Villafranca": 11000,
        "Montecerro": 6000,
        "Campi Bassi": 5000,
    }
    housing = {
        "Serenella": (900, 240),
        "Borgo San Rocco": (180, 45),
        "Porto Lido": (220, 310),
        "Villafranca": (120, 60),
        "Montecerro": (40, 8),
        "Campi Bassi": (30, 25),
    }
    if pop_path.exists():
        pop = pd.read_csv(pop_path, sep=";", decimal=",", encoding="cp1252")
        residents = pop.groupby("comune")["totale"].sum().astype(int).to_dict()
    if svc_path.exists():
        svc = pd.read_excel(svc_path)
        housing = {
            r["Comune"]: (int(r["Alloggi ERP"]), int(r["Domande ERP in attesa"]))
            for _, r in svc.iterrows()
        }
    return residents, housing


def usage_rates(out_dir: Path) -> pd.DataFrame:
    residents, housing = _register(out_dir)
    econ = {
        "Serenella": 0.012,
        "Borgo San Rocco": 0.008,
        "Porto Lido": 0.020,
        "Villafranca": 0.009,
        "Montecerro": 0.010,
        "Campi Bassi": 0.018,
    }
    rows = [
        ("social_workers", 0, None, "", 0.045, "utenti del servizio sociale professionale"),
        ("nido", 0, 2, "", 0.30, "famiglie che chiedono un posto (bambini 0-2)"),
        ("adi", 65, 74, "", 0.030, "fabbisogno ADI 65-74"),
        ("adi", 75, None, "", 0.140, "fabbisogno ADI 75+"),
    ]
    for d in DISTRICTS:
        rows.append(("economic_support", 0, None, d, econ[d], "nuclei con sostegno economico"))
    for d in DISTRICTS:
        units, wait = housing[d]
        rows.append(
            (
                "housing",
                0,
                None,
                d,
                round((units + wait) / residents[d], 5),
                "alloggi ERP + domande in attesa per residente",
            )
        )
    return pd.DataFrame(rows, columns=["servizio", "eta_min", "eta_max", "comune", "tasso", "nota"])


def unit_costs() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("social_workers", 42000, None, "EUR per FTE all'anno"),
            ("nido", 9500, None, "EUR per posto all'anno"),
            ("adi", 24, 60, "EUR per ora; ore all'anno per utente"),
            ("economic_support", 1800, None, "EUR per nucleo all'anno"),
            ("housing", 6500, None, "EUR per nucleo all'anno (housing first, affitto)"),
        ],
        columns=["servizio", "costo_unitario", "ore_per_utente", "nota"],
    )


CRITERIA = [
    # criterion, direction, weight (planning office), cv, shared, description
    (
        "copertura_fabbisogno",
        "benefit",
        0.2,
        0.10,
        "si",
        "quota dello scarto dallo standard chiusa nel comune (calcolata dalle proiezioni)",
    ),
    ("persone_raggiunte", "benefit", 0.2, 0.10, "no", "persone raggiunte in un anno"),
    ("equita", "benefit", 0.2, 0.10, "no", "priorità a persone e luoghi con meno servizi (1-5)"),
    ("fattibilita", "benefit", 0.2, 0.10, "no", "tempi, personale, spazi (1-5)"),
    ("costo", "cost", 0.2, 0.15, "no", "costo annuo (EUR)"),
]

OPTIONS = [
    # code, name, comune, area, kind, service, cost, sw, nido, adi, alloggi, reached, equity, feas
    (
        "AS-SER",
        "Assunzione di 2 assistenti sociali a Serenella",
        "Serenella",
        "servizio_sociale",
        "expansion",
        "social_workers",
        84000,
        2.0,
        0,
        0,
        0,
        150,
        2,
        4,
    ),
    (
        "ADI-MON",
        "Potenziamento ADI a Montecerro",
        "Montecerro",
        "anziani",
        "expansion",
        "adi",
        43200,
        0,
        0,
        30,
        0,
        30,
        5,
        3,
    ),
    (
        "ADI-BSR",
        "Potenziamento ADI a Borgo San Rocco",
        "Borgo San Rocco",
        "anziani",
        "expansion",
        "adi",
        86400,
        0,
        0,
        60,
        0,
        60,
        4,
        4,
    ),
    (
        "NIDO-VIL",
        "Nuovo nido a Villafranca (40 posti)",
        "Villafranca",
        "infanzia",
        "new_service",
        "nido",
        380000,
        0,
        40,
        0,
        0,
        40,
        3,
        2,
    ),
    (
        "CASA-PL",
        "Housing first a Porto Lido (25 nuclei)",
        "Porto Lido",
        "casa",
        "new_service",
        "housing",
        162500,
        0,
        0,
        0,
        25,
        60,
        5,
        3,
    ),
    (
        "MED-CB",
        "Trasporto sociale e mediazione linguistica a Campi Bassi",
        "Campi Bassi",
        "inclusione",
        "new_service",
        "",
        65000,
        0,
        0,
        0,
        0,
        180,
        5,
        4,
    ),
    (
        "NIDO-BSR",
        "Voucher nido convertiti in 10 posti convenzionati a Borgo San Rocco",
        "Borgo San Rocco",
        "infanzia",
        "reallocation",
        "nido",
        15000,
        0,
        10,
        0,
        0,
        10,
        2,
        4,
    ),
]


def options() -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = []
    for code, name, d, area, kind, svc, cost, sw, nido, adi, erp, reach, eq, fe in OPTIONS:
        rows.append(
            {
                "codice": code,
                "nome": name,
                "comune": d,
                "area": area,
                "tipo": kind,
                "servizio": svc,
                "costo_annuo": cost,
                "assistenti_sociali_fte": sw,
                "posti_nido": nido,
                "utenti_adi_65": adi,
                "alloggi": erp,
                "copertura_fabbisogno": np.nan,
                "persone_raggiunte": reach,
                "equita": eq,
                "fattibilita": fe,
                "costo": cost,
            }
        )
    crit = pd.DataFrame(
        CRITERIA, columns=["criterio", "direzione", "peso", "cv", "condiviso", "descrizione"]
    )
    return pd.DataFrame(rows), crit


def priorities(rng: np.random.Generator) -> pd.DataFrame:
    """30 residents share 10 tokens each among the criteria: equity and people reached first."""
    crits = [c[0] for c in CRITERIA]
    centre = np.array([0.12, 0.26, 0.40, 0.10, 0.12])
    rows = []
    for p in range(1, 31):
        share = rng.dirichlet(centre * 30)
        pts = np.floor(share * 10).astype(int)
        while pts.sum() < 10:
            pts[int(np.argmax(share * 10 - pts))] += 1
        rows.extend((f"P{p:02d}", c, int(x)) for c, x in zip(crits, pts, strict=True))
    return pd.DataFrame(rows, columns=["partecipante", "criterio", "punti"])


def pairwise() -> pd.DataFrame:
    """The planning office's judgements (Saaty 1-9), consistent enough (CR < 0.1)."""
    crits = [c[0] for c in CRITERIA]
    m = [
        ["1", "2", "2", "3", "2"],
        ["1/2", "1", "1", "2", "1"],
        ["1/2", "1", "1", "2", "1"],
        ["1/3", "1/2", "1/2", "1", "1/2"],
        ["1/2", "1", "1", "2", "1"],
    ]
    return pd.DataFrame(m, columns=crits).assign(criterio=crits)[["criterio", *crits]]


_README = """# Scenario inputs (fictional ambito "Val Serena")

Generated by `data/generators/scenarios.py` (seeded); read with
`quartiere.scenarios.read_scenario_inputs("data/sample")`. CSV files are Italian style:
`;` separator, decimal comma, cp1252. Scenarios: `baseline`, `low` (fertility x0.90,
mortality x1.10, migration x0.50), `high` (x1.10, x0.90, x1.50).

{table}

`copertura_fabbisogno` is left blank in the xlsx: it is computed from the projected gaps
(share of the comune's shortfall the option closes). Services: social_workers, nido, adi,
economic_support, housing. All names, places and numbers are invented.
"""


_FILES = [
    (
        "fecondita.csv",
        "scenario; comune; classe_eta (15-19 ... 45-49); tasso_fecondita",
        "births (both sexes) per woman per year",
    ),
    (
        "tavola_mortalita.csv",
        "scenario; sesso (femmine/maschi); eta (band start 0 ... 85); Lx",
        "life-table person-years 5Lx, radix 100,000; the 85 row is T85 (years lived after 85)",
    ),
    (
        "migrazioni.csv",
        "scenario; comune; sesso; classe_eta (0-4 ... 85+); saldo_annuo",
        "yearly net migrants (negative = more leave)",
    ),
    (
        "tassi_utilizzo.csv",
        "servizio; eta_min; eta_max (blank = no limit); comune (blank = all); tasso; nota",
        "expected users per resident of those ages",
    ),
    (
        "costi_unitari.csv",
        "servizio; costo_unitario; ore_per_utente; nota",
        "EUR per FTE / place / hour (ADI) / household per year",
    ),
    (
        "opzioni.xlsx, sheet Opzioni",
        "codice; nome; comune; area; tipo (new_service/expansion/reallocation); servizio; "
        "costo_annuo; assistenti_sociali_fte; posti_nido; utenti_adi_65; alloggi; criteria scores",
        "funding options and their effects on supply",
    ),
    (
        "opzioni.xlsx, sheet Criteri",
        "criterio; direzione (benefit/cost); peso; cv; condiviso (si/no); descrizione",
        "criteria, default weights, uncertainty (coefficient of variation; shared = one draw "
        "for all options)",
    ),
    (
        "priorita_residenti.csv",
        "partecipante; criterio; punti",
        "example workshop result: 30 residents share 10 tokens each",
    ),
    (
        "confronti_ahp.csv",
        "criterio; one column per criterion",
        "planning office pairwise comparisons (Saaty 1-9 scale, fractions as 1/2)",
    ),
]
README = _README.format(
    table="\n".join(
        ["| file | columns | meaning |", "|---|---|---|"]
        + [f"| {f} | {c} | {m} |" for f, c, m in _FILES]
    )
)


def generate(out_dir: Path, rng: np.random.Generator) -> None:
    """Write the scenario inputs under ``out_dir / "scenarios"`` (deterministic for ``rng``)."""
    folder = Path(out_dir) / "scenarios"
    folder.mkdir(parents=True, exist_ok=True)
    _italian_csv(fertility(rng), folder / "fecondita.csv")
    _italian_csv(life_table(), folder / "tavola_mortalita.csv")
    _italian_csv(migration(rng), folder / "migrazioni.csv")
    _italian_csv(usage_rates(Path(out_dir)), folder / "tassi_utilizzo.csv")
    _italian_csv(unit_costs(), folder / "costi_unitari.csv")
    opts, crit = options()
    _write_xlsx({"Opzioni": opts, "Criteri": crit}, folder / "opzioni.xlsx")
    _italian_csv(priorities(rng), folder / "priorita_residenti.csv")
    _italian_csv(pairwise(), folder / "confronti_ahp.csv")
    (folder / "README.md").write_text(README, encoding="utf-8")


if __name__ == "__main__":
    here = Path(__file__).resolve().parent.parent
    generate(here / "sample", np.random.default_rng([SEED, 4]))
    print("generated scenarios")
