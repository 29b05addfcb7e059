"""Offsets counted in UTF-16 code units, as JavaScript counts them, turned into code points.

A browser tool (Label Studio's labelling interface before it counted code points, and other
JavaScript editors) measures text with ``String.length``, where every character outside the Basic
Multilingual Plane (most emoji, 🇷🇺 is two of them) takes two units. Python, and annotator,
count each as one. The two agree on text without such characters, which is most text, so a
file's offsets can only be told apart, and converted, where such characters come before them.

``Utf16Text`` finds those characters once per document (a regular expression, not a Python loop,
so a 60-million-character article costs a scan) and converts an offset by counting how many of
them start before it.
"""

from __future__ import annotations

import re
from bisect import bisect_left

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Utf16Text:
    """One document's text, able to convert UTF-16 offsets into it to code points."""

    def __init__(self, text: str) -> None:
        self.text = text
        # the UTF-16 offset each astral character starts at: its code-point index plus the
        # number of astral characters before it (each of those took one unit more)
        self._starts = [match.start() + before for before, match in enumerate(_ASTRAL.finditer(text))]

    @property
    def differs(self) -> bool:
        """Whether any offset could differ between the two counts (the text has astral characters)."""
        return bool(self._starts)

    def code_point(self, unit: int) -> int | None:
        """The code-point offset of UTF-16 offset ``unit``; None between the two halves of a character."""
        before = bisect_left(self._starts, unit)  # astral characters starting before ``unit``
        if before and self._starts[before - 1] + 1 == unit:
            return None
        return unit - before
