"""SLA (按期结案): deadlines from the routing matrix, what is overdue now, and the on-time closure rate.

- An incident is closed when `closed_at` is set; a hazard when it is rectified (`rectified_at`: its deadline is a
  rectification deadline). A record is on time when it closed no later than its deadline.
- 按期结案率 on-time closure rate = closed on time / closed in the period (DOMAIN.md), by the closing moment.
- Overdue: not closed and past its deadline. It is the township's to handle for `ESCALATE_AFTER`, then the
  county's (the early-warning worker raises and escalates an alert for each); a hazard past `SUPERVISE_AFTER` is
  also listed for supervision (挂牌督办).

`on_time_rates(session, period, area, by=...)` → columns `key`, `name`, `name_en`, `closed`, `on_time`, `rate`
(by department, township, county or month). `overdue(session, area, now=...)` → the overdue records, most overdue
first: `record` (incident | hazard), `event_id`, `what` (kind or category), `subtype`, `grid`, `township_code`,
`county_code`, `department`, `deadline`, `hours_over`, `escalation` (township | county), `supervised` (bool).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import pandas as pd
from sqlalchemy import select, true
from sqlalchemy.orm import Session

from dashboard.data import area_tree
from dashboard.data.areas import records_in
from dashboard.data.city_zone import city_zone
from dashboard.data.models import Department, Grid, Hazard, Incident
from dashboard.data.periods import Area, AreaLevel, Period, utc_now

ESCALATE_AFTER = timedelta(hours=24)  # overdue this long: the county's, no longer the township's
SUPERVISE_AFTER = timedelta(days=30)  # overdue this long: listed for supervision (挂牌督办) by the city
RATE_COLUMNS = ["key", "name", "name_en", "closed", "on_time", "rate"]
OVERDUE_COLUMNS = [
    "record",
    "event_id",
    "what",
    "subtype",
    "grid",
    "township_code",
    "county_code",
    "department",
    "deadline",
    "hours_over",
    "escalation",
    "supervised",
]


class RateBy(StrEnum):
    DEPARTMENT = "department"
    TOWNSHIP = "township"
    COUNTY = "county"
    MONTH = "month"


class Record(StrEnum):
    ALL = "all"
    INCIDENT = "incident"
    HAZARD = "hazard"


def escalation(hours_over: float) -> str:
    """Who handles an overdue record: the township first, the county after `ESCALATE_AFTER`."""
    return "county" if hours_over >= ESCALATE_AFTER.total_seconds() / 3600 else "township"


def closing(model: Any) -> Any:
    """The column whose time stops a record's SLA clock: an incident's close, a hazard's rectification."""
    return model.closed_at if model is Incident else model.rectified_at


def closed_rows(session: Session, period: Period, area: Area, record: Record = Record.ALL) -> pd.DataFrame:
    """Records closed in the period: record, county_code, township_code, department, closed_at, on_time."""
    start, end = period.utc_bounds(city_zone())
    frames = []
    for name, model in (("incident", Incident), ("hazard", Hazard)):
        if record not in (Record.ALL, Record(name)):
            continue
        closed = closing(model)
        query = (
            select(model.county_code, model.township_code, Department.code, closed, model.deadline)
            .outerjoin(Department, Department.id == model.department_id)
            .where(records_in(model, area), closed >= start, closed < end)
        )
        rows = pd.DataFrame(
            [tuple(row) for row in session.execute(query)],
            columns=["county_code", "township_code", "department", "closed_at", "deadline"],
        )
        rows["record"] = name
        frames.append(rows)
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if rows.empty:
        return pd.DataFrame(columns=["record", "county_code", "township_code", "department", "closed_at", "on_time"])
    closed_at, deadline = pd.to_datetime(rows["closed_at"]), pd.to_datetime(rows["deadline"])
    rows["on_time"] = deadline.notna() & (closed_at <= deadline)
    rows["closed_at"] = closed_at
    return rows.drop(columns=["deadline"])


