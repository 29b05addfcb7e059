"""Snapping an analyst's rough selection to whole tokens.

Selecting "Kremli" of "Kremlin's" should give "Kremlin": the selection grows to cover every token
it touches (spaCy's ``Doc.char_span(alignment_mode="expand")``) after leading and trailing
whitespace is dropped. Tokenising a 1 MB article takes about a second, so only a window around
the selection is tokenised: spaCy never lets a token cross whitespace, so a window cut at
whitespace tokenises exactly as the full text does there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

Tokenize = Callable[[str], Iterable[tuple[int, int]]]
_WINDOW_MARGIN = 64


def spacy_tokenize(nlp) -> Tokenize:  # type: ignore[no-untyped-def]
    """Adapt a spaCy pipeline's tokenizer to ``text -> (start, end)`` pairs."""
    tokenizer = nlp.tokenizer

    def tokenize(text: str) -> Iterable[tuple[int, int]]:
        return ((token.idx, token.idx + len(token.text)) for token in tokenizer(text))

    return tokenize


def trim_whitespace(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The selection without surrounding whitespace, or None if nothing else is selected."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _window(text: str, start: int, end: int) -> tuple[int, int]:
    """A stretch of text around [start, end) that begins and ends at whitespace (or the ends)."""
    left = max(0, start - _WINDOW_MARGIN)
    while left > 0 and not text[left - 1].isspace():
        left -= 1
    right = min(len(text), end + _WINDOW_MARGIN)
    while right < len(text) and not text[right].isspace():
        right += 1
    return left, right


def snap_to_tokens(text: str, start: int, end: int, tokenize: Tokenize) -> tuple[int, int] | None:
    """Expand [start, end) (code points) to token boundaries; None for a whitespace selection."""
    trimmed = trim_whitespace(text, start, end)
    if trimmed is None:
        return None
    start, end = trimmed
    left, right = _window(text, start, end)
    new_start, new_end = start, end
    for token_start, token_end in tokenize(text[left:right]):
        token_start += left
        token_end += left
        if token_start < end and token_end > start:
            new_start = min(new_start, token_start)
            new_end = max(new_end, token_end)
    return new_start, new_end
