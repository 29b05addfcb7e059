"""CSV cells that a spreadsheet shows as text and never runs as a formula.

Both CSV outputs (the span export and search results) neutralise their text cells here: a cell
starting with ``=``, ``+``, ``-``, ``@``, a tab or a CR (OWASP's CSV-injection list) gets a
leading apostrophe, which spreadsheets show as text and hide.
"""

from __future__ import annotations

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """The cell as text a spreadsheet shows but never evaluates."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value
