"""Notices, digests, the mail outbox and the scheduler's run records

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 20:00:00
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
