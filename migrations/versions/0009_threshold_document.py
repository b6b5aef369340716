"""The threshold document: its sections and its signed, published versions

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 06:40:00

A third kind of signed document joins the publishing workflow: ``threshold_version`` gets
the guard every version table has (a published version never changes), and the signature
guard is recreated so that a threshold version that is not a draft cannot be signed either.
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
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

VERSION_TABLES_BEFORE = {"arrangements": "arrangements_version",
                         "yearly_report": "yearly_report"}
VERSION_TABLES = {**VERSION_TABLES_BEFORE, "thresholds": "threshold_version"}


def upgrade():
    op.create_table('threshold_section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('heading', sa.String(length=200), nullable=False),
    sa.Column('markdown', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_threshold_section_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_threshold_section'))
    )
    with op.batch_alter_table('threshold_section', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_threshold_section_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('threshold_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
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
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_threshold_version_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_threshold_version'))
    )
    with op.batch_alter_table('threshold_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_threshold_version_partnership_id'), ['partnership_id'], unique=False)

    create_publication_guard(op, 'threshold_version')
    drop_signature_guard(op)
    create_signature_guard(op, VERSION_TABLES)


def downgrade():
    drop_signature_guard(op)
    # The threshold versions go with their table (the downgrade guard asks before dropping a
    # table that holds rows), so their signatures go too: left behind, they would attach
    # themselves to new versions that reuse the ids after the next upgrade.
    op.execute("DELETE FROM signature WHERE document = 'thresholds'")
    create_signature_guard(op, VERSION_TABLES_BEFORE)
    drop_publication_guard(op, 'threshold_version')
    with op.batch_alter_table('threshold_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_threshold_version_partnership_id'))
    op.drop_table('threshold_version')
    with op.batch_alter_table('threshold_section', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_threshold_section_partnership_id'))
    op.drop_table('threshold_section')
