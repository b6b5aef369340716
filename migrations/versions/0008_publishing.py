"""One publishing workflow: signatures bound to a digest, kept content, deputies, version
numbers and superseding; the database refuses changes to what was published

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 06:00:00

The arrangements' sign-offs (``sign_off``) and the yearly report's (``report_sign_off``)
move into one ``signature`` table. A yearly report's sign-off keeps the digest it signed; an
arrangements sign-off never recorded one, so a draft's earlier sign-offs are shown as
signed on an earlier draft (the partner signs again), and a published version's are bound
to the SHA-256 of its published PDF, which is exactly what they were published over.
"""
import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from partnership.database import create_append_only_guard, drop_append_only_guard
from partnership.publishing.triggers import (
    create_child_guard,
    create_publication_guard,
    create_signature_guard,
    drop_child_guard,
    drop_publication_guard,
    drop_signature_guard,
)

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

UK = ZoneInfo("Europe/London")
VERSION_TABLES = {"arrangements": "arrangements_version", "yearly_report": "yearly_report"}


def _uk_day(value):
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(UK).date()


def upgrade():
    op.create_table('signature',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document', sa.Enum('arrangements', 'yearly_report', 'thresholds', 'budget', name='documentkind', native_enum=False, length=30), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('signed_by', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('deputy_for', sa.String(length=330), nullable=False),
    sa.Column('delegated_on', sa.Date(), nullable=True),
    sa.Column('sealed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['statutory_partner.id'], name=op.f('fk_signature_partner_id_statutory_partner')),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_signature_partnership_id_partnership'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_signature_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signature')),
    sa.UniqueConstraint('document', 'version_id', 'partner_id', name=op.f('uq_signature_document'))
    )
    with op.batch_alter_table('signature', schema=None) as batch_op:
        batch_op.create_index('ix_signature_document_version', ['document', 'version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signature_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('signed_content',
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('document', sa.Enum('arrangements', 'yearly_report', 'thresholds', 'budget', name='documentkind', native_enum=False, length=30), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('stored_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('digest', name=op.f('pk_signed_content'))
    )
    op.create_table('delegation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('deputy_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_delegation_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['deputy_id'], ['person.id'], name=op.f('fk_delegation_deputy_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lead_id'], ['person.id'], name=op.f('fk_delegation_lead_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['statutory_partner.id'], name=op.f('fk_delegation_partner_id_statutory_partner'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_delegation_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delegation'))
    )
    with op.batch_alter_table('delegation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delegation_partnership_id'), ['partnership_id'], unique=False)

    with op.batch_alter_table('arrangements_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('digest', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('published_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('superseded_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('yearly_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('digest', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('superseded_at', sa.DateTime(), nullable=True))

    _move_sign_offs_in()
    op.drop_table('sign_off')
    op.drop_table('report_sign_off')

    create_append_only_guard(op, 'signed_content')
    for table in VERSION_TABLES.values():
        create_publication_guard(op, table)
    create_child_guard(op, 'report_narrative', 'yearly_report', 'report_id')
    create_signature_guard(op, VERSION_TABLES)


def _move_sign_offs_in():
    """Copy both sign-off tables into ``signature``; number, date and supersede the published
    versions. Writes go through op.execute only (migrations/guard.py rehearses migrations)."""
    op.execute(
        "UPDATE arrangements_version SET digest = sha256, number = ("
        "SELECT COUNT(*) FROM arrangements_version AS earlier "
        "WHERE earlier.partnership_id = arrangements_version.partnership_id "
        "AND earlier.status <> 'draft' AND (earlier.published_at < "
        "arrangements_version.published_at OR (earlier.published_at = "
        "arrangements_version.published_at AND earlier.id <= arrangements_version.id))) "
        "WHERE status = 'published'")
    versions = sa.table('arrangements_version', sa.column('id', sa.Integer),
                        sa.column('published_at', sa.DateTime),
                        sa.column('published_on', sa.Date))
    rows = op.get_bind().execute(sa.select(versions.c.id, versions.c.published_at).where(
        versions.c.published_at.is_not(None))).all()
    for row in rows:  # the day in England, which SQL cannot say the same way on both databases
        op.execute(versions.update().where(versions.c.id == row.id)
                   .values(published_on=_uk_day(row.published_at)))
    op.execute(
        "INSERT INTO signature (document, version_id, partnership_id, partner_id, user_id, "
        "signed_by, role, signed_at, digest, comment, deputy_for, delegated_on, sealed) "
        "SELECT 'arrangements', s.version_id, v.partnership_id, s.partner_id, s.user_id, "
        "s.signed_by, s.role, s.signed_at, "
        "CASE WHEN v.status = 'published' THEN COALESCE(v.sha256, '') ELSE '' END, '', '', "
        "NULL, CASE WHEN v.status = 'published' THEN TRUE ELSE FALSE END "
        "FROM sign_off AS s JOIN arrangements_version AS v ON v.id = s.version_id")
    op.execute(
        "UPDATE arrangements_version SET status = 'superseded', superseded_at = ("
        "SELECT MIN(later.published_at) FROM arrangements_version AS later "
        "WHERE later.partnership_id = arrangements_version.partnership_id "
        "AND later.status <> 'draft' AND later.published_at > arrangements_version.published_at) "
        "WHERE status = 'published' AND EXISTS (SELECT 1 FROM arrangements_version AS later "
        "WHERE later.partnership_id = arrangements_version.partnership_id "
        "AND later.status <> 'draft' AND later.published_at > arrangements_version.published_at)")
    op.execute(
        "INSERT INTO signature (document, version_id, partnership_id, partner_id, user_id, "
        "signed_by, role, signed_at, digest, comment, deputy_for, delegated_on, sealed) "
        "SELECT 'yearly_report', s.report_id, r.partnership_id, s.partner_id, s.user_id, "
        "s.signed_by, s.role, s.signed_at, s.content_sha256, '', '', NULL, "
        "CASE WHEN r.status = 'published' THEN TRUE ELSE FALSE END "
        "FROM report_sign_off AS s JOIN yearly_report AS r ON r.id = s.report_id")
    op.execute(
        "UPDATE yearly_report SET number = 1, digest = (SELECT MIN(s.content_sha256) "
        "FROM report_sign_off AS s WHERE s.report_id = yearly_report.id) "
        "WHERE status = 'published'")


def downgrade():
    drop_signature_guard(op)
    drop_child_guard(op, 'report_narrative')
    for table in VERSION_TABLES.values():
        drop_publication_guard(op, table)
    drop_append_only_guard(op, 'signed_content', last=False)

    op.create_table('sign_off',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('signed_by', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['statutory_partner.id'], name=op.f('fk_sign_off_partner_id_statutory_partner')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_sign_off_user_id_user_account')),
    sa.ForeignKeyConstraint(['version_id'], ['arrangements_version.id'], name=op.f('fk_sign_off_version_id_arrangements_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_off')),
    sa.UniqueConstraint('version_id', 'partner_id', name=op.f('uq_sign_off_version_id'))
    )
    op.create_table('report_sign_off',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('signed_by', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['statutory_partner.id'], name=op.f('fk_report_sign_off_partner_id_statutory_partner')),
    sa.ForeignKeyConstraint(['report_id'], ['yearly_report.id'], name=op.f('fk_report_sign_off_report_id_yearly_report'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_report_sign_off_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_sign_off')),
    sa.UniqueConstraint('report_id', 'partner_id', name=op.f('uq_report_sign_off_report_id'))
    )
    # Through op.execute only: migrations/guard.py rehearses downgrades without running them.
    op.execute("INSERT INTO sign_off (version_id, partner_id, user_id, signed_by, role, "
               "signed_at) SELECT version_id, partner_id, user_id, signed_by, role, signed_at "
               "FROM signature WHERE document = 'arrangements' AND user_id IS NOT NULL")
    op.execute("INSERT INTO report_sign_off (report_id, partner_id, user_id, signed_by, role, "
               "signed_at, content_sha256) SELECT version_id, partner_id, user_id, signed_by, "
               "role, signed_at, digest FROM signature WHERE document = 'yearly_report'")
    op.execute("UPDATE arrangements_version SET status = 'published' "
               "WHERE status = 'superseded'")

    with op.batch_alter_table('yearly_report', schema=None) as batch_op:
        batch_op.drop_column('superseded_at')
        batch_op.drop_column('digest')
        batch_op.drop_column('number')
    with op.batch_alter_table('arrangements_version', schema=None) as batch_op:
        batch_op.drop_column('superseded_at')
        batch_op.drop_column('published_on')
        batch_op.drop_column('digest')
        batch_op.drop_column('number')
    with op.batch_alter_table('delegation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delegation_partnership_id'))
    op.drop_table('delegation')
    op.drop_table('signed_content')
    with op.batch_alter_table('signature', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signature_partnership_id'))
        batch_op.drop_index('ix_signature_document_version')
    op.drop_table('signature')
