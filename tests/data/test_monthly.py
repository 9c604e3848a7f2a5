"""月度通报 figures against independent counts over the raw rows (tests/support/monthly_data.py)."""

from __future__ import annotations

import math
from datetime import date

from sqlalchemy import text

from dashboard.data import monthly
from dashboard.data.db import get_engine, session_scope
from dashboard.data.periods import CITY, Area, Period
from dashboard.data.rollups import rebuild_rollups
from tests.support.factories import add_city, incident, utc
from tests.support.monthly_data import (
    AS_OF,
    MONTH,
    add_month_city,
    county_counts,
    grid_reported,
    hazards_by_department,
    patrol_days,
)

LAST_YEAR, PREVIOUS = MONTH.same_period_last_year(), MONTH.previous()


def test_headline_and_reported_equal_the_raw_rows():
    add_month_city()
    with session_scope() as session:
        headline = monthly.month_headline(session, MONTH, CITY)
    now, then, before = (county_counts(span) for span in (MONTH, LAST_YEAR, PREVIOUS))
    current = headline.figures.current
    assert current.criminal_filed == sum(c["filed"] for c in now.values()) > 0
    assert current.criminal_solved == sum(c["solved"] for c in now.values())
    assert current.rental_cases == sum(c["rental"] for c in now.values())
    assert headline.figures.year_over_year.baseline.criminal_filed == sum(c["filed"] for c in then.values())
    assert headline.figures.period_over_period.baseline.criminal_filed == sum(c["filed"] for c in before.values())
    assert (headline.reported, headline.baseline_reported, headline.previous_reported) == tuple(
        sum(c["reported"] for c in counts.values()) for counts in (now, then, before)
    )


def test_area_ranking_counts_ranks_and_changes():
    add_month_city()
    with session_scope() as session:
        ranking = monthly.area_ranking(session, MONTH, CITY)
    now, then, before = (county_counts(span) for span in (MONTH, LAST_YEAR, PREVIOUS))
    assert sorted(ranking["code"]) == ["331004", "331081"]
    for row in ranking.itertuples():
        assert (row.filed, row.solved, row.rental) == (
            now[row.code]["filed"],
            now[row.code]["solved"],
            now[row.code]["rental"],
        )
        assert (row.baseline_filed, row.previous_filed) == (then[row.code]["filed"], before[row.code]["filed"])
        expected = 100.0 * (row.filed - row.baseline_filed) / row.baseline_filed
        assert math.isclose(row.filed_change, expected)
        assert math.isclose(row.rate_change, 100.0 * row.solved / row.filed - row.baseline_rate)
    assert list(ranking["rank"]) == [1, 2] and ranking["filed"].is_monotonic_decreasing


def test_tied_areas_share_a_rank_and_each_has_its_rate_per_10000_residents():
    with session_scope() as session:
        add_city(session)
        session.execute(text("UPDATE grid SET residents = 1000 * id, migrants = 300"))
        for grid in ("331004-001-0001", "331004-002-0001", "331004-001-0002", "331081-001-0001"):
            session.add(incident(utc("2025-06-10"), grid=grid))
        session.add_all(incident(utc("2025-06-12"), grid="331081-001-0001") for _ in range(2))
    with get_engine().begin() as connection:
        rebuild_rollups(connection)
        query = text("SELECT county_code, SUM(residents + migrants) FROM grid GROUP BY county_code")
        people = {str(code): int(total) for code, total in connection.execute(query)}
    with session_scope() as session:
        ranking = monthly.area_ranking(session, MONTH, CITY).set_index("code")
    assert list(ranking["filed"]) == [3, 3] and list(ranking["rank"]) == [1, 1]  # a tie shares the rank
    for code, row in ranking.iterrows():
        assert row["residents"] == people[code]
        assert math.isclose(row["per_10k"], 3 / people[code] * 10_000)
        assert bool(row["small_base"])  # nothing filed in June 2024: a change on no base


def test_a_county_ranks_its_townships():
    add_month_city()
    with session_scope() as session:
        ranking = monthly.area_ranking(session, MONTH, Area.county("331004"))
    now = county_counts(MONTH, county="331004")
    assert sorted(ranking["code"]) == ["331004001", "331004002"]
    assert {row.code: row.filed for row in ranking.itertuples()} == {
        code: now[code]["filed"] for code in ranking["code"]
    }


def test_rising_grids_are_the_largest_rises_over_last_year():
    add_month_city()
    with session_scope() as session:
        rising = monthly.rising_grids(session, MONTH, CITY)
    now, then = grid_reported(MONTH), grid_reported(LAST_YEAR)
    expected = sorted(
        ((code, now[code] - then[code]) for code in set(now) | set(then) if now[code] > then[code]),
        key=lambda pair: (-pair[1], pair[0]),
    )
    assert list(zip(rising["code"], rising["increase"], strict=True)) == expected
    assert all(rising["reported"] - rising["baseline"] == rising["increase"])


def test_hazards_by_department_equal_the_raw_rows():
    add_month_city()
    with session_scope() as session:
        hazards = monthly.hazards_by_department(session, MONTH, CITY, as_of=AS_OF)
    expected = hazards_by_department(MONTH, AS_OF)
    got = {row.department: (row.found, row.rectified, row.overdue) for row in hazards.itertuples()}
    assert got == expected and sum(found for found, _, _ in expected.values()) > 0
    for row in hazards.itertuples():
        assert math.isclose(row.rate, 100.0 * row.rectified / row.found)


def test_patrol_compliance_by_county_equals_the_raw_patrols():
    add_month_city()
    with session_scope() as session:
        patrols = monthly.patrols_by_area(session, MONTH, CITY, today=date(2026, 1, 1))
    expected = patrol_days(MONTH)
    got = {row.code: (row.worker_days, row.compliant_days) for row in patrols.itertuples()}
    assert got == expected
    assert 0 < sum(ok for _, ok in expected.values()) < sum(due for due, _ in expected.values())


def test_an_empty_month_is_empty():
    add_month_city()
    empty_month = Period.month(2023, 2)
    with session_scope() as session:
        assert not monthly.has_rows(session, empty_month, CITY)
        assert monthly.has_rows(session, MONTH, CITY)
        report = monthly.monthly_report(session, empty_month, CITY, as_of=AS_OF, today=date(2026, 1, 1))
    assert report.is_empty
    assert list(report.ranking["filed"]) == [0, 0] and report.rising.empty and report.hazards.empty
