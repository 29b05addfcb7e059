"""Several analysts on one project at once: each with their own ``Project.open`` on the same
SQLite file or PostgreSQL database, editing in parallel threads.

The handles are opened before the threads start: opening is not what is tested here, editing is.

Edits to different documents must all land; two edits of the same item must never both win,
the loser gets a ``ConflictError`` carrying the winner's value. Threads start together on a
barrier, so the writes really overlap; the assertions hold whatever order they end up in.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from annotator.corpus.importer import import_paths
from annotator.review import adjudicate
from annotator.store import Project
from annotator.store.versions import ConflictError, VersionLedger, document_state

TEXT = "Zakharova said that Western countries were trying to pull Belarus away from Russia.\n"
WRITERS = 4
SPANS_PER_WRITER = 12


@pytest.fixture
def doc_ids(project: Project, tmp_path: Path) -> list[int]:
    """One document per writer (distinct texts: the importer skips duplicates)."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for number in range(WRITERS):
        (folder / f"doc{number}.txt").write_text(f"Report {number}. {TEXT}", encoding="utf-8")
    return sorted(document.id for document in import_paths(project, [folder]).imported)


@pytest.fixture
def open_handles(project: Project) -> Iterator[Callable[[int], list[Project]]]:
    """``open_handles(n)``: n more handles on the project's location (one per analyst), closed after."""
    handles: list[Project] = []

    def open_(count: int) -> list[Project]:
        opened = [Project.open(project.location) for _ in range(count)]
        handles.extend(opened)
        return opened

    yield open_
    for handle in handles:
        handle.close()


