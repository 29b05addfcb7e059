"""spans found by where they start

Adds an index on ``span (document_id, layer, start_offset)``. Undoing a label or an accept asks
for the pending suggestions that start where the removed span started (they may show again);
without an index that read every span of the document (4.5 ms among 20,000 suggestions, on
every such undo). With the layer in it, reading one layer of a document in text order (opening
a document) is served in order too, and the planner never prefers it to ``ix_span_doc_layer``
for a layer of few spans among many of another.

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
    op.create_index('ix_span_doc_layer_start', 'span', ['document_id', 'layer', 'start_offset'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_span_doc_layer_start', table_name='span')
