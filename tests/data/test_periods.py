"""Periods as leaders count them: 同比 one calendar year back, 环比 the span just before, on Taizhou's clock."""

from datetime import date, datetime

import pytest

from dashboard.data.periods import Area, AreaLevel, Period, comparable_as_of

pytestmark = pytest.mark.db_independent  # never touches the configured database: once, not on both


def test_same_period_last_year_of_year_to_date():
    ytd = Period.year_to_date(date(2026, 11, 25))
    assert ytd == Period(date(2026, 1, 1), date(2026, 11, 26))
    assert ytd.same_period_last_year() == Period(date(2025, 1, 1), date(2025, 11, 26))


def test_a_span_ending_on_29_february_ends_on_28_february_a_year_earlier():
    assert Period(date(2024, 1, 1), date(2024, 3, 1)).same_period_last_year() == Period(
        date(2023, 1, 1), date(2023, 3, 1)
    )
    assert Period(date(2024, 2, 29), date(2024, 3, 1)).same_period_last_year() == Period(
        date(2023, 2, 28), date(2023, 3, 1)
    )


def test_previous_month_crosses_the_year_boundary():
    assert Period.month(2026, 1).previous() == Period.month(2025, 12)
    assert Period.last_full_month(date(2026, 1, 15)) == Period.month(2025, 12)
    assert Period.month(2024, 3).previous() == Period(date(2024, 2, 1), date(2024, 3, 1))  # 29 days


def test_previous_of_a_span_of_days_is_as_many_days_before():
    span = Period(date(2026, 3, 10), date(2026, 3, 20))
    assert span.previous() == Period(date(2026, 2, 28), date(2026, 3, 10))


@pytest.mark.parametrize(
    ("period", "baseline", "as_of", "expected"),
    [  # naive UTC; 16:00 UTC is midnight in Taizhou, so the step is taken on the next city-clock day
        (Period.month(2026, 11), Period.month(2025, 11), datetime(2026, 12, 5, 4), datetime(2025, 12, 5, 4)),
        (Period.month(2026, 11), Period.month(2026, 10), datetime(2026, 12, 5, 4), datetime(2026, 11, 5, 4)),
        (Period.month(2026, 3), Period.month(2026, 2), datetime(2026, 3, 30, 16, 30), datetime(2026, 2, 27, 16, 30)),
        (Period.month(2024, 3), Period.month(2023, 3), datetime(2024, 2, 28, 16), datetime(2023, 2, 27, 16)),
        (
            Period(date(2026, 3, 10), date(2026, 3, 20)),
            Period(date(2026, 2, 28), date(2026, 3, 10)),
            datetime(2026, 3, 21, 2),
            datetime(2026, 3, 11, 2),
        ),
    ],
)
def test_a_baseline_is_counted_at_the_moment_that_stands_to_it_as_now_to_the_period(period, baseline, as_of, expected):
    assert comparable_as_of(period, baseline, as_of, "Asia/Shanghai") == expected


def test_utc_bounds_follow_the_city_clock():
    start, end = Period.year(2026).utc_bounds("Asia/Shanghai")
    assert (start, end) == (datetime(2025, 12, 31, 16), datetime(2026, 12, 31, 16))


def test_a_period_must_end_after_it_starts():
    with pytest.raises(ValueError, match="must end after it starts"):
        Period(date(2026, 3, 1), date(2026, 3, 1))


def test_an_area_needs_a_code_except_the_city():
    with pytest.raises(ValueError):
        Area(AreaLevel.COUNTY)
    with pytest.raises(ValueError):
        Area(AreaLevel.CITY, "331004")
