"""One catalog of visible strings in Italian and English, and locale-aware formatting.

Strings live in ``messages/*.yml`` beside this file (one file per area: ``core``,
``profile``, ``survey``, ...), one key per string with both languages side by side so that
a translation can never go missing unnoticed (a test checks every key has ``it`` and
``en``, and a key defined in two files is an error). Numbers, percentages and dates are formatted
with Babel: ``1.234,5`` and ``18,3%`` in Italian, ``1,234.5`` and ``18.3%`` in English.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from babel import dates as _bdates
from babel import numbers as _bnumbers

from quartiere.errors import ParameterError

__all__ = [
    "LANGS",
    "check_lang",
    "t",
    "messages",
    "format_number",
    "format_int",
    "format_percent",
    "format_date",
    "format_money",
]

LANGS = ("it", "en")
_LOCALES = {"it": "it_IT", "en": "en_GB"}
_CATALOG = Path(__file__).with_name("messages")


@functools.cache
def messages() -> Mapping[str, Mapping[str, str]]:
    """The whole catalog: ``{key: {"it": ..., "en": ...}}`` from every ``messages/*.yml``.

    Raises
    ------
    SchemaError
        A file that is not a mapping, or a key defined in two files.
    """
    from quartiere.errors import SchemaError

    catalog: dict[str, Mapping[str, str]] = {}
    for path in sorted(_CATALOG.glob("*.yml")):
        with path.open(encoding="utf-8") as fh:
            part = yaml.safe_load(fh) or {}
        if not isinstance(part, dict):
            raise SchemaError("must map message keys to {it: ..., en: ...}", path=path)
        clash = sorted(set(part) & set(catalog))
        if clash:
            raise SchemaError(
                f"message {clash[0]!r} is defined in another catalog file too", path=path
            )
        catalog.update(part)
    return catalog


def check_lang(lang: Any, *, parameter: str = "lang") -> str:
    """Return ``lang`` if it is a supported language, else raise :class:`ParameterError`.

    Examples
    --------
    >>> check_lang("it")
    'it'
    """
    if lang not in LANGS:
        raise ParameterError(
            f"must be one of {', '.join(LANGS)}, got {lang!r}", parameter=parameter
        )
    return lang


def t(key: str, lang: str, /, **values: Any) -> str:
    """Translate ``key`` into ``lang`` and fill ``{placeholders}`` with ``values``.

    Parameters
    ----------
    key : str
        Dotted key in ``messages.yml`` (``"profile.ageing_index"``).
    lang : {"it", "en"}
        Language.
    **values
        Values for the placeholders; numbers should be formatted by the caller.

    Returns
    -------
    str
        The translated text.

    Raises
    ------
    ParameterError
        Unknown language or key.

    Examples
    --------
    >>> t("report.figure", "it")
    'Figura'
    >>> t("report.figure", "en")
    'Figure'
    """
    check_lang(lang)
    try:
        text = messages()[key][lang]
    except KeyError:
        raise ParameterError(f"no message {key!r} in the catalog", parameter="key") from None
    return text.format(**values) if values else text


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def format_number(x: Any, lang: str, digits: int = 1) -> str:
    """Format a number with ``digits`` decimals for the language (``""`` for missing).

    Examples
    --------
    >>> format_number(1234.56, "it")
    '1.234,6'
    >>> format_number(1234.56, "en", 2)
    '1,234.56'
    >>> format_number(-0.001, "it", 2)  # no "-0,00"
    '0,00'
    """
    if _missing(x):
        return ""
    if round(float(x), digits) == 0:
        x = 0.0
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return _bnumbers.format_decimal(x, format=pattern, locale=_LOCALES[check_lang(lang)])


def format_int(x: Any, lang: str) -> str:
    """Format a whole number with thousands separators.

    Examples
    --------
    >>> format_int(38000, "it")
    '38.000'
    """
    return format_number(round(float(x)) if not _missing(x) else x, lang, 0)


def format_percent(x: Any, lang: str, digits: int = 1) -> str:
    """Format a share (0.183) as a percentage (``18,3%``).

    Examples
    --------
    >>> format_percent(0.183, "it")
    '18,3%'
    >>> format_percent(0.183, "en")
    '18.3%'
    """
    if _missing(x):
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + "%"
    return _bnumbers.format_percent(x, format=pattern, locale=_LOCALES[check_lang(lang)])


def format_money(x: Any, lang: str, digits: int = 0) -> str:
    """Format an amount in euro.

    Examples
    --------
    >>> format_money(1500000, "it")
    '1.500.000 €'
    """
    if _missing(x):
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return f"{_bnumbers.format_decimal(x, format=pattern, locale=_LOCALES[check_lang(lang)])} €"


def format_date(d: _dt.date | _dt.datetime | str, lang: str, style: str = "long") -> str:
    """Format a date (``28 novembre 2026`` / ``28 November 2026``).

    Examples
    --------
    >>> import datetime
    >>> format_date(datetime.date(2026, 11, 28), "it")
    '28 novembre 2026'
    """
    if isinstance(d, str):
        d = _dt.date.fromisoformat(d[:10])
    if isinstance(d, _dt.datetime):
        d = d.date()
    return _bdates.format_date(d, format=style, locale=_LOCALES[check_lang(lang)])
