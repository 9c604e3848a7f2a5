"""How much history a seed writes: the named profiles (`small`, `default`, `large`) and their knobs.

Volumes are full-year equivalents for the whole city; the generator spreads them over the days with the rhythms of
`distributions`. Criminal cases run at `criminal_per_year` until the drop the article reports; in the headline
period they run at whatever the calibration needs (about 37 % fewer).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dashboard.data.vocab import HazardCategory, IncidentKind


@dataclass(frozen=True)
class PatrolKnobs:
    """The grid log (网格日志): every worker patrols `per_day` times a day, each at least `min_minutes` long.

    Most workers comply; a minority (`short_share` of them) fall short, with patrols cut short or skipped. Later
    issues compute compliance from these rows and plant anomalies on top, so each knob says exactly what it does.
    """

    months: int = 13  # how far back the log goes, in calendar months before `today`
    days: int | None = None  # when set, the last `days` days instead (the small profile's one week)
    per_day: int = 2  # the rule: at least twice a day ...
    min_minutes: int = 120  # ... at least two hours each time
    compliant_minutes: tuple[int, int] = (122, 180)  # a compliant patrol lasts this long (uniform)
    short_minutes: tuple[int, int] = (35, 110)  # a patrol cut short lasts this long (uniform)
    short_share: float = 0.12  # share of workers who fall short
    short_probability: float = 0.35  # for those workers: chance a patrol is cut short
    skip_probability: float = 0.15  # for those workers: chance a patrol is skipped
    compliant_skip_probability: float = 0.004  # everyone else: sick days and the like
    metres_per_minute: tuple[float, float] = (35.0, 70.0)  # walking, or slowly by e-bike
    findings_per_patrol: float = 0.3  # mean reports filed during one patrol (Poisson)


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    criminal_per_year: int  # criminal cases filed per year before the drop
    incidents_per_year: dict[IncidentKind, int]  # the other kinds, reported per year
    hazards_per_year: dict[HazardCategory, int]
    registry_scale: float = 1.0  # 1.0: rental houses and persons of concern at city scale
    follow_up_months: int = 12  # how far back follow-up visits go
    patrols: PatrolKnobs = field(default_factory=PatrolKnobs)

    @property
    def incidents_per_year_total(self) -> int:
        """Before the drop: criminal cases plus every other kind."""
        return self.criminal_per_year + sum(self.incidents_per_year.values())


def _scaled(counts: dict[IncidentKind, int] | dict[HazardCategory, int], factor: float) -> dict:  # type: ignore[type-arg]
    return {key: round(value * factor) for key, value in counts.items()}


CITY_INCIDENTS: dict[IncidentKind, int] = {
    IncidentKind.DISPUTE: 108_000,
    IncidentKind.STABILITY: 7_000,
    IncidentKind.SAFETY_ACCIDENT: 24_000,
}
CITY_HAZARDS: dict[HazardCategory, int] = {
    HazardCategory.FIRE: 126_000,
    HazardCategory.PRODUCTION_SAFETY: 90_000,
    HazardCategory.PUBLIC_ORDER: 54_000,
    HazardCategory.ENVIRONMENT: 43_000,
    HazardCategory.FOOD_SAFETY: 47_000,
}

DEFAULT = Profile(
    name="default",
    description="Taizhou at city scale: ~155k incidents and 360k hazards a year, 13 months of patrol logs",
    criminal_per_year=27_500,
    incidents_per_year=CITY_INCIDENTS,
    hazards_per_year=CITY_HAZARDS,
)
LARGE = Profile(
    name="large",
    description="for benchmarks: the default city with 8.5 times the incidents (over 5 million)",
    criminal_per_year=round(27_500 * 8.5),
    incidents_per_year=_scaled(CITY_INCIDENTS, 8.5),
    hazards_per_year=CITY_HAZARDS,
)
SMALL = Profile(
    name="small",
    description="for tests: the whole city, about a tenth of the incidents, less of the rest, one week of patrols",
    criminal_per_year=5_500,
    incidents_per_year=_scaled(CITY_INCIDENTS, 0.06),
    hazards_per_year=_scaled(CITY_HAZARDS, 0.03),
    registry_scale=0.05,
    follow_up_months=2,
    patrols=PatrolKnobs(days=7),
)

PROFILES: dict[str, Profile] = {profile.name: profile for profile in (SMALL, DEFAULT, LARGE)}


def get_profile(name: str) -> Profile:
    """The named profile; a ValueError lists the names when there is no such profile."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown profile {name!r}; choose one of {', '.join(PROFILES)}") from None
