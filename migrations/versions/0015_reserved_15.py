"""Reserved: changes to evidence files made while they are built (empty until then)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 11:00:00
"""

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
