"""Adjudication into the ``gold`` layer (the comparison the reviewer adjudicates from is
``annotator.review.comparison``).

Decisions:
- A gold item is a copy: accepting an annotator's span inserts a gold span with the same
  offsets, label, attrs and actor, whose ``annotator`` is the adjudicator and whose
  ``origin_annotator`` / ``adjudicator`` columns record whose version it is and who chose it.
  The annotator's own span is never changed except for its review mark (next point), so a
  teammate's work stays as they left it.
- The review mark is the annotator span's ``status`` (the column suggestions use):
  ``accepted`` once copied into gold, ``rejected`` when the reviewer turned it down, NULL when
  undecided. Rejecting therefore writes nothing to gold; it only lets the comparison show the
  item as decided.
- Every function is one transaction (joining the caller's, ``Project.transaction`` being
  re-entrant) and returns what undoing it needs, the way ``Annotations.delete_span``/
  ``restore_span`` do; ``annotator.ops.adjudication`` makes each an undoable operation:
  ``accept_span`` → ``undo_accept`` → ``reaccept`` (the gold copies back under their ids);
  Accept all agreed (``annotator.review.agreed``) and a decision that replaces what gold held
  (``annotator.review.gold_replace``) are made of these steps in ``annotator.ops.adjudication``;
  ``accept_relation`` → ``undo_accept_relation``; ``reject_span`` / ``set_mark`` → ``set_mark``
  with the previous mark; ``set_reviewed`` → ``Annotations.set_status`` with the previous status;
  ``comment_span`` → ``comment_span`` with the previous text; ``delete_gold_span`` →
  ``restore_gold_span`` (the span's and its relations' provenance kept); ``add_gold_relations``
  → ``delete_gold_relations``; editing a gold span is ``Annotations.update_span`` (provenance
  kept; a relabel sets it with ``set_provenance``).
- Two reviewers deciding the same item at once must not both win (two gold copies, or one
  undoing the other's work): decisions take the ``expected_version`` of the span the reviewer
  looked at and write with a version guard (``annotator.store.versions``), so the second one
  gets a ``ConflictError`` showing what the first decided. What undo needs carries the versions
  the operation left (``Accepted.gold.version``, ``Accepted.source_version``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from annotator.errors import Errors, UserError
from annotator.store.annotations import (
    conflict_error,
    relation_query,
    relation_record,
    span_query,
    span_record,
)
from annotator.store.database import inserted_id
from annotator.store.models import (
    utcnow,
)
from annotator.store.project import Project
from annotator.store.records import DeletedSpan, RelationRecord, SpanRecord
from annotator.store.tables import ACTOR, ANNOTATOR, DOC, LABEL, NOTE, REL, SPAN
from annotator.store.versions import RELATION_KIND, SPAN_KIND, delete_row, update_row, version_after

GOLD = "gold"


@dataclass(frozen=True)
class Accepted:
    """A span accepted into gold: undo deletes ``gold`` (if ``created``) and puts back the mark.

    ``source_version`` is the annotator span's version after its mark was set (None when it is
    not an annotation-layer span, which carries no mark); undo expects it, and ``gold.version``.
    """

    gold: SpanRecord
    source_id: int
    previous_mark: str | None
    created: bool
    source_version: int | None = None


@dataclass(frozen=True)
class AcceptedRelation:
    gold: RelationRecord
    source_id: int
    created: bool


@dataclass(frozen=True)
class DeletedGoldSpan:
    """A deleted gold span with its provenance and its relations' (relation id, origin,
    adjudicator), which ``Annotations.restore_span`` alone would put back empty."""

    deleted: DeletedSpan
    origin_annotator: str | None
    adjudicator: str | None
    relation_provenance: tuple[tuple[int, str | None, str | None], ...] = ()


@dataclass(frozen=True)
class GoldRelation:
    """A gold relation with its provenance, as made or deleted (for undo and redo)."""

    relation: RelationRecord
    origin_annotator: str | None
    adjudicator: str | None


# --- spans -----------------------------------------------------------------------------------


def provenance(project: Project, span_id: int) -> tuple[str | None, str | None]:
    """(origin annotator, adjudicator) of a gold span."""
    with project.reading() as connection:
        row = connection.execute(sa.select(SPAN.c.origin_annotator, SPAN.c.adjudicator)
                                 .where(SPAN.c.id == span_id)).one_or_none()
    if row is None:
        raise UserError(Errors.E107.format(what="span", item_id=span_id))
    return row[0], row[1]


def gold_relation(project: Project, relation: RelationRecord) -> GoldRelation:
    """A gold relation with its (origin annotator, adjudicator), for an undo that puts it back."""
    with project.reading() as connection:
        row = connection.execute(sa.select(REL.c.origin_annotator, REL.c.adjudicator)
                                 .where(REL.c.id == relation.id)).one_or_none()
    if row is None:
        raise UserError(Errors.E107.format(what="relation", item_id=relation.id))
    return GoldRelation(relation, row[0], row[1])


def _span(connection: Connection, span_id: int, expected_version: int | None = None) -> SpanRecord:
    """The span as stored; with ``expected_version``, a ``ConflictError`` if it moved on or went."""
    row = connection.execute(span_query().where(SPAN.c.id == span_id)).one_or_none()
    if row is None:
        if expected_version is None:
            raise UserError(Errors.E107.format(what="span", item_id=span_id))
        raise conflict_error(connection, SPAN_KIND, span_id, expected_version)
    if expected_version is not None and row.version != expected_version:
        raise conflict_error(connection, SPAN_KIND, span_id, expected_version)
    return span_record(row)


def _gold_twin(connection: Connection, source: SpanRecord) -> int | None:
    """A gold span already at the same place with the same label, from anyone."""
    return connection.execute(
        sa.select(SPAN.c.id).join(LABEL, SPAN.c.label_id == LABEL.c.id)
        .where(SPAN.c.document_id == source.document_id, SPAN.c.layer == GOLD,
               SPAN.c.start_offset == source.start, SPAN.c.end_offset == source.end, LABEL.c.name == source.label)
        .order_by(SPAN.c.id).limit(1)).scalar_one_or_none()


def _accept(project: Project, connection: Connection, span_id: int, adjudicator: str,
            expected_version: int | None, attrs: dict[str, Any] | None = None,
            keep_actor: bool = True) -> Accepted:
    source = _span(connection, span_id, expected_version)
    if source.layer == GOLD:
        raise UserError(Errors.E904.format(span_id=span_id, layer=source.layer))
    project.note_change(documents=[source.document_id], spans=[span_id])
    previous = source.status
    source_version = None
    if source.layer == "annotation":
        source_version = source.version
        # The mark is written first and guarded: of two reviewers accepting the same version,
        # the second waits for (PostgreSQL) or follows (SQLite) the first and touches no row.
        # Accepting an accepted span again changes nothing, so it writes (and bumps) nothing.
        if source.status != "accepted":
            if not update_row(connection, SPAN, span_id, source.version, {"status": "accepted"}):
                raise conflict_error(connection, SPAN_KIND, span_id, source.version)
            source_version = version_after(source.version)
    twin = _gold_twin(connection, source)
    if twin is not None:
        return Accepted(_span(connection, twin), span_id, previous, created=False, source_version=source_version)
    now = utcnow()
    actor_id = None
    if source.actor is not None and keep_actor:
        actor_id = connection.execute(sa.select(ACTOR.c.id).where(ACTOR.c.name == source.actor)).scalar_one_or_none()
    new_id = inserted_id(connection.execute(SPAN.insert().values(
        document_id=source.document_id, annotator_id=project.annotator_id(adjudicator, connection=connection),
        layer=GOLD, label_id=project.label_id("span", source.label, create=True, connection=connection),
        start_offset=source.start, end_offset=source.end, attrs=dict(source.attrs if attrs is None else attrs),
        note=source.note,
        source=source.source, actor_id=actor_id, created_at=now, updated_at=now,
        fragments=[list(piece) for piece in source.fragments] if source.fragments else None,
        origin_annotator=source.annotator, adjudicator=adjudicator,
    )))
    connection.execute(DOC.update().where(DOC.c.id == source.document_id).values(updated_at=now))
    project.note_change(spans=[new_id])
    return Accepted(_span(connection, new_id), span_id, previous, created=True, source_version=source_version)


def accept_span(project: Project, span_id: int, adjudicator: str, *,
                expected_version: int | None = None, attrs: dict[str, Any] | None = None,
                keep_actor: bool = True) -> Accepted:
    """Copy an annotator's span into gold with its provenance; accepting twice copies once.

    With ``expected_version`` (the version the reviewer saw) a span someone changed or decided
    on meanwhile is refused with ``ConflictError`` instead. ``attrs`` gives the copy other
    attribute values than the span's and ``keep_actor=False`` leaves its actor link out (Accept
    all agreed leaves out the values and links annotators dispute).
    """
    with project.transaction() as connection:
        return _accept(project, connection, span_id, adjudicator, expected_version, attrs, keep_actor)


def undo_accept(project: Project, accepted: Accepted | Sequence[Accepted]) -> None:
    """Take back one or several acceptances: the gold copies go, the review marks come back.

    Both are guarded by the versions in ``accepted``: a gold copy another reviewer has edited
    since, or a mark someone changed, stops the undo with a ``ConflictError``.
    """
    items = [accepted] if isinstance(accepted, Accepted) else list(accepted)
    with project.transaction() as connection:
        for item in reversed(items):
            project.note_change(documents=[item.gold.document_id], spans=[item.gold.id, item.source_id])
            if item.created:
                connection.execute(REL.delete().where(sa.or_(REL.c.head_id == item.gold.id,
                                                             REL.c.tail_id == item.gold.id)))
                if not delete_row(connection, SPAN, item.gold.id, item.gold.version):
                    raise conflict_error(connection, SPAN_KIND, item.gold.id, item.gold.version)
            if item.source_version is not None and not update_row(
                    connection, SPAN, item.source_id, item.source_version, {"status": item.previous_mark}):
                raise conflict_error(connection, SPAN_KIND, item.source_id, item.source_version)


def reaccept(project: Project, accepted: Sequence[Accepted]) -> list[Accepted]:
    """Redo acceptances ``undo_accept`` took back, in one transaction: the gold copies come back
    under their ids and versions (later steps of an undo history name them), the review marks
    become ``accepted`` again. Each mark expects the version ``undo_accept`` left, so a span
    someone changed since stops the redo with a ``ConflictError``. Returns the acceptances with
    the versions they now have (for the next undo)."""
    redone = []
    with project.transaction() as connection:
        for item in accepted:
            gold = item.gold
            if item.created:
                origin = _span(connection, item.source_id).annotator
                gold = project.annotations.restore_span(DeletedSpan(item.gold, ()),
                                                        provenance=(origin, item.gold.annotator))
            source_version = item.source_version
            if source_version is not None:
                expected = version_after(source_version)  # undo_accept wrote the mark back once
                if not update_row(connection, SPAN, item.source_id, expected, {"status": "accepted"}):
                    raise conflict_error(connection, SPAN_KIND, item.source_id, expected)
                source_version = version_after(expected)
            project.note_change(documents=[gold.document_id], spans=[gold.id, item.source_id])
            redone.append(Accepted(gold, item.source_id, item.previous_mark, item.created, source_version))
    return redone


def set_mark(project: Project, span_id: int, mark: str | None, *,
             expected_version: int | None = None) -> str | None:
    """Set an annotator span's review mark (``accepted``, ``rejected`` or None); returns the old
    one. With ``expected_version``, only if nobody changed the span since (else ``ConflictError``);
    the span then has version ``expected_version + 1``."""
    with project.transaction() as connection:
        span = _span(connection, span_id, expected_version)
        if span.layer != "annotation":
            raise UserError(Errors.E904.format(span_id=span_id, layer=span.layer))
        project.note_change(documents=[span.document_id], spans=[span_id])
        if not update_row(connection, SPAN, span_id, span.version, {"status": mark}):
            raise conflict_error(connection, SPAN_KIND, span_id, span.version)
        return span.status


def reject_span(project: Project, span_id: int, *, expected_version: int | None = None) -> str | None:
    """Turn an annotator's span down: nothing goes to gold; returns the previous mark for undo."""
    return set_mark(project, span_id, "rejected", expected_version=expected_version)


