"""documents whose index entry and language are made after the import

``document_pending`` lists the documents whose derived data is not made yet: on SQLite the
full-text index (``needs_index``), on both backends the detected language (``needs_language``).
An import's transaction only writes the documents (the insert trigger records each as pending,
which costs next to nothing); the catch-up step (``annotator.store.pending``) then fills the
FTS5 index in bulk and detects the languages in one transaction of its own, run by the import
commands, the window and every search (issue 20). PostgreSQL's GIN index needs no catch-up, so
nothing is pending for it there. Every document already in the project without a language is
recorded as pending for one, so a project made before languages were detected gets them (issue
19's backfill). A row is removed once done: a document whose language cannot be told stays
unknown and is not judged again.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from alembic import op

from annotator.store.search_index import defer_search_index, undefer_search_index

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    defer_search_index(op.get_bind())


def downgrade() -> None:
    undefer_search_index(op.get_bind())
