"""Coded interviews: corpus, REFI-QDA interop, code analysis, intercoder agreement.

Public names
------------
``Corpus``, ``read_qdpx``, ``write_qdpx``, ``read_qdc``, ``write_qdc``,
``read_transcripts``, ``write_transcripts``, ``krippendorff_alpha``, ``cohen_kappa``,
``agreement``, ``code_frequencies``, ``code_crosstab``, ``cooccurrence``, ``saturation``,
``coverage``, ``quotes``, ``joint_display``, ``survey_themes``, ``document_counts``,
``top_themes``, ``theme_salience``, ``select_quotes``, ``InterviewsSchema``,
``load_interviews``; charts in ``quartiere.qual.charts``, report tables (``*_table``) in
``quartiere.qual.tables``.
"""

from __future__ import annotations

from quartiere.qual.agreement import KappaResult, agreement, cohen_kappa, krippendorff_alpha
from quartiere.qual.analysis import (
    code_crosstab,
    code_frequencies,
    cooccurrence,
    coverage,
    quotes,
    saturation,
)
from quartiere.qual.corpus import Corpus
from quartiere.qual.mixed import joint_display, survey_themes
from quartiere.qual.schema import InterviewsSchema, load_interviews
from quartiere.qual.summary import document_counts, select_quotes, theme_salience, top_themes

_IO_NAMES = {
    "read_qdc": "quartiere.io.qdpx",
    "read_qdpx": "quartiere.io.qdpx",
    "write_qdc": "quartiere.io.qdpx",
    "write_qdpx": "quartiere.io.qdpx",
    "read_transcripts": "quartiere.io.qual_plain",
    "write_transcripts": "quartiere.io.qual_plain",
}


def __getattr__(name: str):
    # REFI-QDA and plain-file readers live in quartiere.io (which imports Corpus from here):
    # load them on first use to avoid a circular import.
    if name in _IO_NAMES:
        import importlib

        return getattr(importlib.import_module(_IO_NAMES[name]), name)
    raise AttributeError(f"module 'quartiere.qual' has no attribute {name!r}")


__all__ = [
    "Corpus",
    "KappaResult",
    "agreement",
    "cohen_kappa",
    "krippendorff_alpha",
    "code_crosstab",
    "code_frequencies",
    "cooccurrence",
    "coverage",
    "quotes",
    "saturation",
    "joint_display",
    "survey_themes",
    "document_counts",
    "select_quotes",
    "theme_salience",
    "top_themes",
    "InterviewsSchema",
    "load_interviews",
    "read_qdc",
    "read_qdpx",
    "write_qdc",
    "write_qdpx",
    "read_transcripts",
    "write_transcripts",
]
