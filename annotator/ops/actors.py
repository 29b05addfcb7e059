"""Actor registry edits as operations: create, rename, type and country, aliases, merge,
delete, link and unlink a span; each one transaction, undone and redone in one transaction.

Every edit captures the actors it touches before and after (``annotator.store.actor_restore``):
the undo makes them exactly as before (a deleted actor back under its id with its aliases and
links; a merge split back; a rename's name restored and the alias it added dropped), the redo
exactly as after, so later steps of the history still find the same ids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from annotator.ops.operation import Done, Operation
from annotator.store import Project
from annotator.store.actor_restore import States, capture, restore
from annotator.store.actors import SpanLink
from annotator.store.records import ActorRecord


class ActorEdit(Operation):
    """A registry edit: ``change(project)`` makes it and returns its result; ``touched`` are the
    actors it changes (known before; ``made`` names actors it creates, from its result)."""

    def __init__(self, label: str, change: Callable[[Project], Any], touched: Iterable[int] = (),
                 made: Callable[[Any], Iterable[int]] = lambda _result: ()) -> None:
        self.label = label
        self._change = change
        self._touched = list(touched)
        self._made = made

    def run(self, project: Project) -> Done[Any]:
        before = capture(project, self._touched)
        result = self._change(project)
        made = [actor_id for actor_id in self._made(result) if actor_id not in before]
        before.update(dict.fromkeys(made))  # absent before: the undo removes them
        after = capture(project, before)
        return Done(result, SetActors(before, after, self.label))


class SetActors(Operation):
    """Make actors as ``states`` say; its undo makes them as ``other`` says."""

    def __init__(self, states: States, other: States, label: str) -> None:
        self.label = label
        self._states = states
        self._other = other

    def run(self, project: Project) -> Done[None]:
        restore(project, self._states)
        return Done(None, SetActors(self._other, self._states, self.label))


def create(name: str, *, type: str | None = None, country: str | None = None,  # noqa: A002
           aliases: Iterable[str] = ()) -> ActorEdit:
    names = list(aliases)
    return ActorEdit(f"Create actor {name}",
                     lambda project: project.actors.create(name, type=type, country=country, aliases=names),
                     made=lambda actor: [actor.id])


def create_from_span(span_id: int, previous_actor_id: int | None, *, name: str | None = None) -> ActorEdit:
    """A new actor from an ACTOR span, linked to it (``previous_actor_id``: the span's actor now)."""
    touched = [previous_actor_id] if previous_actor_id is not None else []
    return ActorEdit("Create actor from span", lambda project: project.actors.create_from_span(span_id, name=name),
                     touched, made=lambda result: [result[0].id])


def rename(actor: ActorRecord, name: str) -> ActorEdit:
    return ActorEdit(f"Rename {actor.name} to {name}", lambda project: project.actors.rename(actor.id, name),
                     [actor.id])


def update(actor: ActorRecord, **values: str | None) -> ActorEdit:
    """Change type and/or country (``type=``, ``country=``; None clears one)."""
    return ActorEdit(f"Edit {actor.name}", lambda project: project.actors.update(actor.id, **values), [actor.id])


def add_alias(actor: ActorRecord, alias: str) -> ActorEdit:
    return ActorEdit(f"Add alias {alias}", lambda project: project.actors.add_alias(actor.id, alias), [actor.id])


def remove_alias(actor: ActorRecord, alias: str) -> ActorEdit:
    return ActorEdit(f"Remove alias {alias}", lambda project: project.actors.remove_alias(actor.id, alias),
                     [actor.id])


def merge(survivor: ActorRecord, absorbed: ActorRecord) -> ActorEdit:
    return ActorEdit(f"Merge {absorbed.name} into {survivor.name}",
                     lambda project: project.actors.merge(survivor.id, absorbed.id), [survivor.id, absorbed.id])


def delete(*actors: ActorRecord) -> ActorEdit:
    """Delete one or several actors at once (one step); their mentions stay, unlinked."""
    names = ", ".join(actor.name for actor in actors)
    return ActorEdit(f"Delete actor{'s' if len(actors) > 1 else ''} {names}",
                     lambda project: [project.actors.delete(actor.id) for actor in actors], [a.id for a in actors])


def link_span(span_id: int, actor_id: int | None, previous_actor_id: int | None) -> ActorEdit:
    """Link an ACTOR span to an actor (None: unlink); ``previous_actor_id`` is its actor now."""
    touched = [a for a in (actor_id, previous_actor_id) if a is not None]

    def link(project: Project) -> SpanLink:
        return project.actors.link_span(span_id, actor_id)

    return ActorEdit("Unlink actor" if actor_id is None else "Link actor", link, touched)
