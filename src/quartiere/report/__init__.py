"""Reports: charts (offline altair renderer and theme), tables, i18n, rendering, manifest.

In a notebook, call :func:`setup` once with the report language; then display charts and
:func:`table` objects as cell results.
"""

from quartiere.report.charts import PALETTE, bar_chart, chart_html, choropleth, points_map
from quartiere.report.charts import setup as _setup_charts
from quartiere.report.i18n import (
    LANGS,
    check_lang,
    format_date,
    format_int,
    format_money,
    format_number,
    format_percent,
    t,
)
from quartiere.report.tables import ReportTable, table

__all__ = [
    "LANGS",
    "PALETTE",
    "ReportTable",
    "bar_chart",
    "chart_html",
    "check_lang",
    "choropleth",
    "format_date",
    "format_int",
    "format_money",
    "format_number",
    "format_percent",
    "points_map",
    "setup",
    "t",
    "table",
]


def setup(lang: str = "it") -> None:
    """Prepare a notebook for reporting in ``lang``: chart theme, offline renderer, pandas display.

    Parameters
    ----------
    lang : {"it", "en"}

    Raises
    ------
    ParameterError
        Unknown language.

    Examples
    --------
    >>> setup("it")
    """
    import pandas as pd

    _setup_charts(check_lang(lang))
    pd.set_option("display.max_columns", 50)
    pd.set_option("display.width", 160)
