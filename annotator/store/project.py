"""A project: one database holding documents, the label schema and everyone's annotations.

``Project.open`` accepts a file path or a database URL, creates a new SQLite project when the
file does not exist, and migrates older projects (see ``annotator.store.migrate``). Reads and
edits go through ``project.documents``, ``project.annotations``, ``project.suggestions`` (model
suggestions and decisions on them) and ``project.actors`` (the canonical actor registry); every
edit there is one committed transaction, so a crash loses at most the edit in flight.
"""

from __future__ import annotations

import logging
import os
import uuid
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Self

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DatabaseError, OperationalError

from annotator.errors import Errors, UserError
from annotator.storable import display_name
from annotator.store import change_log, failures
from annotator.store.backups import (
    DamagedProjectError,
    backup_if_due,
    damaged_project_error,
)
from annotator.store.change_log import Changes, ChangeSet
from annotator.store.database import (
    create_project_engine,
    insert_unless_present,
    is_url,
    location_to_url,
    shown_location,
    sqlite_path,
)
from annotator.store.migrate import prepare
from annotator.store.models import utcnow
from annotator.store.sqlite_files import header_problem
from annotator.store.tables import ANNOTATOR, LABEL, SETTING

if TYPE_CHECKING:
    from annotator.schema import LabelSchema
    from annotator.schema.shipped import SchemaInstall
    from annotator.store.actors import Actors
    from annotator.store.suggestions import Suggestions

SCHEMA_SETTING = "label_schema_yaml"
_FALLBACK_COLORS = ("#8c564b", "#7f7f7f", "#bcbd22", "#17becf", "#e377c2", "#9467bd")


