"""Clean character offsets for a mention found by spaCy (an entity, a subject phrase).

Analysts mark the name, not its surroundings: spaCy's entities sometimes carry a possessive
("Lukashenka’s"), punctuation, or run across a paragraph break into the next line's first word
("Lukashenka\\n\\nEarlier"). Those edges are trimmed here so that suggestions line up with what an
analyst would select, and so that an alias lookup sees the bare name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

_POSSESSIVES = frozenset({"'s", "’s", "'", "’"})


def _is_edge_noise(token: Token) -> bool:
    return token.is_space or token.is_punct or token.lower_ in _POSSESSIVES


def trim_mention(span: Span, text: str | None = None) -> tuple[int, int] | None:
    """Character offsets of ``span`` without edge punctuation, possessives and whitespace, cut at
    its first line break; None when nothing is left.

    ``text``, the Doc's text where the caller has it, lets the usual mention be judged from its
    characters without making a ``Token`` of each word (a fifth of the Russian suggestions' own
    work): when it begins and ends with a letter or digit, holds no line break and does not end
    in a possessive, its edge tokens are neither whitespace, punctuation nor a possessive, so
    there is nothing to trim."""
    if text is not None:
        start, end = span.start_char, span.end_char
        if (start < end and text[start].isalnum() and text[end - 1].isalnum()
                and text[end - 2:end].lower() not in _POSSESSIVES and "\n" not in text[start:end]):
            return start, end
    tokens = list(span)
    for index, token in enumerate(tokens):
        if "\n" in token.text or "\n" in token.whitespace_:
            tokens = tokens[:index + (0 if "\n" in token.text else 1)]
            break
    while tokens and _is_edge_noise(tokens[0]):
        tokens.pop(0)
    while tokens and _is_edge_noise(tokens[-1]):
        tokens.pop()
    if not tokens:
        return None
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
