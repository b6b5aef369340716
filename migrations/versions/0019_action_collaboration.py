"""Comments on actions, requests for a new target date, and saved filters

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 20:00:00

- ``action_comment``: a remark on an action, by its author (kept when the account goes).
- ``action_date_request``: a request to move an action's target date, with the date asked
  for, the reason, and the decision (who, when, why).
- ``saved_filter``: a list's query string saved under a name by one user.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

DATE_REQUEST_STATUS = sa.Enum('pending', 'approved', 'declined', 'withdrawn',
                              name='daterequeststatus', native_enum=False, length=30)


def _user(table, column):
    return sa.ForeignKeyConstraint([column], ['user_account.id'],
                                   name=op.f(f'fk_{table}_{column}_user_account'),
                                   ondelete='SET NULL')


def upgrade():
    op.create_table('action_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author_name', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'],
                            name=op.f('fk_action_comment_action_id_action'), ondelete='CASCADE'),
    _user('action_comment', 'author_id'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_comment'))
    )
    with op.batch_alter_table('action_comment', schema=None) as batch_op:
        batch_op.create_index('ix_action_comment_action_created', ['action_id', 'created_at'],
                              unique=False)

    op.create_table('action_date_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_by_name', sa.String(length=120), nullable=False),
    sa.Column('current_due', sa.Date(), nullable=True),
    sa.Column('requested_due', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', DATE_REQUEST_STATUS, nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_name', sa.String(length=120), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'],
                            name=op.f('fk_action_date_request_action_id_action'),
                            ondelete='CASCADE'),
    _user('action_date_request', 'requested_by_id'),
    _user('action_date_request', 'decided_by_id'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_date_request'))
    )
    with op.batch_alter_table('action_date_request', schema=None) as batch_op:
        batch_op.create_index('ix_action_date_request_action_status', ['action_id', 'status'],
                              unique=False)

    op.create_table('saved_filter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('endpoint', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('query', sa.String(length=1000), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                            name=op.f('fk_saved_filter_user_id_user_account'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_filter')),
    sa.UniqueConstraint('user_id', 'endpoint', 'name',
                        name=op.f('uq_saved_filter_user_id'))
    )
    with op.batch_alter_table('saved_filter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_filter_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('saved_filter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_filter_user_id'))
    op.drop_table('saved_filter')
    with op.batch_alter_table('action_date_request', schema=None) as batch_op:
        batch_op.drop_index('ix_action_date_request_action_status')
    op.drop_table('action_date_request')
    with op.batch_alter_table('action_comment', schema=None) as batch_op:
        batch_op.drop_index('ix_action_comment_action_created')
    op.drop_table('action_comment')
