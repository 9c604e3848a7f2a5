"""early warning, SLA and patrol compliance: incident deadlines, alerts, patrols per worker and day

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 07:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
AUDIT_ACTIONS = (
    "login",
    "login_failed",
    "locked_out",
    "logout",
    "export",
    "unmask",
    "user_created",
    "user_changed",
    "token_issued",
    "token_revoked",
)
ALERT_ACTIONS = ("alert_acknowledged", "alert_escalated")


def audit_actions(actions: Sequence[str]) -> None:
    """Replace the audit log's CHECK on `action`. SQLite cannot alter a CHECK: the table is copied (rows as they
    are, so the hash chain holds) and its append-only triggers are made again."""
    allowed = ", ".join(f"'{action}'" for action in actions)
    check = f"action IN ({allowed})"
    length = max(len(action) for action in actions)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_log DROP CONSTRAINT ck_audit_log_audit_action")
        op.execute(f"ALTER TABLE audit_log ALTER COLUMN action TYPE VARCHAR({max(length, 13)})")
        op.execute(f"ALTER TABLE audit_log ADD CONSTRAINT ck_audit_log_audit_action CHECK ({check})")
        return
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    op.execute(
        "CREATE TABLE audit_log_new ("
        "id INTEGER NOT NULL, at DATETIME NOT NULL, actor VARCHAR(64) NOT NULL, "
        f"action VARCHAR({length}) NOT NULL, detail TEXT NOT NULL, previous_hash VARCHAR(64) NOT NULL, "
        "hash VARCHAR(64) NOT NULL, CONSTRAINT pk_audit_log PRIMARY KEY (id), "
        "CONSTRAINT uq_audit_log_hash UNIQUE (hash), CONSTRAINT uq_audit_log_previous_hash UNIQUE (previous_hash), "
        f"CONSTRAINT ck_audit_log_audit_action CHECK ({check}))"
    )
    op.execute("INSERT INTO audit_log_new SELECT id, at, actor, action, detail, previous_hash, hash FROM audit_log")
    op.execute("DROP TABLE audit_log")
    op.execute("ALTER TABLE audit_log_new RENAME TO audit_log")
    op.execute("CREATE INDEX ix_audit_log_action_at ON audit_log (action, at)")
    op.execute("CREATE INDEX ix_audit_log_actor ON audit_log (actor)")
    op.execute("CREATE INDEX ix_audit_log_at ON audit_log (at)")
    for change in ("update", "delete"):
        op.execute(
            f"CREATE TRIGGER audit_log_no_{change} BEFORE {change.upper()} ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        )


def upgrade() -> None:
    audit_actions(AUDIT_ACTIONS + ALERT_ACTIONS)
    op.add_column("incident", sa.Column("deadline", sa.DateTime(), nullable=True))
    op.create_table(
        "alert",
        sa.Column("id", BigId, nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("township_code", sa.String(length=9), nullable=True),
        sa.Column("grid_code", sa.String(length=20), nullable=True),
        sa.Column("subject", sa.String(length=64), nullable=True),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("escalation", sa.String(length=16), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=64), nullable=True),
        sa.Column("escalated_at", sa.DateTime(), nullable=True),
        sa.Column("escalated_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert")),
        sa.UniqueConstraint("key", name=op.f("uq_alert_key")),
    )
    op.create_index("ix_alert_county_raised", "alert", ["county_code", "raised_at"], unique=False)
    op.create_index(op.f("ix_alert_raised_at"), "alert", ["raised_at"], unique=False)
    op.create_table(
        "patrol_worker_day",
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("township_code", sa.String(length=9), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("patrols", sa.Integer(), nullable=False),
        sa.Column("long_patrols", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("worker_id", "day", name=op.f("pk_patrol_worker_day")),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_patrol_worker_day_day_county",
        "patrol_worker_day",
        ["day", "county_code", "township_code", "long_patrols"],
        unique=False,
    )
    op.create_table(
        "patrol_worker_month",
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("township_code", sa.String(length=9), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("compliant_days", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("worker_id", "month", name=op.f("pk_patrol_worker_month")),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_patrol_worker_month_month_county",
        "patrol_worker_month",
        ["month", "county_code", "township_code", "compliant_days"],
        unique=False,
    )
    backfill()


def backfill() -> None:
    """Rows stored before this revision: incident deadlines by the routing matrix, the patrol rollup from the log."""
    from dashboard.data.patrol_compliance import rebuild_worker_days
    from dashboard.data.routing import get_routing

    bind = op.get_bind()
    for (kind, subtype), route in get_routing().incidents.items():
        hours = int(route.deadline.total_seconds() // 3600)
        later = (
            f"reported_at + INTERVAL '{hours} hours'"
            if bind.dialect.name == "postgresql"
            else f"datetime(reported_at, '+{hours} hours')"
        )
        bind.execute(
            sa.text(
                f"UPDATE incident SET deadline = {later} WHERE kind = :kind AND subtype = :subtype AND deadline IS NULL"
            ),
            {"kind": kind, "subtype": subtype},
        )
    rebuild_worker_days(bind)


def downgrade() -> None:
    audit_actions(AUDIT_ACTIONS)
    op.drop_index("ix_patrol_worker_month_month_county", table_name="patrol_worker_month")
    op.drop_table("patrol_worker_month")
    op.drop_index("ix_patrol_worker_day_day_county", table_name="patrol_worker_day")
    op.drop_table("patrol_worker_day")
    op.drop_index(op.f("ix_alert_raised_at"), table_name="alert")
    op.drop_index("ix_alert_county_raised", table_name="alert")
    op.drop_table("alert")
    with op.batch_alter_table("incident") as batch:
        batch.drop_column("deadline")
