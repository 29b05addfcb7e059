"""One PostgreSQL database per test process, put back to a new project's state before each test.

Creating a database per test (``CREATE DATABASE … TEMPLATE``, then ``DROP … WITH (FORCE)``)
costs 0.6-1.4 s on the shared test machine: PostgreSQL copies the template's catalogs and
writes them to its WAL. The tests that take the ``project`` fixture only need a new project, so
each xdist worker keeps one database and, before each such test, empties it with one
``TRUNCATE … RESTART IDENTITY CASCADE``, writes back the rows a new project holds (its setting,
default labels, first change-log row, Alembic revision) and sets the sequences to where a new
project has them (0.1-0.3 s).

That is a new project only if the previous test left the tables themselves alone: the reset
compares a description of the database's objects (tables, columns, indexes, constraints,
triggers, functions) with the one taken from the new project, and when a test has changed any
(a migration, a dropped index) the database is dropped and copied afresh from the template.
Connections a test left open are ended first, so nothing a test leaked holds a lock or sees the
next test's rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

# Everything in the public schema a project's behaviour depends on, in a stable order; not the
# relations' storage (TRUNCATE gives them new files) nor their statistics.
_OBJECTS_SQL = """
SELECT 'relation ' || c.relname || ' ' || c.relkind::text FROM pg_class c
 WHERE c.relnamespace = 'public'::regnamespace
UNION ALL
SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
       || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
       || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE c.relnamespace = 'public'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
UNION ALL
SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
  FROM pg_constraint WHERE connamespace = 'public'::regnamespace
UNION ALL
SELECT 'trigger ' || pg_get_triggerdef(oid) || CASE WHEN tgenabled = 'D' THEN ' disabled' ELSE '' END
  FROM pg_trigger WHERE NOT tgisinternal
UNION ALL
SELECT 'function ' || p.oid::regprocedure::text || ' ' || md5(coalesce(p.prosrc, ''))
  FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
ORDER BY 1
"""


def objects(connection: sa.Connection) -> list[str]:
    """The description of the database's objects that the reset compares."""
    return [row[0] for row in connection.exec_driver_sql(_OBJECTS_SQL)]


@dataclass
class NewProjectState:
    """What a new project's database holds: its objects, rows (tables in foreign-key order)
    and sequence positions."""

    objects: list[str]
    tables: list[sa.Table]
    rows: dict[str, list[dict[str, Any]]]
    sequences: dict[str, int | None]  # name → last value (None: not used yet), every sequence

    @classmethod
    def read(cls, url: str) -> NewProjectState:
        engine = sa.create_engine(url)
        try:
            with engine.connect() as connection:
                metadata = sa.MetaData()
                metadata.reflect(connection)
                tables = list(metadata.sorted_tables)
                rows = {table.name: [dict(row._mapping) for row in connection.execute(table.select())]
                        for table in tables}
                sequences = dict(connection.exec_driver_sql(
                    "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value "
                    "FROM pg_sequences").all())
                return cls(objects(connection), tables, {name: found for name, found in rows.items() if found},
                           sequences)
        finally:
            engine.dispose()


class ReusedDatabase:
    """The worker's database: ``fresh()`` returns its URL holding exactly a new project."""

    def __init__(self, admin_url: sa.URL, name: str, template: str) -> None:
        self.admin_url = admin_url
        self.name = name
        self.template = template  # a database holding a new project, never connected to
        self.url = admin_url.set(database=name).render_as_string(hide_password=False)
        self.state: NewProjectState | None = None
        self.used = False
        self.copies = 0  # how often a test's changes to the objects made a new copy necessary
        self._admin_engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", pool_size=1)

    def create(self) -> None:
        self._admin(f'CREATE DATABASE "{self.name}" TEMPLATE "{self.template}"')
        self.state = NewProjectState.read(self.url)

    def drop(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def fresh(self) -> str:
        """The database's URL, put back to a new project's state if a test had it before."""
        assert self.state is not None, "create() first"
        if self.used:
            self._reset(self.state)
        self.used = True
        return self.url

    def _reset(self, state: NewProjectState) -> None:
        self._admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    f"WHERE datname = '{self.name}' AND pid <> pg_backend_pid()")
        engine = sa.create_engine(self.url, poolclass=sa.NullPool)
        try:
            with engine.begin() as connection:
                same = objects(connection) == state.objects
                if same:
                    _empty_and_refill(connection, state)
        finally:
            engine.dispose()
        if not same:
            self.copies += 1
            self.drop()
            self.create()

    def _admin(self, statement: str) -> None:
        with self._admin_engine.connect() as connection:
            connection.exec_driver_sql(statement)

    def close(self) -> None:
        """Drop the database and close the server connection."""
        self.drop()
        self._admin_engine.dispose()


def _empty_and_refill(connection: sa.Connection, state: NewProjectState) -> None:
    """TRUNCATE the tables holding rows (no row triggers fire; CASCADE takes the tables referring
    to them), write back a new project's rows and put every sequence where a new project has it:
    one round trip each. Truncating only the filled tables is half the cost of truncating all."""
    filled = connection.exec_driver_sql(" UNION ALL ".join(
        f"(SELECT '{table.name}' FROM \"{table.name}\" LIMIT 1)" for table in state.tables)).scalars().all()
    if filled:
        connection.exec_driver_sql(f"TRUNCATE {', '.join(f'\"{name}\"' for name in filled)} RESTART IDENTITY CASCADE")
    for table in state.tables:
        if table.name in state.rows:
            connection.execute(table.insert(), state.rows[table.name])
    connection.exec_driver_sql("SELECT " + ", ".join(
        f"setval('{sequence}', {value})" if value is not None else f"setval('{sequence}', 1, false)"
        for sequence, value in state.sequences.items()))