def set_provenance(project: Project, span_id: int, origin: str | None, adjudicator: str | None) -> None:
    """Say whose version a gold span is and who decided it. Written without moving the row's
    version: it is called inside the transaction of the guarded edit that changed the span
    (a relabel), or of a restore that puts back what was there, so it adds no write of its own
    that another reviewer could miss."""
    with project.transaction() as connection:
        connection.execute(SPAN.update().where(SPAN.c.id == span_id)
                           .values(origin_annotator=origin, adjudicator=adjudicator))


def delete_gold_span(project: Project, span_id: int, *, expected_version: int | None = None) -> DeletedGoldSpan:
    """Delete a gold span with its relations, keeping their provenance for ``restore_gold_span``;
    with ``expected_version``, only if no other reviewer changed it since."""
    with project.transaction() as connection:
        origin, adjudicator = provenance(project, span_id)
        kept = tuple((row.id, row.origin_annotator, row.adjudicator) for row in connection.execute(
            sa.select(REL.c.id, REL.c.origin_annotator, REL.c.adjudicator)
            .where(sa.or_(REL.c.head_id == span_id, REL.c.tail_id == span_id))))
        deleted = project.annotations.delete_span(span_id, expected_version=expected_version)
    return DeletedGoldSpan(deleted, origin, adjudicator, kept)


