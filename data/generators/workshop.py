"""Generate the sample workshop of "Val Serena" (fictional): a finished evening session.

Run ``python data/make_sample.py`` (all parts) or this file alone. Writes under
``data/sample/workshop/``:

- ``agenda.yml``: the agenda the facilitator prepared;
- ``workshop.sqlite``: the finished session database written through
  :class:`quartiere.workshop.WorkshopStore` (60 people: 56 on phones with card codes, 4 on
  paper), every question closed and revealed, one question reset during the evening;
- ``priorities.csv``: residents' weights of the scenario (MCDA) criteria, ``criterion;weight``
  (Italian CSV), read by the scenarios notebook;
- ``README.md``: the data dictionary.

Planted signals (tests check them): the top need differs by comune as in SAMPLE.md; on the
budget question greedy-by-votes and the Method of Equal Shares disagree: Equal Shares funds
the small Montecerro shuttle (``MON-NAV``) that greedy leaves out; residents weight equity
and people reached most among the criteria; one comment is an XSS attempt (approved, so the
report shows it escaped), three comments are rejected by moderation.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import yaml

SEED = 20261128
WORKSHOP_ID = "val-serena-2026-11"
START = dt.datetime(2026, 11, 20, 17, 30, tzinfo=dt.UTC)

COMUNI = [
    # comune, id, phone participants, paper participants, top need
    ("Serenella", "serenella", 17, 0, "assistenti_sociali"),
    ("Borgo San Rocco", "borgo_san_rocco", 9, 2, "isolamento"),
    ("Porto Lido", "porto_lido", 10, 0, "casa"),
    ("Villafranca", "villafranca", 9, 0, "nidi"),
    ("Montecerro", "montecerro", 8, 2, "assistenza_domiciliare"),
    ("Campi Bassi", "campi_bassi", 3, 0, "trasporti"),
]

NEEDS = [
    ("assistenza_domiciliare", "Assistenza domiciliare agli anziani", "Home care for older people"),
    ("casa", "Casa e affitti", "Housing and rents"),
    ("nidi", "Posti al nido", "Childcare places"),
    ("isolamento", "Solitudine e isolamento", "Loneliness and isolation"),
    ("trasporti", "Trasporti e collegamenti", "Transport"),
    ("assistenti_sociali", "Più assistenti sociali", "More social workers"),
    ("lingua", "Mediazione linguistica", "Language mediation"),
]  # fmt: skip

# must match the scenario criteria (data/generators/scenarios.py CRITERIA)
CRITERIA = [
    ("copertura_fabbisogno", "Chiudere lo scarto dagli standard", "Close the gap to standards"),
    ("persone_raggiunte", "Raggiungere più persone", "Reach more people"),
    ("equita", "Prima chi ha meno servizi", "Those with fewer services first"),
    ("fattibilita", "Si può fare presto", "Can be done soon"),
    ("costo", "Costa poco", "Costs little"),
]  # fmt: skip
CRITERIA_CENTRE = np.array([0.14, 0.26, 0.36, 0.10, 0.14])

PROJECTS = [
    # id, label it, label en, cost, comune
    ("SER-CEN", "Centro diurno anziani a Serenella", "Day centre for older people, Serenella",
     90000, "Serenella"),
    ("PL-CASA", "Agenzia sociale per la casa a Porto Lido", "Social housing agency, Porto Lido",
     70000, "Porto Lido"),
    ("VIL-NIDO", "Spazio bimbi a Villafranca", "Toddler space, Villafranca", 80000, "Villafranca"),
    ("SER-SPO", "Sportello sociale unico a Serenella", "One-stop social desk, Serenella", 60000,
     "Serenella"),
    ("AMB-WEB", "Portale dei servizi dell'ambito", "Online services portal", 50000, None),
    ("BSR-VOL", "Rete di volontari a Borgo San Rocco", "Volunteer network, Borgo San Rocco",
     40000, "Borgo San Rocco"),
    ("CB-MED", "Mediazione linguistica a Campi Bassi", "Language mediation, Campi Bassi", 30000,
     "Campi Bassi"),
    ("MON-NAV", "Navetta sociale per Montecerro", "Social shuttle, Montecerro", 25000,
     "Montecerro"),
]  # fmt: skip
BUDGET = 200000

# approval probability of each project by the voter's comune (rows follow COMUNI)
APPROVE = {
    "serenella":       [0.85, 0.30, 0.35, 0.80, 0.45, 0.10, 0.05, 0.05],
    "borgo_san_rocco": [0.60, 0.20, 0.20, 0.30, 0.30, 0.90, 0.05, 0.10],
    "porto_lido":      [0.45, 0.95, 0.25, 0.30, 0.35, 0.05, 0.10, 0.05],
    "villafranca":     [0.40, 0.30, 0.95, 0.25, 0.40, 0.05, 0.05, 0.05],
    "montecerro":      [0.05, 0.05, 0.05, 0.05, 0.10, 0.20, 0.05, 1.00],
    "campi_bassi":     [0.20, 0.20, 0.10, 0.10, 0.20, 0.05, 1.00, 0.30],
}  # fmt: skip

COMMENTS = [
    # text, status
    ("A Montecerro l'autobus passa due volte al giorno: senza navetta non arriviamo alle visite.",
     "approved"),
    ("Servono più ore di assistenza domiciliare, non solo più ore di sportello.", "approved"),
    ("Le graduatorie per la casa a Porto Lido sono ferme da anni.", "approved"),
    ("Il nido di Villafranca ha la lista d'attesa più lunga della valle.", "approved"),
    ("Bene la rete dei volontari: la parrocchia può dare una mano.", "approved"),
    ("Per chi lavora nei campi gli orari degli uffici sono impossibili.", "approved"),
    ("Ottima serata <b>grazie</b><script>alert('xss')</script>", "approved"),
    ("Chiamatemi al 333 000 0000, vi spiego tutto io", "rejected"),
    ("Sono tutti incapaci in comune!!!", "rejected"),
    ("Vendo bicicletta usata, chi è interessato?", "rejected"),
    ("Il portale va bene solo se c'è qualcuno che aiuta gli anziani a usarlo.", "pending"),
]  # fmt: skip


def agenda() -> dict:
    """The facilitator's agenda (plain dict, written as YAML)."""
    return {
        "id": WORKSHOP_ID,
        "title": {
            "it": "Val Serena: laboratorio per il Piano di Zona 2027-2029",
            "en": "Val Serena: social plan 2027-2029 workshop",
        },
        "languages": ["it", "en"],
        "date": "2026-11-20",
        "place": "Sala civica di Serenella (fittizia)",
        "questions": [
            {
                "id": "comune",
                "type": "single",
                "text": {"it": "In quale comune vivi?", "en": "Which comune do you live in?"},
                "options": [{"id": cid, "label": name} for name, cid, *_ in COMUNI],
            },
            {
                "id": "bisogni",
                "type": "dots",
                "text": {
                    "it": "Quali bisogni vanno affrontati per primi? Hai 5 bollini.",
                    "en": "Which needs come first? You have 5 dots.",
                },
                "dots": 5,
                "cumulative": True,
                "options": [{"id": k, "label": {"it": i, "en": e}} for k, i, e in NEEDS],
            },
            {
                "id": "criteri",
                "type": "dots",
                "text": {
                    "it": "Cosa conta di più nello scegliere i servizi? Hai 10 gettoni.",
                    "en": "What matters most when choosing services? You have 10 tokens.",
                },
                "dots": 10,
                "cumulative": True,
                "options": [{"id": k, "label": {"it": i, "en": e}} for k, i, e in CRITERIA],
            },
            {
                "id": "progetti",
                "type": "budget",
                "text": {
                    "it": "Come spenderesti 200.000 euro? Scegli fino a 4 progetti.",
                    "en": "How would you spend 200,000 euro? Choose up to 4 projects.",
                },
                "budget": BUDGET,
                "min_projects": 1,
                "max_projects": 4,
                "min_percent": 0,
                "options": [
                    {
                        "id": k,
                        "label": {"it": i, "en": e},
                        "cost": c,
                        **({"district": d} if d else {}),
                    }
                    for k, i, e, c, d in PROJECTS
                ],
            },
            {
                "id": "orari",
                "type": "single",
                "text": {
                    "it": "Quando dovrebbero essere aperti gli sportelli?",
                    "en": "When should the desks be open?",
                },
                "options": [
                    {"id": "mattina", "label": {"it": "Mattina", "en": "Morning"}},
                    {"id": "pomeriggio", "label": {"it": "Pomeriggio", "en": "Afternoon"}},
                    {"id": "sera", "label": {"it": "Sera e sabato", "en": "Evening and Saturday"}},
                ],
            },
            {
                "id": "soddisfazione",
                "type": "rating",
                "text": {
                    "it": "Quanto sei soddisfatto di questi servizi? (1-5)",
                    "en": "How satisfied are you with these services? (1-5)",
                },
                "scale_min": 1,
                "scale_max": 5,
                "options": [
                    {
                        "id": "sportello",
                        "label": {"it": "Segretariato sociale", "en": "Social desk"},
                    },
                    {"id": "adi", "label": {"it": "Assistenza domiciliare", "en": "Home care"}},
                    {"id": "trasporto", "label": {"it": "Trasporto sociale", "en": "Transport"}},
                ],
            },
            {
                "id": "commenti",
                "type": "comment",
                "text": {"it": "Vuoi aggiungere qualcosa?", "en": "Anything to add?"},
            },
        ],
    }


