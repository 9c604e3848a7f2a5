"""The headline figures of DOMAIN.md, for any period and area, against the same period last year and the period
before. Counts come from SQL; rates and changes are computed here from those integers, so SQLite and PostgreSQL
give identical answers.

口径 (the definitions, shown on every tile's tooltip):
- criminal cases filed: incidents of kind `criminal` whose `filed_at` falls in the period;
- solve rate: of those, the share with `solved_at` set no later than `as_of` (a case filed in the period and solved
  later counts once solved); its change is in percentage points;
- rental-housing cases: incidents of any kind whose place is rental housing, by `reported_at`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from dashboard.config import get_settings
from dashboard.data.models import Grid, Incident
from dashboard.data.periods import CITY, Area, AreaLevel, Period, utc_now
from dashboard.data.vocab import IncidentKind, PlaceType


@dataclass(frozen=True)
class CaseCounts:
    """One period's raw counts in one area."""

    period: Period
    criminal_filed: int
    criminal_solved: int
    rental_cases: int

    @property
    def solve_rate(self) -> float | None:
        """Percent of the cases filed that are solved; None when none were filed."""
        return 100.0 * self.criminal_solved / self.criminal_filed if self.criminal_filed else None


def percent_change(current: int, baseline: int) -> float | None:
    """Change of a count in percent; None when the baseline is zero (no meaningful percentage)."""
    return 100.0 * (current - baseline) / baseline if baseline else None


def point_change(current: float | None, baseline: float | None) -> float | None:
    """Change of a rate in percentage points; None when either rate is undefined."""
    return None if current is None or baseline is None else current - baseline


@dataclass(frozen=True)
class Comparison:
    """A period against a baseline period (同比 or 环比)."""

    current: CaseCounts
    baseline: CaseCounts

    @property
    def criminal_filed_change(self) -> float | None:
        return percent_change(self.current.criminal_filed, self.baseline.criminal_filed)

    @property
    def solve_rate_change(self) -> float | None:
        return point_change(self.current.solve_rate, self.baseline.solve_rate)

    @property
    def rental_cases_change(self) -> float | None:
        return percent_change(self.current.rental_cases, self.baseline.rental_cases)


@dataclass(frozen=True)
class HeadlineFigures:
    area: Area
    year_over_year: Comparison  # 同比
    period_over_period: Comparison  # 环比

    @property
    def current(self) -> CaseCounts:
        return self.year_over_year.current


def area_filter(area: Area) -> ColumnElement[bool]:
    """The WHERE clause that keeps an area's incidents."""
    match area.level:
        case AreaLevel.CITY:
            return and_(True)
        case AreaLevel.COUNTY:
            return Incident.county_code == area.code
        case AreaLevel.TOWNSHIP:  # through the county's index: townships have none of their own
            return and_(Incident.county_code == area.county_code, Incident.township_code == area.code)
        case AreaLevel.GRID:
            return Incident.grid_id == select(Grid.id).where(Grid.code == area.code).scalar_subquery()


def case_counts(
    session: Session,
    period: Period,
    *,
    area: Area = CITY,
    as_of: datetime | None = None,
) -> CaseCounts:
    """Criminal cases filed and solved, and rental-housing cases, in one period and area."""
    start, end = period.utc_bounds(get_settings().timezone)
    as_of = as_of or utc_now()
    where_area = area_filter(area)
    solved = and_(Incident.solved_at.is_not(None), Incident.solved_at <= as_of)
    filed, solved_count = session.execute(
        select(func.count(), func.coalesce(func.sum(case((solved, 1), else_=0)), 0)).where(
            Incident.kind == IncidentKind.CRIMINAL,
            Incident.filed_at >= start,
            Incident.filed_at < end,
            where_area,
        )
    ).one()
    rental = session.scalar(
        select(func.count()).where(
            Incident.place_type == PlaceType.RENTAL_HOUSING,
            Incident.reported_at >= start,
            Incident.reported_at < end,
            where_area,
        )
    )
    return CaseCounts(period, int(filed), int(solved_count), int(rental or 0))


def headline_figures(
    session: Session,
    period: Period,
    *,
    area: Area = CITY,
    as_of: datetime | None = None,
) -> HeadlineFigures:
    """The period against the same period last year and against the period before, all counted `as_of` one moment."""
    as_of = as_of or utc_now()
    current = case_counts(session, period, area=area, as_of=as_of)
    last_year = case_counts(session, period.same_period_last_year(), area=area, as_of=as_of)
    previous = case_counts(session, period.previous(), area=area, as_of=as_of)
    return HeadlineFigures(area, Comparison(current, last_year), Comparison(current, previous))
