"""Read the tables planners receive (CSV in Italian dialects, xlsx, SPSS) and write files atomically.

Italian public-sector CSVs are usually ``;``-separated, with a decimal comma and cp1252
encoding (ISTAT, municipal registries, Excel "CSV (separato da ;)"). :func:`read_table`
detects all three so that a planner never has to say which dialect a file uses.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pandas as pd

from quartiere.errors import DataFileError

__all__ = ["read_table", "sniff_csv", "CsvDialect", "atomic_write"]

_ENCODINGS = ("utf-8-sig", "cp1252")
_DELIMITERS = (";", ",", "\t", "|")
# A number written with a decimal comma, optionally with dot thousands: 1.234,5 or -0,25
_DECIMAL_COMMA = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+$")
_DECIMAL_POINT = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)\.\d+$")


class CsvDialect:
    """What :func:`sniff_csv` found out about a CSV file.

    Attributes
    ----------
    encoding : str
        ``"utf-8-sig"`` (plain UTF-8 too) or ``"cp1252"``.
    sep : str
        Field delimiter.
    decimal : str
        ``","`` or ``"."``.
    """

    __slots__ = ("encoding", "sep", "decimal")

    def __init__(self, encoding: str, sep: str, decimal: str) -> None:
        self.encoding, self.sep, self.decimal = encoding, sep, decimal

    def __repr__(self) -> str:
        return f"CsvDialect(encoding={self.encoding!r}, sep={self.sep!r}, decimal={self.decimal!r})"


def _decode(raw: bytes, path: Path, encoding: str | None) -> tuple[str, str]:
    if encoding is not None:
        try:
            return raw.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise DataFileError(
                f"cannot be read as {encoding} ({exc.__class__.__name__}); "
                "leave the encoding out to detect it",
                path=path,
            ) from None
    for enc in _ENCODINGS:
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError:
            continue
    # cp1252 leaves five bytes undefined; latin-1 would silently mangle the euro sign,
    # so refuse and say where the first offending byte is.
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataFileError(
            f"line {line}: byte 0x{raw[exc.start]:02x} is neither UTF-8 nor Windows-1252 text; "
            "save the file as UTF-8 (Excel: 'CSV UTF-8')",
            path=path,
        ) from None
    raise AssertionError("unreachable")  # pragma: no cover


def _sniff_sep(text: str) -> str:
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    if not lines:
        return ","
    best, best_score = ",", -1.0
    for sep in _DELIMITERS:
        counts = []
        for row in csv.reader(io.StringIO("\n".join(lines)), delimiter=sep):
            counts.append(len(row))
        if not counts or counts[0] < 2:
            continue
        # consistent column count across lines, and more columns, wins
        consistent = sum(c == counts[0] for c in counts) / len(counts)
        score = consistent * 10 + min(counts[0], 50) / 50
        if score > best_score:
            best, best_score = sep, score
    return best


def _sniff_decimal(text: str, sep: str) -> str:
    comma = point = 0
    for row in csv.reader(io.StringIO("\n".join(text.splitlines()[1:200])), delimiter=sep):
        for cell in row:
            cell = cell.strip()
            if _DECIMAL_COMMA.match(cell):
                comma += 1
            elif _DECIMAL_POINT.match(cell):
                point += 1
    # with "," as separator a decimal comma is impossible to tell apart
    return "," if comma > point and sep != "," else "."


def sniff_csv(path: str | os.PathLike[str]) -> CsvDialect:
    """Detect the encoding, delimiter and decimal mark of a CSV file.

    Parameters
    ----------
    path : str or PathLike
        The CSV file.

    Returns
    -------
    CsvDialect
        ``encoding`` (``utf-8-sig`` or ``cp1252``), ``sep`` and ``decimal``.

    Raises
    ------
    DataFileError
        The file is missing, or holds bytes that are neither UTF-8 nor Windows-1252.

    Notes
    -----
    UTF-8 (with or without BOM) is tried first, then Windows-1252, never latin-1 (which
    turns the euro sign into a control character). The delimiter is the one among
    ``; , TAB |`` that gives the same number of columns on the first 50 lines; the decimal
    mark is a comma when more cells look like ``1.234,5`` than like ``1,234.5``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "spesa.csv"
    >>> _ = p.write_bytes("comune;spesa €\\nMontecerro;1.234,5\\n".encode("cp1252"))
    >>> sniff_csv(p)
    CsvDialect(encoding='cp1252', sep=';', decimal=',')
    """
    path = Path(path)
    raw = _read_bytes(path)
    text, enc = _decode(raw, path, None)
    sep = _sniff_sep(text)
    return CsvDialect(enc, sep, _sniff_decimal(text, sep))


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise DataFileError("file not found", path=path) from None
    except IsADirectoryError:
        raise DataFileError("is a folder, not a file", path=path) from None
    except OSError as exc:
        raise DataFileError(f"cannot be read ({exc.strerror})", path=path) from None


def read_table(
    path: str | os.PathLike[str],
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    sep: str | None = None,
    decimal: str | None = None,
    dtype: Any = None,
) -> pd.DataFrame:
    """Read a CSV, TSV, xlsx or SPSS file into a DataFrame, detecting the CSV dialect.

    Parameters
    ----------
    path : str or PathLike
        ``.csv``, ``.tsv``, ``.txt``, ``.xlsx``/``.xlsm`` or ``.sav``.
    sheet : str or int, optional
        Worksheet name or 0-based index for Excel files (default: the first sheet).
    encoding, sep, decimal : str, optional
        Override what :func:`sniff_csv` detects.
    dtype : optional
        Passed to :func:`pandas.read_csv` / :func:`pandas.read_excel`.

    Returns
    -------
    pandas.DataFrame
        One row per data row, column names stripped of surrounding blanks. SPSS files come
        back with codes (value labels are the survey readers' job).

    Raises
    ------
    DataFileError
        Missing file, unknown extension, undecodable bytes, ragged rows (naming the line),
        a file with no columns, duplicate column names, or a missing worksheet.

    Notes
    -----
    Empty cells become NaN. Blank lines are skipped. Nothing is coerced beyond pandas'
    own type inference with the detected decimal mark.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "pop.csv"
    >>> _ = p.write_bytes("comune;quota\\nPorto Lido;18,2\\nMontecerro;3,5\\n".encode("cp1252"))
    >>> read_table(p)
           comune  quota
    0  Porto Lido   18.2
    1  Montecerro    3.5
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return _read_excel(path, sheet, dtype)
    if suffix == ".sav":
        return _read_sav(path)
    if suffix not in {".csv", ".tsv", ".txt"}:
        raise DataFileError(
            f"unknown file type {suffix or '(none)'}; use .csv, .tsv, .xlsx or .sav", path=path
        )
    raw = _read_bytes(path)
    text, enc = _decode(raw, path, encoding)
    if not text.strip():
        raise DataFileError("the file is empty", path=path)
    if sep is None:
        sep = "\t" if suffix == ".tsv" else _sniff_sep(text)
    if decimal is None:
        decimal = _sniff_decimal(text, sep)
    thousands = "." if decimal == "," else None
    first = next(line for line in text.splitlines() if line.strip())
    header = [h.strip() for h in next(csv.reader([first], delimiter=sep))]
    dupes = sorted({h for h in header if h and header.count(h) > 1})
    if dupes:  # pandas would silently rename them a.1, a.2
        raise DataFileError(f"duplicate column name(s) {', '.join(map(repr, dupes))}", path=path)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            decimal=decimal,
            thousands=thousands,
            dtype=dtype,
            skip_blank_lines=True,
            skipinitialspace=True,
        )
    except pd.errors.ParserError as exc:
        match = re.search(r"line (\d+), saw (\d+)", str(exc))
        expected = re.search(r"Expected (\d+) fields", str(exc))
        if match and expected:
            msg = (
                f"line {match.group(1)} has {match.group(2)} fields where the header has "
                f"{expected.group(1)} (separator {sep!r}); check for an unquoted {sep!r} in a value"
            )
        else:
            msg = f"malformed CSV ({str(exc).strip().splitlines()[-1]})"
        raise DataFileError(msg, path=path) from None
    return _clean_columns(frame, path)