class Project:
    """An open project database. Use ``Project.open``; close it (or use ``with``) when done."""

    def __init__(self, engine: Engine, location: str, *, read_only: str | None = None) -> None:
        from annotator.store.annotations import Annotations
        from annotator.store.documents import Documents

        self.engine = engine
        self.location = location
        # the connection of the transaction open in this thread, if any (see ``transaction``)
        self._active: ContextVar[Connection | None] = ContextVar(f"annotator-transaction-{id(self)}", default=None)
        self._changes: ContextVar[ChangeSet | None] = ContextVar(f"annotator-changes-{id(self)}", default=None)
        # Who this open project is in the change log: each window, CLI run and teammate has its own.
        self.origin = uuid.uuid4().hex
        self._change_listeners: list[Callable[[Changes], None]] = []
        self.read_only = read_only  # why the project cannot be changed, or None
        self.backup_path: Path | None = None
        self._label_ids: dict[tuple[str, str], int] = {}
        self._annotator_ids: dict[str, int] = {}
        self._schema: LabelSchema | None = None
        self.documents = Documents(self)
        self.annotations = Annotations(self)

    @cached_property
    def suggestions(self) -> Suggestions:
        """Model suggestions and the decisions on them; imported on first use, as ``actors``:
        a command that reads documents (``annotator show``) needs neither."""
        from annotator.store.suggestions import Suggestions

        return Suggestions(self)

    @cached_property
    def actors(self) -> Actors:
        """The canonical actor registry."""
        from annotator.store.actors import Actors

        return Actors(self)

    # --- lifecycle -----------------------------------------------------------------------

    @classmethod
    def open(cls, location: str | Path, *, create: bool = True) -> Project:
        """Open (and if needed create or upgrade) the project at a path or URL.

        A SQLite file that cannot be written (its own permissions, a read-only disk or folder)
        opens read-only: everything can be read and exported, and every change is refused with
        a message saying why (``read_only`` holds the reason). ``create=False`` is for commands
        that only read: they never turn a missing or empty file into a project.
        """
        location_text = str(location)
        url = location_to_url(location)
        path = sqlite_path(url)
        access = _check_sqlite_file(path, location_text, create=create) if path is not None else _FileAccess()
        try:
            engine = create_project_engine(url, read_only=access.read_only, immutable=access.immutable)
            failures.install(engine, shown_location(location), read_only=access.read_only)
            backup = prepare(engine, location_text, read_only=access.read_only)
            project = cls(engine, location_text, read_only=access.read_only)
            if project.setting(SCHEMA_SETTING) is None and access.read_only is None:
                from annotator.schema.shipped import default_install  # ready-made: no pydantic, no parse

                project._install(default_install())  # a new project starts with the default schema
        except UserError:
            raise
        except OperationalError as exc:
            error = Errors.E101 if path is not None else Errors.E115
            raise UserError(error.format(location=shown_location(location), reason=_reason(exc))) from exc
        except (DatabaseError, UnicodeDecodeError) as exc:  # sqlite3 cannot decode a message quoting damage
            if path is not None:
                raise damaged_project_error(path, location_text, _reason(exc)) from exc
            raise UserError(Errors.E104.format(location=shown_location(location), reason=_reason(exc))) from exc
        project.backup_path = backup
        if path is not None and access.existed and access.read_only is None:
            project._rotate_backups(path)
        return project

    def _rotate_backups(self, path: Path) -> None:
        """Take the hourly rotating backup if it is due (``annotator.store.backups``).

        A backup problem (read-only folder, full disk) must never keep an analyst from working,
        so it is logged; only a copy proving the project file itself damaged stops the open.
        """
        try:
            backup_if_due(path, location=self.location)
        except DamagedProjectError:
            self.close()
            raise
        except UserError as exc:
            logging.getLogger(__name__).warning("%s", exc)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def display_name(self) -> str:
        """A short name for window titles and status bars."""
        if is_url(self.location):
            return shown_location(self.location)
        return display_name(Path(self.location).name)  # printable even when the name is not UTF-8

    @contextmanager
    def transaction(self, label: str = "") -> Iterator[Connection]:
        """One committed transaction; rolled back whole on any exception.

        Re-entrant: inside a transaction already open in this thread (an operation of
        ``annotator.ops`` runs a whole user action in one), the inner block joins it instead of
        committing on its own, so an action made of several store calls (accept twenty
        suggestions, restore a span with its relations) commits once or not at all.

        What the store's methods note as changed (``note_change``) is written to the change log
        in the same transaction, under ``label`` (the action's name), and given to the change
        listeners once committed (``annotator.store.change_log``).
        """
        active = self._active.get()
        if active is not None:
            yield active
            return
        pending = ChangeSet()
        with self.engine.begin() as connection:
            tokens = (self._active.set(connection), self._changes.set(pending))
            try:
                yield connection
                if pending:
                    change_log.append(connection, pending.freeze(origin=self.origin, label=label))
            finally:
                self._active.reset(tokens[0])
                self._changes.reset(tokens[1])
        if pending:
            committed = pending.freeze(origin=self.origin, label=label)
            for listener in list(self._change_listeners):
                listener(committed)

    def note_change(self, **changed: object) -> None:
        """Record what the transaction in flight changes (the keywords of ``ChangeSet.note``)."""
        pending = self._changes.get()
        if pending is not None:
            pending.note(**changed)  # type: ignore[arg-type]

    def changes_so_far(self, label: str = "") -> Changes:
        """What the transaction in flight has changed until now (an operation's result)."""
        pending = self._changes.get()
        return Changes() if pending is None else pending.freeze(origin=self.origin, label=label)

    def add_change_listener(self, listener: Callable[[Changes], None]) -> None:
        """Call ``listener`` after each commit of this open project, in the committing thread."""
        self._change_listeners.append(listener)

    def remove_change_listener(self, listener: Callable[[Changes], None]) -> None:
        with suppress(ValueError):
            self._change_listeners.remove(listener)

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection to read with: the open transaction's own inside one (so an operation
        sees what it has written so far), else a fresh one from the pool."""
        active = self._active.get()
        if active is not None:
            yield active
            return
        with self.engine.connect() as connection:
            yield connection

    # --- settings and schema -------------------------------------------------------------

    @property
    def schema(self) -> LabelSchema:
        """The label schema, parsed on first use (an import never needs it)."""
        if self._schema is None:
            self._schema = self._load_schema()
        return self._schema

    def setting(self, key: str, default: str | None = None) -> str | None:
        with self.reading() as connection:
            value = connection.execute(
                sa.select(SETTING.c.value).where(SETTING.c.key == key)
            ).scalar_one_or_none()
        return default if value is None else value

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction() as connection:
            self.note_change(schema=key == SCHEMA_SETTING)
            _store_setting(connection, key, value)

    def _load_schema(self) -> LabelSchema:
        from annotator.schema import load_default_schema, parse_schema

        text = self.setting(SCHEMA_SETTING)
        if text is None:
            return load_default_schema()
        return parse_schema(text, source=f"{self.display_name} (stored schema)")

    def install_schema(self, schema: LabelSchema) -> None:
        """Make ``schema`` the project's schema; labels already used in data are kept."""
        from annotator.schema.shipped import install_of

        self._install(install_of(schema))
        self._schema = schema

    def _install(self, install: SchemaInstall) -> None:
        """Store a schema's YAML and label rows (``schema.shipped``) in one transaction; the
        parsed schema is read from the stored YAML when first asked for."""
        table = LABEL
        with self.transaction() as connection:
            self.note_change(schema=True)
            _store_setting(connection, SCHEMA_SETTING, install.yaml)
            connection.execute(table.update().values(in_schema=False))
            for label in install.labels:
                row = vars(label)  # the label table's columns
                updated = connection.execute(
                    table.update()
                    .where(table.c.kind == label.kind, table.c.name == label.name)
                    .values(**row, in_schema=True)
                )
                if updated.rowcount == 0:
                    connection.execute(table.insert().values(**row, in_schema=True))
        self._schema = None
        self._label_ids.clear()

    # --- labels and annotators -----------------------------------------------------------

    def label_id(self, kind: str, name: str, *, create: bool = False,
                 connection: Connection | None = None) -> int | None:
        """The id of label ``name`` of ``kind``; with ``create``, labels new to the project are
        added (outside the schema, with a fallback colour) instead of being dropped."""
        key = (kind, name)
        if key in self._label_ids:
            return self._label_ids[key]
        table = LABEL
        query = sa.select(table.c.id).where(table.c.kind == kind, table.c.name == name)
        with _connection(self, connection) as conn:
            label_id = conn.execute(query).scalar_one_or_none()
            if label_id is None and create:
                insert_unless_present(conn, table, {"kind": kind, "name": name, "color": label_color(name),
                                                    "in_schema": False}, ["kind", "name"])
                label_id = conn.execute(query).scalar_one()
        if label_id is not None:
            self._label_ids[key] = label_id
        return label_id

    def label_colors(self) -> dict[str, str]:
        """Colour of every span label known to the project, schema or not."""
        table = LABEL
        with self.reading() as connection:
            rows = connection.execute(sa.select(table.c.name, table.c.color).where(table.c.kind == "span"))
            return {name: color for name, color in rows}

    def annotator_id(self, name: str, *, kind: str = "human", connection: Connection | None = None) -> int:
        """The id of annotator ``name``, registering them on first use."""
        name = name.strip()
        if not name:
            raise UserError(Errors.E112)
        if name in self._annotator_ids:
            return self._annotator_ids[name]
        table = ANNOTATOR
        with _connection(self, connection) as conn:
            query = sa.select(table.c.id).where(table.c.name == name)
            annotator_id = conn.execute(query).scalar_one_or_none()
            if annotator_id is None:
                insert_unless_present(conn, table, {"name": name, "kind": kind, "created_at": utcnow()}, ["name"])
                annotator_id = conn.execute(query).scalar_one()
        self._annotator_ids[name] = annotator_id
        return annotator_id

    def reading_annotator_id(self, name: str) -> int:
        """The id of annotator ``name`` for a read: a name never registered reads as someone with
        nothing (id 0, which no row has), so reading never writes (a read-only project, a window
        opened by a new analyst who has not annotated yet)."""
        name = name.strip()
        if name in self._annotator_ids:
            return self._annotator_ids[name]
        table = ANNOTATOR
        with self.reading() as connection:
            annotator_id = connection.execute(sa.select(table.c.id).where(table.c.name == name)).scalar_one_or_none()
        if annotator_id is None:
            return 0
        self._annotator_ids[name] = annotator_id
        return annotator_id

    def annotator_names(self, *, humans_only: bool = False) -> list[str]:
        """Everyone with a layer, by name; ``humans_only`` leaves out the models whose layers hold
        suggestions (they are compared and reviewed by no one)."""
        query = sa.select(ANNOTATOR.c.name).order_by(ANNOTATOR.c.name)
        if humans_only:
            query = query.where(ANNOTATOR.c.kind == "human")
        with self.reading() as connection:
            return list(connection.execute(query).scalars())


