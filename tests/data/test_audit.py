"""The audit log is append-only and hash-chained: an edited, removed or inserted row is found."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from dashboard.data import audit
from dashboard.data.db import build_engine, session_scope, upgrade_to_head
from dashboard.data.models import AuditEntry
from dashboard.data.vocab import AuditAction


def fill(count: int = 5) -> None:
    with session_scope() as session:
        for number in range(count):
            audit.record(session, f"user{number}", AuditAction.EXPORT, {"file": f"report-{number}.xlsx"})


def check() -> audit.ChainCheck:
    with session_scope() as session:
        return audit.verify_chain(session)


def test_an_untouched_chain_holds():
    fill()
    assert check() == audit.ChainCheck(5, None)


def test_an_edited_row_is_found():
    fill()
    with session_scope() as session:
        session.execute(text('UPDATE audit_log SET detail = \'{"file": "innocent.xlsx"}\' WHERE id = 3'))
    assert check().broken_at == 3


def test_a_removed_row_is_found():
    fill()
    with session_scope() as session:
        session.execute(text("DELETE FROM audit_log WHERE id = 2"))
    assert check().broken_at == 3


def test_a_row_rewritten_with_a_fresh_hash_still_breaks_the_next_link():
    fill()
    with session_scope() as session:
        row = session.get(AuditEntry, 2)
        forged = audit.entry_hash(row.previous_hash, row.at, "user1", "export", "{}")
        session.expunge(row)
        session.execute(text("UPDATE audit_log SET detail = '{}', hash = :h WHERE id = 2"), {"h": forged})
    assert check().broken_at == 3


def test_a_migrated_database_refuses_updates_and_deletes(empty_database: str):
    upgrade_to_head(empty_database)
    engine = build_engine(empty_database)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO audit_log (at, actor, action, detail, previous_hash, hash) "
                 "VALUES ('2026-11-26 00:00:00', 'x', 'export', '{}', :a, :b)"),
            {"a": "0" * 64, "b": "1" * 64},
        )  # fmt: skip
    for statement in ("UPDATE audit_log SET actor = 'y'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    engine.dispose()
