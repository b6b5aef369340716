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
    """Copy both sign-off tables into ``signature``; number and date the published versions."""
    bind = op.get_bind()
    meta = sa.MetaData()
    versions = sa.Table('arrangements_version', meta, autoload_with=bind)
    reports = sa.Table('yearly_report', meta, autoload_with=bind)
    old_arrangements = sa.Table('sign_off', meta, autoload_with=bind)
    old_reports = sa.Table('report_sign_off', meta, autoload_with=bind)
    signature = sa.Table('signature', meta, autoload_with=bind)

    numbers = {}
    latest = {}
    rows = bind.execute(sa.select(versions.c.id, versions.c.partnership_id, versions.c.status,
                                  versions.c.published_at, versions.c.sha256)
                        .where(versions.c.status == 'published')
                        .order_by(versions.c.partnership_id, versions.c.published_at,
                                  versions.c.id)).all()
    for row in rows:
        numbers[row.partnership_id] = numbers.get(row.partnership_id, 0) + 1
        bind.execute(versions.update().where(versions.c.id == row.id).values(
            number=numbers[row.partnership_id], digest=row.sha256,
            published_on=_uk_day(row.published_at)))
        earlier = latest.get(row.partnership_id)
        if earlier is not None:
            bind.execute(versions.update().where(versions.c.id == earlier.id).values(
                status='superseded', superseded_at=row.published_at))
        latest[row.partnership_id] = row
    published = {row.id: row for row in rows}
    partnership_of = dict(bind.execute(sa.select(versions.c.id, versions.c.partnership_id)).all())
    for row in bind.execute(sa.select(old_arrangements)).all():
        version = published.get(row.version_id)
        bind.execute(signature.insert().values(
            document='arrangements', version_id=row.version_id,
            partnership_id=partnership_of[row.version_id], partner_id=row.partner_id,
            user_id=row.user_id, signed_by=row.signed_by, role=row.role,
            signed_at=row.signed_at, digest=(version.sha256 if version is not None else '') or '',
            comment='', deputy_for='', delegated_on=None, sealed=version is not None))

    report_rows = {row.id: row for row in bind.execute(
        sa.select(reports.c.id, reports.c.partnership_id, reports.c.status)).all()}
    digests = {}
    for row in bind.execute(sa.select(old_reports)).all():
        report = report_rows[row.report_id]
        is_published = report.status == 'published'
        if is_published:
            digests[row.report_id] = row.content_sha256
        bind.execute(signature.insert().values(
            document='yearly_report', version_id=row.report_id,
            partnership_id=report.partnership_id, partner_id=row.partner_id,
            user_id=row.user_id, signed_by=row.signed_by, role=row.role,
            signed_at=row.signed_at, digest=row.content_sha256, comment='', deputy_for='',
            delegated_on=None, sealed=is_published))
    for report_id, digest in digests.items():
        bind.execute(reports.update().where(reports.c.id == report_id).values(
            digest=digest, number=1))


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
    bind = op.get_bind()
    meta = sa.MetaData()
    signature = sa.Table('signature', meta, autoload_with=bind)
    old_arrangements = sa.Table('sign_off', meta, autoload_with=bind)
    old_reports = sa.Table('report_sign_off', meta, autoload_with=bind)
    versions = sa.Table('arrangements_version', meta, autoload_with=bind)
    for row in bind.execute(sa.select(signature)).all():
        if row.document == 'arrangements' and row.user_id is not None:
            bind.execute(old_arrangements.insert().values(
                version_id=row.version_id, partner_id=row.partner_id, user_id=row.user_id,
                signed_by=row.signed_by, role=row.role, signed_at=row.signed_at))
        elif row.document == 'yearly_report':
            bind.execute(old_reports.insert().values(
                report_id=row.version_id, partner_id=row.partner_id, user_id=row.user_id,
                signed_by=row.signed_by, role=row.role, signed_at=row.signed_at,
                content_sha256=row.digest))
    bind.execute(versions.update().where(versions.c.status == 'superseded')
                 .values(status='published'))

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
