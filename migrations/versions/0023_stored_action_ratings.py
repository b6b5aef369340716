"""Values lists sort by, kept in their rows: each action's rating, each case's urgency

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 23:00:00

- ``action.rag`` and ``action.update_overdue``: today's rating by the one rule, kept by
  ``partnership.actions.ratings`` on each write and once a day; empty until first made.
  Indexed with the target date (the lists' filters); ``action.year`` indexed for the year
  filter's first and last years. ``action.list_closed`` and ``action.due_sort`` (the target
  date, the undated last) are the default order, indexed so a page is read off the index.
- ``case_record.chasing`` and ``case_record.next_due``: whether an open case has something
  overdue to chase and its soonest open deadline, kept by
  ``partnership.reviews.services.urgency`` so the board pages in SQL.
- ``derived_day``: per kept value (``partnership.derived``), the day its copies were last all
  made for. Until that is today, lists work the values out themselves (nothing stale is
  ever shown).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rag', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('update_overdue', sa.Boolean(), nullable=True))
        batch_op.create_index('ix_action_rag', ['rag', 'target_date'], unique=False)
        batch_op.create_index('ix_action_year', ['year'], unique=False)
        batch_op.add_column(sa.Column('list_closed', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('due_sort', sa.Date(), nullable=True))
        batch_op.create_index('ix_action_due_order', ['list_closed', 'due_sort', 'id'],
                              unique=False)
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chasing', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('next_due', sa.Date(), nullable=True))
    op.create_table(
        'derived_day',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('refreshed_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_derived_day')),
    )


def downgrade() -> None:
    op.drop_table('derived_day')
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.drop_column('next_due')
        batch_op.drop_column('chasing')
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_index('ix_action_due_order')
        batch_op.drop_column('due_sort')
        batch_op.drop_column('list_closed')
        batch_op.drop_index('ix_action_year')
        batch_op.drop_index('ix_action_rag')
        batch_op.drop_column('update_overdue')
        batch_op.drop_column('rag')
