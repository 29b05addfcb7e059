"""Decisions on non-span differences that gold cannot show (issue 17): a relation, attribute value
or document label turned down, or an annotator's "nothing" taken where gold holds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext

from annotator.errors import UserError
from annotator.formats.ingest import ingest_documents
from annotator.ops import History
from annotator.ops.curation import reject_difference, take_version
from annotator.review.comparison import Difference, compare
from annotator.review.review_queue import next_undecided, pending_differences
from annotator.store import Project
from annotator.store.copy import copy_project
from annotator.store.migrate import HEAD_REVISION
from annotator.store.tables import REVIEW_DECISION
from annotator.store.versions import ConflictError
from tests.conftest import BACKENDS, new_location
from tests.test_curation import NAMES, TEXT, at, craft
from tests.test_store_project import write_previous_version


def item(project: Project, doc_id: int, kind: str, key: str | None = None, index: int = 0) -> Difference:
    return [found for found in compare(project, doc_id, NAMES)
            if found.kind == kind and (key is None or found.key == key)][index]


def test_rejecting_a_relation_only_one_drew_decides_it_and_survives_reopening(project_location: str) -> None:
    with Project.open(project_location) as project:
        doc_id = craft(project)
        history = History.of(project, "rita")
        only_anna = item(project, doc_id, "relation")
        assert only_anna.values == (("anna", ("speaker_of",)), ("boris", ())) and only_anna.state == "pending"
        history.perform(reject_difference(only_anna, "rita"))
        assert item(project, doc_id, "relation").state == "rejected"
        assert project.annotations.relations(doc_id, layers=["gold"]) == []  # gold left as it was
        with pytest.raises(UserError, match="E1260"):
            reject_difference(item(project, doc_id, "relation"), "rita")
        history.undo()
        assert item(project, doc_id, "relation").state == "pending"
        history.redo()
        assert item(project, doc_id, "relation").state == "rejected"
        types = item(project, doc_id, "relation", index=1)  # the other relation item is its own
        assert types.state == "pending" and types.item_key != only_anna.item_key
    with Project.open(project_location) as reopened:
        again = item(reopened, doc_id, "relation")
        assert again.state == "rejected" and again.decision == "rejected"


def test_rejecting_an_attribute_value_only_one_gave(project: Project) -> None:
    doc_id = craft(project)
    stance = item(project, doc_id, "attribute", "stance")
    History.of(project, "rita").perform(reject_difference(stance, "rita"))
    assert item(project, doc_id, "attribute", "stance").state == "rejected"
    assert item(project, doc_id, "attribute", "claim_type").state == "pending"
    assert project.annotations.spans(doc_id, layers=["gold"]) == []


def test_taking_the_none_of_a_relation_decides_it_and_the_undo_takes_the_decision_back(project: Project) -> None:
    doc_id = craft(project)
    history = History.of(project, "rita")
    history.perform(take_version(item(project, doc_id, "relation"), "boris", "rita"))  # boris drew none there
    taken = item(project, doc_id, "relation")
    assert (taken.decision, taken.state, taken.in_gold) == ("taken:boris", "gold", False)
    assert project.annotations.relations(doc_id, layers=["gold"]) == []
    history.perform(reject_difference(taken, "rita"))  # a later decision replaces it
    assert item(project, doc_id, "relation").decision == "rejected"
    with project.reading() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(REVIEW_DECISION)).scalar_one() == 1
    history.undo()
    assert item(project, doc_id, "relation").decision == "taken:boris"
    history.undo()
    assert item(project, doc_id, "relation").decision is None
    history.redo()
    assert item(project, doc_id, "relation").state == "gold"


def test_taking_a_version_into_gold_then_rejecting_is_refused(project: Project) -> None:
    doc_id = craft(project)
    History.of(project, "rita").perform(take_version(item(project, doc_id, "relation"), "anna", "rita"))
    with pytest.raises(UserError, match="E1262"):
        reject_difference(item(project, doc_id, "relation"), "rita")


def test_two_reviewers_deciding_the_same_item_do_not_overwrite_each_other(project: Project) -> None:
    """rita and sam both have the comparison open; sam rejects the relation first. rita's take of
    boris's "(none)", decided on what she saw (undecided), is refused with E1263 instead of
    replacing sam's decision; an undo of a decision someone changed since is refused too."""
    doc_id = craft(project)
    seen_by_rita = item(project, doc_id, "relation")
    History.of(project, "sam").perform(reject_difference(item(project, doc_id, "relation"), "sam"))
    rita = History.of(project, "rita")
    with pytest.raises(ConflictError, match="E1263"):
        rita.perform(take_version(seen_by_rita, "boris", "rita"))
    assert item(project, doc_id, "relation").decision == "rejected"

    sam = History.of(project, "sam")
    sam.perform(take_version(item(project, doc_id, "relation"), "boris", "sam"))  # on what he sees: rejected
    rita.perform(reject_difference(item(project, doc_id, "relation"), "rita"))
    with pytest.raises(ConflictError):
        sam.undo()  # his step left "taken:boris"; rita's rejection stands
    assert item(project, doc_id, "relation").decision == "rejected"


