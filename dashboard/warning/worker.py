"""The early-warning worker (`python -m dashboard.warning`): one evaluating process beside the stream consumers
(run two or more for failover: a lease in Redis lets one evaluate and keeps the others standing by, lease.py).

It reads the event stream itself (XREAD from its own cursor, kept in Redis so a restart resumes where it stopped),
runs the rules (rules.py) on each new incident and hazard report, and stores what they find as alerts (alerts.py)
within a second or so of the report; the wall polls every two seconds. Every minute it also raises alerts for
records newly overdue (the township's) and escalates those overdue for a day to the county (by "system"), and for
townships whose workers have not patrolled for `PATROL_GAP`. Baselines are reloaded from the database every hour.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from redis import Redis
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.config import get_settings
from dashboard.data import sla
from dashboard.data.db import session_scope
from dashboard.data.events import HazardReported, IncidentReported, MalformedEvent, from_stream
from dashboard.data.models import Alert, Grid, GridWorker, PatrolLog
from dashboard.data.periods import CITY, utc_now
from dashboard.data.redis_client import REDIS_DOWN
from dashboard.data.routing import get_routing
from dashboard.data.streams import as_entries
from dashboard.warning import alerts
from dashboard.warning.baseline import load_baselines
from dashboard.warning.lease import Lease
from dashboard.warning.rules import Finding, RepeatedDisputes, Report, SpikeRule, default_rules

log = logging.getLogger("dashboard.warning")
PATROL_GAP = timedelta(hours=36)  # a worker with no patrol started this long
FRESH_OVERDUE = timedelta(days=7)  # overdue records older than this are on the /sla list, not raised again
PERIODIC_SECONDS = 60.0
BASELINE_SECONDS = 3600.0
STANDBY_SECONDS = 1.0  # how often a standby asks for the lease


def as_report(event: IncidentReported | HazardReported) -> Report:
    if isinstance(event, IncidentReported):
        what = str(event.kind)
        record = "incident"
    else:
        what = str(event.category)
        record = "hazard"
    return Report(
        record, what, event.subtype, event.grid_code, event.occurred_utc, str(event.event_id), event.lat, event.lon
    )


class WarningWorker:
    def __init__(self, client: Redis, *, block_ms: int = 1000) -> None:
        get_routing()  # an incomplete routing matrix stops this process at start-up, naming the entry
        self.client, self.block_ms = client, block_ms
        self.stream = get_settings().event_stream
        self.cursor_key = f"{get_settings().live_prefix}warning:cursor"
        self.rules: list[SpikeRule | RepeatedDisputes] = []
        self._baselines_at = -float("inf")
        self._periodic_at = -float("inf")
        self.raised = 0

    def load_baselines(self) -> None:
        with session_scope() as session:
            incidents, hazards = load_baselines(session, utc_now())
        old = {rule.name: rule for rule in self.rules}
        fresh = default_rules(incidents, hazards)
        for rule in fresh:  # keep the windows already filled
            if rule.name in old:
                rule.recent = old[rule.name].recent
                if isinstance(rule, SpikeRule):
                    rule.raised = cast(SpikeRule, old[rule.name]).raised
        self.rules = fresh
        self._baselines_at = time.monotonic()

    def cursor(self) -> str:
        return str(self.client.get(self.cursor_key) or "$")

    def evaluate(self, reports: list[Report]) -> list[Finding]:
        return [finding for report in reports for rule in self.rules if (finding := rule.observe(report)) is not None]

    def store(self, findings: list[Finding]) -> int:
        if not findings:
            return 0
        with session_scope() as session:
            new = [f for f in findings if alerts.raise_alert(session, f) is not None]
        if new:
            alerts.bump(self.client, *{f.county for f in new})
        self.raised += len(new)
        return len(new)

    def poll_once(self) -> int:
        """Read new entries, evaluate the reports among them, store alerts. Returns how many alerts were raised."""
        if time.monotonic() - self._baselines_at > BASELINE_SECONDS:
            self.load_baselines()
        cursor = self.cursor()
        if cursor == "$":
            last = cast(list[Any], self.client.xrevrange(self.stream, count=1))
            cursor = str(last[0][0]) if last else "0-0"
            self.client.set(self.cursor_key, cursor)
        reply = cast(list[Any], self.client.xread({self.stream: cursor}, block=self.block_ms, count=500))
        entries = as_entries(reply[0][1]) if reply else []
        reports = []
        for _stream_id, fields in entries:
            try:
                event = from_stream(fields)
            except MalformedEvent:
                continue  # the consumer dead-letters it
            if isinstance(event, IncidentReported | HazardReported):
                reports.append(as_report(event))
        raised = self.store(self.evaluate(reports))
        if entries:
            self.client.set(self.cursor_key, entries[-1][0])
        if time.monotonic() - self._periodic_at > PERIODIC_SECONDS:
            raised += self.periodic(utc_now())
            self._periodic_at = time.monotonic()
        return raised

    def periodic(self, now: datetime) -> int:
        """Overdue records (raise, escalate after a day) and patrol gaps."""
        with session_scope() as session:
            findings = overdue_findings(session, now) + patrol_gap_findings(session, now)
        raised = self.store(findings)
        with session_scope() as session:
            escalated = escalate_overdue(session, now)
        if escalated:
            alerts.bump(self.client, *escalated)
        return raised

    def run(self, stop: threading.Event, lease: Lease | None = None) -> None:
        """Evaluate while this worker holds the lease (lease.py); else wait as a standby, and take over when the
        holder stops (at once) or dies (within the lease's time to live). Taking over is like a restart: the
        cursor in Redis says where to go on, the windows fill again from there."""
        lease = lease or Lease(self.client)
        log.info("early-warning worker %s for %s", lease.holder, self.stream)
        waiting = False
        try:
            while not stop.is_set():
                try:
                    if not lease.hold():
                        if not waiting:
                            log.info("standing by: %s evaluates", lease.holder_now())
                            self.rules, self._baselines_at = [], -float("inf")  # a holder again starts afresh
                        waiting = True
                        stop.wait(STANDBY_SECONDS)
                        continue
                    if waiting:
                        log.info("took over evaluating the stream")
                        waiting = False
                    self.poll_once()
                except REDIS_DOWN as error:
                    log.warning("Redis unavailable (%s); retrying", error)
                    stop.wait(1.0)
                except Exception:
                    log.exception("early-warning pass failed; retrying")
                    stop.wait(1.0)
        finally:
            with suppress(*REDIS_DOWN):
                lease.release()  # a standby takes over at once
        log.info("early-warning worker stopped after raising %d alerts", self.raised)


def overdue_findings(session: Session, now: datetime) -> list[Finding]:
    """An alert for each record that became overdue within `FRESH_OVERDUE`."""
    rows = sla.overdue(session, CITY, now=now, limit=5000)
    rows = rows[rows["hours_over"] <= FRESH_OVERDUE.total_seconds() / 3600]
    return [
        Finding(
            rule="overdue",
            key=f"overdue:{row.event_id}",
            county=row.county_code,
            township=row.township_code,
            grid=row.grid,
            at=now,
            subject=row.event_id,
            detail={
                "record": row.record,
                "what": row.what,
                "subtype": row.subtype,
                "department": row.department,
                "deadline": row.deadline,
            },
        )
        for row in rows.itertuples()
    ]


def escalate_overdue(session: Session, now: datetime) -> set[str]:
    """Overdue alerts still open a day past their record's deadline go to the county (by "system"). Returns the
    counties of those escalated."""
    rows = sla.overdue(session, CITY, now=now, limit=5000)
    late = set(rows.loc[rows["escalation"] == "county", "event_id"])
    if not late:
        return set()
    pending = session.execute(
        select(Alert.id, Alert.county_code).where(
            Alert.rule == "overdue", Alert.escalation == "township", Alert.subject.in_(sorted(late))
        )
    ).all()
    return {county for alert_id, county in pending if alerts.escalate(session, alert_id, "system")}


def patrol_gap_findings(session: Session, now: datetime) -> list[Finding]:
    """One alert per township and day for its workers with no patrol started within `PATROL_GAP`."""
    since = now - PATROL_GAP
    recent = (
        select(PatrolLog.worker_id).where(PatrolLog.worker_id == GridWorker.id, PatrolLog.started_at >= since).exists()
    )
    rows = session.execute(
        select(GridWorker.code, Grid.code, Grid.township_code, Grid.county_code)
        .join(Grid, Grid.id == GridWorker.grid_id)
        .where(~recent, GridWorker.hire_date <= since.date())
    ).all()
    by_township: dict[tuple[str, str], list[str]] = defaultdict(list)
    for worker, _grid, township, county in rows:
        by_township[(township, county)].append(worker)
    day = now.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(get_settings().timezone)).date()
    return [
        Finding(
            rule="patrol_gap",
            key=f"patrol_gap:{township}:{day}",
            county=county,
            township=township,
            grid=None,
            at=now,
            detail={"workers": len(workers), "codes": sorted(workers)[:10], "hours": PATROL_GAP.total_seconds() / 3600},
        )
        for (township, county), workers in sorted(by_township.items())
    ]


def count_alerts(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Alert)) or 0)
