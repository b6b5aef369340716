"""Case reviews to the national panel's guidance

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 23:00:00
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
