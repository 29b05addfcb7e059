"""review decisions on differences gold cannot show

``review_decision`` holds a reviewer's decision on a compared item that is not a span: a relation,
attribute value or document label turned down (``rejected``), or an annotator's "nothing" taken
where gold holds nothing already (``taken:<annotator>``). Without it such an item stayed pending
for ever (issue 17). Items are named by a text key of what they are about, not by row ids.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'review_decision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('item_key', sa.Text(), nullable=False),
        sa.Column('decision', sqlmodel.sql.sqltypes.AutoString(length=220), nullable=False),
        sa.Column('adjudicator', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['document.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('document_id', 'item_key', name='uq_review_decision'),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table('review_decision')
