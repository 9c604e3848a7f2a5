"""The Redis connection of this process: REDIS_URL, or the embedded server's socket when REDIS_URL is empty."""

from __future__ import annotations

from functools import lru_cache

from redis import Redis
from redis.exceptions import RedisError

from dashboard.config import get_settings

# What a dead or restarting server can raise: a RedisError, or, when another thread's error handling closed a pooled
# socket under this one, a bare OSError or ValueError ("I/O operation on closed file").
REDIS_DOWN = (RedisError, OSError, ValueError)


@lru_cache(maxsize=1)
def get_redis() -> Redis:
    """Decoded strings in and out; short timeouts so a dead server is noticed, not waited on."""
    return Redis.from_url(
        get_settings().effective_redis_url,
        decode_responses=True,
        socket_connect_timeout=2,
        socket_timeout=20,  # longer than any blocking read the app makes
        health_check_interval=15,
    )


@lru_cache(maxsize=1)
def get_raw_redis() -> Redis:
    """Bytes in and out, for RQ (the queue of month builds): it stores its own encodings and cannot read decoded
    responses."""
    url = get_settings().effective_redis_url
    return Redis.from_url(url, socket_connect_timeout=2, socket_timeout=20, health_check_interval=15)


def reset_redis() -> None:
    for cached in (get_redis, get_raw_redis):
        if cached.cache_info().currsize:
            cached().close()
        cached.cache_clear()


def simulator_speedup_key() -> str:
    """Where a running simulator says how much faster than the city it runs (beside the event stream), for the
    wall's banner; it expires soon after the simulator stops."""
    return f"{get_settings().event_stream}:simulator:speedup"
