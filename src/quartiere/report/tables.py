"""Report tables: localized number formats, captions numbered by the report, escaped text."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from quartiere.errors import ParameterError
from quartiere.report import i18n

__all__ = ["ReportTable", "table", "FORMATS"]

# name -> formatter(value, lang)
FORMATS = {
    "text": lambda v, lang: str(v),
    "int": i18n.format_int,
    "num0": lambda v, lang: i18n.format_number(v, lang, 0),
    "num1": lambda v, lang: i18n.format_number(v, lang, 1),
    "num2": lambda v, lang: i18n.format_number(v, lang, 2),
    "pct0": lambda v, lang: i18n.format_percent(v, lang, 0),
    "pct1": lambda v, lang: i18n.format_percent(v, lang, 1),
    "money": i18n.format_money,
    "bool": lambda v, lang: i18n.t("coverage.yes" if v else "coverage.no", lang),
}


def _is_missing(v: Any) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


@dataclass(frozen=True)
class ReportTable:
    """A formatted table ready for a report; display it in a notebook cell.

    Attributes
    ----------
    data : pandas.DataFrame
        The full-precision data (kept for tests and glue).
    caption : str
        Numbered by the report ("Tabella 2. ...").
    columns : Mapping[str, tuple[str, str]]
        Column -> (header in the report language, format name from ``FORMATS``).
    lang : str
    note : str, optional
        Source or method line under the table.
    threshold : int, optional
        When ``data`` has a ``suppressed`` column with any True, a privacy note names it.
    """

    data: pd.DataFrame
    caption: str
    columns: Mapping[str, tuple[str, str]]
    lang: str
    note: str | None = None
    threshold: int | None = None
    classes: Sequence[str] = field(default_factory=tuple)

    def __repr__(self) -> str:
        # the text/plain form saved in executed notebooks: only what the report shows,
        # never the raw data behind it (suppressed cells stay suppressed)
        return f"{self.caption}\n{self.to_frame().to_string(index=False)}"

    def to_frame(self) -> pd.DataFrame:
        """The displayed cells as strings (formatted, headers translated)."""
        out = {}
        for col, (label, fmt) in self.columns.items():
            f = FORMATS[fmt]
            out[label] = [
                "—" if _is_missing(v) else f(v, self.lang) for v in self.data[col].tolist()
            ]
        return pd.DataFrame(out)

    def _repr_html_(self) -> str:
        shown = self.to_frame()
        numeric = {
            label for col, (label, fmt) in self.columns.items() if fmt not in {"text", "bool"}
        }
        head = "".join(
            f'<th class="{"num" if c in numeric else "txt"}">{html.escape(c)}</th>'
            for c in shown.columns
        )
        body = []
        for row in shown.itertuples(index=False):
            cells = "".join(
                f'<td class="{"num" if c in numeric else "txt"}">{html.escape(str(v))}</td>'
                for c, v in zip(shown.columns, row, strict=False)
            )
            body.append(f"<tr>{cells}</tr>")
        notes = []
        if self.note:
            notes.append(html.escape(self.note))
        if (
            self.threshold is not None
            and "suppressed" in self.data.columns
            and bool(self.data["suppressed"].any())
        ):
            notes.append(
                html.escape(i18n.t("report.suppressed_note", self.lang, threshold=self.threshold))
            )
        foot = "".join(f'<p class="q-note">{n}</p>' for n in notes)
        cls = " ".join(["q-table", *self.classes])
        return (
            '<figure class="q-figure q-table-figure">'
            f"<figcaption>{html.escape(self.caption)}</figcaption>"
            f'<table class="{cls}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>{foot}</figure>"
        )


def table(
    data: pd.DataFrame,
    *,
    caption: str,
    columns: Mapping[str, tuple[str, str]] | None = None,
    lang: str,
    note: str | None = None,
    threshold: int | None = None,
) -> ReportTable:
    """Wrap a tidy DataFrame as a localized, captioned report table.

    Parameters
    ----------
    data : pandas.DataFrame
        Tidy table; values at full precision.
    caption : str
        Table caption (the report adds the number).
    columns : Mapping[str, tuple[str, str]], optional
        Column -> (header, format); format one of ``text int num0 num1 num2 pct0 pct1 money
        bool``. Default: every column, header as is, numbers ``num1``, the rest ``text``.
    lang : {"it", "en"}
    note : str, optional
        Source/method line.
    threshold : int, optional
        Privacy threshold, to explain suppressed cells.

    Returns
    -------
    ReportTable

    Raises
    ------
    ParameterError
        A column not in ``data`` or an unknown format.

    Examples
    --------
    >>> df = pd.DataFrame({"comune": ["Montecerro"], "quota": [0.183]})
    >>> tab = table(df, caption="Quota", lang="it",
    ...             columns={"comune": ("Comune", "text"), "quota": ("Quota", "pct1")})
    >>> tab.to_frame()
           Comune  Quota
    0  Montecerro  18,3%
    """
    i18n.check_lang(lang)
    if columns is None:
        columns = {
            c: (str(c), "num1" if pd.api.types.is_numeric_dtype(data[c]) else "text")
            for c in data.columns
            if c != "suppressed"
        }
    for col, spec in columns.items():
        if col not in data.columns:
            raise ParameterError(f"no column {col!r} in the table", parameter="columns")
        if not isinstance(spec, tuple) or len(spec) != 2 or spec[1] not in FORMATS:
            raise ParameterError(
                f"column {col!r}: give (header, format) with format in {', '.join(FORMATS)}",
                parameter="columns",
            )
    return ReportTable(data.copy(), caption, dict(columns), lang, note, threshold)
