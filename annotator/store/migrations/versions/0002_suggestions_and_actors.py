"""suggestion decisions and the actor registry

Adds the canonical actor registry (``actor``, ``actor_alias``) and two columns on ``span``:
``actor_id`` (the canonical actor a mention links to; unlinked when the actor is deleted) and
``status`` (pending/accepted/rejected for model suggestions, NULL for everyone else's spans).
Suggestions stored before this revision become ``pending``.

On SQLite the span changes run in batch mode (the table is copied, with its data, constraints and
indexes); on PostgreSQL they are plain ALTER TABLE statements.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

STATUS_CHECK = "status IS NULL OR status IN ('pending', 'accepted', 'rejected')"


def upgrade() -> None:
    op.create_table('actor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('type', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('actor_alias',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('alias', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('normalized', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actor.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('actor_id', 'normalized', name='uq_actor_alias')
    )
    with op.batch_alter_table('actor_alias', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actor_alias_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actor_alias_normalized'), ['normalized'], unique=False)

    with op.batch_alter_table('span', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True))
        batch_op.create_index(batch_op.f('ix_span_actor_id'), ['actor_id'], unique=False)
        batch_op.create_foreign_key('fk_span_actor_id_actor', 'actor', ['actor_id'], ['id'], ondelete='SET NULL')
        batch_op.create_check_constraint('ck_span_status', STATUS_CHECK)

    op.execute("UPDATE span SET status = 'pending' WHERE layer = 'suggestion'")


def downgrade() -> None:
    with op.batch_alter_table('span', schema=None) as batch_op:
        batch_op.drop_constraint('ck_span_status', type_='check')
        batch_op.drop_constraint('fk_span_actor_id_actor', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_span_actor_id'))
        batch_op.drop_column('status')
        batch_op.drop_column('actor_id')

    with op.batch_alter_table('actor_alias', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actor_alias_normalized'))
        batch_op.drop_index(batch_op.f('ix_actor_alias_actor_id'))

    op.drop_table('actor_alias')
    op.drop_table('actor')
