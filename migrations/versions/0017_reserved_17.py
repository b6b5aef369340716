"""Reserved: changes to case audits and scales made while they are built (empty until then)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 11:00:00
"""

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
