"""The elements of a JSON file's top-level array one at a time, in memory bounded by the largest.

Label Studio and spaCy v2 files are one JSON array of tasks or examples; ``json.loads`` of a 50 MB
file holds about ten times that in Python objects before the first document can be written. Here
the file is decoded a block at a time (``utf8_blocks``) into a window of text, and each element is
parsed by the standard library's C scanner (``JSONDecoder.raw_decode`` at the element's index),
then the window moves on: what is held is a block or two of text and one element.

Why the standard library rather than ijson (a true streaming parser, evaluated: 3.6.0 installs
beside numpy<2 and parses about twice as fast as ``json.loads``): the readers' messages quote
``json``'s own (``Expecting ',' delimiter at line 3, column 7``), which yajl words differently and
without line and column; yajl refuses ``NaN`` as a "lexical error" where ``parse_constant`` lets
the readers say what is wrong; and ijson's C backend took 20 GB and was killed by the kernel on a
200 KB file of nested brackets, where ``json`` raises ``RecursionError`` (the readers' "nested too
deeply"). Decoding the whole file to one ``str`` and ``raw_decode``-ing it element by element would
keep the messages too, but such a ``str`` takes two bytes a character once the file holds one
character beyond Latin-1 and four once it holds an emoji: up to four times the file.

Every outcome is what ``json.loads`` of the whole text (decoded as ``utf-8-sig``) gives: the same
values, and for a file that is not JSON the same message at the same line and column (counted
across the whole file), as ``NotJson``; text that is not UTF-8 raises ``utf8_blocks.NotUtf8``. The
array's punctuation between elements is checked here as the C scanner checks it. The file is
decoded once before it is parsed (``check_utf8``), so a file that is not UTF-8 is refused as such
wherever its first bad byte is, as before. The one change is when: an element is handed out before the rest of the file is read, so a reader that writes as it
goes meets a syntax error late in the file after the elements before it (the import's one
transaction still rolls the file back).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from annotator.corpus.file_checks import open_regular_file
from annotator.errors import UserError
from annotator.formats.utf8_blocks import NotUtf8, check_utf8, utf8_blocks
from annotator.limits import ImportLimits

_WHITESPACE = re.compile(r"[ \t\n\r]*")  # json's own: the four characters JSON allows between tokens
#: How near the window's end an error must be to be possibly the cut's doing rather than the file's
#: (the longest token cut short is ``-Infinity``; an unterminated string is reported at its start).
_MARGIN = 16


class NotJson(Exception):
    """The file is not JSON; ``str()`` is the problem as the catalogue messages quote it."""


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON value")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


@contextmanager
def json_file(path: Path, limits: ImportLimits, not_json: str, not_utf8: str) -> Iterator[JsonText]:
    """``path`` opened as ``JsonText`` (checked as ``read_regular_bytes`` checks a file), with
    ``NotJson`` and ``NotUtf8`` raised as ``UserError``s from the catalogue templates ``not_json``
    and ``not_utf8`` (each taking ``path`` and ``problem``)."""
    with open_regular_file(path, limits) as handle:
        try:
            yield JsonText(handle)
        except NotJson as error:
            raise UserError(not_json.format(path=path, problem=error)) from None
        except NotUtf8 as error:
            raise UserError(not_utf8.format(path=path, problem=error)) from None


class JsonText:
    """One JSON file read through a window of its text: ``start`` says what the top-level value
    is, then ``items`` hands out an array's elements or ``value`` parses the value whole."""

    def __init__(self, handle: BinaryIO, block_bytes: int | None = None) -> None:
        check_utf8(handle, block_bytes)
        self._blocks = utf8_blocks(handle, block_bytes)
        self._text = ""  # the window: the file's text from the first character not yet read
        self._pos = 0  # the read position in the window
        self._started = self._ended = False
        self._lines = 0  # line breaks in the text before the window
        self._column = 0  # characters of the window's first line before the window

    def start(self) -> str:
        """The first character of the top-level value ("[" for an array; "" for no value)."""
        self._more()
        if self._text.startswith("\ufeff"):  # a second mark: json.loads refuses it so
            raise self._not_json(json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", self._text, 0))
        return self._skip_space()

    def value(self) -> Any:
        """The top-level value whole, which must end the file."""
        value = self._parse()
        self._finish()
        return value

    def items(self) -> Iterator[Any]:
        """The elements of the top-level array (``start`` returned "["), parsed one at a time."""
        self._pos += 1
        if self._skip_space() == "]":
            self._pos += 1
        else:
            while True:
                yield self._parse()
                char = self._skip_space()
                if char == "]":
                    self._pos += 1
                    break
                if char != ",":
                    raise self._not_json(json.JSONDecodeError("Expecting ',' delimiter", self._text, self._pos))
                self._pos += 1
                self._skip_space()
        self._finish()

    def _finish(self) -> None:
        if self._skip_space():
            raise self._not_json(json.JSONDecodeError("Extra data", self._text, self._pos))

    def _parse(self) -> Any:
        """The value at the read position, the window grown until it holds the value whole."""
        while True:
            try:
                value, end = _DECODER.raw_decode(self._text, self._pos)
            except json.JSONDecodeError as error:
                if self._ended or (error.pos + _MARGIN < len(self._text) and not error.msg.startswith("Unterminated")):
                    raise self._not_json(error) from None
                self._more(grow=True)
                continue
            except RecursionError:
                raise NotJson("it is nested too deeply") from None
            except ValueError as error:  # NaN or Infinity (``_reject_constant``), an integer too long to convert
                raise NotJson(str(error)) from None
            # a number ending near the window's end may go on in the next block ("-2500." then "0")
            if end + _MARGIN < len(self._text) or not self._more(grow=True):
                self._pos = end
                return value

    def _skip_space(self) -> str:
        """Move past whitespace; the next character, "" at the end of the file."""
        while True:
            match = _WHITESPACE.match(self._text, self._pos)
            self._pos = match.end() if match else self._pos
            if self._pos < len(self._text):
                return self._text[self._pos]
            if not self._more():
                return ""

    def _more(self, *, grow: bool = False) -> bool:
        """Drop the text already read from the window and add the next block (with ``grow``, at
        least as much as the window still holds, so a value larger than a block is parsed a
        bounded number of times); False at the end of the file."""
        if self._ended:
            return False
        try:
            wanted = len(self._text) - self._pos if grow else 0
            block = self._blocks.send(wanted) if self._started else next(self._blocks)
        except StopIteration:
            self._ended = True
            return False
        self._started = True
        breaks = self._text.count("\n", 0, self._pos)
        if breaks:
            self._lines += breaks
            self._column = self._pos - self._text.rfind("\n", 0, self._pos) - 1
        else:
            self._column += self._pos
        self._text = self._text[self._pos:] + block
        self._pos = 0
        return True

    def _not_json(self, error: json.JSONDecodeError) -> NotJson:
        """``error``'s message with its line and column in the whole file, as the readers word it."""
        line = self._lines + error.lineno
        column = error.colno + (self._column if error.lineno == 1 else 0)
        return NotJson(f"{error.msg} at line {line}, column {column}")
