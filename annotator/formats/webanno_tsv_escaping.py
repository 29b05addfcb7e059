"""WebAnno TSV 3's escaping, both ways, as INCEpTION's ``Escaping`` class defines it.

Feature values escape the characters the format gives a meaning (``\\ [ ] | _ -> ; * TAB LF``)
with a backslash, ``->`` as one unit. ``#Text=`` lines escape TAB, LF, CR, FF, BS and the
backslash as Java escapes (``\\t``…) and put a backslash before the other control characters;
files of version 3.0 and 3.1 used Java's own unescaping, which reads ``\\uXXXX`` too.

Splitting a cell into stacked values (``|``) or slot links (``;``) skips escaped separators by
counting backslashes, where INCEpTION only looks at the one character before: a value ending in
an escaped backslash (``a\\\\|b``) is still two values here.
"""

from __future__ import annotations

import re

_VALUE_SPECIAL = re.compile(r"->|[\\\[\]|_;\t\n*]")
_VALUE_ESCAPE = {"\t": "\\t", "\n": "\\n"}
_VALUE_ESCAPED = re.compile(r"\\(->|[\\\[\]|_;tn*])")
_VALUE_UNESCAPE = {"t": "\t", "n": "\n"}
_TEXT_SPECIAL = re.compile(r"[\x00-\x0a\x0c-\x1f\\]")
_TEXT_ESCAPE = {"\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", "\b": "\\b", "\\": "\\\\"}
_TEXT_ESCAPED = re.compile(r"\\([\x00-\x07\x0e-\x1f\\tnfrb])")
_TEXT_UNESCAPE = {"t": "\t", "n": "\n", "f": "\f", "r": "\r", "b": "\b"}
_JAVA_ESCAPED = re.compile(r"\\(u[0-9a-fA-F]{4}|[btnrf'\"\\])")
_CHAIN = re.compile(r"->(\d+-\d+)$")


def escape_value(value: str) -> str:
    return _VALUE_SPECIAL.sub(lambda match: _VALUE_ESCAPE.get(match[0], "\\" + match[0]), value)


def unescape_value(value: str) -> str:
    return _VALUE_ESCAPED.sub(lambda match: _VALUE_UNESCAPE.get(match[1], match[1]), value)


def escape_text(text: str) -> str:
    """One line of a sentence for a ``#Text=`` line (vertical tab stays, as INCEpTION writes it)."""
    return _TEXT_SPECIAL.sub(lambda match: _TEXT_ESCAPE.get(match[0], "\\" + match[0]), text)


def unescape_text(text: str, minor_version: int) -> str:
    if minor_version <= 1:
        return _JAVA_ESCAPED.sub(_java_unescape, text)
    return _TEXT_ESCAPED.sub(lambda match: _TEXT_UNESCAPE.get(match[1], match[1]), text)


def _java_unescape(match: re.Match[str]) -> str:
    code = match[1]
    if code.startswith("u"):
        return chr(int(code[1:], 16))
    return _TEXT_UNESCAPE.get(code, code)


def split_unescaped(value: str, separator: str) -> list[str]:
    """``value`` cut at each ``separator`` that no backslash escapes."""
    if "\\" not in value:
        return value.split(separator)
    parts, start, index = [], 0, 0
    while index < len(value):
        if value[index] == "\\":
            index += 2
            continue
        if value[index] == separator:
            parts.append(value[start:index])
            start = index + 1
        index += 1
    parts.append(value[start:])
    return parts


def _escaped(value: str, index: int) -> bool:
    """Whether the character at ``index`` follows an odd number of backslashes."""
    count = 0
    while index - count - 1 >= 0 and value[index - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def split_suffix(value: str) -> tuple[str, str | None]:
    """``PER[3]`` → ``("PER", "3")``, ``coref->1-2`` → ``("coref", "1-2")``, else ``(value, None)``:
    the disambiguation id, relation ends or chain position INCEpTION appends to a value."""
    if value.endswith("]") and not _escaped(value, len(value) - 1):
        opening = len(value) - 1
        while opening >= 0 and (value[opening] != "[" or _escaped(value, opening)):
            opening -= 1
        if opening >= 0:
            return value[:opening], value[opening + 1:-1]
    chain = _CHAIN.search(value) if "->" in value else None
    if chain and not _escaped(value, chain.start()):
        return value[:chain.start()], chain[1]
    return value, None
