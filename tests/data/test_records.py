"""Record tables on the real database: pages, sorts and filters as dash-ag-grid sends them, checked against plain
SQL over the same rows; bad requests name their field; personal numbers leave masked; scope and the audited unmask."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import text

from dashboard.data.db import session_scope
from dashboard.data.filters import DrillFilter
from dashboard.data.models import AuditEntry, GridWorker, PatrolLog, PersonOfConcern, RentalHouse
from dashboard.data.periods import CITY, Area, Period
from dashboard.data.vocab import IncidentKind, Role
from dashboard.views.records import (
    COUNT_CAP,
    NotAllowed,
    RecordKind,
    RecordQueryError,
    drill_from_data,
    drill_to_data,
    fetch_record,
    fetch_records,
    unmask,
)
from tests.support.factories import add_city, hazard, incident, utc

MARCH = Period(date(2025, 3, 1), date(2025, 4, 1))
GRID = "331004-001-0001"
ID_NUMBER, PHONE, LANDLORD_PHONE = "33100419850612301X", "13812345678", "13987654321"
STATUSES = ["reported", "dispatched", "handling", "resolved", "closed"]
KINDS = ["dispute", "criminal", "stability", "safety_accident"]


@pytest.fixture
def city() -> None:
    """45 incidents in one grid in March (and a few around it), hazards, a worker's patrols, the registries."""
    with session_scope() as session:
        add_city(session)
        for n in range(45):
            kind = KINDS[n % 4]
            session.add(
                incident(
                    utc(date(2025, 3, 1 + n % 28), hour=n % 24),
                    kind=kind,
                    status="solved" if kind == "criminal" and n % 3 == 0 else STATUSES[n % 5],
                    summary=f"报告{n} 当事人 {ID_NUMBER} 电话 {PHONE}" if n == 7 else f"报告{n}",
                )
            )
        session.add(incident(utc("2025-03-05"), grid="331004-002-0001", summary="同县另一乡镇"))
        session.add(incident(utc("2025-03-05"), grid="331081-001-0001", summary="温岭"))
        session.add(incident(utc("2025-02-28", hour=15), summary="二月"))  # 23:00 in Taizhou: still February
        session.add(incident(utc("2025-02-28", hour=16), summary="三月初"))  # 00:00 on 1 March in Taizhou
        for n in range(6):
            session.add(hazard(utc(date(2025, 3, 2 + n)), status="open" if n % 2 else "rectified"))
        worker = GridWorker(code="W1", name="张伟", phone="13800000001", grid_id=1, hire_date=date(2017, 6, 1),
                            education="college_or_above", party_member=True)  # fmt: skip
        other = GridWorker(code="W2", name="李娜", phone="13800000002", grid_id=4, hire_date=date(2018, 1, 1),
                           education="high_school", party_member=False)  # fmt: skip
        session.add_all([worker, other])
        session.flush()
        for n in range(5):
            for who, grid, county, township in ((worker, 1, "331004", "331004001"), (other, 4, "331081", "331081001")):
                start = utc(date(2025, 3, 10 + n), hour=1)
                session.add(PatrolLog(worker_id=who.id, grid_id=grid, county_code=county, township_code=township,
                                      started_at=start, ended_at=start + timedelta(hours=2), distance_m=1000.0 + n,
                                      findings=n))  # fmt: skip
        session.add_all(
            [
                RentalHouse(grid_id=1, address="路桥街道100号", landlord_name="王芳", landlord_phone=LANDLORD_PHONE,
                            registered_tenants=3),
                RentalHouse(grid_id=4, address="温岭某路1号", landlord_name="陈强", landlord_phone="13700000000",
                            registered_tenants=1),
                PersonOfConcern(grid_id=1, name="赵某", id_number=ID_NUMBER, phone=PHONE, category="key",
                                reason="repeat_petitioner"),
                PersonOfConcern(grid_id=4, name="钱某", id_number="331081199001011234", phone="13600000000",
                                category="special", reason="community_correction"),
            ]
        )  # fmt: skip


def sql_ids(query: str, **params: object) -> list[int]:
    with session_scope() as session:
        return [row[0] for row in session.execute(text(query), params)]


def march_bounds() -> dict[str, datetime]:
    start, end = MARCH.utc_bounds("Asia/Shanghai")
    return {"start": start, "end": end}


GRID_MARCH = """SELECT i.id FROM incident i JOIN grid g ON g.id = i.grid_id
    WHERE g.code = '331004-001-0001' AND i.reported_at >= :start AND i.reported_at < :end"""


