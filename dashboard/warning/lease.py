"""Which early-warning worker is the one evaluating: a lease in Redis (a key holding the holder's name, with a time
to live), taken with SET NX, renewed while the holder works, handed back when it stops.

The worker keeps its sliding windows in memory, so two evaluating the same stream would each raise the same spike.
With the lease, any number may run: one evaluates, the others wait as hot standbys and take over within `TTL_MS`
of the holder stopping or dying (its lease then expires). Renewing and handing back check the holder's name in one
step (a Lua script), so a worker that lost its lease (it stalled past the time to live) never extends or deletes
another's.
"""

from __future__ import annotations

import os
import socket
import time
from uuid import uuid4

from redis import Redis

from dashboard.config import get_settings

TTL_MS = 10_000  # a holder that stops renewing is replaced after this long (renewed every third of it)

RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""


def lease_key() -> str:
    return f"{get_settings().live_prefix}warning:lease"


class Lease:
    def __init__(self, client: Redis, *, ttl_ms: int = TTL_MS) -> None:
        self.client, self.ttl_ms = client, ttl_ms
        self.key = lease_key()
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid4().hex[:8]}"
        self.held = False
        self._renewed_at = -float("inf")
        self._renew = client.register_script(RENEW)
        self._release = client.register_script(RELEASE)

    def hold(self) -> bool:
        """Whether this worker holds the lease now: taken if free, renewed if held and due. A holder that finds
        its lease gone (it stalled past the time to live, another took over) no longer holds it."""
        now = time.monotonic()
        if self.held and now - self._renewed_at < self.ttl_ms / 3 / 1000:
            return True
        if self.held:
            self.held = bool(self._renew(keys=[self.key], args=[self.holder, self.ttl_ms]))
        else:
            self.held = bool(self.client.set(self.key, self.holder, nx=True, px=self.ttl_ms))
        if self.held:
            self._renewed_at = now
        return self.held

    def release(self) -> None:
        if self.held:
            self._release(keys=[self.key], args=[self.holder])
        self.held = False

    def holder_now(self) -> str | None:
        value = self.client.get(self.key)
        return None if value is None else str(value)
