"""Copying whole projects between SQLite and PostgreSQL: lossless, all or nothing, ids kept."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from annotator.cli.main import main
from annotator.errors import UserError
from annotator.formats.pipeline import export_project
from annotator.nlp.suggest import PIPELINE_SETTING
from annotator.review.adjudicate import accept_span, comment_span, set_reviewed
from annotator.search.run import search
from annotator.store import Project
from annotator.store.copy import copy_project
from annotator.store.database import create_project_engine, location_to_url
from annotator.store.migrate import HEAD_REVISION, current_revision, upgrade
from annotator.store.models import METADATA
from annotator.store.tables import NOTE, REL, SPAN
from annotator.tasks import TaskControl
from tests.conftest import BACKENDS, fresh_postgres_database
from tests.test_format_jsonl import ALL, rich_project


def richest_project(project: Project) -> None:
    """``rich_project`` plus review and suggestion decisions: gold with provenance, a span
    comment, a reviewed status, one suggestion accepted and one rejected, a pipeline setting."""
    rich_project(project)
    first, second, _third = project.documents.ids()
    bob = project.annotations.spans(first, annotators=["bob"])[0]
    accept_span(project, bob.id, "judge")
    comment_span(project, bob.id, "judge", "Граница? 😀")
    set_reviewed(project, first, "judge")
    project.suggestions.accept(project.suggestions.spans(first)[0].id, "alice")
    project.suggestions.reject(project.suggestions.spans(second)[0].id)
    project.set_setting(PIPELINE_SETTING, "blank:en")


@contextmanager
def engine_at(location: str) -> Iterator[sa.Engine]:
    engine = create_project_engine(location_to_url(location))
    try:
        yield engine
    finally:
        engine.dispose()


def table_rows(location: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every project table in key order: JSON as the text stored, timestamps as
    UTC instants (SQLite keeps naive UTC text, PostgreSQL answers in the session's zone)."""
    def value(item: Any) -> Any:
        if isinstance(item, datetime):
            return item.replace(tzinfo=UTC) if item.tzinfo is None else item.astimezone(UTC)
        return item

    rows: dict[str, list[tuple[Any, ...]]] = {}
    with engine_at(location) as engine, engine.connect() as connection:
        for table in METADATA.sorted_tables:
            columns = [sa.cast(c, sa.Text) if isinstance(c.type, sa.JSON) else c for c in table.columns]
            keys = [list(table.columns).index(c) for c in table.primary_key.columns]
            found = [tuple(value(item) for item in row) for row in connection.execute(sa.select(*columns))]
            rows[table.name] = sorted(found, key=lambda row: [row[k] for k in keys])
    return rows


def exported(location: str, out: Path) -> tuple[bytes, bytes]:
    """The canonical JSONL export of every layer, and its actor registry file."""
    with Project.open(location, create=False) as project:
        export_project(project, out, "jsonl", ALL)
    return out.read_bytes(), out.with_name(out.stem + ".actors.jsonl").read_bytes()


def table_names(location: str) -> list[str]:
    with engine_at(location) as engine, engine.connect() as connection:
        return sa.inspect(connection).get_table_names()


def assert_new_rows_get_new_ids(location: str) -> None:
    """Ids go on after the copied ones (on PostgreSQL only because the sequences were reset)."""
    with engine_at(location) as engine, engine.connect() as connection:
        largest = {table.name: connection.execute(sa.select(sa.func.max(table.c.id))).scalar_one()
                   for table in (SPAN, REL, NOTE)}
    with Project.open(location, create=False) as project:
        doc_id = project.documents.ids()[0]
        head = project.annotations.add_span(doc_id, 0, 2, "ACTOR", "carol")
        tail = project.annotations.add_span(doc_id, 3, 5, "ACTOR", "carol")
        relation = project.annotations.add_relation(head.id, tail.id, "threatens", "carol", check_schema=False)
        project.annotations.set_document_note(doc_id, "carol", "new note")
        note_ids = [note_id for note_id, _annotator, _text in project.annotations.notes(doc_id)]
    assert (head.id, tail.id) == (largest["span"] + 1, largest["span"] + 2)
    assert relation.id == largest["relation"] + 1
    assert max(note_ids) == largest["note"] + 1


def assert_found_by_full_text_search(location: str) -> None:
    """The target's own search index (not copied: built by its triggers or index) finds the texts."""
    with Project.open(location, create=False) as project:
        result = search(project, "суверэнітэт")
        assert [project.documents.get(hit.doc_id).name for hit in result.hits] == ["cyrillic"]


