"""leaner big tables: counts by area come from the daily rollups; partial unique patrol event ids; no foreign keys
on the township and county codes records copy from their grid

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DROPPED = {
    "incident": {"ix_incident_township_code": ["township_code"]},
    "incident_daily": {"ix_incident_daily_township_day": ["township_code", "day"]},
    "hazard_daily": {"ix_hazard_daily_township_day": ["township_code", "day"]},
    "hazard": {
        "ix_hazard_county_category_found": ["county_code", "category", "found_at"],
        "ix_hazard_township_code": ["township_code"],
    },
    "patrol_log": {
        "ix_patrol_log_county_started": ["county_code", "started_at"],
        "ix_patrol_log_grid_id": ["grid_id"],
        "ix_patrol_log_started_at": ["started_at"],
        "ix_patrol_log_township_code": ["township_code"],
    },
}


PRESENT = sa.text("event_id IS NOT NULL")
# The township and county codes of a record are copied from its grid, whose foreign key vouches for them.
COPIED_CODES = {"township_code": "township", "county_code": "county"}
RECORDS = ("incident", "hazard", "patrol_log")


def upgrade() -> None:
    for table, indexes in DROPPED.items():
        for name in indexes:
            op.drop_index(name, table_name=table)
    for table in RECORDS:
        with op.batch_alter_table(table) as batch_op:
            for column, parent in COPIED_CODES.items():
                batch_op.drop_constraint(f"fk_{table}_{column}_{parent}", type_="foreignkey")
            if table == "patrol_log":  # a partial unique index (only live patrols have an id) instead
                batch_op.drop_constraint("uq_patrol_log_event_id", type_="unique")
    op.create_index(
        "ix_patrol_log_event_id",
        "patrol_log",
        ["event_id"],
        unique=True,
        sqlite_where=PRESENT,
        postgresql_where=PRESENT,
    )


def downgrade() -> None:
    op.drop_index("ix_patrol_log_event_id", table_name="patrol_log")
    for table in RECORDS:
        with op.batch_alter_table(table) as batch_op:
            for column, parent in COPIED_CODES.items():
                batch_op.create_foreign_key(f"fk_{table}_{column}_{parent}", parent, [column], ["code"])
            if table == "patrol_log":
                batch_op.create_unique_constraint("uq_patrol_log_event_id", ["event_id"])
    for table, indexes in DROPPED.items():
        for name, columns in indexes.items():
            op.create_index(name, table, columns, unique=False)
