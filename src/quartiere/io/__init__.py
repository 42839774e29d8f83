"""Readers and writers, one module per format; every write is atomic."""

from quartiere.io.tables import CsvDialect, atomic_write, read_table, sniff_csv

__all__ = ["CsvDialect", "atomic_write", "read_table", "sniff_csv"]
