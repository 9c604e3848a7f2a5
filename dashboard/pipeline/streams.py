"""The event stream in Redis: appending accepted events (ingest API) and reading entries back (push, consumers)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from redis import Redis

from dashboard.config import get_settings
from dashboard.pipeline.events import AnyEvent, stream_fields

Entry = tuple[str, dict[str, str]]  # (stream id, fields)
STREAM_MAXLEN = 2_000_000  # about two weeks at city scale; trimmed approximately, never below what consumers hold


def append_events(client: Redis, events: Sequence[AnyEvent], *, received_at: datetime | None = None) -> list[str]:
    """XADD every event in one round trip (MULTI/EXEC: all or none). Returns the stream ids, in order.
    Raises redis.RedisError when Redis did not take them; then none was written."""
    stamp = received_at or datetime.now(UTC)
    stream = get_settings().event_stream
    pipeline = client.pipeline(transaction=True)
    for event in events:
        pipeline.xadd(stream, stream_fields(event, stamp), maxlen=STREAM_MAXLEN, approximate=True)  # type: ignore[arg-type]
    return [str(stream_id) for stream_id in pipeline.execute()]


def as_entries(reply: Any) -> list[Entry]:
    """XREAD/XREADGROUP/XAUTOCLAIM entries as (id, fields) pairs; deleted entries (fields None) are dropped."""
    return [(str(stream_id), dict(fields)) for stream_id, fields in reply or [] if fields is not None]
