"""alerts are episodes: one alert per rule, place and episode, updated as it grows (place, level, count, peak ratio,
last seen, updated), acknowledged at a count and re-opened past it; open incidents and hazards indexed by deadline
for the early-warning sweep (partial indexes: the closed years are never walked)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("alert") as batch:
        batch.add_column(sa.Column("place", sa.String(length=160), nullable=True))
        batch.add_column(sa.Column("level", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("count", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("peak_ratio", sa.Float(), nullable=True))
        batch.add_column(sa.Column("updated_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("last_seen_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("acknowledged_count", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("reopened_at", sa.DateTime(), nullable=True))
    # Alerts raised before: each its own episode (its key is its place), yellow, of one report, last seen when raised.
    op.execute(
        "UPDATE alert SET place = key, level = 'yellow', count = 1, updated_at = raised_at, last_seen_at = raised_at"
    )
    with op.batch_alter_table("alert") as batch:
        for column in ("place", "level", "count", "updated_at", "last_seen_at"):
            batch.alter_column(column, nullable=False)
        batch.drop_index("ix_alert_county_raised")
        batch.create_index("ix_alert_county_updated", ["county_code", "updated_at"])
        batch.create_index("ix_alert_rule_place_seen", ["rule", "place", "last_seen_at"])
    op.create_index(
        "ix_incident_open_deadline",
        "incident",
        ["deadline"],
        sqlite_where=sa.text("closed_at IS NULL"),
        postgresql_where=sa.text("closed_at IS NULL"),
    )
    op.create_index(
        "ix_hazard_open_deadline",
        "hazard",
        ["deadline"],
        sqlite_where=sa.text("rectified_at IS NULL"),
        postgresql_where=sa.text("rectified_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_hazard_open_deadline", table_name="hazard")
    op.drop_index("ix_incident_open_deadline", table_name="incident")
    with op.batch_alter_table("alert") as batch:
        batch.drop_index("ix_alert_rule_place_seen")
        batch.drop_index("ix_alert_county_updated")
        batch.create_index("ix_alert_county_raised", ["county_code", "raised_at"])
        for column in ("reopened_at", "acknowledged_count", "last_seen_at", "updated_at", "peak_ratio", "count"):
            batch.drop_column(column)
        batch.drop_column("level")
        batch.drop_column("place")
