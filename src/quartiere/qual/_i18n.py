"""Visible strings of the interviews package, read from ``report/messages/qual.yml``."""

from __future__ import annotations

from typing import Any

from quartiere.errors import ParameterError

__all__ = ["label", "value_label", "check_lang"]


def check_lang(lang: Any) -> str:
    """``lang`` if it is ``"it"`` or ``"en"``, else a :class:`ParameterError`."""
    if lang not in ("it", "en"):
        raise ParameterError(f"unknown language {lang!r}; use it or en", parameter="lang")
    return lang


def label(key: str, lang: str, /, **values: Any) -> str:
    """The catalog string ``qual.<key>`` in ``lang`` (placeholders filled from ``values``).

    Examples
    --------
    >>> label("theme", "en")
    'Theme'
    """
    from quartiere.report.i18n import t

    return t(f"qual.{key}", check_lang(lang), **values)


def value_label(attribute: str, value: Any, lang: str) -> str:
    """Display form of a document attribute value (``role = caregiver`` -> "family carer").

    The catalog key ``qual.<attribute>_<value>`` is used when it exists; otherwise the value
    itself, with underscores shown as spaces. Missing values become an empty string.

    Examples
    --------
    >>> value_label("role", "caregiver", "en")
    'family carer'
    >>> value_label("district", "Porto Lido", "en")
    'Porto Lido'
    """
    from quartiere.report.i18n import messages

    check_lang(lang)
    if value is None or (isinstance(value, float) and value != value):
        return ""
    entry = messages().get(f"qual.{attribute}_{value}")
    if entry is not None:
        return entry[lang]
    return str(value).replace("_", " ")
