"""The live simulator: phones reporting into the ingest API, so the embedded default is alive
(`python -m dashboard.simulate [--speedup 60]`).

By default at the city's own pace: incidents and hazards arrive at this year's rates of the stored history (each
kind's yearly volume so far, spread over the hours and weekdays by its rhythm), each worker sets out on patrol in
the history's morning and afternoon windows for two to three hours, and follow-ups come after the history's delays;
so a day of running moves the year-to-date figures as a day of the city would. `--speedup N` runs the city's clock N
times faster for demonstrations (rates N times higher, delays N times shorter); while it runs, the wall's banner
says so. Reports are drawn from the same distributions as the history (dashboard/simulation/seeded.py): kinds and
subtypes in their proportions, hotspot grids, place types, points inside the grid; on a city imported from files,
from its imported history (dashboard/simulation/imported.py). Workers on patrol send a position about once a minute
(at most `--rate` a second in all: positions move the wall, they count in no figure). Everything goes through
POST /api/v1/events with a bearer token per device, as a phone would, or a gateway's for the grids with no worker
(an imported city has none); a phone whose request fails keeps its events and sends them again.
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import logging
import signal
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import FrameType
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import numpy as np
import requests
import shapely
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dashboard.config import get_settings
from dashboard.data.active_city import city_files
from dashboard.data.city_zone import city_zone
from dashboard.data.db import session_scope
from dashboard.data.geography import load_grids
from dashboard.data.handling import Step
from dashboard.data.models import DeviceToken, Grid, GridWorker, Hazard, Incident
from dashboard.data.redis_client import REDIS_DOWN, get_redis, simulator_speedup_key
from dashboard.data.report_texts import report_text
from dashboard.data.tokens import issue_token
from dashboard.data.vocab import HazardCategory, IncidentKind
from dashboard.logs import configure_logging
from dashboard.seed import distributions as dist
from dashboard.seed.city import build_city
from dashboard.seed.patrols import START_WINDOWS
from dashboard.seed.seeder import DEFAULT_SEED
from dashboard.seed.seeder import rng as seed_rng
from dashboard.simulation.draws import CityDraws, Family
from dashboard.simulation.imported import HistoryDraws
from dashboard.simulation.platforms import Plan, Platforms
from dashboard.simulation.seeded import CityPace, SeededDraws, history_volumes

log = logging.getLogger("dashboard.simulate")
DEVICE_PREFIX = "sim-"
PATROL_SECONDS = (2 * 3600, 3 * 3600)  # a patrol lasts two to three hours
PATROLS_PER_DAY = 2  # the rule: twice a day, in the history's morning and afternoon windows
POSITION_SECONDS = 60  # a GPS fix about once a minute
STEP_METRES = 70  # how far a worker walks between fixes
METRES_PER_DEGREE = 111_000
SPEEDUP_TTL = 30  # seconds: the banner goes when the simulator stops
GATEWAY = "gateway"  # who reports from a grid with no worker: a gateway device (another system's bridge)
SENT_BACK_SHARE = 0.04  # items a township sends back to the command room (wrong platform), then dispatched again
REVIEWED_SHARE = 0.3  # closed items the command room calls back (回访)


@dataclass(order=True)
class Due:
    """An event to send at `at` (epoch seconds)."""

    at: float
    order: int
    event: dict[str, Any] = field(compare=False)


@dataclass
class Patrol:
    worker: str
    grid: int  # position in the city's grids
    event_id: str
    lat: float
    lon: float
    ends: float
    walked: float = 0.0


class Phones:
    """Device tokens for the simulated workers, issued once per run (a previous run's are revoked); and, when some
    grid has no worker (a city imported from files has none), a gateway's token, which may report from any grid."""

    def __init__(self, workers: dict[int, str], *, gateway: bool = False) -> None:
        self.tokens: dict[str, str] = {}
        with session_scope() as session:
            session.execute(
                update(DeviceToken)
                .where(DeviceToken.device_id.startswith(DEVICE_PREFIX), DeviceToken.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC).replace(tzinfo=None))
            )
            for worker in workers.values():
                self.tokens[worker] = issue_token(session, DEVICE_PREFIX + worker, worker)
            if gateway:
                self.tokens[GATEWAY] = issue_token(session, DEVICE_PREFIX + GATEWAY)