def page(kind: RecordKind, drill: DrillFilter, **kw: object):  # type: ignore[no-untyped-def]
    with session_scope() as session:
        return fetch_records(session, kind, drill, **kw)  # type: ignore[arg-type]


def grid_march() -> DrillFilter:
    return DrillFilter(MARCH, area=Area.grid(GRID))


def test_pages_follow_one_another_without_gap_or_overlap_and_count_the_whole_set(city):
    expected = sql_ids(GRID_MARCH + " ORDER BY i.reported_at DESC, i.id DESC", **march_bounds())
    pages = [page(RecordKind.INCIDENTS, grid_march(), start=start, end=start + 20) for start in (0, 20, 40)]
    assert [row["id"] for p in pages for row in p.rows] == expected
    assert {p.total for p in pages} == {len(expected)} == {46} and all(p.exact for p in pages)
    with session_scope() as session:
        newest = session.execute(text("SELECT reported_at FROM incident WHERE id = :id"), {"id": expected[0]}).scalar()
    newest = newest if isinstance(newest, datetime) else datetime.fromisoformat(newest)
    assert pages[0].rows[0]["reported_at"] == f"{newest + timedelta(hours=8):%Y-%m-%d %H:%M}"  # the city's clock


def test_sorting_by_any_sortable_column_matches_sql(city):
    expected = sql_ids(GRID_MARCH + " ORDER BY i.subtype ASC, i.kind DESC, i.id DESC", **march_bounds())
    sort = [{"colId": "subtype", "sort": "asc"}, {"colId": "kind", "sort": "desc"}]
    got = page(RecordKind.INCIDENTS, grid_march(), start=0, end=100, sort_model=sort)
    assert [row["id"] for row in got.rows] == expected
    expected = sql_ids(GRID_MARCH + " ORDER BY i.id ASC", **march_bounds())
    got = page(RecordKind.INCIDENTS, grid_march(), start=10, end=30, sort_model=[{"colId": "id", "sort": "asc"}])
    assert [row["id"] for row in got.rows] == expected[10:30]


def test_filters_by_label_number_date_and_text_match_sql(city):
    bounds = march_bounds()
    handling = {"status": {"filterType": "text", "type": "contains", "filter": "处置"}}  # the label of `handling`
    got = page(RecordKind.INCIDENTS, grid_march(), filter_model=handling, end=100)
    assert sorted(row["id"] for row in got.rows) == sql_ids(
        GRID_MARCH + " AND i.status = 'handling' ORDER BY 1", **bounds
    )
    assert {row["status"] for row in got.rows} == {"处置中"} and got.total == len(got.rows)
    two = {"kind": {"filterType": "text", "operator": "OR", "conditions": [
        {"filterType": "text", "type": "equals", "filter": "刑事案件"},
        {"filterType": "text", "type": "equals", "filter": "dispute"}]},
        "id": {"filterType": "number", "type": "greaterThan", "filter": 10}}  # fmt: skip
    got = page(RecordKind.INCIDENTS, grid_march(), filter_model=two, end=100)
    expected = sql_ids(GRID_MARCH + " AND i.kind IN ('criminal', 'dispute') AND i.id > 10 ORDER BY 1", **bounds)
    assert sorted(row["id"] for row in got.rows) == expected
    day = {"reported_at": {"filterType": "date", "type": "equals", "dateFrom": "2025-03-05 00:00:00"}}
    got = page(RecordKind.INCIDENTS, grid_march(), filter_model=day, end=100)
    local_day = {"start": datetime(2025, 3, 4, 16), "end": datetime(2025, 3, 5, 16)}  # 5 March in Taizhou, UTC
    assert sorted(row["id"] for row in got.rows) == sql_ids(
        GRID_MARCH.replace(":start", ":start2").replace(":end", ":end2")
        + " AND i.reported_at >= :start AND i.reported_at < :end ORDER BY 1",
        start2=bounds["start"], end2=bounds["end"], **local_day,
    )  # fmt: skip
    wildcard = {"grid_code": {"filterType": "text", "type": "contains", "filter": "%"}}
    assert page(RecordKind.INCIDENTS, grid_march(), filter_model=wildcard).total == 0  # a literal %, not a wildcard


