"""Which strings a project can store (no NUL characters, no lone UTF-16 surrogates), and which
typed numbers can be an id.

Decoding a file's bytes never yields either (NUL bytes mark a binary file and are refused by
``corpus.decode``), but JSON escapes can: ``"\\u0000"`` and ``"\\ud800"`` are valid JSON and
parse into such strings. PostgreSQL text and JSON columns refuse NUL outright, SQLite and every
UTF-8 encoder refuse lone surrogates, and the database error would surface half-way through a
write as a crash; so importers check what they read and refuse the file with a message first.

The check is cheap on clean data (one C-level scan and one UTF-8 encode of the JSON text),
because it runs on every document of every import; only suspicious data is walked in Python
to name the offending field.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

MAX_ID = 2**31 - 1  # ids are INTEGER columns: a larger number can be no id (and PostgreSQL refuses it)


def parse_id(text: str) -> int | None:
    """The id a user typed, or None when ``text`` cannot be one: only ASCII digits count
    ('²' and '٣' are digits to ``str.isdigit`` but no id), and only numbers a column can hold."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


NUL_PROBLEM = "contains a NUL character (\\u0000)"
SURROGATE_PROBLEM = "contains a lone surrogate (a broken \\ud800-\\udfff escape)"


def display_name(path: Path | str) -> str:
    """``path`` as text that can be printed and stored: a byte of a file name that is not UTF-8
    (which Python carries as a lone surrogate) becomes ``\\xNN``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def unstorable(value: Any, name: str) -> str | None:
    """Why ``value`` (a string or a parsed JSON value called ``name``) cannot be stored, as
    '<name or the path inside it> contains ...'; None if it can."""
    if isinstance(value, str):
        problem = _string_problem(value)
        return f"{name} {problem}" if problem else None
    dumped = json.dumps(value, ensure_ascii=False, default=str)
    try:
        dumped.encode("utf-8")
    except UnicodeEncodeError:
        return _walk(value, name)
    return _walk(value, name) if "\\u0000" in dumped else None


def _string_problem(text: str) -> str | None:
    if "\x00" in text:
        return NUL_PROBLEM
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE_PROBLEM
    return None


def _walk(value: Any, where: str) -> str | None:
    """The first bad string inside ``value``, as '<path> contains ...'."""
    if isinstance(value, str):
        problem = _string_problem(value)
        return f"{where} {problem}" if problem else None
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{where}.{_shown(str(key))}"
            problem = _walk(str(key), f"a key of {where}") or _walk(item, name)
            if problem:
                return problem
    elif isinstance(value, list):
        for index, item in enumerate(value):
            problem = _walk(item, f"{where}[{index}]")
            if problem:
                return problem
    return None


def _shown(text: str) -> str:
    """``text`` printable in a message: NUL and lone surrogates as escapes, cut to 40 characters."""
    return text[:40].replace("\x00", "\\u0000").encode("utf-8", "backslashreplace").decode("utf-8")
