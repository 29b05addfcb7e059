"""review: gold provenance, span comments, reviewed status

For adjudication (issue 6):
- ``span.origin_annotator`` / ``span.adjudicator`` and the same on ``relation``: a gold item
  remembers whose version it came from and who adjudicated it (NULL outside the gold layer);
- ``note.span_id``: a reviewer's comment on one span (NULL for document notes), deleted with it;
- ``document_status`` accepts ``reviewed``: the CHECK constraint is replaced.

On SQLite the changes run in batch mode (the table is copied with its data); the status CHECK is
dropped and created again by name.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

OLD_STATUS_CHECK = "status IN ('todo', 'in_progress', 'done')"
NEW_STATUS_CHECK = "status IN ('todo', 'in_progress', 'done', 'reviewed')"


def upgrade() -> None:
    with op.batch_alter_table('span', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin_annotator', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(sa.Column('adjudicator', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
    with op.batch_alter_table('relation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin_annotator', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(sa.Column('adjudicator', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.add_column(sa.Column('span_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_note_span_id'), ['span_id'], unique=False)
        batch_op.create_foreign_key('fk_note_span_id_span', 'span', ['span_id'], ['id'], ondelete='CASCADE')
    with op.batch_alter_table('document_status', schema=None) as batch_op:
        batch_op.drop_constraint('ck_document_status', type_='check')
        batch_op.create_check_constraint('ck_document_status', NEW_STATUS_CHECK)


def downgrade() -> None:
    op.execute("UPDATE document_status SET status = 'done' WHERE status = 'reviewed'")
    with op.batch_alter_table('document_status', schema=None) as batch_op:
        batch_op.drop_constraint('ck_document_status', type_='check')
        batch_op.create_check_constraint('ck_document_status', OLD_STATUS_CHECK)
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.drop_constraint('fk_note_span_id_span', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_note_span_id'))
        batch_op.drop_column('span_id')
    with op.batch_alter_table('relation', schema=None) as batch_op:
        batch_op.drop_column('adjudicator')
        batch_op.drop_column('origin_annotator')
    with op.batch_alter_table('span', schema=None) as batch_op:
        batch_op.drop_column('adjudicator')
        batch_op.drop_column('origin_annotator')
