"""incidents and hazards by their close: the queues read the open ones (closed_at NULL, a few thousand) and the
wall's handling tile what closed today, without walking a county's years

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 18:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_incident_closed", "incident", ["closed_at"])
    op.create_index("ix_hazard_closed", "hazard", ["closed_at"])


def downgrade() -> None:
    op.drop_index("ix_hazard_closed", table_name="hazard")
    op.drop_index("ix_incident_closed", table_name="incident")