def patrol_window(at: float, zone: str) -> tuple[tuple[date, int], float, float] | None:
    """The patrol start window holding `at` on the city's clock: ((day, which), its start, its end) in epoch
    seconds, or None outside every window."""
    tz = ZoneInfo(zone)
    local = datetime.fromtimestamp(at, tz)
    midnight = datetime.combine(local.date(), datetime.min.time(), tz).timestamp()
    for which, (start, end) in enumerate(START_WINDOWS[:PATROLS_PER_DAY]):
        if midnight + start <= at < midnight + end:
            return (local.date(), which), midnight + start, midnight + end
    return None


class Simulator:
    def __init__(
        self,
        draws: CityDraws,
        grid_ids: dict[str, int],
        workers: dict[int, str],
        rate: float,
        speedup: float,
        seed: int,
        *,
        zone: str = "Asia/Shanghai",
        started: float | None = None,
    ) -> None:
        """`grid_ids`: each stored grid's id by code; `workers`: each grid worker's code by grid id. A stored grid with
        no worker reports through a gateway (GATEWAY), and nobody patrols it."""
        self.draws, self.rate, self.speedup, self.zone = draws, rate, speedup, zone
        self.started = time.time() if started is None else started
        self.rng = np.random.default_rng(seed)
        self.codes = draws.codes
        self.workers = {
            index: workers[grid_ids[code]] for index, code in enumerate(self.codes) if grid_ids.get(code) in workers
        }
        gateway = {index: GATEWAY for index, code in enumerate(self.codes) if code in grid_ids}
        self.reporters = {**gateway, **self.workers}  # who reports from each grid
        self.queue: list[Due] = []
        self.plans: list[Due] = []  # the platforms' steps, by when they come due (each Due's event: {"plan": Plan})
        self.counter = itertools.count()
        self.patrols: dict[str, Patrol] = {}
        self.windows_planned: set[tuple[date, int]] = set()
        self.planned_starts: list[tuple[float, int]] = []  # (city time, grid position): each worker once a window
        self.families: list[Family] = draws.families

    def real_time(self, city_time: float) -> float:
        """When a moment of the city's clock comes, on the wall clock (the inverse of `city_time`)."""
        return self.started + (city_time - self.started) / self.speedup

    def carry_on(
        self, cases: Sequence[OpenRecord], hazards: Sequence[OpenRecord], grid_workers: dict[int, str]
    ) -> None:
        """Schedule the stored backlog's follow-ups as the history would have them: an unsolved case is solved later
        with the chance its subtype's solvability leaves after the time it has waited, after a delay drawn beyond
        that wait; an open hazard is put right after a share of its allowed time drawn beyond the share used, or,
        past the longest the history allows (the supervised few), months past the deadline."""
        now = self.started
        for unsolved in cases:
            worker = grid_workers.get(unsolved.grid_id)
            waited = max(now - unsolved.since, 0.0)
            solvability = dist.SOLVABILITY.get(unsolved.subtype, 0.5)
            reached = float(dist.FILING_TO_SOLVED.cdf(np.array([waited]))[0])
            chance = solvability * (1.0 - reached) / max(1.0 - solvability * reached, 1e-9)
            if worker is None or self.rng.random() >= chance:
                continue
            delay = float(dist.FILING_TO_SOLVED.sample_beyond(self.rng, np.array([int(waited)], dtype=np.int64))[0])
            at = max(self.real_time(unsolved.since + delay), now)
            self.schedule(at, self.envelope("incident.updated", worker, at, ref=unsolved.event_id, status="solved"))
        for hazard in hazards:
            worker = grid_workers.get(hazard.grid_id)
            if worker is None or hazard.allowed <= 0:
                continue
            used = max(now - hazard.since, 0.0) / hazard.allowed
            if used < dist.RECTIFY_FRACTION.curve[1][-1]:
                bottom = float(dist.RECTIFY_FRACTION.cdf(np.array([used]))[0])
                share = float(np.interp(bottom + self.rng.random() * (1 - bottom), *dist.RECTIFY_FRACTION.curve))
                taken = max(share, used) * hazard.allowed + 1.0
            else:
                over = np.array([int(now - hazard.since - hazard.allowed)], dtype=np.int64)
                taken = hazard.allowed + float(dist.DEADLINE_TO_SUPERVISED_RECTIFIED.sample_beyond(self.rng, over)[0])
            at = max(self.real_time(hazard.since + taken), now)
            self.schedule(at, self.envelope("hazard.updated", worker, at, ref=hazard.event_id, status="rectified"))

    def city_time(self, now: float) -> float:
        """The moment of the city's clock the simulation stands at: now, or further on when sped up."""
        return self.started + (now - self.started) * self.speedup

    # what happens -----------------------------------------------------------------------------------------------
    def envelope(self, event_type: str, worker: str, at: float, **fields: Any) -> dict[str, Any]:
        return {
            "type": event_type,
            "event_id": str(uuid4()),
            "device_id": DEVICE_PREFIX + worker,
            "worker_code": worker,
            "occurred_at": datetime.fromtimestamp(at, UTC).isoformat(),
            **fields,
        }

    def schedule(self, at: float, event: dict[str, Any]) -> None:
        heapq.heappush(self.queue, Due(at, next(self.counter), event))

    def point_in(self, grid: int) -> tuple[float, float]:
        """A point inside the grid, as sent (6 decimals, about 0.1 m), still inside after rounding."""
        geometry = self.draws.geometries[grid]
        while True:
            lon, lat = self.draws.point(self.rng, grid)
            point = round(lat, 6), round(lon, 6)
            if shapely.contains_xy(geometry, point[1], point[0]):
                return point

    def later(self, delay: dist.Delay) -> float:
        return float(delay.sample(self.rng, 1)[0]) / self.speedup

    def report(self, now: float, family: Family) -> None:
        """One new incident of the kind (or hazard of the category), somewhere it happens, with its follow-ups."""
        subtype = self.draws.subtype(self.rng, family)
        grid = self.draws.grid(self.rng, family, subtype)
        worker = self.reporters.get(grid)
        if worker is None:  # a grid the database does not hold
            return
        lat, lon = self.point_in(grid)
        located = {"grid_code": self.codes[grid], "lat": lat, "lon": lon}
        if isinstance(family, IncidentKind):
            place = self.draws.place(self.rng, family, subtype, grid)
            sources = dist.SOURCE_MIX[family]
            source = list(sources)[int(self.rng.choice(len(sources), p=np.array(list(sources.values()))))]
            event = self.envelope(
                "incident.reported",
                worker,
                now,
                kind=family.value,
                subtype=subtype,
                place_type=place.value,
                source=source.value,
                **located,
            )
            event["summary"] = report_text(subtype, int(event["event_id"][:8], 16))  # the worker's words
            self.schedule(now, event)
            self.follow_incident(event, family, subtype, worker, now)
        else:
            assert isinstance(family, HazardCategory)
            severity = "major" if self.rng.random() < self.draws.major_share(family) else "general"
            event = self.envelope(
                "hazard.reported", worker, now, category=family.value, subtype=subtype, severity=severity, **located
            )
            event["summary"] = report_text(subtype, int(event["event_id"][:8], 16))
            self.schedule(now, event)
            self.follow_hazard(event, worker, now)

    def plan(self, at: float, record: str, ref: str, *steps: tuple[Step, float]) -> None:
        """The platforms' steps on a report, each `delay` (city seconds, already sped up) after the one before."""
        for step, delay in steps:
            at += delay
            heapq.heappush(self.plans, Due(at, next(self.counter), {"plan": Plan(step, record, ref)}))

    def handling(self, first: float) -> list[tuple[Step, float]]:
        """Dispatched, signed for (a few sent back and dispatched again first), the first progress note."""
        steps = [(Step.DISPATCH, first)]
        if self.rng.random() < SENT_BACK_SHARE:
            steps += [
                (Step.SEND_BACK, self.later(dist.REPORT_TO_DISPATCH)),
                (Step.DISPATCH, self.later(dist.REPORT_TO_DISPATCH)),
            ]
        sign_for = self.later(dist.REPORT_TO_DISPATCH)
        return [*steps, (Step.ACCEPT, sign_for), (Step.NOTE, self.later(dist.DISPATCH_TO_HANDLING))]

    def follow_incident(self, report: dict[str, Any], kind: IncidentKind, subtype: str, worker: str, at: float) -> None:
        """The township platforms handle it (dashboard/simulation/platforms.py); a criminal case is solved by the
        police's own system, whose update comes through its gateway as before."""
        ref = report["event_id"]
        steps = self.handling(self.later(dist.REPORT_TO_DISPATCH))
        if kind is IncidentKind.CRIMINAL:
            self.plan(at, "incident", ref, *steps)
            if self.rng.random() < dist.SOLVABILITY.get(subtype, 0.5):
                solved = at + sum(delay for _, delay in steps) + self.later(dist.FILING_TO_SOLVED)
                self.schedule(solved, self.envelope("incident.updated", worker, solved, ref=ref, status="solved"))
                # The police's word brings the item to 已反馈 (dashboard/pipeline/steps.py): the command room closes it.
                self.plan(solved, "incident", ref, (Step.CLOSE, self.later(dist.RESOLVED_TO_CLOSED)))
            return
        if self.rng.random() < dist.RESOLVE_PROBABILITY[kind]:
            steps += [
                (Step.REPORT, self.later(dist.HANDLING_TO_RESOLVED[kind])),
                (Step.CLOSE, self.later(dist.RESOLVED_TO_CLOSED)),
            ]
            if self.rng.random() < REVIEWED_SHARE:
                steps.append((Step.REVIEW, self.later(dist.RESOLVED_TO_CLOSED)))
        self.plan(at, "incident", ref, *steps)

    def follow_hazard(self, report: dict[str, Any], worker: str, at: float) -> None:
        ref = report["event_id"]
        steps = self.handling(self.later(dist.FOUND_TO_RECTIFYING) / 10)
        if self.rng.random() > dist.SUPERVISED_SHARE:  # the supervised few take months: beyond a demo's horizon
            steps += [
                (Step.REPORT, self.later(dist.FOUND_TO_RECTIFYING)),
                (Step.CLOSE, self.later(dist.RECTIFIED_TO_CLOSED)),
            ]
        self.plan(at, "hazard", ref, *steps)

    def due_plans(self, now: float) -> list[Plan]:
        ready = []
        while self.plans and self.plans[0].at <= now:
            ready.append(heapq.heappop(self.plans).event["plan"])
        return ready

    # patrols ----------------------------------------------------------------------------------------------------
    def plan_patrols(self, at: float) -> None:
        """On entering a patrol window of the city's clock: each worker's start, at a random moment of what is left
        of it (so every worker sets out once in each of the day's two windows, as in the history)."""
        window = patrol_window(at, self.zone)
        if window is None or window[0] in self.windows_planned:
            return
        key, _start, end = window
        self.windows_planned.add(key)
        moments = at + self.rng.random(len(self.workers)) * (end - at)
        for moment, grid in zip(moments, self.workers, strict=True):
            heapq.heappush(self.planned_starts, (float(moment), grid))

    def start_patrol(self, now: float, grid: int) -> None:
        worker = self.workers[grid]
        if worker in self.patrols:  # still out on the last one (only when sped up past its length)
            return
        lat, lon = self.point_in(grid)
        event = self.envelope("patrol.started", worker, now, grid_code=self.codes[grid], lat=lat, lon=lon)
        self.schedule(now, event)
        ends = now + float(self.rng.uniform(*PATROL_SECONDS)) / self.speedup
        self.patrols[worker] = Patrol(worker, grid, event["event_id"], lat, lon, ends)

    def walk(self, patrol: Patrol, now: float) -> None:
        """One step of a route inside the grid: a random heading, turned back at the grid's edge."""
        geometry = self.draws.geometries[patrol.grid]
        for _ in range(8):
            heading = self.rng.uniform(0, 2 * np.pi)
            lat = round(patrol.lat + STEP_METRES * np.sin(heading) / METRES_PER_DEGREE, 6)
            lon = patrol.lon + STEP_METRES * np.cos(heading) / (METRES_PER_DEGREE * np.cos(np.radians(patrol.lat)))
            lon = round(lon, 6)
            if shapely.contains_xy(geometry, lon, lat):
                patrol.lat, patrol.lon, patrol.walked = lat, lon, patrol.walked + STEP_METRES
                break
        self.schedule(
            now,
            self.envelope("patrol.position", patrol.worker, now, ref=patrol.event_id, lat=patrol.lat, lon=patrol.lon),
        )

    def tick(self, now: float, seconds: float) -> None:
        """What happens in the next `seconds`: new reports, patrols starting, walking and ending."""
        at = self.city_time(now)
        for family in self.families:
            for _ in range(int(self.rng.poisson(self.draws.per_second(family, at) * seconds * self.speedup))):
                self.report(now, family)
        self.plan_patrols(at)
        while self.planned_starts and self.planned_starts[0][0] <= at:
            self.start_patrol(now, heapq.heappop(self.planned_starts)[1])
        # Positions keep the wall moving but count in no figure: about one a minute each, at most `rate` a second.
        walking = min(1.0, seconds / POSITION_SECONDS, self.rate * seconds / max(len(self.patrols), 1))
        for worker, patrol in list(self.patrols.items()):
            if now >= patrol.ends:
                self.schedule(
                    now,
                    self.envelope(
                        "patrol.ended", worker, now, ref=patrol.event_id, distance_m=round(patrol.walked, 1), findings=0
                    ),
                )
                del self.patrols[worker]
            elif self.rng.random() < walking:
                self.walk(patrol, now)

    def due(self, now: float) -> list[dict[str, Any]]:
        ready = []
        while self.queue and self.queue[0].at <= now:
            ready.append(heapq.heappop(self.queue).event)
        return ready