@pytest.mark.slow
def test_sqlite_to_postgresql_to_sqlite_is_lossless(tmp_path: Path) -> None:
    source, back = str(tmp_path / "source.db"), str(tmp_path / "back.db")
    with Project.open(source) as project:
        richest_project(project)
    expected_export = exported(source, tmp_path / "source.jsonl")
    expected_rows = table_rows(source)
    with fresh_postgres_database() as server:
        there = copy_project(source, server)
        back_report = copy_project(server, back)
        assert there.rows == back_report.rows == {name: len(rows) for name, rows in expected_rows.items()}
        assert not there.cancelled and there.source_backup is None
        assert table_rows(server) == expected_rows
        assert exported(server, tmp_path / "server.jsonl") == expected_export
        with engine_at(server) as engine:
            assert current_revision(engine) == HEAD_REVISION
        assert_found_by_full_text_search(server)
        assert_new_rows_get_new_ids(server)
    assert table_rows(back) == expected_rows
    assert exported(back, tmp_path / "back.jsonl") == expected_export
    assert_found_by_full_text_search(back)
    assert_new_rows_get_new_ids(back)
    spans = [dict(zip(SPAN.columns.keys(), row, strict=True)) for row in expected_rows["span"]]
    assert {"accepted", "rejected", "pending"} <= {span["status"] for span in spans}
    assert any((span["origin_annotator"], span["adjudicator"]) == ("bob", "judge") for span in spans)
    assert any(span["fragments"] == "[[0, 3], [6, 12]]" for span in spans)
    assert any(span["actor_id"] is not None for span in spans)
    notes = [dict(zip(NOTE.columns.keys(), row, strict=True)) for row in expected_rows["note"]]
    assert any(note["text"] == "Граница? 😀" and note["span_id"] for note in notes)


@pytest.mark.parametrize("target_backend", BACKENDS)
def test_every_direction_copies_every_row(project_location: str, target_backend: str, tmp_path: Path) -> None:
    with Project.open(project_location) as project:
        richest_project(project)
    expected_rows = table_rows(project_location)
    expected_export = exported(project_location, tmp_path / "source.jsonl")

    def check(target: str) -> None:
        report = copy_project(project_location, target)
        assert report.total_rows == sum(len(rows) for rows in expected_rows.values())
        assert table_rows(target) == expected_rows
        assert exported(target, tmp_path / "target.jsonl") == expected_export
        assert_new_rows_get_new_ids(target)

    if target_backend == "sqlite":
        check(str(tmp_path / "target.db"))
    else:
        with fresh_postgres_database() as target:
            check(target)


@pytest.mark.parametrize("target_backend", BACKENDS)
def test_non_empty_target_is_refused_and_unchanged(target_backend: str, tmp_path: Path) -> None:
    source = str(tmp_path / "source.db")
    with Project.open(source) as project:
        richest_project(project)

    def refused(target: str) -> None:
        before = table_rows(target)
        with pytest.raises(UserError, match=r"\[E140\] Cannot copy into .*it already holds \d+ table"):
            copy_project(source, target)
        assert table_rows(target) == before

    if target_backend == "sqlite":
        target = tmp_path / "existing.db"
        with Project.open(target) as existing:
            rich_project(existing)
        before_bytes = target.read_bytes()
        refused(str(target))
        assert target.read_bytes() == before_bytes
    else:
        with fresh_postgres_database() as target:
            with Project.open(target) as existing:
                rich_project(existing)
            refused(target)


def test_foreign_sqlite_file_is_refused_without_a_single_change(tmp_path: Path) -> None:
    """Not even the journal mode changes: the project engine would switch the file to WAL."""
    source, target = tmp_path / "source.db", tmp_path / "notes.sqlite"
    with Project.open(source) as project:
        rich_project(project)
    database = sqlite3.connect(target)
    database.execute("CREATE TABLE mine (x TEXT)")
    database.commit()
    database.close()
    before = target.read_bytes()
    with pytest.raises(UserError, match=r"\[E140\].*1 table\(s\) \(mine\)"):
        copy_project(source, target)
    assert target.read_bytes() == before
    assert not Path(f"{target}-wal").exists()


@pytest.mark.parametrize("target_kind", ["new file", "empty file", pytest.param("postgresql", marks=pytest.mark.slow)])
def test_cancelled_copy_leaves_no_target(target_kind: str, tmp_path: Path) -> None:
    source = str(tmp_path / "source.db")
    with Project.open(source) as project:
        richest_project(project)
    control = TaskControl()
    progress: list[tuple[int, int]] = []

    def cancel_after_first_rows(done: int, total: int, _table: str) -> None:
        progress.append((done, total))
        if done:
            control.cancel()

    control.on_progress = cancel_after_first_rows
    target = tmp_path / "copy.db"
    if target_kind == "new file":
        report = copy_project(source, target, control)
        assert not target.exists() and not Path(f"{target}-wal").exists()
    elif target_kind == "empty file":  # kept, and as empty as it was: the tables were rolled back too
        target.touch()
        report = copy_project(source, target, control)
        assert table_names(str(target)) == []
    else:
        with fresh_postgres_database() as url:
            report = copy_project(source, url, control)
            assert table_names(url) == []
    assert report.cancelled and report.rows == {}
    assert progress[0][0] == 0 and progress[-1][0] > 0


