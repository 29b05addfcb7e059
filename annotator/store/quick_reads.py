"""Answers for ``annotator show`` and ``annotator docs`` read with plain sqlite3, no SQLAlchemy.

Importing SQLAlchemy takes about 0.2 s, more than everything else these two commands do on a
project of a few documents; an analyst or a script calling them in a loop feels it, and a tool
answering over HTTP (Label Studio: 0.06 s for one document) does not pay it. So for the common
case — a SQLite project file at this version's schema — the rows are fetched here with the
standard library's sqlite3 (SQLite itself, so the rule of never opening the project file by
other means holds) and shaped by the same functions the SQLAlchemy path uses
(``annotator.formats.canonical_rows``, ``document_overview`` below).

Only the happy path is served. A database URL, a missing or empty file, a schema that is older
or newer than this version's, a document reference that is not plainly one document, any SQLite
error: each gives None, and the command takes its normal path through ``Project.open``, which
owns every message, every migration and every refusal. The connection is read-only (SQLite's
``mode=ro``), so a quick read can never write, and one read transaction makes all its queries
see the same moment while another process writes.

The statements below are the ones the Core queries compile to on SQLite;
``tests/test_quick_reads.py`` compares both paths' answers on projects with every kind of row.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote

from annotator.storable import parse_id, unstorable

# What odd contents of a damaged or hostile file raise while reading or decoding it; the normal
# path then reports the damage with its catalogue message.
_SURPRISES = (sqlite3.Error, UnicodeDecodeError, ValueError, TypeError, IndexError, KeyError, AttributeError)
_VERSIONS = Path(__file__).resolve().parent / "migrations" / "versions"
_BUSY_MS = 10_000  # as long as a writer may reasonably hold the file; then the normal path reports it


class DocumentRow(NamedTuple):
    """A document's own columns, named as the Core query's row names them."""

    id: int
    name: str
    title: str
    source: str
    url: str | None
    published: str | None
    meta: dict[str, Any]
    text: str


class DocumentFetch(NamedTuple):
    """One document's row and the rows hanging off it, in the order ``canonical_rows`` takes."""

    document: DocumentRow
    spans: list[tuple[Any, ...]]
    relations: list[tuple[Any, ...]]
    doc_labels: list[tuple[Any, ...]]
    notes: list[tuple[Any, ...]]
    statuses: list[tuple[Any, ...]]
    comments: list[tuple[int, str, str, datetime]]


_SPANS = """
SELECT span.id, span.document_id, span.start_offset, span.end_offset, label.name, annotator.name,
       span.layer, span.attrs, span.note, span.score, span.source, actor.name, span.status,
       span.fragments, span.version, span.origin_annotator, span.adjudicator
FROM span JOIN label ON label.id = span.label_id JOIN annotator ON annotator.id = span.annotator_id
LEFT OUTER JOIN actor ON actor.id = span.actor_id
WHERE span.document_id = ? ORDER BY span.start_offset, span.end_offset DESC, span.id"""
_RELATIONS = """
SELECT relation.id, relation.document_id, relation.head_id, relation.tail_id, label.name, annotator.name,
       relation.layer, relation.attrs, relation.version, relation.origin_annotator, relation.adjudicator
FROM relation JOIN label ON label.id = relation.label_id JOIN annotator ON annotator.id = relation.annotator_id
WHERE relation.document_id = ? ORDER BY relation.id"""
_DOC_LABELS = """
SELECT document_label.document_id, label.name, annotator.name, document_label.layer
FROM document_label JOIN label ON label.id = document_label.label_id
JOIN annotator ON annotator.id = document_label.annotator_id
WHERE document_label.document_id = ? ORDER BY document_label.id"""
_NOTES = """
SELECT note.document_id, annotator.name, note.text FROM note JOIN annotator ON annotator.id = note.annotator_id
WHERE note.document_id = ? AND note.span_id IS NULL ORDER BY note.id"""
_COMMENTS = """
SELECT note.span_id, annotator.name, note.text, note.created_at FROM note
JOIN annotator ON annotator.id = note.annotator_id
WHERE note.document_id = ? AND note.span_id IS NOT NULL ORDER BY note.id"""
_STATUSES = """
SELECT document_status.document_id, annotator.name, document_status.status FROM document_status
JOIN annotator ON annotator.id = document_status.annotator_id
WHERE document_status.document_id = ? ORDER BY annotator.name"""


def quick_read[T](location: str, read: Callable[[sqlite3.Connection], T | None]) -> T | None:
    """``read``'s answer from a quick connection; None where there is none or anything in the
    file surprises the reading (see ``_SURPRISES``)."""
    try:
        with quick_connection(location) as connection:
            return read(connection) if connection is not None else None
    except _SURPRISES:
        return None


