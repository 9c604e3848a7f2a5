"""city, registries, incidents, hazards, patrol logs

Revision ID: 0001
Revises:
Create Date: 2026-11-25 22:09:56.594449
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "county",
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("name_en", sa.String(length=64), nullable=False),
        sa.Column("seat_lat", sa.Float(), nullable=False),
        sa.Column("seat_lon", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_county")),
    )
    op.create_table(
        "department",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("name_en", sa.String(length=64), nullable=False),
        sa.Column(
            "platform",
            sa.Enum(
                "governance",
                "market",
                "law_enforcement",
                "service",
                name="platform",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department")),
        sa.UniqueConstraint("code", name=op.f("uq_department_code")),
    )
    op.create_table(
        "township",
        sa.Column("code", sa.String(length=9), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("name_en", sa.String(length=64), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "street",
                "town",
                "township",
                name="township_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["county_code"],
            ["county.code"],
            name=op.f("fk_township_county_code_county"),
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_township")),
    )
    with op.batch_alter_table("township", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_township_county_code"), ["county_code"], unique=False)

    op.create_table(
        "grid",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("township_code", sa.String(length=9), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("urban", sa.Boolean(), nullable=False),
        sa.Column("geometry", sa.Text(), nullable=False),
        sa.Column("centroid_lat", sa.Float(), nullable=False),
        sa.Column("centroid_lon", sa.Float(), nullable=False),
        sa.Column("area_km2", sa.Float(), nullable=False),
        sa.Column("residents", sa.Integer(), nullable=False),
        sa.Column("migrants", sa.Integer(), nullable=False),
        sa.Column("key_persons", sa.Integer(), nullable=False),
        sa.Column("special_persons", sa.Integer(), nullable=False),
        sa.Column("rental_houses", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "residents >= 0 AND migrants >= 0 AND key_persons >= 0 AND special_persons >= 0 AND rental_houses >= 0",
            name=op.f("ck_grid_counts_not_negative"),
        ),
        sa.ForeignKeyConstraint(["county_code"], ["county.code"], name=op.f("fk_grid_county_code_county")),
        sa.ForeignKeyConstraint(
            ["township_code"],
            ["township.code"],
            name=op.f("fk_grid_township_code_township"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grid")),
        sa.UniqueConstraint("code", name=op.f("uq_grid_code")),
    )
    with op.batch_alter_table("grid", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grid_county_code"), ["county_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_grid_township_code"), ["township_code"], unique=False)

    op.create_table(
        "grid_worker",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=24), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("hire_date", sa.Date(), nullable=False),
        sa.Column(
            "education",
            sa.Enum(
                "college_or_above",
                "high_school",
                "middle_school_or_below",
                name="education",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("party_member", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["grid_id"], ["grid.id"], name=op.f("fk_grid_worker_grid_id_grid")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grid_worker")),
        sa.UniqueConstraint("code", name=op.f("uq_grid_worker_code")),
    )
    with op.batch_alter_table("grid_worker", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grid_worker_grid_id"), ["grid_id"], unique=False)

    op.create_table(
        "hazard",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
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
        sa.Column("subtype", sa.String(length=32), nullable=False),
        sa.Column(
            "severity",
            sa.Enum(
                "general",
                "major",
                name="hazard_severity",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("township_code", sa.String(length=9), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "rectifying",
                "rectified",
                "closed",
                name="hazard_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("found_at", sa.DateTime(), nullable=False),
        sa.Column("deadline", sa.DateTime(), nullable=False),
        sa.Column("rectifying_at", sa.DateTime(), nullable=True),
        sa.Column("rectified_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.CheckConstraint("deadline >= found_at", name=op.f("ck_hazard_deadline_after_found")),
        sa.CheckConstraint(
            "lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180",
            name=op.f("ck_hazard_coordinates_in_range"),
        ),
        sa.CheckConstraint(
            "rectified_at IS NULL OR rectified_at >= found_at",
            name=op.f("ck_hazard_rectified_after_found"),
        ),
        sa.ForeignKeyConstraint(["county_code"], ["county.code"], name=op.f("fk_hazard_county_code_county")),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_hazard_department_id_department"),
        ),
        sa.ForeignKeyConstraint(["grid_id"], ["grid.id"], name=op.f("fk_hazard_grid_id_grid")),
        sa.ForeignKeyConstraint(
            ["township_code"],
            ["township.code"],
            name=op.f("fk_hazard_township_code_township"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hazard")),
        sa.UniqueConstraint("event_id", name=op.f("uq_hazard_event_id")),
    )
    with op.batch_alter_table("hazard", schema=None) as batch_op:
        batch_op.create_index(
            "ix_hazard_county_category_found",
            ["county_code", "category", "found_at"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_hazard_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hazard_found_at"), ["found_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_hazard_grid_id"), ["grid_id"], unique=False)
        batch_op.create_index("ix_hazard_status_deadline", ["status", "deadline"], unique=False)
        batch_op.create_index(batch_op.f("ix_hazard_township_code"), ["township_code"], unique=False)

    op.create_table(
        "person_of_concern",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "key",
                "special",
                name="person_category",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["grid_id"], ["grid.id"], name=op.f("fk_person_of_concern_grid_id_grid")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_of_concern")),
        sa.UniqueConstraint("id_number", name=op.f("uq_person_of_concern_id_number")),
    )
    with op.batch_alter_table("person_of_concern", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_of_concern_grid_id"), ["grid_id"], unique=False)

    op.create_table(
        "rental_house",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=128), nullable=False),
        sa.Column("landlord_name", sa.String(length=32), nullable=False),
        sa.Column("landlord_phone", sa.String(length=20), nullable=False),
        sa.Column("registered_tenants", sa.Integer(), nullable=False),
        sa.CheckConstraint("registered_tenants >= 0", name=op.f("ck_rental_house_tenants_not_negative")),
        sa.ForeignKeyConstraint(["grid_id"], ["grid.id"], name=op.f("fk_rental_house_grid_id_grid")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rental_house")),
    )
    with op.batch_alter_table("rental_house", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rental_house_grid_id"), ["grid_id"], unique=False)

    op.create_table(
        "follow_up_visit",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=True),
        sa.Column("visited_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person_of_concern.id"],
            name=op.f("fk_follow_up_visit_person_id_person_of_concern"),
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["grid_worker.id"],
            name=op.f("fk_follow_up_visit_worker_id_grid_worker"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_visit")),
    )
    with op.batch_alter_table("follow_up_visit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_up_visit_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_up_visit_visited_at"), ["visited_at"], unique=False)

    op.create_table(
        "incident",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
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
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("township_code", sa.String(length=9), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
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
        sa.Column("rental_house_id", sa.Integer(), nullable=True),
        sa.Column(
            "source",
            sa.Enum(
                "patrol",
                "hotline",
                "citizen",
                "video",
                name="report_source",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "reported",
                "dispatched",
                "handling",
                "solved",
                "resolved",
                "closed",
                name="incident_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("reported_at", sa.DateTime(), nullable=False),
        sa.Column("filed_at", sa.DateTime(), nullable=True),
        sa.Column("dispatched_at", sa.DateTime(), nullable=True),
        sa.Column("handling_at", sa.DateTime(), nullable=True),
        sa.Column("solved_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "filed_at IS NULL OR kind = 'criminal'",
            name=op.f("ck_incident_only_criminal_cases_are_filed"),
        ),
        sa.CheckConstraint(
            "closed_at IS NULL OR closed_at >= reported_at",
            name=op.f("ck_incident_closed_after_reported"),
        ),
        sa.CheckConstraint(
            "lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180",
            name=op.f("ck_incident_coordinates_in_range"),
        ),
        sa.CheckConstraint(
            "solved_at IS NULL OR solved_at >= reported_at",
            name=op.f("ck_incident_solved_after_reported"),
        ),
        sa.ForeignKeyConstraint(
            ["county_code"],
            ["county.code"],
            name=op.f("fk_incident_county_code_county"),
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_incident_department_id_department"),
        ),
        sa.ForeignKeyConstraint(["grid_id"], ["grid.id"], name=op.f("fk_incident_grid_id_grid")),
        sa.ForeignKeyConstraint(
            ["rental_house_id"],
            ["rental_house.id"],
            name=op.f("fk_incident_rental_house_id_rental_house"),
        ),
        sa.ForeignKeyConstraint(
            ["township_code"],
            ["township.code"],
            name=op.f("fk_incident_township_code_township"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident")),
        sa.UniqueConstraint("event_id", name=op.f("uq_incident_event_id")),
    )
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.create_index(
            "ix_incident_county_kind_reported",
            ["county_code", "kind", "reported_at"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_incident_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_grid_id"), ["grid_id"], unique=False)
        batch_op.create_index("ix_incident_kind_filed", ["kind", "filed_at"], unique=False)
        batch_op.create_index("ix_incident_place_reported", ["place_type", "reported_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_rental_house_id"), ["rental_house_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_reported_at"), ["reported_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_township_code"), ["township_code"], unique=False)

    op.create_table(
        "patrol_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=True),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("township_code", sa.String(length=9), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("distance_m", sa.Float(), nullable=False),
        sa.Column("findings", sa.Integer(), nullable=False),
        sa.CheckConstraint("distance_m >= 0 AND findings >= 0", name=op.f("ck_patrol_log_not_negative")),
        sa.CheckConstraint(
            "ended_at IS NULL OR ended_at >= started_at",
            name=op.f("ck_patrol_log_ends_after_start"),
        ),
        sa.ForeignKeyConstraint(
            ["county_code"],
            ["county.code"],
            name=op.f("fk_patrol_log_county_code_county"),
        ),
        sa.ForeignKeyConstraint(["grid_id"], ["grid.id"], name=op.f("fk_patrol_log_grid_id_grid")),
        sa.ForeignKeyConstraint(
            ["township_code"],
            ["township.code"],
            name=op.f("fk_patrol_log_township_code_township"),
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["grid_worker.id"],
            name=op.f("fk_patrol_log_worker_id_grid_worker"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_log")),
        sa.UniqueConstraint("event_id", name=op.f("uq_patrol_log_event_id")),
    )
    with op.batch_alter_table("patrol_log", schema=None) as batch_op:
        batch_op.create_index("ix_patrol_log_county_started", ["county_code", "started_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_patrol_log_grid_id"), ["grid_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_patrol_log_started_at"), ["started_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_patrol_log_township_code"), ["township_code"], unique=False)
        batch_op.create_index("ix_patrol_log_worker_started", ["worker_id", "started_at"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("patrol_log", schema=None) as batch_op:
        batch_op.drop_index("ix_patrol_log_worker_started")
        batch_op.drop_index(batch_op.f("ix_patrol_log_township_code"))
        batch_op.drop_index(batch_op.f("ix_patrol_log_started_at"))
        batch_op.drop_index(batch_op.f("ix_patrol_log_grid_id"))
        batch_op.drop_index("ix_patrol_log_county_started")

    op.drop_table("patrol_log")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_township_code"))
        batch_op.drop_index(batch_op.f("ix_incident_status"))
        batch_op.drop_index(batch_op.f("ix_incident_reported_at"))
        batch_op.drop_index(batch_op.f("ix_incident_rental_house_id"))
        batch_op.drop_index("ix_incident_place_reported")
        batch_op.drop_index("ix_incident_kind_filed")
        batch_op.drop_index(batch_op.f("ix_incident_grid_id"))
        batch_op.drop_index(batch_op.f("ix_incident_department_id"))
        batch_op.drop_index("ix_incident_county_kind_reported")

    op.drop_table("incident")
    with op.batch_alter_table("follow_up_visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_up_visit_visited_at"))
        batch_op.drop_index(batch_op.f("ix_follow_up_visit_person_id"))

    op.drop_table("follow_up_visit")
    with op.batch_alter_table("rental_house", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rental_house_grid_id"))

    op.drop_table("rental_house")
    with op.batch_alter_table("person_of_concern", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_of_concern_grid_id"))

    op.drop_table("person_of_concern")
    with op.batch_alter_table("hazard", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hazard_township_code"))
        batch_op.drop_index("ix_hazard_status_deadline")
        batch_op.drop_index(batch_op.f("ix_hazard_grid_id"))
        batch_op.drop_index(batch_op.f("ix_hazard_found_at"))
        batch_op.drop_index(batch_op.f("ix_hazard_department_id"))
        batch_op.drop_index("ix_hazard_county_category_found")

    op.drop_table("hazard")
    with op.batch_alter_table("grid_worker", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grid_worker_grid_id"))

    op.drop_table("grid_worker")
    with op.batch_alter_table("grid", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grid_township_code"))
        batch_op.drop_index(batch_op.f("ix_grid_county_code"))

    op.drop_table("grid")
    with op.batch_alter_table("township", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_township_county_code"))

    op.drop_table("township")
    op.drop_table("department")
    op.drop_table("county")
