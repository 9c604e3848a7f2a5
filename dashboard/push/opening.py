"""What a push stream sends first, read from Redis: a first visit's backlog, or what a reconnecting browser missed."""

from __future__ import annotations

from functools import partial

from dashboard.access.scope import in_area
from dashboard.config import get_settings
from dashboard.data.redis_client import get_redis
from dashboard.pipeline.feed import features_after, latest_features
from dashboard.push.admission import Admitted
from dashboard.push.frames import frame, within_area


def opening(terms: Admitted) -> tuple[str, str]:
    """The opening frames and the stream id they cover up to (what follows is sent as it arrives). A first visit:
    the area's newest reports (up to 500), newest first, in one "backlog" frame. A reconnect: every report of the
    area after its Last-Event-ID, oldest first, one frame each."""
    client, lang, area = get_redis(), get_settings().language, terms.area
    if terms.resume is None:
        backlog, newest = latest_features(client, lang, keep=partial(in_area, area))
        covered = newest or "0-0"  # resume after the newest entry read: nothing falls in between
        return (frame(covered, backlog, "backlog") if backlog else ""), covered
    texts, last_id = [], terms.resume
    while True:
        newer, next_id = features_after(client, last_id, lang)
        texts += [frame(feature["properties"]["sid"], feature) for feature in within_area(newer, area)]
        if next_id == last_id:
            return "".join(texts), last_id
        last_id = next_id