def restore_gold_span(project: Project, deleted: DeletedGoldSpan) -> SpanRecord:
    """Put a deleted gold span back with its relations and the provenance of both, in one
    transaction; returns it."""
    with project.transaction() as connection:
        span = project.annotations.restore_span(deleted.deleted,
                                                provenance=(deleted.origin_annotator, deleted.adjudicator))
        for relation_id, origin, adjudicator in deleted.relation_provenance:
            connection.execute(REL.update().where(REL.c.id == relation_id)
                               .values(origin_annotator=origin, adjudicator=adjudicator))
    return span


def accept_attribute(project: Project, gold_span_id: int, source_span_id: int, key: str, *,
                     expected_version: int | None = None) -> dict[str, Any]:
    """Give a gold span one attribute value from an annotator's span; returns the old attrs (undo:
    ``Annotations.update_span(gold_span_id, attrs=old)``). With ``expected_version`` (the gold
    span's version the reviewer saw) a gold span another reviewer changed is refused instead."""
    gold = project.annotations.span(gold_span_id)
    if gold.layer != GOLD:
        raise UserError(Errors.E906.format(span_id=gold_span_id))
    source = project.annotations.span(source_span_id)
    attrs = dict(gold.attrs)
    if key in source.attrs:
        attrs[key] = source.attrs[key]
    else:
        attrs.pop(key, None)
    project.annotations.update_span(gold_span_id, attrs=attrs,
                                    expected_version=gold.version if expected_version is None else expected_version)
    return dict(gold.attrs)