def test_the_period_counts_by_the_city_clock_and_the_kind_of_incident_filters(city):
    got = page(RecordKind.INCIDENTS, grid_march(), end=100)
    summaries = {row["summary"] for row in got.rows}
    assert "三月初" in summaries and "二月" not in summaries
    criminal = DrillFilter(MARCH, area=Area.grid(GRID), kind=IncidentKind.CRIMINAL)
    got = page(RecordKind.INCIDENTS, criminal, end=100)
    assert sorted(row["id"] for row in got.rows) == sql_ids(GRID_MARCH + " AND i.kind = 'criminal' ORDER BY 1",
                                                            **march_bounds())  # fmt: skip


@pytest.mark.parametrize(
    ("request_", "field", "named"),
    [
        ({"sort_model": [{"colId": "id; DROP TABLE incident", "sort": "asc"}]}, "sort", "id; DROP TABLE incident"),
        ({"sort_model": [{"colId": "summary", "sort": "asc"}]}, "sort summary", ""),
        ({"sort_model": [{"colId": "id", "sort": "sideways"}]}, "sort", ""),
        ({"filter_model": {"password": {"filterType": "text", "type": "equals", "filter": "x"}}}, "filter", "password"),
        ({"filter_model": {"id": {"filterType": "number", "type": "equals", "filter": "1 OR 1=1"}}}, "filter id", ""),
        ({"filter_model": {"id": {"filterType": "number", "type": "regex", "filter": 1}}}, "filter id", "regex"),
        ({"filter_model": {"reported_at": {"filterType": "date", "type": "equals", "dateFrom": "yesterday"}}},
         "filter reported_at", ""),
        ({"start": -1, "end": 10}, "startRow", ""),
        ({"start": 0, "end": 5000}, "endRow", "500"),
    ],
)  # fmt: skip
def test_a_bad_request_names_its_field_and_runs_no_sql(city, request_, field, named):
    with pytest.raises(RecordQueryError) as raised:
        page(RecordKind.INCIDENTS, grid_march(), **request_)
    assert raised.value.field == field and named in raised.value.text("en")
    assert raised.value.text("zh-CN").startswith(f"查询参数 {field} 无效")
    assert sql_ids("SELECT count(*) FROM incident") == [49]  # nothing dropped


def test_personal_columns_can_be_neither_filtered_nor_sorted(city):
    whole = DrillFilter(MARCH)
    probe = {"id_number": {"filterType": "text", "type": "startsWith", "filter": "3310041985"}}
    with pytest.raises(RecordQueryError, match="filter id_number"):
        page(RecordKind.KEY_PERSONS, whole, filter_model=probe)
    with pytest.raises(RecordQueryError, match="sort phone"):
        page(RecordKind.KEY_PERSONS, whole, sort_model=[{"colId": "phone", "sort": "asc"}])
    with pytest.raises(RecordQueryError, match="filter summary"):
        page(RecordKind.INCIDENTS, whole, filter_model={"summary": {"filterType": "text", "type": "contains",
                                                                   "filter": PHONE}})  # fmt: skip


def test_id_and_phone_numbers_leave_masked_everywhere_in_the_rows(city):
    persons = page(RecordKind.KEY_PERSONS, DrillFilter(MARCH))
    houses = page(RecordKind.RENTAL_HOUSES, DrillFilter(MARCH))
    incidents = page(RecordKind.INCIDENTS, grid_march(), end=100)
    shown = json.dumps([persons.rows, houses.rows, incidents.rows], ensure_ascii=False)
    for secret in (ID_NUMBER, PHONE, LANDLORD_PHONE, "19850612"):
        assert secret not in shown
    zhao = next(row for row in persons.rows if row["name"] == "赵某")
    assert (zhao["id_number"], zhao["phone"], zhao["category"]) == ("331***********301X", "138****5678", "重点人员")
    assert next(row for row in houses.rows if row["address"] == "路桥街道100号")["landlord_phone"] == "139****4321"
    assert "当事人 331***********301X 电话 138****5678" in shown


