"""The smaller findings of the hardening review: a wall screen's account is made without a password prompt (and
never logs in by password), a device token needs a worker that exists, a refused unmask is audited, and /sla names
an area outside the account in the reader's language."""

from __future__ import annotations

import io
import sys

import pytest
from sqlalchemy import func, select

from dashboard.callbacks.sla import update_sla_page
from dashboard.cli import tokens, users
from dashboard.data.db import session_scope
from dashboard.data.models import DeviceToken
from dashboard.data.vocab import AuditAction, Role
from tests.callbacks.test_drill_pages import signed_in
from tests.security.conftest import ID_NUMBER, audited, unmask_request
from tests.support.accounts import signed_in_client
from tests.support.events import add_worker


def test_a_wall_screen_account_is_made_without_asking_for_a_password(city, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO())  # not a terminal: no prompt can be answered
    assert users.main(["create", "wall-luqiao", "--role", "wall_screen", "--area", "331004"]) == 0
    assert users.main(["create", "wall-2", "--role", "wall_screen", "--password", "a long password"]) == 2
    assert "token only" in capsys.readouterr().err
    assert users.main(["create", "person", "--role", "analyst"]) == 2  # a person's password: --password, not a prompt
    assert "give --password" in capsys.readouterr().err


def test_a_device_token_is_issued_only_for_a_worker_that_exists(city, capsys):
    with session_scope() as session:
        add_worker(session)
    assert tokens.main(["issue", "--device", "phone-9", "--worker", "NOSUCH"]) == 2
    assert "worker: no grid worker 'NOSUCH'" in capsys.readouterr().err
    with session_scope() as session:
        assert (
            session.scalar(select(func.count()).select_from(DeviceToken).where(DeviceToken.device_id == "phone-9")) == 0
        )
    assert tokens.main(["issue", "--device", "phone-9", "--worker", "W331004001001"]) == 0


def test_a_refused_unmask_is_audited(dash_app, person):
    staff = signed_in_client(dash_app, "xiaoli", Role.TOWNSHIP_STAFF, area="331004001")
    response = staff.post("/_dash-update-component", json=unmask_request(person))
    assert response.status_code == 200 and ID_NUMBER not in response.text
    [refused] = audited(AuditAction.UNMASK_REFUSED)
    assert refused["actor"] == "xiaoli" and refused["record"] == "key_persons" and audited(AuditAction.UNMASK) == []


@pytest.mark.parametrize(
    ("asked", "message"),
    [
        ("331081", "温岭市（331081）不在本账号的辖区内，本页显示本辖区路桥区的数据。"),
        ("nonsense", "区域：“nonsense”不是区县"),
    ],
)
def test_sla_names_a_refused_area_in_the_readers_language(dash_app, city, asked, message):
    with signed_in(dash_app, Role.COUNTY_LEADER, "331004"):
        shown = update_sla_page("2026-03", asked, "all")[2]
    assert shown.startswith(message) and "outside" not in shown and "area:" not in shown