# --- relations -------------------------------------------------------------------------------


def accept_relation(project: Project, relation_id: int, adjudicator: str) -> AcceptedRelation:
    """Copy an annotator's relation into gold between the gold copies of its two spans."""
    with project.transaction() as connection:
        row = connection.execute(relation_query().where(REL.c.id == relation_id)).one_or_none()
        if row is None:
            raise UserError(Errors.E107.format(what="relation", item_id=relation_id))
        relation = relation_record(row)
        ends = []
        for end, span_id in (("head", relation.head_id), ("tail", relation.tail_id)):
            twin = _gold_twin(connection, _span(connection, span_id))
            if twin is None:
                raise UserError(Errors.E905.format(relation_id=relation_id, end=end))
            ends.append(twin)
        label_id = project.label_id("relation", relation.label, create=True, connection=connection)
        existing = connection.execute(sa.select(REL.c.id).where(
            REL.c.layer == GOLD, REL.c.head_id == ends[0], REL.c.tail_id == ends[1],
            REL.c.label_id == label_id)).scalar_one_or_none()
        if existing is not None:
            return AcceptedRelation(relation_record(connection.execute(
                relation_query().where(REL.c.id == existing)).one()), relation_id, created=False)
        new_id = inserted_id(connection.execute(REL.insert().values(
            document_id=relation.document_id, annotator_id=project.annotator_id(adjudicator, connection=connection),
            layer=GOLD, label_id=label_id, head_id=ends[0], tail_id=ends[1], attrs=dict(relation.attrs),
            created_at=utcnow(), origin_annotator=relation.annotator, adjudicator=adjudicator,
        )))
        gold = relation_record(connection.execute(relation_query().where(REL.c.id == new_id)).one())
        project.note_change(documents=[relation.document_id], relations=[new_id])
    return AcceptedRelation(gold, relation_id, created=True)


