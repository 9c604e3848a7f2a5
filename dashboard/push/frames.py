"""What goes down a push stream: server-sent event frames, the reports an area may see, stream-id order."""

from __future__ import annotations

import json
import re
from typing import Any

from dashboard.access.scope import in_area
from dashboard.data.periods import Area

STREAM_ID = re.compile(r"\d+-\d+")
RETRY = "retry: 2000\n\n"  # the browser reconnects after 2 s when a stream ends
KEEP_ALIVE = ": keep-alive\n\n"  # lets proxies, and dead clients, be noticed
BLOCK_MS = 15_000  # a stream with nothing to say sends a keep-alive this often


def frame(stream_id: str, data: object, event: str = "") -> str:
    kind = f"event: {event}\n" if event else ""
    return f"id: {stream_id}\n{kind}data: {json.dumps(data, ensure_ascii=False)}\n\n"


def within_area(features: list[dict[str, Any]], area: Area) -> list[dict[str, Any]]:
    """Only the reports of the account's area."""
    return [feature for feature in features if in_area(area, feature["properties"]["grid"])]


def stream_order(stream_id: str) -> tuple[int, int]:
    """A Redis stream id as a sortable pair: "1700000000000-3" -> (1700000000000, 3)."""
    millis, _, sequence = stream_id.partition("-")
    return int(millis), int(sequence or 0)