class Sender:
    """Posts each device's events as one batch; a failed request keeps them for the next round."""

    def __init__(self, base_url: str, tokens: dict[str, str]) -> None:
        self.url, self.tokens = base_url.rstrip("/") + "/api/v1/events", tokens
        self.session = requests.Session()
        self.backlog: list[dict[str, Any]] = []
        self.sent = self.rejected = 0

    def send(self, events: list[dict[str, Any]]) -> None:
        pending, self.backlog = [*self.backlog, *events], []
        by_worker: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for event in pending:
            by_worker[event["worker_code"]].append(event)
        for worker, batch in by_worker.items():
            try:
                response = self.session.post(
                    self.url, json=batch, timeout=10, headers={"Authorization": f"Bearer {self.tokens[worker]}"}
                )
            except requests.RequestException as error:
                log.warning("the API did not answer (%s); keeping %d events", type(error).__name__, len(batch))
                self.backlog.extend(batch)
                continue
            if response.status_code in (202, 400):
                self.sent += len(response.json().get("accepted", []))
                for item in response.json().get("rejected", []):
                    self.rejected += 1
                    log.error("event refused: %s", item)
            else:
                self.backlog.extend(batch)  # 503, 401 while tokens propagate, …: try again next round
        self.backlog = self.backlog[-100_000:]


