"""The wall's chart counts on the real database: today's reports per hour of the city's day against yesterday and the
same weekday last week, by kind and category, and per area with the area's patrol coverage, in the account's area.
Expected values come from the rows each test writes."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from dashboard.data.db import session_scope
from dashboard.data.periods import CITY, Area, AreaLevel
from dashboard.data.wall_today import day_span, hourly_reports, reports_by_area, reports_by_kind, with_coverage
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


def local_hour(moment: datetime, zone: str) -> int:
    """The hour of the city's clock of a stored moment, one moment at a time, as a person reads it off a clock."""
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).hour


@pytest.mark.parametrize(
    ("zone", "day", "hours"),
    [
        ("Europe/Berlin", date(2026, 3, 29), 23),  # 02:00 never happens: the clocks go from 02:00 to 03:00
        ("Europe/Berlin", date(2026, 10, 25), 25),  # 02:00-03:00 happens twice
        ("Australia/Lord_Howe", date(2026, 4, 5), 24.5),  # a half-hour change: 01:30-02:00 happens twice
        ("Asia/Kathmandu", date(2026, 3, 10), 24),  # UTC+5:45 all year
    ],
)
def test_reports_per_hour_follow_the_city_clock_on_daylight_saving_days(zone: str, day: date, hours: float):
    start, end = day_span(day, zone)
    assert (end - start) / timedelta(hours=1) == hours
    # A report every 7 minutes from before the day to into the next, so every hour and both sides of each change
    # have some; one on the weekday a week before the next day.
    moments = [start - timedelta(hours=2) + n * timedelta(minutes=7) for n in range(int((hours + 5) * 60 / 7))]
    last_week = day_span(day - timedelta(days=6), zone)[0] + timedelta(minutes=50)
    with session_scope() as session:
        add_city(session)
        session.add_all(incident(moment) for moment in moments[::2])
        session.add_all(hazard(moment) for moment in [*moments[1::2], last_week])

    def per_hour(since: datetime, until: datetime) -> dict[int, int]:
        return dict(Counter(local_hour(moment, zone) for moment in moments if since <= moment <= until))

    def drawn(frame: pd.DataFrame, name: str) -> dict[int, int]:
        rows = frame[frame["day"] == name]
        return {hour: n for hour, n in zip(rows["hour"], rows["reports"], strict=True) if n}

    now = end + timedelta(hours=1, minutes=30)  # the next day, 01:30 or so
    with session_scope() as session:  # the day as yesterday: all of it
        frame = hourly_reports(session, today=day + timedelta(days=1), zone=zone, area=CITY, now=now)
    assert drawn(frame, "yesterday") == per_hour(start, end - timedelta(microseconds=1))
    assert sum(drawn(frame, "yesterday").values()) == sum(start <= moment < end for moment in moments)
    assert drawn(frame, "today") == per_hour(end, now) and drawn(frame, "last_week") == {local_hour(last_week, zone): 1}
    now = start + timedelta(hours=5)  # the day as today, while it runs: up to the hour on the clock now
    with session_scope() as session:
        frame = hourly_reports(session, today=day, zone=zone, area=CITY, now=now)
    assert frame[frame["day"] == "today"]["hour"].tolist() == list(range(local_hour(now, zone) + 1))
    assert drawn(frame, "today") == per_hour(start, now)


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
