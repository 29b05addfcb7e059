"""Editing annotations: spans, relations, document labels, statuses and notes.

Every public method that changes something is one committed transaction, so what the analyst
sees is on disk (the "no Save button" rule). Deletes return what they removed and
``restore_span`` puts it back with the same ids, which is what undo needs even when relations
hung off the deleted span. Labels are checked against the project's schema here, in the core, so
the CLI and the GUI cannot disagree about what is allowed.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from annotator.errors import Errors, UserError
from annotator.store.database import inserted_id
from annotator.store.models import (
    LAYERS,
    STATUSES,
    utcnow,
)
from annotator.store.records import DeletedSpan, RelationRecord, SpanRecord
from annotator.store.tables import (
    ACTOR,
    ANNOTATOR,
    DOC,
    DOC_LABEL,
    LABEL,
    NOTE,
    REL,
    SPAN,
    STATUS,
)
from annotator.store.versions import (
    RELATION_KIND,
    SPAN_KIND,
    ConflictError,
    delete_row,
    describe_relation,
    describe_span,
    update_row,
    where_text,
)

if TYPE_CHECKING:
    from annotator.store.project import Project


_UNSET: Any = object()

_SPAN_COLUMNS = (
    SPAN.c.id, SPAN.c.document_id, SPAN.c.start_offset, SPAN.c.end_offset, LABEL.c.name.label("label"),
    ANNOTATOR.c.name.label("annotator"), SPAN.c.layer, SPAN.c.attrs, SPAN.c.note, SPAN.c.score, SPAN.c.source,
    ACTOR.c.name.label("actor"), SPAN.c.status, SPAN.c.fragments, SPAN.c.version,
)
_REL_COLUMNS = (
    REL.c.id, REL.c.document_id, REL.c.head_id, REL.c.tail_id, LABEL.c.name.label("label"),
    ANNOTATOR.c.name.label("annotator"), REL.c.layer, REL.c.attrs, REL.c.version,
)
_JSON_COLUMNS = (SPAN.c.attrs, SPAN.c.fragments, REL.c.attrs)
_NOTHING = frozenset(("{}", "null", "[]"))  # JSON texts that decode to what records keep as empty


def _json_as_text(columns: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(sa.type_coerce(column, sa.Text).label(column.name) if any(column is json for json in _JSON_COLUMNS)
                 else column for column in columns)


_SPAN_COLUMNS_JSON_TEXT = _json_as_text(_SPAN_COLUMNS)
_REL_COLUMNS_JSON_TEXT = _json_as_text(_REL_COLUMNS)


def span_query(*, json_as_text: bool = False) -> sa.Select[Any]:
    """Spans with their label, annotator and actor names, ready for a ``where``.

    With ``json_as_text`` the JSON columns (attributes, fragments) come as the text stored where
    the backend stores text (SQLite), for ``span_record`` to decode only when there is something
    in it: the JSON type decodes every "{}", a quarter of the time it takes to read the 20,000
    spans of a large document, most of which have no attributes.
    """
    return (
        sa.select(*(_SPAN_COLUMNS_JSON_TEXT if json_as_text else _SPAN_COLUMNS))
        .join(LABEL, LABEL.c.id == SPAN.c.label_id)
        .join(ANNOTATOR, ANNOTATOR.c.id == SPAN.c.annotator_id)
        .outerjoin(ACTOR, ACTOR.c.id == SPAN.c.actor_id)
    )


def relation_query(*, json_as_text: bool = False) -> sa.Select[Any]:
    """Relations with their label and annotator names, ready for a ``where`` (``json_as_text``
    as for ``span_query``)."""
    return (
        sa.select(*(_REL_COLUMNS_JSON_TEXT if json_as_text else _REL_COLUMNS))
        .join(LABEL, LABEL.c.id == REL.c.label_id)
        .join(ANNOTATOR, ANNOTATOR.c.id == REL.c.annotator_id)
    )


# Statements an editor's key runs are built once, here, with bound parameters, not per call:
# building a span query and working out its cache key cost SQLAlchemy about 0.3 ms each time,
# before its compiled-statement cache is even asked, and a key runs ten of them. A statement
# built once keeps its cache key, so each execution goes straight to the compiled form
# (0.07 ms for a span by id). Lists go in as expanding parameters: one statement whatever
# their length.
_TOUCHING: sa.BindParameter[Any] = sa.bindparam("touching", expanding=True)
# The ids of the relations with an end among the spans ``touching`` (a few), for an ``in_``. A
# subquery, so that SQLite looks them up by the head and tail indexes: written as a plain
# condition beside the document's, SQLite walks the document's index instead, every relation
# of the layer (5 ms for one span's relations among 2,000).
RELATIONS_TOUCHING = sa.select(REL.c.id).where(sa.or_(REL.c.head_id.in_(_TOUCHING), REL.c.tail_id.in_(_TOUCHING)))
SPAN_BY_ID = span_query().where(SPAN.c.id == sa.bindparam("span_id"))
RELATION_BY_ID = relation_query().where(REL.c.id == sa.bindparam("relation_id"))
_RELATIONS_OF_SPAN = (relation_query().where(sa.or_(REL.c.head_id == sa.bindparam("span_id"),
                                                    REL.c.tail_id == sa.bindparam("span_id")))
                      .order_by(REL.c.id))
_DOCUMENT_LENGTH = sa.select(DOC.c.n_chars).where(DOC.c.id == sa.bindparam("doc_id"))
_TOUCH_DOCUMENT = DOC.update().where(DOC.c.id == sa.bindparam("doc_id"))  # SET updated_at from the parameters
_STATUS = sa.select(STATUS.c.status).where(STATUS.c.document_id == sa.bindparam("doc_id"),
                                           STATUS.c.annotator_id == sa.bindparam("annotator_id"))
_SPAN_INSERT = SPAN.insert()  # the columns from the parameters
_DOC_LABELS = (sa.select(LABEL.c.name).join(DOC_LABEL, DOC_LABEL.c.label_id == LABEL.c.id)
               .where(DOC_LABEL.c.document_id == sa.bindparam("doc_id"),
                      DOC_LABEL.c.annotator_id == sa.bindparam("annotator_id"), DOC_LABEL.c.layer == sa.bindparam("layer"))
               .order_by(DOC_LABEL.c.id))
_DOCUMENT_NOTES = (sa.select(NOTE.c.id, ANNOTATOR.c.name, NOTE.c.text)
                   .join(ANNOTATOR, ANNOTATOR.c.id == NOTE.c.annotator_id)
                   .where(NOTE.c.document_id == sa.bindparam("doc_id"), NOTE.c.span_id.is_(None)).order_by(NOTE.c.id))


def filtered_by_whose(query: sa.Select[Any], *, annotators: bool, layers: bool) -> sa.Select[Any]:
    """A span query kept to the annotators and layers bound later as ``annotators`` and
    ``layers`` (expanding parameters), where asked."""
    if annotators:
        query = query.where(ANNOTATOR.c.name.in_(sa.bindparam("annotators", expanding=True)))
    if layers:
        query = query.where(SPAN.c.layer.in_(sa.bindparam("layers", expanding=True)))
    return query


@functools.cache
def _spans_statement(annotators: bool, layers: bool, ids: bool, starting_at: bool) -> sa.Select[Any]:
    """``Annotations.spans``' statement with the filters asked for (built once per combination)."""
    query = filtered_by_whose(span_query(json_as_text=True).where(SPAN.c.document_id == sa.bindparam("doc_id"))
                              .order_by(SPAN.c.start_offset, SPAN.c.end_offset.desc(), SPAN.c.id),
                              annotators=annotators, layers=layers)
    if ids:
        query = query.where(SPAN.c.id.in_(sa.bindparam("ids", expanding=True)))
    if starting_at:
        query = query.where(SPAN.c.start_offset.in_(sa.bindparam("starting_at", expanding=True)))
    return query


