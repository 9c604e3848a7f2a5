"""The ingest API for the phone app: `POST /api/v1/events`, one event (a JSON object) or a batch (a JSON array).

- A bearer token per device; the events must carry that device's id. A worker's phone reports only from its
  worker's grid (its scope); a gateway token (no worker: another system's bridge) reports from anywhere.
- Each event is checked (docs/events.md); invalid ones are answered item by item and field by field, and nothing is
  written for them. The valid ones are appended to the Redis stream in one MULTI/EXEC, and the answer (202, or 400
  when some were invalid) comes only after Redis took them.
- Redis down: 503 with Retry-After, nothing written. Body size and batch length are limited.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, jsonify, request

from dashboard.config import get_settings
from dashboard.data.directories import Directory, GridPlace, grid_directory
from dashboard.data.events import AnyEvent, Located, MalformedEvent, parse_event
from dashboard.data.redis_client import REDIS_DOWN, get_redis
from dashboard.data.streams import append_events
from dashboard.data.tokens import Device, TokenCache

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5

api = Blueprint("ingest", __name__, url_prefix="/api/v1")
tokens = TokenCache()
grids: Directory[GridPlace] = grid_directory()


def reset_caches() -> None:
    """Forget cached tokens and grids (after the database changed, e.g. between tests)."""
    global tokens, grids
    tokens, grids = TokenCache(), grid_directory()


def problem(status: int, message: str, **extra: Any) -> tuple[Response, int]:
    return jsonify({"error": message, **extra}), status


def authenticate() -> Device | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return tokens.device(token.strip())


def check(item: Any, device: Device, now: datetime) -> AnyEvent:
    """One item of the body as an event of this device, or MalformedEvent naming the field(s)."""
    event = parse_event(item, now=now)
    if event.device_id != device.device_id:
        raise MalformedEvent(f"device_id: {event.device_id!r} is not the device this token was issued to")
    if device.worker_code and event.worker_code != device.worker_code:
        raise MalformedEvent(f"worker_code: {event.worker_code!r} is not the worker this device belongs to")
    if isinstance(event, Located):
        if grids.get(event.grid_code) is None:
            raise MalformedEvent(f"grid_code: unknown grid {event.grid_code!r}")
        if device.worker_code and event.grid_code != device.grid_code:
            raise MalformedEvent(
                f"grid_code: {event.grid_code!r} is outside the grid of worker {device.worker_code} "
                f"({device.grid_code or 'no grid'}): a phone reports from its worker's grid only"
            )
    return event


def problems_of(error: MalformedEvent) -> list[dict[str, str]]:
    """'field: message; field: message' back into per-field items."""
    items = []
    for part in str(error).split("; "):
        field, _, message = part.partition(": ")
        items.append({"field": field, "message": message})
    return items


@api.post("/events")
def post_events() -> tuple[Response, int]:
    settings = get_settings()
    device = authenticate()
    if device is None:
        response, status = problem(401, "a valid device token is required (Authorization: Bearer <token>)")
        response.headers["WWW-Authenticate"] = 'Bearer realm="events"'
        return response, status
    if request.content_length is None:
        return problem(411, "the request needs a Content-Length")
    if request.content_length > settings.ingest_max_bytes:
        return problem(413, f"body: larger than {settings.ingest_max_bytes} bytes; send smaller batches")
    try:
        body = json.loads(request.get_data(cache=False))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return problem(400, f"body: not JSON ({error})")
    items = body if isinstance(body, list) else [body]
    if not items:
        return problem(400, "body: an empty batch")
    if len(items) > settings.ingest_max_batch:
        return problem(413, f"body: at most {settings.ingest_max_batch} events per request, got {len(items)}")
    now = datetime.now(UTC)
    accepted: list[AnyEvent] = []
    rejected: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        try:
            accepted.append(check(item, device, now))
        except MalformedEvent as error:
            event_id = item.get("event_id") if isinstance(item, dict) else None
            rejected.append({"index": index, "event_id": event_id, "problems": problems_of(error)})
    try:
        stream_ids = append_events(get_redis(), accepted, received_at=now) if accepted else []
    except REDIS_DOWN as error:
        log.error("stream unavailable: %s", error)
        response, status = problem(503, "the event stream is unavailable; nothing was written, retry later")
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response, status
    body = {
        "accepted": [
            {"event_id": str(event.event_id), "stream_id": stream_id}
            for event, stream_id in zip(accepted, stream_ids, strict=True)
        ],
        "rejected": rejected,
    }
    return jsonify(body), 400 if rejected else 202
