"""Putting actors back exactly as they were: the undo and redo of actor registry edits.

Why whole states rather than one inverse per edit: a merge or a delete touches an actor's row,
its aliases and every span linked to it, and a redo must put back the very rows (same ids) that
later steps of an undo history name. So an edit captures the state of the actors it touches
(row, alias rows, linked span ids) before and after, and undo and redo make the registry match
one of them in one transaction; an actor absent from a state is removed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from annotator.store.models import utcnow
from annotator.store.project import Project
from annotator.store.tables import ACTOR, ALIAS, SPAN
from annotator.store.versions import bumped


@dataclass(frozen=True, slots=True)
class ActorState:
    """One actor as stored: its row, its alias rows and the spans linked to it."""

    row: dict[str, Any]
    aliases: tuple[dict[str, Any], ...]
    span_ids: frozenset[int]


States = Mapping[int, ActorState | None]  # actor id -> its state (None: no such actor)


def capture(project: Project, actor_ids: Iterable[int]) -> dict[int, ActorState | None]:
    """The current state of each of ``actor_ids`` (None for an actor that does not exist)."""
    states: dict[int, ActorState | None] = {}
    with project.reading() as connection:
        for actor_id in dict.fromkeys(actor_ids):
            row = connection.execute(sa.select(ACTOR).where(ACTOR.c.id == actor_id)).mappings().one_or_none()
            if row is None:
                states[actor_id] = None
                continue
            aliases = connection.execute(sa.select(ALIAS).where(ALIAS.c.actor_id == actor_id)
                                         .order_by(ALIAS.c.id)).mappings().all()
            spans = connection.execute(sa.select(SPAN.c.id).where(SPAN.c.actor_id == actor_id)).scalars().all()
            states[actor_id] = ActorState(dict(row), tuple(dict(alias) for alias in aliases), frozenset(spans))
    return states


def restore(project: Project, states: States) -> None:
    """Make the actors of ``states`` exactly so, in one transaction: rows and alias rows under
    their ids, span links set back (a span linked to one of them now but not in its state is
    unlinked first), actors whose state is None removed."""
    ids = list(states)
    with project.transaction() as connection:
        linked = connection.execute(sa.select(SPAN.c.id, SPAN.c.document_id)
                                    .where(SPAN.c.actor_id.in_(ids))).all()
        wanted = [span_id for state in states.values() if state is not None for span_id in state.span_ids]
        documents = connection.execute(sa.select(SPAN.c.document_id).where(SPAN.c.id.in_(wanted))).scalars().all()
        project.note_change(actors=ids, spans=[row.id for row in linked] + wanted,
                            documents=[row.document_id for row in linked] + list(documents))
        now = utcnow()
        stale = [row.id for row in linked
                 if (state := states.get(_actor_of(connection, row.id) or 0)) is None or row.id not in state.span_ids]
        if stale:
            connection.execute(SPAN.update().where(SPAN.c.id.in_(stale))
                               .values(actor_id=None, updated_at=now, **bumped(SPAN)))
        for actor_id, state in states.items():
            connection.execute(ALIAS.delete().where(ALIAS.c.actor_id == actor_id))
            if state is None:
                connection.execute(ACTOR.delete().where(ACTOR.c.id == actor_id))
                continue
            if connection.execute(sa.select(ACTOR.c.id).where(ACTOR.c.id == actor_id)).first() is None:
                connection.execute(ACTOR.insert().values(**state.row))
            else:
                connection.execute(ACTOR.update().where(ACTOR.c.id == actor_id).values(**state.row))
            for alias in state.aliases:
                connection.execute(ALIAS.insert().values(**alias))
        for actor_id, state in states.items():
            if state is not None and state.span_ids:
                connection.execute(SPAN.update().where(SPAN.c.id.in_(state.span_ids),
                                                       SPAN.c.actor_id.is_distinct_from(actor_id))
                                   .values(actor_id=actor_id, updated_at=now, **bumped(SPAN)))


def _actor_of(connection: sa.Connection, span_id: int) -> int | None:
    return connection.execute(sa.select(SPAN.c.actor_id).where(SPAN.c.id == span_id)).scalar_one_or_none()
