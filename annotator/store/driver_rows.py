"""Rows written at the driver level, stored exactly as SQLAlchemy Core would store them.

The bulk writers (a plain import, a suggestion run, a project copy) hand positional rows to the
driver's ``executemany`` (or PostgreSQL's ``COPY``): building Core's parameter dict and
converting every value of every row cost about as much as the database's own work. What goes in
must still be what Core writes, so each value that needs it passes through its column type's own
bind processor for the dialect (JSON text, SQLite's timestamp format, psycopg's JSON wrapper),
and the statement names the columns in the rows' order in the driver's parameter style.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect


def bind_converter(dialect: Dialect, column: sa.Column[Any]) -> Callable[[Any], Any] | None:
    """How Core converts a Python value for ``column`` before the driver gets it (None: as it is)."""
    converter: Callable[[Any], Any] | None = column.type.dialect_impl(dialect).bind_processor(dialect)
    return converter


def positional_insert(dialect: Dialect, table: sa.Table, names: Sequence[str]) -> str:
    """``INSERT INTO table (names…) VALUES (…)`` with the driver's placeholders (sqlite3's ``?``,
    psycopg's ``%s``), for rows whose values come in ``names``' order."""
    quote = dialect.identifier_preparer
    placeholder = "?" if dialect.paramstyle == "qmark" else "%s"
    return (f"INSERT INTO {quote.format_table(table)} ({', '.join(quote.quote(name) for name in names)}) "
            f"VALUES ({', '.join([placeholder] * len(names))})")
