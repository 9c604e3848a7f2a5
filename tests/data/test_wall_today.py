"""The wall's chart counts on the real database: today's reports per hour of the city's day against yesterday and the
same weekday last week, by kind and category, and per area with the area's patrol coverage, in the account's area.
Expected values come from the rows each test writes."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd

from dashboard.data.db import session_scope
from dashboard.data.periods import CITY, Area, AreaLevel
from dashboard.data.wall_today import hourly_reports, reports_by_area, reports_by_kind, with_coverage
from tests.support.factories import add_city, hazard, incident

ZONE = "Asia/Shanghai"  # UTC+8
TODAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 6, 30)  # 14:30 in the city


def city(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment of the city's clock, as stored (naive UTC)."""
    return datetime(day.year, day.month, day.day, hour, minute) - timedelta(hours=8)


def test_reports_per_hour_today_yesterday_and_last_week_on_the_city_clock():
    yesterday, last_week = TODAY - timedelta(days=1), TODAY - timedelta(days=7)
    with session_scope() as session:
        add_city(session)
        session.add_all(
            [
                incident(city(TODAY, 0, 5)),  # just after the city's midnight: today, though UTC's yesterday
                incident(city(TODAY, 9), kind="dispute"),
                incident(city(TODAY, 9, 59), grid="331081-001-0001"),
                hazard(city(TODAY, 14, 10)),  # the hour running now
                incident(city(TODAY, 15)),  # later than now: a clock ahead of ours, not counted
                incident(city(yesterday, 23, 59)),
                hazard(city(yesterday, 9)),
                incident(city(last_week, 9)),
                incident(city(TODAY - timedelta(days=2), 9)),  # no day the chart draws
            ]
        )
    with session_scope() as session:
        frame = hourly_reports(session, today=TODAY, zone=ZONE, area=CITY, now=NOW)
    counts = {day: dict(zip(rows["hour"], rows["reports"], strict=True)) for day, rows in frame.groupby("day")}
    assert list(counts["today"]) == list(range(15))  # up to the hour running now
    assert {hour: n for hour, n in counts["today"].items() if n} == {0: 1, 9: 2, 14: 1}
    assert list(counts["yesterday"]) == list(range(24)) and list(counts["last_week"]) == list(range(24))
    assert {hour: n for hour, n in counts["yesterday"].items() if n} == {9: 1, 23: 1}
    assert {hour: n for hour, n in counts["last_week"].items() if n} == {9: 1}
    with session_scope() as session:  # a county's wall: its own reports only
        luqiao = hourly_reports(session, today=TODAY, zone=ZONE, area=Area.county("331004"), now=NOW)
    assert int(luqiao[(luqiao["day"] == "today") & (luqiao["hour"] == 9)]["reports"].sum()) == 1


def test_todays_reports_by_kind_and_category_and_by_area_with_patrol_coverage():
    with session_scope() as session:
        add_city(session)
        session.add_all(
            [
                incident(city(TODAY, 8)),
                incident(city(TODAY, 9), kind="dispute"),
                incident(city(TODAY, 10), kind="dispute", grid="331081-001-0001"),
                incident(city(TODAY - timedelta(days=1), 10), kind="dispute"),  # yesterday
                hazard(city(TODAY, 11)),
                hazard(city(TODAY, 12), category="food_safety", grid_id=3, township_code="331004002"),
            ]
        )
    with session_scope() as session:
        kinds = reports_by_kind(session, today=TODAY, zone=ZONE, area=CITY)
        areas = reports_by_area(session, today=TODAY, zone=ZONE, area=CITY)
        townships = reports_by_area(session, today=TODAY, zone=ZONE, area=Area.county("331004"))
    assert set(kinds.itertuples(index=False, name=None)) == {
        ("incident", "criminal", 1),
        ("incident", "dispute", 2),
        ("hazard", "fire", 1),
        ("hazard", "food_safety", 1),
    }
    # the tiny city: 路桥区 (331004) with three grids in two townships, 温岭市 (331081) with one
    patrolled = {"331004-001-0001": 2, "331004-002-0001": 1}
    covered = with_coverage(areas, patrolled, AreaLevel.COUNTY).set_index("code")
    assert covered.loc["331004", ["name", "reports", "grids", "coverage"]].tolist() == ["路桥区", 4, 3, 66.7]
    assert covered.loc["331081", ["name", "reports", "grids", "coverage"]].tolist() == ["温岭市", 1, 1, 0.0]
    by_township = with_coverage(townships, patrolled, AreaLevel.TOWNSHIP).set_index("code")
    assert by_township[["reports", "grids", "coverage"]].to_dict("index") == {
        "331004001": {"reports": 3, "grids": 2, "coverage": 50.0},
        "331004002": {"reports": 1, "grids": 1, "coverage": 100.0},
    }
    assert isinstance(by_township, pd.DataFrame)
