"""ids never reused, and a change log for the other windows

Undo puts a deleted row back under its old id, and open windows' histories and the change log
name rows by id. SQLite hands the largest deleted id to the next insert unless the table is
declared ``AUTOINCREMENT``, so a teammate's or the CLI's insert could take the id an undo step
needs (redo then failed with "UNIQUE constraint failed: span.id"). On SQLite the tables whose
rows users delete are rebuilt with ``AUTOINCREMENT``; PostgreSQL's sequences never reuse ids.

``change_log`` holds one row per committed change (see ``annotator.store.change_log``).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

_DELETABLE = ('span', 'relation', 'note', 'document_label', 'actor', 'actor_alias')


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for table in _DELETABLE:
            with op.batch_alter_table(table, recreate='always', table_kwargs={'sqlite_autoincrement': True}):
                pass
    op.create_table(
        'change_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('origin', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('label', sa.Text(), server_default='', nullable=False),
        sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table('change_log')
