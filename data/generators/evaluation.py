"""Generate the programme-evaluation files of the sample study "Val Serena" (fictional).

The programme: "Filo d'Argento", home care (assistenza domiciliare) for older people living
alone, started in October 2025 (quarter 2025-T4). Run ``python data/make_sample.py`` (all
parts) or this file alone. True parameters live in the constants below; tests check that
``quartiere.evaluation`` recovers them.

Design (what the analysis must find):
- wellbeing on a 0-40 scale; everyone's score drifts up by ``TREND`` points a quarter;
- at intake (2025-T3) people scoring below ``ELIGIBLE_BELOW`` are eligible; places go at random
  to some of them (programme), the rest wait (comparison, waiting list): both groups are
  selected the same way, so the difference in differences recovers ``TRUE_EFFECT`` (+3);
- the pre/post gain of participants (intake 2025-T3 -> review 2026-T1) is larger than the DiD:
  time trend plus regression to the mean from selecting low scorers;
- GAS goals in individual work plans with a programme T-score slightly above 50;
- costs: home care per user-year well below residential care (RSA) per year.
Files are written as a municipal office sends them: CSV with ``;``, decimal comma, cp1252,
and xlsx.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20261128

TRUE_EFFECT = 3.0  # wellbeing points, DiD target
TREND = 0.6  # points per quarter, everyone
NOISE_SD = 3.0  # occasion-to-occasion noise
LATENT_MEAN, LATENT_SD = 21.0, 5.0
ELIGIBLE_BELOW = 19  # intake score below this: eligible
QUARTERS = ["2025-T1", "2025-T2", "2025-T3", "2025-T4", "2026-T1"]
POST_QUARTERS = ["2025-T4", "2026-T1"]
QUARTER_END = {
    "2025-T1": "31/03/2025",
    "2025-T2": "30/06/2025",
    "2025-T3": "30/09/2025",
    "2025-T4": "31/12/2025",
    "2026-T1": "31/03/2026",
}
N_SCREENED = 900
N_PLACES = 120  # programme places
N_DROPOUT = 3  # participants without a review score (moved to RSA, hospital)
GAS_SHIFT = 0.25  # mean latent goal attainment above expected
# comune: share of screened older people living alone
COMUNI = {
    "Serenella": 0.34,
    "Borgo San Rocco": 0.24,
    "Porto Lido": 0.13,
    "Villafranca": 0.09,
    "Montecerro": 0.12,
    "Campi Bassi": 0.08,
}
GOAL_AREAS = [
    "socialità e contatti",
    "autonomia in casa",
    "alimentazione",
    "sicurezza domestica",
    "aderenza alle terapie",
    "uscite e commissioni",
]
COSTS = [
    # voce, valore, minimo, massimo, unità, nota
    ("costo_orario_oss", 22.50, 19.00, 26.00, "euro/ora", "tariffa cooperativa accreditata"),
    ("ore_annue_per_utente", 260.0, 200.0, 320.0, "ore", "5 ore a settimana in media"),
    ("costo_fisso_per_utente", 1200.0, 800.0, 1800.0, "euro/anno", "coordinamento e trasporti"),
    ("retta_rsa_annua", 38325.0, 32850.0, 43800.0, "euro/anno", "105 euro/giorno (90-120)"),
    ("quota_esiti_rsa", 0.55, 0.40, 0.70, "quota", "ospiti RSA con obiettivi raggiunti (ipotesi)"),
]
_FIXED_TIME = dt.datetime(2026, 4, 15, 9, 0, 0)


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, sep=";", decimal=",", encoding="cp1252", index=False, lineterminator="\r\n")


def _write_xlsx(frame: pd.DataFrame, path: Path, sheet: str) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name=sheet, index=False)
        props = writer.book.properties
        props.created = _FIXED_TIME
        props.modified = _FIXED_TIME
        props.creator = "Ufficio di Piano - Ambito Val Serena"


def _people(rng: np.random.Generator) -> pd.DataFrame:
    n = N_SCREENED
    comune = rng.choice(list(COMUNI), size=n, p=np.array(list(COMUNI.values())))
    sesso = np.where(rng.random(n) < 0.7, "F", "M")
    eta = np.clip(np.round(rng.normal(82, 6, n)), 70, 99).astype(int)
    latent = rng.normal(LATENT_MEAN, LATENT_SD, n)
    return pd.DataFrame({"comune": comune, "sesso": sesso, "eta": eta, "latent": latent})


def _scores(rng: np.random.Generator, latent: np.ndarray, treated: np.ndarray) -> np.ndarray:
    k = np.arange(len(QUARTERS))
    post = np.isin(QUARTERS, POST_QUARTERS)
    y = (
        latent[:, None]
        + TREND * k[None, :]
        + TRUE_EFFECT * treated[:, None] * post[None, :]
        + rng.normal(0, NOISE_SD, (len(latent), len(QUARTERS)))
    )
    return np.clip(np.round(y), 0, 40)


def generate(out_dir: Path, rng: np.random.Generator) -> None:
    """Write the evaluation sample files under ``out_dir / "evaluation"``.

    Parameters
    ----------
    out_dir : pathlib.Path
        The ``data/sample`` folder.
    rng : numpy.random.Generator
        Seeded generator; the same seed gives the same files.
    """
    folder = Path(out_dir) / "evaluation"
    folder.mkdir(parents=True, exist_ok=True)
    people = _people(rng)
    # Scores without the programme, to select on the intake (2025-T3) score.
    base = _scores(rng, people["latent"].to_numpy(), np.zeros(len(people)))
    intake = base[:, QUARTERS.index("2025-T3")]
    eligible = np.flatnonzero(intake < ELIGIBLE_BELOW)
    chosen = rng.permutation(eligible)
    programme = np.sort(chosen[:N_PLACES])
    waiting = np.sort(chosen[N_PLACES:])
    treated = np.zeros(len(people))
    treated[programme] = 1.0
    # Post quarters redrawn only by the programme effect: same noise, effect added.
    post_cols = [QUARTERS.index(q) for q in POST_QUARTERS]
    scores = base.copy()
    scores[:, post_cols] = np.clip(scores[:, post_cols] + TRUE_EFFECT * treated[:, None], 0, 40)

    sample = np.concatenate([programme, waiting])
    ids = {i: f"VS{1000 + j:04d}" for j, i in enumerate(rng.permutation(sample))}
    dropouts = set(rng.choice(programme, size=N_DROPOUT, replace=False).tolist())

    # 1. Quarterly panel (programme and waiting list), one row per person and quarter.
    rows = []
    for i in sample:
        for q_idx, q in enumerate(QUARTERS):
            value = float(scores[i, q_idx])
            if i in dropouts and q in POST_QUARTERS:
                value = np.nan
            rows.append(
                (
                    ids[i],
                    "programma" if treated[i] else "lista d'attesa",
                    people.at[i, "comune"],
                    q,
                    QUARTER_END[q],
                    value,
                )
            )
    panel = pd.DataFrame(
        rows,
        columns=[
            "id_persona",
            "gruppo",
            "comune",
            "trimestre",
            "data_rilevazione",
            "punteggio_benessere",
        ],
    ).sort_values(["id_persona", "trimestre"], kind="stable")
    panel["punteggio_benessere"] = panel["punteggio_benessere"].astype("Int64")
    _write_csv(panel, folder / "panel_trimestrale.csv")

    # 2. Programme assessments: intake (2025-T3) and review (2026-T1), participants only.
    rows = []
    for i in programme:
        for label, q in (("ingresso", "2025-T3"), ("verifica", "2026-T1")):
            end = dt.datetime.strptime(QUARTER_END[q], "%d/%m/%Y").date()
            day = end - dt.timedelta(days=int(rng.integers(0, 40)))
            value = (
                np.nan if (i in dropouts and label == "verifica") else scores[i, QUARTERS.index(q)]
            )
            rows.append(
                (
                    ids[i],
                    people.at[i, "comune"],
                    int(people.at[i, "eta"]),
                    people.at[i, "sesso"],
                    label,
                    day.strftime("%d/%m/%Y"),
                    value,
                )
            )
    assess = pd.DataFrame(
        rows,
        columns=[
            "id_utente",
            "comune",
            "eta",
            "sesso",
            "rilevazione",
            "data",
            "punteggio_benessere",
        ],
    ).sort_values(["id_utente", "rilevazione"], kind="stable")
    assess["punteggio_benessere"] = assess["punteggio_benessere"].astype("Int64")
    _write_csv(assess, folder / "valutazioni_benessere.csv")

    # 3. Individual work plans with GAS goals (review at 2026-T1).
    rows = []
    for i in programme:
        n_goals = int(rng.integers(2, 5))
        areas = rng.choice(GOAL_AREAS, size=n_goals, replace=False)
        person = rng.normal(0, 0.5)
        for g, area in enumerate(areas, start=1):
            latent = GAS_SHIFT + person + rng.normal(0, 0.85)
            score = int(np.digitize(latent, [-1.5, -0.5, 0.5, 1.5])) - 2
            weight = int(rng.choice([1, 2, 3], p=[0.3, 0.45, 0.25]))
            rows.append((ids[i], people.at[i, "comune"], g, area, weight, score))
    gas = pd.DataFrame(
        rows, columns=["id_utente", "comune", "n_obiettivo", "area", "peso", "punteggio_gas"]
    ).sort_values(["id_utente", "n_obiettivo"], kind="stable")
    _write_xlsx(gas, folder / "piani_individuali_gas.xlsx", "obiettivi GAS")

    # 4. Monthly service data per comune, October 2025 - March 2026.
    months = pd.period_range("2025-10", "2026-03", freq="M")
    per_comune = people.loc[programme, "comune"].value_counts()
    rows = []
    for m_idx, month in enumerate(months):
        for comune in COMUNI:
            target = int(per_comune.get(comune, 0))
            ramp = min(1.0, 0.55 + 0.15 * m_idx)
            users = int(round(target * ramp))
            hours = users * 260 / 12 * rng.uniform(0.85, 1.05)
            rows.append((month.strftime("%m/%Y"), comune, users, round(hours, 1)))
    service = pd.DataFrame(rows, columns=["mese", "comune", "utenti_attivi", "ore_erogate"])
    _write_xlsx(service, folder / "servizio_mensile.xlsx", "servizio")

    # 5. Cost assumptions with ranges for the sensitivity analysis.
    costs = pd.DataFrame(COSTS, columns=["voce", "valore", "minimo", "massimo", "unita", "nota"])
    _write_csv(costs, folder / "costi.csv")

    # 6. Indicator measurements (values the office reports each quarter).
    done = [i for i in programme if i not in dropouts]
    wb_t3 = float(scores[programme, QUARTERS.index("2025-T3")].mean())
    wb_t4 = float(scores[done, QUARTERS.index("2025-T4")].mean())
    wb_t1 = float(scores[done, QUARTERS.index("2026-T1")].mean())
    users_now = int(service.loc[service["mese"] == "03/2026", "utenti_attivi"].sum())
    users_dec = int(service.loc[service["mese"] == "12/2025", "utenti_attivi"].sum())
    measures = pd.DataFrame(
        [
            ("benessere_medio", "30/09/2025", round(wb_t3, 2)),
            ("benessere_medio", "31/12/2025", round(wb_t4, 2)),
            ("benessere_medio", "31/03/2026", round(wb_t1, 2)),
            ("utenti_in_carico", "30/09/2025", 35),
            ("utenti_in_carico", "31/12/2025", users_dec),
            ("utenti_in_carico", "31/03/2026", users_now),
            ("ingressi_rsa", "30/09/2025", 14.2),
            ("ingressi_rsa", "31/12/2025", 13.9),
            ("ingressi_rsa", "31/03/2026", 13.6),
        ],
        columns=["indicatore", "data", "valore"],
    )
    _write_csv(measures, folder / "indicatori_misure.csv")


if __name__ == "__main__":
    generate(Path(__file__).resolve().parents[1] / "sample", np.random.default_rng(SEED))
