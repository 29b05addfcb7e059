"""The database's own full-text index over ``document.text``, created and queried per backend.

The index only finds *candidate documents*; where a query matches inside a text is worked out in
Python (``annotator.search.matching``), so both backends give the same offsets and phrases are
judged the same way everywhere.

SQLite: an external-content FTS5 table ``document_fts`` (the text is not stored twice) with the
``unicode61`` tokenizer, ``remove_diacritics 2`` (Lukašenko = Lukasenko, also when the accent is a
separate combining mark), kept in step by three triggers on ``document``. So every writer (the
corpus importer, dataset ingestion, merge, copy, a plain SQL client) updates it in the same
transaction, with no application code to forget.

PostgreSQL: a GIN expression index on ``annotator_search_vector(text)``, a function that returns
``strip(to_tsvector('annotator_search', text))``. The configuration copies ``simple`` (no
stemming: "Lukashenko" stays a word) and puts ``unaccent`` in front when the server has that
extension. ``strip`` drops the positions, which are not needed because phrases are checked in
Python, and keeps the vector small. A tsvector may hold at most 1 MB of lexemes; a text with a
vocabulary too large for that (only the very largest documents) is indexed by its first
``FALLBACK_CHARACTERS`` plus the lexeme ``OVERFLOW_LEXEME``, which every search also asks for, so
such a document is always a candidate and is searched in full in Python: never missed, only
slower.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from annotator.store.tables import DOC

FTS_TABLE = "document_fts"
SEARCH_CONFIG = "annotator_search"
VECTOR_FUNCTION = "annotator_search_vector"
GIN_INDEX = "ix_document_search"
OVERFLOW_LEXEME = "~overflow~"  # the query parser never makes a term with '~' in it
FALLBACK_CHARACTERS = 100_000
_TRIGGERS = ("document_fts_insert", "document_fts_delete", "document_fts_update")

_SQLITE_DDL = (
    (f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
     "text, content='document', content_rowid='id', tokenize='unicode61 remove_diacritics 2')"),
    (f"CREATE TRIGGER IF NOT EXISTS document_fts_insert AFTER INSERT ON document BEGIN "
     f"INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.id, new.text); END"),
    (f"CREATE TRIGGER IF NOT EXISTS document_fts_delete AFTER DELETE ON document BEGIN "
     f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) VALUES ('delete', old.id, old.text); END"),
    # Only a change of the text touches the index; titles, statuses and timestamps do not.
    (f"CREATE TRIGGER IF NOT EXISTS document_fts_update AFTER UPDATE OF text ON document BEGIN "
     f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) VALUES ('delete', old.id, old.text); "
     f"INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.id, new.text); END"),
)


def _postgres_function() -> str:
    return f"""
