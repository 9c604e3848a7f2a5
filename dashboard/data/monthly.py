"""月度通报: one calendar month's figures for an area, against the same month last year and the month before.

Every function takes a session, the month (a `Period` of one calendar month, city clock) and the area the user may
see (the caller intersects it with the account's scope). 口径:

- headline: the figures of DOMAIN.md through `queries.headline_figures` (the KPI tiles' own function), plus all
  incidents reported in the month (`reported`, by report time) and in the same month last year and the month before;
- `area_ranking`: per area one level down (city → counties, county → townships, township → grids; a grid: itself),
  every such area: criminal cases filed (`filed`), in the same month last year (`baseline_filed`) and the month
  before (`previous_filed`), `filed_change` (percent, NaN without a baseline), `solved`, `rate` and `baseline_rate`
  (percent, NaN when nothing was filed; the baseline's cases counted solved like for like, by the moment one year
  before `as_of`; with `within_days`, the N-day solve rate: solved within N days of filing), `rate_change`
  (points), rental-housing cases (`rental`, `baseline_rental`, `rental_change`), `residents` (registered
  residents and migrants of its grids) and `per_10k` (cases filed per 10,000 of them, NaN without residents),
  `small_base` (fewer than SMALL_BASE cases filed in the same month last year: its change says little); ranked
  by `filed`, most first, then by code (`rank`, 1 = most; ties share the higher rank). From the drill-down rollups.
- `rising_grids`: the grids whose incidents reported (every kind) rose most against the same month last year (only
  rises): `code`, `name`, `township_name`, `county_name`, `place` (the grid named with its county and township, each
  once: `grid_place`), `reported`, `baseline`, `increase` (int), `change` (percent, NaN without a baseline); most
  risen first, then by code. From the grid-month rollup.
- `hazards_by_department`: hazards found in the month, per department (`department` code, "" for none assigned):
  `found`, `rectified` (rectified by `as_of`), `overdue` (not rectified by `as_of` and past their deadline),
  `rate` (rectified / found, percent); most found first. From the raw hazard rows (the rollups have no department).
- `patrols_by_area`: `dashboard.data.patrol_compliance.compliance_by_area` one level down (its rate a fraction,
  from the patrol rollup the warning issue keeps).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import Session

from dashboard.data import drill, patrol_compliance
from dashboard.data.areas import records_in
from dashboard.data.city_zone import city_zone
from dashboard.data.filters import DrillFilter
from dashboard.data.models import County, Department, Grid, Hazard, Incident, Township
from dashboard.data.periods import Area, AreaLevel, Period, comparable_as_of, utc_now
from dashboard.data.queries import HeadlineFigures, headline_figures, percent_changes
from dashboard.data.ranking import ranked, residents_by_child
from dashboard.data.solve_rates import area_rows, rate

RISING_LIMIT = 10
SMALL_BASE = 20  # a change on fewer baseline cases than this is flagged: +50 % of 4 is 2 cases


@dataclass(frozen=True)
class MonthHeadline:
    figures: HeadlineFigures  # criminal cases filed, solve rate, rental-housing cases: 同比 and 环比
    reported: int  # all incidents reported in the month
    baseline_reported: int  # … in the same month last year
    previous_reported: int  # … in the month before


@dataclass(frozen=True)
class MonthlyReport:
    """Everything the page, the deck and the PDF show for one month and area."""

    month: Period
    area: Area
    headline: MonthHeadline
    ranking: pd.DataFrame
    rising: pd.DataFrame
    hazards: pd.DataFrame
    patrols: pd.DataFrame
    within_days: int | None = None  # the solve rates are the N-day rate (None: solved by now)

    @property
    def is_empty(self) -> bool:
        """Nothing was reported and no hazard found in the month and area."""
        return self.headline.reported == 0 and int(self.hazards["found"].sum()) == 0


def month_headline(
    session: Session, month: Period, area: Area, *, as_of: datetime | None = None, within_days: int | None = None
) -> MonthHeadline:
    figures = headline_figures(session, month, area=area, as_of=as_of, within_days=within_days)
    counts = [
        int(drill.incident_counts(session, span, area, None)["reported"].sum())
        for span in (month, month.same_period_last_year(), month.previous())
    ]
    return MonthHeadline(figures, *counts)


def area_ranking(
    session: Session, month: Period, area: Area, *, as_of: datetime | None = None, within_days: int | None = None
) -> pd.DataFrame:
    """Criminal cases filed and solved and rental-housing cases per area one level down, ranked by cases filed; the
    baselines' cases counted solved like for like (by the comparable moment before `as_of`, default now); solved
    within `within_days` of filing when given (the N-day solve rate)."""
    as_of = as_of or utc_now()
    zone = city_zone()
    frame = area_rows(session, DrillFilter(month, area=area))[["code", "name", "name_en"]]
    spans = {"": month, "baseline_": month.same_period_last_year(), "previous_": month.previous()}
    for prefix, span in spans.items():
        solved_by = None if span == month else comparable_as_of(month, span, as_of, zone)
        filed = drill.criminal_counts(
            session, span, area, None, by=("child",), solved_by=solved_by, within_days=within_days
        )
        filed = filed.rename(columns={"child": "code", "filed": f"{prefix}filed", "solved": f"{prefix}solved"})
        rental = drill.incident_counts(session, span, area, None, by=("child",))[["child", "rental"]]
        rental = rental.rename(columns={"child": "code", "rental": f"{prefix}rental"})
        frame = frame.merge(filed, how="left", on="code").merge(rental, how="left", on="code")
    counts = [f"{prefix}{name}" for prefix in spans for name in ("filed", "solved", "rental")]
    for name in counts:
        frame[name] = frame[name].fillna(0).astype("int64")
    frame["filed_change"] = percent_changes(frame["filed"], frame["baseline_filed"])
    frame["rate"] = rate(frame["solved"], frame["filed"])
    frame["baseline_rate"] = rate(frame["baseline_solved"], frame["baseline_filed"])
    frame["rate_change"] = frame["rate"] - frame["baseline_rate"]
    frame["rental_change"] = percent_changes(frame["rental"], frame["baseline_rental"])
    frame["small_base"] = frame["baseline_filed"] < SMALL_BASE
    frame = frame.sort_values(["filed", "code"], ascending=[False, True], kind="stable", ignore_index=True)
    frame = ranked(frame, "filed", residents_by_child(session, area))  # ties share a rank
    columns = ["rank", "code", "name", "name_en", "filed", "per_10k", "residents", "baseline_filed", "previous_filed"]
    return frame[
        [
            *columns,
            "filed_change",
            "small_base",
            "solved",
            "rate",
            "baseline_rate",
            "rate_change",
            "rental",
            "baseline_rental",
            "rental_change",
        ]
    ]


def rising_grids(session: Session, month: Period, area: Area, *, limit: int = RISING_LIMIT) -> pd.DataFrame:
    """The grids whose incidents rose most against the same month last year."""
    now = drill.incident_counts(session, month, area, None, by=("grid",))[["grid", "reported"]]
    then = drill.incident_counts(session, month.same_period_last_year(), area, None, by=("grid",))
    then = then[["grid", "reported"]].rename(columns={"reported": "baseline"})
    frame = now.merge(then, how="outer", on="grid")
    frame["reported"] = frame["reported"].fillna(0).astype("int64")
    frame["baseline"] = frame["baseline"].fillna(0).astype("int64")
    frame["increase"] = (frame["reported"] - frame["baseline"]).astype("int64")
    frame = frame[frame["increase"] > 0].rename(columns={"grid": "code"})
    frame = frame.sort_values(["increase", "code"], ascending=[False, True], kind="stable").head(limit)
    codes = [str(code) for code in frame["code"]]
    names = {
        str(code): (str(name), str(township), str(county))
        for code, name, township, county in session.execute(
            select(Grid.code, Grid.name, Township.name, County.name)
            .join(Township, Township.code == Grid.township_code)
            .join(County, County.code == Grid.county_code)
            .where(Grid.code.in_(codes))
        )
    }
    found = [names.get(code, (code, "", "")) for code in codes]
    frame = frame.assign(
        code=pd.Series(codes, dtype=object, index=frame.index),
        name=pd.Series([name for name, _, _ in found], dtype=object, index=frame.index),
        township_name=pd.Series([township for _, township, _ in found], dtype=object, index=frame.index),
        county_name=pd.Series([county for _, _, county in found], dtype=object, index=frame.index),
        place=pd.Series([grid_place(*parts[::-1]) for parts in found], dtype=object, index=frame.index),
    )
    frame["change"] = percent_changes(frame["reported"], frame["baseline"])
    columns = ["code", "name", "township_name", "county_name", "place", "reported", "baseline", "increase", "change"]
    return frame[columns].reset_index(drop=True)


def grid_place(county: str, township: str, grid: str) -> str:
    """玉环市坎门街道第34网格: a grid named with its county and township, each said once (grids are often named after
    their township already: "坎门街道第34网格" is not made "坎门街道坎门街道第34网格")."""
    name = grid if grid.startswith(township) else f"{township}{grid}"
    return name if name.startswith(county) else f"{county}{name}"


def hazards_by_department(
    session: Session, month: Period, area: Area, *, as_of: datetime | None = None
) -> pd.DataFrame:
    """Hazards found in the month per department: found, rectified by `as_of`, overdue, rectification rate."""
    as_of = as_of or utc_now()
    start, end = month.utc_bounds(city_zone())
    rectified = and_(Hazard.rectified_at.is_not(None), Hazard.rectified_at <= as_of)
    overdue = and_(~rectified, Hazard.deadline < as_of)
    query = (
        select(
            Hazard.department_id,
            func.count(),
            func.coalesce(func.sum(case((rectified, 1), else_=0)), 0),
            func.coalesce(func.sum(case((overdue, 1), else_=0)), 0),
        )
        .where(Hazard.found_at >= start, Hazard.found_at < end, records_in(Hazard, area))
        .group_by(Hazard.department_id)
    )
    counted = pd.DataFrame(
        [tuple(row) for row in session.execute(query)], columns=["department_id", "found", "rectified", "overdue"]
    )
    departments = {
        int(row[0]): (str(row[1]), str(row[2]), str(row[3]))
        for row in session.execute(select(Department.id, Department.code, Department.name, Department.name_en))
    }
    labels = [
        departments.get(int(key), ("", "", "")) if pd.notna(key) else ("", "", "") for key in counted["department_id"]
    ]
    frame = pd.DataFrame(
        {
            "department": pd.Series([label[0] for label in labels], dtype=object),
            "name": pd.Series([label[1] for label in labels], dtype=object),
            "name_en": pd.Series([label[2] for label in labels], dtype=object),
            "found": counted["found"].astype("int64"),
            "rectified": counted["rectified"].astype("int64"),
            "overdue": counted["overdue"].astype("int64"),
        }
    )
    frame["rate"] = rate(frame["rectified"], frame["found"])
    frame = frame.sort_values(["found", "department"], ascending=[False, True], kind="stable", ignore_index=True)
    return frame[["department", "name", "name_en", "found", "rectified", "overdue", "rate"]]


def patrols_by_area(session: Session, month: Period, area: Area, *, today: date | None = None) -> pd.DataFrame:
    """Patrol compliance per area one level down (a grid: itself; a month in progress: its days so far)."""
    level = AreaLevel.GRID if area.level is AreaLevel.GRID else drill.child_level(area)
    return patrol_compliance.compliance_by_area(session, month, area, level, today=today)


def compliance_rate(patrols: pd.DataFrame) -> float | None:
    """The rate of all the areas together (compliant over due worker-days, a fraction), None when none were due."""
    due = int(patrols["worker_days"].sum())
    return int(patrols["compliant_days"].sum()) / due if due else None


def has_rows(session: Session, month: Period, area: Area) -> bool:
    """Whether any incident was reported or any hazard found in the month and area (a cheap check)."""
    start, end = month.utc_bounds(city_zone())
    incidents = exists().where(Incident.reported_at >= start, Incident.reported_at < end, records_in(Incident, area))
    hazards = exists().where(Hazard.found_at >= start, Hazard.found_at < end, records_in(Hazard, area))
    return bool(session.scalar(select(incidents))) or bool(session.scalar(select(hazards)))


def monthly_report(
    session: Session,
    month: Period,
    area: Area,
    *,
    as_of: datetime | None = None,
    today: date | None = None,
    within_days: int | None = None,
) -> MonthlyReport:
    """Every figure of the month, counted at one moment; the solve rates as the `within_days`-day rate when given."""
    as_of = as_of or utc_now()
    return MonthlyReport(
        month=month,
        area=area,
        headline=month_headline(session, month, area, as_of=as_of, within_days=within_days),
        ranking=area_ranking(session, month, area, as_of=as_of, within_days=within_days),
        rising=rising_grids(session, month, area),
        hazards=hazards_by_department(session, month, area, as_of=as_of),
        patrols=patrols_by_area(session, month, area, today=today),
        within_days=within_days,
    )
