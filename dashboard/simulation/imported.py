"""A city imported from files: the simulator's draws from its imported history, read from the rollup tables the
pages read too, or neutral defaults for what has no history.

- how often: each kind's (hazard category's) count over the last 365 days of its history (up to its latest record;
  a shorter history scaled up to a year), spread over the hours of the week by the history's reports per local
  weekday and hour;
- what: subtypes in the history's proportions; an incident's place in its subtype's proportions; hazards major in
  the history's share;
- where: grids in proportion to the family's history there, plus one report's worth in each grid (a grid with no
  history yet is rare, not silent).

A table with no history at all (e.g. a city that imported only incidents has no hazards) gets neutral defaults for
its families: the default profile's volume per grid, every grid alike, the taxonomy's subtypes in the seed's
proportions (none that needs a fishing port), and the seed's shape of the day and week (no season, no festival).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.data.geography import Grid
from dashboard.data.models import Hazard, HazardDaily, IncidentCityHourMonth, IncidentDaily
from dashboard.data.vocab import HazardCategory, HazardSeverity, IncidentKind, PlaceType
from dashboard.seed import distributions as dist
from dashboard.simulation.draws import Family
from dashboard.simulation.seeded import profile_volumes, rhythm_of

FloatArray = npt.NDArray[np.float64]

DEFAULT_GRIDS = 7_369  # the default profile's city (Taizhou): its volumes per grid are the neutral default
YEAR_DAYS = 365
SHORTEST_SPAN_DAYS = 28  # a history shorter than this is scaled up as if it were this long (no burst of a day)
HAZARD_MOMENTS = 20_000  # the latest hazards read for their weekday and hour (the hazard rollups keep no hour)
SECONDS_A_YEAR = 365.25 * 86_400


@dataclass(frozen=True)
class FamilyDraws:
    """What one kind or hazard category of the city is drawn from."""

    volume: float  # reports a year
    week: FloatArray  # (7, 24): the rate by local weekday (Monday first) and hour, against the average hour
    subtypes: list[str]
    subtype_shares: FloatArray
    grids: FloatArray  # per grid position; sums to 1
    places: dict[str, FloatArray]  # incidents: per subtype, over dist.PLACES
    major: float = 0.0  # hazards: the share of major ones


def default_week(family: Family) -> FloatArray:
    """The seed's shape of the week for the family: its weekday weights times its hour weights."""
    rhythm = rhythm_of(family)
    return np.outer(rhythm.weekdays, rhythm.hours).astype(np.float64)


def mean_one(week: FloatArray) -> FloatArray:
    result: FloatArray = week / week.mean()
    return result


def smoothed_week(counts: FloatArray, family: Family) -> FloatArray:
    """The history's reports per weekday and hour, with one report's worth per hour of the week spread by the
    default shape: a long history speaks for itself, a short one leans on the default."""
    prior = default_week(family)
    return mean_one(counts + counts.size * prior / prior.sum())


def shares(counts: dict[str, float]) -> tuple[list[str], FloatArray]:
    names = sorted(counts)
    values = np.array([counts[name] for name in names], dtype=np.float64)
    return names, values / values.sum()


def default_draws(family: Family, grids: int) -> FamilyDraws:
    """Neutral defaults for a family whose table has no history."""
    if isinstance(family, IncidentKind):
        names, subtype_shares = dist.subtype_mix(family, has_port=False)
        places = {name: place_shares(dict(dist.PLACE_MIX[name][0])) for name in names}
        major = 0.0
    else:
        names, subtype_shares = shares(dict(dist.HAZARD_SUBTYPE_MIX[family]))
        places, major = {}, dist.MAJOR_HAZARD_SHARE[family]
    return FamilyDraws(
        volume=profile_volumes()[family] * grids / DEFAULT_GRIDS,
        week=mean_one(default_week(family)),
        subtypes=list(names),
        subtype_shares=subtype_shares,
        grids=np.full(grids, 1.0 / grids),
        places=places,
        major=major,
    )


