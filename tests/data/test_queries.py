"""The headline figures, checked two ways: hand-built rows with known answers (including the edge cases), and
random rows against an independent pandas computation over the raw table."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from dashboard.data.db import get_engine, session_scope
from dashboard.data.periods import CITY, Area, Period
from dashboard.data.queries import case_counts, headline_figures
from tests.support.factories import GRIDS, TOWNSHIPS, add_city, incident, utc

AS_OF = datetime(2026, 11, 25, 12)
YTD = Period(date(2026, 1, 1), date(2026, 11, 26))


@pytest.fixture
def city() -> dict[str, int]:
    with session_scope() as session:
        return add_city(session)


def store(*rows: object) -> None:
    with session_scope() as session:
        session.add_all(rows)


def figures(period: Period, area: Area = CITY, as_of: datetime = AS_OF):
    with session_scope() as session:
        return headline_figures(session, period, area=area, as_of=as_of)


def test_year_to_date_against_last_year_with_known_answers(city):
    this_year = [
        incident(utc("2026-03-01"), solved_at=utc("2026-04-01")),
        incident(utc("2026-05-01")),
        incident(utc("2026-06-01"), solved_at=utc("2026-06-02")),
        incident(utc("2026-11-25", 3)),
    ]
    last_year = [incident(utc(f"2025-0{month}-10"), solved_at=utc(f"2025-0{month}-20")) for month in range(1, 5)]
    last_year.append(incident(utc("2025-07-01")))
    after_span = incident(utc("2025-12-01"), solved_at=utc("2025-12-02"))  # after 25 Nov: not in last year's span
    store(*this_year, *last_year, after_span)

    result = figures(YTD)

    assert (result.current.criminal_filed, result.current.criminal_solved) == (4, 2)
    assert (result.year_over_year.baseline.criminal_filed, result.year_over_year.baseline.criminal_solved) == (5, 4)
    assert result.year_over_year.criminal_filed_change == pytest.approx(-20.0)
    assert result.year_over_year.solve_rate_change == pytest.approx(50.0 - 80.0)


def test_rental_housing_cases_count_every_kind_by_report_time(city):
    store(
        incident(utc("2026-02-01"), kind="dispute", place_type="rental_housing"),
        incident(utc("2026-02-02"), place_type="rental_housing"),
        incident(utc("2026-02-03"), place_type="residence"),
        incident(utc("2025-02-01"), kind="stability", place_type="rental_housing"),
        incident(utc("2025-02-02"), kind="dispute", place_type="rental_housing"),
        incident(utc("2025-02-03"), kind="dispute", place_type="rental_housing"),
        incident(utc("2025-02-04"), kind="dispute", place_type="rental_housing"),
    )
    result = figures(YTD)
    assert result.current.rental_cases == 2
    assert result.year_over_year.rental_cases_change == pytest.approx(-50.0)


def test_empty_period_has_no_rate_and_no_change(city):
    result = figures(Period.month(2026, 10))
    assert (result.current.criminal_filed, result.current.rental_cases) == (0, 0)
    assert result.current.solve_rate is None
    assert result.year_over_year.criminal_filed_change is None
    assert result.year_over_year.solve_rate_change is None


def test_last_years_cases_count_as_solved_by_the_same_moment_last_year(city):
    store(
        incident(utc("2025-03-01"), solved_at=utc("2026-02-01")),  # solved after 25 November 2025: not yet, then
        incident(utc("2025-04-01"), solved_at=utc("2025-11-25", 3)),  # 11:00 in Taizhou, before the noon cut-off
        incident(utc("2026-03-01")),
    )
    result = figures(YTD)
    assert (result.current.criminal_filed, result.current.criminal_solved) == (1, 0)
    last_year = result.year_over_year.baseline
    assert (last_year.criminal_filed, last_year.criminal_solved) == (2, 1)
    assert last_year.solved_by == datetime(2025, 11, 25, 12)
    # Counted as it stood at the end of 2025, the late case was not yet solved either way.
    as_of_then = figures(Period.year(2025), as_of=datetime(2025, 12, 31)).current
    assert (as_of_then.criminal_filed, as_of_then.criminal_solved) == (2, 1)


def test_the_month_before_counts_as_solved_by_the_same_moment_a_month_earlier(city):
    store(
        incident(utc("2026-10-10"), solved_at=utc("2026-11-03")),  # solved after 5 November: not counted
        incident(utc("2026-10-11"), solved_at=utc("2026-11-04")),
        incident(utc("2026-11-02"), solved_at=utc("2026-11-20")),
    )
    result = figures(Period.month(2026, 11), as_of=datetime(2026, 12, 5, 4))  # 12:00 on 5 December in Taizhou
    previous = result.period_over_period.baseline
    assert previous.solved_by == datetime(2026, 11, 5, 4)
    assert (previous.criminal_filed, previous.criminal_solved) == (2, 2)
    store(incident(utc("2026-10-12"), solved_at=datetime(2026, 11, 5, 5)))  # an hour past the cut-off
    result = figures(Period.month(2026, 11), as_of=datetime(2026, 12, 5, 4))
    assert (result.period_over_period.baseline.criminal_filed, result.period_over_period.baseline.criminal_solved) == (
        3,
        2,
    )


def test_n_day_solve_rate_counts_cases_solved_within_n_days_of_filing(city):
    filed = utc("2026-03-01")
    store(
        incident(filed, solved_at=filed + timedelta(days=29, hours=23)),
        incident(filed, solved_at=filed + timedelta(days=30, hours=1)),
        incident(filed, solved_at=filed + timedelta(days=89)),
        incident(filed),
    )
    with session_scope() as session:
        thirty = case_counts(session, YTD, as_of=AS_OF, within_days=30)
        ninety = case_counts(session, YTD, as_of=AS_OF, within_days=90)
    assert (thirty.criminal_filed, thirty.criminal_solved) == (4, 1)
    assert (ninety.criminal_filed, ninety.criminal_solved) == (4, 3)


def test_filing_time_decides_not_report_time(city):
    store(incident(utc("2025-12-20"), filed_at=utc("2026-01-05")))
    assert figures(YTD).current.criminal_filed == 1


def test_period_crossing_a_year_boundary_uses_the_city_clock(city):
    winter = Period(date(2025, 12, 15), date(2026, 1, 15))
    store(
        incident(datetime(2025, 12, 31, 15, 30)),  # 23:30 on 31 December in Taizhou: inside
        incident(datetime(2026, 1, 14, 15, 59)),  # 23:59 on 14 January in Taizhou: inside
        incident(datetime(2026, 1, 14, 16, 30)),  # 00:30 on 15 January in Taizhou: outside
        incident(datetime(2024, 12, 14, 16, 0)),  # 00:00 on 15 December 2024 in Taizhou: last year, inside
        incident(datetime(2024, 12, 14, 15, 59)),  # 23:59 on 14 December 2024: before last year's span
    )
    result = figures(winter)
    assert result.current.criminal_filed == 2
    assert result.year_over_year.baseline.period == Period(date(2024, 12, 15), date(2025, 1, 15))
    assert result.year_over_year.baseline.criminal_filed == 1


def test_29_february_compares_with_28_february(city):
    leap_day = Period(date(2024, 2, 29), date(2024, 3, 1))
    store(
        incident(utc("2024-02-29")),
        incident(utc("2024-02-29")),
        incident(utc("2023-02-28")),
        incident(utc("2023-03-01")),
    )
    result = figures(leap_day, as_of=datetime(2024, 3, 2))
    assert result.year_over_year.baseline.period == Period(date(2023, 2, 28), date(2023, 3, 1))
    assert (result.current.criminal_filed, result.year_over_year.baseline.criminal_filed) == (2, 1)
    assert result.year_over_year.criminal_filed_change == pytest.approx(100.0)


def test_month_compares_with_the_previous_calendar_month(city):
    store(incident(utc("2026-03-31")), incident(utc("2026-02-28")), incident(utc("2026-02-01")))
    result = figures(Period.month(2026, 3))
    assert result.period_over_period.baseline.period == Period.month(2026, 2)
    assert result.period_over_period.criminal_filed_change == pytest.approx(-50.0)


def test_areas_keep_only_their_incidents(city):
    store(*(incident(utc("2026-04-01"), grid=code) for code in GRIDS))
    assert figures(YTD, Area.county("331004")).current.criminal_filed == 3
    assert figures(YTD, Area.township("331004001")).current.criminal_filed == 2
    assert figures(YTD, Area.grid("331004-002-0001")).current.criminal_filed == 1
    assert figures(YTD, Area.grid("999999-999-9999")).current.criminal_filed == 0


# An independent computation: the raw rows through pandas, with the definitions of DOMAIN.md written out again.
TAIZHOU = ZoneInfo("Asia/Shanghai")


def local_day(column: pd.Series) -> pd.Series:
    return column.dt.tz_localize("UTC").dt.tz_convert(TAIZHOU).dt.date


def pandas_counts(rows: pd.DataFrame, period: Period, as_of: datetime) -> tuple[int, int, int]:
    filed_day, reported_day = local_day(rows["filed_at"]), local_day(rows["reported_at"])
    in_period = lambda day: day.notna() & (day >= period.start) & (day < period.end)  # noqa: E731
    filed = (rows["kind"] == "criminal") & in_period(filed_day)
    solved = filed & rows["solved_at"].notna() & (rows["solved_at"] <= as_of)
    rental = (rows["place_type"] == "rental_housing") & in_period(reported_day)
    return int(filed.sum()), int(solved.sum()), int(rental.sum())


def random_incidents(rng: random.Random, count: int) -> list[object]:
    rows = []
    for _ in range(count):
        kind = rng.choice(["criminal", "criminal", "dispute", "stability", "safety_accident"])
        reported = datetime(2023, 1, 1) + timedelta(minutes=rng.randrange(0, 4 * 365 * 24 * 60))
        filed = reported + timedelta(hours=rng.randrange(0, 200)) if kind == "criminal" else None
        solved = (filed or reported) + timedelta(days=rng.randrange(0, 400)) if rng.random() < 0.6 else None
        rows.append(
            incident(
                reported,
                kind=kind,
                grid=rng.choice(list(GRIDS)),
                filed_at=filed,
                solved_at=solved,
                place_type=rng.choice(["rental_housing", "residence", "enterprise"]),
            )
        )
    return rows


def test_figures_equal_an_independent_pandas_computation(city):
    rng = random.Random(20261125)
    store(*random_incidents(rng, 600))
    raw = pd.read_sql(
        "SELECT kind, place_type, reported_at, filed_at, solved_at, grid_id, county_code, township_code FROM incident",
        get_engine(),
    )
    for column in ("reported_at", "filed_at", "solved_at"):
        raw[column] = pd.to_datetime(raw[column])
    grid_ids = {code: number for number, code in enumerate(GRIDS, start=1)}
    areas = [
        (CITY, raw),
        *((Area.county(code), raw[raw.county_code == code]) for code in set(TOWNSHIPS.values())),
        *((Area.township(code), raw[raw.township_code == code]) for code in TOWNSHIPS),
        *((Area.grid(code), raw[raw.grid_id == grid_ids[code]]) for code in GRIDS),
    ]
    periods = [YTD, Period.year(2025), Period.month(2024, 2), Period(date(2024, 12, 20), date(2025, 2, 10))]
    as_of = datetime(2026, 6, 1)
    for area, rows in areas:
        for period in periods:
            with session_scope() as session:
                counts = case_counts(session, period, area=area, as_of=as_of)
            expected = pandas_counts(rows, period, as_of)
            assert (counts.criminal_filed, counts.criminal_solved, counts.rental_cases) == expected, (area, period)


def late_solved_cases(rng: random.Random, count: int) -> list[object]:
    """Criminal cases filed from January 2025 to June 2026, most solved, many of them months later."""
    rows = []
    for _ in range(count):
        filed = datetime(2025, 1, 1) + timedelta(minutes=rng.randrange(0, 525 * 24 * 60))
        solved = filed + timedelta(hours=rng.randrange(1, 300 * 24)) if rng.random() < 0.8 else None
        rows.append(incident(filed, grid=rng.choice(list(GRIDS)), solved_at=solved))
    return rows


def test_comparisons_equal_an_independent_same_lag_pandas_computation(city):
    """Last year's and last month's cases were solved late: each baseline counts them solved by its own moment."""
    store(*late_solved_cases(random.Random(18), 1_500))
    rows = pd.read_sql("SELECT kind, place_type, reported_at, filed_at, solved_at FROM incident", get_engine())
    for column in ("reported_at", "filed_at", "solved_at"):
        rows[column] = pd.to_datetime(rows[column])
    as_of = datetime(2026, 6, 10, 4)  # 12:00 on 10 June in Taizhou
    cases = [  # the period, and the moments its 同比 and 环比 baselines are counted at
        (Period.month(2026, 5), datetime(2025, 6, 10, 4), datetime(2026, 5, 10, 4)),
        (Period(date(2026, 1, 1), date(2026, 6, 11)), datetime(2025, 6, 10, 4), datetime(2025, 12, 31, 4)),
    ]
    for period, last_year_moment, previous_moment in cases:
        result = figures(period, as_of=as_of)
        now_filed, now_solved, _ = pandas_counts(rows, period, as_of)
        for comparison, moment in (
            (result.year_over_year, last_year_moment),
            (result.period_over_period, previous_moment),
        ):
            filed, solved, _ = pandas_counts(rows, comparison.baseline.period, moment)
            assert (comparison.baseline.criminal_filed, comparison.baseline.criminal_solved) == (filed, solved)
            expected = 100.0 * now_solved / now_filed - 100.0 * solved / filed
            assert comparison.solve_rate_change == pytest.approx(expected)
            # the lag matters in these rows: counted by now, the baseline would have had more solved
            assert pandas_counts(rows, comparison.baseline.period, as_of)[1] > solved
