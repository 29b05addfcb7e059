"""Derive a document's display title from its text.

News exports often open with a byline, a date or a section tag ("by", "March 10 - March 16,
2014") before the headline, so the title is the first non-blank line with at least three
words made of letters, falling back to the first non-blank line. The title is only a label
for lists and dialogs; the stored text keeps the line unchanged.
"""

from __future__ import annotations

import re
import unicodedata

#: Titles derived from text are cut to about this many characters (at a word boundary, with
#: an ellipsis): some articles have no headline and their first line is a whole paragraph.
MAX_TITLE_CHARS = 200

_ATX_OPEN = re.compile(r"#{1,6}(?:\s+|$)")
_ATX_CLOSE = re.compile(r"\s+#+$")
_INNER_WORD_MARKS = frozenset("'’-‐‑")
_MIN_WORDS = 3


def title_from_text(text: str) -> str:
    """Return the title for ``text``, or "" when no line has any visible content."""
    fallback = ""
    start = 0
    while start <= len(text):
        end = text.find("\n", start)
        if end == -1:
            end = len(text)
        line = _clean(text[start:end])
        if line:
            if _has_words(line, _MIN_WORDS):
                return _shorten(line)
            if not fallback:
                fallback = line
        start = end + 1
    return _shorten(fallback)


def _clean(line: str) -> str:
    """Strip whitespace and Markdown ATX heading marks ("## Title ##"), collapse inner spaces."""
    line = line.strip()
    if line.startswith("#"):
        opener = _ATX_OPEN.match(line)
        if opener is not None:  # "#hashtag" is not a heading and keeps its mark
            line = _ATX_CLOSE.sub("", line[opener.end():]).strip()
    return " ".join(line.split())


def _has_words(line: str, wanted: int) -> bool:
    count = 0
    for token in line.split(" "):
        if _is_word(token):
            count += 1
            if count >= wanted:
                return True
    return False


def _is_word(token: str) -> bool:
    """A token is a word when, without edge punctuation, it is letters (with combining marks,
    inner apostrophes and hyphens): "Belarus’", "Russo-Ukrainian", "ў", "שלום" are words;
    "10", "2014", "–", "http://x.y" are not."""
    if token.isalpha():  # the common case, answered in C
        return True
    core = _strip_punctuation(token)
    if not core or not core[0].isalpha():
        return False
    for char in core:
        if not (char.isalpha() or char in _INNER_WORD_MARKS or unicodedata.category(char)[0] == "M"):
            return False
    return True


def _strip_punctuation(token: str) -> str:
    start, end = 0, len(token)
    while start < end and unicodedata.category(token[start])[0] in "PS":
        start += 1
    while end > start and unicodedata.category(token[end - 1])[0] in "PS":
        end -= 1
    return token[start:end]


def _shorten(title: str) -> str:
    if len(title) <= MAX_TITLE_CHARS:
        return title
    cut = title.rfind(" ", 0, MAX_TITLE_CHARS)
    if cut < MAX_TITLE_CHARS // 2:  # one enormous "word": cut inside it
        cut = MAX_TITLE_CHARS
    return title[:cut].rstrip(" ,;:-–—") + "…"
