"""Optimistic row versions: several analysts edit one project and never overwrite each other silently.

Why optimistic rather than locks: analysts rarely change the same span at the same moment, so
locking rows while someone merely looks at them would block far more often than it protects
(and a lock held by a crashed laptop blocks everyone). Instead every span and relation row
carries ``version`` (migration 0005), bumped by each update. An edit states the version its
editor saw (``expected_version``) and its UPDATE/DELETE says
``WHERE id = :id AND version = :expected``; touching no row means someone else changed (or
deleted) it first, and the edit is refused with a ``ConflictError`` showing the value that won.

Why that is safe on both backends without extra locking: the check and the write are one
statement. On PostgreSQL (READ COMMITTED) a second UPDATE of the same row waits for the first
transaction, then re-evaluates its WHERE against the committed row and touches nothing; on
SQLite writers take the database's write lock in turn (WAL, ``busy_timeout``), so the second
one sees the first one's version. Edits to different documents touch different rows and never
wait for each other on PostgreSQL; on SQLite they queue for the short write lock only.

Also here, for the GUI's "did anyone change this document" poll: ``document_state``, one cheap
aggregate query whose result changes whenever a span or relation of the document is added,
changed or deleted by anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from annotator.errors import UserError
from annotator.store.records import RelationRecord, SpanRecord
from annotator.store.tables import REL, SPAN

if TYPE_CHECKING:
    from annotator.store.project import Project

SPAN_KIND = "span"
RELATION_KIND = "relation"


class ConflictError(UserError):
    """An edit refused because the row changed (or went) since its editor loaded it.

    ``current`` is the row as it is now (None when it was deleted), so a window can show it
    and reload; the message (E130/E131) already says what changed and what to do.
    """

    def __init__(self, message: str, *, kind: str, item_id: int, expected: int,
                 current: SpanRecord | RelationRecord | None) -> None:
        super().__init__(message)
        self.kind = kind
        self.item_id = item_id
        self.expected = expected
        self.current = current


def bumped(table: sa.Table) -> dict[str, Any]:
    """The ``values`` entry every UPDATE of a span or relation carries: the next version."""
    return {"version": table.c.version + 1}


def version_after(expected: int) -> int:
    """The version a row has after a guarded write that succeeded: the check and the bump are
    one statement, so it is exactly one more than the version the writer expected."""
    return expected + 1


def _guard(table: sa.Table, item_id: int, expected: int | None) -> list[sa.ColumnElement[bool]]:
    clauses: list[sa.ColumnElement[bool]] = [table.c.id == item_id]
    if expected is not None:
        clauses.append(table.c.version == expected)
    return clauses


def update_row(connection: Connection, table: sa.Table, item_id: int, expected: int | None,
               values: dict[str, Any]) -> bool:
    """UPDATE one span/relation row (bumping its version) if it still has version ``expected``
    (None: whatever it has); False when no row was touched."""
    result = connection.execute(
        table.update().where(*_guard(table, item_id, expected)).values(**values, **bumped(table)))
    return result.rowcount == 1


def delete_row(connection: Connection, table: sa.Table, item_id: int, expected: int | None) -> bool:
    """DELETE one span/relation row if it still has version ``expected``; False if none went."""
    result = connection.execute(table.delete().where(*_guard(table, item_id, expected)))
    return result.rowcount == 1


# --- describing a conflict ----------------------------------------------------------------------


def describe_span(span: SpanRecord, text: str) -> str:
    """The span's current value as the conflict message shows it: what an analyst compares."""
    quote = " ".join(text.split())
    if len(quote) > 80:
        quote = quote[:79] + "…"
    parts = [f"label {span.label}", f"text “{quote}” ({span.start}-{span.end})",
             f"attributes {_attrs(span.attrs)}", f"version {span.version}"]
    if span.note:
        parts.append(f"note “{span.note}”")
    if span.actor:
        parts.append(f"actor {span.actor}")
    if span.status and span.layer == "annotation":
        parts.append(f"review mark {span.status}")
    return ", ".join(parts)


def describe_relation(relation: RelationRecord) -> str:
    return (f"label {relation.label}, from span {relation.head_id} to span {relation.tail_id}, "
            f"attributes {_attrs(relation.attrs)}, version {relation.version}")


