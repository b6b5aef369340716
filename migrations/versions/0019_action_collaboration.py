"""Comments on actions, requests for a new target date, and saved filters

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 20:00:00
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
