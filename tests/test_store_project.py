"""Opening, creating, migrating and refusing project databases."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from annotator.errors import UserError
from annotator.store import Project
from annotator.store.database import create_project_engine, location_to_url
from annotator.store.migrate import HEAD_REVISION, alembic_config, head_revision, upgrade
from annotator.store.models import METADATA
from annotator.store.search_index import is_search_object
from tests.conftest import BACKENDS, fresh_postgres_database, new_location, simulate_newer_release


def test_new_project_is_sqlite_in_wal_with_foreign_keys(project_path: Path) -> None:
    with Project.open(project_path) as project, project.engine.connect() as connection:
        assert project_path.exists()
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert project.schema.span_label("ACTOR") is not None


def test_head_revision_constant_matches_the_scripts() -> None:
    assert HEAD_REVISION == head_revision()


def _model_differences(connection: sa.Connection) -> list[object]:
    """Autogenerate's differences between the database and the models, leaving out the
    full-text index (raw DDL per backend, not a model)."""
    context = MigrationContext.configure(connection, opts={
        "include_object": lambda _obj, name, type_, _reflected, _other: not is_search_object(name, type_)})
    return compare_metadata(context, METADATA)


@pytest.mark.parametrize("backend", BACKENDS)
def test_migrations_match_the_models(backend: str, tmp_path: Path) -> None:
    """Every model change must come with a migration: after running all migrations on an empty
    database, autogenerate finds nothing to do; and a new project built from the models is
    stamped with the head revision. On both backends: the same scripts serve both."""
    with new_location(backend, tmp_path, "migrated") as migrated, new_location(backend, tmp_path, "new") as new:
        engine = create_project_engine(location_to_url(migrated))
        upgrade(engine)
        with engine.connect() as connection:
            differences = _model_differences(connection)
        engine.dispose()
        assert differences == []
        with Project.open(new) as project, project.engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == head_revision()
            differences = _model_differences(connection)
        assert differences == []


def test_database_made_by_first_migration_upgrades_cleanly(tmp_path: Path) -> None:
    script = ScriptDirectory.from_config(alembic_config())
    first = [rev.revision for rev in script.walk_revisions()][-1]
    path = tmp_path / "old.db"
    engine = create_project_engine(location_to_url(path))
    upgrade(engine, first)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO document (name, title, source, content_hash, n_chars, meta, created_at, updated_at, text)"
            " VALUES ('old', 'Old', '', 'h', 5, '{}', '2024-01-01', '2024-01-01', 'hello')"
        )
    engine.dispose()
    with Project.open(path) as project:
        assert project.documents.count() == 1
        assert project.documents.get(1).text == "hello"
        with project.engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == head_revision()
        if first != head_revision():
            assert project.backup_path is not None and project.backup_path.exists()


_PREVIOUS_VERSION_ROWS = (
    "INSERT INTO document (name, title, source, content_hash, n_chars, meta, created_at, updated_at, text)"
    " VALUES ('old', 'Old', '', 'h', 19, '{}', '2026-12-01', '2026-12-01', 'Minsk said nothing.')",
    "INSERT INTO annotator (name, kind, created_at) VALUES ('alice', 'human', '2026-12-01')",
    "INSERT INTO annotator (name, kind, created_at) VALUES ('en_core_web_sm', 'model', '2026-12-01')",
    "INSERT INTO label (kind, name, color, description, in_schema) VALUES ('span', 'LOCATION', '#00aa00', '', true)",
    "INSERT INTO span (document_id, annotator_id, layer, label_id, start_offset, end_offset, attrs, note,"
    " created_at, updated_at, version) VALUES (1, 1, 'annotation', 1, 0, 5, '{}', '', '2026-12-01', '2026-12-01', 1)",
    "INSERT INTO span (document_id, annotator_id, layer, label_id, start_offset, end_offset, attrs, note,"
    " created_at, updated_at, version, status, score) VALUES (1, 2, 'suggestion', 1, 0, 5, '{}', '',"
    " '2026-12-01', '2026-12-01', 1, 'pending', 0.9)",
)


def write_previous_version(location: str, revision: str) -> None:
    """A project at schema ``revision`` holding ``_PREVIOUS_VERSION_ROWS``, as a build of that
    version left it (the engine closed), for a test to open with the current build."""
    engine = create_project_engine(location_to_url(location))
    upgrade(engine, revision)
    with engine.begin() as connection:
        for statement in _PREVIOUS_VERSION_ROWS:
            connection.exec_driver_sql(statement)
    engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_project_of_the_previous_version_gets_the_span_start_index(backend: str, tmp_path: Path) -> None:
    """A project of the version before migration 0008, with spans, opens upgraded to the head
    with its rows as they were and the index on where spans start, which the look-up of
    suggestions by their start (an undo of a label or an accept) then uses on SQLite (on
    PostgreSQL the planner chooses by the table's statistics)."""
    with new_location(backend, tmp_path) as location:
        write_previous_version(location, "0007")
        with Project.open(location) as project:
            with project.engine.connect() as connection:
                assert MigrationContext.configure(connection).get_current_revision() == head_revision() == HEAD_REVISION
                indexes = {index["name"]: index["column_names"] for index in sa.inspect(connection).get_indexes("span")}
                assert indexes["ix_span_start_doc_layer"] == ["start_offset", "document_id", "layer"]
                if backend == "sqlite":
                    def plan(where: str) -> str:
                        return " ".join(str(row[-1]) for row in connection.exec_driver_sql(
                            f"EXPLAIN QUERY PLAN SELECT id FROM span WHERE {where} ORDER BY start_offset").all())
                    assert "ix_span_start_doc_layer" in plan(
                        "document_id = 1 AND layer = 'suggestion' AND start_offset IN (0, 7)")
                    # not for reading a whole layer in order: that keeps the document's index
                    assert "ix_span_doc_layer " in plan("document_id = 1 AND layer = 'suggestion'")
            found = project.annotations.spans(1, layers=["suggestion"], starting_at=[0, 7])
            assert [(span.id, span.label, span.start, span.end, span.status) for span in found] \
                == [(2, "LOCATION", 0, 5, "pending")]
            assert [(span.id, span.annotator) for span in project.annotations.spans(1)] == [(1, "alice"), (2, "en_core_web_sm")]


def test_older_project_is_backed_up_before_upgrade(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A release that adds a migration upgrades an older project, after writing a backup copy.

    The newer release is simulated with a real migration folder: this version's scripts plus
    one more that adds a column.
    """
    path = tmp_path / "p.db"
    with Project.open(path) as project:
        old_head = head_revision()
        project.annotations.set_status(_first_doc(project), "alice", "done")
    simulate_newer_release(tmp_path, monkeypatch,
                           "    op.add_column('document', sa.Column('extra', sa.Text(), nullable=True))",
                           "    op.drop_column('document', 'extra')")
    with Project.open(path) as project:
        assert project.backup_path is not None
        assert project.annotations.status(1, "alice") == "done"
        with project.engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == "9999"
            assert "extra" in {c["name"] for c in sa.inspect(connection).get_columns("document")}
    with sqlite3.connect(project.backup_path) as backup:
        assert backup.execute("SELECT version_num FROM alembic_version").fetchone() == (old_head,)
        assert backup.execute("SELECT status FROM document_status").fetchone() == ("done",)


def _first_doc(project: Project) -> int:
    from annotator.corpus.importer import import_paths

    source = project.engine.url.database + ".txt"
    Path(source).write_text("Minsk said nothing.\n", encoding="utf-8")
    return import_paths(project, [source]).imported[0].id


def test_project_from_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    Project.open(path).close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'f00dfeed'")
    before = path.read_bytes()
    with pytest.raises(UserError, match=r"\[E102\].*newer version"):
        Project.open(path)
    assert path.read_bytes() == before


def test_non_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database")
    with pytest.raises(UserError, match=r"\[E123\].*notes.db.*not a SQLite database.*no good backup"):
        Project.open(path)
    assert path.read_text() == "these are my notes, not a database"


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE recipes (name TEXT)")
    with pytest.raises(UserError, match=r"\[E103\]"):
        Project.open(path)


def test_missing_folder_and_no_create(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"\[E101\].*does not exist"):
        Project.open(tmp_path / "nope" / "p.db")
    with pytest.raises(UserError, match=r"\[E101\].*does not exist"):
        Project.open(tmp_path / "absent.db", create=False)
    assert not (tmp_path / "absent.db").exists()


def test_project_opens_by_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'by-url.db'}"
    with Project.open(url) as project:
        assert project.documents.count() == 0
    assert (tmp_path / "by-url.db").exists()


def test_default_project_is_created_with_the_sample_articles(isolated_user_dirs: Path) -> None:
    from annotator.corpus.sample import open_default_project
    from annotator.paths import default_project_path

    path = default_project_path()
    assert str(path).startswith(str(isolated_user_dirs))
    assert not path.exists()
    with open_default_project() as project:
        assert project.documents.count() == 8  # five English articles, three Russian statements
        titles = [row["title"] for row in project.documents.overview()]
        assert any("Belarus" in title for title in titles)
    with open_default_project() as project:  # second launch: nothing imported twice
        assert project.documents.count() == 8


@pytest.mark.parametrize(("location", "code"), [
    ("mysql://me@server/annotations", "E113"),
    ("postgresql://me@server:port/annotations", "E114"),
    ("postgresql://me:secret@127.0.0.1:1/annotations", "E115"),
])
def test_unusable_database_urls_are_explained(location: str, code: str) -> None:
    with pytest.raises(UserError, match=rf"\[{code}\]") as raised:
        Project.open(location)
    assert "secret" not in str(raised.value)


@pytest.mark.slow
def test_plain_postgresql_url_opens_with_psycopg() -> None:
    with fresh_postgres_database() as url, Project.open(url.replace("postgresql+psycopg://", "postgresql://")) as project:
        assert project.engine.url.drivername == "postgresql+psycopg"
        assert project.documents.count() == 0