@pytest.mark.slow
def test_failed_copy_names_the_table_and_leaves_the_server_database_empty(tmp_path: Path) -> None:
    """SQLite keeps a NUL character in a title; PostgreSQL text cannot hold one."""
    source = str(tmp_path / "source.db")
    with Project.open(source) as project:
        rich_project(project)
        with project.transaction() as connection:
            connection.execute(sa.text("UPDATE document SET title = :title WHERE id = 2"),
                               {"title": "scraped\x00title"})
    with fresh_postgres_database() as url:
        with pytest.raises(UserError, match=r"\[E144\] Copying table 'document' \(one of the rows with id 1 to 3\) into .*NUL"):
            copy_project(source, url)
        assert table_names(url) == []


def test_older_source_is_upgraded_then_copied(tmp_path: Path) -> None:
    """A project of revision 0004 (before row versions) is upgraded, with a backup, then copied;
    a column it never filled (``fragments``) stays SQL NULL in the copy, not JSON null."""
    source, target = tmp_path / "old.db", tmp_path / "new.db"
    engine = create_project_engine(location_to_url(source))
    upgrade(engine, "0004")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO document (name, title, source, content_hash, n_chars, meta, created_at, updated_at, text)"
            " VALUES ('old', 'Old', '', 'h', 5, '{}', '2024-01-01 10:00:00.000000', '2024-01-01 10:00:00.000000', 'hello')")
        connection.exec_driver_sql("INSERT INTO annotator (name, kind, created_at) VALUES ('ann', 'human', '2024-01-01')")
        connection.exec_driver_sql("INSERT INTO label (kind, name, color, description, in_schema) "
                                   "VALUES ('span', 'ACTOR', '#112233', '', 1)")
        connection.exec_driver_sql(
            "INSERT INTO span (document_id, annotator_id, layer, label_id, start_offset, end_offset, attrs, note, "
            "created_at, updated_at) VALUES (1, 1, 'annotation', 1, 0, 5, '{}', '', '2024-01-01', '2024-01-01')")
    engine.dispose()
    report = copy_project(source, target)
    assert report.source_backup is not None and report.source_backup.exists()
    assert table_rows(str(target)) == table_rows(str(source))
    with engine_at(str(target)) as target_engine, target_engine.connect() as connection:
        assert current_revision(target_engine) == HEAD_REVISION
        assert connection.exec_driver_sql("SELECT fragments IS NULL, version FROM span").one() == (1, 1)


def test_source_and_target_mistakes_are_explained(tmp_path: Path) -> None:
    source = tmp_path / "source.db"
    with Project.open(source):
        pass
    with pytest.raises(UserError, match=r"\[E142\]"):
        copy_project(source, f"sqlite:///{source}")
    with pytest.raises(UserError, match=r"\[E141\] Cannot copy from .*missing\.db: the file does not exist"):
        copy_project(tmp_path / "missing.db", tmp_path / "copy.db")
    (tmp_path / "empty.db").touch()
    with pytest.raises(UserError, match=r"\[E141\].*it holds no tables"):
        copy_project(tmp_path / "empty.db", tmp_path / "copy.db")
    assert (tmp_path / "empty.db").stat().st_size == 0
    with pytest.raises(UserError, match=r"\[E143\].*the folder .*nowhere does not exist"):
        copy_project(source, tmp_path / "nowhere" / "copy.db")
    assert not (tmp_path / "copy.db").exists()


@pytest.mark.slow
def test_cli_copies_to_the_server_and_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, back = tmp_path / "source.db", tmp_path / "back.db"
    with Project.open(source) as project:
        richest_project(project)
    with fresh_postgres_database() as url:
        result = subprocess.run([sys.executable, "-m", "annotator", "copy", str(source), url],
                                check=False, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert "Copied" in result.stdout and f"to {url} in" in result.stdout
        assert "span" in result.stdout and "document" in result.stdout
        assert main(["copy", url, str(back)]) == 0
        assert "Copied" in capsys.readouterr().out
        again = subprocess.run([sys.executable, "-m", "annotator", "copy", str(source), url],
                               check=False, capture_output=True, text=True, timeout=120)
    assert again.returncode == 1
    assert again.stderr.startswith("annotator: [E140]")
    assert table_rows(str(back)) == table_rows(str(source))


@pytest.mark.slow
def test_source_with_dangling_rows_is_refused_whole(tmp_path: Path) -> None:
    """A SQLite source edited with foreign keys off can hold a span of a deleted document;
    the copy refuses it, on SQLite at the final check, on PostgreSQL at the row itself."""
    source = tmp_path / "source.db"
    with Project.open(source) as project:
        rich_project(project)
    database = sqlite3.connect(source)
    database.execute("PRAGMA foreign_keys=OFF")
    database.execute("DELETE FROM document WHERE id = 3")
    database.commit()
    database.close()
    with pytest.raises(UserError, match=r"\[E145\] .* row\(s\) in it refer to rows it does not have .*'document'"):
        copy_project(source, tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists()
    with fresh_postgres_database() as url:
        with pytest.raises(UserError, match=r"\[E144\] .*foreign key"):
            copy_project(source, url)
        assert table_names(url) == []
