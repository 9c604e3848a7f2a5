"""A per-address limit on login attempts, counted in Redis so that every web worker counts the same attempts.

A fixed window per client address: at most LOGIN_ATTEMPTS password logins per LOGIN_WINDOW. It slows a guesser
spreading guesses over many account names, which the per-account lockout alone does not. When Redis is down the
limit is not applied (logins still work; the per-account lockout, kept in the database, still holds).
"""

from __future__ import annotations

import logging

from dashboard.config import get_settings
from dashboard.data.redis_client import REDIS_DOWN, get_redis

log = logging.getLogger(__name__)
LOGIN_ATTEMPTS = 30
LOGIN_WINDOW = 600  # seconds


def login_key(address: str) -> str:
    return f"{get_settings().live_prefix}login-attempts:{address}"


def take_login_attempt(address: str) -> int | None:
    """Count one attempt from `address`; None when it is within the limit, else the seconds until it may retry."""
    key = login_key(address)
    try:
        with get_redis().pipeline() as pipe:  # MULTI/EXEC: the window starts with its expiry, INCR keeps it
            pipe.set(key, 0, ex=LOGIN_WINDOW, nx=True)
            pipe.incr(key)
            pipe.ttl(key)
            _, count, ttl = pipe.execute()
    except REDIS_DOWN as error:
        log.warning("login rate limit not applied, Redis unavailable: %s", error)
        return None
    return None if int(count) <= LOGIN_ATTEMPTS else max(int(ttl), 1)