def place_shares(counts: dict[PlaceType, float]) -> FloatArray:
    values = np.array([counts.get(place, 0.0) for place in dist.PLACES], dtype=np.float64)
    result: FloatArray = values / values.sum()
    return result


@dataclass
class Tally:
    """A table's history of one family, added up from the rollup rows."""

    grids: FloatArray  # reports per grid position
    recent: float = 0.0  # in the last YEAR_DAYS days of the table's history
    subtypes: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    places: defaultdict[str, defaultdict[PlaceType, float]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(float))
    )
    week: FloatArray = field(default_factory=lambda: np.zeros((7, 24)))  # reports per local weekday and hour
    major: float = 0.0
    total: float = 0.0

    def add(self, positions: dict[int, int], grid_id: int, count: float, *, recent: bool) -> None:
        if grid_id in positions:
            self.grids[positions[grid_id]] += count
        self.total += count
        self.recent += count if recent else 0.0


def span_days(first: date, last: date) -> int:
    """The days of history a yearly volume is measured over: the last year of it, or all of a shorter one."""
    return max(min(YEAR_DAYS, (last - first).days + 1), SHORTEST_SPAN_DAYS)


def draws_of(family: Family, tally: Tally, span: int, grids: int) -> FamilyDraws:
    names, subtype_shares = shares(dict(tally.subtypes))
    counts = tally.grids
    return FamilyDraws(
        volume=tally.recent * YEAR_DAYS / span,
        week=smoothed_week(tally.week, family),
        subtypes=names,
        subtype_shares=subtype_shares,
        grids=(counts + 1.0) / (counts.sum() + grids),
        places={name: place_shares(dict(tally.places[name])) for name in names if tally.places.get(name)},
        major=tally.major / tally.total if tally.total else 0.0,
    )


def rollup_history(
    session: Session, table: Any, family: Any, measure: Any, keys: tuple[Any, ...]
) -> tuple[int, list[Any]] | None:
    """A daily rollup's sums per family, `keys`, grid and whether in the last YEAR_DAYS days of its history, and the
    days the yearly volume is measured over; None for an empty rollup."""
    first, last = session.execute(select(func.min(table.day), func.max(table.day))).one()
    if last is None:
        return None
    columns = (family, *keys, table.grid_id, table.day >= last - timedelta(days=YEAR_DAYS - 1))
    return span_days(first, last), list(session.execute(select(*columns, func.sum(measure)).group_by(*columns)))


def incident_draws(session: Session, positions: dict[int, int]) -> dict[Family, FamilyDraws]:
    """Each incident kind's draws from the incident rollups (per day, grid, subtype and place; per month, weekday
    and hour); neutral defaults when no incident is stored."""
    grids = len(positions)
    keys = (IncidentDaily.subtype, IncidentDaily.place_type)
    found = rollup_history(session, IncidentDaily, IncidentDaily.kind, IncidentDaily.reported, keys)
    if found is None:
        return {kind: default_draws(kind, grids) for kind in IncidentKind}
    span, rows = found
    tallies: dict[IncidentKind, Tally] = defaultdict(lambda: Tally(np.zeros(grids)))
    for kind, subtype, place, grid_id, recent, reported in rows:
        tally = tallies[IncidentKind(kind)]
        tally.add(positions, grid_id, float(reported), recent=bool(recent))
        tally.subtypes[subtype] += reported
        tally.places[subtype][PlaceType(place)] += reported
    hours = IncidentCityHourMonth
    week = (hours.kind, hours.weekday, hours.hour)
    for kind, weekday, hour, reports in session.execute(select(*week, func.sum(hours.reports)).group_by(*week)):
        if IncidentKind(kind) in tallies:
            tallies[IncidentKind(kind)].week[weekday, hour] += reports
    return {kind: draws_of(kind, tally, span, grids) for kind, tally in tallies.items() if tally.recent > 0}


