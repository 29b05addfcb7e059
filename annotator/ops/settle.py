"""What an undo or redo expects of a row: what the step it takes back left there, not its version.

A first run expects the version the analyst saw. An undo or redo cannot rely on the version its
step left: undoing a *later* step of the same history writes the row again and moves its version
on, although the row then holds exactly what this step left (set two attributes, undo both: the
second undo found the version moved by the first and was refused as a conflict). So the inverse
operations carry the row as their step left it, and before their guarded write ask here for the
version to expect: the row's current version when it still holds those values, else the recorded
one, which the store's guarded write then refuses with the usual ``ConflictError``. Read in the
operation's transaction, so the guarded write that follows still closes the race with other
writers (a write that lands in between moves the version the write expects).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from annotator.store import Project
from annotator.store.annotations import relation_query, relation_record, span_query, span_record
from annotator.store.records import RelationRecord, SpanRecord
from annotator.store.tables import REL, SPAN


def settled_span(project: Project, left: SpanRecord) -> SpanRecord:
    """``left`` with the version its row has now, if the row still holds what ``left`` says."""
    return _settled(project, left, span_query().where(SPAN.c.id == left.id), span_record)


def settled_relation(project: Project, left: RelationRecord) -> RelationRecord:
    """``left`` with the version its row has now, if the row still holds what ``left`` says."""
    return _settled(project, left, relation_query().where(REL.c.id == left.id), relation_record)


def _settled[R: (SpanRecord, RelationRecord)](project: Project, left: R, query: sa.Select[Any],
                                               record: Callable[[sa.Row[Any]], R]) -> R:
    with project.reading() as connection:
        row = connection.execute(query).one_or_none()
    if row is None:
        return left
    current = record(row)
    return current if dataclasses.replace(current, version=left.version) == left else left


def settled_mark(project: Project, span_id: int, mark: str | None, version: int) -> int:
    """The version to expect of an annotator span whose review mark a step set to ``mark``,
    leaving it at ``version``: its version now if the mark is still ``mark``."""
    with project.reading() as connection:
        row = connection.execute(sa.select(SPAN.c.status, SPAN.c.version).where(SPAN.c.id == span_id)).one_or_none()
    if row is None or row.status != mark:
        return version
    return int(row.version)

