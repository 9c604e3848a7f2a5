"""The audit log cannot be cut short unnoticed. The application's database role cannot TRUNCATE it (nor
UPDATE or DELETE it) on a migrated database; and when its newest entries are removed anyway (by someone with more
rights than the application), the head kept outside the table (in Redis and the log) shows the cut on /audit."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from dashboard.data import audit
from dashboard.data.db import build_engine, session_scope, upgrade_to_head
from dashboard.data.vocab import Role
from tests.conftest import ON_POSTGRES, POSTGRES_URL, schema_url
from tests.support.accounts import PASSWORD, account, signed_in_client


def audit_page_status(client) -> str:  # type: ignore[no-untyped-def]
    body = {
        "output": "..audit-chain.children...audit-table.children..",
        "outputs": [{"id": "audit-chain", "property": "children"}, {"id": "audit-table", "property": "children"}],
        "inputs": [
            {"id": "audit-actor", "property": "value", "value": ""},
            {"id": "audit-actions", "property": "value", "value": []},
        ],
        "changedPropIds": ["audit-actor.value"],
        "state": [],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.text
    return str(response.json["response"]["audit-chain"]["children"])


def test_a_cut_tail_of_the_audit_log_is_found_by_its_anchored_head(dash_app, city, caplog):
    caplog.set_level(logging.INFO, logger="dashboard.audit")
    admin = signed_in_client(dash_app, "admin", Role.ADMIN)
    account("luqiao", Role.COUNTY_LEADER, "331004")
    for _ in range(3):
        dash_app.server.test_client().post("/login", data={"username": "luqiao", "password": PASSWORD})
    assert "哈希链完整" in audit_page_status(admin)
    head = audit.anchored_head()
    assert head is not None and f"audit head {head.id} {head.hash}" in caplog.text
    with session_scope() as session:  # the newest two entries removed, as a superuser or a restored backup would
        session.execute(text("DELETE FROM audit_log WHERE id > :keep"), {"keep": head.id - 2})
    status = audit_page_status(admin)
    assert "截断" in status and str(head.id - 2) in status


@pytest.fixture
def migrated_database(tmp_path: Path) -> Iterator[str]:
    """A database migrated to head: a new SQLite file, or a new PostgreSQL schema."""
    if not ON_POSTGRES:
        url = f"sqlite:///{tmp_path / 'migrated.db'}"
        upgrade_to_head(url)
        yield url
        return
    schema = f"migrate_{uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    upgrade_to_head(schema_url(POSTGRES_URL, schema))
    yield schema_url(POSTGRES_URL, schema)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def test_the_applications_role_cannot_empty_the_audit_log(migrated_database):
    engine = build_engine(migrated_database)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO audit_log (at, actor, action, detail, previous_hash, hash) "
                 "VALUES ('2026-11-26 00:00:00', 'x', 'cross_site_refused', '{}', :a, :b)"),
            {"a": "0" * 64, "b": "1" * 64},
        )  # fmt: skip
    emptying = ["TRUNCATE audit_log"] if ON_POSTGRES else []
    for statement in [*emptying, "DELETE FROM audit_log"]:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM audit_log")).scalar_one() == 1
    engine.dispose()
