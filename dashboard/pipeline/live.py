"""The live state of the city in Redis, per grid: incidents today, open and overdue hazards, grids patrolled today,
workers on patrol with their last position and today's track. The consumers write it after each database commit;
the pages read it. Every write is idempotent (guarded by set membership inside one Lua call), because a batch may be
delivered again after a crash: hearing of an event twice never counts it twice.
"""

from __future__ import annotations

import argparse
import json
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from redis import Redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.config import get_settings
from dashboard.data.city_zone import city_clock
from dashboard.data.db import session_scope
from dashboard.data.models import Grid, GridWorker, Hazard, Incident, PatrolLog, PatrolPosition
from dashboard.data.redis_client import get_redis
from dashboard.pipeline.store import StoreResult

DAY_TTL = int(timedelta(days=3).total_seconds())
TRACK_TTL = int(timedelta(days=1).total_seconds())

# One call per batch, not per event. KEYS: seen set, counts hash. ARGV: ttl, then (member, field) pairs.
COUNT_ONCE = """
for i = 2, #ARGV, 2 do
  if redis.call('SADD', KEYS[1], ARGV[i]) == 1 then redis.call('HINCRBY', KEYS[2], ARGV[i + 1], 1) end
end
if tonumber(ARGV[1]) > 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]); redis.call('EXPIRE', KEYS[2], ARGV[1]) end
"""
# KEYS: open set, counts hash, deadlines zset. ARGV: (member, grid, deadline in epoch seconds) triples.
OPEN_HAZARD = """
for i = 1, #ARGV, 3 do
  if redis.call('SADD', KEYS[1], ARGV[i]) == 1 then
    redis.call('HINCRBY', KEYS[2], ARGV[i + 1], 1)
    redis.call('ZADD', KEYS[3], ARGV[i + 2], ARGV[i + 1] .. '|' .. ARGV[i])
  end
end
"""
# KEYS: as OPEN_HAZARD. ARGV: (member, grid) pairs.
CLOSE_HAZARD = """
for i = 1, #ARGV, 2 do
  if redis.call('SREM', KEYS[1], ARGV[i]) == 1 then
    redis.call('HINCRBY', KEYS[2], ARGV[i + 1], -1)
    redis.call('ZREM', KEYS[3], ARGV[i + 1] .. '|' .. ARGV[i])
  end
end
"""
# KEYS: positions hash. ARGV: worker, position json, time (epoch). Keeps the newest fix only.
MOVE = """
local held = redis.call('HGET', KEYS[1], ARGV[1])
if held and cjson.decode(held)['t'] > tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
"""
# KEYS: positions hash. ARGV: worker, patrol id. Removes the worker only if that patrol is the one shown.
LEAVE = """
local held = redis.call('HGET', KEYS[1], ARGV[1])
if held and cjson.decode(held)['patrol'] == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) end
"""


def epoch(moment: datetime) -> float:
    return moment.replace(tzinfo=UTC).timestamp()


@dataclass(frozen=True)
class Keys:
    prefix: str

    def day(self, day: date, what: str) -> str:
        return f"{self.prefix}day:{day.isoformat()}:{what}"

    @property
    def open_hazards(self) -> str:
        return f"{self.prefix}hazards:open"

    @property
    def open_by_grid(self) -> str:
        return f"{self.prefix}hazards:open_by_grid"

    @property
    def deadlines(self) -> str:
        return f"{self.prefix}hazards:deadlines"

    @property
    def positions(self) -> str:
        return f"{self.prefix}patrols:positions"

    def track(self, patrol: str) -> str:
        return f"{self.prefix}patrols:track:{patrol}"


