"""Actor registry edits through the editing core alone (``annotator.ops.actors``), on SQLite and
PostgreSQL: every edit, its undo and its redo leave the registry (actor rows, alias rows and span
links, ids included) exactly as before or after, one transaction (change-log row) each."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from annotator.ops import History, Operation
from annotator.ops import actors as ops
from annotator.store import Project
from annotator.store.tables import ACTOR, ALIAS, SPAN
from tests.ops_support import import_article, log_rows

ME = "alice"


@pytest.fixture
def doc_id(project: Project, tmp_path: Path) -> int:
    doc = import_article(project, tmp_path)
    luka = project.actors.create("Alexander Lukashenko", type=None, aliases=["Lukashenko"])
    russia = project.actors.create("Russia", aliases=["Moscow"])
    project.annotations.add_span(doc, 0, 10, "ACTOR", ME)
    project.annotations.add_span(doc, 21, 27, "ACTOR", ME)
    project.annotations.add_span(doc, 39, 46, "ACTOR", ME)
    spans = project.annotations.spans(doc)
    project.actors.link_span(spans[0].id, luka.id, learn_alias=False)
    project.actors.link_span(spans[1].id, russia.id, learn_alias=False)
    return doc


def snapshot(project: Project) -> dict[str, Any]:
    with project.reading() as connection:
        return {"actors": sorted(connection.execute(sa.select(ACTOR.c.id, ACTOR.c.name, ACTOR.c.type,
                                                              ACTOR.c.country)).all()),
                "aliases": sorted(connection.execute(sa.select(ALIAS.c.id, ALIAS.c.actor_id, ALIAS.c.alias)).all()),
                "links": sorted(connection.execute(sa.select(SPAN.c.id, SPAN.c.actor_id)).all())}


def _actor(project: Project, name: str) -> Any:
    actor = project.actors.find(name)
    assert actor is not None
    return actor


def _span(project: Project, doc_id: int, start: int) -> Any:
    return next(s for s in project.annotations.spans(doc_id) if s.start == start)


CASES: dict[str, Callable[[Project, int], Operation]] = {
    "create": lambda p, d: ops.create("NATO", aliases=["the Alliance"]),
    "create from span": lambda p, d: ops.create_from_span(_span(p, d, 39).id, None),
    "rename": lambda p, d: ops.rename(_actor(p, "Russia"), "Russian Federation"),
    "type and country": lambda p, d: ops.update(_actor(p, "Russia"), country="RU"),
    "add alias": lambda p, d: ops.add_alias(_actor(p, "Russia"), "the Kremlin"),
    "remove alias": lambda p, d: ops.remove_alias(_actor(p, "Russia"), "Moscow"),
    "merge": lambda p, d: ops.merge(_actor(p, "Alexander Lukashenko"), _actor(p, "Russia")),
    "delete": lambda p, d: ops.delete(_actor(p, "Russia")),
    "link": lambda p, d: ops.link_span(_span(p, d, 39).id, _actor(p, "Russia").id, None),
    "relink": lambda p, d: ops.link_span(_span(p, d, 21).id, _actor(p, "Alexander Lukashenko").id,
                                         _actor(p, "Russia").id),
    "unlink": lambda p, d: ops.link_span(_span(p, d, 21).id, None, _actor(p, "Russia").id),
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_registry_edit_undoes_and_redoes_exactly_in_one_transaction_each(
        case: str, project: Project, doc_id: int) -> None:
    operation = CASES[case](project, doc_id)
    history = History.of(project, ME)
    before = snapshot(project)
    rows = log_rows(project)
    outcome = history.perform(operation)
    after = snapshot(project)
    assert after != before and outcome.changes.actors
    for expected in (before, after, before, after):
        history.undo() if expected is before else history.redo()
        assert snapshot(project) == expected, case
    assert log_rows(project) == rows + 5


def test_redo_of_a_created_actor_after_another_writer_keeps_its_id(project: Project, doc_id: int) -> None:
    history = History.of(project, ME)
    nato = history.perform(ops.create("NATO")).result
    history.undo()
    with Project.open(project.location) as teammate:
        theirs = teammate.actors.create("European Union")
    history.redo()
    assert _actor(project, "NATO").id == nato.id != theirs.id
