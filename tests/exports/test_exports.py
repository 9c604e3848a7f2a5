"""The export route over HTTP, as a browser calls it: who may download, whose area they get, what lands in the audit
log, and what a bad value, an unknown export and an empty selection answer (a message, never a file).

The view is the fixed custom period of tests/callbacks/test_drill_pages.py (1 March – 31 August 2025) over its tiny
city.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from dashboard.data.db import session_scope
from dashboard.data.models import AuditEntry
from dashboard.data.vocab import AuditAction, Role
from dashboard.exports.images import RENDERER
from tests.callbacks.test_drill_pages import END, START, rows
from tests.support.accounts import signed_in_client
from tests.support.drill_data import add_drill_city
from tests.support.export_files import csv_rows

QUERY = "period=custom&from=2025-03-01&to=2025-08-31"


@pytest.fixture
def city() -> dict[str, int]:
    return add_drill_city()


def client_for(dash_app: Any, role: Role = Role.CITY_OPERATOR, area: str | None = None) -> Any:
    return signed_in_client(dash_app, f"user-{role.value}-{area}", role, area=area)


def error_of(response: Any) -> str:
    return str(json.loads(response.data)["error"])


def exports_audited() -> list[dict[str, Any]]:
    with session_scope() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.EXPORT)).all()
        return [{"actor": entry.actor, **json.loads(entry.detail)} for entry in entries]


def test_an_operator_downloads_a_csv_named_for_its_chart_and_period_and_the_export_is_audited(dash_app, city):
    client = client_for(dash_app)
    response = client.get(f"/export/trends.areas.csv?{QUERY}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "各区域案事件数-2025-03-01_2025-08-31.csv"
    by_county = Counter(
        row.county_code
        for row in rows("SELECT county_code FROM incident WHERE reported_at >= :s AND reported_at < :e", s=START, e=END)
    )
    assert {row["编号"]: int(row["案事件数"]) for row in csv_rows(response.data)} == dict(by_county)
    [entry] = exports_audited()
    assert entry["actor"] == "user-city_operator-None"
    assert (entry["export"], entry["format"]) == ("trends.areas", "csv")
    assert entry["query"] == {"period": "custom", "from": "2025-03-01", "to": "2025-08-31"}


def test_a_whole_month_names_the_file_by_the_month(dash_app, city):
    response = client_for(dash_app).get("/export/trends.records.csv?period=custom&from=2025-08-01&to=2025-08-31")
    assert response.status_code == 200
    assert unquote(response.headers["Content-Disposition"].split("''")[1]) == "案事件-2025-08.csv"


def test_roles_that_may_not_export_are_refused_and_nothing_is_audited(dash_app, city):
    for role, area in ((Role.TOWNSHIP_STAFF, "331004001"), (Role.WALL_SCREEN, None)):
        response = client_for(dash_app, role, area).get(f"/export/trends.areas.csv?{QUERY}")
        assert response.status_code == 403
        assert error_of(response) == "本账号没有导出权限。"
    anonymous = dash_app.server.test_client().get(f"/export/trends.areas.csv?{QUERY}")
    assert anonymous.status_code == 401
    assert exports_audited() == []


def test_a_county_leader_gets_its_own_county_and_is_refused_another(dash_app, city):
    client = client_for(dash_app, Role.COUNTY_LEADER, "331004")
    own = client.get(f"/export/trends.areas.csv?{QUERY}")  # no area asked: the account's county, by township
    assert own.status_code == 200
    townships = Counter(
        row.township_code
        for row in rows(
            "SELECT township_code FROM incident WHERE county_code = '331004' "
            "AND reported_at >= :s AND reported_at < :e",
            s=START,
            e=END,
        )
    )
    assert {row["编号"]: int(row["案事件数"]) for row in csv_rows(own.data)} == dict(townships)
    records = csv_rows(client.get(f"/export/trends.records.csv?{QUERY}").data)
    assert records and {row["网格"][:6] for row in records} == {"331004"}  # its county's records only
    other = client.get(f"/export/trends.areas.csv?{QUERY}&area=331081")
    assert other.status_code == 403 and "权限范围" in error_of(other)
    grid = client.get("/export/grid.incidents.csv?code=331081-001-0001&period=last_year")
    assert grid.status_code == 403
    assert [entry["export"] for entry in exports_audited()] == ["trends.areas", "trends.records"]


def test_bad_values_name_the_field_and_unknown_exports_and_formats_are_named(dash_app, city):
    client = client_for(dash_app)
    bad_period = client.get("/export/trends.series.png?period=fortnight")
    assert bad_period.status_code == 400 and "period" in error_of(bad_period) and "fortnight" in error_of(bad_period)
    bad_area = client.get("/export/solve.areas.xlsx?area=33xx")
    assert bad_area.status_code == 400 and "area" in error_of(bad_area)
    unknown_area = client.get("/export/solve.areas.xlsx?area=339999")
    assert unknown_area.status_code == 400 and "339999" in error_of(unknown_area)
    repeated = client.get("/export/trends.series.csv?kind=criminal&kind=dispute")
    assert repeated.status_code == 400 and "kind" in error_of(repeated)
    bad_grid = client.get("/export/grid.hazards.csv?code=nowhere")
    assert bad_grid.status_code == 400 and "code" in error_of(bad_grid)
    bad_grid_period = client.get("/export/grid.hazards.csv?code=331004-001-0001&period=forever")
    assert bad_grid_period.status_code == 400 and "period" in error_of(bad_grid_period)
    unknown = client.get("/export/trends.nothing.csv")
    assert unknown.status_code == 404 and "trends.nothing" in error_of(unknown)
    fmt = client.get("/export/trends.series.pdf")
    assert fmt.status_code == 404 and "pdf" in error_of(fmt)
    table_as_image = client.get(f"/export/trends.records.png?{QUERY}")
    assert table_as_image.status_code == 404 and "CSV" in error_of(table_as_image)
    assert exports_audited() == []


def test_an_empty_selection_says_so_instead_of_an_empty_file(dash_app, city):
    client = client_for(dash_app)
    empty = "period=custom&from=2021-03-01&to=2021-03-31"  # no incident before 2024
    for name in ("trends.series", "trends.areas", "solve.months", "rental.summary", "trends.records"):
        response = client.get(f"/export/{name}.xlsx?{empty}")
        assert response.status_code == 404, name
        assert "没有数据" in error_of(response) and "Content-Disposition" not in response.headers
    assert exports_audited() == []


def test_exports_follow_the_filters_in_the_query(dash_app, city):
    client = client_for(dash_app)
    response = client.get(f"/export/trends.records.csv?{QUERY}&area=331081&kind=criminal&subtype=theft")
    assert response.status_code == 200
    expected = rows(
        "SELECT id FROM incident WHERE reported_at >= :s AND reported_at < :e AND county_code = '331081' "
        "AND kind = 'criminal' AND subtype = 'theft'",
        s=START,
        e=END,
    )
    found = csv_rows(response.data)
    assert sorted(int(row["编号"]) for row in found) == sorted(row.id for row in expected)
    assert {row["小类"] for row in found} == {"盗窃"}


def test_a_chart_downloads_as_a_meeting_size_png(dash_app, city):
    try:
        response = client_for(dash_app).get(f"/export/solve.months.png?{QUERY}&area=331004")
    finally:
        RENDERER.close()  # the warm browser of this test process
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.data[:8] == b"\x89PNG\r\n\x1a\n"
    size = (int.from_bytes(response.data[16:20], "big"), int.from_bytes(response.data[20:24], "big"))
    assert size == (1920, 1080)
    assert unquote(response.headers["Content-Disposition"].split("''")[1]) == "逐月破案率-2025-03-01_2025-08-31.png"
    [entry] = exports_audited()
    assert (entry["export"], entry["format"], entry["query"]["area"]) == ("solve.months", "png", "331004")