CREATE OR REPLACE FUNCTION {VECTOR_FUNCTION}(body text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
BEGIN
    RETURN strip(to_tsvector('{SEARCH_CONFIG}'::regconfig, body));
EXCEPTION WHEN program_limit_exceeded THEN
    RETURN strip(to_tsvector('{SEARCH_CONFIG}'::regconfig, left(body, {FALLBACK_CHARACTERS})))
        || '{OVERFLOW_LEXEME}'::tsvector;
END
$$"""


def create_search_index(connection: Connection) -> None:
    """Create the index for the connection's backend and fill it from the documents present.

    Called by migration 0006 and when a new project is built from the models, so old and new
    projects end up with the same objects. Safe to call again.
    """
    if connection.dialect.name == "sqlite":
        for statement in _SQLITE_DDL:
            connection.exec_driver_sql(statement)
        connection.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
        return
    if connection.dialect.name != "postgresql":
        return
    exists = connection.execute(sa.text("SELECT 1 FROM pg_ts_config WHERE cfgname = :name"),
                                {"name": SEARCH_CONFIG}).first()
    if exists is None:
        connection.exec_driver_sql(f"CREATE TEXT SEARCH CONFIGURATION {SEARCH_CONFIG} (COPY = simple)")
        if _postgres_unaccent(connection):
            connection.exec_driver_sql(
                f"ALTER TEXT SEARCH CONFIGURATION {SEARCH_CONFIG} ALTER MAPPING FOR "
                "asciiword, word, numword, asciihword, hword, numhword, hword_asciipart, hword_part, "
                "hword_numpart WITH unaccent, simple")
    connection.exec_driver_sql(_postgres_function())
    connection.exec_driver_sql(
        f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} ON document USING gin ({VECTOR_FUNCTION}(text))")


def _postgres_unaccent(connection: Connection) -> bool:
    """Install ``unaccent`` if the server offers it and this user may (it is a trusted extension
    since PostgreSQL 13: whoever may create objects in the database may install it). Asked
    first rather than tried, because a failed CREATE would abort the migration's transaction.
    Without it the index keeps accents, and an accent-free query misses accented words there."""
    row = connection.execute(sa.text(
        "SELECT e.installed_version IS NOT NULL, "
        "(v.trusted AND has_database_privilege(current_database(), 'CREATE')) "
        "OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) "
        "FROM pg_available_extensions e JOIN pg_available_extension_versions v "
        "ON v.name = e.name AND v.version = e.default_version WHERE e.name = 'unaccent'")).first()
    if row is None:
        return False
    installed, may_install = row
    if not installed and may_install:
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
    return bool(installed or may_install)


def drop_search_index(connection: Connection) -> None:
    """Remove the index objects (migration 0006's downgrade)."""
    if connection.dialect.name == "sqlite":
        for trigger in _TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    elif connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS {GIN_INDEX}")
        connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {VECTOR_FUNCTION}(text)")
        connection.exec_driver_sql(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {SEARCH_CONFIG}")


def repair_search_index(connection: Connection) -> None:
    """Recreate lost SQLite triggers and rebuild the index, after a later migration.

    Alembic's batch mode on SQLite rebuilds a table by copying it and dropping the original,
    and dropping ``document`` drops its triggers with it; without this the index would silently
    stop following the documents. Does nothing when the index exists whole (or does not exist
    yet: a migration to an older revision).
    """
    if connection.dialect.name != "sqlite":
        return
    names = set(connection.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE name = ? OR type = 'trigger'", (FTS_TABLE,)).scalars())
    if FTS_TABLE in names and not names.issuperset(_TRIGGERS):
        create_search_index(connection)


def is_search_object(name: str | None, type_: str) -> bool:
    """True for the index's own tables (FTS5 and its shadow tables) and the PostgreSQL GIN index:
    they are not models, so Alembic's model comparison must not report them."""
    if name is None:
        return False
    if type_ == "table":
        return name == FTS_TABLE or name.startswith(FTS_TABLE + "_")
    return type_ == "index" and name == GIN_INDEX


def candidate_filter(dialect: str, terms: list[tuple[list[str], bool]]) -> ColumnElement[bool]:
    """A condition on ``document`` rows: the document contains every term, by the index.

    ``terms`` are (words, prefix) pairs, words made of letters and digits only (the query
    parser's), so they need no quoting. A term's words must follow each other in the text
    (SQLite checks that; on PostgreSQL only their presence is checked, Python does the rest),
    and with ``prefix`` its last word may go on.
    """
    if dialect == "sqlite":
        parts = ['"' + " ".join(words) + '"' + ("*" if prefix else "") for words, prefix in terms]
        match = sa.text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :fts_query").bindparams(
            fts_query=" AND ".join(parts))
        return DOC.c.id.in_(match.columns(sa.column("rowid", sa.Integer)))
    lexemes = []
    for words, prefix in terms:
        for position, word in enumerate(words):
            lexemes.append(f"'{word}'" + (":*" if prefix and position == len(words) - 1 else ""))
    query = sa.func.to_tsquery(sa.literal_column(f"'{SEARCH_CONFIG}'::regconfig"),
                               sa.bindparam("ts_query", " & ".join(lexemes)))
    # OR the overflow lexeme: documents too large for a whole vector are always candidates.
    wanted = query.op("||")(sa.literal_column(f"'{OVERFLOW_LEXEME}'::tsquery"))
    return getattr(sa.func, VECTOR_FUNCTION)(DOC.c.text).op("@@")(wanted)
