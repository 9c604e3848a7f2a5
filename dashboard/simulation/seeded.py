"""The seeded Taizhou's draws: the seed's own distributions (dashboard.seed.distributions), at this year's rates
of the stored history: kinds and subtypes in their proportions, hotspot grids, place types, points inside the
grid, each kind's rhythm over the hours, weekdays and seasons."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from dashboard.data.models import Hazard, Incident
from dashboard.data.vocab import HazardCategory, IncidentKind, PlaceType
from dashboard.seed import distributions as dist
from dashboard.seed.city import City
from dashboard.seed.profiles import DEFAULT
from dashboard.simulation.draws import Family


def profile_volumes() -> dict[Family, float]:
    """Yearly volumes of the default profile, by kind and hazard category (when no history can be read)."""
    incidents = {IncidentKind.CRIMINAL: DEFAULT.criminal_per_year, **DEFAULT.incidents_per_year}
    volumes: dict[Family, float] = {kind: float(volume) for kind, volume in incidents.items()}
    volumes.update({category: float(volume) for category, volume in DEFAULT.hazards_per_year.items()})
    return volumes


def rhythm_of(family: Family) -> dist.Rhythm:
    return dist.RHYTHMS[family] if isinstance(family, IncidentKind) else dist.RHYTHMS["hazard"]


class CityPace:
    """Events per second of each kind and hazard category at a moment of the city's clock: the yearly volume spread
    over the hours and weekdays (and the season) by the family's rhythm."""

    def __init__(self, volumes: dict[Family, float], zone: str, around: float) -> None:
        year = datetime.fromtimestamp(around, UTC).year
        self.clock = dist.CityClock(zone, date(year - 1, 1, 1), date(year + 1, 12, 31))
        self.volumes = volumes
        self.weights: dict[str, dist.HourlyWeights] = {}

    def per_second(self, family: Family, at: float) -> float:
        rhythm = rhythm_of(family)
        if rhythm.name not in self.weights:
            self.weights[rhythm.name] = dist.HourlyWeights(self.clock, rhythm)
        years = dict.fromkeys(
            range(self.clock.first_day.year, self.clock.last_day.year + 1), self.volumes.get(family, 0.0)
        )
        return self.weights[rhythm.name].rate_per_hour(int(at), years) / 3600.0

    def year_share(self, family: Family, start: float, end: float) -> float:
        """The share of a year's events of the family that fall in [start, end) (for measuring a volume)."""
        rhythm = rhythm_of(family)
        if rhythm.name not in self.weights:
            self.weights[rhythm.name] = dist.HourlyWeights(self.clock, rhythm)
        return self.weights[rhythm.name].expected(int(start), int(end), dict.fromkeys(range(1900, 2200), 1.0))


def history_volumes(session: Session, now: float, pace: CityPace) -> dict[Family, float]:
    """Each kind's and hazard category's yearly volume at this year's level of the stored history: its count so far
    this year over the share of a year's events its rhythm puts before now (last year's count early in a year)."""
    year = datetime.fromtimestamp(now, UTC).year
    this_year = datetime(year, 1, 1) - timedelta(hours=8)  # midnight of 1 January in Taizhou, near enough
    last_year = datetime(year - 1, 1, 1) - timedelta(hours=8)
    volumes: dict[Family, float] = {}
    for column, model, families in (
        (Incident.kind, Incident, list(IncidentKind)),
        (Hazard.category, Hazard, list(HazardCategory)),
    ):
        moment = Incident.reported_at if model is Incident else Hazard.found_at
        counts = {
            str(key): (int(recent), int(total))
            for key, recent, total in session.execute(
                select(column, func.sum(case((moment >= this_year, 1), else_=0)), func.count())
                .where(moment >= last_year)
                .group_by(column)
            )
        }
        for family in families:
            recent, total = counts.get(str(family.value), (0, 0))
            share = pace.year_share(family, this_year.replace(tzinfo=UTC).timestamp(), now)
            volumes[family] = recent / share if share >= 0.05 else float(total - recent)
    return volumes


class SeededDraws:
    """Draws for the seeded city, from the distributions its history was seeded with."""

    def __init__(
        self, city: City, *, volumes: dict[Family, float] | None = None, zone: str = "Asia/Shanghai", around: float
    ) -> None:
        self.city = city
        self.pace = CityPace(volumes or profile_volumes(), zone, around)
        self.features = dist.GridFeatures.of(city)
        self.points = dist.PointSampler(city)
        self.codes = [grid.code for grid in city.grids]
        self.geometries = [grid.geometry for grid in city.grids]
        self.families: list[Family] = list(self.pace.volumes)
        self.weights: dict[str, dist.FloatArray] = {}

    def per_second(self, family: Family, at: float) -> float:
        return self.pace.per_second(family, at)

    def subtype(self, rng: np.random.Generator, family: Family) -> str:
        if isinstance(family, IncidentKind):
            names, shares = dist.subtype_mix(family, has_port=True)
        else:
            mix = dist.HAZARD_SUBTYPE_MIX[family]
            names, shares = list(mix), np.array(list(mix.values())) / sum(mix.values())
        return names[int(rng.choice(len(names), p=shares))]

    def grid(self, rng: np.random.Generator, family: Family, subtype: str) -> int:
        if subtype not in self.weights:
            weights = dist.grid_weights(self.features, subtype)
            self.weights[subtype] = weights / weights.sum()
        return int(rng.choice(len(self.codes), p=self.weights[subtype]))

    def point(self, rng: np.random.Generator, grid: int) -> tuple[float, float]:
        lon, lat = self.points.sample(rng, np.array([grid]))
        return float(lon[0]), float(lat[0])

    def place(self, rng: np.random.Generator, family: Family, subtype: str, grid: int) -> PlaceType:
        places = dist.place_probabilities(self.features, self.city.port, subtype, np.array([grid]))[0]
        return dist.PLACES[int(rng.choice(len(dist.PLACES), p=places / places.sum()))]

    def major_share(self, category: HazardCategory) -> float:
        return dist.MAJOR_HAZARD_SHARE[category]

    def per_day(self) -> dict[str, float]:
        return {family.value: volume / 365.25 for family, volume in self.pace.volumes.items()}
