"""Model suggestions: storing a pipeline's proposals, and the analyst's decisions on them.

A suggestion is a span (or a relation between two suggested spans) in the ``suggestion`` layer,
owned by a ``model`` annotator named after the pipeline. A decision keeps the row and sets its
``status`` (pending → accepted or rejected), because the row *is* the memory that stops a re-run
from proposing the same thing again:

- ``replace_pending`` (a pipeline run) deletes only the document's *pending* suggestions of that
  pipeline, then writes the new ones except those whose label and offsets already carry a
  decision, whichever pipeline made it: "rejected stays rejected, accepted is not proposed twice".
- ``accept`` copies the suggestion into the analyst's ``annotation`` layer (same offsets, label,
  attributes and actor link, and the schema's defaults for attributes the suggestion leaves
  unset, as a span made by hand gets; ``source`` records where it came from) and returns an
  ``Acceptance`` that ``undo_accept`` reverses. If the analyst already has that exact span, it
  is reused rather than duplicated (and undo leaves it alone).
- A suggested relation is copied when the second of its two ends is accepted, between the
  analyst's spans at those ends' offsets and labels, if the schema allows it.
- ``reject`` only marks the row; ``reset`` puts suggestions back to pending (its undo).

Every public method that changes something is one committed transaction.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from annotator.errors import Errors, UserError
from annotator.store.annotations import (
    RELATIONS_TOUCHING,
    relation_query,
    relation_record,
    span_query,
    span_record,
)
from annotator.store.database import inserted_id
from annotator.store.driver_rows import bind_converter, positional_insert
from annotator.store.models import utcnow
from annotator.store.records import DeletedSpan, RelationRecord, SpanRecord
from annotator.store.tables import ANNOTATOR, LABEL, REL, SPAN
from annotator.store.versions import bumped

if TYPE_CHECKING:
    from annotator.store.project import Project

LAYER = "suggestion"
_CHUNK = 500  # ids per IN (...) list, well under every backend's bound-parameter limit

Key = tuple[str, int, int]  # (label, start, end): what a decision is about
_HEAD, _TAIL = SPAN.alias("head"), SPAN.alias("tail")  # a relation's ends; made once, an alias is costly to make

# The statements of one decision, built once with bound parameters (why: ``annotations``' note
# on ``SPAN_BY_ID``). A suggestion is read with its actor's id, which its copy links to.
_SUGGESTION = span_query().add_columns(SPAN.c.actor_id).where(SPAN.c.id == sa.bindparam("span_id"))
_OWN_SPAN = (span_query().where(
    SPAN.c.document_id == sa.bindparam("doc_id"), SPAN.c.layer == "annotation",
    SPAN.c.annotator_id == sa.bindparam("annotator_id"), SPAN.c.label_id == sa.bindparam("label_id"),
    SPAN.c.start_offset == sa.bindparam("start"), SPAN.c.end_offset == sa.bindparam("end"),
).order_by(SPAN.c.id).limit(1))
_SUGGESTED_RELATIONS_OF = relation_query().where(REL.c.layer == LAYER, sa.or_(
    REL.c.head_id == sa.bindparam("span_id"), REL.c.tail_id == sa.bindparam("span_id")))
_RELATION_EXISTS = sa.select(REL.c.id).where(
    REL.c.head_id == sa.bindparam("head_id"), REL.c.tail_id == sa.bindparam("tail_id"),
    REL.c.label_id == sa.bindparam("label_id"), REL.c.layer == "annotation")
_SET_STATUS = SPAN.update().where(SPAN.c.id == sa.bindparam("span_id")).values(**bumped(SPAN))  # status, updated_at
_SET_STATUSES = (SPAN.update().where(SPAN.c.id.in_(sa.bindparam("ids", expanding=True)))
                 .values(**bumped(SPAN)))  # status, updated_at
_RESET = _SET_STATUSES.where(SPAN.c.layer == LAYER, SPAN.c.status == "rejected")
_DOCUMENTS_OF = sa.select(SPAN.c.document_id).where(SPAN.c.id.in_(sa.bindparam("ids", expanding=True))).distinct()
_DELETE_RELATIONS_OF = REL.delete().where(sa.or_(REL.c.head_id == sa.bindparam("span_id"),
                                                 REL.c.tail_id == sa.bindparam("span_id")))
_DELETE_RELATIONS = REL.delete().where(REL.c.id.in_(sa.bindparam("ids", expanding=True)))
_DELETE_SPAN = SPAN.delete().where(SPAN.c.id == sa.bindparam("span_id"))
_SPAN_INSERT = SPAN.insert()  # the columns from the parameters
_RELATION_INSERT = REL.insert()
_PENDING_RELATIONS = (relation_query(json_as_text=True).join(_HEAD, _HEAD.c.id == REL.c.head_id)
                      .join(_TAIL, _TAIL.c.id == REL.c.tail_id)
                      .where(REL.c.document_id == sa.bindparam("doc_id"), REL.c.layer == LAYER,
                             _HEAD.c.status == "pending", _TAIL.c.status == "pending")
                      .order_by(REL.c.id))


@dataclass(frozen=True, slots=True)
class SpanCandidate:
    """One span a pipeline proposes; ``source`` says which part of it (``ner``, ``alias``…)."""

    start: int
    end: int
    label: str
    source: str
    score: float | None = None
    attrs: Mapping[str, Any] = field(default_factory=dict)
    actor_id: int | None = None

    @property
    def key(self) -> Key:
        return (self.label, self.start, self.end)


@dataclass(frozen=True, slots=True)
class RelationCandidate:
    """A proposed relation between two proposed spans, named by their keys."""

    head: Key
    tail: Key
    label: str


@dataclass(frozen=True, slots=True)
class DocumentCandidates:
    """Everything a pipeline proposes for one document."""

    doc_id: int
    spans: Sequence[SpanCandidate]
    relations: Sequence[RelationCandidate] = ()


@dataclass
class WriteResult:
    """What ``replace_pending`` wrote: new pending spans per label, relations, and how many
    candidates were left out because the analyst had already decided on them."""

    spans: Counter[str] = field(default_factory=Counter)
    relations: int = 0
    already_decided: int = 0


@dataclass(frozen=True, slots=True)
class Acceptance:
    """What accepting one suggestion did, for ``undo_accept``."""

    suggestion: SpanRecord  # as it was before (pending or rejected)
    span: SpanRecord  # the analyst's span
    created: bool  # False when the analyst already had this exact span
    relations: tuple[RelationRecord, ...]  # relation copies made in the analyst's layer


class Suggestions:
    """Read, decide on and (for the pipeline) write a project's model suggestions."""

    def __init__(self, project: Project) -> None:
        self._project = project

    # --- reading -------------------------------------------------------------------------

    def spans(self, doc_id: int, *, status: str | None = "pending", label: str | None = None,
              hide_matching: str | None = None) -> list[SpanRecord]:
        """Suggestions of one document in text order: by default the pending ones.

        ``status=None`` gives every status; ``hide_matching`` (an annotator name) leaves out
        suggestions identical (label and offsets) to a span that annotator already has.
        """
        query = _suggestions_statement(status is not None, label is not None)
        with self._project.reading() as connection:
            # .all(): one fetch of every row, not a fetch per row (a quarter of the read on 20,000)
            records = [span_record(row) for row in connection.execute(
                query, {"doc_id": doc_id, "status": status, "label": label}).all()]
            if hide_matching is None:
                return records
            own = set(connection.execute(
                sa.select(LABEL.c.name, SPAN.c.start_offset, SPAN.c.end_offset)
                .join(LABEL, LABEL.c.id == SPAN.c.label_id).join(ANNOTATOR, ANNOTATOR.c.id == SPAN.c.annotator_id)
                .where(SPAN.c.document_id == doc_id, SPAN.c.layer == "annotation", ANNOTATOR.c.name == hide_matching)
            ).all())
        return [r for r in records if (r.label, r.start, r.end) not in own]

    def relations(self, doc_id: int, *, touching: Iterable[int] | None = None) -> list[RelationRecord]:
        """Suggested relations of one document whose two ends are both still pending; with
        ``touching``, only those with an end among these (a few) spans.

        The ends are joined by id, not tested against the list of the document's pending
        suggestions, which SQLite built anew for every call: 40 ms on a document with 20,000."""
        query, parameters = _PENDING_RELATIONS, dict[str, Any](doc_id=doc_id)
        if touching is not None:
            query, parameters["touching"] = _PENDING_RELATIONS_TOUCHING, list(touching)
        with self._project.reading() as connection:
            return [relation_record(row) for row in connection.execute(query, parameters).all()]

    # --- deciding --------------------------------------------------------------------------

    def accept(self, suggestion_id: int, annotator: str) -> Acceptance:
        """Copy a suggestion into ``annotator``'s layer and mark it accepted."""
        with self._project.transaction() as connection:
            return self._accept(connection, suggestion_id, annotator)

    def accept_all(self, doc_id: int, annotator: str, label: str | None = None) -> list[Acceptance]:
        """Accept every pending suggestion of a document (or of one label), in one transaction."""
        with self._project.transaction() as connection:
            return [self._accept(connection, record.id, annotator)
                    for record in self._pending(connection, doc_id, label)]

    def undo_accept(self, acceptances: Acceptance | Sequence[Acceptance]) -> None:
        """Remove what accepting made (the copy, unless it was reused, and relation copies) and
        make the suggestions what they were before."""
        items = [acceptances] if isinstance(acceptances, Acceptance) else list(acceptances)
        with self._project.transaction() as connection:
            for acceptance in reversed(items):
                relation_ids = [r.id for r in acceptance.relations]
                self._project.note_change(documents=[acceptance.suggestion.document_id],
                                          spans=[acceptance.suggestion.id, acceptance.span.id],
                                          relations=relation_ids)
                if acceptance.created:
                    copy_id = acceptance.span.id
                    connection.execute(_DELETE_RELATIONS_OF, {"span_id": copy_id})
                    connection.execute(_DELETE_SPAN, {"span_id": copy_id})
                elif relation_ids:
                    connection.execute(_DELETE_RELATIONS, {"ids": relation_ids})
                connection.execute(_SET_STATUS, {"span_id": acceptance.suggestion.id,
                                                 "status": acceptance.suggestion.status, "updated_at": utcnow()})

    def reaccept(self, acceptances: Sequence[Acceptance]) -> None:
        """Redo of an acceptance that ``undo_accept`` took back: the suggestions are accepted
        again and the copies come back under the ids they had (with their relation copies), so
        later steps of an undo history that name them still find them. A suggestion that is no
        longer there (a later pipeline run replaced it) or already accepted refuses the whole redo."""
        annotations = self._project.annotations
        with self._project.transaction() as connection:
            for acceptance in acceptances:
                current = self._suggestion(connection, acceptance.suggestion.id)
                if current.status == "accepted":
                    raise UserError(Errors.E612)
                connection.execute(_SET_STATUS, {"span_id": current.id, "status": "accepted", "updated_at": utcnow()})
                self._project.note_change(documents=[current.document_id], spans=[current.id])
                if acceptance.created:
                    annotations.restore_span(DeletedSpan(acceptance.span, acceptance.relations))
                else:
                    for relation in acceptance.relations:
                        annotations.restore_relation(relation)

    def reject(self, suggestion_id: int) -> SpanRecord:
        """Mark a suggestion rejected; returns it as it was (undo with ``reset``)."""
        with self._project.transaction() as connection:
            record = self._suggestion(connection, suggestion_id)
            if record.status == "accepted":
                raise UserError(Errors.E612)
            connection.execute(_SET_STATUS, {"span_id": suggestion_id, "status": "rejected", "updated_at": utcnow()})
            self._project.note_change(documents=[record.document_id], spans=[suggestion_id])
        return record

    def reject_all(self, doc_id: int, label: str | None = None) -> list[int]:
        """Reject every pending suggestion of a document (or of one label); returns their ids."""
        with self._project.transaction() as connection:
            ids = [record.id for record in self._pending(connection, doc_id, label)]
            self._project.note_change(documents=[doc_id], spans=ids)
            for chunk in _chunks(ids):
                connection.execute(_SET_STATUSES, {"ids": chunk, "status": "rejected", "updated_at": utcnow()})
        return ids

    def reset(self, suggestion_ids: Iterable[int]) -> None:
        """Make rejected suggestions pending again (the undo of ``reject``/``reject_all``)."""
        ids = list(suggestion_ids)
        with self._project.transaction() as connection:
            for chunk in _chunks(ids):
                documents = connection.execute(_DOCUMENTS_OF, {"ids": chunk}).scalars()
                self._project.note_change(documents=documents, spans=chunk)
                connection.execute(_RESET, {"ids": chunk, "status": "pending", "updated_at": utcnow()})

    # --- writing (the pipeline) --------------------------------------------------------------

    def replace_pending(self, annotator: str, batch: Sequence[DocumentCandidates]) -> WriteResult:
        """Replace ``annotator``'s pending suggestions of the batch's documents, in one transaction.

        Candidates whose label and offsets already carry a decision are skipped; duplicates
        within a document (same label and offsets) must have been merged by the caller.
        The new spans go in as one ``executemany`` (``_insert_pending``); the ids of those that
        relations end at are read back by their offsets (``_created``).
        """
        project = self._project
        result = WriteResult()
        doc_ids = [item.doc_id for item in batch]
        if not doc_ids:
            return result
        with project.transaction() as connection:
            project.note_change(documents=doc_ids)
            annotator_id = project.annotator_id(annotator, kind="model", connection=connection)
            mine = {"doc_ids": doc_ids, "annotator_id": annotator_id}
            connection.execute(_DELETE_PENDING_RELATIONS, mine)
            connection.execute(_DELETE_PENDING, mine)
            decided = _keys(connection.execute(_DECIDED, mine))

            def label_id(kind: str, name: str) -> int:
                found = project.label_id(kind, name, create=True, connection=connection)  # cached by the project
                assert found is not None
                return found

            rows: list[tuple[Any, ...]] = []
            label_ids: dict[str, int] = {}
            for item in batch:
                for candidate in item.spans:
                    if (item.doc_id, *candidate.key) in decided:
                        result.already_decided += 1
                        continue
                    label = candidate.label
                    if (found_id := label_ids.get(label)) is None:
                        found_id = label_ids[label] = label_id("span", label)
                    rows.append((item.doc_id, found_id, candidate.start, candidate.end, candidate.attrs,
                                 candidate.score, candidate.source, candidate.actor_id))
                    result.spans[label] += 1
            if rows:
                _insert_pending(connection, annotator_id, rows)
            ends = {(item.doc_id, *end) for item in batch for relation in item.relations
                    for end in (relation.head, relation.tail)}
            created = _created(connection, mine, ends)
            # A relation may end at an accepted suggestion, never at a rejected one.
            usable = created | {key: span_id for key, (span_id, status) in decided.items() if status == "accepted"}
            relation_rows = []
            for item in batch:
                for relation in item.relations:
                    head = (item.doc_id, *relation.head)
                    tail = (item.doc_id, *relation.tail)
                    if head not in created and tail not in created:
                        continue  # neither end is new: it was proposed (and decided) before
                    head_id, tail_id = usable.get(head), usable.get(tail)
                    if head_id is None or tail_id is None:
                        continue
                    relation_rows.append(dict(
                        document_id=item.doc_id, annotator_id=annotator_id, layer=LAYER,
                        label_id=label_id("relation", relation.label), head_id=head_id, tail_id=tail_id, attrs={},
                    ))
            if relation_rows:
                connection.execute(REL.insert().values(created_at=sa.literal(utcnow(), REL.c.created_at.type)),
                                   relation_rows)
            result.relations = len(relation_rows)
        return result

    # --- internals ---------------------------------------------------------------------------

    def _suggestion(self, connection: Connection, suggestion_id: int) -> SpanRecord:
        return self._suggestion_and_actor(connection, suggestion_id)[0]

    def _suggestion_and_actor(self, connection: Connection, suggestion_id: int) -> tuple[SpanRecord, int | None]:
        """The suggestion and the id of the registry actor it links to (E107 when it is gone,
        E611 when the span is no suggestion)."""
        row = connection.execute(_SUGGESTION, {"span_id": suggestion_id}).one_or_none()
        if row is None:
            raise UserError(Errors.E107.format(what="suggestion", item_id=suggestion_id))
        *columns, actor_id = row
        record = span_record(columns)  # type: ignore[arg-type]
        if record.layer != LAYER:
            raise UserError(Errors.E611.format(span_id=suggestion_id, layer=record.layer))
        return record, actor_id

    def _pending(self, connection: Connection, doc_id: int, label: str | None) -> list[SpanRecord]:
        query = (span_query().where(SPAN.c.document_id == doc_id, SPAN.c.layer == LAYER, SPAN.c.status == "pending")
                 .order_by(SPAN.c.start_offset, SPAN.c.end_offset.desc(), SPAN.c.id))
        if label is not None:
            query = query.where(LABEL.c.name == label)
        return [span_record(row) for row in connection.execute(query)]

    def _own_span(self, connection: Connection, annotator_id: int, doc_id: int, label_id: int,
                  start: int, end: int) -> SpanRecord | None:
        """The analyst's span with exactly this label and these offsets, if any."""
        row = connection.execute(_OWN_SPAN, {"doc_id": doc_id, "annotator_id": annotator_id, "label_id": label_id,
                                             "start": start, "end": end}).one_or_none()
        return None if row is None else span_record(row)

    def _accept(self, connection: Connection, suggestion_id: int, annotator: str) -> Acceptance:
        project = self._project
        suggestion, actor_id = self._suggestion_and_actor(connection, suggestion_id)
        if suggestion.status == "accepted":
            raise UserError(Errors.E612)
        label = project.schema.span_label(suggestion.label)
        if label is None:
            known = ", ".join(spec.name for spec in project.schema.span_labels)
            raise UserError(Errors.E108.format(label=suggestion.label, kind="span", known=known))
        annotator_id = project.annotator_id(annotator, connection=connection)
        label_id = project.label_id("span", suggestion.label, create=True, connection=connection)
        assert label_id is not None
        doc_id = suggestion.document_id
        now = utcnow()
        own = self._own_span(connection, annotator_id, doc_id, label_id, suggestion.start, suggestion.end)
        created = own is None
        if own is None:
            attrs = label.default_attrs() | suggestion.attrs  # the defaults a span made by hand starts with
            source = f"{suggestion.annotator}/{suggestion.source}" if suggestion.source else suggestion.annotator
            new_id = inserted_id(connection.execute(_SPAN_INSERT, dict(
                document_id=doc_id, annotator_id=annotator_id, layer="annotation", label_id=label_id,
                start_offset=suggestion.start, end_offset=suggestion.end, note="", attrs=attrs, source=source,
                actor_id=actor_id, created_at=now, updated_at=now, version=1,
            )))
            # The copy as written, not read back: the suggestion's label, offsets and actor, a
            # new row's version, the attributes as JSON stores them.
            own = SpanRecord(new_id, doc_id, suggestion.start, suggestion.end, suggestion.label, annotator.strip(),
                             "annotation", json.loads(json.dumps(attrs)), "", None, source, suggestion.actor,
                             None, None, 1)
        connection.execute(_SET_STATUS, {"span_id": suggestion_id, "status": "accepted", "updated_at": now})
        project.annotations.touch_document(connection, doc_id, annotator_id, "annotation", now)
        relations = self._copy_relations(connection, suggestion, own, annotator, annotator_id)
        project.note_change(spans=[suggestion_id, own.id], relations=[r.id for r in relations])
        return Acceptance(suggestion=suggestion, span=own, created=created, relations=relations)

    def _copy_relations(self, connection: Connection, suggestion: SpanRecord, own: SpanRecord, annotator: str,
                        annotator_id: int) -> tuple[RelationRecord, ...]:
        """Copy suggested relations whose other end is already accepted into the analyst's layer."""
        project = self._project
        suggested = [relation_record(row) for row in connection.execute(_SUGGESTED_RELATIONS_OF,
                                                                          {"span_id": suggestion.id})]
        copies: list[RelationRecord] = []
        for relation in suggested:
            other_id = relation.tail_id if relation.head_id == suggestion.id else relation.head_id
            other = self._suggestion(connection, other_id)
            if other.status != "accepted":
                continue
            other_label_id = project.label_id("span", other.label, create=True, connection=connection)
            assert other_label_id is not None
            other_own = self._own_span(connection, annotator_id, other.document_id, other_label_id,
                                       other.start, other.end)
            if other_own is None:
                continue  # the analyst has since changed or deleted that span
            head, tail = (own, other_own) if relation.head_id == suggestion.id else (other_own, own)
            relation_type = project.schema.relation_type(relation.label)
            if relation_type is None or head.label not in relation_type.head or tail.label not in relation_type.tail:
                continue
            label_id = project.label_id("relation", relation.label, create=True, connection=connection)
            exists = connection.execute(_RELATION_EXISTS, {"head_id": head.id, "tail_id": tail.id,
                                                           "label_id": label_id}).first()
            if exists is not None:
                continue
            new_id = inserted_id(connection.execute(_RELATION_INSERT, dict(
                document_id=head.document_id, annotator_id=annotator_id, layer="annotation", label_id=label_id,
                head_id=head.id, tail_id=tail.id, attrs=dict(relation.attrs), created_at=utcnow(),
            )))
            copies.append(RelationRecord(id=new_id, document_id=head.document_id, head_id=head.id, tail_id=tail.id,
                                         label=relation.label, annotator=annotator, layer="annotation",
                                         attrs=dict(relation.attrs)))
        return tuple(copies)