def stored_grids(session: Session) -> tuple[dict[str, int], dict[int, str]]:
    """The stored grids' ids by code, and the grid workers' codes by grid id."""
    grid_ids = dict(session.execute(select(Grid.code, Grid.id)).all())
    if not grid_ids:
        raise SystemExit("simulate: the database holds no city yet; run `python -m dashboard.seed` first")
    return grid_ids, dict(session.execute(select(GridWorker.grid_id, GridWorker.code)).all())


def load_draws(session: Session, grid_ids: dict[str, int], seed: int, zone: str, now: float) -> CityDraws:
    """What the reports are drawn from: a city imported from files, from its imported history; the seeded city, from
    the seed's distributions at this year's rates of its stored history."""
    if city_files().imported:
        return HistoryDraws.load(session, list(load_grids()), grid_ids, zone)
    volumes = history_volumes(session, now, CityPace({}, zone, now))
    return SeededDraws(build_city(seed_rng(seed, "city")), volumes=volumes, zone=zone, around=now)


@dataclass(frozen=True)
class OpenRecord:
    """A stored criminal case not yet solved, or hazard not yet rectified: what its follow-up needs."""

    event_id: str
    grid_id: int
    subtype: str
    since: float  # filed (a case) or found (a hazard), epoch seconds
    allowed: float = 0.0  # a hazard: seconds from finding to its deadline


