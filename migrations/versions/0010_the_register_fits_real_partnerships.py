"""The register fits real partnerships: posts, facts not stated, lines of accountability,
dated roles, contact points, neighbours outside the database, schools and settings

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 09:00:00

- A body's one ``reports_to_id`` becomes its first ``accountability_line`` (kind
  ``reports_to``); a body may now have several lines, to bodies or to groups outside the
  register.
- ``scrutineer.is_chair`` becomes an ``appointment`` of the partnership chair (independent,
  the same person and dates).
- Frequency, decision rule, sector and a representative's or scrutineer's person may now be
  "not stated" (NULL); nothing already recorded changes.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contact_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('url', sa.String(length=254), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_contact_point_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_point'))
    )
    with op.batch_alter_table('contact_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_point_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('establishment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('urn', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('phase', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.String(length=120), nullable=False),
    sa.Column('local_authority', sa.String(length=120), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_establishment_agency_id_agency'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_establishment_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_establishment')),
    sa.UniqueConstraint('partnership_id', 'urn', name=op.f('uq_establishment_partnership_id'))
    )
    with op.batch_alter_table('establishment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_establishment_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_establishment_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('appointment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('partnership_chair', 'education_lead', 'participating_observer', name='appointmentrole', native_enum=False, length=30), nullable=False),
    sa.Column('post', sa.String(length=200), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('independent', sa.Boolean(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_appointment_agency_id_agency'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partner_id'], ['statutory_partner.id'], name=op.f('fk_appointment_partner_id_statutory_partner'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_appointment_partnership_id_partnership'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_appointment_person_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment'))
    )
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointment_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('accountability_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('reports_to', 'accountable_to', 'updates_to', 'shared_with', name='linekind', native_enum=False, length=30), nullable=False),
    sa.Column('to_body_id', sa.Integer(), nullable=True),
    sa.Column('to_name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(to_body_id IS NULL) != (to_name = '')", name=op.f('ck_accountability_line_one_target')),
    sa.ForeignKeyConstraint(['body_id'], ['body.id'], name=op.f('fk_accountability_line_body_id_body'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['to_body_id'], ['body.id'], name=op.f('fk_accountability_line_to_body_id_body'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accountability_line'))
    )
    with op.batch_alter_table('accountability_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accountability_line_body_id'), ['body_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_accountability_line_to_body_id'), ['to_body_id'], unique=False)

    _lines_and_chairs_in()

    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.add_column(sa.Column('basis', sa.Enum('named_relevant_agency', 'designated_education_childcare', 'voluntary', name='agencybasis', native_enum=False, length=40), nullable=True))
        batch_op.add_column(sa.Column('duty_from', sa.Date(), nullable=True))
        batch_op.alter_column('sector',
               existing_type=sa.VARCHAR(length=30),
               nullable=True)

    with op.batch_alter_table('body', schema=None) as batch_op:
        batch_op.add_column(sa.Column('joint_with_name', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('chair_post', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('chair_partner_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('frequency_note', sa.String(length=500), nullable=False, server_default=''))
        batch_op.alter_column('frequency',
               existing_type=sa.VARCHAR(length=30),
               nullable=True)
        batch_op.alter_column('decision_rule',
               existing_type=sa.VARCHAR(length=40),
               nullable=True)
        batch_op.drop_constraint(batch_op.f('fk_body_reports_to_id_body'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_body_chair_partner_id_statutory_partner'), 'statutory_partner', ['chair_partner_id'], ['id'], ondelete='SET NULL')
        batch_op.drop_column('reports_to_id')

    with op.batch_alter_table('body_member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('partner_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_body_member_partner_id_statutory_partner'), 'statutory_partner', ['partner_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('collaboration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_members', sa.JSON(), nullable=False, server_default='[]'))

    with op.batch_alter_table('partnership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('support_team_name', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('support_team', sa.Text(), nullable=False, server_default=''))

    with op.batch_alter_table('representative', schema=None) as batch_op:
        batch_op.alter_column('person_id',
               existing_type=sa.INTEGER(),
               nullable=True)

    with op.batch_alter_table('scrutineer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.Enum('person', 'organisation', 'commissioned', name='scrutinykind', native_enum=False, length=30), nullable=False, server_default='person'))
        batch_op.add_column(sa.Column('organisation', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('post', sa.String(length=200), nullable=False, server_default=''))
        batch_op.alter_column('person_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.drop_column('is_chair')


def _lines_and_chairs_in():
    """Move each body's parent into a line and each chairing scrutineer into an appointment.

    Through op.execute only (migrations/guard.py rehearses migrations)."""
    op.execute("INSERT INTO accountability_line (body_id, kind, to_body_id, to_name, position, "
               "version) SELECT id, 'reports_to', reports_to_id, '', 0, 1 FROM body "
               "WHERE reports_to_id IS NOT NULL")
    op.execute("INSERT INTO appointment (partnership_id, role, post, person_id, independent, "
               "valid_from, valid_to, notes, version) SELECT partnership_id, 'partnership_chair', "
               "'Independent chair', person_id, TRUE, valid_from, valid_to, '', 1 "
               "FROM scrutineer WHERE is_chair")


def downgrade():
    with op.batch_alter_table('scrutineer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_chair', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.alter_column('person_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('post')
        batch_op.drop_column('organisation')
        batch_op.drop_column('kind')
    op.execute("UPDATE scrutineer SET is_chair = TRUE WHERE EXISTS (SELECT 1 FROM appointment AS a "
               "WHERE a.partnership_id = scrutineer.partnership_id AND a.person_id = scrutineer.person_id "
               "AND a.role = 'partnership_chair')")

    with op.batch_alter_table('representative', schema=None) as batch_op:
        batch_op.alter_column('person_id',
               existing_type=sa.INTEGER(),
               nullable=False)

    with op.batch_alter_table('partnership', schema=None) as batch_op:
        batch_op.drop_column('support_team')
        batch_op.drop_column('support_team_name')
        batch_op.drop_column('address')

    with op.batch_alter_table('collaboration', schema=None) as batch_op:
        batch_op.drop_column('external_members')

    with op.batch_alter_table('body_member', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_body_member_partner_id_statutory_partner'), type_='foreignkey')
        batch_op.drop_column('partner_id')

    with op.batch_alter_table('body', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reports_to_id', sa.INTEGER(), nullable=True))
        batch_op.drop_constraint(batch_op.f('fk_body_chair_partner_id_statutory_partner'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_body_reports_to_id_body'), 'body', ['reports_to_id'], ['id'], ondelete='SET NULL')
        batch_op.alter_column('decision_rule',
               existing_type=sa.VARCHAR(length=40),
               nullable=False)
        batch_op.alter_column('frequency',
               existing_type=sa.VARCHAR(length=30),
               nullable=False)
        batch_op.drop_column('frequency_note')
        batch_op.drop_column('chair_partner_id')
        batch_op.drop_column('chair_post')
        batch_op.drop_column('joint_with_name')
    op.execute("UPDATE body SET reports_to_id = (SELECT l.to_body_id FROM accountability_line AS l "
               "WHERE l.body_id = body.id AND l.to_body_id IS NOT NULL "
               "AND l.kind IN ('reports_to', 'accountable_to') ORDER BY l.position, l.id LIMIT 1)")

    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.alter_column('sector',
               existing_type=sa.VARCHAR(length=30),
               nullable=False)
        batch_op.drop_column('duty_from')
        batch_op.drop_column('basis')

    with op.batch_alter_table('accountability_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accountability_line_to_body_id'))
        batch_op.drop_index(batch_op.f('ix_accountability_line_body_id'))

    op.drop_table('accountability_line')
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointment_partnership_id'))

    op.drop_table('appointment')
    with op.batch_alter_table('establishment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_establishment_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_establishment_agency_id'))

    op.drop_table('establishment')
    with op.batch_alter_table('contact_point', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_point_partnership_id'))

    op.drop_table('contact_point')
