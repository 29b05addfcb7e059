"""``annotator show`` and ``annotator docs`` read SQLite projects without SQLAlchemy
(``annotator.store.quick_reads``): the answers must be exactly those of the normal path, and
everything off the happy path must go the normal way, with its messages."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from annotator.cli import cmd_docs, cmd_show
from annotator.formats.ingest import ingest_documents
from annotator.review import adjudicate
from annotator.store import Project
from annotator.store.quick_reads import fetch_document, quick_connection, resolve
from tests.format_fixtures import sample_docs

TEXT = "The Foreign Ministry of Russia said on Monday that talks in Geneva would resume."


def _everything(path: Path) -> None:
    """Spans with attributes, actors and fragments, relations with attributes, document labels,
    notes, statuses, scored suggestions in every status, gold with provenance and comments."""
    with Project.open(path) as project:
        ingest_documents(project, [{
            "id": "reviewed", "text": TEXT, "status": {"alice": "done", "bob": "in_progress"},
            "notes": [{"annotator": "bob", "text": "check the date"}],
            "spans": [{"id": 1, "start": 4, "end": 30, "label": "ACTOR", "annotator": "alice"},
                      {"id": 2, "start": 60, "end": 66, "label": "LOCATION", "annotator": "alice"},
                      {"id": 3, "start": 4, "end": 20, "label": "ACTOR", "annotator": "bob",
                       "fragments": [[4, 11], [12, 20]]},
                      {"id": 4, "start": 57, "end": 66, "label": "LOCATION", "annotator": "bob"},
                      {"id": 5, "start": 24, "end": 30, "label": "LOCATION", "annotator": "model",
                       "layer": "suggestion", "score": 0.75, "source": "ner", "status": "pending"},
                      {"id": 6, "start": 38, "end": 44, "label": "DATE", "annotator": "model",
                       "layer": "suggestion", "score": 0.5, "source": "rules", "status": "rejected"}],
            "relations": [{"id": 1, "head": 1, "tail": 2, "label": "LOCATED_IN", "annotator": "alice",
                           "attrs": {"explicit": "yes"}}],
        }])  # type: ignore[list-item]
        ingest_documents(project, sample_docs())  # type: ignore[arg-type]  # after: the ids above stay
        org = adjudicate.accept_span(project, 1, "rita").gold
        adjudicate.accept_span(project, 2, "rita")
        adjudicate.accept_relation(project, 1, "rita")
        adjudicate.comment_span(project, org.id, "rita", "bob cut the name short")
        adjudicate.comment_span(project, 4, "sam", "boundary includes 'in'")


@pytest.fixture(scope="module")
def rich_project(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("quick") / "project.db"
    _everything(path)
    return str(path)


@pytest.mark.parametrize("reference", ["doc-1", "doc-2", "reviewed", "1", "2"])
def test_show_reads_exactly_what_the_normal_path_reads(rich_project: str, reference: str) -> None:
    quick = cmd_show._quick(rich_project, reference)
    assert quick is not None, "a current SQLite project takes the quick path"
    assert json.dumps(quick, sort_keys=True) == json.dumps(cmd_show._through_project(rich_project, reference),
                                                           sort_keys=True)


def test_the_rich_document_has_every_kind_of_row(rich_project: str) -> None:
    """So the comparison above covers each column the quick statements decode."""
    found = cmd_show._quick(rich_project, "reviewed")
    assert found is not None
    spans = found[1]["spans"]
    assert {"fragments", "score", "status", "source", "origin_annotator", "adjudicator", "comments"} <= {
        key for span in spans for key in span}
    assert found[1]["notes"] and found[1]["status"] and found[1]["relations"]
    first = cmd_show._quick(rich_project, "doc-1")
    assert first is not None and first[1]["doc_labels"] and any(span["actor"] for span in first[1]["spans"])


def test_docs_reads_exactly_what_the_normal_path_reads(rich_project: str) -> None:
    quick = cmd_docs._quick(rich_project)
    assert quick is not None and len(quick) == 3
    assert quick == cmd_docs._through_project(rich_project, [], None)


def test_off_the_happy_path_the_normal_path_answers(rich_project: str, tmp_path: Path) -> None:
    older = tmp_path / "older.db"
    with sqlite3.connect(rich_project) as source, sqlite3.connect(older) as target:
        source.backup(target)
        target.execute("UPDATE alembic_version SET version_num = '0009'")
    empty = tmp_path / "empty.db"
    empty.touch()
    for location in (str(older), str(empty), str(tmp_path / "missing.db"), "postgresql://nobody@localhost/x",
                     str(tmp_path)):
        with quick_connection(location) as connection:
            assert connection is None, location
    with quick_connection(rich_project) as connection:
        assert connection is not None
        assert resolve(connection, "no such document") is None
        assert resolve(connection, "a\x00b") is None
        assert resolve(connection, "99999999999999999999") is None
        assert fetch_document(connection, 424242) is None


@pytest.mark.slow
def test_an_ambiguous_name_still_gets_the_normal_message(tmp_path: Path) -> None:
    path = tmp_path / "twins.db"
    with Project.open(path) as project:
        ingest_documents(project, [{"id": "twin", "text": "One text."}, {"id": "twin", "text": "Another text."}])  # type: ignore[list-item]
    shown = subprocess.run([sys.executable, "-m", "annotator", "show", str(path), "twin"],
                           capture_output=True, text=True, timeout=120)
    assert shown.returncode != 0 and "E402" in shown.stderr and "Traceback" not in shown.stderr


def _add_span_in_another_process(path: str) -> None:
    code = ("import sys; from annotator.store import Project\n"
            "with Project.open(sys.argv[1]) as p:\n"
            "    p.annotations.add_span(p.documents.resolve('doc-2'), 0, 2, 'ACTOR', 'carol')\n")
    done = subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


@pytest.mark.slow
def test_one_read_sees_one_moment_while_another_process_writes(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    _everything(path)
    with quick_connection(str(path)) as connection:
        assert connection is not None
        before = fetch_document(connection, 3)
        _add_span_in_another_process(str(path))
        during = fetch_document(connection, 3)
    assert before is not None and during is not None and during.spans == before.spans == []
    after = cmd_show._quick(str(path), "doc-2")
    assert after is not None and [span["annotator"] for span in after[1]["spans"]] == ["carol"]


@pytest.mark.slow
def test_the_commands_print_the_same_through_the_executable(rich_project: str) -> None:
    shown = subprocess.run([sys.executable, "-m", "annotator", "show", rich_project, "reviewed", "--json"],
                           capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0, shown.stderr
    expected: Any = json.loads(json.dumps(cmd_show._through_project(rich_project, "reviewed")[1]))
    assert json.loads(shown.stdout) == expected
    listed = subprocess.run([sys.executable, "-m", "annotator", "docs", rich_project, "--json"],
                            capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    assert [json.loads(line) for line in listed.stdout.splitlines()] == json.loads(
        json.dumps(cmd_docs._through_project(rich_project, [], None)))
