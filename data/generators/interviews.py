"""Sample generator: 24 fictional coded interviews for the ambito "Val Serena".

The transcripts are fictional prose written for Quartiere and stored, with the first coder's
coding as inline markup ``[[code,code|coded text]]``, in ``data/sample/interviews/source/``.
This script strips the markup into coder 1's segments, simulates a second coder on a third of
the interviews (reliable on concrete codes such as housing, unreliable on abstract ones such as
trust in institutions), and writes the corpus as planners receive it:

    data/sample/interviews/transcripts/intNN.txt   raw transcripts (UTF-8, with personal data)
    data/sample/interviews/documents.csv           document attributes (; cp1252)
    data/sample/interviews/codebook.csv            codebook (; cp1252)
    data/sample/interviews/segments.csv            coded segments of both coders (; cp1252)
    data/sample/interviews/codebook.qdc            REFI-QDA codebook
    data/sample/interviews/val_serena.qdpx         REFI-QDA project (both coders)
    data/sample/interviews/names.txt               the study's list of person names
    data/sample/interviews/README.md               data dictionary

Run ``python data/generators/interviews.py`` (seed 20261128).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20261128
SOURCE = Path(__file__).resolve().parents[1] / "sample" / "interviews" / "source"
CODERS = ("anna", "marco")
#: interviews coded by both coders (a third of the corpus)
DOUBLE_CODED = ("int01", "int04", "int07", "int10", "int13", "int16", "int19", "int22")

# document, district, role, age band, gender, interview date, interviewer
DOCUMENTS = [
    ("int01", "Montecerro", "anziano_solo", "75+", "F", "2026-02-03", "Elena"),
    ("int02", "Montecerro", "anziano_solo", "75+", "M", "2026-02-03", "Tommaso"),
    ("int03", "Montecerro", "caregiver", "50-64", "F", "2026-02-04", "Elena"),
    ("int04", "Montecerro", "assistente_sociale", "35-49", "F", "2026-02-04", "Elena"),
    ("int05", "Borgo San Rocco", "anziano_solo", "75+", "F", "2026-02-10", "Elena"),
    ("int06", "Borgo San Rocco", "anziano_solo", "65-74", "M", "2026-02-10", "Tommaso"),
    ("int07", "Borgo San Rocco", "caregiver", "65-74", "F", "2026-02-11", "Elena"),
    ("int08", "Borgo San Rocco", "commerciante", "50-64", "M", "2026-02-11", "Tommaso"),
    ("int09", "Porto Lido", "giovane", "25-34", "M", "2026-02-17", "Elena"),
    ("int10", "Porto Lido", "commerciante", "35-49", "F", "2026-02-17", "Tommaso"),
    ("int11", "Porto Lido", "assistente_sociale", "50-64", "F", "2026-02-18", "Elena"),
    ("int12", "Porto Lido", "caregiver", "35-49", "F", "2026-02-18", "Elena"),
    ("int13", "Porto Lido", "giovane", "18-24", "F", "2026-02-19", "Tommaso"),
    ("int14", "Serenella", "assistente_sociale", "50-64", "M", "2026-02-24", "Elena"),
    ("int15", "Serenella", "giovane", "18-24", "M", "2026-02-24", "Tommaso"),
    ("int16", "Serenella", "anziano_solo", "65-74", "M", "2026-02-25", "Elena"),
    ("int17", "Serenella", "commerciante", "50-64", "F", "2026-02-25", "Tommaso"),
    ("int18", "Villafranca", "caregiver", "35-49", "F", "2026-03-03", "Elena"),
    ("int19", "Villafranca", "giovane", "25-34", "M", "2026-03-03", "Tommaso"),
    ("int20", "Villafranca", "assistente_sociale", "35-49", "F", "2026-03-04", "Elena"),
    ("int21", "Villafranca", "commerciante", "35-49", "M", "2026-03-04", "Tommaso"),
    ("int22", "Campi Bassi", "giovane", "25-34", "M", "2026-03-10", "Elena"),
    ("int23", "Campi Bassi", "assistente_sociale", "50-64", "F", "2026-03-10", "Tommaso"),
    ("int24", "Campi Bassi", "anziano_solo", "75+", "M", "2026-03-11", "Elena"),
]

# code, name, parent theme, description, colour (Paul Tol's colour-blind-safe palette)
THEMES = [
    (
        "isolamento",
        "Isolamento degli anziani",
        "Solitudine, reti e mobilità delle persone anziane",
        "#4477AA",
    ),
    ("casa", "Abitare", "Costo, accesso e qualità della casa", "#EE6677"),
    ("servizi", "Accesso ai servizi", "Distanze, attese, informazione, fiducia", "#228833"),
    ("cura", "Carico di cura", "Caregiver familiari e assistenza", "#CCBB44"),
    ("sicurezza", "Sicurezza", "Percezione di insicurezza e degrado", "#66CCEE"),
    ("giovani", "Giovani", "Lavoro, spazi e prospettive dei giovani", "#AA3377"),
    ("poverta", "Povertà", "Difficoltà economiche e aiuti", "#BBBBBB"),
    (
        "partecipazione_tema",
        "Partecipazione e comunità",
        "Voce, volontariato, appartenenza",
        "#000000",
    ),
]
CODES = [
    (
        "solitudine",
        "Solitudine",
        "isolamento",
        "Vivere soli, giornate vuote, nessuno con cui parlare",
    ),
    (
        "reti_informali",
        "Reti informali",
        "isolamento",
        "Vicini, parrocchia, negozi, bar che aiutano",
    ),
    ("mobilita", "Trasporti e mobilità", "isolamento", "Corriere, distanze, non guidare più"),
    ("digitale", "Divario digitale", "isolamento", "SPID, prenotazioni online, app"),
    ("affitto", "Costo dell'affitto", "casa", "Affitti alti, affitti brevi turistici"),
    ("casa_popolare", "Casa popolare", "casa", "Graduatorie ed edilizia residenziale pubblica"),
    (
        "condizioni_alloggio",
        "Condizioni dell'alloggio",
        "casa",
        "Sovraffollamento, umidità, barriere architettoniche",
    ),
    ("sfratto", "Sfratti e precarietà abitativa", "casa", "Sfratti, contratti transitori"),
    (
        "distanza_servizi",
        "Distanza dai servizi",
        "servizi",
        "Servizi lontani o concentrati altrove",
    ),
    ("liste_attesa", "Liste d'attesa", "servizi", "Tempi di attesa per visite e servizi"),
    (
        "informazione",
        "Informazione e orientamento",
        "servizi",
        "Non sapere cosa si può chiedere né a chi",
    ),
    (
        "fiducia_istituzioni",
        "Fiducia nelle istituzioni",
        "servizi",
        "Fiducia o sfiducia verso Comune e servizi",
    ),
    ("carico_cura", "Carico del caregiver", "cura", "Fatica fisica ed emotiva di chi cura"),
    ("conciliazione", "Conciliazione lavoro-cura", "cura", "Lavoro, nidi, orari e cura"),
    ("assistenza_domiciliare", "Assistenza domiciliare", "cura", "ADI, SAD, ore di assistenza"),
    ("sollievo", "Sollievo", "cura", "Ricoveri e servizi di sollievo per chi cura"),
    (
        "percezione_insicurezza",
        "Percezione di insicurezza",
        "sicurezza",
        "Paura, truffe, furti, cadute senza aiuto",
    ),
    ("degrado", "Degrado urbano", "sicurezza", "Luci rotte, vetrine vuote, rifiuti"),
    ("lavoro_giovani", "Lavoro dei giovani", "giovani", "Lavoro stagionale, precario, stage"),
    ("spazi_giovani", "Spazi di aggregazione", "giovani", "Luoghi per stare insieme"),
    ("partire", "Andare via", "giovani", "Spopolamento, emigrazione dei giovani"),
    ("difficolta_economiche", "Difficoltà economiche", "poverta", "Redditi bassi, fine mese"),
    ("aiuti_alimentari", "Aiuti alimentari", "poverta", "Caritas, pacchi, empori solidali"),
    (
        "partecipazione",
        "Partecipazione",
        "partecipazione_tema",
        "Avere voce nelle decisioni pubbliche",
    ),
    ("volontariato", "Volontariato", "partecipazione_tema", "Associazioni e volontari"),
    (
        "senso_comunita",
        "Senso di comunità",
        "partecipazione_tema",
        "Appartenenza, legami con il paese",
    ),
]
# how reliably the simulated second coder reproduces coder 1 (concrete vs abstract codes)
ABSTRACT = {"fiducia_istituzioni", "senso_comunita", "partecipazione", "informazione"}
MEDIUM = {
    "reti_informali",
    "difficolta_economiche",
    "percezione_insicurezza",
    "degrado",
    "volontariato",
    "partire",
}
P_KEEP = {"abstract": 0.45, "medium": 0.8, "concrete": 0.95}
FALSE_POSITIVES = {"abstract": 1.2, "medium": 0.2, "concrete": 0.03}

#: every person named in the transcripts (fictional): the study's pseudonymization list
NAMES = [
    "Ida Ferrante",
    "Franco",
    "Paolo",
    "Rosa Marchetti",
    "Gina",
    "Rinaldi",
    "Bruno",
    "Lucia",
    "Carla",
    "Marina",
    "Elsa",
    "Chiara",
    "Teresa",
    "Mario",
    "Marco",
    "Ana",
    "Pina",
    "Aldo",
    "Giorgio",
    "Lina",
    "Sergio",
    "Davide",
    "Luca",
    "Katia",
    "Federica",
    "Amina",
    "Youssef",
    "Graziella",
    "Sara",
    "Roberto",
    "Matteo",
    "Enzo",
    "Gabriella",
    "Valentina",
    "Giulia",
    "Paola",
    "Marco Rinaldi",
    "Karim",
    "Samira",
    "Anna Maria",
    "Gino",
    "Iole",
    "Baldi",
]

_MARKUP = re.compile(r"\[\[([a-z_,]+)\|(.*?)\]\]", re.DOTALL)


def parse_markup(marked: str) -> tuple[str, list[tuple[int, int, str]]]:
    """Plain text and ``(start, end, code)`` spans from ``[[code,code|text]]`` markup."""
    out, spans, cursor, pos = [], [], 0, 0
    for m in _MARKUP.finditer(marked):
        out.append(marked[cursor : m.start()])
        pos += m.start() - cursor
        inner = m.group(2)
        for code in m.group(1).split(","):
            spans.append((pos, pos + len(inner), code))
        out.append(inner)
        pos += len(inner)
        cursor = m.end()
    out.append(marked[cursor:])
    text = "".join(out)
    if "[[" in text or "]]" in text:
        raise ValueError("unbalanced coding markup")
    return text, spans


def _sentences(text: str) -> list[tuple[int, int]]:
    """Respondent sentences (start, end) — candidate places for a second coder's extra codes."""
    spans = []
    for para in re.finditer(r"^R: (.+)$", text, re.MULTILINE):
        for s in re.finditer(r"[^.!?]+[.!?]", para.group(1)):
            start = para.start(1) + s.start()
            while text[start] == " ":
                start += 1
            spans.append((start, para.start(1) + s.end()))
    return spans


