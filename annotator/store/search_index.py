"""The database's own full-text index over ``document.text``, created and queried per backend.

The index only finds *candidate documents*; where a query matches inside a text is worked out in
Python (``annotator.search.matching``), so both backends give the same offsets and phrases are
judged the same way everywhere.

SQLite: an external-content FTS5 table ``document_fts`` (the text is not stored twice) with the
``unicode61`` tokenizer, ``remove_diacritics 2`` (Lukašenko = Lukasenko, also when the accent is a
separate combining mark). Since schema 0011 it is filled in bulk, not row by row: the insert
trigger on ``document`` only records the new row in ``document_pending`` (one small row a
document, costing nearly nothing), and the catch-up step (``annotator.store.pending``) indexes
every pending document with one ``INSERT … SELECT`` in its own transaction: a bulk load costs
a third of the rows indexed one by one (``bench_import``: 1.1 s against 3.4 s over bare
inserts for 10,000 articles). What replaces "no application code to forget": every
writer still records its documents through the trigger, whatever it is (importer, dataset
ingestion, merge, copy, a plain SQL client); a document not yet indexed is always a search
candidate (``candidate_filter`` adds the pending ones, so search never misses a document even
before the catch-up ran, on a read-only copy too); search catches up before it queries, and so
do the import commands and the window after an import. The delete and text-update triggers
remove a row from the index only when it was indexed: an external-content FTS5 table given a
'delete' with text it never indexed corrupts itself. Projects before 0011 (migration 0006)
used triggers that indexed each row as it was written (``create_search_index``).

PostgreSQL: a GIN expression index on ``annotator_search_vector(text)``, a function that returns
``strip(to_tsvector('annotator_search', text))``. The configuration copies ``simple`` (no
stemming: "Lukashenko" stays a word) and puts ``unaccent`` in front when the server has that
extension. ``strip`` drops the positions, which are not needed because phrases are checked in
Python, and keeps the vector small. A tsvector may hold at most 1 MB of lexemes; a text with a
vocabulary too large for that (only the very largest documents) is indexed by its first
``FALLBACK_CHARACTERS`` plus the lexeme ``OVERFLOW_LEXEME``, which every search also asks for, so
such a document is always a candidate and is searched in full in Python: never missed, only
slower. The server keeps that index current itself; only language detection waits for the
catch-up there (a trigger records documents stored without a language).
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
PENDING_TABLE = "document_pending"
PENDING_FUNCTION = "annotator_document_pending"
_POSTGRES_TRIGGERS = ("document_pending_insert", "document_pending_delete")
#: The pending documents, for queries (created by ``defer_search_index``: not a model).
PENDING = sa.Table(PENDING_TABLE, sa.MetaData(), sa.Column("document_id", sa.Integer, primary_key=True),
                   sa.Column("needs_index", sa.Boolean, nullable=False),
                   sa.Column("needs_language", sa.Boolean, nullable=False))

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


# Documents whose derived data (the index on SQLite, the language on both) is not made yet. No
# foreign key: the delete trigger must still see the row to know whether the index has the text.
_PENDING_DDL = (f"CREATE TABLE IF NOT EXISTS {PENDING_TABLE} (document_id INTEGER PRIMARY KEY, "
                "needs_index BOOLEAN NOT NULL, needs_language BOOLEAN NOT NULL)")
_NOT_PENDING = f"NOT EXISTS (SELECT 1 FROM {PENDING_TABLE} WHERE document_id = old.id AND needs_index)"
_SQLITE_DEFERRED_TRIGGERS = (
    (f"CREATE TRIGGER document_fts_insert AFTER INSERT ON document BEGIN "
     f"INSERT INTO {PENDING_TABLE}(document_id, needs_index, needs_language) "
     "VALUES (new.id, 1, new.language IS NULL); END"),
    (f"CREATE TRIGGER document_fts_delete AFTER DELETE ON document BEGIN "
     f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) SELECT 'delete', old.id, old.text WHERE {_NOT_PENDING}; "
     f"DELETE FROM {PENDING_TABLE} WHERE document_id = old.id; END"),
    # An indexed row is re-indexed at once (a text is rarely changed); a pending one waits.
    (f"CREATE TRIGGER document_fts_update AFTER UPDATE OF text ON document BEGIN "
     f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) SELECT 'delete', old.id, old.text WHERE {_NOT_PENDING}; "
     f"INSERT INTO {FTS_TABLE}(rowid, text) SELECT new.id, new.text WHERE {_NOT_PENDING}; END"),
)
#: What ``document_fts_insert`` above records, for rows inserted with triggers turned off: every
#: document above an id, in one statement (the plain import's bulk insert, ``corpus.importer``;
#: the trigger run 10,000 times cost a third of writing 10,000 articles).
SQLITE_PENDING_ABOVE = (f"INSERT INTO {PENDING_TABLE}(document_id, needs_index, needs_language) "
                        "SELECT id, 1, language IS NULL FROM document WHERE id > ?")
_POSTGRES_PENDING_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {PENDING_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO {PENDING_TABLE} (document_id, needs_index, needs_language) VALUES (NEW.id, false, true);
    ELSE
        DELETE FROM {PENDING_TABLE} WHERE document_id = OLD.id;
    END IF;
    RETURN NULL;
END
$$"""


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
    """Create the index for the connection's backend and fill it from the documents present,
    kept in step row by row (schema 0006; ``defer_search_index`` makes it wait for the catch-up).

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


def defer_search_index(connection: Connection) -> None:
    """Leave the index (SQLite) and the language (both) of new documents to the catch-up step.

    Creates ``document_pending`` and the triggers that fill it, and records every document
    whose language is unknown as pending, so the documents a project had before languages were
    detected get theirs (issue 19's backfill). The documents present are indexed already. Called
    by migration 0011 and for a new project after ``create_search_index``; safe to call again.
    """
    connection.exec_driver_sql(_PENDING_DDL)
    if connection.dialect.name == "sqlite":
        for trigger in _TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
        for statement in _SQLITE_DEFERRED_TRIGGERS:
            connection.exec_driver_sql(statement)
    elif connection.dialect.name == "postgresql":
        connection.exec_driver_sql(_POSTGRES_PENDING_FUNCTION)
        for trigger in _POSTGRES_TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger} ON document")
        connection.exec_driver_sql(
            f"CREATE TRIGGER document_pending_insert AFTER INSERT ON document FOR EACH ROW "
            f"WHEN (NEW.language IS NULL) EXECUTE FUNCTION {PENDING_FUNCTION}()")
        connection.exec_driver_sql(
            f"CREATE TRIGGER document_pending_delete AFTER DELETE ON document FOR EACH ROW "
            f"EXECUTE FUNCTION {PENDING_FUNCTION}()")
    unknown = sa.select(DOC.c.id, sa.false(), sa.true()).where(
        DOC.c.language.is_(None), DOC.c.id.not_in(sa.select(PENDING.c.document_id)))
    connection.execute(PENDING.insert().from_select(["document_id", "needs_index", "needs_language"], unknown))


def undefer_search_index(connection: Connection) -> None:
    """Back to the row-by-row triggers of schema 0006, every document indexed (0011's downgrade)."""
    if connection.dialect.name == "sqlite":
        for trigger in _TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
        create_search_index(connection)  # its 'rebuild' indexes the pending documents too
    elif connection.dialect.name == "postgresql":
        for trigger in _POSTGRES_TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger} ON document")
        connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {PENDING_FUNCTION}()")
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {PENDING_TABLE}")


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
    yet: a migration to an older revision). The rebuild indexes every document, so none is
    pending for the index after it (the pending languages stay pending).
    """
    if connection.dialect.name != "sqlite":
        return
    names = set(connection.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE name IN (?, ?) OR type = 'trigger'", (FTS_TABLE, PENDING_TABLE)).scalars())
    if FTS_TABLE not in names or names.issuperset(_TRIGGERS):
        return
    create_search_index(connection)
    if PENDING_TABLE in names:
        connection.exec_driver_sql(f"UPDATE {PENDING_TABLE} SET needs_index = 0")
        connection.exec_driver_sql(f"DELETE FROM {PENDING_TABLE} WHERE NOT needs_language")
        defer_search_index(connection)


def is_search_object(name: str | None, type_: str) -> bool:
    """True for the index's own tables (FTS5 and its shadow tables, the pending documents) and the
    PostgreSQL GIN index: they are not models, so Alembic's model comparison must not report them."""
    if name is None:
        return False
    if type_ == "table":
        return name in (FTS_TABLE, PENDING_TABLE) or name.startswith(FTS_TABLE + "_")
    return type_ == "index" and name == GIN_INDEX


