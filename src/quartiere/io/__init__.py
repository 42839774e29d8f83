"""Readers and writers, one module per format; every write is atomic.

- tables: CSV (Italian dialects detected), xlsx, SPSS -> DataFrame; ``atomic_write``
- survey_readers / spss / kobo / limesurvey: survey files with their codebook
- qdpx / qual_plain: coded interviews (REFI-QDA projects, plain transcripts + CSV)
"""

from quartiere.io.qdpx import read_qdc, read_qdpx, validate_refi, write_qdc, write_qdpx
from quartiere.io.qual_plain import read_transcripts, write_transcripts
from quartiere.io.tables import CsvDialect, atomic_write, read_table, sniff_csv

__all__ = [
    "CsvDialect",
    "atomic_write",
    "read_qdc",
    "read_qdpx",
    "read_table",
    "read_transcripts",
    "sniff_csv",
    "validate_refi",
    "write_qdc",
    "write_qdpx",
    "write_transcripts",
]