def _clock() -> Callable[[], str]:
    t = [START]

    def tick() -> str:
        t[0] += dt.timedelta(seconds=7)
        return t[0].isoformat(timespec="microseconds")

    return tick


def _dots(rng: np.random.Generator, centre: np.ndarray, total: int) -> np.ndarray:
    share = rng.dirichlet(centre * 12 + 0.2)
    pts = np.floor(share * total).astype(int)
    while pts.sum() < total:
        pts[int(np.argmax(share * total - pts))] += 1
    return pts


def _need_centre(top: str) -> np.ndarray:
    keys = [k for k, *_ in NEEDS]
    c = np.full(len(keys), 0.08)
    c[keys.index(top)] = 0.45
    c[keys.index("assistenti_sociali")] += 0.08
    return c / c.sum()


def _budget_ballot(rng: np.random.Generator, comune: str) -> list[str]:
    p = np.array(APPROVE[comune])
    while True:
        chosen = [PROJECTS[j][0] for j in np.nonzero(rng.random(len(p)) < p)[0]]
        if not chosen:
            continue
        # keep the most wanted first until the ballot fits the cap and 4 projects
        chosen.sort(key=lambda k: -p[[x[0] for x in PROJECTS].index(k)])
        out, spent = [], 0
        for k in chosen:
            cost = next(c for pid, _, _, c, _ in PROJECTS if pid == k)
            if spent + cost <= BUDGET and len(out) < 4:
                out.append(k)
                spent += cost
        return out


