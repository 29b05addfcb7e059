"""The streamed JSON array and UTF-8 line readers (issue 20) against the whole-file way they replace:
for valid and damaged files alike, read through windows as small as one byte (so every value,
escape, number and multi-byte character is cut somewhere), the same values, and the same message
at the same line and column as ``json.loads`` of ``bytes.decode("utf-8-sig")``."""

from __future__ import annotations

import io
import json
import random
from typing import Any

import pytest

from annotator.formats.json_items import JsonText, NotJson
from annotator.formats.utf8_blocks import NotUtf8, utf8_lines


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON value")


def _whole(data: bytes) -> tuple[str, Any]:
    """What the readers made of a file before: decoded whole, then parsed whole."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return "not utf-8", str(error)
    try:
        return "value", json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        return "not json", f"{error.msg} at line {error.lineno}, column {error.colno}"
    except RecursionError:
        return "not json", "it is nested too deeply"
    except ValueError as error:
        return "not json", str(error)


def _streamed(data: bytes, block: int) -> tuple[str, Any]:
    try:
        text = JsonText(io.BytesIO(data), block)
        return "value", list(text.items()) if text.start() == "[" else text.value()
    except NotJson as error:
        return "not json", str(error)
    except NotUtf8 as error:
        return "not utf-8", str(error)


def _value(rng: random.Random, depth: int = 0) -> Any:
    if depth > 3 or rng.random() < 0.3:
        return rng.choice([1, -2500.0, 1.5e-7, "x\ny", "Минск 🇧🇾", True, None, 123456789012, "", "\\", 'a"b'])
    if rng.random() < 0.5:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice("abcd"): _value(rng, depth + 1) for _ in range(rng.randint(0, 3))}


_DAMAGE = ["[", "]", ",", " ", "\n", "{", "}", ":", '"', "NaN", "-Infinity", "1", "\\u", "\ufeff", "\t", "\r\n", "tru"]


def _file(rng: random.Random) -> bytes:
    """A JSON file, most of the time a list, often damaged: characters put in, taken out, cut short,
    a byte-order mark or two, a byte that is not UTF-8."""
    value = [_value(rng) for _ in range(rng.randint(0, 5))] if rng.random() < 0.8 else _value(rng)
    text = json.dumps(value, ensure_ascii=rng.random() < 0.5, indent=rng.choice([None, 1]))
    for _ in range(rng.randint(1, 3) if rng.random() < 0.7 else 0):
        at, how = rng.randint(0, len(text)), rng.random()
        text = (text[:at] + rng.choice(_DAMAGE) + text[at:] if how < 0.4 else
                text[:at] + text[at + rng.randint(1, 3):] if how < 0.7 else text[:at])
    data = (b"\xef\xbb\xbf" if rng.random() < 0.2 else b"") + text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.1:
        at = rng.randint(0, len(data))
        data = data[:at] + bytes([rng.choice([0xFF, 0xC3, 0x80, 0xE2])]) + data[at:]
    return data


@pytest.mark.parametrize("seed", range(2))
def test_every_file_reads_as_json_loads_reads_it(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(300):
        data = _file(rng)
        expected = _whole(data)
        for block in (1, 2, 3, 7, 1 << 20):
            assert _streamed(data, block) == expected, (data, block)


@pytest.mark.parametrize(("data", "found"), [
    (b"[" * 100_000 + b"]" * 100_000, ("not json", "it is nested too deeply")),
    (b'[{"a": 1}, {"b": NaN}]', ("not json", "NaN is not a JSON value")),
    (b"\xef\xbb\xbf\xef\xbb\xbf[]", ("not json", "Unexpected UTF-8 BOM (decode using utf-8-sig) at line 1, column 1")),
    (b"", ("not json", "Expecting value at line 1, column 1")),
    (b'[1, 2] [3]', ("not json", "Extra data at line 1, column 8")),
    (b'[1, 2 3]', ("not json", "Expecting ',' delimiter at line 1, column 7")),
    (b'\n\n  [1,\n  "ab\xff"]', ("not utf-8", "'utf-8' codec can't decode byte 0xff in position 13: invalid start byte")),
])
@pytest.mark.parametrize("block", [1, 5, 1 << 20])
def test_the_readers_messages_are_kept(data: bytes, found: tuple[str, str], block: int) -> None:
    assert _whole(data) == found
    assert _streamed(data, block) == found


def test_an_element_is_handed_out_before_the_rest_is_parsed() -> None:
    text = JsonText(io.BytesIO(b'[{"text": "first"}, {"text": "second"}, {"broken'), 4)
    assert text.start() == "["
    items = text.items()
    assert next(items) == {"text": "first"} and next(items) == {"text": "second"}
    with pytest.raises(NotJson, match="Unterminated string starting at at line 1, column 42"):
        next(items)


def test_a_bad_byte_late_in_the_file_is_found_before_any_element() -> None:
    """Decoding the whole file found bad bytes wherever they were, before parsing: so does the
    first pass, which makes a file in another encoding a UTF-8 refusal rather than a JSON one."""
    data = b'[{"text": "first"}, {"broken ' + "Мінск\"}]".encode("cp1251")
    with pytest.raises(NotUtf8) as refused:
        JsonText(io.BytesIO(data), 4)
    assert _whole(data) == ("not utf-8", str(refused.value))


@pytest.mark.parametrize("block", [1, 2, 3, 1 << 20])
@pytest.mark.parametrize("content", [
    "a\nb\n", "no newline at the end", "\r\ncrlf kept\r\n\r\n", "\ufeffmark\nМинск 🇧🇾\n", "\n\n", ""])
def test_lines_are_the_whole_texts_split_at_lf(content: str, block: int) -> None:
    data = content.encode("utf-8")
    assert list(utf8_lines(io.BytesIO(data), block)) == data.decode("utf-8-sig").split("\n")
