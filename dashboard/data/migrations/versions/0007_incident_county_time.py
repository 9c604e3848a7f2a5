"""incidents by county and report time, and by grid and report time: the record tables of a county or township read
their newest page in milliseconds (the (county, kind, time) index serves one kind only, so a table of every kind
sorted the county's year); a grid's table and density no longer tempt PostgreSQL into scanning the city's report
times backwards (the grid index alone is replaced by the pair)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 07:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_incident_county_reported", "incident", ["county_code", "reported_at"])
    op.create_index("ix_incident_grid_reported", "incident", ["grid_id", "reported_at"])
    op.drop_index("ix_incident_grid_id", table_name="incident")


def downgrade() -> None:
    op.create_index("ix_incident_grid_id", "incident", ["grid_id"])
    op.drop_index("ix_incident_grid_reported", table_name="incident")
    op.drop_index("ix_incident_county_reported", table_name="incident")
