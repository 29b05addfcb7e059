"""discontinuous spans

Adds ``span.fragments``: the pieces of a discontinuous span (as brat writes "T1 Label 0 5;9 14"),
NULL for the ordinary contiguous span. ``start_offset``/``end_offset`` keep covering the whole.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('span', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fragments', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('span', schema=None) as batch_op:
        batch_op.drop_column('fragments')
