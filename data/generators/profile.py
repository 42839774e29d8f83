"""Generate the community-profile files of the sample study "Val Serena" (fictional).

Run ``python data/make_sample.py`` (all parts) or this file alone. The true parameters
live here, in ``DISTRICTS``; tests check that the profile notebook recovers them.
Written as planners receive them: ISTAT-style CSV (``;``, decimal comma, cp1252), an xlsx
from the municipal office, GeoJSON boundaries (RFC 7946, counter-clockwise rings).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20261128

# name, ISTAT-like code (fictional province 999), residents, ageing tilt, young-family boost,
# foreign share, share of 75+ living alone, social workers FTE, ADI share of 65+, nido cover,
# ERP units, ERP waiting list, assets per 1,000 residents
DISTRICTS = [
    # name,            code,    pop,   tilt,  young, foreign, alone75, sw_fte, adi,  nido, erp, wait, assets
    ("Serenella", "999001", 38000, 0.00, 0.00, 0.090, 0.370, 5.8, 0.070, 0.38, 900, 240, 1.6),
    ("Borgo San Rocco", "999002", 16000, 0.15, 0.00, 0.050, 0.480, 3.4, 0.065, 0.30, 180, 45, 3.1),
    ("Porto Lido", "999003", 14000, -0.05, 0.05, 0.180, 0.380, 3.0, 0.060, 0.27, 220, 310, 1.4),
    ("Villafranca", "999004", 11000, -0.20, 0.35, 0.080, 0.340, 2.4, 0.080, 0.18, 120, 60, 1.2),
    ("Montecerro", "999005", 6000, 0.28, 0.00, 0.030, 0.490, 1.4, 0.040, 0.22, 40, 8, 1.5),
    ("Campi Bassi", "999006", 5000, 0.05, 0.05, 0.140, 0.360, 1.1, 0.050, 0.20, 30, 25, 0.8),
]

# Italy 2024, share of residents by 5-year band (ISTAT, rounded): 0-4 ... 95-99, 100+
_ITALY_BANDS = np.array(
    [
        3.7,
        4.3,
        4.7,
        4.9,
        5.0,
        5.3,
        5.6,
        6.0,
        6.8,
        7.8,
        8.2,
        8.0,
        7.1,
        6.1,
        5.5,
        4.6,
        3.7,
        2.3,
        0.9,
        0.2,
        0.02,
    ]
)

ASSET_TYPES = {
    # type: (weight, name patterns)
    "servizio_sociale": (1.0, ["Sportello sociale {c}", "Segretariato sociale {c}"]),
    "parrocchia": (
        1.4,
        ["Parrocchia di San {s}", "Parrocchia di Santa {f}", "Caritas parrocchiale di {c}"],
    ),
    "associazione": (2.0, ["Associazione {a}", "Circolo {a}", "Pro Loco {c}"]),
    "cooperativa_sociale": (1.0, ["Cooperativa sociale {a}", "Coop. {a} onlus"]),
    "volontariato": (1.5, ["AUSER {c}", "Volontari {a}", "Banco alimentare {c}"]),
    "centro_anziani": (0.8, ["Centro anziani {a}", "Circolo ricreativo {a}"]),
    "centro_giovani": (0.6, ["Centro giovani {a}", "Spazio giovani {c}"]),
    "sanitario": (0.7, ["Casa della comunità {c}", "Ambulatorio {c}"]),
}
_SAINTS = ["Rocco", "Michele", "Giuseppe", "Francesco", "Antonio", "Lorenzo", "Marco", "Pietro"]
_SAINTS_F = ["Maria", "Lucia", "Chiara", "Anna", "Caterina", "Rita"]
_ADJ = [
    "Insieme",
    "Il Ponte",
    "La Rete",
    "Arcobaleno",
    "Filo d'Argento",
    "La Quercia",
    "Il Faro",
    "Mani Aperte",
    "Nuovi Orizzonti",
    "Sorrisi",
    "La Bottega",
    "Il Girasole",
    "Radici",
    "Tandem",
]
_STREETS = [
    "via Roma",
    "via Garibaldi",
    "piazza Matteotti",
    "via dei Mille",
    "corso Italia",
    "via del Mare",
    "via della Chiesa",
    "viale Europa",
    "via dei Campi",
    "piazza del Popolo",
]

# Grid of boundary vertices (lon, lat) for the fictional district map (east is the sea).
_XS = [12.90, 13.12, 13.34, 13.50, 13.62]
_YS = [43.00, 43.12, 43.24, 43.40]
# district -> (x0, x1, y0, y1) grid cell indices
_CELLS = {
    "Montecerro": (0, 1, 0, 3),
    "Campi Bassi": (1, 2, 0, 2),
    "Borgo San Rocco": (1, 2, 2, 3),
    "Serenella": (2, 3, 0, 2),
    "Villafranca": (2, 3, 2, 3),
    "Porto Lido": (3, 4, 0, 3),
}


def _age_profile(tilt: float, young: float) -> np.ndarray:
    """Expected share of residents by single year of age 0..100 (100 = 100+)."""
    band_density = _ITALY_BANDS / 5.0
    centers = 2 + 5 * np.arange(len(_ITALY_BANDS))  # 2, 7, ..., 102
    ages = np.arange(101)
    dens = np.interp(ages, centers, band_density)
    dens[100] = _ITALY_BANDS[-1]
    z = (ages - 42) / 30
    w = dens * np.exp(tilt * z)
    # young families: more children 0-12 and parents 30-44
    w *= 1 + young * (np.exp(-(((ages - 5) / 6) ** 2)) + 0.7 * np.exp(-(((ages - 37) / 7) ** 2)))
    return w / w.sum()


def _male_share(ages: np.ndarray) -> np.ndarray:
    return np.interp(ages, [0, 50, 75, 90, 100], [0.515, 0.50, 0.45, 0.36, 0.25])


def population(rng: np.random.Generator) -> pd.DataFrame:
    """Residents by comune, single year of age and sex (ISTAT POSAS shape)."""
    rows = []
    ages = np.arange(101)
    for name, code, pop, tilt, young, *_ in DISTRICTS:
        expected = _age_profile(tilt, young) * pop
        male = rng.poisson(expected * _male_share(ages))
        female = rng.poisson(expected * (1 - _male_share(ages)))
        for a in ages:
            rows.append((code, name, int(a), int(male[a]), int(female[a])))
    df = pd.DataFrame(rows, columns=["codice_comune", "comune", "eta", "maschi", "femmine"])
    df["totale"] = df["maschi"] + df["femmine"]
    return df


def foreign(pop: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Foreign residents by comune and sex."""
    rows = []
    for name, code, _p, _t, _y, share, *_ in DISTRICTS:
        sub = pop[pop["comune"] == name]
        m = int(rng.binomial(int(sub["maschi"].sum()), share * 1.05))
        f = int(rng.binomial(int(sub["femmine"].sum()), share * 0.95))
        rows.append((code, name, m, f, m + f))
    return pd.DataFrame(rows, columns=["codice_comune", "comune", "maschi", "femmine", "totale"])