@functools.cache
def _relations_statement(annotators: bool, layers: bool, ids: bool, touching: bool) -> sa.Select[Any]:
    """``Annotations.relations``' statement with the filters asked for (built once per combination)."""
    query = relation_query(json_as_text=True).where(REL.c.document_id == sa.bindparam("doc_id")).order_by(REL.c.id)
    if annotators:
        query = query.where(ANNOTATOR.c.name.in_(sa.bindparam("annotators", expanding=True)))
    if layers:
        query = query.where(REL.c.layer.in_(sa.bindparam("layers", expanding=True)))
    if ids:
        query = query.where(REL.c.id.in_(sa.bindparam("ids", expanding=True)))
    if touching:
        query = query.where(REL.c.id.in_(RELATIONS_TOUCHING))
    return query


def _filters(**lists: Iterable[Any] | None) -> dict[str, list[Any]]:
    """The list parameters given (not None), as lists."""
    return {name: list(values) for name, values in lists.items() if values is not None}


def read_span(connection: Connection, span_id: int) -> SpanRecord | None:
    """The span ``span_id`` as stored, or None."""
    row = connection.execute(SPAN_BY_ID, {"span_id": span_id}).one_or_none()
    return None if row is None else span_record(row)


def touch_document(connection: Connection, doc_id: int, now: Any) -> None:
    """Set the document's last edit to ``now``."""
    connection.execute(_TOUCH_DOCUMENT, {"doc_id": doc_id, "updated_at": now})


