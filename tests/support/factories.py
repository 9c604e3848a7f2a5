"""Hand-built rows for tests: a tiny city (two counties, three townships, four grids) and incidents in it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import uuid4

from sqlalchemy.orm import Session

from dashboard.data.models import Alert, County, Grid, Hazard, Incident, Township

SQUARE = '{"type":"Polygon","coordinates":[[[121.0,28.0],[121.01,28.0],[121.01,28.01],[121.0,28.01],[121.0,28.0]]]}'
COUNTIES = {"331004": ("路桥区", "Luqiao", 28.58, 121.37), "331081": ("温岭市", "Wenling", 28.37, 121.38)}
TOWNSHIPS = {"331004001": "331004", "331004002": "331004", "331081001": "331081"}
GRIDS = {
    "331004-001-0001": "331004001",
    "331004-001-0002": "331004001",
    "331004-002-0001": "331004002",
    "331081-001-0001": "331081001",
}


def add_city(session: Session) -> dict[str, int]:
    """The tiny city; returns grid ids by code."""
    for code, (name, name_en, lat, lon) in COUNTIES.items():
        session.add(County(code=code, name=name, name_en=name_en, seat_lat=lat, seat_lon=lon))
    for code, county in TOWNSHIPS.items():
        session.add(Township(code=code, county_code=county, name=f"镇{code[-3:]}", name_en=f"Town {code}", kind="town"))
    session.flush()
    grids = {}
    for number, (code, township) in enumerate(GRIDS.items(), start=1):
        grid = Grid(
            id=number,
            code=code,
            name=f"网格{code}",
            township_code=township,
            county_code=TOWNSHIPS[township],
            urban=number % 2 == 0,
            geometry=SQUARE,
            centroid_lat=28.005,
            centroid_lon=121.005,
            area_km2=1.2,
            residents=1000,
            migrants=300,
            key_persons=2,
            special_persons=1,
            rental_houses=40,
        )
        session.add(grid)
        grids[code] = number
    session.flush()
    return grids


def incident(
    reported_at: datetime,
    *,
    grid: str = "331004-001-0001",
    kind: str = "criminal",
    place_type: str = "residence",
    filed_at: datetime | None = None,
    solved_at: datetime | None = None,
    **fields: Any,
) -> Incident:
    """An incident in `grid` (a code of the tiny city); criminal cases are filed when reported unless told."""
    township = GRIDS[grid]
    if kind == "criminal" and filed_at is None:
        filed_at = reported_at
    values: dict[str, Any] = {
        "event_id": str(uuid4()),
        "kind": kind,
        "subtype": "theft" if kind == "criminal" else "neighbourhood",
        "grid_id": list(GRIDS).index(grid) + 1,
        "township_code": township,
        "county_code": TOWNSHIPS[township],
        "lat": 28.005,
        "lon": 121.005,
        "place_type": place_type,
        "source": "patrol",
        "status": "solved" if solved_at else "reported",
        "reported_at": reported_at,
        "filed_at": filed_at,
        "solved_at": solved_at,
        "summary": "",
    }
    values.update(fields)
    return Incident(**values)


def hazard(found_at: datetime, *, deadline: datetime | None = None, **fields: Any) -> Hazard:
    values: dict[str, Any] = {
        "event_id": str(uuid4()),
        "category": "fire",
        "subtype": "blocked_exit",
        "severity": "general",
        "grid_id": 1,
        "township_code": "331004001",
        "county_code": "331004",
        "lat": 28.005,
        "lon": 121.005,
        "status": "open",
        "found_at": found_at,
        "deadline": deadline or found_at + timedelta(days=7),
    }
    values.update(fields)
    return Hazard(**values)


def alert(rule: str, township: str, at: datetime, *, level: str = "yellow", **fields: Any) -> Alert:
    """An early-warning alert of `rule` in `township`, raised (and last grown) at `at`."""
    key = str(uuid4())
    values: dict[str, Any] = {
        "key": f"{rule}:{key}",
        "rule": rule,
        "place": f"{township}:{key}",
        "level": level,
        "count": 1,
        "county_code": township[:6],
        "township_code": township,
        "raised_at": at,
        "updated_at": at,
        "last_seen_at": at,
    }
    values.update(fields)
    return Alert(**values)


def utc(day: date | str, hour: int = 12) -> datetime:
    """Noon UTC (20:00 in Taizhou) of a day, naive, as stored."""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return datetime(day.year, day.month, day.day, hour)