@contextmanager
def quick_connection(location: str) -> Iterator[sqlite3.Connection | None]:
    """A read-only connection inside one read transaction, or None where the normal path must
    answer (see the module's docstring)."""
    path = Path(location).expanduser()
    if "://" in location or not path.is_file() or path.stat().st_size == 0:
        yield None
        return
    try:
        connection = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True,
                                     isolation_level=None)
    except sqlite3.Error:
        yield None
        return
    with closing(connection):
        try:
            connection.execute(f"PRAGMA busy_timeout={_BUSY_MS}")
            connection.execute("BEGIN")
            current = _at_head(connection)
        except sqlite3.Error:
            current = False
        yield connection if current else None


def _at_head(connection: sqlite3.Connection) -> bool:
    """Whether the file is a project at this version's schema (the newest migration script's
    revision, which ``migrate.HEAD_REVISION`` names too; a test keeps them equal)."""
    heads = sorted(path.name.split("_", 1)[0] for path in _VERSIONS.glob("[0-9]*_*.py"))
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return bool(heads) and row is not None and row[0] == heads[-1]


def resolve(connection: sqlite3.Connection, reference: str) -> int | None:
    """The document a reference names by ``Documents.resolve``'s rule (an id first, then a name
    only one document has); None for anything else, which the normal path then explains."""
    text = reference.strip()
    if unstorable(text, "the name") is not None:
        return None
    number = parse_id(text)
    if number is not None and connection.execute("SELECT 1 FROM document WHERE id = ?", (number,)).fetchone():
        return number
    found = connection.execute("SELECT id FROM document WHERE name = ? ORDER BY id LIMIT 2", (text,)).fetchall()
    return int(found[0][0]) if len(found) == 1 else None


def fetch_document(connection: sqlite3.Connection, doc_id: int) -> DocumentFetch | None:
    """Everything ``show`` prints about one document, JSON columns and times decoded as the Core
    types decode them."""
    row = connection.execute("SELECT id, name, title, source, url, published, meta, text FROM document "
                             "WHERE id = ?", (doc_id,)).fetchone()
    if row is None:
        return None
    number, name, title, source, url, published, meta, text = row
    document = DocumentRow(number, name, title, source, url, published, _json(meta), text)
    spans = [(*span[:7], _json(span[7]), *span[8:13], _json(span[13]), *span[14:])
             for span in connection.execute(_SPANS, (doc_id,))]
    relations = [(*relation[:7], _json(relation[7]), *relation[8:])
                 for relation in connection.execute(_RELATIONS, (doc_id,))]
    comments = [(span_id, annotator, text, datetime.fromisoformat(created))
                for span_id, annotator, text, created in connection.execute(_COMMENTS, (doc_id,))]
    return DocumentFetch(document, spans, relations, _rows(connection, _DOC_LABELS, doc_id),
                         _rows(connection, _NOTES, doc_id), _rows(connection, _STATUSES, doc_id), comments)


def fetch_overview(connection: sqlite3.Connection) -> list[dict[str, Any]]:
    """The rows of ``annotator docs`` (with each document's language), as ``Documents.overview``."""
    docs = connection.execute("SELECT id, name, title, n_chars FROM document ORDER BY id").fetchall()
    counts = connection.execute(
        "SELECT span.document_id, annotator.name, span.layer, count(*) FROM span "
        "JOIN annotator ON annotator.id = span.annotator_id "
        "GROUP BY span.document_id, annotator.name, span.layer ORDER BY annotator.name").fetchall()
    statuses = connection.execute(
        "SELECT document_status.document_id, annotator.name, document_status.status FROM document_status "
        "JOIN annotator ON annotator.id = document_status.annotator_id ORDER BY annotator.name").fetchall()
    languages = dict(connection.execute("SELECT id, language FROM document").fetchall())
    rows = document_overview(docs, counts, statuses)
    for row in rows:
        row["language"] = languages.get(row["id"])
    return rows


def document_overview(docs: Sequence[Sequence[Any]], counts: Sequence[Sequence[Any]],
                      statuses: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    """Each document (id, name, title, characters) with its span counts per annotator and layer
    and its statuses per annotator: the shape of ``annotator docs``, for both ways of reading."""
    spans: dict[int, dict[str, int]] = {}
    for doc_id, annotator, layer, count in counts:
        key = annotator if layer == "annotation" else f"{annotator} ({layer})"
        spans.setdefault(doc_id, {})[key] = count
    status: dict[int, dict[str, str]] = {}
    for doc_id, annotator, value in statuses:
        status.setdefault(doc_id, {})[annotator] = value
    return [{"id": doc_id, "name": name, "title": title, "characters": n_chars,
             "spans": spans.get(doc_id, {}), "status": status.get(doc_id, {})}
            for doc_id, name, title, n_chars in docs]


def _rows(connection: sqlite3.Connection, statement: str, doc_id: int) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in connection.execute(statement, (doc_id,))]


def _json(value: str | None) -> Any:
    """A JSON column as SQLAlchemy's JSON type gives it (SQL NULL and JSON null both None)."""
    return None if value is None else json.loads(value)