def open_records(session: Session, now: float) -> tuple[list[OpenRecord], list[OpenRecord]]:
    """The stored criminal cases still unsolved and hazards still open, recent enough to close yet: as the history
    goes on, they are solved and rectified at its pace (else the backlog would only grow while the simulator runs)."""
    horizon = datetime.fromtimestamp(now, UTC).replace(tzinfo=None) - timedelta(days=500)

    def seconds(moment: datetime | None) -> float:
        return 0.0 if moment is None else moment.replace(tzinfo=UTC).timestamp()

    def follows(event_id: str) -> bool:  # an update names its record by a UUID (imported records may have none)
        try:
            UUID(event_id)
        except ValueError:
            return False
        return True

    cases = [
        OpenRecord(event_id, grid_id, subtype, seconds(filed))
        for event_id, grid_id, subtype, filed in session.execute(
            select(Incident.event_id, Incident.grid_id, Incident.subtype, Incident.filed_at).where(
                Incident.kind == IncidentKind.CRIMINAL, Incident.solved_at.is_(None), Incident.filed_at >= horizon
            )
        )
        if follows(event_id)
    ]
    hazards = [
        OpenRecord(event_id, grid_id, subtype, seconds(found), (deadline - found).total_seconds())
        for event_id, grid_id, subtype, found, deadline in session.execute(
            select(Hazard.event_id, Hazard.grid_id, Hazard.subtype, Hazard.found_at, Hazard.deadline).where(
                Hazard.rectified_at.is_(None), Hazard.found_at >= horizon - timedelta(days=400)
            )
        )
        if follows(event_id)
    ]
    return cases, hazards