def run_together(work: list[Callable[[], Any]]) -> list[Any]:
    """Run each callable on its own thread, all released at once; returns results or exceptions."""
    barrier = threading.Barrier(len(work))
    results: list[Any] = [None] * len(work)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = work[index]()
        except Exception as error:  # noqa: BLE001 - handed back to the test, which asserts on it
            results[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_writers_on_different_documents_never_block_each_other(
        project: Project, doc_ids: list[int], open_handles: Callable[[int], list[Project]]) -> None:
    handles = open_handles(WRITERS)

    def writer(number: int) -> int:
        doc_id = doc_ids[number]
        name = f"analyst{number}"
        edits = 0
        annotations = handles[number].annotations
        for index in range(SPANS_PER_WRITER):
            start = index * 2
            span = annotations.add_span(doc_id, start, start + 2, "ACTOR", name)
            span = annotations.update_span(span.id, label="CLAIM", expected_version=span.version)
            annotations.update_span(span.id, note=f"edit {index}", expected_version=span.version)
            edits += 3
            if index % 3 == 0:
                annotations.delete_span(span.id, expected_version=span.version + 1)
                edits += 1
        return edits

    results = run_together([lambda number=number: writer(number) for number in range(WRITERS)])
    assert [result for result in results if isinstance(result, Exception)] == []
    kept = SPANS_PER_WRITER - len(range(0, SPANS_PER_WRITER, 3))
    for number, doc_id in enumerate(doc_ids):
        spans = project.annotations.spans(doc_id)
        assert len(spans) == kept
        assert {(span.label, span.annotator, span.version) for span in spans} == {("CLAIM", f"analyst{number}", 3)}
        assert {span.note for span in spans} == {f"edit {index}" for index in range(SPANS_PER_WRITER) if index % 3}


def _gold_span(project: Project, doc_id: int) -> int:
    source = project.annotations.add_span(doc_id, 0, 6, "ACTOR", "alice")
    return adjudicate.accept_span(project, source.id, "rita").gold.id


def test_two_reviewers_editing_one_gold_span_exactly_one_wins(
        project: Project, doc_ids: list[int], open_handles: Callable[[int], list[Project]]) -> None:
    gold_id = _gold_span(project, doc_ids[0])
    seen = project.annotations.span(gold_id)
    rita, sam = open_handles(2)

    def relabel(mine: Project, label: str) -> str:
        return mine.annotations.update_span(gold_id, label=label, expected_version=seen.version).label

    results = run_together([lambda: relabel(rita, "CLAIM"), lambda: relabel(sam, "THREAT")])
    wins = [result for result in results if isinstance(result, str)]
    conflicts = [result for result in results if isinstance(result, ConflictError)]
    assert len(wins) == 1 and len(conflicts) == 1, results
    [winner], [conflict] = wins, conflicts
    stored = project.annotations.span(gold_id)
    assert stored.label == winner and stored.version == seen.version + 1
    assert conflict.current == stored  # the winner's value travels with the error
    message = str(conflict)
    assert message.startswith("[E130]") and f"label {winner}" in message and "gold layer" in message
    assert "adjudicated by rita" in message and "text “Report” (0-6)" in message and "F5" in message


def test_two_reviewers_accepting_one_span_make_one_gold_copy(
        project: Project, doc_ids: list[int], open_handles: Callable[[int], list[Project]]) -> None:
    doc_id = doc_ids[0]
    source = project.annotations.add_span(doc_id, 0, 6, "ACTOR", "alice")
    rita, sam = open_handles(2)

    def accept(mine: Project, reviewer: str) -> adjudicate.Accepted:
        return adjudicate.accept_span(mine, source.id, reviewer, expected_version=source.version)

    results = run_together([lambda: accept(rita, "rita"), lambda: accept(sam, "sam")])
    accepted = [result for result in results if isinstance(result, adjudicate.Accepted)]
    conflicts = [result for result in results if isinstance(result, ConflictError)]
    assert len(accepted) == 1 and len(conflicts) == 1, results
    assert len(project.annotations.spans(doc_id, layers=["gold"])) == 1
    assert conflicts[0].current is not None and conflicts[0].current.status == "accepted"
    assert "review mark accepted" in str(conflicts[0])


def test_editing_an_item_someone_deleted_says_so(project: Project, doc_ids: list[int]) -> None:
    gold_id = _gold_span(project, doc_ids[0])
    seen = project.annotations.span(gold_id)
    with Project.open(project.location) as other:
        adjudicate.delete_gold_span(other, gold_id, expected_version=seen.version)
    with pytest.raises(ConflictError, match=r"^\[E131\] Span .* was deleted by someone else") as caught:
        project.annotations.update_span(gold_id, label="CLAIM", expected_version=seen.version)
    assert caught.value.current is None
    head = project.annotations.add_span(doc_ids[1], 0, 6, "ACTOR", "alice")
    tail = project.annotations.add_span(doc_ids[1], 7, 16, "CLAIM", "alice")
    relation = project.annotations.add_relation(head.id, tail.id, "speaker_of", "alice")
    project.annotations.delete_relation(relation.id, expected_version=relation.version)
    with pytest.raises(ConflictError, match=r"^\[E131\] Relation"):
        project.annotations.delete_relation(relation.id, expected_version=relation.version)


def test_undo_uses_the_version_its_own_edits_left(project: Project, doc_ids: list[int]) -> None:
    """Add, relabel, undo the relabel, undo the add: each step expects what the last one left,
    as the GUI's undo stack does through a ``VersionLedger``; a stranger's edit in between
    turns the next undo into a conflict instead of overwriting it."""
    annotations = project.annotations
    ledger = VersionLedger()
    span = annotations.add_span(doc_ids[0], 0, 6, "ACTOR", "alice")
    ledger.note_span(span)
    relabelled = annotations.update_span(span.id, label="CLAIM", expected_version=ledger.expected("span", span.id, 0))
    ledger.note_span(relabelled)
    back = annotations.update_span(span.id, label="ACTOR", expected_version=ledger.expected("span", span.id, 0))
    ledger.note_span(back)
    assert back.version == 3
    annotations.delete_span(span.id, expected_version=ledger.expected("span", span.id, 0))
    again = annotations.add_span(doc_ids[0], 0, 6, "ACTOR", "alice")
    ledger.note_span(again)
    with Project.open(project.location) as other:
        other.annotations.update_span(again.id, note="theirs")
    with pytest.raises(ConflictError, match=r"\[E130\].*note “theirs”"):
        annotations.delete_span(again.id, expected_version=ledger.expected("span", again.id, 0))
    assert annotations.span(again.id).note == "theirs"


def test_document_state_notices_what_others_change(project: Project, doc_ids: list[int]) -> None:
    doc_id = doc_ids[0]
    before = document_state(project, doc_id)
    with Project.open(project.location) as other:
        span = other.annotations.add_span(doc_id, 0, 6, "ACTOR", "bob")
        added = document_state(project, doc_id)
        assert added != before and added.changes_from(before) == "1 span added"
        other.annotations.update_span(span.id, label="CLAIM")
        edited = document_state(project, doc_id)
        assert edited.changes_from(added) == "spans edited"
        other.annotations.delete_span(span.id)
        other.annotations.add_span(doc_id, 0, 6, "ACTOR", "bob")  # SQLite may even reuse the id
    assert document_state(project, doc_id) != edited
    assert document_state(project, doc_ids[1]) == document_state(project, doc_ids[1])
