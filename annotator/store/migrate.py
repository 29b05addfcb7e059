"""Bringing a project database to the schema this version of annotator expects.

Alembic owns the schema from the very first version, so a project made today can be opened by
every later release. Opening a project:
- that is empty: the tables are created from the models and stamped with the head revision,
  Alembic's documented way to build an up-to-date database from scratch (a test checks that
  running every migration on an empty database gives exactly the same schema);
- from an older version: a backup copy is written beside it, then it is upgraded;
- from a newer version: refused with a clear message, the file untouched;
- that has tables but was not made by annotator: refused.

Alembic takes a seventh of a second to import, so the common case (a project already at
``HEAD_REVISION``) is recognised with one plain query and Alembic is loaded only to migrate.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from annotator.errors import Errors, UserError
from annotator.store.database import sqlite_path

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
HEAD_REVISION = "0011"  # the newest file in migrations/versions; a test checks they agree


def alembic_config() -> Config:
    """Alembic configuration built in code; there is no ``alembic.ini`` to lose or edit."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The newest schema revision in the migration scripts."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "annotator ships at least one migration"
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision stamped in the database, or None for a database annotator never touched."""
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one_or_none()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run migrations up to ``revision`` inside one transaction.

    On SQLite, batch migrations copy a table, drop the original and rename the copy; with foreign
    keys enforced, dropping ``span`` would cascade into ``relation`` and delete every relation.
    So enforcement is off while migrating (the pragma is ignored inside a transaction, hence set
    before one begins), and ``PRAGMA foreign_key_check`` must find nothing before the commit.
    """
    from alembic import command

    from annotator.store.search_index import repair_search_index

    config = alembic_config()
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                repair_search_index(connection)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"migration to {revision} broke foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def create_at_head(engine: Engine) -> None:
    """Create every table of the current models and record ``HEAD_REVISION``, in one transaction."""
    with engine.begin() as connection:
        create_head_schema(connection)


def create_head_schema(connection: Connection) -> None:
    """Create the head schema inside the caller's transaction: ``annotator copy`` builds its
    target and fills it in one transaction, so a failed copy leaves no empty tables behind."""
    from annotator.store.models import METADATA
    from annotator.store.search_index import create_search_index, defer_search_index

    METADATA.create_all(connection)
    create_search_index(connection)  # not a model: migration 0006 makes it for older projects
    defer_search_index(connection)  # and 0011 makes it wait for the catch-up
    connection.execute(sa.text(
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
        "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
    ))
    connection.execute(sa.text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": HEAD_REVISION})


def backup_sqlite(path: Path, label: str) -> Path:
    """Copy a SQLite project with the online backup API (consistent even mid-WAL), into a
    temporary file published under its final name only when whole, and never over a file."""
    from annotator.output_files import publish_file
    from annotator.store.backups import copy_database

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    partial = path.with_name(f".{path.name}.{label}-{stamp}.{os.getpid()}.partial")
    try:
        # Two processes opening an older project in the same second both back it up: the
        # second backup takes the next free name instead of failing the open (publishing
        # removes the temporary copy when the name is taken, so it is copied again).
        attempt = 0
        while True:
            attempt += 1
            target = path.with_name(f"{path.name}.{label}-{stamp}{'' if attempt == 1 else f'-{attempt}'}.bak")
            if os.path.lexists(target):
                continue
            copy_database(path, partial)
            try:
                publish_file(partial, target, replace=False)
                return target
            except FileExistsError:
                continue
    except (OSError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
        raise UserError(Errors.E121.format(location=path, folder=path.parent, reason=exc)) from exc


def prepare(engine: Engine, location: str, *, read_only: str | None = None) -> Path | None:
    """Make the database match this version's schema; return the backup written, if any.

    A read-only project (``read_only`` says why) is used as it is, or refused untouched when it
    would need creating or upgrading."""
    revision = current_revision(engine)
    if revision == HEAD_REVISION:
        return None
    if revision is None:
        if sa.inspect(engine).get_table_names():
            raise UserError(Errors.E103.format(location=location))
        if read_only is not None:
            raise UserError(Errors.E101.format(location=location, reason=f"it is empty and {read_only}"))
        create_at_head(engine)
        return None
    from alembic.script import ScriptDirectory

    head = head_revision()
    if revision == head:
        return None
    known = {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if revision not in known:
        raise UserError(Errors.E102.format(location=location, revision=revision, head=head))
    if read_only is not None:
        raise UserError(Errors.E153.format(location=location, reason=read_only))
    backup = None
    path = sqlite_path(engine.url)
    if path is not None:
        backup = backup_sqlite(path, f"before-{head}")
    upgrade(engine)
    return backup