def generate(out_dir: Path, rng: np.random.Generator) -> None:
    """Write ``workshop/`` under ``out_dir`` (normally ``data/sample``), deterministically."""
    from quartiere.workshop import WorkshopStore, parse_agenda
    from quartiere.workshop.aggregate import budget_comparison, priority_weights, write_priorities

    folder = Path(out_dir) / "workshop"
    folder.mkdir(parents=True, exist_ok=True)
    spec = agenda()
    (folder / "agenda.yml").write_text(
        "# Agenda of the sample workshop (fictional), read by quartiere.workshop.load_agenda.\n"
        + yaml.safe_dump(spec, allow_unicode=True, sort_keys=False, width=100),
        encoding="utf-8",
    )
    db = folder / "workshop.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    store = WorkshopStore(db, durable=False, clock=_clock())
    w = store.create_workshop(parse_agenda(spec), salt=f"{int(rng.integers(2**62)):016x}")
    n_phone = sum(c[2] for c in COMUNI)
    codes = store.issue_codes(w, n_phone + 10, seed=int(rng.integers(2**31)))
    people = []  # (participant id or None for paper, comune id, top need)
    k = 0
    for _, cid, n_ph, n_pa, top in COMUNI:
        for _ in range(n_ph):
            people.append((store.join(w, codes[k]), cid, top))
            k += 1
        people.extend((None, cid, top) for _ in range(n_pa))
    order = rng.permutation(len(people))
    people = [people[i] for i in order]

    def cast(q: str, pid: int | None, value: object) -> None:
        store.cast(w, q, pid, value, source="paper" if pid is None else "device")

    # 1. comune; 2. needs; 3. criteria; 4. budget; 5. hours (reset once); 6. rating; 7. comments
    for q in ("comune", "bisogni"):
        store.open_question(w, q)
    for pid, cid, top in people:
        cast("comune", pid, cid)
        pts = _dots(rng, _need_centre(top), 5)
        cast("bisogni", pid, {key: int(x) for (key, *_), x in zip(NEEDS, pts, strict=True) if x})
    # two people change their mind while the question is open
    for pid, _, _ in [p for p in people if p[0] is not None][:2]:
        cast("bisogni", pid, {"trasporti": 2, "isolamento": 3})
    for q in ("comune", "bisogni"):
        store.close_question(w, q)
        store.set_results_visible(w, q, True)

    store.open_question(w, "criteri")
    for pid, _, _ in people:
        pts = _dots(rng, CRITERIA_CENTRE, 10)
        cast("criteri", pid, {key: int(x) for (key, *_), x in zip(CRITERIA, pts, strict=True) if x})
    store.close_question(w, "criteri")
    store.set_results_visible(w, "criteri", True)

    store.open_question(w, "progetti")
    for pid, cid, _ in people:
        cast("progetti", pid, _budget_ballot(rng, cid))
    store.close_question(w, "progetti")
    store.set_results_visible(w, "progetti", True)

    store.open_question(w, "orari")
    for pid, _, _ in people[:6]:
        cast("orari", pid, "mattina")
    store.reset_question(w, "orari", reason="aperta per errore prima della presentazione")
    store.open_question(w, "orari")
    store.open_question(w, "soddisfazione")
    store.open_question(w, "commenti")
    hours_p = np.array([0.25, 0.30, 0.45])
    for pid, cid, _ in people:
        cast("orari", pid, str(rng.choice(["mattina", "pomeriggio", "sera"], p=hours_p)))
        base = {
            "sportello": 3.2,
            "adi": 2.6 if cid in ("montecerro", "borgo_san_rocco") else 3.4,
            "trasporto": 1.8 if cid in ("montecerro", "campi_bassi") else 3.0,
        }
        cast(
            "soddisfazione",
            pid,
            {k: int(np.clip(np.rint(rng.normal(m, 0.9)), 1, 5)) for k, m in base.items()},
        )
    phones = [p for p, *_ in people if p is not None]
    for i, (text, status) in enumerate(COMMENTS):
        cid = store.add_comment(w, phones[(7 * i) % len(phones)], text, question="commenti")
        if status != "pending":
            store.moderate(w, cid, status)
    for q in ("orari", "soddisfazione", "commenti"):
        store.close_question(w, q)
        store.set_results_visible(w, q, q != "commenti")

    # checks of the planted signals (fail loudly rather than ship a sample that lies)
    side = budget_comparison(store, w, "progetti").set_index("project")
    if side.loc["MON-NAV", "greedy"] or not side.loc["MON-NAV", "equal_shares"]:
        raise RuntimeError("sample: Equal Shares should fund MON-NAV and greedy should not")
    weights = priority_weights(store, w, "criteri")
    write_priorities(weights, folder / "priorities.csv")
    store.close()
    con = sqlite3.connect(db)  # ship one self-contained file (no -wal), compacted
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("PRAGMA journal_mode=DELETE")
    con.execute("VACUUM")
    con.close()
    (folder / "README.md").write_text(README, encoding="utf-8")