def _decoded(value: Any) -> Any:
    """A JSON column's value: decoded already (by the JSON type, or by PostgreSQL's driver), or
    the stored text of a ``json_as_text`` query, decoded here unless it holds nothing."""
    if isinstance(value, str):
        return None if value in _NOTHING else json.loads(value)
    return value


def span_record(row: sa.Row[Any]) -> SpanRecord:
    """A row of ``span_query`` as a record.

    Unpacked by position (the order of ``_SPAN_COLUMNS``): a document with 20,000 spans opens
    noticeably faster than with thirteen attribute look-ups per row.
    """
    (span_id, document_id, start, end, label, annotator, layer, attrs, note, score, source, actor,
     status, fragments, version) = cast(tuple[Any, ...], row)
    fragments = _decoded(fragments)
    return SpanRecord(span_id, document_id, start, end, label, annotator, layer, dict(_decoded(attrs) or {}),
                      note or "", score, source, actor, status,
                      tuple((a, b) for a, b in fragments) if fragments else None, version)


def relation_record(row: sa.Row[Any]) -> RelationRecord:
    """A row of ``relation_query`` as a record (by position, as ``span_record``)."""
    relation_id, document_id, head_id, tail_id, label, annotator, layer, attrs, version = cast(tuple[Any, ...], row)
    return RelationRecord(relation_id, document_id, head_id, tail_id, label, annotator, layer,
                          dict(_decoded(attrs) or {}), version)


def conflict_error(connection: Connection, kind: str, item_id: int, expected: int) -> ConflictError:
    """The ``ConflictError`` for a guarded write to ``kind`` ``item_id`` that touched no row:
    E130 with the row's current value, or E131 when it is gone."""
    if kind == SPAN_KIND:
        row = connection.execute(
            span_query().add_columns(SPAN.c.adjudicator, SPAN.c.updated_at,
                                     sa.func.substr(DOC.c.text, SPAN.c.start_offset + 1,
                                                    SPAN.c.end_offset - SPAN.c.start_offset))
            .join(DOC, DOC.c.id == SPAN.c.document_id).where(SPAN.c.id == item_id)).one_or_none()
        if row is not None:
            *columns, adjudicator, updated_at, text = row
            span = span_record(columns)  # type: ignore[arg-type]
            changed = f", last changed {updated_at:%Y-%m-%d %H:%M:%S} UTC" if updated_at is not None else ""
            message = Errors.E130.format(
                what="Span", item_id=item_id, where=where_text(span.layer, span.annotator, span.document_id,
                                                              adjudicator),
                expected=expected, version=span.version, changed=changed, current=describe_span(span, text or ""))
            return ConflictError(message, kind=kind, item_id=item_id, expected=expected, current=span)
    else:
        found = connection.execute(relation_query().add_columns(REL.c.adjudicator)
                                   .where(REL.c.id == item_id)).one_or_none()
        if found is not None:
            *columns, adjudicator = found
            relation = relation_record(columns)  # type: ignore[arg-type]
            message = Errors.E130.format(
                what="Relation", item_id=item_id,
                where=where_text(relation.layer, relation.annotator, relation.document_id, adjudicator),
                expected=expected, version=relation.version, changed="", current=describe_relation(relation))
            return ConflictError(message, kind=kind, item_id=item_id, expected=expected, current=relation)
    message = Errors.E131.format(what=kind.capitalize(), item_id=item_id, expected=expected)
    return ConflictError(message, kind=kind, item_id=item_id, expected=expected, current=None)