_PENDING_RELATIONS_TOUCHING = _PENDING_RELATIONS.where(REL.c.id.in_(RELATIONS_TOUCHING))

# ``replace_pending``'s statements, built once with bound parameters (making them anew for each
# batch of 32 documents was a tenth of its Python work): its pending suggestions of the batch's
# documents and their relations, and (document, label, start, end, id, status) of suggestions.
_BATCH = SPAN.c.document_id.in_(sa.bindparam("doc_ids", expanding=True)), SPAN.c.layer == LAYER
_MINE_PENDING = (*_BATCH, SPAN.c.annotator_id == sa.bindparam("annotator_id"), SPAN.c.status == "pending")
_MY_PENDING_IDS = sa.select(SPAN.c.id).where(*_MINE_PENDING)
_DELETE_PENDING_RELATIONS = REL.delete().where(
    REL.c.document_id.in_(sa.bindparam("doc_ids", expanding=True)), REL.c.layer == LAYER,
    sa.or_(REL.c.head_id.in_(_MY_PENDING_IDS), REL.c.tail_id.in_(_MY_PENDING_IDS)))
_DELETE_PENDING = SPAN.delete().where(*_MINE_PENDING)
_KEYS = (sa.select(SPAN.c.document_id, LABEL.c.name, SPAN.c.start_offset, SPAN.c.end_offset, SPAN.c.id, SPAN.c.status)
         .join(LABEL, LABEL.c.id == SPAN.c.label_id))
