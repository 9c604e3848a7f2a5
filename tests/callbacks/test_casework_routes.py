"""Handling records over HTTP, as a browser (or someone forging its requests) posts the callbacks of /record and
/queue: an account sees and acts on its own area's items only, each refusal says why, and a refused step changes
nothing but the audit log."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from dash._utils import split_callback_id
from sqlalchemy import func, select

from dashboard.data.db import session_scope
from dashboard.data.models import AuditEntry, Department, Incident, RecordStep
from dashboard.data.periods import utc_now
from dashboard.data.redis_client import get_redis
from dashboard.data.vocab import Role
from dashboard.pipeline.consumer import StreamConsumer
from dashboard.pipeline.events import parse_event
from dashboard.pipeline.streams import append_events
from tests.support.accounts import signed_in_client
from tests.support.events import add_worker, incident_reported
from tests.support.factories import add_city, incident
from tests.support.scan import components

MINE, NEIGHBOURS, FIRE = "本镇漏水纠纷", "邻镇噪音纠纷", "楼道堆物阻塞消防通道"


@pytest.fixture
def items() -> dict[str, int]:
    """A dispute in township 331004001 and one in 331004002 (same county), stored by the consumer; their ids."""
    with session_scope() as session:
        add_city(session)
        add_worker(session)
    reports = [
        incident_reported(grid_code=grid, kind="dispute", subtype="neighbourhood", place_type="residence", summary=text)
        for grid, text in (("331004-001-0001", MINE), ("331004-002-0001", NEIGHBOURS))
    ]
    append_events(get_redis(), [parse_event(report) for report in reports])
    worker = StreamConsumer(get_redis(), name="test", block_ms=10)
    worker.ensure_group()
    while worker.poll_once():
        pass
    with session_scope() as session:
        ids = dict(session.execute(select(Incident.summary, Incident.id)).all())
    return {"mine": ids[MINE], "neighbours": ids[NEIGHBOURS]}


@pytest.fixture
def consumer() -> Iterator[None]:
    worker, stop = StreamConsumer(get_redis(), block_ms=50, retry_seconds=0.2), threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(10)


def post(dash_app: Any, client: Any, output: str, inputs: dict[str, Any], state: dict[str, Any]) -> str:
    """POST the callback whose outputs include `output`, its inputs and state given by `id.property` (a pattern id's
    inputs as a list of its members); the body of the answer."""
    key = next(key for key in dash_app.callback_map if output in key)
    spec = dash_app.callback_map[key]

    def entry(dep: dict[str, Any], values: dict[str, Any]) -> Any:
        name = f"{dep['id']}.{dep['property']}"
        value = values.get(name)
        if dep["id"].startswith("{"):  # ALL: the members given
            return [{"id": member, "property": dep["property"], "value": clicks} for member, clicks in value or []]
        return {"id": dep["id"], "property": dep["property"], "value": value}

    body = {
        "output": key,
        "outputs": split_callback_id(key),
        "inputs": [entry(dep, inputs) for dep in spec["inputs"]],
        "state": [entry(dep, state) for dep in spec["state"]],
    }
    first = body["inputs"][0]
    changed = first[0]["id"] if isinstance(first, list) else first["id"]
    body["changedPropIds"] = [
        f"{json.dumps(changed, separators=(',', ':')) if isinstance(changed, dict) else changed}.n_clicks"
    ]
    if isinstance(first, list):
        body["outputs"] = [{"id": o["id"], "property": o["property"]} for o in body["outputs"]]
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code in (200, 204), response.text
    text = response.get_data(as_text=True)
    return json.dumps(json.loads(text), ensure_ascii=False) if text else text  # Dash escapes what is not ASCII


def show(dash_app: Any, client: Any, wanted: dict[str, Any]) -> str:
    return post(dash_app, client, "item-view.children", {"item-wanted-store.data": wanted}, {})


def press(dash_app: Any, client: Any, step: str, shown: dict[str, Any], note: str = "", department: Any = None) -> str:
    button = {"step": step, "type": "item-step"}
    clicks = {'{"step":["ALL"],"type":"item-step"}.n_clicks': [(button, 1)]}
    state = {
        "item-shown-store.data": shown,
        "item-note-textarea.value": note,
        "item-department-dropdown.value": department,
    }
    return post(dash_app, client, "item-message.children", clicks, state)


def steps_stored() -> int:
    with session_scope() as session:
        return int(session.scalar(select(func.count()).select_from(RecordStep)) or 0)


def refusals_audited() -> list[dict[str, Any]]:
    with session_scope() as session:
        rows = session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "record_step_refused"))
        return [json.loads(detail) for detail in rows]


def test_a_township_account_sees_and_acts_on_its_own_townships_items_only(dash_app, items):
    client = signed_in_client(dash_app, "town1", Role.TOWNSHIP_STAFF, area="331004001")
    assert MINE in show(dash_app, client, {"kind": "incident", "id": str(items["mine"])})
    answer = show(dash_app, client, {"kind": "incident", "id": str(items["neighbours"])})
    assert NEIGHBOURS not in answer and "该事项不存在或不在本账号的辖区内" in answer
    forged = {"record": "incident", "id": items["neighbours"], "version": 0, "nonce": "0" * 32}
    answer = press(dash_app, client, "accept", forged)
    assert "此事项不在本账号的辖区内，不能办理。" in answer
    assert steps_stored() == 0 and [(r["id"], r["reason"]) for r in refusals_audited()] == [
        (items["neighbours"], "scope")
    ]


def test_a_county_leader_is_refused_another_countys_item_and_a_watching_role_any_step(dash_app, items):
    wenling = signed_in_client(dash_app, "wenling", Role.COUNTY_LEADER, area="331081")
    shown = {"record": "incident", "id": items["mine"], "version": 0, "nonce": "0" * 32}
    assert "不存在或不在本账号的辖区内" in show(dash_app, wenling, {"kind": "incident", "id": str(items["mine"])})
    assert "此事项不在本账号的辖区内" in press(dash_app, wenling, "dispatch", shown, department="public_security")
    analyst = signed_in_client(dash_app, "analyst", Role.ANALYST, area="331004")
    assert "本账号只能查看" in press(dash_app, analyst, "dispatch", shown, department="public_security")
    township = signed_in_client(dash_app, "town1", Role.TOWNSHIP_STAFF, area="331004001")
    assert "乡镇工作人员不能派单" in press(dash_app, township, "dispatch", shown, department="public_security")
    assert steps_stored() == 0


def test_bad_addresses_and_forged_values_are_named_not_errors(dash_app, items):
    client = signed_in_client(dash_app, "operator", Role.CITY_OPERATOR)
    assert "kind" in show(dash_app, client, {"kind": "person", "id": "1"})
    assert "记录编号应为正整数" in show(dash_app, client, {"kind": "incident", "id": "-3"})
    assert "记录编号应为正整数" in show(dash_app, client, {"kind": "incident", "id": "1e99"})
    missing = {"record": "incident", "id": 999, "version": 0, "nonce": "0" * 32}
    assert "没有这个事项" in press(dash_app, client, "dispatch", missing, department="public_security")
    assert "从待办" in press(dash_app, client, "dispatch", {"record": "person", "id": 1})


def test_a_dispatch_over_http_lands_in_the_townships_queue_and_the_neighbours_queue_stays_as_it_was(
    dash_app, items, consumer
):
    operator = signed_in_client(dash_app, "operator", Role.CITY_OPERATOR)
    town = signed_in_client(dash_app, "town1", Role.TOWNSHIP_STAFF, area="331004001")
    neighbour = signed_in_client(dash_app, "town2", Role.TOWNSHIP_STAFF, area="331004002")

    def queue_of(client: Any) -> str:
        return queue_answer(dash_app, client)

    def wall_of(client: Any) -> list[str]:
        members = [({"part": part, "type": "wall-loop"}, None) for part in ("in_progress", "overdue", "closed_today")]
        key = next(key for key in dash_app.callback_map if "wall-loop" in key)
        body = {
            "output": key,
            "outputs": [{"id": member, "property": "children"} for member, _ in members],
            "inputs": [{"id": "wall-patrol-interval", "property": "n_intervals", "value": 1}],
            "state": [],
            "changedPropIds": ["wall-patrol-interval.n_intervals"],
        }
        answer = client.post("/_dash-update-component", json=body).json["response"]
        return [answer[json.dumps(member, separators=(",", ":"), sort_keys=True)]["children"] for member, _ in members]

    assert wall_of(town) == ["0", "0", "0"]
    neighbours_before = queue_of(neighbour)
    assert "待签收 0" in queue_of(town) and MINE in queue_of(town) and NEIGHBOURS not in queue_of(town)
    shown = {"record": "incident", "id": items["mine"], "version": 0, "nonce": "1" * 32}
    assert "已派单" in press(dash_app, operator, "dispatch", shown, department="public_security")
    assert "待签收 1" in queue_of(town)
    assert queue_of(neighbour) == neighbours_before
    assert wall_of(town) == ["1", "0", "0"] and wall_of(neighbour) == ["0", "0", "0"]  # in progress, in its township


def queue_answer(dash_app: Any, client: Any, **filters: Any) -> str:
    """The queue's counts and table as the page's callback answers, with the filters given (by their names in the
    address: state, record, overdue, platform; the page's defaults otherwise)."""
    inputs = {
        "queue-state-dropdown.value": filters.get("state", "all"),
        "queue-record-radio.value": filters.get("record", "all"),
        "queue-overdue-checklist.value": ["overdue"] if filters.get("overdue") else [],
        "queue-platform-dropdown.value": filters.get("platform", "all"),
        "queue-interval.n_intervals": 1,
    }
    return post(dash_app, client, "queue-table.children", inputs, {"queue-seen-store.data": None})


def page_answer(dash_app: Any, client: Any, path: str, search: str) -> tuple[int, str]:
    """What Dash's page router answers for the page at `path?search` (its layout, as the browser gets it)."""
    router = next(key for key in dash_app.callback_map if "_pages_content.children" in key)
    body = {
        "output": router,
        "outputs": split_callback_id(router),
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }
    response = client.post("/_dash-update-component", json=body)
    text = response.get_data(as_text=True)
    return response.status_code, json.dumps(json.loads(text), ensure_ascii=False) if text else text


def test_township_staff_filter_their_queue_by_platform_and_the_address_keeps_the_choice(dash_app, items, consumer):
    operator = signed_in_client(dash_app, "operator", Role.CITY_OPERATOR)
    town = signed_in_client(dash_app, "town1", Role.TOWNSHIP_STAFF, area="331004001")
    with session_scope() as session:  # a second item of the township, routed to the fire service (综合执法平台)
        fire = session.scalar(select(Department.id).where(Department.code == "fire"))
        session.add(incident(utc_now(), kind="dispute", summary=FIRE, department_id=fire, deadline=utc_now()))
    shown = {"record": "incident", "id": items["mine"], "version": 0, "nonce": "2" * 32}
    assert "已派单" in press(dash_app, operator, "dispatch", shown, department="public_security")  # 综治工作平台

    governance = queue_answer(dash_app, town, platform="governance")
    assert MINE in governance and FIRE not in governance and "共 1 件" in governance
    law = queue_answer(dash_app, town, platform="law_enforcement")
    assert FIRE in law and MINE not in law and "共 1 件" in law
    assert MINE in queue_answer(dash_app, town) and FIRE in queue_answer(dash_app, town)
    assert "没有待办事项" in queue_answer(dash_app, town, platform="market")

    # The choice goes to the address, and the address brings it back.
    key = next(
        key
        for key, spec in dash_app.callback_map.items()
        if "app-url.search" in key and any(dep["id"] == "queue-platform-dropdown" for dep in spec["inputs"])
    )
    body = {
        "output": key,
        "outputs": split_callback_id(key),
        "inputs": [
            {"id": "queue-state-dropdown", "property": "value", "value": "mine"},
            {"id": "queue-record-radio", "property": "value", "value": "all"},
            {"id": "queue-overdue-checklist", "property": "value", "value": ["overdue"]},
            {"id": "queue-platform-dropdown", "property": "value", "value": "governance"},
        ],
        "state": [{"id": "queue-query-store", "property": "data", "value": ""}],
        "changedPropIds": ["queue-platform-dropdown.value"],
    }
    written = town.post("/_dash-update-component", json=body).json["response"]
    assert next(iter(written.values()))["search"] == "?state=mine&overdue=1&platform=governance"
    status, layout = page_answer(dash_app, town, "/queue", "?state=mine&overdue=1&platform=governance")
    assert status == 200
    values = {component["props"]["id"]: component["props"].get("value") for component in components(json.loads(layout))
              if str(component["props"].get("id", "")).startswith("queue-")}  # fmt: skip
    assert values["queue-platform-dropdown"] == "governance" and values["queue-state-dropdown"] == "mine"
    assert values["queue-overdue-checklist"] == ["overdue"]
    # until the queue's first answer (seconds, for a whole city's), the page says it is reading it
    table = next(c for c in components(json.loads(layout)) if c["props"].get("id") == "queue-table")
    assert "正在读取待办事项…" in json.dumps(table, ensure_ascii=False)
    assert "正在读取待办事项…" not in queue_answer(dash_app, town)


@pytest.mark.parametrize(
    ("search", "named"),
    [
        ("?platform=police", "platform（乡镇平台）的值“police”无效"),
        ("?state=closed", "state（办理状态）的值“closed”无效"),
        ("?record=person&platform=market", "record（事项类别）的值“person”无效"),
        ("?overdue=yes", "overdue（只看超期）的值“yes”无效"),
        ("?platform=market&platform=service", "platform（乡镇平台）的值“market,service”无效"),
    ],
)
def test_a_bad_queue_address_names_the_field_and_shows_the_default(dash_app, search, named):
    with session_scope() as session:
        add_city(session)
    client = signed_in_client(dash_app, "town1", Role.TOWNSHIP_STAFF, area="331004001")
    status, layout = page_answer(dash_app, client, "/queue", search)
    assert status == 200 and named in layout and "该项已按默认值显示" in layout
