"""A UTF-8 file's text a block at a time, refused as decoding the whole file would refuse it.

The dataset readers that used to call ``read_bytes().decode("utf-8-sig")`` held the file's bytes
and its text at once (and a ``str`` of a file with one emoji takes four bytes a character). Here
the file is decoded in blocks of ``BLOCK_BYTES`` by an incremental decoder: a leading byte-order
mark is dropped, and invalid UTF-8 raises ``NotUtf8`` whose text is the very message the
whole-file decode gave (positions counted from the file's start, after a mark, as ``utf-8-sig``
counts them), so the catalogue messages that quote it do not change. ``check_utf8`` makes that
check over the whole file first, so a file in another encoding is refused as one before any of
its text is parsed.
"""

from __future__ import annotations

import codecs
from collections.abc import Generator, Iterator
from typing import BinaryIO

BLOCK_BYTES = 1 << 20


class NotUtf8(Exception):
    """The file is not UTF-8; ``str()`` is what ``bytes.decode("utf-8-sig")`` would have said."""


def utf8_blocks(handle: BinaryIO, block_bytes: int | None = None) -> Generator[str, int | None, None]:
    """The text of the open binary ``handle`` in pieces (none empty); see the module docstring.

    The caller may ``send`` a larger byte count to have the next read take that many at once
    (``json_items`` does, to grow its window around a large value)."""
    block_bytes = block_bytes or BLOCK_BYTES
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    fed = 0  # bytes given to the decoder so far, the mark excluded
    first = True
    while True:
        raw = handle.read(max(block_bytes, len(codecs.BOM_UTF8)) if first else block_bytes)
        block = raw[len(codecs.BOM_UTF8):] if first and raw.startswith(codecs.BOM_UTF8) else raw
        first = False
        pending = len(decoder.getstate()[0])  # bytes of a character cut at the end of the last block
        try:
            text = decoder.decode(block, final=not raw)
        except UnicodeDecodeError as error:
            raise NotUtf8(_whole_file_message(error, fed - pending)) from None
        fed += len(block)
        if text:
            wanted = yield text
            block_bytes = max(block_bytes, wanted or 0)
        if not raw:
            return


def check_utf8(handle: BinaryIO, block_bytes: int | None = None) -> None:
    """Decode the open file to its end, raising ``NotUtf8`` where the whole-file decode would, then
    go back to its start: a reader that parses as it decodes would otherwise meet a syntax error
    before bad bytes later in the file, and say the wrong thing about a file in another encoding."""
    for _text in utf8_blocks(handle, block_bytes):
        pass
    handle.seek(0)


def _whole_file_message(error: UnicodeDecodeError, offset: int) -> str:
    """``str(error)`` with its positions moved from the decoder's input to the file's start."""
    start, end = error.start + offset, error.end + offset
    if error.end - error.start == 1:
        return (f"'{error.encoding}' codec can't decode byte 0x{error.object[error.start]:02x} in position {start}: "
                f"{error.reason}")
    return f"'{error.encoding}' codec can't decode bytes in position {start}-{end - 1}: {error.reason}"


def utf8_lines(handle: BinaryIO, block_bytes: int | None = None) -> Iterator[str]:
    """The file's text split at LF exactly as ``text.split("\\n")`` splits it (CR kept, the
    piece after the last LF included even when empty), a line at a time."""
    parts: list[str] = []  # the line being read, in the pieces its blocks brought (no copy per block)
    for block in utf8_blocks(handle, block_bytes):
        pieces = block.split("\n")
        if len(pieces) > 1:
            yield "".join([*parts, pieces[0]])
            yield from pieces[1:-1]
            parts = []
        parts.append(pieces[-1])
    yield "".join(parts)