def hazard_draws(session: Session, positions: dict[int, int], zone: str) -> dict[Family, FamilyDraws]:
    """Each hazard category's draws from the hazard rollup (per day, grid and severity), the stored hazards'
    subtypes, and the weekday and hour of the latest ones; neutral defaults when no hazard is stored."""
    grids = len(positions)
    found = rollup_history(session, HazardDaily, HazardDaily.category, HazardDaily.found, (HazardDaily.severity,))
    if found is None:
        return {category: default_draws(category, grids) for category in HazardCategory}
    span, rows = found
    tallies: dict[HazardCategory, Tally] = defaultdict(lambda: Tally(np.zeros(grids)))
    for category, severity, grid_id, recent, count in rows:
        tally = tallies[HazardCategory(category)]
        tally.add(positions, grid_id, float(count), recent=bool(recent))
        tally.major += count if HazardSeverity(severity) is HazardSeverity.MAJOR else 0
    for category, subtype, count in session.execute(
        select(Hazard.category, Hazard.subtype, func.count()).group_by(Hazard.category, Hazard.subtype)
    ):
        tallies[HazardCategory(category)].subtypes[subtype] += count
    tz = ZoneInfo(zone)
    latest = select(Hazard.category, Hazard.found_at).order_by(Hazard.found_at.desc()).limit(HAZARD_MOMENTS)
    for category, found_at in session.execute(latest):
        local = found_at.replace(tzinfo=UTC).astimezone(tz)
        tallies[HazardCategory(category)].week[local.weekday(), local.hour] += 1
    return {
        category: draws_of(category, tally, span, grids)
        for category, tally in tallies.items()
        if tally.recent > 0 and tally.subtypes
    }


class HistoryDraws:
    """Draws for a city imported from files (see the module's docstring)."""

    def __init__(self, grids: list[Grid], families: dict[Family, FamilyDraws], zone: str) -> None:
        self.codes = [grid.code for grid in grids]
        self.geometries = [grid.geometry for grid in grids]
        self.bounds = shapely.bounds(np.array(self.geometries, dtype=object))
        self.draws = families
        self.families: list[Family] = [family for family, draws in families.items() if draws.volume > 0]
        self.zone = ZoneInfo(zone)

    @classmethod
    def load(cls, session: Session, grids: list[Grid], grid_ids: dict[str, int], zone: str) -> HistoryDraws:
        """From the stored history of the grids (`grid_ids`: each grid's id in the database, by code)."""
        positions = {grid_ids[grid.code]: position for position, grid in enumerate(grids) if grid.code in grid_ids}
        return cls(grids, {**incident_draws(session, positions), **hazard_draws(session, positions, zone)}, zone)

    def per_second(self, family: Family, at: float) -> float:
        draws = self.draws.get(family)
        if draws is None:
            return 0.0
        local = datetime.fromtimestamp(at, self.zone)
        return float(draws.volume * draws.week[local.weekday(), local.hour] / SECONDS_A_YEAR)

    def subtype(self, rng: np.random.Generator, family: Family) -> str:
        draws = self.draws[family]
        return draws.subtypes[int(rng.choice(len(draws.subtypes), p=draws.subtype_shares))]

    def grid(self, rng: np.random.Generator, family: Family, subtype: str) -> int:
        return int(rng.choice(len(self.codes), p=self.draws[family].grids))

    def point(self, rng: np.random.Generator, grid: int) -> tuple[float, float]:
        west, south, east, north = self.bounds[grid]
        while True:
            lon, lat = west + rng.random() * (east - west), south + rng.random() * (north - south)
            if shapely.contains_xy(self.geometries[grid], lon, lat):
                return float(lon), float(lat)

    def place(self, rng: np.random.Generator, family: Family, subtype: str, grid: int) -> PlaceType:
        places = self.draws[family].places.get(subtype)
        if places is None:
            return PlaceType.OTHER
        return dist.PLACES[int(rng.choice(len(dist.PLACES), p=places))]

    def major_share(self, category: HazardCategory) -> float:
        return self.draws[category].major

    def per_day(self) -> dict[str, float]:
        return {family.value: self.draws[family].volume / YEAR_DAYS for family in self.families}
