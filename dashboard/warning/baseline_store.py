"""The baselines the evaluating worker last computed, kept in Redis: a standby that takes over, or a worker that
restarts, starts from them instead of reading eight weeks of history again (most of a rebuild's time, and on the
large profile several seconds). Kept for `MAX_AGE`, as long as the worker would use them before reloading.

Stored as plain data, never pickled: per baseline, its areas (JSON) and its rates (float32, base64)."""

from __future__ import annotations

import base64
import json
import time
from typing import Any, cast

import numpy as np
from redis import Redis

from dashboard.config import get_settings
from dashboard.data.city_zone import city_zone
from dashboard.warning.baseline import HOURS_OF_WEEK, HourOfWeekBaseline

MAX_AGE_S = 3600.0


def store_key() -> str:
    return f"{get_settings().live_prefix}warning:baselines"


def save(client: Redis, baselines: dict[str, HourOfWeekBaseline], *, computed_at: float | None = None) -> None:
    """Keep `baselines` ("incidents", "hazards"), computed at `computed_at` (epoch seconds; default now)."""
    fields: dict[str, str] = {"at": repr(computed_at or time.time()), "zone": city_zone()}
    for name, baseline in baselines.items():
        areas = list(baseline.rates)
        table = np.stack([baseline.rates[area] for area in areas]) if areas else np.zeros((0, HOURS_OF_WEEK))
        fields[f"{name}:areas"] = json.dumps(areas, ensure_ascii=False)
        fields[f"{name}:rates"] = base64.b64encode(table.astype("<f4").tobytes()).decode("ascii")
    pipe = client.pipeline()
    pipe.delete(store_key())
    pipe.hset(store_key(), mapping=cast(Any, fields))  # redis-py types a mapping too narrowly
    pipe.expire(store_key(), int(MAX_AGE_S))
    pipe.execute()


def load(
    client: Redis, names: tuple[str, ...] = ("incidents", "hazards")
) -> tuple[dict[str, HourOfWeekBaseline], float] | None:
    """The kept baselines and when they were computed (epoch seconds), or None when there are none (expired, of
    another zone, or unreadable)."""
    fields = cast(dict[str, str], client.hgetall(store_key()))
    zone = city_zone()
    if fields.get("zone") != zone or not all(f"{name}:rates" in fields for name in names):
        return None
    try:
        computed_at = float(fields["at"])
        found = {}
        for name in names:
            areas = json.loads(fields[f"{name}:areas"])
            table = np.frombuffer(base64.b64decode(fields[f"{name}:rates"]), dtype="<f4").astype(np.float64)
            rows = table.reshape(len(areas), HOURS_OF_WEEK)
            found[name] = HourOfWeekBaseline({area: rows[row] for row, area in enumerate(areas)}, zone=zone)
    except (KeyError, ValueError, TypeError):  # written by another version, or cut short: compute them again
        return None
    return found, computed_at