_DECIDED = _KEYS.where(*_BATCH, SPAN.c.status != "pending")
_MINE_PENDING_AT = _KEYS.where(*_MINE_PENDING, SPAN.c.start_offset.in_(sa.bindparam("starts", expanding=True)))


def _keys(rows: Iterable[Any]) -> dict[tuple[int, str, int, int], tuple[int, str]]:
    """(document, label, start, end) -> (span id, status) of rows of ``_KEYS``."""
    return {(doc_id, label, start, end): (span_id, status) for doc_id, label, start, end, span_id, status in rows}


def _created(connection: Connection, mine: dict[str, Any], ends: set[tuple[int, str, int, int]]) -> dict[Any, int]:
    """(document, label, start, end) -> id of ``replace_pending``'s new suggestions (``mine``: its
    parameters) at these relation ends. Only the rows starting where an end starts are read:
    reading back all 4,669 new suggestions of 200 Russian documents to find the few hundred
    ends took 20 ms."""
    found: dict[Any, int] = {}
    for starts in _chunks(sorted({start for _doc, _label, start, _end in ends})):
        rows = connection.execute(_MINE_PENDING_AT, {**mine, "starts": starts})
        found.update((key, span_id) for key, (span_id, _status) in _keys(rows).items() if key in ends)
    return found


