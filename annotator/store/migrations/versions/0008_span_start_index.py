"""spans found by where they start

Adds an index on ``span (start_offset, document_id, layer)``. Undoing a label or an accept asks
for the pending suggestions that start where the removed span started (they may show again);
without an index that read every span of the document (4.5 ms among 20,000 suggestions, on
every such undo). The offset leads so that the index serves only such look-ups: with the
document first, SQLite read whole layers of a document through it (to save their sort), which
visits the rows out of storage order and made opening a document of 20,000 spans 20 to 30 ms
slower.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_span_start_doc_layer', 'span', ['start_offset', 'document_id', 'layer'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_span_start_doc_layer', table_name='span')