def label_color(name: str) -> str:
    """The colour of a label new to the project (outside the schema): stable for its name."""
    return _FALLBACK_COLORS[zlib.crc32(name.encode()) % len(_FALLBACK_COLORS)]


def _store_setting(connection: Connection, key: str, value: str) -> None:
    """Write a project setting in the caller's transaction."""
    updated = connection.execute(SETTING.update().where(SETTING.c.key == key).values(value=value))
    if updated.rowcount == 0:
        connection.execute(SETTING.insert().values(key=key, value=value))


@contextmanager
def _connection(project: Project, connection: Connection | None) -> Iterator[Connection]:
    """Reuse the caller's transaction, or run in a new committed one."""
    if connection is not None:
        yield connection
    else:
        with project.transaction() as conn:
            yield conn


@dataclass(frozen=True, slots=True)
class _FileAccess:
    """What opening a SQLite file may do: whether it already held something, whether it can be
    written (``read_only`` says why not), and whether SQLite must read it ``immutable``."""

    existed: bool = False
    read_only: str | None = None
    immutable: bool = False


def _check_sqlite_file(path: Path, location: str, *, create: bool) -> _FileAccess:
    """Refuse what is not a SQLite project file before SQLite gets a chance to touch it, and find
    out how it can be opened. The file is looked at through SQLite only (``sqlite_files``)."""
    if path.is_dir():
        raise UserError(Errors.E101.format(location=location, reason="it is a folder, not a file"))
    if not path.exists():
        if not create:
            raise UserError(Errors.E101.format(location=location, reason="the file does not exist"))
        if not path.parent.is_dir():
            raise UserError(Errors.E101.format(location=location, reason=f"the folder {path.parent} does not exist"))
        folder_problem = _not_writable(path.parent, "folder")
        if folder_problem is not None:
            raise UserError(Errors.E180.format(location=location, reason=folder_problem))
        return _FileAccess()
    if not path.is_file():
        raise UserError(Errors.E101.format(location=location, reason="it is not a regular file (a device, pipe or socket)"))
    if path.stat().st_size == 0:
        if not create:
            raise UserError(Errors.E152.format(location=location))
        return _FileAccess(read_only=_not_writable(path, "file") or _not_writable(path.parent, "folder"))
    problem = header_problem(path)
    if problem is not None:
        raise damaged_project_error(path, location, problem)
    read_only = _not_writable(path, "file")
    folder_problem = _not_writable(path.parent, "folder")
    if folder_problem is None:
        return _FileAccess(existed=True, read_only=read_only)
    wal, shm = (path.with_name(path.name + suffix) for suffix in ("-wal", "-shm"))
    if shm.exists():  # SQLite reads a WAL database read-only through an existing shared-memory file
        return _FileAccess(existed=True, read_only=read_only or folder_problem)
    if wal.exists() and wal.stat().st_size > 0:
        raise UserError(Errors.E154.format(location=location, folder=path.parent, wal=wal))
    # No side file exists and none can be made: nobody can be writing, so read the file as it is.
    return _FileAccess(existed=True, read_only=read_only or folder_problem, immutable=True)


def _not_writable(path: Path, what: str) -> str | None:
    """Why this process cannot write ``path`` (a file, or a folder to create files in), or None."""
    if os.access(path, os.W_OK | (os.X_OK if what == "folder" else 0)):
        return None
    with suppress(OSError):
        if os.statvfs(path).f_flag & os.ST_RDONLY:
            return f"the {what} is on a read-only disk"
    return f"the {what} is read-only for you"


def _reason(exc: Exception) -> str:
    """The driver's own explanation, without SQLAlchemy's statement dump."""
    original = getattr(exc, "orig", None)
    return str(original if original is not None else exc).strip()
