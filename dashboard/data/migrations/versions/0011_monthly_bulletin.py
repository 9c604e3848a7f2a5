"""the 月度通报 as issued: its running number and the 下步工作要求 its leader wrote; the audit log records the edits

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 15:00:00
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EARLIER_ACTIONS = ("cross_site_refused", "unmask_refused")  # what 0009 added
NEW_ACTIONS = ("bulletin_edited",)


def revision_0006() -> ModuleType:
    """The migration whose `audit_actions` rewrites the audit log's CHECK on `action`."""
    spec = importlib.util.spec_from_file_location("revision_0006", Path(__file__).with_name("0006_warning_sla.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    op.create_table(
        "monthly_bulletin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_code", sa.String(length=20), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(), nullable=True),
        sa.Column("requirements", sa.Text(), nullable=True),
        sa.Column("edited_at", sa.DateTime(), nullable=True),
        sa.Column("edited_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monthly_bulletin")),
        sa.UniqueConstraint("area_code", "month", name=op.f("uq_monthly_bulletin_area_code_month")),
        sa.UniqueConstraint("area_code", "year", "number", name=op.f("uq_monthly_bulletin_area_code_year_number")),
    )
    earlier = revision_0006()
    earlier.audit_actions(earlier.AUDIT_ACTIONS + earlier.ALERT_ACTIONS + EARLIER_ACTIONS + NEW_ACTIONS)


def downgrade() -> None:
    earlier = revision_0006()
    earlier.audit_actions(earlier.AUDIT_ACTIONS + earlier.ALERT_ACTIONS + EARLIER_ACTIONS)
    op.drop_table("monthly_bulletin")