def candidate_filter(dialect: str, terms: list[tuple[list[str], bool]]) -> ColumnElement[bool]:
    """A condition on ``document`` rows: the document contains every term, by the index, or (on
    SQLite) is not indexed yet.

    ``terms`` are (words, prefix) pairs, words made of letters and digits only (the query
    parser's), so they need no quoting. A term's words must follow each other in the text
    (SQLite checks that; on PostgreSQL only their presence is checked, Python does the rest),
    and with ``prefix`` its last word may go on.
    """
    if dialect == "sqlite":
        parts = ['"' + " ".join(words) + '"' + ("*" if prefix else "") for words, prefix in terms]
        match = sa.text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :fts_query").bindparams(
            fts_query=" AND ".join(parts))
        # a document not indexed yet is a candidate too, searched in Python: never missed
        return sa.or_(DOC.c.id.in_(match.columns(sa.column("rowid", sa.Integer))),
                      DOC.c.id.in_(sa.select(PENDING.c.document_id).where(PENDING.c.needs_index)))
    lexemes = []
    for words, prefix in terms:
        for position, word in enumerate(words):
            lexemes.append(f"'{word}'" + (":*" if prefix and position == len(words) - 1 else ""))
    query = sa.func.to_tsquery(sa.literal_column(f"'{SEARCH_CONFIG}'::regconfig"),
                               sa.bindparam("ts_query", " & ".join(lexemes)))
    # OR the overflow lexeme: documents too large for a whole vector are always candidates.
    wanted = query.op("||")(sa.literal_column(f"'{OVERFLOW_LEXEME}'::tsquery"))
    return getattr(sa.func, VECTOR_FUNCTION)(DOC.c.text).op("@@")(wanted)