def on_time_rates(
    session: Session, period: Period, area: Area, *, by: RateBy, record: Record = Record.ALL
) -> pd.DataFrame:
    """按期结案率 per department, township, county or city-clock month (see the module's doc)."""
    rows = closed_rows(session, period, area, record)
    zone = city_zone()
    if by is RateBy.MONTH:
        local = rows["closed_at"].dt.tz_localize("UTC").dt.tz_convert(zone) if not rows.empty else rows["closed_at"]
        rows = rows.assign(key=local.dt.strftime("%Y-%m") if not rows.empty else [])
    else:
        column = {RateBy.DEPARTMENT: "department", RateBy.TOWNSHIP: "township_code", RateBy.COUNTY: "county_code"}[by]
        rows = rows.assign(key=rows[column].fillna("unassigned") if not rows.empty else [])
    if rows.empty:
        return pd.DataFrame({name: [] for name in RATE_COLUMNS})
    tally = rows.groupby("key", as_index=False).agg(closed=("on_time", "size"), on_time=("on_time", "sum"))
    tally["on_time"] = tally["on_time"].astype(int)
    tally["rate"] = tally["on_time"] / tally["closed"]
    names = _names(session, by, list(tally["key"]))
    tally["name"] = [names.get(key, (key, key))[0] for key in tally["key"]]
    tally["name_en"] = [names.get(key, (key, key))[1] for key in tally["key"]]
    return tally[RATE_COLUMNS].sort_values("key", ignore_index=True)


def _names(session: Session, by: RateBy, keys: list[str]) -> dict[str, tuple[str, str]]:
    if by is RateBy.DEPARTMENT:
        query = select(Department.code, Department.name, Department.name_en).where(Department.code.in_(keys))
        return {code: (name, name_en) for code, name, name_en in session.execute(query)}
    if by is RateBy.COUNTY:
        return area_tree.names(session, AreaLevel.COUNTY, keys)
    if by is RateBy.TOWNSHIP:
        return area_tree.names(session, AreaLevel.TOWNSHIP, keys)
    return {}


def overdue(
    session: Session, area: Area, *, now: datetime | None = None, since: datetime | None = None, limit: int = 500
) -> pd.DataFrame:
    """Records not closed and past their deadline, most overdue first (at most `limit`); with `since`, only those
    whose deadline fell after it (the early-warning sweep: the open-deadline indexes read just that stretch)."""
    now = now or utc_now()
    frames = []
    for name, model, what in (("incident", Incident, Incident.kind), ("hazard", Hazard, Hazard.category)):
        query = (
            select(
                model.event_id,
                what,
                model.subtype,
                Grid.code,
                model.township_code,
                model.county_code,
                Department.code,
                model.deadline,
            )
            .join(Grid, Grid.id == model.grid_id)
            .outerjoin(Department, Department.id == model.department_id)
            .where(records_in(model, area), closing(model).is_(None), model.deadline < now)
            .where(model.deadline >= since if since is not None else true())
            .order_by(model.deadline, model.id)
            .limit(limit)
        )
        rows = pd.DataFrame([tuple(row) for row in session.execute(query)], columns=OVERDUE_COLUMNS[1:9])
        rows.insert(0, "record", name)
        frames.append(rows)
    rows = (
        pd.concat([frame for frame in frames if not frame.empty], ignore_index=True)
        if any(not frame.empty for frame in frames)
        else pd.DataFrame({name: [] for name in OVERDUE_COLUMNS})
    )
    if rows.empty:
        return pd.DataFrame({name: [] for name in OVERDUE_COLUMNS})
    rows["what"] = rows["what"].astype(str)
    rows["hours_over"] = ((now - pd.to_datetime(rows["deadline"])).dt.total_seconds() / 3600).round(1)
    rows["escalation"] = rows["hours_over"].map(escalation)
    # 挂牌督办 is for hazards (重大隐患挂牌督办): a case overdue goes up the incident chain instead.
    rows["supervised"] = (rows["record"] == "hazard") & (rows["hours_over"] >= SUPERVISE_AFTER.total_seconds() / 3600)
    # Ties (records that fell due together) in one fixed order, so that the list does not reshuffle between redraws.
    order = rows.sort_values(["hours_over", "record", "event_id"], ascending=[False, True, True], ignore_index=True)
    return order.head(limit)[OVERDUE_COLUMNS]


def overdue_ids(session: Session, model: Any, ids: list[int], *, now: datetime | None = None) -> set[int]:
    """Which of these incidents or hazards (`model`, by row id) are overdue now (the record tables' highlight)."""
    if not ids:
        return set()
    query = select(model.id).where(model.id.in_(ids), closing(model).is_(None), model.deadline < (now or utc_now()))
    return set(session.scalars(query))
