"""The early-warning rules: pure logic over reports (no Redis, no database, no clock), so tests can plant anomalies.

- `SpikeRule`: an area's reports in a trailing window against its own baseline for those hours of the week
  (Poisson). The report being evaluated is one of the count, so it alarms when the *other* reports in the window
  reach the smallest k with P(X >= k) <= `alpha` under the baseline: each evaluation (one per report) is a false
  alarm with probability at most `alpha` (0.001) when the area behaves as its history says. Used for a township's
  or a grid's incidents (3 hours) and for a township's hazards of one category (a cluster, 24 hours).
- `RepeatedDisputes`: disputes at one place: `count` (3) or more within `radius_m` (100 m) of each other in one grid
  within `days` (14).
A spike rule returns one `Finding` per episode: none while the area stays above its threshold within `window` of its
last alert. The alert store keeps one alert per `key`.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Protocol

ALPHA = 0.001  # the stated false-alarm probability per evaluation of a spike rule
EARTH_RADIUS_M = 6_371_000.0


@dataclass(frozen=True)
class Report:
    """What the rules see of a new incident or hazard report. `at` is naive UTC."""

    record: str  # incident | hazard
    what: str  # an incident kind or a hazard category
    subtype: str
    grid: str  # grid code, e.g. 331004-003-0123
    at: datetime
    event_id: str
    lat: float = 0.0
    lon: float = 0.0

    @property
    def township(self) -> str:
        return self.grid[:6] + self.grid[7:10]

    @property
    def county(self) -> str:
        return self.grid[:6]


@dataclass(frozen=True)
class Finding:
    rule: str
    key: str  # one alert per key
    county: str
    township: str | None
    grid: str | None
    at: datetime
    subject: str | None = None  # the event id of the record it is about
    detail: dict[str, Any] = field(default_factory=dict)


class Baseline(Protocol):
    def expected(self, area: str, start: datetime, end: datetime) -> float:
        """Reports expected in `area` over [start, end) from its own history."""
        ...


def poisson_at_least(k: int, lam: float) -> float:
    """P(X >= k) for X ~ Poisson(lam)."""
    if k <= 0:
        return 1.0
    term = math.exp(-lam)
    below = term
    for i in range(1, k):
        term *= lam / i
        below += term
    return max(0.0, 1.0 - below)


@lru_cache(maxsize=65_536)
def threshold(lam: float, alpha: float = ALPHA) -> int:
    """The smallest k with P(X >= k) <= alpha, X ~ Poisson(lam)."""
    k = max(1, int(lam))
    while poisson_at_least(k, lam) > alpha:
        k += 1
    return k


class SpikeRule:
    """Reports in a trailing window per area (the `area_of` a report), against the baseline (module doc)."""

    def __init__(
        self,
        name: str,
        baseline: Baseline,
        *,
        area_of: Callable[[Report], str | None],
        level: str = "township",
        window: timedelta = timedelta(hours=3),
        alpha: float = ALPHA,
        min_count: int = 3,
    ) -> None:
        self.name, self.baseline, self.area_of, self.level = name, baseline, area_of, level
        self.window, self.alpha, self.min_count = window, alpha, min_count
        self.recent: dict[str, deque[datetime]] = defaultdict(deque)
        self.raised: dict[str, datetime] = {}  # the last alert per area: one alert per episode, not per report
        self.evaluations = 0

    def observe(self, report: Report) -> Finding | None:
        area = self.area_of(report)
        if area is None:
            return None
        times = self.recent[area]
        times.append(report.at)
        while times and times[0] <= report.at - self.window:
            times.popleft()
        self.evaluations += 1
        start = report.at - self.window
        expected = self.baseline.expected(area, start, report.at)
        others = sum(1 for moment in times if moment <= report.at) - 1
        limit = threshold(round(expected, 3), self.alpha)
        if others < limit or others + 1 < self.min_count:
            return None
        last = self.raised.get(area)
        self.raised[area] = report.at
        if last is not None and report.at - last < self.window:
            return None  # the same episode, still going: its alert stands
        return Finding(
            rule=self.name,
            key=f"{self.name}:{area}:{report.at:%Y%m%d%H%M%S}",
            county=report.county,
            township=report.township,
            grid=report.grid if self.level == "grid" else None,
            at=report.at,
            detail={
                "area": area,
                "observed": others + 1,
                "expected": round(expected, 2),
                "threshold": limit + 1,
                "hours": self.window.total_seconds() / 3600,
                "what": report.what if self.name == "hazard_cluster" else None,
            },
        )


def metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


class RepeatedDisputes:
    """Disputes at one place (module doc)."""

    name = "repeated_disputes"

    def __init__(self, *, count: int = 3, radius_m: float = 100.0, days: int = 14) -> None:
        self.count, self.radius_m, self.span = count, radius_m, timedelta(days=days)
        self.recent: dict[str, deque[Report]] = defaultdict(deque)

    def observe(self, report: Report) -> Finding | None:
        if report.record != "incident" or report.what != "dispute":
            return None
        held = self.recent[report.grid]
        held.append(report)
        while held and held[0].at <= report.at - self.span:
            held.popleft()
        near = [r for r in held if metres(r.lat, r.lon, report.lat, report.lon) <= self.radius_m]
        if len(near) < self.count:
            return None
        anchor = min(near, key=lambda r: (r.at, r.event_id))  # the first of the place: one alert per place
        return Finding(
            rule=self.name,
            key=f"{self.name}:{report.grid}:{anchor.event_id}",
            county=report.county,
            township=report.township,
            grid=report.grid,
            at=report.at,
            subject=report.event_id,
            detail={"disputes": len(near), "days": self.span.days, "radius_m": self.radius_m},
        )


def default_rules(incidents: Baseline, hazards: Baseline) -> list[SpikeRule | RepeatedDisputes]:
    """The rules the worker runs on each new report."""
    return [
        SpikeRule(
            "township_spike",
            incidents,
            area_of=lambda r: r.township if r.record == "incident" else None,
        ),
        SpikeRule("grid_spike", incidents, area_of=lambda r: r.grid if r.record == "incident" else None, level="grid"),
        SpikeRule(
            "hazard_cluster",
            hazards,
            area_of=lambda r: f"{r.township}:{r.what}" if r.record == "hazard" else None,
            window=timedelta(hours=24),
        ),
        RepeatedDisputes(),
    ]
