"""Fixtures of the hardening tests: the real app over HTTP (Flask's test client), a logged-in account, and a record
with personal numbers to unmask."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from dashboard.data.db import session_scope
from dashboard.data.models import AuditEntry, PersonOfConcern
from dashboard.data.vocab import AuditAction
from tests.support.factories import add_city

ID_NUMBER, PHONE = "33100419850612301X", "13812345678"
SITE = "http://localhost"  # the host the test client sends


@pytest.fixture
def city() -> None:
    """The tiny city of tests/support/factories.py: grids in 331004 (Luqiao) and 331081 (Wenling)."""
    with session_scope() as session:
        add_city(session)


@pytest.fixture
def person(city: None) -> int:
    """One key person of grid 1 (in 331004001), with an ID and a phone number."""
    with session_scope() as session:
        person = PersonOfConcern(grid_id=1, name="赵某", id_number=ID_NUMBER, phone=PHONE, category="key",
                                 reason="repeat_petitioner")  # fmt: skip
        session.add(person)
        session.flush()
        return person.id


def unmask_request(person: int, key: str = "grid-key-persons") -> dict[str, Any]:
    """The body dash-renderer posts when the unmask button of a record table is clicked."""
    part = {"table": key, "type": "record-{}"}

    def of(name: str) -> dict[str, str]:
        return {"table": part["table"], "type": part["type"].format(name)}

    wildcard = json.dumps({"table": ["MATCH"], "type": "record-full"}, separators=(",", ":"))
    return {
        "output": f"{wildcard}.children",
        "outputs": {"id": of("full"), "property": "children"},
        "inputs": [{"id": of("unmask"), "property": "n_clicks", "value": 1}],
        "state": [{"id": of("selected"), "property": "data", "value": {"kind": "key_persons", "id": person}}],
        "changedPropIds": [f"{json.dumps(of('unmask'), separators=(',', ':'))}.n_clicks"],
    }


def audited(action: AuditAction) -> list[dict[str, Any]]:
    with session_scope() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
        return [{"actor": entry.actor, **json.loads(entry.detail)} for entry in entries]