# The columns of each row of a new suggestion ``replace_pending`` gives ``_insert_pending``, in order.
_ROW_COLUMNS = ("document_id", "label_id", "start_offset", "end_offset", "attrs", "score", "source", "actor_id")
_ATTRS = _ROW_COLUMNS.index("attrs")


def _insert_pending(connection: Connection, annotator_id: int, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert a batch's new pending suggestions (rows of ``_ROW_COLUMNS``; the other columns are
    the same for the whole batch) in one ``executemany`` of positional rows through the driver,
    (``store.driver_rows``), as ``store.copy`` writes SQLite.

    Why not Core's ``executemany`` of dicts: SQLAlchemy builds and converts every row's
    parameters (a dict of 15 values, the batch's timestamp converted twice a row), which cost
    about as much again as SQLite's own insert (0.06 s for the 4,669 suggestions of 200 Russian
    documents). Each value is converted here by its column type's own bind processor, as Core
    converts it (the attributes' JSON text, SQLite's timestamp format, psycopg's JSON wrapper),
    the batch's shared values once: what is stored is the same (tests/test_suggest_fast_paths.py).
    """
    dialect = connection.dialect
    now = utcnow()
    shared = dict(annotator_id=annotator_id, layer=LAYER, note="", status="pending", created_at=now, updated_at=now,
                  version=1)
    names = (*_ROW_COLUMNS, *shared)
    processors = {name: bind_converter(dialect, SPAN.c[name]) for name in names}
    same = tuple(value if (process := processors[name]) is None else process(value) for name, value in shared.items())
    to_json = processors["attrs"]
    no_attrs = {} if to_json is None else to_json({})  # half the suggestions have none: converted once
    converting = [(index, process) for index, name in enumerate(_ROW_COLUMNS)
                  if name != "attrs" and (process := processors[name]) is not None]
    values = []
    for row in rows:
        converted = list(row)
        attrs = converted[_ATTRS]
        converted[_ATTRS] = no_attrs if not attrs else dict(attrs) if to_json is None else to_json(dict(attrs))
        for index, process in converting:
            converted[index] = process(converted[index])
        values.append((*converted, *same))
    connection.exec_driver_sql(positional_insert(dialect, SPAN, names), values)


@functools.cache
def _suggestions_statement(status: bool, label: bool) -> sa.Select[Any]:
    """``Suggestions.spans``' statement, of one status and one label when asked (built once each)."""
    query = (span_query(json_as_text=True).where(SPAN.c.document_id == sa.bindparam("doc_id"), SPAN.c.layer == LAYER)
             .order_by(SPAN.c.start_offset, SPAN.c.end_offset.desc(), SPAN.c.id))
    if status:
        query = query.where(SPAN.c.status == sa.bindparam("status"))
    return query.where(LABEL.c.name == sa.bindparam("label")) if label else query


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]