def _jitter(text: str, start: int, end: int, rng: np.random.Generator) -> tuple[int, int]:
    """Move a boundary to a nearby word boundary, as a second coder selecting by hand would."""
    if rng.random() < 0.35:
        shift = int(rng.integers(1, 15))
        nxt = text.find(" ", start + shift, end)
        if nxt != -1 and nxt + 1 < end - 5:
            start = nxt + 1
    if rng.random() < 0.35:
        shift = int(rng.integers(1, 15))
        prev = text.rfind(" ", start, end - shift)
        if prev != -1 and prev > start + 5:
            end = prev
    return start, end


def build(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Documents, codes and segments (both coders) of the sample corpus."""
    docs, segs = [], []
    kind = {
        c[0]: ("abstract" if c[0] in ABSTRACT else "medium" if c[0] in MEDIUM else "concrete")
        for c in CODES
    }
    for doc, district, role, age, gender, date, interviewer in DOCUMENTS:
        marked = (SOURCE / f"{doc}.txt").read_text(encoding="utf-8")
        text, spans = parse_markup(marked)
        docs.append(
            {
                "document": doc,
                "name": f"Intervista {doc[3:]}",
                "text": text,
                "district": district,
                "role": role,
                "age_band": age,
                "gender": gender,
                "date": date,
                "interviewer": interviewer,
            }
        )
        for start, end, code in spans:
            segs.append(
                {"document": doc, "start": start, "end": end, "code": code, "coder": "anna"}
            )
        if doc not in DOUBLE_CODED:
            continue
        for start, end, code in spans:
            if rng.random() < P_KEEP[kind[code]]:
                s, e = _jitter(text, start, end, rng)
                segs.append({"document": doc, "start": s, "end": e, "code": code, "coder": "marco"})
        sentences = _sentences(text)
        for code, k in kind.items():
            for _ in range(int(rng.poisson(FALSE_POSITIVES[k]))):
                s, e = sentences[int(rng.integers(len(sentences)))]
                segs.append({"document": doc, "start": s, "end": e, "code": code, "coder": "marco"})
    documents = pd.DataFrame(docs)
    codes = pd.DataFrame(
        [
            {"code": c, "name": n, "parent": None, "description": d, "color": col, "codable": False}
            for c, n, d, col in THEMES
        ]
        + [
            {"code": c, "name": n, "parent": p, "description": d, "color": None, "codable": True}
            for c, n, p, d in CODES
        ]
    )
    segments = (
        pd.DataFrame(segs)
        .sort_values(["document", "coder", "start", "end", "code"], kind="stable")
        .reset_index(drop=True)
    )
    segments.insert(0, "segment", [f"s{i + 1:04d}" for i in range(len(segments))])
    segments["memo"] = None
    return documents, codes, segments


README = """# Interviste - Val Serena (dati fittizi)

24 fictional interviews (Italian) with residents and workers of the six comuni of the
fictional ambito "Val Serena", coded with a codebook of 26 codes in 8 themes. Coder `anna`
coded all 24; coder `marco` coded 8 (a third: {double}) for intercoder agreement.
People, places, phone numbers, e-mails, the codice fiscale and the IBAN are invented;
any likeness is chance. Generated by `data/generators/interviews.py` (seed 20261128).

## Files
- `transcripts/intNN.txt`: raw transcripts, UTF-8, `\\n` line breaks. They still contain
  (fictional) personal data - names, a phone number, e-mails, a codice fiscale, an IBAN,
  street addresses: pseudonymize before quoting.
- `documents.csv`: one row per interview (`;`, cp1252).
- `codebook.csv`: codes and themes (`;`, cp1252).
- `segments.csv`: coded segments of both coders (`;`, cp1252).
- `codebook.qdc`: the codebook as a REFI-QDA codebook.
- `val_serena.qdpx`: the whole corpus as a REFI-QDA project (NVivo, MAXQDA, ATLAS.ti,
  QualCoder open it).
- `names.txt`: the study's list of person names for pseudonymization, one per line.
- `source/intNN.txt`: generator input, the transcripts with coder `anna`'s coding inline
  as `[[code,code|text]]`.

## documents.csv
- `document`: id, the transcript's file stem (`int01`..`int24`)
- `name`: display name (`Intervista 01`)
- `district`: comune - Serenella, Borgo San Rocco, Porto Lido, Villafranca, Montecerro,
  Campi Bassi
- `role`: `anziano_solo` (older person living alone), `caregiver` (family carer),
  `giovane` (young person), `commerciante` (shopkeeper), `assistente_sociale` (social worker)
- `age_band`: 18-24, 25-34, 35-49, 50-64, 65-74, 75+
- `gender`: F / M
- `date`: interview date (ISO)
- `interviewer`: who conducted it

## codebook.csv
`code` (id), `name`, `parent` (theme id; empty for themes), `description`, `color` (themes,
`#RRGGBB`), `codable` (False for the 8 themes, which only group codes).

## segments.csv
`segment` (id), `document`, `start`, `end` (Python string offsets into the transcript text,
0-based, end excluded, Unicode code points, `\\n` = 1 character), `code`, `coder`, `text` (the
coded text: proof that the offsets are right), `memo`.

## Planted signals
- isolation (`isolamento`) dominates Montecerro and Borgo San Rocco; housing (`casa`) dominates
  Porto Lido; care burden (`carico_cura`) appears in every carer's interview;
- the second coder agrees well on concrete codes (housing, transport, home care) and poorly on
  abstract ones (`fiducia_istituzioni`, `senso_comunita`, `partecipazione`, `informazione`).
"""


def generate(out_dir: Path, rng: np.random.Generator) -> None:
    """Write the sample interviews under ``out_dir / "interviews"``.

    Parameters
    ----------
    out_dir : pathlib.Path
        The sample folder (``data/sample``).
    rng : numpy.random.Generator
        Drives the simulated second coder; same seed, same files.
    """
    from quartiere.io.qdpx import write_qdc, write_qdpx
    from quartiere.io.qual_plain import write_transcripts
    from quartiere.qual import Corpus

    target = Path(out_dir) / "interviews"
    target.mkdir(parents=True, exist_ok=True)
    documents, codes, segments = build(rng)
    corpus = Corpus(documents, codes, segments, coders=CODERS)
    write_transcripts(corpus, target)
    stamp = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC)
    write_qdpx(corpus, target / "val_serena.qdpx", name="Val Serena - interviste", timestamp=stamp)
    write_qdc(corpus, target / "codebook.qdc")
    (target / "names.txt").write_text(
        "# Persone nominate nelle interviste (fittizie): lista per la pseudonimizzazione\n"
        + "\n".join(NAMES)
        + "\n",
        encoding="utf-8",
    )
    (target / "README.md").write_text(
        README.format(double=", ".join(DOUBLE_CODED)), encoding="utf-8"
    )
    if target.resolve() / "source" != SOURCE.resolve():
        shutil.copytree(SOURCE, target / "source", dirs_exist_ok=True)


if __name__ == "__main__":
    generate(Path(__file__).resolve().parents[1] / "sample", np.random.default_rng(SEED))
