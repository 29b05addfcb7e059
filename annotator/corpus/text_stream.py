"""A corpus file's lines one at a time, in constant memory, checked as ``decode.read_text`` checks a file.

JSONL and CSV files hold many documents; reading one whole, then its lines, then the documents
made of them held about ten times the file's size at once (649 MB for a 56 MB file). Here the
file is read twice in blocks of ``BLOCK_BYTES``: the first pass makes the checks ``read_text``
makes of the whole text (valid UTF-8, no NUL bytes, not mostly control characters, not empty), so
a file refused for those is refused before any of its rows is written; the second hands out its
lines, newlines normalised as ``read_text`` does (CRLF and lone CR become LF, through the text
layer's universal newlines), a UTF-8 byte-order mark dropped. The lines are exactly those of
``read_text(path).split("\\n")``, each with its LF, so line numbers and parsing do not change.

A file that is not UTF-8 (a UTF-16 or UTF-32 one with its byte-order mark, or a legacy code page
that needs charset detection over all its bytes) is read whole by ``read_text`` as before: such
files come from old tools and spreadsheets, which write small ones.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from annotator.corpus.decode import _BOMS, _NOT_C0_CONTROL, CONTROL_SHARE_LIMIT, decode_bytes
from annotator.corpus.file_checks import display_name, open_regular_file
from annotator.errors import Errors, UserError
from annotator.limits import ImportLimits

BLOCK_BYTES = 1 << 20
_C1_CONTROL = re.compile("[\x80-\x9f]")


@contextmanager
def text_lines(path: Path, limits: ImportLimits) -> Iterator[Iterator[str]]:
    """The lines of a corpus file (each ending in LF but perhaps the last), read as they are used.

    Every problem ``read_text`` reports is a ``UserError`` raised here, before the first line:
    not a regular file, too large, unreadable, not text, empty. The file stays open until the
    ``with`` block ends.
    """
    source = display_name(path)
    with open_regular_file(path, limits) as handle:
        try:
            utf8 = _checked_utf8(handle, source)
            handle.seek(0)
        except OSError as exc:
            raise UserError(Errors.E303.format(path=source, reason=exc.strerror or exc)) from exc
        if not utf8:
            yield iter(io.StringIO(decode_bytes(handle.read(), source)))
            return
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="strict", newline=None)
        try:
            yield _lines(text, source)
        finally:
            text.detach()  # the handle is closed by its own ``with``, once


def _checked_utf8(handle: BinaryIO, source: str) -> bool:
    """Read the file once; False when it is not UTF-8 without a mark (the whole-file path decides).

    Refuses, as ``decode_bytes`` would, a file with NUL bytes (E304), one whose text is mostly
    control characters (E306) and one with no text but whitespace (E308). Counts on the text as
    stored: a leading byte-order mark dropped, each CRLF one character.
    """
    first = handle.read(BLOCK_BYTES)
    if any(first.startswith(mark) for mark, _codec, _label in _BOMS):
        return False
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    length = controls = 0
    has_text = False
    previous = ""  # the last character of the block before, to count a CRLF split between two
    block = first
    while True:
        if b"\x00" in block:
            raise UserError(Errors.E304.format(path=source))
        try:
            text = decoder.decode(block, final=not block)
        except UnicodeDecodeError:
            return False
        if length == 0 and previous == "" and text.startswith("\ufeff"):
            text = text[1:]
        controls += len(block.translate(None, _NOT_C0_CONTROL))
        if text:
            length += len(text) - text.count("\r\n") - (previous == "\r" and text[0] == "\n")
            controls += len(_C1_CONTROL.findall(text)) if "\x80" <= max(text) else 0
            has_text = has_text or not text.isspace()
            previous = text[-1]
        if not block:
            break
        block = handle.read(BLOCK_BYTES)
    if not has_text:
        raise UserError(Errors.E308.format(path=source))
    if controls and controls / length > CONTROL_SHARE_LIMIT:
        raise UserError(Errors.E306.format(path=source, share=controls / length))
    return True


def _lines(text: io.TextIOWrapper, source: str) -> Iterator[str]:
    """The checked file's lines; a file changed between the passes so that it is no longer UTF-8
    is refused (E1350) rather than read half. (A loop, not ``yield from``: closing this
    generator must not close the text layer, which ``text_lines`` detaches.)"""
    try:
        for line in text:  # noqa: UP028  (not yield from: see above)
            yield line
    except UnicodeDecodeError as exc:
        raise UserError(Errors.E1350.format(path=source, reason=exc.reason)) from exc
