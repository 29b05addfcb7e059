"""JSON Lines files: one document per non-blank line, read line by line, all-or-nothing.

Each line is an object with a string ``text`` and optionally ``id``, ``title``, ``meta`` (an
object), ``url``, ``published`` (an ISO date, see ``annotator.corpus.dates``) and ``source``.
Other keys are ignored: Prodigy and doccano exports carry ``spans``, ``relations``, ``tokens``
and hashes that are either read by a later step (annotations) or are bulky tool internals that
do not belong in document metadata.

A ``text`` value gets the same newline normalisation as a file (its escaped CRLF/CR become LF),
so stored text never holds a CR whatever the format. The later step that reads ``spans`` must
therefore map offsets if a text had CRs; we do not keep CRs to spare it that, because every
other part of the program assumes LF-only text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.corpus.dates import checked_published
from annotator.corpus.decode import normalise_newlines
from annotator.corpus.drafts import DocumentDraft, ReadOptions
from annotator.corpus.text_stream import text_lines
from annotator.corpus.titles import title_from_text
from annotator.errors import Errors, UserError
from annotator.storable import unstorable

_STRING_FIELDS = ("title", "url", "published", "source")


def read_jsonl(path: Path, options: ReadOptions) -> Iterator[DocumentDraft]:
    """The documents of a .jsonl file, one line read at a time (see ``text_stream``); a bad line
    raises ``UserError`` naming the line, and the importer then drops what it had of the file."""
    with text_lines(path, options.limits) as lines:  # newlines are LF, so line numbers match any editor's
        for number, line in enumerate(lines, start=1):
            if line.strip():
                draft = _draft(_parse(line.removesuffix("\n"), path, number), path, number)
                options.limits.check_document(draft.text, f"{path}, line {number}")
                yield draft


def _parse(line: str, path: Path, number: int) -> object:
    try:
        return json.loads(line, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        reason = f"{exc.msg} at column {exc.colno}"
    except ValueError as exc:  # from _reject_constant
        reason = str(exc)
    except RecursionError:  # e.g. 100,000 nested brackets: malformed for our purposes
        reason = "it is nested too deeply"
    raise UserError(Errors.E309.format(path=path, line=number, reason=reason))


def _reject_constant(name: str) -> object:
    """NaN and Infinity are Python extensions to JSON; metadata must stay portable JSON."""
    raise ValueError(f"{name} is not a JSON value")


def _draft(record: object, path: Path, number: int) -> DocumentDraft:
    if not isinstance(record, dict):
        raise UserError(Errors.E310.format(path=path, line=number, found=_json_type(record)))
    problem = unstorable({key: record.get(key) for key in ("text", "id", "meta", *_STRING_FIELDS)}, "the line")
    if problem:
        raise UserError(Errors.E333.format(path=path, line=number, problem=problem))
    text = record.get("text")
    if not isinstance(text, str):
        found = "missing" if "text" not in record else _json_type(text)
        raise UserError(Errors.E311.format(path=path, line=number, found=found))
    text = normalise_newlines(text)
    if not text.strip():
        raise UserError(Errors.E312.format(path=path, line=number))
    fields = {key: _optional(record, key, path, number, str) for key in _STRING_FIELDS}
    meta = dict(_optional(record, "meta", path, number, dict) or {})
    if fields["source"]:
        meta["source"] = fields["source"]
    identifier = _optional(record, "id", path, number, str, int, float)
    name = str(identifier) if identifier not in (None, "") else f"{path.stem}-{number}"
    title = (fields["title"] or "").strip() or title_from_text(text) or name
    published = checked_published(fields["published"], f"{path}, line {number}")
    return DocumentDraft(text=text, title=title, name=name, source=str(path), meta=meta,
                         url=fields["url"] or None, published=published)


_EXPECTED = {str: "a string", dict: "an object", int: "a number", float: "a number"}


def _optional(record: dict[str, object], key: str, path: Path, number: int, *kinds: type) -> Any:
    """Return ``record[key]`` if it is one of ``kinds``, None if absent or null, else refuse."""
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, kinds):
        expected = " or ".join(dict.fromkeys(_EXPECTED[kind] for kind in kinds))
        raise UserError(Errors.E313.format(path=path, line=number, field=key, expected=expected,
                                           found=_json_type(value)))
    return value


def _json_type(value: object) -> str:
    """Name a parsed JSON value's type the way the file's author would."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"
