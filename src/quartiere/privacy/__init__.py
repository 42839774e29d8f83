"""Privacy by default: small-cell suppression, pseudonymization and escaping of free text."""

from html import escape as _escape

from quartiere.privacy.pseudonymize import (
    Pseudonymizer,
    pseudonymize_corpus,
    pseudonymize_text,
    read_names,
)
from quartiere.privacy.suppress import DEFAULT_THRESHOLD, suppress_small_cells

__all__ = [
    "DEFAULT_THRESHOLD",
    "Pseudonymizer",
    "escape_text",
    "pseudonymize_corpus",
    "pseudonymize_text",
    "read_names",
    "suppress_small_cells",
]


def escape_text(text: object) -> str:
    """HTML-escape free text written by residents before it reaches a page.

    Parameters
    ----------
    text : object
        Any value; ``None`` and NaN become an empty string.

    Returns
    -------
    str
        The text with ``& < > " '`` escaped.

    Examples
    --------
    >>> escape_text("<script>alert('x')</script>")
    '&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;'
    """
    if text is None or (isinstance(text, float) and text != text):
        return ""
    return _escape(str(text), quote=True)
