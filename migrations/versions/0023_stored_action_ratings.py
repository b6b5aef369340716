"""Each action's rating kept in a column

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 23:00:00
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