def _document(project: Project, name: str) -> int:
    """anna and boris mark the same two ACTORs; only anna relates them and sets NEEDS_DISCUSSION
    (the text ends with the name: documents are told apart by their text)."""
    ingest_documents(project, [{"id": name, "text": f"{TEXT} {name}", "spans": [], "relations": []}])
    doc_id = project.documents.resolve(name)
    annotations = project.annotations
    for who in NAMES:
        moscow = annotations.add_span(doc_id, *at("Moscow"), "ACTOR", who, attrs={"actor_type": "state"})
        minsk = annotations.add_span(doc_id, *at("Minsk"), "ACTOR", who, attrs={"actor_type": "state"})
        if who == "anna":
            annotations.add_relation(moscow.id, minsk.id, "participant_in", who, check_schema=False)
    annotations.set_doc_label(doc_id, "NEEDS_DISCUSSION", "anna", True)
    return doc_id


def test_the_queue_moves_past_a_document_whose_differences_are_decided_this_way(project: Project) -> None:
    first, second = _document(project, "first"), _document(project, "second")
    order = [first, second]
    assert pending_differences(project, first, NAMES) == 2
    assert next_undecided(project, order, second, NAMES) == first
    history = History.of(project, "rita")
    history.perform(reject_difference(item(project, first, "relation"), "rita"))
    assert next_undecided(project, order, second, NAMES) == first  # the document label is still open
    history.perform(take_version(item(project, first, "doc_label"), "boris", "rita"))
    assert pending_differences(project, first, NAMES) == 0
    assert next_undecided(project, order, second, NAMES) is None
    assert next_undecided(project, order, first, NAMES) == second  # the other document's are its own


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_project_of_the_previous_version_gets_the_decision_table(backend: str, tmp_path: Path) -> None:
    with new_location(backend, tmp_path) as location:
        write_previous_version(location, "0008")
        with Project.open(location) as project:
            with project.engine.connect() as connection:
                assert MigrationContext.configure(connection).get_current_revision() == HEAD_REVISION
                assert "review_decision" in sa.inspect(connection).get_table_names()
            doc_id = project.documents.resolve("old")
            assert [(span.id, span.annotator) for span in project.annotations.spans(doc_id)] == [(1, "alice"), (2, "en_core_web_sm")]
            craft(project)
            crafted = project.documents.resolve("crafted")
            History.of(project, "rita").perform(reject_difference(item(project, crafted, "relation"), "rita"))
            assert item(project, crafted, "relation").state == "rejected"


def test_decisions_travel_with_annotator_copy(project_location: str, tmp_path: Path) -> None:
    """``annotator copy`` copies every table of the models, the decisions with them."""
    with Project.open(project_location) as project:
        doc_id = craft(project)
        History.of(project, "rita").perform(reject_difference(item(project, doc_id, "relation"), "rita"))
    target = tmp_path / "copied.db"
    copy_project(project_location, target)
    with Project.open(target) as copied:
        assert item(copied, doc_id, "relation").state == "rejected"
