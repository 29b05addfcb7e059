"""The surface text of a span, and where the same text occurs again, token-aligned.

Shared by "annotate all occurrences" (``annotator.ops.occurrences``) and the consistency check
(``annotator.review.consistency``), so that both call the same places "the same text":

- a token is a run of word characters (Unicode ``\\w``: letters, digits, marks, underscore) or a
  single other non-space character, so "Minsk's" is Minsk, ', s and an occurrence of "Minsk"
  there is token-aligned while "Minsk" inside "Minskaya" is not;
- white space inside a text matches any run of white space (a line break where the first
  occurrence had a space), and a text's key writes every such run as one space;
- case counts unless the caller says otherwise (``case_sensitive=False`` lower-cases: Python's
  ``str.lower``, as ``re.IGNORECASE`` matches); accents always count: "Lukašenko" is not
  "Lukasenko".
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\w+|[^\w\s]")
_WORD_CHAR = re.compile(r"\w")
INDEX_WORD = re.compile(r"[^\W_]+")  # the words the full-text index keeps (``search.matching``)


def surface_key(text: str, case_sensitive: bool = True) -> str:
    """The text with its white-space runs as one space, lower-cased unless ``case_sensitive``."""
    key = " ".join(text.split())
    return key if case_sensitive else key.lower()


def token_count(text: str) -> int:
    return sum(1 for _ in _TOKEN.finditer(text))


def tokens(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each token of ``text`` (module docstring), in order."""
    return [match.span() for match in _TOKEN.finditer(text)]


def surface_pattern(text: str, case_sensitive: bool = True) -> re.Pattern[str]:
    """A pattern finding ``text`` token-aligned: not preceded (followed) by a word character
    where it starts (ends) with one, its white space matching any white space."""
    parts = [re.escape(part) for part in text.split()]
    if not parts:
        raise ValueError("a surface pattern needs a text with something else than white space")
    body = r"\s+".join(parts)
    stripped = text.strip()
    before = r"(?<!\w)" if _WORD_CHAR.match(stripped[0]) else ""
    after = r"(?!\w)" if _WORD_CHAR.match(stripped[-1]) else ""
    return re.compile(before + body + after, 0 if case_sensitive else re.IGNORECASE)


def _one_line(text: str) -> str:
    return text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " ")


def snippet(text: str, start: int, end: int, width: int = 40) -> tuple[str, str]:
    """Up to ``width`` characters each side of [start, end), on one line, for a list row."""
    before = _one_line(text[max(0, start - width):start]).lstrip()
    after = _one_line(text[end:end + width]).rstrip()
    return ("…" if start > width else "") + before, after + ("…" if end + width < len(text) else "")
