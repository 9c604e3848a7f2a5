"""Traffic for the reliability tests: bursts of valid phone events, posted in batches of 500 the way the app sends
them, and what the database, the rollups, the live counters and the streams hold afterwards."""

from __future__ import annotations

import json
import random
import threading
import urllib.error
import urllib.request
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from redis.exceptions import ResponseError
from sqlalchemy import func, select, union_all

from dashboard.config import get_settings
from dashboard.data.city_zone import city_clock
from dashboard.data.db import session_scope
from dashboard.data.models import Hazard, HazardDaily, Incident, IncidentDaily
from dashboard.data.redis_client import get_redis
from dashboard.data.vocab import SUBTYPES, PlaceType
from dashboard.pipeline.events import parse_event
from dashboard.pipeline.live import LiveState
from dashboard.pipeline.streams import append_events
from tests.support.events import hazard_reported, incident_reported
from tests.support.factories import GRIDS

BATCH = 500  # events in one POST, as the phone app sends a backlog
KINDS = list(SUBTYPES)
PLACES = list(PlaceType)


def burst(count: int, *, seed: int = 0) -> list[dict[str, Any]]:
    """`count` valid reports from the last two hours: four incidents to one hazard, spread over the tiny city."""
    pick = random.Random(seed)
    now = datetime.now(UTC)
    events = []
    for number in range(count):
        at = now - timedelta(seconds=pick.randrange(1, 7200))
        grid = pick.choice(list(GRIDS))
        if number % 5 == 4:
            events.append(hazard_reported(at, grid_code=grid, severity=pick.choice(["general", "major"])))
            continue
        kind = pick.choice(KINDS)
        subtype = pick.choice(SUBTYPES[kind])
        place = pick.choice(PLACES)
        events.append(incident_reported(at, grid_code=grid, kind=kind.value, subtype=subtype, place_type=place.value))
    return events


