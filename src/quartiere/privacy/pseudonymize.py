"""Pseudonymization of interview transcripts before any quote leaves the corpus.

Person names come from a study-level list (the interviewers know who was named); patterns
catch Italian phone numbers, e-mail addresses, codici fiscali, IBANs and street addresses.
The same original always gets the same pseudonym across documents, and the report counts
what was replaced by kind without ever showing an original.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from quartiere.errors import ParameterError

if TYPE_CHECKING:  # pragma: no cover
    from quartiere.qual.corpus import Corpus

__all__ = ["Pseudonymizer", "pseudonymize_text", "pseudonymize_corpus", "KINDS", "read_names"]

KINDS = ("email", "iban", "codice_fiscale", "phone", "address", "name")

# pseudonym labels ("[Persona 1]", "[telefono 2]"): catalog keys qual.pseudonym_<kind>
_LANGS = ("it", "en")


def _kind_label(kind: str, lang: str) -> str:
    from quartiere.report.i18n import t

    return t(f"qual.pseudonym_{kind}", lang)


_D = "0-9LMNPQRSTUV"  # digits and their omocodia substitutes in a codice fiscale
_PATTERNS: dict[str, re.Pattern] = {
    "email": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    "iban": re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b"),
    "codice_fiscale": re.compile(
        rf"\b[A-Z]{{6}}[{_D}]{{2}}[ABCDEHLMPRST][{_D}]{{2}}[A-Z][{_D}]{{3}}[A-Z]\b",
        re.IGNORECASE,
    ),
    # +39 / 0039 optional; mobile 3xx, landline 0x...; groups separated by space . - /
    "phone": re.compile(
        r"(?<![\w+])(?:(?:\+|00)39[ .-]?)?(?:3\d{2}|0\d{1,4})(?:[ ./-]?\d{2,5}){1,3}(?!\w)"
    ),
    "address": re.compile(
        r"\b(?:[Vv]ia|[Vv]iale|[Pp]iazza|[Pp]iazzale|[Cc]orso|[Ll]argo|[Vv]icolo)\s+"
        r"(?:(?:d[ae]ll[aoe']|d[ae]i|d[ae]gli|d[ae]l|di|da|San|Santa|Sant'|"
        r"[A-ZÀ-Ý0-9][\w'’.]*)\s*){1,5},?\s*(?:n\.\s*|nr\.\s*|numero\s+)?\d{1,4}"
        r"(?:\s?[a-zA-Z](?![\w]))?(?:/\d+)?"
    ),
}


def _phone_ok(match: str) -> bool:
    if re.fullmatch(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}", match.strip()):
        return False  # a date such as 03/05/2026
    digits = re.sub(r"\D", "", match)
    if digits.startswith("0039"):
        digits = digits[4:]
    elif digits.startswith("39") and match.lstrip().startswith("+"):
        digits = digits[2:]
    return 6 <= len(digits) <= 11


def read_names(path) -> list[str]:
    """Read a study's list of person names: one per line (``#`` comments, blanks ignored).

    Parameters
    ----------
    path : path-like
        UTF-8 text file, or a CSV whose first column holds the names (header ``name``).

    Returns
    -------
    list of str

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> p = Path(tempfile.mkdtemp()) / "names.txt"
    >>> _ = p.write_text("# persone citate\\nMaria Rossi\\n\\nGianni\\n", encoding="utf-8")
    >>> read_names(p)
    ['Maria Rossi', 'Gianni']
    """
    from pathlib import Path

    lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    out = []
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#") or line.lower() in ("name", "nome"):
            continue
        out.append(line.split(";")[0].split(",")[0].strip() if ";" in line else line)
    return out


class Pseudonymizer:
    """Replace personal data in texts with consistent pseudonyms, and count what was replaced.

    Parameters
    ----------
    names : sequence of str
        Person names of the study (``"Maria Rossi"``, ``"Gianni"``). A full name is matched
        in any letter case; its parts (first name, surname of >= 3 letters) are matched when
        capitalised, and map to the same pseudonym when only one listed person has that part.
    kinds : sequence of str, optional
        Kinds to replace (default all): ``email``, ``iban``, ``codice_fiscale``, ``phone``,
        ``address``, ``name``.
    lang : {"it", "en"}, default "it"
        Language of the pseudonyms (``[Persona 1]``, ``[telefono 1]`` ...).

    Notes
    -----
    Matching order (an earlier kind wins where matches overlap): e-mail, IBAN, codice fiscale,
    phone (Italian mobile ``3xx`` and landline ``0x`` numbers with optional ``+39``/``0039``,
    6-11 digits), street address (``via/viale/piazza/piazzale/corso/largo/vicolo`` + name +
    house number), names. The n-th distinct original of a kind becomes ``[<kind> n]``; the
    mapping is kept inside the object (so several documents share it) and never reported.
    Pattern-based detection misses what it cannot see (a nickname not on the list, an address
    without a number): read the quotes before publishing.

    Examples
    --------
    >>> p = Pseudonymizer(["Maria Rossi"])
    >>> p.text("Maria Rossi mi chiama al 333 123 4567; Maria abita in via Roma 12.")
    '[Persona 1] mi chiama al [telefono 1]; [Persona 1] abita in [indirizzo 1].'
    >>> p.report().set_index("kind")["n_replaced"].to_dict()
    {'name': 2, 'email': 0, 'iban': 0, 'codice_fiscale': 0, 'phone': 1, 'address': 1}
    """

    def __init__(
        self,
        names: Sequence[str] = (),
        *,
        kinds: Sequence[str] | None = None,
        lang: Literal["it", "en"] = "it",
    ) -> None:
        if isinstance(names, str):
            raise ParameterError("names must be a list of names, not one string", parameter="names")
        kinds = tuple(KINDS if kinds is None else kinds)
        bad = [k for k in kinds if k not in KINDS]
        if bad:
            raise ParameterError(
                f"unknown kind {bad[0]!r}; choose from {', '.join(KINDS)}", parameter="kinds"
            )
        if lang not in _LANGS:
            raise ParameterError(f"lang must be 'it' or 'en', got {lang!r}", parameter="lang")
        self.kinds = kinds
        self.lang = lang
        self._key: dict[tuple[str, str], str] = {}
        self._counter: dict[str, int] = {}
        self._replaced: dict[str, int] = {}
        self._documents: dict[str, set] = {}
        people = sorted(
            {" ".join(n.split()) for n in names if n and n.strip()}, key=len, reverse=True
        )
        # multi-word names match in any letter case; single words (a first name that is
        # also an ordinary word, "Chiara", "Franco") only when capitalised
        full = [p for p in people if " " in p]
        people_single = [p for p in people if " " not in p]
        self._person_of: dict[str, str] = {p.lower(): p for p in people}
        parts: dict[str, set] = {}
        for person in people:
            if " " not in person:  # a single listed word is always searched, capitalised
                parts.setdefault(person[:1].upper() + person[1:], set()).add(person)
                continue
            for part in person.split():
                if len(part) >= 3 and part[0].isupper():
                    parts.setdefault(part, set()).add(person)
        # a part that is itself a listed person stays that person; else it belongs to the
        # only listed person who has it, or to nobody in particular (ambiguous)
        self._part_owner = {
            p: (
                next(iter(o & set(people_single)))
                if o & set(people_single)
                else next(iter(o))
                if len(o) == 1
                else None
            )
            for p, o in parts.items()
        }
        self._full_re = (
            re.compile(
                r"(?<!\w)(?:"
                + "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in full)
                + r")(?!\w)",
                re.IGNORECASE,
            )
            if full
            else None
        )
        part_list = sorted(parts, key=len, reverse=True)
        self._part_re = (
            re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in part_list) + r")(?!\w)")
            if part_list
            else None
        )

    # ------------------------------------------------------------------ core
    def _pseudonym(self, kind: str, original: str) -> str:
        norm = (
            original.lower()
            if kind in ("email", "name")
            else re.sub(r"[\s./-]", "", original).upper()
        )
        key = (kind, norm)
        if key not in self._key:
            self._counter[kind] = self._counter.get(kind, 0) + 1
            self._key[key] = f"[{_kind_label(kind, self.lang)} {self._counter[kind]}]"
        return self._key[key]

    def spans(self, text: str) -> list[tuple[int, int, str, str]]:
        """Non-overlapping ``(start, end, kind, pseudonym)`` for every match in ``text``.

        Parameters
        ----------
        text : str

        Returns
        -------
        list of tuple
            Sorted by start; pseudonyms are assigned (and remembered) as a side effect.
        """
        found: list[tuple[int, int, int, str, str]] = []
        for priority, kind in enumerate(KINDS):
            if kind not in self.kinds:
                continue
            if kind == "name":
                for regex, is_part in ((self._full_re, False), (self._part_re, True)):
                    if regex is None:
                        continue
                    for m in regex.finditer(text):
                        if is_part:
                            owner = self._part_owner.get(m.group())
                            canonical = owner if owner is not None else m.group()
                        else:
                            canonical = self._person_of[" ".join(m.group().split()).lower()]
                        found.append((m.start(), m.end(), priority, kind, canonical))
                continue
            for m in _PATTERNS[kind].finditer(text):
                if kind == "phone" and not _phone_ok(m.group()):
                    continue
                found.append((m.start(), m.end(), priority, kind, m.group()))
        found.sort(key=lambda t: (t[2], t[0], -(t[1] - t[0])))
        taken = np.zeros(len(text) + 1, bool)
        chosen = []
        for start, end, _, kind, original in found:
            if taken[start:end].any():
                continue
            taken[start:end] = True
            chosen.append((start, end, kind, original))
        chosen.sort()
        out = []
        for start, end, kind, original in chosen:
            out.append((start, end, kind, self._pseudonym(kind, original)))
            self._replaced[kind] = self._replaced.get(kind, 0) + 1
        return out

    def text(self, text: str, *, document: str | None = None) -> str:
        """Pseudonymized copy of ``text``.

        Parameters
        ----------
        text : str
        document : str, optional
            Document id, counted in the report's ``n_documents``.

        Returns
        -------
        str
        """
        if not isinstance(text, str):
            return text
        spans = self.spans(text)
        self._note(spans, document)
        return _apply(text, spans)[0]

    def _note(self, spans, document) -> None:
        if document is None:
            return
        for _, _, kind, _ in spans:
            self._documents.setdefault(kind, set()).add(document)

    def corpus(self, corpus: Corpus) -> Corpus:
        """Pseudonymized copy of a corpus, with segment offsets moved to the new text.

        Parameters
        ----------
        corpus : quartiere.qual.Corpus

        Returns
        -------
        quartiere.qual.Corpus
            Document texts, names and segment memos pseudonymized; a segment boundary that
            falls inside a replaced span moves to that pseudonym's edge.
        """
        from quartiere.qual.corpus import Corpus

        docs = corpus.documents.copy()
        segs = corpus.segments.copy()
        new_text = []
        for doc, text in zip(docs["document"], docs["text"], strict=True):
            spans = self.spans(text)
            self._note(spans, doc)
            replaced, mapping = _apply(text, spans)
            new_text.append(replaced)
            mask = segs["document"] == doc
            if mask.any():
                segs.loc[mask, "start"] = mapping(segs.loc[mask, "start"].to_numpy(), "start")
                segs.loc[mask, "end"] = mapping(segs.loc[mask, "end"].to_numpy(), "end")
        docs["text"] = new_text
        docs["name"] = [self.text(n) for n in docs["name"]]
        segs["memo"] = [self.text(m) if isinstance(m, str) else m for m in segs["memo"]]
        segs = segs.drop(columns=["text"])
        info = dict(corpus.info)
        info["pseudonymized"] = True
        return Corpus(docs, corpus.codes, segs, coders=corpus.coders, info=info)

    def report(self) -> pd.DataFrame:
        """What was replaced so far, by kind: counts only, never the originals.

        Returns
        -------
        pandas.DataFrame
            Columns ``kind``, ``n_replaced`` (occurrences), ``n_distinct`` (distinct
            originals, i.e. pseudonyms issued), ``n_documents`` (documents touched, when
            document ids were given). One row per kind in ``KINDS`` order that was searched.
        """
        rows = []
        order = ["name"] + [k for k in KINDS if k != "name"]
        for kind in order:
            if kind not in self.kinds:
                continue
            rows.append(
                {
                    "kind": kind,
                    "n_replaced": self._replaced.get(kind, 0),
                    "n_distinct": self._counter.get(kind, 0),
                    "n_documents": len(self._documents.get(kind, ())),
                }
            )
        return pd.DataFrame(rows)


def _apply(text: str, spans: Iterable[tuple[int, int, str, str]]):
    """Replace spans; return the new text and a function mapping old offsets to new ones."""
    pieces, old_starts, old_ends, new_starts, new_ends = [], [], [], [], []
    cursor = 0
    shift = 0
    for start, end, _, pseudo in spans:
        pieces.append(text[cursor:start])
        pieces.append(pseudo)
        old_starts.append(start)
        old_ends.append(end)
        new_starts.append(start + shift)
        shift += len(pseudo) - (end - start)
        new_ends.append(end + shift)
        cursor = end
    pieces.append(text[cursor:])
    os_, oe, ns, ne = map(np.asarray, (old_starts, old_ends, new_starts, new_ends))

    def mapping(positions: np.ndarray, side: str) -> np.ndarray:
        positions = np.asarray(positions, np.int64)
        if os_.size == 0:
            return positions
        # index of the last span starting at or before the position
        k = np.searchsorted(os_, positions, side="right") - 1
        out = positions.copy()
        before = k < 0
        kk = np.clip(k, 0, None)
        inside = ~before & (positions < oe[kk]) & (positions > os_[kk])
        after = ~before & ~inside
        # after (or at) span k: shift by the accumulated difference up to span k's end
        at_start = after & (positions == os_[kk])
        delta_end = ne[kk] - oe[kk]
        out[after] = positions[after] + delta_end[after]
        out[at_start] = ns[kk][at_start]
        # strictly inside: snap to the pseudonym's start (starts) or end (ends)
        snap = ns[kk] if side == "start" else ne[kk]
        out[inside] = snap[inside]
        return out

    return "".join(pieces), mapping


def pseudonymize_text(
    texts: str | Sequence[str], *, names: Sequence[str] = (), lang: Literal["it", "en"] = "it"
) -> tuple[str | list[str], pd.DataFrame]:
    """Pseudonymize one text or several texts with shared pseudonyms.

    Parameters
    ----------
    texts : str or sequence of str
    names : sequence of str
        The study's list of person names.
    lang : {"it", "en"}, default "it"

    Returns
    -------
    tuple
        The pseudonymized text(s) (same shape as the input) and the report
        (see :meth:`Pseudonymizer.report`).

    Examples
    --------
    >>> out, rep = pseudonymize_text(["Scrivete a anna.b@example.it", "o a anna.b@example.it"])
    >>> out
    ['Scrivete a [email 1]', 'o a [email 1]']
    >>> int(rep.set_index("kind").loc["email", "n_replaced"])
    2
    """
    p = Pseudonymizer(names, lang=lang)
    if isinstance(texts, str):
        return p.text(texts), p.report()
    return [p.text(t, document=str(i)) for i, t in enumerate(texts)], p.report()


def pseudonymize_corpus(
    corpus: Corpus, *, names: Sequence[str] = (), lang: Literal["it", "en"] = "it"
) -> tuple[Corpus, pd.DataFrame]:
    """Pseudonymize a whole corpus (texts, names, memos) keeping segments aligned.

    Parameters
    ----------
    corpus : quartiere.qual.Corpus
    names : sequence of str
        The study's list of person names (see :func:`read_names`).
    lang : {"it", "en"}, default "it"

    Returns
    -------
    tuple
        ``(corpus, report)``: the new corpus and a DataFrame ``kind``, ``n_replaced``,
        ``n_distinct``, ``n_documents`` (never the originals).

    Raises
    ------
    ParameterError
        ``names`` given as a single string, or an unknown ``lang``.

    Notes
    -----
    See :class:`Pseudonymizer` for the patterns and the consistency rule.

    Examples
    --------
    >>> import pandas as pd
    >>> from quartiere.qual import Corpus
    >>> docs = pd.DataFrame({"document": ["d1"], "name": ["Intervista"],
    ...                      "text": ["Mia figlia Carla mi aiuta. Chiamate il 333 1234567."]})
    >>> codes = pd.DataFrame({"code": ["cura"], "name": ["Cura"]})
    >>> segs = pd.DataFrame({"document": ["d1"], "start": [0], "end": [26], "code": ["cura"]})
    >>> new, report = pseudonymize_corpus(Corpus(docs, codes, segs), names=["Carla Neri"])
    >>> new.segments.loc[0, "text"]
    'Mia figlia [Persona 1] mi aiuta.'
    """
    p = Pseudonymizer(names, lang=lang)
    return p.corpus(corpus), p.report()