def announce_speedup(speedup: float) -> None:
    """Say on the wall's banner that the simulator runs faster than the city (kept fresh while it runs)."""
    key = simulator_speedup_key()
    try:
        if speedup > 1:
            get_redis().set(key, f"{speedup:g}", ex=SPEEDUP_TTL)
        else:
            get_redis().delete(key)
    except REDIS_DOWN as error:
        log.warning("cannot announce the speedup (%s)", type(error).__name__)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m dashboard.simulate", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rate", type=float, default=20.0, help="at most this many patrol positions a second (default 20)"
    )
    parser.add_argument("--url", default=None, help="the app (default http://DASHBOARD_HOST:DASHBOARD_PORT)")
    parser.add_argument(
        "--speedup",
        type=float,
        default=1.0,
        help="run the city's clock this many times faster, for demonstrations (default 1: the city's own pace)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the city's seed (as seeded)")
    parser.add_argument("--duration", type=float, default=0, help="stop after this many seconds (default: never)")
    args = parser.parse_args(argv)
    if not 0 < args.rate <= 5000:
        parser.error("--rate: expected more than 0 and at most 5000 events per second")
    if args.speedup < 1:
        parser.error("--speedup: expected 1 or more")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    configure_logging()
    args = parse_args(argv)
    settings = get_settings()
    started, zone = time.time(), city_zone()
    with session_scope() as session:
        grid_ids, workers = stored_grids(session)
        draws = load_draws(session, grid_ids, args.seed, zone, started)
        cases, hazards = open_records(session, started)
    simulator = Simulator(
        draws,
        grid_ids,
        workers,
        args.rate,
        args.speedup,
        args.seed + int(started),
        zone=zone,
        started=started,
    )
    phones = Phones(workers, gateway=len(workers) < len(grid_ids))
    reporters = {grid_id: workers.get(grid_id, GATEWAY) for grid_id in grid_ids.values()}
    simulator.carry_on(cases, hazards, reporters)
    sender = Sender(args.url or f"http://{settings.host}:{settings.port}", phones.tokens)
    platforms, waiting = Platforms(get_redis()), list[Plan]()
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    per_day = {family: round(volume * args.speedup, 1) for family, volume in draws.per_day().items()}
    log.info(
        "simulating %d grids (%d with a worker on patrol, the rest reporting through a gateway) at %gx the city's "
        "pace: reports a day %s",
        len(grid_ids),
        len(simulator.workers),
        args.speedup,
        per_day,
    )
    last = started
    while not stop.is_set() and not (args.duration and last - started >= args.duration):
        announce_speedup(args.speedup)
        stop.wait(1.0)
        now = time.time()
        simulator.tick(now, now - last)
        sender.send(simulator.due(now))
        try:
            waiting = platforms.take([*waiting, *simulator.due_plans(now)])
        except REDIS_DOWN as error:
            log.warning("the platforms' steps wait: Redis did not answer (%s)", type(error).__name__)
        last = now
    if args.speedup > 1:
        announce_speedup(1.0)  # the banner goes at once
    log.info("sent %d events (%d refused); the platforms took %d steps", sender.sent, sender.rejected, platforms.taken)
    return 0


if __name__ == "__main__":
    sys.exit(main())