def post(base: str, token: str, batch: list[dict[str, Any]]) -> tuple[int, dict[str, Any]]:
    """POST /api/v1/events as the phone does: the status and the JSON answer (0 and {} when nothing answered)."""
    request = urllib.request.Request(
        f"{base}/api/v1/events",
        data=json.dumps(batch, ensure_ascii=False).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")
    except OSError:
        return 0, {}


def post_all(base: str, token: str, events: list[dict[str, Any]], *, senders: int = 4) -> Counter[int]:
    """POST every batch of 500, `senders` at a time; how many answers of each status came back."""
    batches = [events[start : start + BATCH] for start in range(0, len(events), BATCH)]
    statuses: Counter[int] = Counter()

    def send(mine: list[list[dict[str, Any]]]) -> None:
        for batch in mine:
            status, _ = post(base, token, batch)
            statuses[status] += 1

    threads = [threading.Thread(target=send, args=(batches[number::senders],)) for number in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def push(events: list[dict[str, Any]]) -> list[str]:
    """Append to the stream exactly as the API does (validated, stamped, 500 per MULTI/EXEC); the stream ids."""
    stream_ids = []
    for start in range(0, len(events), BATCH):
        stream_ids += append_events(get_redis(), [parse_event(event) for event in events[start : start + BATCH]])
    return stream_ids


def stored_ids() -> Counter[str]:
    """Every report's event id in the database, with how many rows carry it."""
    with session_scope() as session:
        ids = session.scalars(union_all(select(Incident.event_id), select(Hazard.event_id))).all()
    return Counter(ids)


def stored_among(event_ids: list[str]) -> set[str]:
    """Which of these event ids the database holds a report of."""
    with session_scope() as session:
        found = session.scalars(
            union_all(
                select(Incident.event_id).where(Incident.event_id.in_(event_ids)),
                select(Hazard.event_id).where(Hazard.event_id.in_(event_ids)),
            )
        ).all()
    return set(found)


def records() -> int:
    with session_scope() as session:
        incidents = session.scalar(select(func.count()).select_from(Incident)) or 0
        hazards = session.scalar(select(func.count()).select_from(Hazard)) or 0
    return int(incidents + hazards)


def rollup_totals() -> dict[str, int]:
    """What the daily rollups count, summed over every day, grid and kind."""
    with session_scope() as session:
        incidents = session.execute(
            select(
                func.sum(IncidentDaily.reported),
                func.sum(IncidentDaily.filed),
                func.sum(IncidentDaily.solved),
                func.sum(IncidentDaily.resolved),
            )
        ).one()
        hazards = session.execute(
            select(
                func.sum(HazardDaily.found), func.sum(HazardDaily.rectified), func.sum(HazardDaily.rectified_on_time)
            )
        ).one()
    names = ("reported", "filed", "solved", "resolved", "found", "rectified", "rectified_on_time")
    return {name: int(value or 0) for name, value in zip(names, (*incidents, *hazards), strict=True)}


def rollup_rows() -> list[tuple[Any, ...]]:
    """Every row of both daily rollups, in a fixed order."""
    with session_scope() as session:
        rows = [tuple(row) for row in session.execute(select(IncidentDaily.__table__)).all()]
        rows += [tuple(row) for row in session.execute(select(HazardDaily.__table__)).all()]
    return sorted(rows, key=repr)


def live_state() -> dict[str, Any]:
    """Everything the wall reads from the live state: per grid, incidents of the last three city days, open and
    overdue hazards, grids patrolled."""
    live = LiveState(get_redis())
    today = city_clock().day(datetime.now(UTC).replace(tzinfo=None))
    days = [today - timedelta(days=back) for back in range(3)]
    return {
        "incidents": {day.isoformat(): live.incidents_on(day) for day in days},
        "patrolled": {day.isoformat(): live.patrolled_on(day) for day in days},
        "open_hazards": live.open_hazards(),
        "overdue_hazards": live.overdue_hazards(datetime.now(UTC).replace(tzinfo=None) + timedelta(days=30)),
    }


def live_totals() -> dict[str, int]:
    """What the wall reads from the live state: incidents of the last three city days, hazards open now."""
    live = LiveState(get_redis())
    today = city_clock().day(datetime.now(UTC).replace(tzinfo=None))
    days = [today - timedelta(days=back) for back in range(3)]
    incidents = sum(sum(live.incidents_on(day).values()) for day in days)
    return {"incidents": incidents, "open_hazards": sum(live.open_hazards().values())}


def pending_summary() -> dict[str, Any]:
    """XPENDING's summary; nothing pending while the consumers have not made their group yet."""
    settings = get_settings()
    try:
        return dict(get_redis().xpending(settings.event_stream, settings.consumer_group))
    except ResponseError as error:
        if "NOGROUP" not in str(error):
            raise
        return {"pending": 0, "consumers": []}


def pending() -> int:
    """Entries delivered to a consumer and not acknowledged yet."""
    return int(pending_summary()["pending"])


def pending_by_consumer() -> dict[str, int]:
    return {str(item["name"]): int(item["pending"]) for item in pending_summary()["consumers"] or []}


def pending_entries() -> list[dict[str, Any]]:
    """XPENDING in detail: message_id, consumer, time_since_delivered (ms), times_delivered."""
    settings = get_settings()
    return list(get_redis().xpending_range(settings.event_stream, settings.consumer_group, "-", "+", 100_000))


def undelivered() -> bool:
    """Whether the group has not read the newest entry yet."""
    settings = get_settings()
    client = get_redis()
    newest = client.xrevrange(settings.event_stream, count=1)
    groups = {group["name"]: group for group in client.xinfo_groups(settings.event_stream)}
    group = groups.get(settings.consumer_group)
    return bool(newest) and (group is None or group["last-delivered-id"] != newest[0][0])


def drained() -> bool:
    """Every entry in the stream read by the group and acknowledged."""
    return not undelivered() and pending() == 0


def dead_letters() -> list[dict[str, str]]:
    return [fields for _, fields in get_redis().xrange(get_settings().dead_letter_stream)]


def readers() -> int:
    """Clients of the stream's Redis sitting in a blocking XREADGROUP: consumers that are up and waiting."""
    return sum(client.get("cmd") == "xreadgroup" for client in get_redis().client_list())
