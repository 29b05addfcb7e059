"""document languages and trained models kept with the project

``document.language`` holds the language a document is in (ISO 639-1 code), detected on import
and correctable; suggestions are routed to the pipeline of that language and search filters by
it (issue 19). NULL for documents imported before.

``model_version`` holds the suggestion models trained from the project's annotations (issue 18):
the packed pipeline, the data it was trained on, its scores and train curve, and the per-label
thresholds its suggestions must reach. They live in the database so that a team on PostgreSQL
shares them as it shares the annotations, and a backup carries them.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('document') as batch:
        batch.add_column(sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch.create_index('ix_document_language', ['language'], unique=False)
    op.create_table(
        'model_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('trained_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('layer', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('labels', sa.JSON(), nullable=False),
        sa.Column('trained_on', sa.JSON(), nullable=False),
        sa.Column('scores', sa.JSON(), nullable=False),
        sa.Column('curve', sa.JSON(), nullable=False),
        sa.Column('thresholds', sa.JSON(), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('archive', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table('model_version')
    with op.batch_alter_table('document') as batch:
        batch.drop_index('ix_document_language')
        batch.drop_column('language')
