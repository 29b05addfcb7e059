"""What a search query means, and where it matches inside a text (code-point offsets).

The query language is what an analyst types into a search box:
- words: every one must occur (in any order), whole words, case- and accent-insensitive;
- ``"quoted phrases"``: the words in this order, with only spaces or punctuation between;
- ``prefix*``: any word starting so (``lukash*`` finds Lukashenko, Lukashenka);
- an unquoted word with punctuation inside (``e-mail``, ``U.S.``) is a phrase of its parts.

Words are runs of letters and digits, split exactly as SQLite's ``unicode61`` tokenizer splits
them (underscores and other punctuation separate words). Folding matches the index too: lower
case, and accents dropped from Latin letters (Lukašenko = Lukasenko) but not from Cyrillic
ones, where й and ё are letters of their own.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from annotator.errors import Errors, UserError

_WORD = re.compile(r"[^\W_]+")
_QUERY_PART = re.compile(r'"([^"]*)"?(\*?)|([^\s"]+)')
_LATIN_END = 0x024F  # Latin-1, Latin Extended-A and -B
_LATIN_ADDITIONAL = range(0x1E00, 0x1F00)


@dataclass(frozen=True, slots=True)
class Term:
    """One thing that must occur: consecutive folded words, the last one open-ended if ``prefix``."""

    words: tuple[str, ...]
    prefix: bool = False

    def __str__(self) -> str:
        text = " ".join(self.words) + ("*" if self.prefix else "")
        return f'"{text}"' if len(self.words) > 1 else text


def _fold_char(char: str) -> str:
    """The folded form of one character: lower case, Latin accents and lone combining marks gone."""
    if unicodedata.combining(char):
        return ""
    lowered = char.lower()
    decomposed = unicodedata.normalize("NFD", lowered)
    base = decomposed[0]
    if len(decomposed) > 1 and (ord(base) <= _LATIN_END or ord(base) in _LATIN_ADDITIONAL):
        return base
    return lowered


class _FoldTable(dict[int, str]):
    """``str.translate`` table computed on first sight of each character, then cached."""

    def __missing__(self, key: int) -> str:
        folded = _fold_char(chr(key))
        self[key] = folded
        return folded


_TABLE = _FoldTable()


class FoldedText:
    """A text folded for matching, with the way back to offsets in the original.

    Most texts fold character for character, so offsets are shared; only a text with combining
    marks or characters that lower-case to two (``İ``) needs a position map.
    """

    __slots__ = ("_positions", "folded")

    def __init__(self, text: str) -> None:
        self._positions: list[int] | None = None
        distinct = set(text)
        if all(_TABLE[ord(char)] == char.lower() for char in distinct):
            self.folded = text.lower()  # no accents to drop: several times faster than translate
            return
        self.folded = text.translate(_TABLE)
        if any(len(_TABLE[ord(char)]) != 1 for char in distinct):
            positions: list[int] = []
            for index, char in enumerate(text):
                positions.extend([index] * len(_TABLE[ord(char)]))
            positions.append(len(text))
            self._positions = positions

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The original offsets of the folded stretch [start, end); combining marks that were
        folded away right after it belong to it (the accent of a final "é" written as e + ́)."""
        if self._positions is None:
            return start, end
        positions = self._positions
        return positions[start], max(positions[end - 1] + 1, positions[end])


def fold(text: str) -> str:
    return text.translate(_TABLE)


def parse_query(query: str) -> list[Term]:
    """The distinct terms of a query, in order; an empty or blank query has none.

    Raises E169 for a part made of symbols (emoji, €, ©) without a letter or digit: a user
    means to find it, but the index has no entry for it, so it would be dropped silently.
    Raises E160 for a query that holds only punctuation, which would silently match nothing.
    A term given twice ("Belarus Belarus") is one term: it must occur, and each place is one hit.
    """
    terms: list[Term] = []
    for match in _QUERY_PART.finditer(query):
        quoted, star, bare = match.groups()
        raw = quoted if quoted is not None else bare
        prefix = bool(star) if quoted is not None else raw.endswith("*")
        words = tuple(_WORD.findall(fold(raw)))
        if words:
            terms.append(Term(words, prefix))
        elif any(unicodedata.category(char).startswith("S") for char in raw):
            raise UserError(Errors.E169.format(query=query, part=raw))
    if not terms and query.strip():
        raise UserError(Errors.E160.format(query=query))
    return list(dict.fromkeys(terms))


_NOT_WORD = r"[\W_]+"
_WORD_CHAR = r"[^\W_]"


def term_pattern(term: Term) -> re.Pattern[str]:
    """A regular expression finding ``term`` as whole words in folded text."""
    body = _NOT_WORD.join(re.escape(word) for word in term.words)
    tail = f"{_WORD_CHAR}*" if term.prefix else f"(?!{_WORD_CHAR})"
    return re.compile(f"(?<!{_WORD_CHAR}){body}{tail}")


@dataclass(frozen=True, slots=True)
class Occurrence:
    """Where one term matched: offsets into the original text, end exclusive."""

    start: int
    end: int
    term: int  # index of the term in the query


def occurrences(text: str, patterns: list[re.Pattern[str]]) -> list[list[Occurrence]]:
    """For each pattern, its matches in ``text`` (original offsets), in text order."""
    folded = FoldedText(text)
    found: list[list[Occurrence]] = []
    for index, pattern in enumerate(patterns):
        hits = []
        for match in pattern.finditer(folded.folded):
            start, end = folded.original(match.start(), match.end())
            hits.append(Occurrence(start, end, index))
        found.append(hits)
    return found
