"""Valid phone events for tests (as the app would send them), and the tiny city's worker and device."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from sqlalchemy.orm import Session

from dashboard.data.models import Department, GridWorker
from dashboard.data.tokens import issue_token

DEVICE, WORKER = "phone-001", "W331004001001"


def add_worker(session: Session) -> str:
    """A worker of grid 1 with a device token, and two departments; returns the token."""
    session.add(
        GridWorker(
            code=WORKER,
            name="张伟",
            phone="13800000001",
            grid_id=1,
            hire_date=datetime(2017, 6, 1),
            education="college_or_above",
            party_member=True,
        )
    )
    session.add_all(
        [
            Department(code="public_security", name="公安", name_en="Public security", platform="governance"),
            Department(code="fire", name="消防", name_en="Fire", platform="law_enforcement"),
        ]
    )
    return issue_token(session, DEVICE, WORKER)


def add_gateway(session: Session) -> str:
    """The worker of `add_worker` and a gateway token for the same device id: bound to no worker, it may report
    from any grid (as another system's bridge does), so traffic can spread over the city; returns the token."""
    add_worker(session)
    return issue_token(session, DEVICE)


def now() -> datetime:
    return datetime.now(UTC)


def envelope(event_type: str, at: datetime | None = None, **fields: Any) -> dict[str, Any]:
    return {
        "type": event_type,
        "event_id": str(uuid4()),
        "device_id": DEVICE,
        "worker_code": WORKER,
        "occurred_at": (at or now()).isoformat(),
        **fields,
    }


def incident_reported(at: datetime | None = None, **fields: Any) -> dict[str, Any]:
    values = {
        "grid_code": "331004-001-0001",
        "lat": 28.005,
        "lon": 121.005,
        "kind": "criminal",
        "subtype": "theft",
        "place_type": "rental_housing",
        "summary": "电动车被盗",
    }
    return envelope("incident.reported", at, **{**values, **fields})


def incident_updated(ref: str, status: str, at: datetime | None = None, **fields: Any) -> dict[str, Any]:
    return envelope("incident.updated", at, ref=ref, status=status, **fields)


def hazard_reported(at: datetime | None = None, **fields: Any) -> dict[str, Any]:
    values = {
        "grid_code": "331004-001-0002",
        "lat": 28.005,
        "lon": 121.005,
        "category": "fire",
        "subtype": "ebike_indoor_charging",
        "severity": "major",
    }
    return envelope("hazard.reported", at, **{**values, **fields})


def hazard_updated(ref: str, status: str, at: datetime | None = None) -> dict[str, Any]:
    return envelope("hazard.updated", at, ref=ref, status=status)


def patrol_started(at: datetime | None = None) -> dict[str, Any]:
    return envelope("patrol.started", at, grid_code="331004-001-0001", lat=28.004, lon=121.004)


def patrol_position(ref: str, lat: float, lon: float, at: datetime | None = None) -> dict[str, Any]:
    return envelope("patrol.position", at, ref=ref, lat=lat, lon=lon)


def patrol_ended(ref: str, at: datetime | None = None) -> dict[str, Any]:
    return envelope("patrol.ended", at, ref=ref, distance_m=5200.0, findings=2)


def minutes(count: float) -> timedelta:
    return timedelta(minutes=count)
