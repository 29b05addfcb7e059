"""A project: one database holding documents, the label schema and everyone's annotations.

``Project.open`` accepts a file path or a database URL, creates a new SQLite project when the
file does not exist, and migrates older projects (see ``annotator.store.migrate``). Reads and
edits go through ``project.documents``, ``project.annotations``, ``project.suggestions`` (model
suggestions and decisions on them) and ``project.actors`` (the canonical actor registry); every
edit there is one committed transaction, so a crash loses at most the edit in flight.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DatabaseError, OperationalError

from annotator.errors import Errors, UserError
from annotator.schema import LabelSchema, load_default_schema, parse_schema
from annotator.store.backups import (
    DamagedProjectError,
    backup_if_due,
    damaged_project_error,
)
from annotator.store.database import (
    SQLITE_MAGIC,
    create_project_engine,
    is_url,
    insert_unless_present,
    location_to_url,
    shown_location,
    sqlite_path,
)
from annotator.store.migrate import prepare
from annotator.store.models import Annotator, Label, ProjectSetting, utcnow

SCHEMA_SETTING = "label_schema_yaml"
_FALLBACK_COLORS = ("#8c564b", "#7f7f7f", "#bcbd22", "#17becf", "#e377c2", "#9467bd")


class Project:
    """An open project database. Use ``Project.open``; close it (or use ``with``) when done."""

    def __init__(self, engine: Engine, location: str) -> None:
        from annotator.store.actors import Actors
        from annotator.store.annotations import Annotations
        from annotator.store.documents import Documents
        from annotator.store.suggestions import Suggestions

        self.engine = engine
        self.location = location
        self.backup_path: Path | None = None
        self._label_ids: dict[tuple[str, str], int] = {}
        self._annotator_ids: dict[str, int] = {}
        self._schema: LabelSchema | None = None
        self.documents = Documents(self)
        self.annotations = Annotations(self)
        self.suggestions = Suggestions(self)
        self.actors = Actors(self)

    # --- lifecycle -----------------------------------------------------------------------

    @classmethod
    def open(cls, location: str | Path, *, create: bool = True) -> Project:
        """Open (and if needed create or upgrade) the project at a path or URL."""
        location_text = str(location)
        url = location_to_url(location)
        path = sqlite_path(url)
        existed = path is not None and path.is_file() and path.stat().st_size > 0
        if path is not None:
            _check_sqlite_file(path, location_text, create=create)
        try:
            engine = create_project_engine(url)
            backup = prepare(engine, location_text)
            project = cls(engine, location_text)
            if project.setting(SCHEMA_SETTING) is None:  # a new project starts with the default schema
                project.install_schema(load_default_schema())
        except UserError:
            raise
        except OperationalError as exc:
            error = Errors.E101 if path is not None else Errors.E115
            raise UserError(error.format(location=shown_location(location), reason=_reason(exc))) from exc
        except DatabaseError as exc:
            if path is not None:
                raise damaged_project_error(path, location_text, _reason(exc)) from exc
            raise UserError(Errors.E104.format(location=shown_location(location), reason=_reason(exc))) from exc
        project.backup_path = backup
        if path is not None and existed:
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
        return Path(self.location).name

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One committed transaction; rolled back whole on any exception."""
        with self.engine.begin() as connection:
            yield connection

    # --- settings and schema -------------------------------------------------------------

    @property
    def schema(self) -> LabelSchema:
        """The label schema, parsed on first use (an import never needs it)."""
        if self._schema is None:
            self._schema = self._load_schema()
        return self._schema

    def setting(self, key: str, default: str | None = None) -> str | None:
        with self.engine.connect() as connection:
            value = connection.execute(
                sa.select(ProjectSetting.value).where(ProjectSetting.key == key)
            ).scalar_one_or_none()
        return default if value is None else value

    def set_setting(self, key: str, value: str) -> None:
        table = ProjectSetting.__table__
        with self.transaction() as connection:
            updated = connection.execute(table.update().where(table.c.key == key).values(value=value))
            if updated.rowcount == 0:
                connection.execute(table.insert().values(key=key, value=value))

    def _load_schema(self) -> LabelSchema:
        text = self.setting(SCHEMA_SETTING)
        if text is None:
            return load_default_schema()
        return parse_schema(text, source=f"{self.display_name} (stored schema)")

    def install_schema(self, schema: LabelSchema) -> None:
        """Make ``schema`` the project's schema; labels already used in data are kept."""
        self.set_setting(SCHEMA_SETTING, schema.to_yaml())
        table = Label.__table__
        rows: list[dict[str, object]] = []
        for label in schema.span_labels:
            rows.append({"kind": "span", "name": label.name, "color": label.color, "shortcut": label.key,
                             "description": label.description})
        for relation in schema.relation_types:
            rows.append({"kind": "relation", "name": relation.name, "color": relation.color, "shortcut": None,
                             "description": relation.description})
        for doc_label in schema.document_labels:
            rows.append({"kind": "document", "name": doc_label.name, "color": "#888888", "shortcut": None,
                             "description": doc_label.description})
        with self.transaction() as connection:
            connection.execute(table.update().values(in_schema=False))
            for row in rows:
                updated = connection.execute(
                    table.update()
                    .where(table.c.kind == row["kind"], table.c.name == row["name"])
                    .values(**row, in_schema=True)
                )
                if updated.rowcount == 0:
                    connection.execute(table.insert().values(**row, in_schema=True))
        self._schema = schema
        self._label_ids.clear()

    # --- labels and annotators -----------------------------------------------------------

    def label_id(self, kind: str, name: str, *, create: bool = False,
                 connection: Connection | None = None) -> int | None:
        """The id of label ``name`` of ``kind``; with ``create``, labels new to the project are
        added (outside the schema, with a fallback colour) instead of being dropped."""
        key = (kind, name)
        if key in self._label_ids:
            return self._label_ids[key]
        table = Label.__table__
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
        table = Label.__table__
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(table.c.name, table.c.color).where(table.c.kind == "span"))
            return {name: color for name, color in rows}

    def annotator_id(self, name: str, *, kind: str = "human", connection: Connection | None = None) -> int:
        """The id of annotator ``name``, registering them on first use."""
        name = name.strip()
        if not name:
            raise UserError(Errors.E112)
        if name in self._annotator_ids:
            return self._annotator_ids[name]
        table = Annotator.__table__
        with _connection(self, connection) as conn:
            query = sa.select(table.c.id).where(table.c.name == name)
            annotator_id = conn.execute(query).scalar_one_or_none()
            if annotator_id is None:
                insert_unless_present(conn, table, {"name": name, "kind": kind, "created_at": utcnow()}, ["name"])
                annotator_id = conn.execute(query).scalar_one()
        self._annotator_ids[name] = annotator_id
        return annotator_id

    def annotator_names(self) -> list[str]:
        table = Annotator.__table__
        with self.engine.connect() as connection:
            return list(connection.execute(sa.select(table.c.name).order_by(table.c.name)).scalars())