class LiveState:
    def __init__(self, client: Redis, prefix: str | None = None) -> None:
        self.client = client
        self.keys = Keys(prefix if prefix is not None else get_settings().live_prefix)
        self.clock = city_clock()
        self._count_once = client.register_script(COUNT_ONCE)
        self._open = client.register_script(OPEN_HAZARD)
        self._close = client.register_script(CLOSE_HAZARD)
        self._move = client.register_script(MOVE)
        self._leave = client.register_script(LEAVE)

    # writing ---------------------------------------------------------------------------------------------------
    def record(self, result: StoreResult, grid_codes: dict[int, str]) -> None:
        """Tell the live state what a committed batch changed; `grid_codes` maps grid ids to codes."""
        pipe = self.client.pipeline(transaction=False)
        incidents: dict[date, list[str]] = defaultdict(list)
        for incident in result.incidents:
            incidents[self.clock.day(incident.reported_at)] += [incident.event_id, grid_codes[incident.grid_id]]
        for day, pairs in incidents.items():
            self._count(pipe, day, "seen", "incidents", pairs)
        hazards = [self.keys.open_hazards, self.keys.open_by_grid, self.keys.deadlines]
        opened = [
            value
            for hazard in result.hazards
            if str(hazard.status) in ("open", "rectifying")
            for value in (hazard.event_id, grid_codes[hazard.grid_id], epoch(hazard.deadline))
        ]
        if opened:
            self._open(keys=hazards, args=opened, client=pipe)
        closed = [value for hazard in result.hazards_closed for value in (hazard.event_id, grid_codes[hazard.grid_id])]
        if closed:
            self._close(keys=hazards, args=closed, client=pipe)
        patrolled: dict[date, list[str]] = defaultdict(list)
        for started, grid in result.patrols_started:
            patrolled[self.clock.day(started.occurred_utc)] += [str(started.event_id), grid_codes[grid.id]]
            self._position(
                pipe,
                started.worker_code,
                str(started.event_id),
                started.lat,
                started.lon,
                started.occurred_utc,
                grid_codes[grid.id],
            )
        for day, pairs in patrolled.items():
            self._count(pipe, day, "patrols_seen", "patrolled", pairs)
        for position in result.positions:
            self._position(
                pipe, position.worker_code, str(position.ref), position.lat, position.lon, position.occurred_utc, None
            )
        for ended in result.patrols_ended:
            self._leave(keys=[self.keys.positions], args=[ended.worker_code, str(ended.ref)], client=pipe)
        pipe.execute()

    def _count(self, pipe: Any, day: date, seen: str, counts: str, pairs: list[str]) -> None:
        """Count each (member, grid) pair of `pairs` once in the day's `counts`, however often it is told."""
        self._count_once(
            keys=[self.keys.day(day, seen), self.keys.day(day, counts)], args=[DAY_TTL, *pairs], client=pipe
        )

    def _position(
        self, pipe: Any, worker: str, patrol: str, lat: float, lon: float, at: datetime, grid: str | None
    ) -> None:
        moment = epoch(at)
        fix = json.dumps({"patrol": patrol, "lat": lat, "lon": lon, "t": moment, "grid": grid})
        self._move(keys=[self.keys.positions], args=[worker, fix, moment], client=pipe)
        pipe.zadd(self.keys.track(patrol), {f"{lon:.6f},{lat:.6f}": moment})
        pipe.expire(self.keys.track(patrol), TRACK_TTL)

    # reading ---------------------------------------------------------------------------------------------------
    def incidents_on(self, day: date) -> dict[str, int]:
        counts = cast(dict[str, str], self.client.hgetall(self.keys.day(day, "incidents")))
        return {grid: int(count) for grid, count in counts.items() if int(count)}

    def patrolled_on(self, day: date) -> dict[str, int]:
        counts = cast(dict[str, str], self.client.hgetall(self.keys.day(day, "patrolled")))
        return {grid: int(count) for grid, count in counts.items() if int(count)}

    def open_hazards(self) -> dict[str, int]:
        counts = cast(dict[str, str], self.client.hgetall(self.keys.open_by_grid))
        return {grid: int(count) for grid, count in counts.items() if int(count)}

    def overdue_hazards(self, now: datetime) -> dict[str, int]:
        members = cast(list[str], self.client.zrangebyscore(self.keys.deadlines, "-inf", epoch(now)))
        overdue: dict[str, int] = {}
        for member in members:
            grid = member.split("|", 1)[0]
            overdue[grid] = overdue.get(grid, 0) + 1
        return overdue

    def positions(self) -> dict[str, dict[str, Any]]:
        held = cast(dict[str, str], self.client.hgetall(self.keys.positions))
        return {worker: json.loads(fix) for worker, fix in held.items()}

    # rebuilding ------------------------------------------------------------------------------------------------
    def rebuild(self, session: Session, now: datetime) -> None:
        """Recompute everything from the database (after a bulk load, or when Redis lost its data)."""
        today = self.clock.day(now)
        start = self.clock.day_start(today)
        codes = dict(session.execute(select(Grid.id, Grid.code)).all())
        stale = [
            self.keys.open_hazards,
            self.keys.open_by_grid,
            self.keys.deadlines,
            self.keys.positions,
            *(self.keys.day(today, what) for what in ("seen", "incidents", "patrols_seen", "patrolled")),
        ]
        self.client.delete(*stale)
        result = StoreResult()
        result.incidents.extend(session.scalars(select(Incident).where(Incident.reported_at >= start)))
        result.hazards.extend(session.scalars(select(Hazard).where(Hazard.status.in_(("open", "rectifying")))))
        self.record(result, codes)
        patrols = session.execute(
            select(PatrolLog.event_id, PatrolLog.grid_id, PatrolLog.started_at, PatrolLog.ended_at, GridWorker.code)
            .join(GridWorker, GridWorker.id == PatrolLog.worker_id)
            .where(PatrolLog.started_at >= start)
        ).all()
        pipe = self.client.pipeline(transaction=False)
        for event_id, grid_id, started_at, ended_at, worker in patrols:
            member = event_id or f"log-{grid_id}-{started_at.isoformat()}"
            self._count(pipe, today, "patrols_seen", "patrolled", [member, codes[grid_id]])
            if ended_at is None and event_id:
                last = session.execute(
                    select(PatrolPosition.lat, PatrolPosition.lon, PatrolPosition.recorded_at)
                    .where(PatrolPosition.patrol_event_id == event_id)
                    .order_by(PatrolPosition.recorded_at.desc())
                    .limit(1)
                ).first()
                if last:
                    self._position(pipe, worker, event_id, last.lat, last.lon, last.recorded_at, codes[grid_id])
        pipe.execute()


def main(argv: list[str] | None = None) -> int:
    """`python -m dashboard.pipeline.live rebuild`: the live state recomputed from the database, as `make run` does at
    start; after Redis lost its data (a restart without its append-only file, a new Redis), before the wall is used."""
    parser = argparse.ArgumentParser(prog="python -m dashboard.pipeline.live", description=main.__doc__)
    parser.add_argument("command", choices=["rebuild"])
    parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    with session_scope() as session:
        LiveState(get_redis()).rebuild(session, datetime.now(UTC).replace(tzinfo=None))
    logging.getLogger("dashboard.live").info("live state rebuilt from the database")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