README = """# Sample workshop (fictional ambito "Val Serena")

Generated by `data/generators/workshop.py` (seeded) through `quartiere.workshop.WorkshopStore`.
An evening workshop in Serenella on 20 November 2026: 60 residents (56 with a card code on
their phone, 4 on paper ballots typed in by the facilitator). Nothing here is real.

| file | what |
|---|---|
| `agenda.yml` | the agenda: 7 questions (single, dots, dots, budget, single, rating, comment) |
| `workshop.sqlite` | the finished session (questions closed; results revealed but comments) |
| `priorities.csv` | `criterion;weight`, Italian CSV (`;`, decimal comma, cp1252): weights of \
the scenario criteria from question `criteri` (share of tokens); they sum to 1 |

## Tables of `workshop.sqlite`
- `workshops` (`workshop`, `title`, `agenda` JSON, `salt`, `created_at`)
- `questions` (`workshop`, `question`, `position`, `type`, `state` draft/open/closed,
  `results_visible` 0/1, `round`: 2 for `orari`, which was reset once)
- `options` (`workshop`, `question`, `option`, `position`, `label` (it), `cost`, `district`)
- `participants` (`participant`, `workshop`, `code_hash` = salted SHA-256 of the card code, never
  the code; `kind` card/kiosk; `created_at`; `joined_at` NULL for unused cards)
- `ballots` (`ballot`, `workshop`, `question`, `round`, `participant` NULL for paper, `source`
  device/paper, `payload` JSON `{option: value}`, `revision` (>1 = changed answer), timestamps)
- `comments` (`comment`, `workshop`, `question`, `participant`, `text` raw as typed - escape when
  showing -, `status` pending/approved/rejected, `created_at`, `moderated_at`)
- `audit` (append-only log: `entry`, `at`, `actor`, `action`, `question`, `participant`,
  `detail` JSON)

Payload values: dots = dots on the option; single/budget = 1; rating = score 1-5.

## Planted signals
- Top need by comune as in SAMPLE.md (question `bisogni`, 5 dots each).
- Budget question `progetti` (8 projects, 200,000 euro, up to 4 projects): greedy-by-votes and
  the Method of Equal Shares disagree; Equal Shares funds the small Montecerro shuttle `MON-NAV`
  (25,000 euro), greedy leaves it out.
- Criteria weights (`criteri`): equity (`equita`) and people reached (`persone_raggiunte`) first.
- Comments: one XSS attempt (approved: shown escaped), three rejected (a phone number, an
  insult, an advert), one still pending. Campi Bassi has 3 participants: small cells to
  suppress in published tables.
"""


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(root / "src"))
    generate(root / "data" / "sample", np.random.default_rng(SEED))
    print(f"wrote {root / 'data' / 'sample' / 'workshop'}")