def _check_fragments(fragments: Sequence[tuple[int, int]] | None, start: int, end: int,
                     doc_id: int, length: int) -> tuple[tuple[int, int], ...] | None:
    """The pieces of a discontinuous span as a tuple, or None; refuse pieces that do not fit
    (E106) or are out of order or overlap (E594)."""
    if not fragments or len(fragments) < 2:
        return None
    pieces = tuple((int(a), int(b)) for a, b in fragments)
    previous_end = -1
    for a, b in pieces:
        if not 0 <= a < b <= length:
            raise UserError(Errors.E106.format(start=a, end=b, doc_id=doc_id, length=length))
        if a < previous_end:
            raise UserError(Errors.E594.format(pieces=_piece_text(pieces), doc_id=doc_id))
        previous_end = b
    if pieces[0][0] != start or pieces[-1][1] != end:
        raise UserError(Errors.E106.format(start=pieces[0][0], end=pieces[-1][1], doc_id=doc_id, length=length))
    return pieces


def _piece_text(pieces: Sequence[tuple[int, int]]) -> str:
    """Pieces as brat writes them ("0 5;9 14"), for messages."""
    return ";".join(f"{a} {b}" for a, b in pieces)


def _clipped(pieces: tuple[tuple[int, int], ...] | None, start: int,
             end: int) -> tuple[tuple[int, int], ...] | None:
    """The pieces of a discontinuous span resized to ``[start, end)``: the pieces still inside,
    the first starting at ``start`` and the last ending at ``end`` (None when one is left), so a
    resize never leaves fragments that disagree with the span's ends."""
    if pieces is None:
        return None
    kept = [[a, b] for a, b in pieces if b > start and a < end]
    if len(kept) < 2:
        return None
    kept[0][0], kept[-1][1] = start, end
    return tuple((a, b) for a, b in kept)


def _check_layer(layer: str) -> None:
    if layer not in LAYERS:
        raise ValueError(f"unknown layer {layer!r}")


