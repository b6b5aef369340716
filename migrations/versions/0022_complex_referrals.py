"""Complex referrals under a memorandum of understanding

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 23:00:00

- ``partner_organisation``, ``partner_contact`` (work details only) and ``memorandum``: the
  third-sector organisations that refer to a partnership's hub, and their memoranda.
- ``complex_referral`` and ``referral_route``: a referral, and each force or partnership it
  was routed to with its acknowledgement and outcome.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('partner_organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('website', sa.String(length=254), nullable=False),
    sa.Column('account_agency_id', sa.Integer(), nullable=True),
    sa.Column('records_own', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_agency_id'], ['agency.id'], name=op.f('fk_partner_organisation_account_agency_id_agency'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_partner_organisation_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_organisation')),
    sa.UniqueConstraint('partnership_id', 'name', name=op.f('uq_partner_organisation_partnership_id'))
    )
    with op.batch_alter_table('partner_organisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_organisation_account_agency_id'), ['account_agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partner_organisation_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('complex_referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('referral_type', sa.String(length=80), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('victims', sa.Integer(), nullable=True),
    sa.Column('suspects', sa.Integer(), nullable=True),
    sa.Column('force_areas', sa.Integer(), nullable=True),
    sa.Column('natures', sa.JSON(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('urgency', sa.Enum('routine', 'urgent', name='urgency', native_enum=False, length=30), nullable=False),
    sa.Column('immediate_risk', sa.Boolean(), nullable=False),
    sa.Column('immediate_risk_note', sa.Text(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('closing_note', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('closed_on IS NULL OR closed_on >= received_on', name=op.f('ck_complex_referral_closed_after_received')),
    sa.ForeignKeyConstraint(['partner_id'], ['partner_organisation.id'], name=op.f('fk_complex_referral_partner_id_partner_organisation'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_complex_referral_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complex_referral')),
    sa.UniqueConstraint('partnership_id', 'reference', name=op.f('uq_complex_referral_partnership_id'))
    )
    with op.batch_alter_table('complex_referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complex_referral_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complex_referral_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complex_referral_received_on'), ['received_on'], unique=False)

    op.create_table('memorandum',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('version_label', sa.String(length=40), nullable=False),
    sa.Column('status', sa.Enum('draft', 'signed', 'expired', 'withdrawn', name='memorandumstatus', native_enum=False, length=30), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('review_on', sa.Date(), nullable=True),
    sa.Column('referral_types', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('review_on IS NULL OR signed_on IS NULL OR review_on >= signed_on', name=op.f('ck_memorandum_review_after_signing')),
    sa.ForeignKeyConstraint(['partner_id'], ['partner_organisation.id'], name=op.f('fk_memorandum_partner_id_partner_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memorandum')),
    sa.UniqueConstraint('partner_id', 'version_label', name=op.f('uq_memorandum_partner_id'))
    )
    with op.batch_alter_table('memorandum', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memorandum_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memorandum_review_on'), ['review_on'], unique=False)

    op.create_table('partner_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('job_title', sa.String(length=120), nullable=False),
    sa.Column('work_email', sa.String(length=254), nullable=False),
    sa.Column('work_phone', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partner_organisation.id'], name=op.f('fk_partner_contact_partner_id_partner_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_contact'))
    )
    with op.batch_alter_table('partner_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_contact_partner_id'), ['partner_id'], unique=False)

    op.create_table('referral_route',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('force', 'partnership', name='routekind', native_enum=False, length=30), nullable=False),
    sa.Column('force_id', sa.Integer(), nullable=True),
    sa.Column('routed_partnership_id', sa.Integer(), nullable=True),
    sa.Column('reached_partnership_id', sa.Integer(), nullable=True),
    sa.Column('other_name', sa.String(length=200), nullable=False),
    sa.Column('routed_on', sa.Date(), nullable=False),
    sa.Column('acknowledged_on', sa.Date(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.Enum('investigation', 'joined', 'safeguarding', 'transferred', 'no_further_action', name='outcome', native_enum=False, length=30), nullable=True),
    sa.Column('outcome_note', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('acknowledged_on IS NULL OR acknowledged_on >= routed_on', name=op.f('ck_referral_route_acknowledged_after_routing')),
    sa.CheckConstraint('decided_on IS NULL OR decided_on >= routed_on', name=op.f('ck_referral_route_decided_after_routing')),
    sa.ForeignKeyConstraint(['force_id'], ['agency.id'], name=op.f('fk_referral_route_force_id_agency'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reached_partnership_id'], ['partnership.id'], name=op.f('fk_referral_route_reached_partnership_id_partnership'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['referral_id'], ['complex_referral.id'], name=op.f('fk_referral_route_referral_id_complex_referral'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['routed_partnership_id'], ['partnership.id'], name=op.f('fk_referral_route_routed_partnership_id_partnership'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_route'))
    )
    with op.batch_alter_table('referral_route', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_route_force_id'), ['force_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_route_reached_partnership_id'), ['reached_partnership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_route_referral_id'), ['referral_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_route_routed_partnership_id'), ['routed_partnership_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('referral_route', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_route_routed_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_referral_route_referral_id'))
        batch_op.drop_index(batch_op.f('ix_referral_route_reached_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_referral_route_force_id'))

    op.drop_table('referral_route')
    with op.batch_alter_table('partner_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_contact_partner_id'))

    op.drop_table('partner_contact')
    with op.batch_alter_table('memorandum', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memorandum_review_on'))
        batch_op.drop_index(batch_op.f('ix_memorandum_partner_id'))

    op.drop_table('memorandum')
    with op.batch_alter_table('complex_referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complex_referral_received_on'))
        batch_op.drop_index(batch_op.f('ix_complex_referral_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_complex_referral_partner_id'))

    op.drop_table('complex_referral')
    with op.batch_alter_table('partner_organisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_organisation_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_partner_organisation_account_agency_id'))

    op.drop_table('partner_organisation')