def where_text(layer: str, annotator: str, document_id: int, adjudicator: str | None) -> str:
    """Whose layer the item is in: for gold, who adjudicated it last names who decided."""
    if layer == "gold":
        return f"gold layer of document {document_id}, adjudicated by {adjudicator or annotator}"
    return f"{annotator}'s {layer} layer of document {document_id}"


def _attrs(attrs: dict[str, Any]) -> str:
    if not attrs:
        return "none"
    return "{" + ", ".join(f"{key}: {value}" for key, value in sorted(attrs.items())) + "}"


# --- what the editor last wrote ------------------------------------------------------------------


class VersionLedger:
    """The version each item had after this session's own last write to it.

    Why a ledger and not one number per undo command: several commands on one undo stack can
    touch the same span (add it, relabel it, undo the relabel…), each bumping its version, so
    the version an undo must expect is the one left by whichever command ran last. Anything
    else means another session changed the item, which is exactly the conflict to report.
    Forward edits use the version shown on screen instead (what the analyst saw).
    """

    def __init__(self) -> None:
        self._versions: dict[tuple[str, int], int] = {}

    def note(self, kind: str, item_id: int, version: int) -> None:
        self._versions[(kind, item_id)] = version

    def note_span(self, span: SpanRecord) -> None:
        self.note(SPAN_KIND, span.id, span.version)

    def note_relation(self, relation: RelationRecord) -> None:
        self.note(RELATION_KIND, relation.id, relation.version)

    def expected(self, kind: str, item_id: int, fallback: int) -> int:
        """The version this session last left on the item, or ``fallback`` if it wrote none."""
        return self._versions.get((kind, item_id), fallback)

    def clear(self) -> None:
        self._versions.clear()


# --- "what changed since": the GUI's cheap poll ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class DocumentState:
    """A fingerprint of one document's annotations, every layer and annotator together.

    Counts catch additions and deletions, version sums catch edits (every update bumps one
    version), the largest ids and the latest span timestamp catch a deletion and an addition
    that cancel out in the counts (SQLite may even reuse the deleted row's id). Compared for
    equality only, never ordered, so the clocks of different machines do not matter.
    """

    spans: int
    span_versions: int
    last_span_id: int
    last_span_change: datetime | None
    relations: int
    relation_versions: int
    last_relation_id: int

    def changes_from(self, before: DocumentState) -> str:
        """A short account for the status bar, e.g. "2 spans added, spans edited"."""
        parts: list[str] = []
        for noun, now, then in (("span", self.spans, before.spans), ("relation", self.relations, before.relations)):
            if now > then:
                parts.append(f"{now - then} {noun}{'s' if now - then != 1 else ''} added")
            elif now < then:
                parts.append(f"{then - now} {noun}{'s' if then - now != 1 else ''} deleted")
        if self.spans == before.spans and (self.span_versions, self.last_span_id, self.last_span_change) != (
                before.span_versions, before.last_span_id, before.last_span_change):
            parts.append("spans edited")
        if self.relations == before.relations and (self.relation_versions, self.last_relation_id) != (
                before.relation_versions, before.last_relation_id):
            parts.append("relations edited")
        return ", ".join(parts) or "annotations changed"


def document_state(project: Project, doc_id: int) -> DocumentState:
    """The document's fingerprint now: index-backed aggregates, one round trip."""
    spans = (sa.select(sa.func.count().label("n"), sa.func.coalesce(sa.func.sum(SPAN.c.version), 0).label("v"),
                       sa.func.coalesce(sa.func.max(SPAN.c.id), 0).label("last"),
                       sa.func.max(SPAN.c.updated_at).label("changed"))
             .where(SPAN.c.document_id == doc_id).subquery())
    relations = (sa.select(sa.func.count().label("n"), sa.func.coalesce(sa.func.sum(REL.c.version), 0).label("v"),
                           sa.func.coalesce(sa.func.max(REL.c.id), 0).label("last"))
                 .where(REL.c.document_id == doc_id).subquery())
    query = (sa.select(spans.c.n, spans.c.v, spans.c.last, spans.c.changed, relations.c.n, relations.c.v,
                       relations.c.last)
             .select_from(spans.join(relations, sa.true())))  # two one-row aggregates side by side
    with project.reading() as connection:
        n_spans, span_versions, last_span, changed, n_relations, relation_versions, last_relation = (
            connection.execute(query).one())
    return DocumentState(int(n_spans), int(span_versions), int(last_span), changed, int(n_relations),
                         int(relation_versions), int(last_relation))