def households(pop: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Households, one-person households and people 75+ living alone by comune."""
    rows = []
    for name, code, _p, tilt, young, _f, alone75, *_ in DISTRICTS:
        sub = pop[pop["comune"] == name]
        residents = int(sub["totale"].sum())
        over75 = int(sub.loc[sub["eta"] >= 75, "totale"].sum())
        size = 2.25 - 0.35 * tilt + 0.35 * young
        families = int(round(residents / size))
        alone = int(rng.binomial(over75, alone75))
        one_person = int(round(families * (0.33 + 0.12 * tilt))) + alone // 3
        rows.append((code, name, families, round(residents / families, 2), one_person, alone))
    return pd.DataFrame(
        rows,
        columns=[
            "codice_comune",
            "comune",
            "famiglie",
            "componenti_medi",
            "famiglie_unipersonali",
            "persone_75_sole",
        ],
    )


def services(pop: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Service supply by comune, as the ambito office keeps it (year 2025)."""
    rows = []
    for name, _code, _p, _t, _y, _f, _a, sw, adi, nido, erp, wait, _as in DISTRICTS:
        sub = pop[pop["comune"] == name]
        over65 = int(sub.loc[sub["eta"] >= 65, "totale"].sum())
        kids = int(sub.loc[sub["eta"] <= 2, "totale"].sum())
        rows.append(
            {
                "Comune": name,
                "Assistenti sociali (FTE)": sw,
                "Utenti ADI 65+": int(round(over65 * adi * rng.uniform(0.97, 1.03))),
                "Posti nido": int(round(kids * nido)),
                "Alloggi ERP": erp,
                "Domande ERP in attesa": wait,
            }
        )
    return pd.DataFrame(rows)


def assets(pop: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Community asset inventory: services, parishes, associations, cooperatives."""
    types = list(ASSET_TYPES)
    weights = np.array([ASSET_TYPES[t][0] for t in types])
    rows = []
    for name, _code, _p, *rest in DISTRICTS:
        density = rest[-1]
        residents = int(pop.loc[pop["comune"] == name, "totale"].sum())
        count = max(3, int(round(residents / 1000 * density)))
        x0, x1, y0, y1 = _CELLS[name]
        chosen = rng.choice(len(types), size=count, p=weights / weights.sum())
        chosen[:2] = [0, 1]  # every comune has a social desk and a parish
        if name == "Borgo San Rocco":  # strong parish and volunteer network
            chosen[2:12] = [1, 4, 4, 1, 2, 4, 1, 4, 2, 5]
        seen: set[str] = set()
        for i in chosen:
            kind = types[i]
            for _ in range(20):
                pattern = ASSET_TYPES[kind][1][rng.integers(len(ASSET_TYPES[kind][1]))]
                label = pattern.format(
                    c=name, s=rng.choice(_SAINTS), f=rng.choice(_SAINTS_F), a=rng.choice(_ADJ)
                )
                if label not in seen:
                    break
            seen.add(label)
            lon = rng.uniform(_XS[x0] + 0.02, _XS[x1] - 0.02)
            lat = rng.uniform(_YS[y0] + 0.02, _YS[y1] - 0.02)
            address = f"{rng.choice(_STREETS)} {rng.integers(1, 120)}"
            rows.append((label, kind, name, address, round(lat, 5), round(lon, 5)))
    df = pd.DataFrame(rows, columns=["nome", "tipo", "comune", "indirizzo", "lat", "lon"])
    return df.drop_duplicates(subset=["nome", "comune"]).reset_index(drop=True)


def boundaries(rng: np.random.Generator) -> dict:
    """District polygons (GeoJSON FeatureCollection, RFC 7946 counter-clockwise rings)."""
    jitter = {
        (i, j): (
            0.0 if i in (0, len(_XS) - 1) else rng.uniform(-0.025, 0.025),
            0.0 if j in (0, len(_YS) - 1) else rng.uniform(-0.02, 0.02),
        )
        for i in range(len(_XS))
        for j in range(len(_YS))
    }

    def pt(i: int, j: int) -> list[float]:
        dx, dy = jitter[(i, j)]
        return [round(_XS[i] + dx, 5), round(_YS[j] + dy, 5)]

    features = []
    for name, code, *_ in DISTRICTS:
        x0, x1, y0, y1 = _CELLS[name]
        # counter-clockwise: along the bottom, up the right, back along the top, down the left
        ring = [pt(i, y0) for i in range(x0, x1)]
        ring += [pt(x1, j) for j in range(y0, y1)]
        ring += [pt(i, y1) for i in range(x1, x0, -1)]
        ring += [pt(x0, j) for j in range(y1, y0, -1)]
        ring.append(ring[0])
        features.append(
            {
                "type": "Feature",
                "properties": {"comune": name, "codice_comune": code},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _write_italian_csv(df: pd.DataFrame, path: Path) -> None:
    buf = io.StringIO()
    df.to_csv(buf, sep=";", decimal=",", index=False, quoting=csv.QUOTE_MINIMAL)
    path.write_bytes(buf.getvalue().replace("\n", "\r\n").encode("cp1252"))


def generate(out_dir: Path, rng: np.random.Generator) -> None:
    """Write the profile files into ``out_dir`` (the study folder)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pop = population(rng)
    _write_italian_csv(pop, out_dir / "population.csv")
    _write_italian_csv(foreign(pop, rng), out_dir / "foreign.csv")
    _write_italian_csv(households(pop, rng), out_dir / "households.csv")
    svc = services(pop, rng)
    with pd.ExcelWriter(out_dir / "services.xlsx", engine="openpyxl") as xl:
        svc.to_excel(xl, sheet_name="Servizi 2025", index=False)
    _write_italian_csv(assets(pop, rng), out_dir / "assets.csv")
    (out_dir / "districts.geojson").write_text(
        json.dumps(boundaries(rng), ensure_ascii=False, indent=1), encoding="utf-8"
    )


if __name__ == "__main__":
    generate(Path(__file__).resolve().parents[1] / "sample", np.random.default_rng(SEED))
