"""Periods and areas, as leaders speak of them: "this year to date against the same period last year".

A period is a span of calendar days on the city's clock (dashboard.data.city_zone), start inclusive, end exclusive.
The database stores naive UTC, so a period turns into UTC bounds only at the moment it is queried.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

# Periods outside these years are typing mistakes or probes; near the ends of the calendar the comparison period and
# the city clock's UTC bounds would not even exist.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def shift_years(day: date, years: int) -> date:
    """The same calendar day `years` later (negative: earlier); 29 February becomes 28 February."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def shift_months(day: date, months: int) -> date:
    """The same day of the month `months` later; the last day of a shorter month when it has no such day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class Period:
    start: date  # first day, inclusive
    end: date  # the day after the last, exclusive

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"a period must end after it starts: {self.start} .. {self.end}")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        first = date(year, month, 1)
        return cls(first, shift_months(first, 1))

    @classmethod
    def last_full_month(cls, today: date) -> Period:
        """The calendar month before the one `today` is in."""
        previous = shift_months(date(today.year, today.month, 1), -1)
        return cls.month(previous.year, previous.month)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year + 1, 1, 1))

    @classmethod
    def year_to_date(cls, today: date) -> Period:
        """1 January up to and including `today`."""
        return cls(date(today.year, 1, 1), today + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def in_supported_years(self) -> bool:
        return date(FIRST_YEAR, 1, 1) <= self.start and self.end <= date(LAST_YEAR + 1, 1, 1)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def whole_months(self) -> int:
        """How many calendar months the period is, or 0 when it does not start and end on a month's first day."""
        if self.start.day != 1 or self.end.day != 1:
            return 0
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month

    def runs_past(self, today: date) -> bool:
        """Whether the period is not over on `today` (a city-clock day): its last week or month is incomplete."""
        return self.end > today

    def same_period_last_year(self) -> Period:
        """同比: the same calendar span one year earlier (a span ending on 29 February ends on 28 February)."""
        return Period(
            shift_years(self.start, -1),
            shift_years(self.last_day, -1) + timedelta(days=1),
        )

    def previous(self) -> Period:
        """环比: the span just before. Whole calendar months step back by months, any other span by its days."""
        months = self.whole_months
        if months:
            return Period(shift_months(self.start, -months), self.start)
        return Period(self.start - timedelta(days=self.days), self.start)

    def utc_bounds(self, zone: str) -> tuple[datetime, datetime]:
        """[start, end) as naive UTC datetimes, the form the database stores."""
        tz = ZoneInfo(zone)

        def to_utc(day: date) -> datetime:
            return datetime.combine(day, time(), tz).astimezone(UTC).replace(tzinfo=None)

        return to_utc(self.start), to_utc(self.end)


def comparable_as_of(period: Period, baseline: Period, as_of: datetime, zone: str) -> datetime:
    """Like for like (截至去年同期): the moment that stands to `baseline` as `as_of` stands to `period`, so a "closed
    by now" rate of the baseline gives its cases the same time to close. `as_of` moves back one year when the
    baseline is the same period last year (同比), by the period's own step when it is the period before (环比: whole
    calendar months by months, any other span by its days), and by the distance between the two starts otherwise.
    The step is taken on the city's clock (`zone`); moments are naive UTC, as stored."""
    tz = ZoneInfo(zone)
    local = as_of.replace(tzinfo=UTC).astimezone(tz)
    if baseline == period.same_period_last_year():
        day = shift_years(local.date(), -1)
    elif period.whole_months and baseline == period.previous():
        day = shift_months(local.date(), -period.whole_months)
    else:
        day = local.date() - (period.start - baseline.start)
    moved = datetime.combine(day, local.time().replace(tzinfo=None), tz)
    return moved.astimezone(UTC).replace(tzinfo=None)


def utc_now() -> datetime:
    """Now, as the database stores moments: naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


class AreaLevel(StrEnum):
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"
    GRID = "grid"


@dataclass(frozen=True)
class Area:
    """Where a figure is counted: the whole city, or one county, township or grid (by its code)."""

    level: AreaLevel = AreaLevel.CITY
    code: str | None = None

    def __post_init__(self) -> None:
        if (self.level is AreaLevel.CITY) != (self.code is None):
            raise ValueError(f"area {self.level.value!r} {'takes no' if self.code else 'needs a'} code")

    @classmethod
    def county(cls, code: str) -> Area:
        return cls(AreaLevel.COUNTY, code)

    @classmethod
    def township(cls, code: str) -> Area:
        return cls(AreaLevel.TOWNSHIP, code)

    @classmethod
    def grid(cls, code: str) -> Area:
        return cls(AreaLevel.GRID, code)

    @property
    def county_code(self) -> str | None:
        """The county the area lies in: township and grid codes begin with their county's six digits."""
        return None if self.code is None else self.code[:6]


CITY = Area()
