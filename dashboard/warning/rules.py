"""The early-warning rules: pure logic over reports (no Redis, no database, no clock), so tests can plant anomalies.

- `SpikeRule`: an area's reports in a trailing window against its own baseline for those hours of the week
  (Poisson). The report being evaluated is one of the count, so it alarms when the *other* reports in the window
  reach the smallest k with P(X >= k) <= `alpha` under the baseline: each evaluation (one per report) is a false
  alarm with probability at most `alpha` (0.001) when the area behaves as its history says. Used for a township's
  or a grid's incidents (3 hours) and for a township's hazards of one category (a cluster, 24 hours).
- `RepeatedDisputes`: disputes at one place: `count` (3) or more within `radius_m` (100 m) of each other in one grid
  within `days` (14).
Every report that finds a place above its threshold yields a `Finding`; those of one episode share a key and carry
the count so far, so the alert store (alerts.py) keeps one alert per rule, place and episode and updates it as the
episode grows. `remember()` fills the windows from past reports without evaluating them (a rebuild, windows.py).
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Protocol

from dashboard.warning.severity import Level, spike_level

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
    """What a rule found on one report. The alert store keeps one alert per rule, `place` and episode: a finding on
    a place whose episode is still going updates that alert (its count, ratio, level); otherwise it is a new alert,
    stored under `key` (the same key from any worker that sees the same reports, so a race stores it once)."""

    rule: str
    key: str
    county: str
    township: str | None
    grid: str | None
    at: datetime
    subject: str | None = None  # the event id of the record it is about
    detail: dict[str, Any] = field(default_factory=dict)
    place: str = ""  # where the episode is: an area, a township and category, a record (empty: the key)
    count: int = 1  # reports in the episode so far (what the wall shows as it grows)
    ratio: float | None = None  # observed over expected, for a rule with a baseline
    level: Level = Level.YELLOW
    quiet: timedelta | None = None  # the episode ends after this long with no finding (None: the place is the episode)

    @property
    def episode_place(self) -> str:
        return self.place or self.key


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
    """Reports in a trailing window per area (the `area_of` a report), against the baseline (module doc).

    An area above its threshold is in an episode until `quiet` (default: the window) passes with no report that
    finds it above; every report in the episode yields a finding with the same key, so the store updates one
    alert. `explained(report)`: a report that a finer rule accounts for (a grid in its own spike) is left out of
    this rule's count, so one grid's burst is one alert, not the grid's and its township's."""

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
        quiet: timedelta | None = None,
        explained: Callable[[Report], bool] | None = None,
        source: str = "incidents",
    ) -> None:
        self.name, self.baseline, self.area_of, self.level = name, baseline, area_of, level
        self.source = source  # which baseline it reads: "incidents" or "hazards" (swapped in when reloaded)
        self.window, self.alpha, self.min_count = window, alpha, min_count
        self.quiet = quiet or window
        self.explained = explained
        self.recent: dict[str, deque[datetime]] = defaultdict(deque)
        self.episodes: dict[str, tuple[str, datetime]] = {}  # area -> (its episode's key, last seen above)
        self.evaluations = 0

    @property
    def span(self) -> timedelta:
        """How far back the windows reach: what a rebuild must load."""
        return self.window

    def remember(self, report: Report) -> None:
        """Add a past report to the windows without evaluating it (a rebuild from the database)."""
        area = self.area_of(report)
        if area is not None and not (self.explained and self.explained(report)):
            self._add(area, report.at)

    def _add(self, area: str, at: datetime) -> deque[datetime]:
        times = self.recent[area]
        times.append(at)
        while times and times[0] <= at - self.window:
            times.popleft()
        return times

    def resume(self, place: str, key: str, last_seen: datetime, _count: int) -> None:
        """Go on with an episode the alert table says is still going (a rebuild)."""
        self.episodes[place] = (key, last_seen)

    def in_episode(self, area: str, at: datetime) -> bool:
        episode = self.episodes.get(area)
        return episode is not None and at - episode[1] < self.quiet

    def observe(self, report: Report) -> Finding | None:
        area = self.area_of(report)
        if area is None or (self.explained and self.explained(report)):
            return None
        times = self._add(area, report.at)
        self.evaluations += 1
        start = report.at - self.window
        expected = self.baseline.expected(area, start, report.at)
        observed = sum(1 for moment in times if start < moment <= report.at)
        limit = threshold(round(expected, 3), self.alpha)
        if observed - 1 < limit or observed < self.min_count:
            return None
        key = f"{self.name}:{area}:{report.at:%Y%m%d%H%M%S}:{report.event_id}"
        if self.in_episode(area, report.at):
            key = self.episodes[area][0]  # the same episode, still going: its alert is updated
        self.episodes[area] = (key, report.at)
        return Finding(
            rule=self.name,
            key=key,
            county=report.county,
            township=report.township,
            grid=report.grid if self.level == "grid" else None,
            at=report.at,
            place=area,
            count=observed,
            ratio=round(observed / max(expected, 1e-9), 1),
            level=spike_level(observed, limit + 1),
            quiet=self.quiet,
            detail={
                "area": area,
                "observed": observed,
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
    """Disputes at one place (module doc). One episode per grid: the count is the largest set of disputes within
    `radius_m` of each other seen so far, so a growing cluster updates one alert instead of raising one per size."""

    name = "repeated_disputes"

    def __init__(
        self, *, count: int = 3, radius_m: float = 100.0, days: int = 14, quiet: timedelta | None = None
    ) -> None:
        self.count, self.radius_m, self.span = count, radius_m, timedelta(days=days)
        self.quiet = quiet or self.span
        self.recent: dict[str, deque[Report]] = defaultdict(deque)
        self.episodes: dict[str, tuple[str, datetime, int]] = {}  # grid -> (its episode's key, last seen, largest)

    def resume(self, place: str, key: str, last_seen: datetime, count: int) -> None:
        self.episodes[place] = (key, last_seen, count)

    def remember(self, report: Report) -> None:
        if report.record == "incident" and report.what == "dispute":
            self._add(report)

    def _add(self, report: Report) -> deque[Report]:
        held = self.recent[report.grid]
        held.append(report)
        while held and held[0].at <= report.at - self.span:
            held.popleft()
        return held

    def observe(self, report: Report) -> Finding | None:
        if report.record != "incident" or report.what != "dispute":
            return None
        held = self._add(report)
        near = [r for r in held if metres(r.lat, r.lon, report.lat, report.lon) <= self.radius_m]
        if len(near) < self.count:
            return None
        episode = self.episodes.get(report.grid)
        if episode is not None and report.at - episode[1] < self.quiet:
            key, largest = episode[0], max(episode[2], len(near))
        else:
            anchor = min(near, key=lambda r: (r.at, r.event_id))  # the first of the place
            key, largest = f"{self.name}:{report.grid}:{anchor.event_id}", len(near)
        self.episodes[report.grid] = (key, report.at, largest)
        return Finding(
            rule=self.name,
            key=key,
            county=report.county,
            township=report.township,
            grid=report.grid,
            at=report.at,
            subject=report.event_id,
            place=report.grid,
            count=largest,
            level=spike_level(largest, self.count),
            quiet=self.quiet,
            detail={"disputes": largest, "days": self.span.days, "radius_m": self.radius_m},
        )


def default_rules(
    incidents: Baseline, hazards: Baseline, *, quiet: timedelta | None = None
) -> list[SpikeRule | RepeatedDisputes]:
    """The rules the worker runs on each new report, in this order: a grid's spike before its township's, so the
    township leaves out the reports of a grid already in its own spike. `quiet`: one quiet period for every rule
    (None: each rule's own window)."""
    grid = SpikeRule(
        "grid_spike",
        incidents,
        area_of=lambda r: r.grid if r.record == "incident" else None,
        level="grid",
        quiet=quiet,
    )
    township = SpikeRule(
        "township_spike",
        incidents,
        area_of=lambda r: r.township if r.record == "incident" else None,
        quiet=quiet,
        explained=lambda r: grid.in_episode(r.grid, r.at),
    )
    hazard = SpikeRule(
        "hazard_cluster",
        hazards,
        area_of=lambda r: f"{r.township}:{r.what}" if r.record == "hazard" else None,
        window=timedelta(hours=24),
        quiet=quiet,
        source="hazards",
    )
    return [grid, township, hazard, RepeatedDisputes(quiet=quiet)]
