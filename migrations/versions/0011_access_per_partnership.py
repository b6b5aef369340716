"""Access per partnership (accounts serve partnerships)

Each account now serves the partnerships named in ``user_partnership``; its rights reach
those partnerships' records only (an administrator serves every partnership implicitly and
has no rows here). The audit trail notes the partnerships of the record each event concerns
(``audit_event.partnerships``), so a team officer reads only their partnerships' events;
earlier events name none and stay readable as before. So that nothing breaks on upgrade, every existing account that is not an
administrator is linked to every existing partnership: the administrator then narrows each
account to the partnerships it really serves (Users -> the account -> Change).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 09:00:00
"""
import sqlalchemy as sa
from alembic import op

from partnership.database import create_append_only_guard, drop_append_only_guard

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'user_partnership',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('partnership_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'],
                                name=op.f('fk_user_partnership_partnership_id_partnership'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_user_partnership_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'partnership_id', name=op.f('pk_user_partnership')),
    )
    with op.batch_alter_table('user_partnership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_partnership_partnership_id'),
                              ['partnership_id'], unique=False)
    op.execute(
        "INSERT INTO user_partnership (user_id, partnership_id) "
        "SELECT user_account.id, partnership.id FROM user_account CROSS JOIN partnership "
        "WHERE user_account.role <> 'admin'")
    # A plain ADD COLUMN (no table copy on SQLite), so the append-only triggers stay.
    op.add_column('audit_event', sa.Column('partnerships', sa.String(length=200), nullable=True))


def downgrade():
    drop_append_only_guard(op, 'audit_event', last=False)
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('partnerships')
    create_append_only_guard(op, 'audit_event')
    with op.batch_alter_table('user_partnership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_partnership_partnership_id'))
    op.drop_table('user_partnership')
