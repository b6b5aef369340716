"""Attendance exceptions, and private calendar feeds

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 20:00:00

- ``attendance.reason``: why a member agency was not there (apologies, absence).
- ``calendar_feed``: one private feed address per user; only the SHA-256 of its secret is
  kept, so a copy of the database gives nobody a working address.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.String(length=500), nullable=False,
                                      server_default=''))
    op.create_table('calendar_feed',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                            name=op.f('fk_calendar_feed_user_id_user_account'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feed')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_calendar_feed_secret_hash')),
    sa.UniqueConstraint('user_id', name=op.f('uq_calendar_feed_user_id'))
    )


def downgrade():
    op.drop_table('calendar_feed')
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_column('reason')
