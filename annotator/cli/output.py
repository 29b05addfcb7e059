"""Printing for the command line: aligned tables for people, JSON for scripts, errors to stderr.

Everything printed for people goes through ``printable``: document texts, titles and file names
come from outside and may hold terminal escape sequences (colours, cursor moves, a new window
title, a hyperlink), bidirectional overrides that reorder the rest of the line, or the
undecodable bytes of a file name; printed raw, these would change the terminal or show a
different text than the one stored, and an undecodable name would crash the write. JSON output
stays exact: the same characters are written as JSON escapes, which decode to the same value.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from annotator.tasks import TaskControl

#: Characters a terminal acts on instead of showing, or that cannot be written at all: C0
#: controls but tab and line feed (ESC starts every escape sequence; CR overwrites the line),
#: DEL and the C1 controls (U+009B is a one-character CSI for many terminals), the
#: bidirectional embeddings, overrides and isolates ("Trojan Source"), and lone surrogates
#: (Python's stand-ins for the undecodable bytes of a file name, U+DC80-U+DCFF).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
#: The same for JSON, where json.dumps has escaped the C0 controls already.
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with every character of ``_UNSAFE`` shown as an escape: ``\\x1b``, ``\\u202e``,
    and a file name's undecodable byte as the byte itself (``caf\\xe9.txt``, as ``ls -b`` does)."""
    if _UNSAFE.search(text) is None:  # the common case: one C-level scan
        return text
    return _UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the byte that was not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def print_json(value: Any) -> None:
    """One JSON value on one line, non-ASCII kept readable (Cyrillic stays Cyrillic).

    Controls, bidi overrides and lone surrogates are written as \\u escapes: still exactly the
    same JSON value, but safe on a terminal (and a lone surrogate could not be encoded raw)."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    sys.stdout.write(_UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text) + "\n")


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, max_width: int = 60) -> None:
    """A plain aligned table; long cells are cut with an ellipsis so rows stay on one line."""
    def cell(value: Any) -> str:
        text = "" if value is None else printable(str(value).replace("\n", " ").replace("\t", " "))
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    cells = [[cell(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    sys.stdout.write("\n".join(lines) + "\n")


def error(message: str) -> None:
    sys.stderr.write(f"annotator: {printable(message)}\n")


def say(text: str = "") -> None:
    """One line for people on stdout, made ``printable`` (names and labels come from outside)."""
    sys.stdout.write(f"{printable(text)}\n")


def note(message: str) -> None:
    """One line for people on stderr (a skipped file, a warning), made ``printable``."""
    sys.stderr.write(f"{printable(message)}\n")


def format_counts(counts: dict[str, Any]) -> str:
    """``{"alice": 3, "bob": 5}`` as ``alice:3 bob:5`` for one table cell."""
    return " ".join(f"{key}:{value}" for key, value in counts.items()) or "-"


class ProgressBar:
    """A tqdm bar on stderr driven by a ``TaskControl``; silent when stderr is not a terminal.

    ``scaled`` counts large units in k and M (characters); ``with_message`` shows each report's
    message after the bar ("3 of 40 documents" while the bar counts characters)."""

    def __init__(self, description: str, unit: str = "file", *, scaled: bool = False,
                 with_message: bool = False) -> None:
        from tqdm import tqdm  # imported on use: most commands draw no bar

        from annotator.tasks import TaskControl

        self._bar = tqdm(total=0, desc=description, unit=unit, unit_scale=scaled, file=sys.stderr, disable=None,
                         leave=False)
        self._with_message = with_message
        self.control = TaskControl(on_progress=self._update)

    def _update(self, done: int, total: int, message: str) -> None:
        if self._bar.total != total:
            self._bar.total = total
        self._bar.n = done
        if self._with_message:
            self._bar.set_postfix_str(printable(message), refresh=False)
        self._bar.refresh()

    def __enter__(self) -> TaskControl:
        return self.control

    def __exit__(self, *_exc: object) -> None:
        self._bar.close()
