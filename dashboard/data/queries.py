"""The headline figures of DOMAIN.md, for any period and area, against the same period last year and the period
before. Counts come from SQL; rates and changes are computed here from those integers, so SQLite and PostgreSQL
give identical answers.

口径 (the definitions, shown on every tile's tooltip):
- criminal cases filed: incidents of kind `criminal` whose `filed_at` falls in the period;
- solve rate: of those, the share with `solved_at` set no later than `as_of` (a case filed in the period and solved
  later counts once solved); its change is in percentage points;
- like for like: a baseline period's cases count as solved only when solved by the baseline's own `as_of`, the
  moment that stands to it as `as_of` stands to the period (`periods.comparable_as_of`: one year earlier for 同比,
  one period earlier for 环比), so last year's cases do not get a year longer to be solved;
- N-day solve rate (`within_days`, 30 or 90): the share solved within N days of filing (and by `as_of`), free of
  the lag for periods whose cases have all had N days;
- rental-housing cases: incidents of any kind whose place is rental housing, by `reported_at`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from dashboard.data.areas import records_in
from dashboard.data.city_zone import city_zone
from dashboard.data.models import Incident, IncidentCityDay
from dashboard.data.periods import CITY, Area, Period, comparable_as_of, utc_now
from dashboard.data.vocab import IncidentKind, PlaceType

SOLVE_WINDOWS = (30, 90)  # the N of the N-day solve rates leaders ask for


def parse_solve_window(raw: str | None) -> int | None:
    """The N of an N-day solve rate an address names (`within=30`), None for none (solved by now); ValueError for
    anything but one of SOLVE_WINDOWS."""
    value = (raw or "").strip()
    if not value:
        return None
    if value not in {str(days) for days in SOLVE_WINDOWS}:
        raise ValueError(f"within: {value[:40]!r} is not one of {', '.join(map(str, SOLVE_WINDOWS))}")
    return int(value)


@dataclass(frozen=True)
class CaseCounts:
    """One period's raw counts in one area; `solved_by` is the moment the solved cases were counted at."""

    period: Period
    criminal_filed: int
    criminal_solved: int
    rental_cases: int
    solved_by: datetime | None = None

    @property
    def solve_rate(self) -> float | None:
        """Percent of the cases filed that are solved; None when none were filed."""
        return 100.0 * self.criminal_solved / self.criminal_filed if self.criminal_filed else None


def percent_change(current: int, baseline: int) -> float | None:
    """Change of a count in percent; None when the baseline is zero (no meaningful percentage)."""
    return 100.0 * (current - baseline) / baseline if baseline else None


def percent_changes(current: pd.Series, baseline: pd.Series) -> pd.Series:
    """percent_change of each row's pair, the same rule over columns: NaN where the baseline is zero."""
    base = baseline.astype("float64").replace(0.0, float("nan"))
    return (current.astype("float64") - base) / base * 100.0


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


def solved_within(session: Session, days: int) -> ColumnElement[bool]:
    """A criminal case solved less than `days` days after it was filed (the N-day solve rate's test)."""
    if session.get_bind().dialect.name == "postgresql":
        return Incident.solved_at < Incident.filed_at + func.make_interval(0, 0, 0, days)
    return func.julianday(Incident.solved_at) - func.julianday(Incident.filed_at) < days


def solved_clause(session: Session, *, by: datetime | None, within_days: int | None = None) -> ColumnElement[bool]:
    """口径 of "solved": `solved_at` set, no later than `by` (None: whenever) and within `within_days` of filing."""
    clauses: list[ColumnElement[bool]] = [Incident.solved_at.is_not(None)]
    if by is not None:
        clauses.append(Incident.solved_at <= by)
    if within_days is not None:
        clauses.append(solved_within(session, within_days))
    return and_(*clauses)


def case_counts(
    session: Session,
    period: Period,
    *,
    area: Area = CITY,
    as_of: datetime | None = None,
    within_days: int | None = None,
) -> CaseCounts:
    """Criminal cases filed and solved (by `as_of`; within `within_days` of filing when given), and rental-housing
    cases, in one period and area."""
    start, end = period.utc_bounds(city_zone())
    as_of = as_of or utc_now()
    where_area = records_in(Incident, area)
    solved = solved_clause(session, by=as_of, within_days=within_days)
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
    return CaseCounts(period, int(filed), int(solved_count), int(rental or 0), as_of)


def headline_figures(
    session: Session,
    period: Period,
    *,
    area: Area = CITY,
    as_of: datetime | None = None,
    within_days: int | None = None,
) -> HeadlineFigures:
    """The period against the same period last year and against the period before, like for like: each baseline's
    cases counted solved at its own comparable moment (`comparable_as_of`)."""
    as_of = as_of or utc_now()
    zone = city_zone()

    def counts(span: Period) -> CaseCounts:
        moment = as_of if span == period else comparable_as_of(period, span, as_of, zone)
        return case_counts(session, span, area=area, as_of=moment, within_days=within_days)

    current = counts(period)
    last_year = counts(period.same_period_last_year())
    previous = counts(period.previous())
    return HeadlineFigures(area, Comparison(current, last_year), Comparison(current, previous))


def latest_incident_day(session: Session) -> date | None:
    """The last city-clock day any incident was reported on (from the city's daily rollup), None for no data."""
    day = session.scalar(select(func.max(IncidentCityDay.day)))
    return date.fromisoformat(day) if isinstance(day, str) else day
