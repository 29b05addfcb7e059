"""row versions: optimistic concurrency for teams

Several analysts may share one PostgreSQL project (issue 7). ``span.version`` and
``relation.version`` count the edits made to a row; an edit names the version it started from
and is refused when the row has moved on (``annotator.store.versions``), so a teammate's change
to the same gold item is never silently overwritten. Existing rows start at version 1.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('span', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('relation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def downgrade() -> None:
    with op.batch_alter_table('relation', schema=None) as batch_op:
        batch_op.drop_column('version')
    with op.batch_alter_table('span', schema=None) as batch_op:
        batch_op.drop_column('version')
