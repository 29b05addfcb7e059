"""Converting between stored offsets (Python code points) and Qt cursor positions (UTF-16 units).

Every span in the store counts code points; ``QTextCursor`` counts UTF-16 code units, so each
character outside the Basic Multilingual Plane (emoji, many symbols, historic scripts) takes two
Qt positions and one Python position. ``OffsetMap`` converts both ways for one text. Texts with
no astral character, by far the most common case, take an O(1) identity path; otherwise a
conversion is one bisect over the sorted positions of the astral characters.

Pure Python and free of Qt on purpose: it is tested exhaustively without a display.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")

# Characters that QTextDocument reads as structure rather than text. They keep their UTF-16
# length when loaded (measured on Qt 6.12: U+2029, U+FDD0 and U+FDD1 become block breaks, a lone
# CR too), so they never shift offsets; only "\r\n" does, as Qt folds it into one break.
_STRUCTURAL = frozenset("\u2028\u2029\ufdd0\ufdd1\ufffc")


class OffsetMap:
    """Maps code-point offsets of one text to UTF-16 positions and back.

    Out-of-range arguments are clamped to the text, because positions come from mouse and
    keyboard events that can land just past the end of the document.
    """

    __slots__ = ("_astral_cp", "_astral_u16", "length", "utf16_length")

    def __init__(self, text: str) -> None:
        if text.isascii():
            astral: list[int] = []
        else:
            astral = [match.start() for match in _ASTRAL.finditer(text)]
        self._astral_cp = astral
        # UTF-16 position of each astral character's first (high surrogate) unit.
        self._astral_u16 = [cp + index for index, cp in enumerate(astral)]
        self.length = len(text)
        self.utf16_length = len(text) + len(astral)

    def to_qt(self, cp: int) -> int:
        """UTF-16 position of code point offset ``cp``."""
        cp = min(max(cp, 0), self.length)
        if not self._astral_cp:
            return cp
        return cp + bisect_left(self._astral_cp, cp)

    def from_qt(self, u16: int) -> int:
        """Code point offset of UTF-16 position ``u16``; inside a surrogate pair, the character
        that owns it (rounding down), which is right for the start of a range."""
        u16 = min(max(u16, 0), self.utf16_length)
        if not self._astral_u16:
            return u16
        return u16 - bisect_left(self._astral_u16, u16)

    def from_qt_end(self, u16: int) -> int:
        """Like ``from_qt`` but rounding up inside a surrogate pair, for the end of a range, so
        that a range never cuts a character in half."""
        u16 = min(max(u16, 0), self.utf16_length)
        if not self._astral_u16:
            return u16
        return u16 - bisect_left(self._astral_u16, u16 - 1)


def qt_display_text(text: str, *, strict: bool = False) -> str:
    """The text to hand to ``QTextDocument``: same UTF-16 length as ``text``, position for position.

    "\\r\\n" would become one block break in Qt and shift every later offset by one, so its CR
    is shown as a space. With ``strict``, every control, separator, surrogate and
    object-replacement character except LF and TAB becomes U+FFFD as well: the fallback the
    view uses if a Qt version ever changes the length of anything else.
    """
    shown = text.replace("\r\n", " \n")
    if not strict:
        return shown
    return "".join(
        "\ufffd" if ch in _STRUCTURAL or (ch not in "\n\t" and unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp"))
        else ch
        for ch in shown
    )
