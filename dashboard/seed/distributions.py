"""The distributions every generated event is drawn from, for the history seeder (many at once) and the live
simulator (one at a time, with the same shapes).

- when: `Rhythm` (hour of day, day of week, summer peak, Spring Festival dip), turned into expected counts per
  hour by `HourlyWeights`;
- what: subtype mixes per kind or category, report sources, the department that handles it;
- where: grid weights per subtype (hotspots where residents, migrants, rental houses and firms are; fishing ports on
  the coast; production safety in industrial towns), place types per subtype and grid, points inside the grid;
- how long: `Delay`s from report to dispatch, filing, solving or resolving, closing; hazard deadlines and
  rectification.

Every function takes a numpy Generator and returns arrays, so `n=1` serves the live simulator.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import shapely

from dashboard.data.vocab import (
    HazardCategory,
    HazardSeverity,
    IncidentKind,
    PlaceType,
    Platform,
    ReportSource,
)
from dashboard.seed.city import City

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

MINUTE, HOUR, DAY = 60, 3600, 86400

# ---------------------------------------------------------------------------------------------------------- when

# 春节 (first day of the lunar year). Migrant workers go home for weeks around it; factories close.
SPRING_FESTIVAL = {
    2019: date(2019, 2, 5),
    2020: date(2020, 1, 25),
    2021: date(2021, 2, 12),
    2022: date(2022, 2, 1),
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
    2031: date(2031, 1, 23),
    2032: date(2032, 2, 11),
    2033: date(2033, 1, 31),
    2034: date(2034, 2, 19),
    2035: date(2035, 2, 8),
}
SUMMER_PEAK_DAY_OF_YEAR = 196  # mid-July


@dataclass(frozen=True)
class Rhythm:
    """When one family of events happens: relative weights by local hour and weekday, a summer peak of
    `summer` (0.1: +10 % in mid-July, −10 % in mid-January), and a dip of `festival` (0.5: half) around the
    Spring Festival."""

    name: str
    hours: tuple[float, ...]  # 24 weights, local hour 0..23
    weekdays: tuple[float, ...]  # 7 weights, Monday first
    summer: float
    festival: float

    def day_factors(self, days: Sequence[date]) -> FloatArray:
        """The weight of each whole day (weekday x season x festival), before the hours."""
        weekday = np.array(self.weekdays)[[day.weekday() for day in days]]
        day_of_year = np.array([day.timetuple().tm_yday for day in days], dtype=np.float64)
        season = 1.0 + self.summer * np.cos(2 * np.pi * (day_of_year - SUMMER_PEAK_DAY_OF_YEAR) / 365.25)
        festival = 1.0 - self.festival * np.array([festival_dip(day) for day in days])
        return weekday * season * festival


def festival_dip(day: date) -> float:
    """0 on ordinary days, up to 1 in the week after the Spring Festival: falls from ten days before, recovers
    over three weeks after."""
    festival = SPRING_FESTIVAL.get(day.year) or date(day.year, 2, 5)
    offsets = [(day - festival).days, (day - (SPRING_FESTIVAL.get(day.year + 1) or date(day.year + 1, 2, 5))).days]
    offset = min(offsets, key=abs)
    if -10 <= offset < -1:
        return (offset + 10) / 9
    if -1 <= offset <= 6:
        return 1.0
    if 6 < offset <= 27:
        return 1.0 - (offset - 6) / 21
    return 0.0


RHYTHMS: dict[str, Rhythm] = {
    IncidentKind.CRIMINAL: Rhythm(
        "criminal",
        (3, 2.5, 2, 1.8, 1.5, 1.5, 2, 3, 4, 4.5, 4.5, 4.5, 4.5, 4.5, 4.5, 4.5, 4.5, 5, 5.5, 6, 6, 5.5, 5, 4),
        (1, 1, 1, 1, 1.05, 1.1, 1.05),
        summer=0.12,
        festival=0.45,
    ),
    IncidentKind.DISPUTE: Rhythm(
        "dispute",
        (0.5, 0.3, 0.2, 0.2, 0.2, 0.4, 1, 2.5, 4.5, 6, 6.5, 6, 5, 5, 6, 6.5, 6, 5.5, 5, 5, 4.5, 3, 2, 1),
        (1.05, 1.05, 1, 1, 1, 0.95, 0.9),
        summer=0.10,
        festival=0.5,
    ),
    IncidentKind.STABILITY: Rhythm(
        "stability",
        (0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 4, 7, 7, 6, 4, 5, 7, 7, 6, 4, 2, 1.5, 1, 0.6, 0.4, 0.3),
        (1.2, 1.15, 1.1, 1.1, 1.05, 0.7, 0.6),
        summer=0.05,
        festival=0.4,
    ),
    IncidentKind.SAFETY_ACCIDENT: Rhythm(
        "safety_accident",
        (1, 0.8, 0.7, 0.7, 0.8, 1, 2, 3.5, 5, 5.5, 5.5, 5, 4, 4.5, 5.5, 5.5, 5.5, 5.5, 4.5, 3.5, 3, 2.5, 2, 1.5),
        (1.05, 1.05, 1.05, 1.05, 1.05, 0.95, 0.8),
        summer=0.15,
        festival=0.6,
    ),
    "hazard": Rhythm(  # hazards are found on patrol: daytime, fewer at weekends
        "hazard",
        (0, 0, 0, 0, 0, 0, 0.3, 2, 6, 8, 8, 6, 2, 2.5, 7, 8, 7, 4, 1.5, 0.8, 0.4, 0.1, 0, 0),
        (1.1, 1.1, 1.1, 1.1, 1.05, 0.85, 0.7),
        summer=0.08,
        festival=0.55,
    ),
}


@dataclass(frozen=True)
class CityClock:
    """Local days of the city (Asia/Shanghai by default) from `first_day` through `last_day`, as UTC seconds.

    `day_starts[i]` is local midnight of day i in UTC seconds since 1970; the array has one more entry, the end.
    """

    zone: str
    first_day: date
    last_day: date

    @cached_property
    def days(self) -> list[date]:
        return [self.first_day + timedelta(days=i) for i in range((self.last_day - self.first_day).days + 1)]

    @cached_property
    def day_starts(self) -> IntArray:
        tz = ZoneInfo(self.zone)
        edges = [*self.days, self.last_day + timedelta(days=1)]
        return np.array([int(datetime.combine(day, time(), tz).timestamp()) for day in edges], dtype=np.int64)

    def midnight(self, day: date) -> int:
        """Local midnight starting `day`, in UTC seconds (any day, inside the clock's span or not)."""
        return int(datetime.combine(day, time(), ZoneInfo(self.zone)).timestamp())

    def local_days(self, seconds: IntArray) -> IntArray:
        """Index of the local day each UTC moment falls on."""
        return np.searchsorted(self.day_starts, seconds, side="right") - 1


class HourlyWeights:
    """Expected share of a year's events in each local hour of the clock, for one rhythm.

    Weights are normalised per calendar year, so a full year holds exactly the annual volume: the expected count
    in any span is `sum(volume_of_year * weight)` over its hours.
    """

    def __init__(self, clock: CityClock, rhythm: Rhythm) -> None:
        day_factor = rhythm.day_factors(clock.days)
        hours = np.array(rhythm.hours, dtype=np.float64)
        self.starts = (clock.day_starts[:-1, None] + np.arange(24)[None, :] * HOUR).ravel()
        raw = (day_factor[:, None] * hours[None, :]).ravel()
        years = np.repeat(np.array([day.year for day in clock.days]), 24)
        self.years = years
        self.weights = np.zeros_like(raw)
        for year in np.unique(years):
            members = years == year
            self.weights[members] = raw[members] / raw[members].sum()

    def expected(self, start: int, end: int, volume_of_year: dict[int, float]) -> float:
        """Expected events in [start, end) (UTC seconds) given each year's volume; a partial last hour counts
        in proportion."""
        first, last = self._span(start, end)
        weights = self._clipped(first, last, end)
        volumes = np.array([volume_of_year.get(int(year), 0.0) for year in self.years[first:last]])
        return float(np.sum(weights * volumes))

    def sample(self, rng: np.random.Generator, n: int, start: int, end: int) -> IntArray:
        """`n` moments (UTC seconds) in [start, end), with the rhythm's shape (volumes equal within the span)."""
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        first, last = self._span(start, end)
        weights = self._clipped(first, last, end)
        if weights.sum() <= 0:
            raise ValueError("no hour of the span can hold an event")
        chosen = first + rng.choice(last - first, size=n, p=weights / weights.sum())
        bin_start = self.starts[chosen]
        width = np.minimum(HOUR, end - bin_start)
        return bin_start + (rng.random(n) * width).astype(np.int64)  # type: ignore[no-any-return]

    def rate_per_hour(self, at: int, volume_of_year: dict[int, float]) -> float:
        """Expected events in the hour holding `at` (for the live simulator's arrival rate)."""
        index = int(np.searchsorted(self.starts, at, side="right")) - 1
        if index < 0 or index >= len(self.starts):
            return 0.0
        return float(self.weights[index] * volume_of_year.get(int(self.years[index]), 0.0))

    def _span(self, start: int, end: int) -> tuple[int, int]:
        first = int(np.searchsorted(self.starts, start, side="left"))
        last = int(np.searchsorted(self.starts, end, side="left"))
        return first, last

    def _clipped(self, first: int, last: int, end: int) -> FloatArray:
        weights = self.weights[first:last].copy()
        if last > first:
            weights[-1] *= min(1.0, (end - self.starts[last - 1]) / HOUR)
        return weights


# ---------------------------------------------------------------------------------------------------------- what

INCIDENT_SUBTYPE_MIX: dict[IncidentKind, dict[str, float]] = {
    IncidentKind.CRIMINAL: {
        "theft": 0.30,
        "burglary": 0.10,
        "vehicle_theft": 0.08,
        "telecom_fraud": 0.22,
        "assault": 0.08,
        "robbery": 0.03,
        "drugs": 0.06,
        "gambling": 0.07,
        "fraud": 0.06,
    },
    IncidentKind.DISPUTE: {
        "neighbourhood": 0.28,
        "marriage_family": 0.18,
        "wages": 0.14,
        "land_housing": 0.12,
        "property_management": 0.08,
        "consumer": 0.10,
        "traffic_compensation": 0.10,
    },
    IncidentKind.STABILITY: {"group_petition": 0.45, "gathering": 0.30, "online_opinion": 0.25},
    IncidentKind.SAFETY_ACCIDENT: {
        "fire": 0.22,
        "industrial_injury": 0.28,
        "gas": 0.06,
        "road_traffic": 0.36,
        "fishing_vessel": 0.08,
    },
}
HAZARD_SUBTYPE_MIX: dict[HazardCategory, dict[str, float]] = {
    HazardCategory.FIRE: {"blocked_exit": 0.35, "illegal_wiring": 0.35, "ebike_indoor_charging": 0.30},
    HazardCategory.PRODUCTION_SAFETY: {"machine_fault": 0.45, "hazardous_chemicals": 0.20, "no_permit": 0.35},
    HazardCategory.PUBLIC_ORDER: {"unregistered_tenants": 0.70, "entertainment_venue": 0.30},
    HazardCategory.ENVIRONMENT: {"illegal_discharge": 0.55, "burning_waste": 0.45},
    HazardCategory.FOOD_SAFETY: {"unlicensed_kitchen": 0.60, "expired_food": 0.40},
}
PORT_ONLY_SUBTYPES = frozenset({"fishing_vessel"})  # happen only where there is a fishing port
MAJOR_HAZARD_SHARE: dict[HazardCategory, float] = {
    HazardCategory.FIRE: 0.05,
    HazardCategory.PRODUCTION_SAFETY: 0.10,
    HazardCategory.PUBLIC_ORDER: 0.02,
    HazardCategory.ENVIRONMENT: 0.06,
    HazardCategory.FOOD_SAFETY: 0.03,
}

# Eventual solve probability of a criminal case by subtype (telecom fraud is rarely solved, drug cases nearly
# always, as they are found by the police themselves).
SOLVABILITY: dict[str, float] = {
    "theft": 0.45,
    "burglary": 0.55,
    "vehicle_theft": 0.5,
    "telecom_fraud": 0.25,
    "assault": 0.92,
    "robbery": 0.85,
    "drugs": 0.98,
    "gambling": 0.97,
    "fraud": 0.5,
}
RESOLVE_PROBABILITY: dict[IncidentKind, float] = {
    IncidentKind.DISPUTE: 0.94,
    IncidentKind.STABILITY: 0.9,
    IncidentKind.SAFETY_ACCIDENT: 0.97,
}

SOURCE_MIX: dict[IncidentKind, dict[ReportSource, float]] = {
    IncidentKind.CRIMINAL: {
        ReportSource.HOTLINE: 0.45,
        ReportSource.CITIZEN: 0.3,
        ReportSource.PATROL: 0.1,
        ReportSource.VIDEO: 0.15,
    },
    IncidentKind.DISPUTE: {
        ReportSource.PATROL: 0.45,
        ReportSource.CITIZEN: 0.3,
        ReportSource.HOTLINE: 0.2,
        ReportSource.VIDEO: 0.05,
    },
    IncidentKind.STABILITY: {
        ReportSource.PATROL: 0.4,
        ReportSource.HOTLINE: 0.2,
        ReportSource.CITIZEN: 0.2,
        ReportSource.VIDEO: 0.2,
    },
    IncidentKind.SAFETY_ACCIDENT: {
        ReportSource.HOTLINE: 0.4,
        ReportSource.PATROL: 0.3,
        ReportSource.CITIZEN: 0.2,
        ReportSource.VIDEO: 0.1,
    },
}


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    name_en: str
    platform: Platform | None


# The departments reports concern (DOMAIN.md), each with the township platform (四个平台) that takes its reports.
DEPARTMENTS: tuple[Department, ...] = (
    Department("public_security", "公安", "Public security", Platform.GOVERNANCE),
    Department("comprehensive_governance", "综治", "Comprehensive governance", Platform.GOVERNANCE),
    Department("market_supervision", "市场监管", "Market supervision (food and drugs)", Platform.MARKET),
    Department("emergency_management", "应急管理", "Work safety (emergency management)", Platform.MARKET),
    Department("ecology_environment", "生态环境", "Ecology and environment", Platform.LAW_ENFORCEMENT),
    Department("comprehensive_law_enforcement", "综合执法", "Comprehensive law enforcement", Platform.LAW_ENFORCEMENT),
    Department("fire_rescue", "消防", "Fire and rescue", Platform.LAW_ENFORCEMENT),
)
DEPARTMENT_ID = {department.code: number for number, department in enumerate(DEPARTMENTS, start=1)}

INCIDENT_DEPARTMENT: dict[IncidentKind, str] = {
    IncidentKind.CRIMINAL: "public_security",
    IncidentKind.DISPUTE: "comprehensive_governance",
    IncidentKind.STABILITY: "comprehensive_governance",
    IncidentKind.SAFETY_ACCIDENT: "emergency_management",
}
SUBTYPE_DEPARTMENT: dict[str, str] = {  # where a subtype goes somewhere other than its kind's or category's default
    "fire": "fire_rescue",
    "road_traffic": "public_security",
    "no_permit": "comprehensive_law_enforcement",
    "burning_waste": "comprehensive_law_enforcement",
    "entertainment_venue": "public_security",
}
HAZARD_DEPARTMENT: dict[HazardCategory, str] = {
    HazardCategory.FIRE: "fire_rescue",
    HazardCategory.PRODUCTION_SAFETY: "emergency_management",
    HazardCategory.PUBLIC_ORDER: "public_security",
    HazardCategory.ENVIRONMENT: "ecology_environment",
    HazardCategory.FOOD_SAFETY: "market_supervision",
}


def department_id(default: str, subtype: str) -> int:
    """The department that handles a subtype: its own when it has one, else its kind's or category's."""
    return DEPARTMENT_ID[SUBTYPE_DEPARTMENT.get(subtype, default)]


def subtype_mix(kind: IncidentKind, *, has_port: bool) -> tuple[list[str], FloatArray]:
    """Subtypes of a kind and their probabilities, in a county with or without fishing ports."""
    mix = {
        name: share for name, share in INCIDENT_SUBTYPE_MIX[kind].items() if has_port or name not in PORT_ONLY_SUBTYPES
    }
    shares = np.array(list(mix.values()))
    return list(mix), shares / shares.sum()


def choose(rng: np.random.Generator, options: Sequence[str], probabilities: FloatArray, n: int) -> IntArray:
    """Indices into `options`, drawn with `probabilities`."""
    return rng.choice(len(options), size=n, p=probabilities).astype(np.int64)


# ---------------------------------------------------------------------------------------------------------- where


@dataclass(frozen=True)
class GridFeatures:
    """Per-grid quantities hotspots are made of, each normalised to sum to 1 over the city."""

    residents: FloatArray
    migrants: FloatArray
    rental: FloatArray
    firms: FloatArray  # industry x people: where the factories and shops are
    urban_residents: FloatArray
    rural_residents: FloatArray
    port: FloatArray
    rental_density: FloatArray  # rental houses per head against the city mean (1.0 = average)

    @classmethod
    def of(cls, city: City) -> GridFeatures:
        people = (city.residents + city.migrants).astype(np.float64)
        density = city.rental_houses / np.maximum(people, 1.0)
        mean_density = city.rental_houses.sum() / max(float(people.sum()), 1.0)
        return cls(
            residents=_share(city.residents),
            migrants=_share(city.migrants),
            rental=_share(city.rental_houses),
            firms=_share(city.industry * people),
            urban_residents=_share(city.residents * city.urban),
            rural_residents=_share(city.residents * ~city.urban),
            port=_share(city.port.astype(np.float64)),
            rental_density=density / mean_density if mean_density else np.zeros(len(people)),
        )


def _share(values: npt.ArrayLike) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    total = array.sum()
    return array / total if total else array


# Each subtype's hotspot: a mix of grid features (weights add up to 1).
GRID_WEIGHTS: dict[str, dict[str, float]] = {
    "theft": {"residents": 0.3, "migrants": 0.4, "rental": 0.2, "urban_residents": 0.1},
    "burglary": {"rental": 0.6, "residents": 0.3, "migrants": 0.1},
    "vehicle_theft": {"residents": 0.5, "migrants": 0.3, "firms": 0.2},
    "telecom_fraud": {"residents": 0.8, "migrants": 0.2},
    "assault": {"migrants": 0.5, "rental": 0.3, "residents": 0.2},
    "robbery": {"migrants": 0.4, "rental": 0.3, "urban_residents": 0.3},
    "drugs": {"rental": 0.5, "migrants": 0.3, "urban_residents": 0.2},
    "gambling": {"migrants": 0.4, "residents": 0.3, "rental": 0.3},
    "fraud": {"residents": 0.6, "firms": 0.4},
    "neighbourhood": {"residents": 0.6, "rental": 0.4},
    "marriage_family": {"residents": 1.0},
    "wages": {"firms": 0.5, "migrants": 0.5},
    "land_housing": {"rural_residents": 0.7, "residents": 0.3},
    "property_management": {"urban_residents": 1.0},
    "consumer": {"urban_residents": 0.5, "residents": 0.5},
    "traffic_compensation": {"residents": 0.5, "firms": 0.5},
    "group_petition": {"residents": 0.5, "firms": 0.5},
    "gathering": {"migrants": 0.5, "firms": 0.5},
    "online_opinion": {"urban_residents": 0.6, "residents": 0.4},
    "fire": {"residents": 0.4, "firms": 0.3, "rental": 0.3},
    "industrial_injury": {"firms": 1.0},
    "gas": {"residents": 0.5, "rental": 0.5},
    "road_traffic": {"residents": 0.5, "firms": 0.5},
    "fishing_vessel": {"port": 1.0},
    "blocked_exit": {"urban_residents": 0.5, "rental": 0.5},
    "illegal_wiring": {"rental": 0.5, "residents": 0.5},
    "ebike_indoor_charging": {"rental": 0.7, "residents": 0.3},
    "machine_fault": {"firms": 1.0},
    "hazardous_chemicals": {"firms": 1.0},
    "no_permit": {"firms": 0.6, "migrants": 0.4},
    "unregistered_tenants": {"rental": 1.0},
    "entertainment_venue": {"urban_residents": 1.0},
    "illegal_discharge": {"firms": 1.0},
    "burning_waste": {"rural_residents": 1.0},
    "unlicensed_kitchen": {"migrants": 0.5, "urban_residents": 0.5},
    "expired_food": {"residents": 0.5, "urban_residents": 0.5},
}


def grid_weights(features: GridFeatures, subtype: str) -> FloatArray:
    """Relative chance of each grid hosting an event of `subtype` (the hotspot map)."""
    weights = np.zeros_like(features.residents)
    for feature, share in GRID_WEIGHTS[subtype].items():
        weights = weights + share * getattr(features, feature)
    return weights


PLACES: tuple[PlaceType, ...] = tuple(PlaceType)
PLACE_INDEX = {place: index for index, place in enumerate(PLACES)}
R, H, E, P = PlaceType.RENTAL_HOUSING, PlaceType.RESIDENCE, PlaceType.ENTERPRISE, PlaceType.PUBLIC_PLACE
ROAD, S, SHOP, PORT, ONLINE, OTHER = (
    PlaceType.ROAD,
    PlaceType.SCHOOL,
    PlaceType.SHOP,
    PlaceType.FISHING_PORT,
    PlaceType.ONLINE,
    PlaceType.OTHER,
)
# Where each subtype happens (rental housing at a city-average grid), and the share that moves to the fishing
# port in a port grid.
PLACE_MIX: dict[str, tuple[dict[PlaceType, float], float]] = {
    "theft": ({R: 0.12, H: 0.10, SHOP: 0.22, P: 0.26, ROAD: 0.15, E: 0.10, S: 0.03, OTHER: 0.02}, 0.15),
    "burglary": ({R: 0.40, H: 0.55, SHOP: 0.05}, 0.0),
    "vehicle_theft": ({ROAD: 0.45, H: 0.2, P: 0.2, R: 0.1, E: 0.05}, 0.1),
    "telecom_fraud": ({ONLINE: 0.85, R: 0.07, H: 0.08}, 0.0),
    "assault": ({P: 0.35, ROAD: 0.15, R: 0.15, H: 0.15, SHOP: 0.1, E: 0.1}, 0.2),
    "robbery": ({ROAD: 0.5, P: 0.25, SHOP: 0.15, R: 0.1}, 0.05),
    "drugs": ({R: 0.45, H: 0.2, P: 0.2, OTHER: 0.15}, 0.1),
    "gambling": ({R: 0.35, H: 0.25, SHOP: 0.2, OTHER: 0.2}, 0.15),
    "fraud": ({ONLINE: 0.3, SHOP: 0.2, H: 0.2, R: 0.1, E: 0.1, OTHER: 0.1}, 0.0),
    "neighbourhood": ({H: 0.6, R: 0.3, P: 0.1}, 0.05),
    "marriage_family": ({H: 0.75, R: 0.25}, 0.0),
    "wages": ({E: 0.85, OTHER: 0.15}, 0.3),
    "land_housing": ({H: 0.7, OTHER: 0.3}, 0.0),
    "property_management": ({H: 0.85, R: 0.15}, 0.0),
    "consumer": ({SHOP: 0.8, ONLINE: 0.2}, 0.0),
    "traffic_compensation": ({ROAD: 0.9, OTHER: 0.1}, 0.05),
    "group_petition": ({P: 0.7, OTHER: 0.3}, 0.05),
    "gathering": ({P: 0.5, E: 0.4, OTHER: 0.1}, 0.1),
    "online_opinion": ({ONLINE: 1.0}, 0.0),
    "fire": ({H: 0.35, R: 0.2, E: 0.35, SHOP: 0.1}, 0.1),
    "industrial_injury": ({E: 1.0}, 0.15),
    "gas": ({H: 0.6, R: 0.2, SHOP: 0.2}, 0.0),
    "road_traffic": ({ROAD: 1.0}, 0.0),
    "fishing_vessel": ({PORT: 1.0}, 1.0),
}
MAX_RENTAL_SHARE = 0.9


def place_probabilities(features: GridFeatures, port: BoolArray, subtype: str, grids: IntArray) -> FloatArray:
    """(len(grids), len(PLACES)) probabilities of each place type for events of `subtype` in those grids.

    Rental housing scales with the grid's rental houses per head (none without rental houses); a port grid moves
    a share of the events to its fishing port; other grids have no fishing port."""
    mix, port_share = PLACE_MIX[subtype]
    base = np.zeros(len(PLACES))
    for place, share in mix.items():
        base[PLACE_INDEX[place]] = share
    probabilities = np.tile(base, (len(grids), 1))
    rental = PLACE_INDEX[PlaceType.RENTAL_HOUSING]
    density = features.rental_density[grids]
    wanted = np.minimum(MAX_RENTAL_SHARE, base[rental] * density)
    others = 1.0 - base[rental]
    scale = np.where(others > 0, (1.0 - wanted) / max(others, 1e-12), 0.0)
    probabilities *= scale[:, None]
    probabilities[:, rental] = wanted if others > 0 else np.where(density > 0, 1.0, 0.0)
    at_port = port[grids]
    fishing = PLACE_INDEX[PlaceType.FISHING_PORT]
    probabilities[at_port] *= 1.0 - port_share
    probabilities[at_port, fishing] += port_share
    if base[fishing] > 0:  # a port-only subtype outside a port cannot happen; keep rows valid anyway
        probabilities[~at_port, fishing] = 0.0
    totals = probabilities.sum(axis=1, keepdims=True)
    fallback = np.zeros(len(PLACES))
    fallback[PLACE_INDEX[PlaceType.OTHER]] = 1.0
    return np.where(totals > 0, probabilities / np.where(totals > 0, totals, 1.0), fallback)


def sample_rows(rng: np.random.Generator, probabilities: FloatArray) -> IntArray:
    """One column index per row of a row-stochastic matrix (vectorised categorical draws)."""
    cumulative = np.cumsum(probabilities, axis=1)
    draws = rng.random(len(probabilities))[:, None] * cumulative[:, -1:]
    return np.minimum((cumulative <= draws).sum(axis=1), probabilities.shape[1] - 1).astype(np.int64)  # type: ignore[no-any-return]


class PointSampler:
    """Uniform points inside grid polygons: rejection sampling in each grid's bounding box (vectorised)."""

    def __init__(self, city: City) -> None:
        self.geometries = np.array([grid.geometry for grid in city.grids], dtype=object)
        shapely.prepare(self.geometries)
        self.bounds = shapely.bounds(self.geometries)

    def sample(self, rng: np.random.Generator, grids: IntArray) -> tuple[FloatArray, FloatArray]:
        """(lon, lat) of one point inside each given grid (positions into the city's grids)."""
        lon = np.empty(len(grids))
        lat = np.empty(len(grids))
        pending = np.arange(len(grids))
        while len(pending):
            box = self.bounds[grids[pending]]
            x = box[:, 0] + rng.random(len(pending)) * (box[:, 2] - box[:, 0])
            y = box[:, 1] + rng.random(len(pending)) * (box[:, 3] - box[:, 1])
            inside = shapely.contains_xy(self.geometries[grids[pending]], x, y)
            lon[pending[inside]], lat[pending[inside]] = x[inside], y[inside]
            pending = pending[~inside]
        return lon, lat


# ---------------------------------------------------------------------------------------------------------- how long


@dataclass(frozen=True)
class Delay:
    """A delay distribution given by quantiles: `seconds[i]` is the `quantiles[i]` quantile (linear between)."""

    quantiles: tuple[float, ...]
    seconds: tuple[float, ...]

    def cdf(self, seconds: FloatArray | IntArray) -> FloatArray:
        """Probability that the delay is at most `seconds`."""
        return np.interp(seconds, self.seconds, self.quantiles)

    def sample(self, rng: np.random.Generator, n: int, *, at_most: IntArray | None = None) -> IntArray:
        """`n` delays in whole seconds; with `at_most`, each drawn from the distribution truncated to that bound."""
        top = np.ones(n) if at_most is None else self.cdf(np.maximum(at_most, 0))
        delays = np.interp(rng.random(n) * top, self.quantiles, self.seconds).astype(np.int64)
        return delays if at_most is None else np.minimum(delays, np.maximum(at_most, 0))

    def sample_beyond(self, rng: np.random.Generator, at_least: IntArray) -> IntArray:
        """One delay per bound, each drawn from the distribution truncated to more than that bound."""
        bottom = self.cdf(np.maximum(at_least, 0))
        delays = np.interp(bottom + rng.random(len(at_least)) * (1.0 - bottom), self.quantiles, self.seconds)
        floor: IntArray = np.maximum(at_least, 0).astype(np.int64) + 1
        result: IntArray = np.maximum(delays.astype(np.int64), floor)
        return result

    @property
    def curve(self) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """(quantiles, values): the points the distribution interpolates between."""
        return self.quantiles, self.seconds

    def sample_values(self, rng: np.random.Generator, n: int) -> FloatArray:
        """`n` draws as floats (for distributions of ratios rather than seconds)."""
        return np.interp(rng.random(n), self.quantiles, self.seconds)


def _delay(*points: tuple[float, float]) -> Delay:
    return Delay(tuple(q for q, _ in points), tuple(s for _, s in points))


REPORT_TO_DISPATCH = _delay((0, 2 * MINUTE), (0.5, 12 * MINUTE), (0.9, 45 * MINUTE), (1, 4 * HOUR))
DISPATCH_TO_HANDLING = _delay((0, 5 * MINUTE), (0.5, 40 * MINUTE), (0.9, 3 * HOUR), (1, DAY))
REPORT_TO_FILING = _delay((0, 30 * MINUTE), (0.5, 6 * HOUR), (0.9, 2 * DAY), (1, 7 * DAY))
FILING_TO_SOLVED = _delay(
    (0, HOUR), (0.3, DAY), (0.5, 5 * DAY), (0.75, 30 * DAY), (0.9, 90 * DAY), (0.97, 200 * DAY), (1, 500 * DAY)
)
# Resolving and closing a case, against the time the routing matrix allows (15 days for a general case, 3 for a
# major one: stability events and most safety accidents): most in time, about a tenth late, a few much later.
HANDLING_TO_RESOLVED: dict[IncidentKind, Delay] = {
    IncidentKind.DISPUTE: _delay((0, HOUR), (0.5, 3 * DAY), (0.9, 12 * DAY), (0.97, 20 * DAY), (1, 45 * DAY)),
    IncidentKind.STABILITY: _delay((0, HOUR), (0.5, DAY), (0.9, 2.5 * DAY), (0.97, 5 * DAY), (1, 10 * DAY)),
    IncidentKind.SAFETY_ACCIDENT: _delay((0, 2 * HOUR), (0.5, DAY), (0.9, 2.5 * DAY), (0.97, 6 * DAY), (1, 20 * DAY)),
}
RESOLVED_TO_CLOSED = _delay((0, 10 * MINUTE), (0.5, 4 * HOUR), (0.9, DAY), (1, 7 * DAY))  # 结案: the paperwork
FOUND_TO_RECTIFYING = _delay((0, 10 * MINUTE), (0.5, DAY), (0.9, 3 * DAY), (1, 10 * DAY))
RECTIFIED_TO_CLOSED = _delay((0, HOUR), (0.5, 2 * DAY), (0.9, 7 * DAY), (1, 30 * DAY))
# Rectification time as a multiple of the time the deadline allows: most finish in time, some late (at most three
# times it; the routing matrix allows 7 days for a general hazard, 30 for a major one).
RECTIFY_FRACTION = _delay((0, 0.1), (0.85, 1.0), (0.97, 1.5), (1, 3.0))
# When a case the platform could not solve or resolve is closed without a result (handed over, referred to the
# courts, ended), as a multiple of the time its deadline allows: as hazards are rectified, mostly in time.
UNRESOLVED_CLOSE_FRACTION = _delay((0, 0.2), (0.85, 1.0), (0.97, 1.5), (1, 3.0))
# A few hazards cannot be put right by the township (a landlord who will not move, a factory that needs new
# equipment): listed for supervision (挂牌督办) and escalated, they take months past the deadline, but they do close.
SUPERVISED_SHARE = 0.006
DEADLINE_TO_SUPERVISED_RECTIFIED = _delay((0, 3 * DAY), (0.5, 45 * DAY), (0.9, 150 * DAY), (1, 365 * DAY))
DEADLINE_DAYS: dict[HazardSeverity, tuple[int, ...]] = {
    HazardSeverity.GENERAL: (3, 5, 7, 10, 15),
    HazardSeverity.MAJOR: (15, 30, 45, 60),
}
