"""server-side login sessions; the audit log also records refused cross-site requests and refused unmasks, and
refuses TRUNCATE on PostgreSQL

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 08:00:00
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
NEW_ACTIONS = ("cross_site_refused", "unmask_refused")


def revision_0006() -> ModuleType:
    """The migration that last changed the audit log's actions: its `audit_actions` rewrites the CHECK."""
    spec = importlib.util.spec_from_file_location("revision_0006", Path(__file__).with_name("0006_warning_sla.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    op.create_table(
        "login_session",
        sa.Column("id", BigId, nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_login_session_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_session")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_login_session_key_hash")),
    )
    op.create_index(op.f("ix_login_session_user_id"), "login_session", ["user_id"], unique=False)
    earlier = revision_0006()
    earlier.audit_actions(earlier.AUDIT_ACTIONS + earlier.ALERT_ACTIONS + NEW_ACTIONS)
    if op.get_bind().dialect.name == "postgresql":  # SQLite has no TRUNCATE: its DELETE trigger covers it
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
    earlier = revision_0006()
    earlier.audit_actions(earlier.AUDIT_ACTIONS + earlier.ALERT_ACTIONS)
    op.drop_index(op.f("ix_login_session_user_id"), table_name="login_session")
    op.drop_table("login_session")
