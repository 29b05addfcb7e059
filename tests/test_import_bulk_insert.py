"""Plain import's bulk insert on SQLite (``corpus.importer._insert_sqlite``): the driver's
``executemany`` with the insert trigger turned off and the pending rows recorded in one
statement. These tests hold it to what the trigger and SQLAlchemy's insert would have written,
and keep the trigger working for every other writer afterwards.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from annotator.corpus.corrections import Correction
from annotator.importing import ImportOptions, import_files
from annotator.store import Project
from annotator.store.tables import DOC

TEXTS = {"minsk": "The ministry said on Monday that the exercises would begin.",
         "vilnius": "Министерство заявило в понедельник, что учения скоро начнутся.",
         "warsaw": "A third article, about something else entirely."}
_COLUMNS = ("name", "title", "source", "url", "published", "content_hash", "n_chars", "meta", "text", "language")


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in TEXTS.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def _pending(project: Project) -> list[tuple[Any, ...]]:
    with project.engine.connect() as connection:
        return [tuple(row) for row in connection.exec_driver_sql(
            "SELECT document_id, needs_index, needs_language FROM document_pending ORDER BY document_id")]


def _documents(project: Project) -> list[dict[str, Any]]:
    with project.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(
            sa.select(DOC.c.id, *(DOC.c[name] for name in _COLUMNS)).order_by(DOC.c.id))]


def test_bulk_insert_writes_what_the_trigger_and_sqlalchemy_would(tmp_path: Path) -> None:
    """The same rows inserted through SQLAlchemy (the insert trigger running) give the same
    pending rows and read back the same; a language the analyst gave is not pending."""
    folder = _folder(tmp_path)
    corrections = {str(folder / "vilnius.txt"): Correction(language="ru")}
    with Project.open(tmp_path / "bulk.db") as bulk:
        report = import_files(bulk, [folder], ImportOptions(corrections=corrections))
        documents = _documents(bulk)
        bulk_pending = _pending(bulk)
        record = bulk.documents.get(documents[0]["id"])
    assert sorted((added.id, added.name) for entry in report.files for added in entry.added) == [
        (row["id"], row["name"]) for row in documents]
    assert [row["language"] for row in documents] == [None, "ru", None]
    assert bulk_pending == [(row["id"], 1, int(row["language"] is None)) for row in documents]
    assert record.meta == {} and record.updated_at.year >= 2026
    with Project.open(tmp_path / "trigger.db") as other:
        with other.transaction() as connection:
            connection.execute(DOC.insert(), [{name: row[name] for name in _COLUMNS} for row in documents])
        assert _pending(other) == bulk_pending
        assert _documents(other) == documents


def test_the_insert_trigger_runs_again_after_a_plain_import(tmp_path: Path) -> None:
    """The trigger is turned off only for the import's own insert: a document written afterwards
    through the same pooled connection (dataset ingestion, a merge, a copy) is recorded as
    pending by it. And ``document`` has no other triggers than the three the bulk insert knows
    of: a migration adding one must look at ``_insert_sqlite``, which turns all of them off."""
    with Project.open(tmp_path / "project.db") as project:
        import_files(project, [_folder(tmp_path)])
        with project.transaction() as connection:
            new_id = connection.execute(DOC.insert().returning(DOC.c.id), {
                "name": "later", "title": "later", "source": "x", "content_hash": "0" * 64, "n_chars": 5,
                "text": "later"}).scalar_one()
            triggers = connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'document' ORDER BY name").all()
        assert (new_id, 1, 1) in _pending(project)
        assert len(_pending(project)) == len(TEXTS) + 1
    assert [name for (name,) in triggers] == ["document_fts_delete", "document_fts_insert", "document_fts_update"]


def test_a_second_import_skips_duplicates_and_numbers_on(tmp_path: Path) -> None:
    """Ids are read back as those above the highest before the insert: importing the folder again
    with one article more adds only that one, under the next id, and reports the others as
    duplicates of the documents they repeat."""
    folder = _folder(tmp_path)
    with Project.open(tmp_path / "project.db") as project:
        import_files(project, [folder])
        (folder / "riga.txt").write_text("A fourth article arrives later.", encoding="utf-8")
        report = import_files(project, [folder])
        added = [(document.id, document.name) for entry in report.files for document in entry.added]
        duplicates = [duplicate.existing_id for entry in report.files for duplicate in entry.duplicates]
        assert added == [(4, "riga")]
        assert sorted(duplicates) == [1, 2, 3]
        assert [row["id"] for row in _documents(project)] == [1, 2, 3, 4]
        assert [document_id for document_id, _index, _language in _pending(project)] == [1, 2, 3, 4]
