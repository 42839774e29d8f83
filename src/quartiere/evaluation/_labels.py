"""User-visible labels of the evaluation package, read from the shared i18n catalog.

The strings live in ``quartiere/report/messages/evaluation.yml`` under keys
``evaluation.<name>``; :func:`labels` returns them for one language without the prefix.
"""

from __future__ import annotations

from quartiere.report.i18n import check_lang, messages, t

_PREFIX = "evaluation."


def labels(lang: str) -> dict[str, str]:
    """Return ``{name: text}`` for every ``evaluation.<name>`` message in ``lang``.

    Raises
    ------
    ParameterError
        Unknown language.

    Examples
    --------
    >>> labels("en")["on_track"]
    'on track'
    """
    check_lang(lang)
    return {
        key.removeprefix(_PREFIX): t(key, lang) for key in messages() if key.startswith(_PREFIX)
    }
