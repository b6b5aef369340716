"""Versions of any date (paper signatures, published versions read in the browser)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 09:00:00
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