def label_color(name: str) -> str:
    """The colour of a label new to the project (outside the schema): stable for its name."""
    return _FALLBACK_COLORS[zlib.crc32(name.encode()) % len(_FALLBACK_COLORS)]


@contextmanager
def _connection(project: Project, connection: Connection | None) -> Iterator[Connection]:
    """Reuse the caller's transaction, or run in a new committed one."""
    if connection is not None:
        yield connection
    else:
        with project.transaction() as conn:
            yield conn


def _check_sqlite_file(path: Path, location: str, *, create: bool) -> None:
    """Refuse files that are not SQLite databases before SQLite gets a chance to touch them."""
    if path.is_dir():
        raise UserError(Errors.E101.format(location=location, reason="it is a folder, not a file"))
    if not path.exists():
        if not create:
            raise UserError(Errors.E101.format(location=location, reason="the file does not exist"))
        if not path.parent.is_dir():
            raise UserError(Errors.E101.format(location=location, reason=f"the folder {path.parent} does not exist"))
        return
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_MAGIC))
    if header and header != SQLITE_MAGIC:
        raise damaged_project_error(path, location, "the file is not a SQLite database")


def _reason(exc: Exception) -> str:
    """The driver's own explanation, without SQLAlchemy's statement dump."""
    original = getattr(exc, "orig", None)
    return str(original if original is not None else exc).strip()
