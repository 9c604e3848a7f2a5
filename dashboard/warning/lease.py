"""Which early-warning worker is the one evaluating: a lease in Redis (a key holding the holder's name, with a time
to live), taken with SET NX, renewed while the holder works, handed back when it stops.

The worker keeps its sliding windows in memory, so two evaluating the same stream would each raise the same spike.
With the lease, any number may run: one evaluates, the others wait as hot standbys and take over within `TTL_MS`
of the holder stopping or dying (its lease then expires). Renewing and handing back check the holder's name in one
step (a Lua script), so a worker that lost its lease never extends or deletes another's.

`LeaseKeeper` takes and renews the lease from a thread of its own, so however long one step of the evaluation
takes (a slow query, a rebuild), the holder never misses a renewal. A holder whose evaluation has not come round for
`stall_limit` seconds is taken for hung and hands the lease back, so a standby can take over.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from uuid import uuid4

from redis import Redis

from dashboard.config import get_settings
from dashboard.data.redis_client import REDIS_DOWN
from dashboard.warning.backoff import Backoff

log = logging.getLogger("dashboard.warning")

TTL_MS = 10_000  # a holder that stops renewing is replaced after this long (renewed every third of it)
STALL_LIMIT_S = 300.0  # an evaluation that has not come round for this long is hung: the lease goes back
STANDBY_S = 1.0  # how often a standby asks for the lease

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

    def lapse_if_expired(self) -> None:
        """Redis could not be asked: past the time to live since the last renewal, the lease is gone anyway."""
        if self.held and (time.monotonic() - self._renewed_at) * 1000 > self.ttl_ms:
            self.held = False

    def release(self) -> None:
        if self.held:
            self._release(keys=[self.key], args=[self.holder])
        self.held = False

    def holder_now(self) -> str | None:
        value = self.client.get(self.key)
        return None if value is None else str(value)


class LeaseKeeper:
    """Holds `lease` from its own thread (`run`) while the evaluation loop calls `beat()` at least every
    `stall_limit` seconds; `held` says whether to evaluate."""

    def __init__(self, lease: Lease, *, stall_limit: float = STALL_LIMIT_S) -> None:
        self.lease, self.stall_limit = lease, stall_limit
        self._beat = time.monotonic()
        self.decided = threading.Event()  # set once the lease has been asked for the first time
        self.announced_standby = False
        self._backoff = Backoff("the early-warning lease (Redis)", log, first=0.5, cap=lease.ttl_ms / 3000)

    @property
    def held(self) -> bool:
        return self.lease.held

    def beat(self) -> None:
        """The evaluation loop is alive."""
        self._beat = time.monotonic()

    def run(self, stop: threading.Event) -> None:
        interval = min(STANDBY_S, self.lease.ttl_ms / 6000)  # twice per renewal period: never late by much
        while not stop.is_set():
            stalled = time.monotonic() - self._beat
            try:
                if self.lease.held and stalled > self.stall_limit:
                    log.error("evaluation has not come round for %.0f s: handing the lease back", stalled)
                    self.lease.release()
                elif stalled <= self.stall_limit:
                    self.lease.hold()
                self._backoff.succeeded()
                self.decided.set()
                wait = interval
            except REDIS_DOWN as error:
                self.lease.lapse_if_expired()
                wait = self._backoff.failed(error)
            stop.wait(wait)
