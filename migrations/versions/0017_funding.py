"""The shared budget: income, budget lines and spending, help in kind, and the statement

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 17:30:00

- ``contributor_partner``: which statutory partner an agency's money counts under (none:
  another contributor). Agreed contributions stay in the register's ``contribution``.
- ``funding_receipt``: money received for a reporting year (an agency's contribution, a
  grant, other income); ``budget_line`` and ``budget_spending``: the lines set for a year and
  the payments against them; ``in_kind_contribution``: help given in kind, valued.
- ``budget_statement``: the fourth kind of signed document. It gets the guard every version
  table has (a published version never changes), and the signature guard is recreated so
  that a statement that is not a draft cannot be signed either.
"""
import sqlalchemy as sa
from alembic import op

from partnership.publishing.triggers import (
    create_publication_guard,
    create_signature_guard,
    drop_publication_guard,
    drop_signature_guard,
)

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

VERSION_TABLES_BEFORE = {"arrangements": "arrangements_version",
                         "yearly_report": "yearly_report", "thresholds": "threshold_version"}
VERSION_TABLES = {**VERSION_TABLES_BEFORE, "budget": "budget_statement"}
MONEY = sa.Numeric(precision=12, scale=2)


def _partnership(table):
    return sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'],
                                   name=op.f(f'fk_{table}_partnership_id_partnership'),
                                   ondelete='CASCADE')


def _index_partnership(table):
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{table}_partnership_id'), ['partnership_id'],
                              unique=False)


def upgrade():
    op.create_table('contributor_partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_contributor_partner_agency_id_agency'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['statutory_partner.id'], name=op.f('fk_contributor_partner_partner_id_statutory_partner'), ondelete='CASCADE'),
    _partnership('contributor_partner'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contributor_partner')),
    sa.UniqueConstraint('agency_id', name=op.f('uq_contributor_partner_agency_id'))
    )
    _index_partnership('contributor_partner')

    op.create_table('funding_receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('contribution', 'grant', 'other', name='incomekind', native_enum=False, length=30), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('amount', MONEY, nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_funding_receipt_agency_id_agency'), ondelete='RESTRICT'),
    _partnership('funding_receipt'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funding_receipt'))
    )
    _index_partnership('funding_receipt')

    op.create_table('budget_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('heading', sa.String(length=120), nullable=False),
    sa.Column('amount', MONEY, nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    _partnership('budget_line'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_line')),
    sa.UniqueConstraint('partnership_id', 'year', 'heading', name=op.f('uq_budget_line_partnership_id'))
    )
    _index_partnership('budget_line')

    op.create_table('budget_spending',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('spent_on', sa.Date(), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('amount', MONEY, nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['line_id'], ['budget_line.id'], name=op.f('fk_budget_spending_line_id_budget_line'), ondelete='RESTRICT'),
    _partnership('budget_spending'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_spending'))
    )
    _index_partnership('budget_spending')
    with op.batch_alter_table('budget_spending', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_spending_line_id'), ['line_id'], unique=False)

    op.create_table('in_kind_contribution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('value', MONEY, nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_in_kind_contribution_agency_id_agency'), ondelete='RESTRICT'),
    _partnership('in_kind_contribution'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_in_kind_contribution'))
    )
    _index_partnership('in_kind_contribution')

    op.create_table('budget_statement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('draft', 'published', 'superseded', name='publicationstatus', native_enum=False, length=30), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('digest', sa.String(length=64), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('superseded_at', sa.DateTime(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('pages', sa.Integer(), nullable=True),
    sa.Column('snapshot', sa.JSON(), nullable=True),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    _partnership('budget_statement'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_statement'))
    )
    _index_partnership('budget_statement')

    create_publication_guard(op, 'budget_statement')
    drop_signature_guard(op)
    create_signature_guard(op, VERSION_TABLES)


def downgrade():
    drop_signature_guard(op)
    # The statements go with their table, so their signatures go too: left behind, they
    # would attach themselves to new statements that reuse the ids after the next upgrade.
    op.execute("DELETE FROM signature WHERE document = 'budget'")
    create_signature_guard(op, VERSION_TABLES_BEFORE)
    drop_publication_guard(op, 'budget_statement')
    for table in ('budget_statement', 'in_kind_contribution', 'budget_spending', 'budget_line',
                  'funding_receipt', 'contributor_partner'):
        op.drop_table(table)
