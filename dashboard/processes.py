"""The processes of an install on one machine (`make run`): started, watched, and started again with growing delays
when one exits, so a failing helper (a consumer, the early-warning worker, the simulator) never takes the rest down.
Each one's state is kept in Redis for the wall's banner (`troubled`).

- `Supervisor.start(name, command)`, then `check()` every half second: an exited process is started again after
  `first`, 2 × `first`, … up to `cap` seconds; one that ran `stable` seconds before it exited starts again after
  `first`.
- `troubled(client)`: the processes waiting to start again, or started again within `SHOWN_FOR`, for the banner.
"""

from __future__ import annotations

import json
import logging
import subprocess
import time
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, cast

from redis import Redis

from dashboard.config import get_settings
from dashboard.data.redis_client import REDIS_DOWN

log = logging.getLogger("dashboard.embedded")
SHOWN_FOR = 120.0  # seconds a restart stays on the banner after the process is back


def states_key() -> str:
    return f"{get_settings().live_prefix}processes"


@dataclass
class Watched:
    name: str
    command: list[str]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    exits: int = 0  # in a row, each within `stable` seconds of its start
    restart_at: float | None = None


@dataclass(frozen=True)
class ProcessState:
    name: str  # e.g. consumer-1, warning, simulator, web
    state: str  # running | restarting
    exits: int
    status: int | None  # the last exit's status
    changed_at: float  # epoch seconds

    @property
    def kind(self) -> str:
        return self.name.split("-")[0]


class Supervisor:
    def __init__(self, client: Redis, *, first: float = 1.0, cap: float = 60.0, stable: float = 60.0) -> None:
        self.client, self.first, self.cap, self.stable = client, first, cap, stable
        self.watched: dict[str, Watched] = {}

    def start(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        watched = self.watched.setdefault(name, Watched(name, command))
        watched.process, watched.started_at, watched.restart_at = subprocess.Popen(command), time.monotonic(), None
        return watched.process

    def check(self) -> None:
        """Note the processes that exited and start again those whose delay has passed."""
        now = time.monotonic()
        for watched in self.watched.values():
            if watched.process is not None and watched.process.poll() is not None:
                status = watched.process.returncode
                watched.exits = 1 if now - watched.started_at >= self.stable else watched.exits + 1
                delay = min(self.cap, self.first * 2 ** (watched.exits - 1))
                watched.process, watched.restart_at = None, now + delay
                log.error("%s exited with status %s; starting it again in %g s", watched.name, status, delay)
                self._publish(ProcessState(watched.name, "restarting", watched.exits, status, time.time()))
            elif watched.process is None and watched.restart_at is not None and now >= watched.restart_at:
                self.start(watched.name, watched.command)
                log.info("%s started again", watched.name)
                self._publish(ProcessState(watched.name, "running", watched.exits, None, time.time()))

    def running(self) -> dict[str, subprocess.Popen[bytes]]:
        return {name: w.process for name, w in self.watched.items() if w.process is not None}

    def _publish(self, state: ProcessState) -> None:
        with suppress(*REDIS_DOWN):
            self.client.hset(states_key(), state.name, json.dumps(state.__dict__))


def troubled(client: Redis, *, now: float | None = None) -> list[ProcessState]:
    """The processes the banner names: waiting to start again, or started again within `SHOWN_FOR` seconds."""
    now = now or time.time()
    found = []
    for raw in cast(dict[str, str], client.hgetall(states_key())).values():
        try:
            state = ProcessState(**cast(dict[str, Any], json.loads(raw)))
        except (TypeError, ValueError):
            continue
        if state.state == "restarting" or now - state.changed_at < SHOWN_FOR:
            found.append(state)
    return sorted(found, key=lambda state: state.name)


def clear(client: Redis) -> None:
    """A new start of the install: no process has failed yet."""
    with suppress(*REDIS_DOWN):
        client.delete(states_key())