class Annotations:
    """Read and edit annotations of a project."""

    def __init__(self, project: Project) -> None:
        self._project = project

    # --- reading -------------------------------------------------------------------------

    def spans(self, doc_id: int, *, annotators: Iterable[str] | None = None,
              layers: Iterable[str] | None = None, ids: Iterable[int] | None = None,
              starting_at: Iterable[int] | None = None) -> list[SpanRecord]:
        """Spans of one document in text order, optionally only some annotators and layers, only
        those of ``ids``, or only those starting at ``starting_at`` offsets (a few each: an editor
        showing what one step changed)."""
        given = _filters(annotators=annotators, layers=layers, ids=ids, starting_at=starting_at)
        query = _spans_statement("annotators" in given, "layers" in given, "ids" in given, "starting_at" in given)
        with self._project.reading() as connection:
            return [span_record(row) for row in connection.execute(query, {"doc_id": doc_id, **given}).all()]

    def span(self, span_id: int) -> SpanRecord:
        with self._project.reading() as connection:
            return self._span(connection, span_id)

    def _span(self, connection: Connection, span_id: int) -> SpanRecord:
        span = read_span(connection, span_id)
        if span is None:
            raise UserError(Errors.E107.format(what="span", item_id=span_id))
        return span

    def relations(self, doc_id: int, *, annotators: Iterable[str] | None = None,
                  layers: Iterable[str] | None = None, ids: Iterable[int] | None = None,
                  touching: Iterable[int] | None = None) -> list[RelationRecord]:
        """Relations of one document by id, optionally only some annotators and layers, only
        those of ``ids``, or only those with an end among the spans ``touching`` (a few each)."""
        given = _filters(annotators=annotators, layers=layers, ids=ids, touching=touching)
        query = _relations_statement("annotators" in given, "layers" in given, "ids" in given, "touching" in given)
        with self._project.reading() as connection:
            return [relation_record(row) for row in connection.execute(query, {"doc_id": doc_id, **given}).all()]

    def _relations_of_span(self, connection: Connection, span_id: int) -> list[RelationRecord]:
        return [relation_record(row) for row in connection.execute(_RELATIONS_OF_SPAN, {"span_id": span_id})]

    # --- spans ---------------------------------------------------------------------------

    def add_span(self, doc_id: int, start: int, end: int, label: str, annotator: str, *,
                 layer: str = "annotation", attrs: dict[str, Any] | None = None, note: str = "",
                 score: float | None = None, source: str | None = None, span_id: int | None = None,
                 allow_new_label: bool = False,
                 fragments: Sequence[tuple[int, int]] | None = None) -> SpanRecord:
        """Add a span and commit it. Offsets are code points into the stored text.

        ``span_id`` re-creates a span under its old id (undo of a delete). Labels must be span
        labels of the schema unless ``allow_new_label`` (imports), which registers new ones.
        ``fragments`` makes a discontinuous span: ordered, non-overlapping pieces whose first
        start and last end are ``start`` and ``end``.
        """
        _check_layer(layer)
        project = self._project
        if not allow_new_label and project.schema.span_label(label) is None:
            known = ", ".join(spec.name for spec in project.schema.span_labels)
            raise UserError(Errors.E108.format(label=label, kind="span", known=known))
        kind = "model" if layer == "suggestion" else "human"
        status = "pending" if layer == "suggestion" else None
        with project.transaction() as connection:
            length = connection.execute(_DOCUMENT_LENGTH, {"doc_id": doc_id}).scalar_one_or_none()
            if length is None:
                raise UserError(Errors.E105.format(doc_id=doc_id, location=project.location))
            if not 0 <= start < end <= length:
                raise UserError(Errors.E106.format(start=start, end=end, doc_id=doc_id, length=length))
            pieces = _check_fragments(fragments, start, end, doc_id, length)
            now = utcnow()
            values: dict[str, Any] = dict(
                document_id=doc_id, annotator_id=project.annotator_id(annotator, kind=kind, connection=connection),
                layer=layer, label_id=project.label_id("span", label, create=True, connection=connection),
                start_offset=start, end_offset=end, attrs=dict(attrs or {}), note=note, score=score,
                source=source, created_at=now, updated_at=now, status=status,
                fragments=[list(piece) for piece in pieces] if pieces else None,
            )
            if span_id is not None:
                values["id"] = span_id
            new_id = inserted_id(connection.execute(_SPAN_INSERT, values))
            project.note_change(spans=[new_id])
            self.touch_document(connection, doc_id, values["annotator_id"], layer, now)
        return SpanRecord(id=new_id, document_id=doc_id, start=start, end=end, label=label, annotator=annotator,
                          layer=layer, attrs=dict(attrs or {}), note=note, score=score, source=source,
                          status=status, fragments=pieces)

    def update_span(self, span_id: int, *, label: str = _UNSET, attrs: dict[str, Any] = _UNSET,
                    note: str = _UNSET, start: int = _UNSET, end: int = _UNSET,
                    fragments: Sequence[tuple[int, int]] | None = _UNSET,
                    expected_version: int | None = None) -> SpanRecord:
        """Change some fields of a span and commit; returns the span as it now is (new version).

        ``fragments`` gives the pieces of a discontinuous span (in text order, not overlapping,
        within the text); its start and end are then those of the pieces, unless given too, when
        they must agree. One piece, or None, makes the span contiguous again (over that piece, or
        over ``start``/``end``). Resizing a discontinuous span without ``fragments`` moves its
        first and last pieces' outer ends (``_clipped``).
        With ``expected_version`` (the version the editor saw) the change is made only if nobody
        changed the span since; otherwise ``ConflictError`` shows its current value.
        """
        project = self._project
        with project.transaction() as connection:
            current = self._current_span(connection, span_id, expected_version)
            values: dict[str, Any] = {}
            if label is not _UNSET and label != current.label:
                if project.schema.span_label(label) is None:
                    known = ", ".join(spec.name for spec in project.schema.span_labels)
                    raise UserError(Errors.E108.format(label=label, kind="span", known=known))
                values["label_id"] = project.label_id("span", label, create=True, connection=connection)
            if attrs is not _UNSET:
                values["attrs"] = dict(attrs)
            if note is not _UNSET:
                values["note"] = note
            new_start = current.start if start is _UNSET else start
            new_end = current.end if end is _UNSET else end
            pieces = current.fragments
            if fragments is not _UNSET:
                given = tuple((int(a), int(b)) for a, b in fragments or ())
                if given:
                    new_start = given[0][0] if start is _UNSET else start
                    new_end = given[-1][1] if end is _UNSET else end
                if len(given) == 1 and given[0] != (new_start, new_end):
                    raise UserError(Errors.E594.format(pieces=_piece_text(given), doc_id=current.document_id))
                pieces = given if len(given) > 1 else None
            elif (new_start, new_end) != (current.start, current.end):
                pieces = _clipped(pieces, new_start, new_end)
            if (new_start, new_end, pieces) != (current.start, current.end, current.fragments):
                length = connection.execute(_DOCUMENT_LENGTH, {"doc_id": current.document_id}).scalar_one()
                pieces = _check_fragments(pieces, new_start, new_end, current.document_id, length)
                if not 0 <= new_start < new_end <= length:
                    raise UserError(Errors.E106.format(start=new_start, end=new_end,
                                                       doc_id=current.document_id, length=length))
                values.update(start_offset=new_start, end_offset=new_end,
                              fragments=[list(piece) for piece in pieces] if pieces else sa.null())
            if values:
                now = utcnow()
                if not update_row(connection, SPAN, span_id, current.version, {**values, "updated_at": now}):
                    raise conflict_error(connection, SPAN_KIND, span_id, current.version)
                project.note_change(documents=[current.document_id], spans=[span_id])
                touch_document(connection, current.document_id, now)
            return self._span(connection, span_id)

    def _current_span(self, connection: Connection, span_id: int, expected: int | None) -> SpanRecord:
        """The span as stored, refused with ``ConflictError`` if it is gone or has moved on from
        the ``expected`` version. The guarded write that follows checks the version again in
        the same statement, which is what closes the race; this early check only makes the
        common case (a stale editor) fail before any validation work."""
        current = read_span(connection, span_id)
        if current is None:
            if expected is not None:
                raise conflict_error(connection, SPAN_KIND, span_id, expected)
            raise UserError(Errors.E107.format(what="span", item_id=span_id))
        if expected is not None and current.version != expected:
            raise conflict_error(connection, SPAN_KIND, span_id, expected)
        return current

    def delete_span(self, span_id: int, *, expected_version: int | None = None) -> DeletedSpan:
        """Delete a span and the relations that use it; return them for undo. With
        ``expected_version``, only if nobody changed the span since (else ``ConflictError``)."""
        with self._project.transaction() as connection:
            span = self._current_span(connection, span_id, expected_version)
            relations = tuple(self._relations_of_span(connection, span_id))
            if relations:  # most spans have none: no statement for nothing
                connection.execute(REL.delete().where(REL.c.id.in_([r.id for r in relations])))
            if not delete_row(connection, SPAN, span_id, span.version):
                raise conflict_error(connection, SPAN_KIND, span_id, span.version)
            touch_document(connection, span.document_id, utcnow())
            self._project.note_change(documents=[span.document_id], spans=[span_id],
                                      relations=[r.id for r in relations])
        return DeletedSpan(span=span, relations=relations)

    def restore_span(self, deleted: DeletedSpan, *,
                     provenance: tuple[str | None, str | None] = (None, None)) -> SpanRecord:
        """Put a deleted span and its relations back, with their old ids, in one transaction;
        returns the span as restored.

        Its actor link comes back too, unless that actor has been deleted or renamed since.
        The rows come back with the versions they had: they hold the same values again, so an
        editor that still shows them as they were may edit them.
        ``provenance`` is a gold span's (origin annotator, adjudicator).
        """
        span = deleted.span
        project = self._project
        with project.transaction() as connection:
            now = utcnow()
            actor_id = None
            if span.actor is not None:
                actor_id = connection.execute(
                    sa.select(ACTOR.c.id).where(ACTOR.c.name == span.actor)
                ).scalar_one_or_none()
            connection.execute(SPAN.insert().values(
                id=span.id, document_id=span.document_id,
                annotator_id=project.annotator_id(span.annotator, connection=connection), layer=span.layer,
                label_id=project.label_id("span", span.label, create=True, connection=connection),
                start_offset=span.start, end_offset=span.end, attrs=span.attrs, note=span.note,
                score=span.score, source=span.source, created_at=now, updated_at=now,
                actor_id=actor_id, status=span.status,
                fragments=[list(piece) for piece in span.fragments] if span.fragments else None,
                origin_annotator=provenance[0], adjudicator=provenance[1], version=span.version,
            ))
            for relation in deleted.relations:
                self._insert_relation(connection, relation, version=relation.version)
            touch_document(connection, span.document_id, now)
            project.note_change(documents=[span.document_id], spans=[span.id],
                                relations=[r.id for r in deleted.relations])
            return self._span(connection, span.id)

    # --- relations -----------------------------------------------------------------------

    def add_relation(self, head_id: int, tail_id: int, label: str, annotator: str, *,
                     attrs: dict[str, Any] | None = None, relation_id: int | None = None,
                     check_schema: bool = True) -> RelationRecord:
        """Link two spans of the same document and layer with a relation type the schema allows."""
        project = self._project
        with project.transaction() as connection:
            head = self._span(connection, head_id)
            tail = self._span(connection, tail_id)
            if head.document_id != tail.document_id or head.layer != tail.layer or head_id == tail_id:
                raise UserError(Errors.E110)
            if check_schema:
                self._check_relation_allowed(label, head.label, tail.label)
            record = RelationRecord(
                id=relation_id or 0, document_id=head.document_id, head_id=head_id, tail_id=tail_id,
                label=label, annotator=annotator, layer=head.layer, attrs=dict(attrs or {}),
            )
            new_id = self._insert_relation(connection, record, keep_id=relation_id is not None)
            touch_document(connection, head.document_id, utcnow())
            project.note_change(documents=[head.document_id], relations=[new_id])
        return RelationRecord(**{**_as_dict(record), "id": new_id})

    def _check_relation_allowed(self, label: str, head_label: str, tail_label: str) -> None:
        schema = self._project.schema
        relation_type = schema.relation_type(label)
        if relation_type is None:
            known = ", ".join(spec.name for spec in schema.relation_types)
            raise UserError(Errors.E108.format(label=label, kind="relation", known=known))
        if head_label not in relation_type.head or tail_label not in relation_type.tail:
            raise UserError(Errors.E109.format(
                label=label, head=head_label, tail=tail_label,
                allowed_heads="/".join(relation_type.head), allowed_tails="/".join(relation_type.tail),
            ))

    def _insert_relation(self, connection: Connection, relation: RelationRecord, *, keep_id: bool = True,
                         version: int = 1) -> int:
        project = self._project
        values: dict[str, Any] = dict(
            document_id=relation.document_id,
            annotator_id=project.annotator_id(relation.annotator, connection=connection),
            layer=relation.layer,
            label_id=project.label_id("relation", relation.label, create=True, connection=connection),
            head_id=relation.head_id, tail_id=relation.tail_id, attrs=relation.attrs, created_at=utcnow(),
            version=version,
        )
        if keep_id:
            values["id"] = relation.id
        return inserted_id(connection.execute(REL.insert().values(**values)))

    def delete_relation(self, relation_id: int, *, expected_version: int | None = None) -> RelationRecord:
        """Delete a relation; with ``expected_version``, only if nobody changed it since."""
        with self._project.transaction() as connection:
            row = connection.execute(RELATION_BY_ID, {"relation_id": relation_id}).one_or_none()
            if row is None:
                if expected_version is not None:
                    raise conflict_error(connection, RELATION_KIND, relation_id, expected_version)
                raise UserError(Errors.E107.format(what="relation", item_id=relation_id))
            relation = relation_record(row)
            guard = relation.version if expected_version is None else expected_version
            if not delete_row(connection, REL, relation_id, guard):
                raise conflict_error(connection, RELATION_KIND, relation_id, guard)
            touch_document(connection, relation.document_id, utcnow())
            self._project.note_change(documents=[relation.document_id], relations=[relation_id])
        return relation

    def restore_relation(self, relation: RelationRecord) -> None:
        """Put a deleted relation back under its id and version (see ``restore_span``)."""
        with self._project.transaction() as connection:
            self._insert_relation(connection, relation, version=relation.version)
            self._project.note_change(documents=[relation.document_id], relations=[relation.id])

    # --- document labels, status, notes ----------------------------------------------------

    def doc_labels(self, doc_id: int, annotator: str, *, layer: str = "annotation") -> list[str]:
        annotator_id = self._project.reading_annotator_id(annotator)
        with self._project.reading() as connection:
            return list(connection.execute(_DOC_LABELS, {"doc_id": doc_id, "annotator_id": annotator_id,
                                                         "layer": layer}).scalars())

    def set_doc_label(self, doc_id: int, label: str, annotator: str, present: bool, *,
                      layer: str = "annotation") -> None:
        """Add or remove a document-level label; labels in one schema group exclude each other."""
        _check_layer(layer)
        project = self._project
        specs = {spec.name: spec for spec in project.schema.document_labels}
        if label not in specs:
            raise UserError(Errors.E108.format(label=label, kind="document", known=", ".join(sorted(specs))))
        group = specs[label].group
        siblings = [spec.name for spec in specs.values() if group and spec.group == group and spec.name != label]
        with project.transaction() as connection:
            project.note_change(document_labels=[doc_id])
            annotator_id = project.annotator_id(annotator, connection=connection)
            label_id = project.label_id("document", label, create=True, connection=connection)
            mine = sa.and_(DOC_LABEL.c.document_id == doc_id, DOC_LABEL.c.annotator_id == annotator_id,
                           DOC_LABEL.c.layer == layer)
            if not present:
                connection.execute(DOC_LABEL.delete().where(mine, DOC_LABEL.c.label_id == label_id))
                return
            if siblings:
                sibling_ids = [project.label_id("document", name, create=True, connection=connection)
                               for name in siblings]
                connection.execute(DOC_LABEL.delete().where(mine, DOC_LABEL.c.label_id.in_(sibling_ids)))
            exists = connection.execute(
                sa.select(DOC_LABEL.c.id).where(mine, DOC_LABEL.c.label_id == label_id)
            ).first()
            if exists is None:
                connection.execute(DOC_LABEL.insert().values(
                    document_id=doc_id, annotator_id=annotator_id, layer=layer, label_id=label_id,
                    created_at=utcnow()))

    def status(self, doc_id: int, annotator: str) -> str:
        annotator_id = self._project.reading_annotator_id(annotator)
        with self._project.reading() as connection:
            value = connection.execute(_STATUS, {"doc_id": doc_id, "annotator_id": annotator_id}).scalar_one_or_none()
        return value or "todo"

    def set_status(self, doc_id: int, annotator: str, status: str) -> str:
        """Set ``annotator``'s status on a document; returns the previous one (for undo)."""
        if status not in STATUSES:
            raise UserError(Errors.E111.format(allowed=", ".join(STATUSES), status=status))
        with self._project.transaction() as connection:
            annotator_id = self._project.annotator_id(annotator, connection=connection)
            return self._set_status(connection, doc_id, annotator_id, status)

    def _set_status(self, connection: Connection, doc_id: int, annotator_id: int, status: str) -> str:
        where = (STATUS.c.document_id == doc_id, STATUS.c.annotator_id == annotator_id)
        previous = connection.execute(sa.select(STATUS.c.status).where(*where)).scalar_one_or_none()
        now = utcnow()
        if previous != status:
            self._project.note_change(statuses=[doc_id])
        if previous is None:
            connection.execute(STATUS.insert().values(document_id=doc_id, annotator_id=annotator_id,
                                                      status=status, updated_at=now))
        elif previous != status:
            connection.execute(STATUS.update().where(*where).values(status=status, updated_at=now))
        return previous or "todo"

    def touch_document(self, connection: Connection, doc_id: int, annotator_id: int, layer: str,
                       now: Any) -> None:
        """Mark the document edited; an analyst's first edit moves it from todo to in progress."""
        self._project.note_change(documents=[doc_id])
        touch_document(connection, doc_id, now)
        if layer == "annotation":
            if connection.execute(_STATUS, {"doc_id": doc_id, "annotator_id": annotator_id}).scalar_one_or_none() is None:
                self._set_status(connection, doc_id, annotator_id, "in_progress")

    def notes(self, doc_id: int) -> list[tuple[int, str, str]]:
        """(id, annotator, text) of the document's notes, oldest first (span comments are not
        document notes: see ``review.adjudicate``)."""
        with self._project.reading() as connection:
            rows = connection.execute(_DOCUMENT_NOTES, {"doc_id": doc_id}).all()
        return [(row[0], row[1], row[2]) for row in rows]

    def set_document_note(self, doc_id: int, annotator: str, text: str) -> None:
        """Keep one note per annotator and document (INCEpTION-style document comment)."""
        with self._project.transaction() as connection:
            self._project.note_change(document_notes=[doc_id])
            annotator_id = self._project.annotator_id(annotator, connection=connection)
            mine = (NOTE.c.document_id == doc_id, NOTE.c.annotator_id == annotator_id, NOTE.c.span_id.is_(None))
            connection.execute(NOTE.delete().where(*mine))
            if text.strip():
                connection.execute(NOTE.insert().values(document_id=doc_id, annotator_id=annotator_id,
                                                        text=text, created_at=utcnow()))


def _as_dict(record: RelationRecord) -> dict[str, Any]:
    return {name: getattr(record, name) for name in RelationRecord.__slots__}
