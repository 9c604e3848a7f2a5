"""pipeline: device tokens, pending updates, patrol positions, daily rollups

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 22:26:35.390321
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "device_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("worker_code", sa.String(length=24), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_device_token_token_hash")),
    )
    with op.batch_alter_table("device_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_device_token_device_id"), ["device_id"], unique=False)

    op.create_table(
        "patrol_position",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("patrol_event_id", sa.String(length=64), nullable=False),
        sa.Column("worker_code", sa.String(length=24), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180", name=op.f("ck_patrol_position_coordinates_in_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_position")),
        sa.UniqueConstraint("event_id", name=op.f("uq_patrol_position_event_id")),
    )
    with op.batch_alter_table("patrol_position", schema=None) as batch_op:
        batch_op.create_index("ix_patrol_position_patrol_recorded", ["patrol_event_id", "recorded_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_patrol_position_recorded_at"), ["recorded_at"], unique=False)

    op.create_table(
        "pending_update",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_update")),
        sa.UniqueConstraint("event_id", name=op.f("uq_pending_update_event_id")),
    )
    with op.batch_alter_table("pending_update", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pending_update_ref"), ["ref"], unique=False)

    op.create_table(
        "hazard_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "fire",
                "production_safety",
                "public_order",
                "environment",
                "food_safety",
                name="hazard_category",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "severity",
            sa.Enum("general", "major", name="hazard_severity", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("township_code", sa.String(length=9), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("found", sa.Integer(), nullable=False),
        sa.Column("rectified", sa.Integer(), nullable=False),
        sa.Column("rectified_on_time", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["grid_id"], ["grid.id"], name=op.f("fk_hazard_daily_grid_id_grid")),
        sa.PrimaryKeyConstraint("day", "grid_id", "category", "severity", name=op.f("pk_hazard_daily")),
    )
    with op.batch_alter_table("hazard_daily", schema=None) as batch_op:
        batch_op.create_index("ix_hazard_daily_county_day", ["county_code", "day"], unique=False)
        batch_op.create_index("ix_hazard_daily_grid_day", ["grid_id", "day"], unique=False)
        batch_op.create_index("ix_hazard_daily_township_day", ["township_code", "day"], unique=False)

    op.create_table(
        "incident_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "dispute",
                "stability",
                "safety_accident",
                "criminal",
                name="incident_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("subtype", sa.String(length=32), nullable=False),
        sa.Column(
            "place_type",
            sa.Enum(
                "rental_housing",
                "residence",
                "enterprise",
                "public_place",
                "road",
                "school",
                "shop",
                "fishing_port",
                "online",
                "other",
                name="place_type",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("township_code", sa.String(length=9), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("reported", sa.Integer(), nullable=False),
        sa.Column("filed", sa.Integer(), nullable=False),
        sa.Column("solved", sa.Integer(), nullable=False),
        sa.Column("resolved", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["grid_id"], ["grid.id"], name=op.f("fk_incident_daily_grid_id_grid")),
        sa.PrimaryKeyConstraint("day", "grid_id", "kind", "subtype", "place_type", name=op.f("pk_incident_daily")),
    )
    with op.batch_alter_table("incident_daily", schema=None) as batch_op:
        batch_op.create_index("ix_incident_daily_county_day", ["county_code", "day"], unique=False)
        batch_op.create_index("ix_incident_daily_grid_day", ["grid_id", "day"], unique=False)
        batch_op.create_index("ix_incident_daily_township_day", ["township_code", "day"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("incident_daily", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_daily_township_day")
        batch_op.drop_index("ix_incident_daily_grid_day")
        batch_op.drop_index("ix_incident_daily_county_day")

    op.drop_table("incident_daily")
    with op.batch_alter_table("hazard_daily", schema=None) as batch_op:
        batch_op.drop_index("ix_hazard_daily_township_day")
        batch_op.drop_index("ix_hazard_daily_grid_day")
        batch_op.drop_index("ix_hazard_daily_county_day")

    op.drop_table("hazard_daily")
    with op.batch_alter_table("pending_update", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_update_ref"))

    op.drop_table("pending_update")
    with op.batch_alter_table("patrol_position", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patrol_position_recorded_at"))
        batch_op.drop_index("ix_patrol_position_patrol_recorded")

    op.drop_table("patrol_position")
    with op.batch_alter_table("device_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_device_token_device_id"))

    op.drop_table("device_token")
