"""The record tables' callbacks over HTTP, as a browser (or someone forging its requests) calls them: the JSON a
role receives never holds a full ID or phone number unless that role may unmask, and then only through the audited
action; an area asked for outside the account's area is cut down to it."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import text

from dashboard.data.db import session_scope
from dashboard.data.filters import DrillFilter
from dashboard.data.models import PersonOfConcern, RentalHouse
from dashboard.data.periods import CITY, Area, Period
from dashboard.data.vocab import Role
from dashboard.views.records import drill_to_data
from tests.support.accounts import signed_in_client
from tests.support.factories import add_city

ID_NUMBER, PHONE = "33100419850612301X", "13812345678"
KEY = "grid-key-persons"


@pytest.fixture
def registries() -> int:
    with session_scope() as session:
        add_city(session)
        person = PersonOfConcern(grid_id=1, name="赵某", id_number=ID_NUMBER, phone=PHONE, category="key",
                                 reason="repeat_petitioner")  # fmt: skip
        session.add_all([person, RentalHouse(grid_id=4, address="温岭某路1号", landlord_name="陈强",
                                             landlord_phone="13700000000", registered_tenants=1)])  # fmt: skip
        session.add(PersonOfConcern(grid_id=4, name="钱某", id_number="331081199001011234", phone="13600000000",
                                    category="special", reason="community_correction"))  # fmt: skip
        session.flush()
        return person.id


def part(name: str, key: str = KEY) -> dict[str, str]:
    return {"table": key, "type": f"record-{name}"}


def wildcard(name: str) -> str:
    return json.dumps({"table": ["MATCH"], "type": f"record-{name}"}, separators=(",", ":"))


def call(client, outputs: list[tuple[str, str]], inputs: list[tuple[str, str, object]],
         state: list[tuple[str, str, object]]) -> tuple[int, str]:  # fmt: skip
    """POST one callback as dash-renderer would; the status and the raw body."""
    body = {
        "output": "...".join(f"{wildcard(name)}.{prop}" for name, prop in outputs),
        "outputs": [{"id": part(name), "property": prop} for name, prop in outputs],
        "inputs": [{"id": part(name), "property": prop, "value": value} for name, prop, value in inputs],
        "state": [{"id": part(name), "property": prop, "value": value} for name, prop, value in state],
        "changedPropIds": [f"{json.dumps(part(inputs[0][0]), separators=(',', ':'))}.{inputs[0][1]}"],
    }
    if len(outputs) > 1:
        body["output"] = f"..{body['output']}.."
    else:
        body["outputs"] = body["outputs"][0]
    response = client.post("/_dash-update-component", json=body)
    text_ = response.get_data(as_text=True)
    decoded = json.dumps(json.loads(text_), ensure_ascii=False) if response.is_json else text_
    return response.status_code, decoded  # as the browser reads it: JSON escapes undone


def reveal(client, person: int) -> tuple[int, str]:
    return call(client, [("full", "children")], [("unmask", "n_clicks", 1)],
                [("selected", "data", {"kind": "key_persons", "id": person})])  # fmt: skip


def rows(client, area: Area, kind: str = "key_persons") -> tuple[int, str]:
    query = drill_to_data(DrillFilter(Period(date(2025, 1, 1), date(2026, 1, 1)), area=area))
    request = {"startRow": 0, "endRow": 20, "sortModel": [], "filterModel": {}}
    return call(client, [("grid", "getRowsResponse"), ("status", "children")], [("grid", "getRowsRequest", request)],
                [("kind", "data", kind), ("query", "data", query)])  # fmt: skip


def audit_rows() -> int:
    with session_scope() as session:
        return int(session.execute(text("SELECT count(*) FROM audit_log WHERE action = 'unmask'")).scalar_one())


@pytest.mark.parametrize("role", [Role.ADMIN, Role.CITY_OPERATOR, Role.ANALYST, Role.TOWNSHIP_STAFF])
def test_table_rows_hold_masked_numbers_for_every_role(dash_app, registries, role):
    area = "331004001" if role is Role.TOWNSHIP_STAFF else None
    client = signed_in_client(dash_app, "someone", role, area=area)
    status, body = rows(client, CITY)
    assert status == 200 and "赵某" in body
    assert ID_NUMBER not in body and PHONE not in body and "19850612" not in body
    assert "331***********301X" in body and "138****5678" in body


def test_an_area_asked_for_beyond_the_account_is_cut_down_to_it(dash_app, registries):
    staff = signed_in_client(dash_app, "xiaoli", Role.TOWNSHIP_STAFF, area="331004001")
    _, body = rows(staff, CITY)  # the whole city asked: only its own township answered
    assert "赵某" in body and "钱某" not in body
    _, body = rows(staff, Area.county("331081"))  # another county: refused, with a reason
    assert "钱某" not in body and "该区域不在本账号的权限范围内" in body


def test_a_forged_unmask_from_a_township_staff_member_gets_a_refusal_and_no_number(dash_app, registries):
    staff = signed_in_client(dash_app, "xiaoli", Role.TOWNSHIP_STAFF, area="331004001")
    status, body = reveal(staff, registries)
    assert status == 200 and "本账号无权查看完整证件号和电话号码" in body
    assert ID_NUMBER not in body and PHONE not in body and audit_rows() == 0


def test_an_unmask_outside_the_account_area_is_refused(dash_app, registries):
    wenling = signed_in_client(dash_app, "wenling", Role.COUNTY_LEADER, area="331081")
    _, body = reveal(wenling, registries)
    assert ID_NUMBER not in body and PHONE not in body and audit_rows() == 0


def test_an_allowed_role_gets_the_numbers_once_per_audited_request(dash_app, registries):
    leader = signed_in_client(dash_app, "luqiao", Role.COUNTY_LEADER, area="331004")
    for attempt in (1, 2):
        status, body = reveal(leader, registries)
        assert status == 200 and ID_NUMBER in body and PHONE in body
        assert audit_rows() == attempt
