"""A callback's inputs are bounded. A record table asked for the period 0001-01-01 to 9999-12-31 (or any
other value a forged request can carry in its filter) answers with a message naming the field, never a 500."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from dashboard.data.db import session_scope
from dashboard.data.vocab import Role
from tests.support.accounts import signed_in_client
from tests.support.factories import incident

KEY = "grid-incidents"


def part(name: str) -> dict[str, str]:
    return {"table": KEY, "type": f"record-{name}"}


def rows_request(query: object) -> dict[str, object]:
    """What dash-renderer posts for a page of a record table: the grid's request, the table's kind and filter."""
    wildcard = "...".join(
        json.dumps({"table": ["MATCH"], "type": f"record-{name}"}, separators=(",", ":")) + f".{prop}"
        for name, prop in (("grid", "getRowsResponse"), ("status", "children"))
    )
    request = {"startRow": 0, "endRow": 20, "sortModel": [], "filterModel": {}}
    return {
        "output": f"..{wildcard}..",
        "outputs": [
            {"id": part("grid"), "property": "getRowsResponse"},
            {"id": part("status"), "property": "children"},
        ],
        "inputs": [{"id": part("grid"), "property": "getRowsRequest", "value": request}],
        "state": [
            {"id": part("kind"), "property": "data", "value": "incidents"},
            {"id": part("query"), "property": "data", "value": query},
        ],
        "changedPropIds": [f"{json.dumps(part('grid'), separators=(',', ':'))}.getRowsRequest"],
    }


def query(start: str, end: str) -> dict[str, object]:
    area = {"level": "city", "code": None}
    return {"period": {"start": start, "end": end}, "compare": "yoy", "area": area, "kind": None, "subtype": None}


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("0001-01-01", "9999-12-31"),
        ("0001-01-01", "0001-01-02"),
        ("9999-12-30", "9999-12-31"),
        ("1999-12-31", "2000-02-01"),
    ],
)
def test_a_record_table_asked_for_an_absurd_period_names_the_period(dash_app, city, start, end):
    operator = signed_in_client(dash_app, "operator", Role.CITY_OPERATOR)
    response = operator.post("/_dash-update-component", json=rows_request(query(start, end)))
    assert response.status_code == 200, response.text[:500]
    assert "2000" in json.dumps(response.json, ensure_ascii=False)  # the message says which years a period may span


def test_a_record_table_in_the_supported_years_answers_rows(dash_app, city):
    with session_scope() as session:
        session.add(incident(datetime(2025, 3, 2), summary="电动车被盗"))
    operator = signed_in_client(dash_app, "operator", Role.CITY_OPERATOR)
    response = operator.post("/_dash-update-component", json=rows_request(query("2000-01-01", "2101-01-01")))
    assert response.status_code == 200 and "电动车被盗" in json.dumps(response.json, ensure_ascii=False)
