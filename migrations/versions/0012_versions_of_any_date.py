"""Versions of any date (paper signatures, published versions read in the browser)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 09:00:00

A signature may be one made on paper and entered by the team (``on_paper``, the date on the
paper ``signed_on``, who entered it ``entered_by_id``), so a version of an earlier date can be
published with the signatures it carried. ``published_page`` keeps, append-only, the HTML a
published version's PDF is made from, to be read in the browser. A published version's number
may now move up (an earlier-dated version put in before it takes its place in the order of
dates), so every version table's guard is recreated. Rebuilding ``signature`` (SQLite's batch
mode) drops its guard: it is dropped first and recreated after.
"""
import sqlalchemy as sa
from alembic import op

from partnership.database import create_append_only_guard, drop_append_only_guard
from partnership.publishing.triggers import (
    create_publication_guard,
    create_signature_guard,
    drop_publication_guard,
    drop_signature_guard,
)

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

VERSION_TABLES = {"arrangements": "arrangements_version", "yearly_report": "yearly_report",
                  "thresholds": "threshold_version"}


def _renew_publication_guards(renumbering):
    for table in VERSION_TABLES.values():
        drop_publication_guard(op, table)
        create_publication_guard(op, table, renumbering=renumbering)


def upgrade():
    drop_signature_guard(op)
    with op.batch_alter_table('signature', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_paper', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('signed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('entered_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_signature_entered_by_id_user_account'),
                                    'user_account', ['entered_by_id'], ['id'],
                                    ondelete='SET NULL')
    create_signature_guard(op, VERSION_TABLES)

    op.create_table('published_page',
    sa.Column('document', sa.Enum('arrangements', 'yearly_report', 'thresholds', 'budget', name='documentkind', native_enum=False, length=30), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('resources', sa.JSON(), nullable=False),
    sa.Column('stored_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('document', 'version_id', name=op.f('pk_published_page'))
    )
    create_append_only_guard(op, 'published_page')
    _renew_publication_guards(renumbering=True)


def downgrade():
    _renew_publication_guards(renumbering=False)  # as they were: the number fixed
    drop_append_only_guard(op, 'published_page', last=False)
    op.drop_table('published_page')
    drop_signature_guard(op)
    with op.batch_alter_table('signature', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_signature_entered_by_id_user_account'),
                                 type_='foreignkey')
        batch_op.drop_column('entered_by_id')
        batch_op.drop_column('signed_on')
        batch_op.drop_column('on_paper')
    create_signature_guard(op, VERSION_TABLES)
