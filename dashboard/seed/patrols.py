"""The grid log (网格日志): every worker's patrols over the last months, as `PatrolKnobs` describe them.

Each day each worker sets out `per_day` times, morning and afternoon (a third patrol, when `per_day` is 3, in the
evening). A compliant patrol lasts two to three hours; the workers who fall short (`short_share` of them, drawn
once) skip some patrols and cut others short. A patrol still under way at `now` has no end yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from dashboard.data.periods import shift_months
from dashboard.seed.city import City
from dashboard.seed.columns import Table, coded, floats, ints, times
from dashboard.seed.distributions import HOUR, MINUTE, CityClock
from dashboard.seed.profiles import PatrolKnobs

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# Local time windows in which patrols start: morning, afternoon, evening.
START_WINDOWS = (
    (7 * HOUR + 30 * MINUTE, 10 * HOUR + 30 * MINUTE),
    (13 * HOUR + 30 * MINUTE, 16 * HOUR + 30 * MINUTE),
    (18 * HOUR + 30 * MINUTE, 19 * HOUR + 30 * MINUTE),
)


@dataclass(frozen=True)
class PatrolPlan:
    """Which workers fall short (by grid position), and the first day of the log."""

    short: BoolArray
    first_day: date


def first_day(today: date, knobs: PatrolKnobs) -> date:
    """The first day of the log: `months` calendar months before `today`, or `days` days when set."""
    if knobs.days is not None:
        return today - timedelta(days=knobs.days - 1)
    return shift_months(today, -knobs.months)


def generate_patrols(
    city: City, clock: CityClock, knobs: PatrolKnobs, *, today: date, now: int, rng: np.random.Generator
) -> tuple[Table, PatrolPlan]:
    """Every worker's patrols from `first_day` to `now`, in order of day, then patrol, then worker."""
    workers = len(city.grids)
    short = rng.random(workers) < knobs.short_share
    start_day = first_day(today, knobs)
    day_starts = np.array(
        [clock.midnight(start_day + timedelta(days=i)) for i in range((today - start_day).days + 1)], dtype=np.int64
    )
    days, per_day = len(day_starts), knobs.per_day
    shape = (days, per_day, workers)  # day-major: rows come out in time order, roughly
    worker = np.broadcast_to(np.arange(workers), shape).ravel()
    slot = np.broadcast_to(np.arange(per_day)[None, :, None], shape).ravel()
    n = worker.size
    window_start = np.array([START_WINDOWS[min(k, len(START_WINDOWS) - 1)][0] for k in range(per_day)])[slot]
    window_end = np.array([START_WINDOWS[min(k, len(START_WINDOWS) - 1)][1] for k in range(per_day)])[slot]
    started = (
        np.repeat(day_starts, per_day * workers)
        + window_start
        + (rng.random(n) * (window_end - window_start)).astype(np.int64)
    )
    falls_short = short[worker]
    skipped = rng.random(n) < np.where(falls_short, knobs.skip_probability, knobs.compliant_skip_probability)
    cut = falls_short & (rng.random(n) < knobs.short_probability)
    low, high = (
        np.where(cut, knobs.short_minutes[0], knobs.compliant_minutes[0]),
        np.where(cut, knobs.short_minutes[1], knobs.compliant_minutes[1]),
    )
    minutes = low + rng.random(n) * (high - low)
    ended = started + (minutes * MINUTE).astype(np.int64)
    keep = ~skipped & (started <= now)
    worker, started, ended, minutes = worker[keep], started[keep], ended[keep], minutes[keep]
    under_way = ended > now
    speed = rng.uniform(*knobs.metres_per_minute, workers)[worker]
    walked = np.where(under_way, (now - started) / MINUTE, minutes)
    findings = rng.poisson(knobs.findings_per_patrol * minutes / 150.0)
    township, county = city.township_of_grid[worker], city.county_of_grid[worker]
    table = Table(
        "patrol_log",
        {
            "id": ints(np.arange(1, len(worker) + 1)),
            "worker_id": ints(worker + 1),
            "grid_id": ints(worker + 1),
            "township_code": coded([town.code for town in city.townships], township),
            "county_code": coded([c.code for c in city.counties], county),
            "started_at": times(started),
            "ended_at": times(np.where(under_way, 0, ended), under_way),
            "distance_m": floats(np.round(walked * speed, 1)),
            "findings": ints(np.where(under_way, 0, findings)),
        },
    )
    return table, PatrolPlan(short, start_day)
