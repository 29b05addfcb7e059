"""full-text search: the database's own index over document text

SQLite gets an external-content FTS5 table with triggers on ``document``; PostgreSQL a GIN
expression index over a text-search vector. Both are built by
``annotator.store.search_index.create_search_index``, the same function a new project calls, and
filled from the documents already in the project.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from alembic import op

from annotator.store.search_index import create_search_index, drop_search_index

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_search_index(op.get_bind())


def downgrade() -> None:
    drop_search_index(op.get_bind())