def add_gold_relations(project: Project, wanted: Sequence[GoldRelation]) -> list[GoldRelation]:
    """Insert gold relations (``relation.id`` 0: a new id; else that id and version, a redo) with
    their provenance, in one transaction; the schema was checked when they were chosen."""
    made = []
    with project.transaction() as connection:
        for item in wanted:
            relation = item.relation
            values: dict[str, Any] = dict(
                document_id=relation.document_id, layer=GOLD,
                annotator_id=project.annotator_id(relation.annotator, connection=connection),
                label_id=project.label_id("relation", relation.label, create=True, connection=connection),
                head_id=relation.head_id, tail_id=relation.tail_id, attrs=dict(relation.attrs),
                created_at=utcnow(), origin_annotator=item.origin_annotator, adjudicator=item.adjudicator,
                version=relation.version)
            if relation.id:
                values["id"] = relation.id
            new_id = inserted_id(connection.execute(REL.insert().values(**values)))
            project.note_change(documents=[relation.document_id], relations=[new_id])
            stored = relation_record(connection.execute(relation_query().where(REL.c.id == new_id)).one())
            made.append(GoldRelation(stored, item.origin_annotator, item.adjudicator))
    return made


def delete_gold_relations(project: Project, made: Sequence[GoldRelation]) -> list[GoldRelation]:
    """Take back ``add_gold_relations``, each guarded by the version it expects (a relation
    another reviewer changed or deleted stops it with ``ConflictError``); returns them for redo."""
    with project.transaction() as connection:
        for item in reversed(made):
            relation = item.relation
            project.note_change(documents=[relation.document_id], relations=[relation.id])
            if not delete_row(connection, REL, relation.id, relation.version):
                raise conflict_error(connection, RELATION_KIND, relation.id, relation.version)
    return list(made)


def undo_accept_relation(project: Project, accepted: AcceptedRelation) -> None:
    """Delete the gold relation ``accepted`` made, unless another reviewer changed it since."""
    if accepted.created:
        with project.transaction() as connection:
            project.note_change(documents=[accepted.gold.document_id], relations=[accepted.gold.id])
            if not delete_row(connection, REL, accepted.gold.id, accepted.gold.version):
                raise conflict_error(connection, RELATION_KIND, accepted.gold.id, accepted.gold.version)


# --- document status and comments --------------------------------------------------------------


def set_reviewed(project: Project, doc_id: int, adjudicator: str, reviewed: bool = True) -> str:
    """Mark the document reviewed by ``adjudicator`` (or back to done); returns the previous
    status (undo: ``project.annotations.set_status(doc_id, adjudicator, previous)``)."""
    return project.annotations.set_status(doc_id, adjudicator, "reviewed" if reviewed else "done")


def comment_span(project: Project, span_id: int, reviewer: str, text: str, *,
                 expected_version: int | None = None) -> str | None:
    """Set (empty text: remove) ``reviewer``'s comment on a span; returns the previous comment,
    None if there was none (undo: call again with it, ``""`` for None). With ``expected_version``
    (the version the reviewer saw), a span someone deleted meanwhile is a ``ConflictError``
    (E131) like any other edit of it; a comment does not change the span, so a span changed
    since still takes it."""
    with project.transaction() as connection:
        if expected_version is not None and connection.execute(
                sa.select(SPAN.c.id).where(SPAN.c.id == span_id)).scalar_one_or_none() is None:
            raise conflict_error(connection, SPAN_KIND, span_id, expected_version)
        span = _span(connection, span_id)
        project.note_change(documents=[span.document_id], spans=[span_id])
        annotator_id = project.annotator_id(reviewer, connection=connection)
        mine = (NOTE.c.span_id == span_id, NOTE.c.annotator_id == annotator_id)
        previous = connection.execute(sa.select(NOTE.c.text).where(*mine)).scalar_one_or_none()
        connection.execute(NOTE.delete().where(*mine))
        if text.strip():
            connection.execute(NOTE.insert().values(document_id=span.document_id, annotator_id=annotator_id,
                                                    span_id=span_id, text=text, created_at=utcnow()))
    return previous


def span_comments(project: Project, doc_id: int) -> dict[int, list[tuple[str, str]]]:
    """Span id → [(reviewer, comment)] for one document."""
    with project.reading() as connection:
        rows = connection.execute(
            sa.select(NOTE.c.span_id, ANNOTATOR.c.name, NOTE.c.text)
            .join(ANNOTATOR, ANNOTATOR.c.id == NOTE.c.annotator_id)
            .where(NOTE.c.document_id == doc_id, NOTE.c.span_id.is_not(None)).order_by(NOTE.c.id))
        result: dict[int, list[tuple[str, str]]] = {}
        for span_id, name, text in rows:
            result.setdefault(span_id, []).append((name, text))
    return result