def test_an_area_keeps_only_its_own_records_of_every_kind(city):
    luqiao = DrillFilter(MARCH, area=Area.county("331004"))
    got = page(RecordKind.INCIDENTS, luqiao, end=100)
    expected = sql_ids("SELECT id FROM incident WHERE county_code = '331004' AND reported_at >= :start "
                       "AND reported_at < :end ORDER BY id", **march_bounds())  # fmt: skip
    assert sorted(row["id"] for row in got.rows) == expected
    township = DrillFilter(MARCH, area=Area.township("331004002"))
    assert [row["summary"] for row in page(RecordKind.INCIDENTS, township).rows] == ["同县另一乡镇"]
    for kind, table in ((RecordKind.RENTAL_HOUSES, "rental_house"), (RecordKind.KEY_PERSONS, "person_of_concern")):
        got = page(kind, luqiao)
        assert [row["id"] for row in got.rows] == sql_ids(
            f"SELECT t.id FROM {table} t JOIN grid g ON g.id = t.grid_id WHERE g.county_code = '331004' ORDER BY 1"
        )
    wenling_patrols = page(RecordKind.PATROLS, DrillFilter(MARCH, area=Area.county("331081")))
    assert [row["id"] for row in wenling_patrols.rows] == sql_ids(
        "SELECT id FROM patrol_log WHERE county_code = '331081' ORDER BY started_at DESC, id DESC"
    )
    assert {row["worker"] for row in wenling_patrols.rows} == {"李娜"}
    assert page(RecordKind.HAZARDS, DrillFilter(MARCH, area=Area.county("331081"))).total == 0
    hazards = page(RecordKind.HAZARDS, luqiao)
    assert hazards.total == 6 and {row["status"] for row in hazards.rows} == {"待整改", "已整改"}


def test_one_record_outside_the_scope_is_not_found(city):
    with session_scope() as session:
        wenling = session.execute(text("SELECT id FROM person_of_concern WHERE grid_id = 4")).scalar_one()
        assert fetch_record(session, RecordKind.KEY_PERSONS, wenling, scope=Area.county("331004")) is None
        shown = fetch_record(session, RecordKind.KEY_PERSONS, wenling, scope=CITY)
    assert shown is not None and shown["id_number"] == "331***********1234"


def test_unmasking_reveals_one_record_to_an_allowed_role_and_audits_it(city):
    with session_scope() as session:
        zhao = session.execute(text("SELECT id FROM person_of_concern WHERE grid_id = 1")).scalar_one()
        revealed = unmask(session, "key_persons", zhao, actor="leader", role=Role.COUNTY_LEADER,
                          scope=Area.county("331004"))  # fmt: skip
    assert revealed == {"id_number": ID_NUMBER, "phone": PHONE}
    with session_scope() as session:
        entries = session.query(AuditEntry).all()
        assert [(e.actor, e.action.value) for e in entries] == [("leader", "unmask")]
        detail = json.loads(entries[0].detail)
    assert detail == {"record": "key_persons", "id": zhao, "grid": GRID, "fields": ["id_number", "phone"]}
    assert ID_NUMBER not in entries[0].detail and PHONE not in entries[0].detail  # the log never holds the number


@pytest.mark.parametrize(
    ("role", "scope"),
    [(Role.TOWNSHIP_STAFF, Area.township("331004001")), (Role.ANALYST, CITY), (Role.WALL_SCREEN, CITY),
     (Role.COUNTY_LEADER, Area.county("331081"))],
)  # fmt: skip
def test_unmasking_is_refused_to_other_roles_and_outside_the_scope_and_writes_nothing(city, role, scope):
    with session_scope() as session:
        zhao = session.execute(text("SELECT id FROM person_of_concern WHERE grid_id = 1")).scalar_one()
        with pytest.raises(NotAllowed):
            unmask(session, "key_persons", zhao, actor="someone", role=role, scope=scope)
    assert sql_ids("SELECT count(*) FROM audit_log") == [0]


def test_the_count_is_capped_on_large_sets(city, monkeypatch):
    monkeypatch.setattr("dashboard.views.records.COUNT_CAP", 10)
    got = page(RecordKind.INCIDENTS, grid_march(), start=0, end=20)
    assert (got.total, got.exact, len(got.rows)) == (11, False, 20)
    assert COUNT_CAP == 10_000


def test_the_filter_travels_as_data_and_a_bad_one_names_its_field():
    drill = DrillFilter(MARCH, area=Area.grid(GRID), kind=IncidentKind.CRIMINAL)
    assert drill_from_data(json.loads(json.dumps(drill_to_data(drill)))) == drill
    for broken, field in [
        ({"period": {"start": "2025-03-01"}, "area": {"level": "city"}}, "period"),
        ({"period": {"start": "2025-03-01", "end": "2025-04-01"}, "area": {"level": "planet"}}, "area"),
        ({"period": {"start": "2025-03-01", "end": "2025-04-01"}, "area": {"level": "county"}}, "area"),
        ({"period": {"start": "2025-03-01", "end": "2025-04-01"}, "area": {"level": "city"}, "kind": "x"}, "kind"),
        ("nonsense", "filter"),
    ]:
        with pytest.raises(RecordQueryError) as raised:
            drill_from_data(broken)
        assert raised.value.field == field