def _clean_columns(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    frame.columns = [str(c).strip() for c in frame.columns]
    dupes = frame.columns[frame.columns.duplicated()].unique().tolist()
    if dupes:
        raise DataFileError(f"duplicate column name(s) {', '.join(map(repr, dupes))}", path=path)
    unnamed = [c for c in frame.columns if c.startswith("Unnamed: ")]
    if unnamed and frame[unnamed].isna().all().all():
        frame = frame.drop(columns=unnamed)  # trailing separators, common in Excel exports
    if frame.shape[1] == 0:
        raise DataFileError("no columns found", path=path)
    return frame


def _read_excel(path: Path, sheet: str | int | None, dtype: Any) -> pd.DataFrame:
    if not path.exists():
        raise DataFileError("file not found", path=path)
    try:
        frame = pd.read_excel(path, sheet_name=0 if sheet is None else sheet, dtype=dtype)
    except ValueError as exc:
        if "Worksheet" in str(exc) or "not found" in str(exc):
            raise DataFileError(f"no worksheet {sheet!r}", path=path) from None
        raise DataFileError(f"cannot be read as Excel ({exc})", path=path) from None
    except Exception as exc:  # zipfile.BadZipFile, openpyxl errors
        raise DataFileError(
            f"cannot be read as Excel ({exc.__class__.__name__}); is it really .xlsx?", path=path
        ) from None
    return _clean_columns(frame, path)


def _read_sav(path: Path) -> pd.DataFrame:
    import pyreadstat

    if not path.exists():
        raise DataFileError("file not found", path=path)
    try:
        frame, _meta = pyreadstat.read_sav(str(path))
    except Exception as exc:
        raise DataFileError(f"cannot be read as SPSS .sav ({exc})", path=path) from None
    return _clean_columns(frame, path)


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike[str], mode: str = "w", *, encoding: str | None = "utf-8"
) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path`` and rename it over ``path`` only on success.

    Parameters
    ----------
    path : str or PathLike
        Final destination. Its folder must exist.
    mode : {"w", "wb"}
        Text or binary.
    encoding : str, optional
        Text encoding (ignored in binary mode).

    Yields
    ------
    file object
        Write to it; if the block raises, the temporary file is removed and ``path`` is
        left as it was.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_write(target) as fh:
    ...     _ = fh.write("ciao")
    >>> target.read_text()
    'ciao'
    """
    if mode not in {"w", "wb"}:
        raise ValueError("mode must be 'w' or 'wb'")
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; published files follow the umask
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else encoding) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
