"""handling records from report to close: each record's state and version, and every step asked for (the timeline);
the audit log also records the steps applied and refused

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 15:00:00
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
EARLIER_ACTIONS = ("cross_site_refused", "unmask_refused", "bulletin_edited")  # added by 0009 and 0011
NEW_ACTIONS = ("record_step", "record_step_refused")


def revision_0006() -> ModuleType:
    """The migration whose `audit_actions` rewrites the audit log's CHECK on its actions."""
    spec = importlib.util.spec_from_file_location("revision_0006", Path(__file__).with_name("0006_warning_sla.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    op.create_table(
        "record_handling",
        sa.Column("id", BigId, nullable=False),
        sa.Column("record", sa.String(length=8), nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("township_code", sa.String(length=9), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("deadline", sa.DateTime(), nullable=True),
        sa.Column("urged", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("version >= 0", name=op.f("ck_record_handling_version_not_negative")),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_record_handling_department_id_department")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_handling")),
    )
    op.create_index("ix_record_handling_record", "record_handling", ["record", "record_id"], unique=True)
    op.create_index("ix_record_handling_township_state", "record_handling", ["township_code", "state"])
    op.create_index("ix_record_handling_county_state", "record_handling", ["county_code", "state"])
    op.create_table(
        "record_step",
        sa.Column("id", BigId, nullable=False),
        sa.Column("action_id", sa.String(length=64), nullable=False),
        sa.Column("record", sa.String(length=8), nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("actor_role", sa.String(length=16), nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=False),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("stored_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_record_step_department_id_department")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_step")),
        sa.UniqueConstraint("action_id", name=op.f("uq_record_step_action_id")),
    )
    op.create_index("ix_record_step_record", "record_step", ["record", "record_id", "at"])
    op.create_index("ix_record_step_step_at", "record_step", ["step", "at"])
    earlier = revision_0006()
    earlier.audit_actions(earlier.AUDIT_ACTIONS + earlier.ALERT_ACTIONS + EARLIER_ACTIONS + NEW_ACTIONS)


def downgrade() -> None:
    earlier = revision_0006()
    earlier.audit_actions(earlier.AUDIT_ACTIONS + earlier.ALERT_ACTIONS + EARLIER_ACTIONS)
    op.drop_table("record_step")
    op.drop_table("record_handling")
