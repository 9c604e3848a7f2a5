"""A zone's clock for stored moments (naive UTC), daylight saving included: each moment's local time, and so its
day, month and hour, by the offset in force at that moment, not today's. For one moment (the consumer's rollup
deltas, the live counters), for arrays of UTC seconds (the seeder's and the importer's rollups) and in SQL (the
rollups rebuilt from the rows), which all count a record in the same local day.

A day in a zone with daylight saving lasts 23 or 25 hours on the nights the clocks change, and 00:30 local time
in summer is 04:30 UTC in New York but 05:30 UTC in winter: adding today's offset to every moment (what a fixed
offset does) moves the records of the first hour after midnight into the day before, for half the year.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
DAY = 86_400


@lru_cache(maxsize=16)
def zone_clock(zone: str) -> ZoneClock:
    """The clock of an IANA zone, e.g. "America/New_York" (one per zone: its offsets are cached)."""
    return ZoneClock(zone)


class ZoneClock:
    def __init__(self, zone: str) -> None:
        self.zone = zone
        self.tz = ZoneInfo(zone)

    # one moment ------------------------------------------------------------------------------------------------

    def local(self, moment: datetime) -> datetime:
        """The naive local time of a naive-UTC moment."""
        return moment.replace(tzinfo=UTC).astimezone(self.tz).replace(tzinfo=None)

    def day(self, moment: datetime) -> date:
        """The local day of a naive-UTC moment."""
        return self.local(moment).date()

    def day_start(self, day: date) -> datetime:
        """The naive-UTC moment a local day begins (where midnight does not exist, the end of the gap)."""
        return datetime.combine(day, time(), self.tz).astimezone(UTC).replace(tzinfo=None)

    # arrays ----------------------------------------------------------------------------------------------------

    def offset_at(self, seconds: int) -> int:
        """The UTC offset, in seconds, in force at a moment given as UTC seconds since 1970."""
        offset = datetime.fromtimestamp(seconds, self.tz).utcoffset()
        return int(offset.total_seconds()) if offset else 0

    def offsets(self, start: int, end: int) -> tuple[Ints, Ints]:
        """The offsets in force over [start, end] (UTC seconds): (the moment each begins, the offset in seconds),
        the first beginning at `start`'s day. Found by the day (no zone changes its offset twice in a day), each
        change to the second."""
        return _offsets(self.zone, start // DAY, end // DAY)

    def local_seconds(self, utc: Ints, present: npt.NDArray[np.bool_] | None = None) -> Ints:
        """Local seconds since 1970 of UTC seconds (rows not `present`, NULLs, come out meaningless: mask them)."""
        utc = np.asarray(utc, dtype=np.int64)
        counted = utc if present is None else utc[present]
        if len(counted) == 0:
            return utc.copy()
        starts, offsets = self.offsets(int(counted.min()), int(counted.max()))
        if len(offsets) == 1:  # no change in the span (every Chinese city): one addition
            return np.asarray(utc + offsets[0], dtype=np.int64)
        which = np.clip(np.searchsorted(starts, utc, side="right") - 1, 0, len(offsets) - 1)
        return np.asarray(utc + offsets[which], dtype=np.int64)

    # SQL -------------------------------------------------------------------------------------------------------

    def sql_shift(self, column: str, dialect: str, start: datetime, end: datetime) -> str:
        """The offset to add to a stored time column (naive UTC) for its local time, as SQL, for values within
        [start, end]: SQLite's date and time modifier ('+28800 seconds'), PostgreSQL's interval. In a span where
        the clocks change, one CASE over the changes (a few a year)."""
        first = int(start.replace(tzinfo=UTC).timestamp())
        last = int(end.replace(tzinfo=UTC).timestamp())
        starts, offsets = self.offsets(min(first, last), max(first, last))

        def shift(seconds: int) -> str:
            return f"'{seconds:+d} seconds'" if dialect == "sqlite" else f"INTERVAL '{seconds} seconds'"

        if len(offsets) == 1:
            return shift(int(offsets[0]))
        timestamp = "" if dialect == "sqlite" else "TIMESTAMP "
        cases = " ".join(
            f"WHEN {column} < {timestamp}'{datetime.fromtimestamp(int(begins), UTC):%Y-%m-%d %H:%M:%S}' "
            f"THEN {shift(int(before))}"
            for begins, before in zip(starts[1:].tolist(), offsets[:-1].tolist(), strict=True)
        )
        return f"(CASE {cases} ELSE {shift(int(offsets[-1]))} END)"


@lru_cache(maxsize=256)
def _offsets(zone: str, first_day: int, last_day: int) -> tuple[Ints, Ints]:
    clock = zone_clock(zone)
    days = range(first_day, last_day + 2)
    daily = [clock.offset_at(day * DAY) for day in days]
    starts, offsets = [first_day * DAY], [daily[0]]
    for day, before, after in zip(days[1:], daily, daily[1:], strict=False):
        if before == after:
            continue
        low, high = (day - 1) * DAY, day * DAY  # the offset at `low` is `before`, at `high` `after`
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if clock.offset_at(middle) == before else (low, middle)
        starts.append(high)
        offsets.append(after)
    return np.array(starts, dtype=np.int64), np.array(offsets, dtype=np.int64)
