"""The early-warning worker (`python -m dashboard.warning`): one evaluating process beside the stream consumers
(run two or more for failover: a lease in Redis lets one evaluate and keeps the others standing by, lease.py).

Three threads, so that nothing slow delays what must be quick:
- the lease keeper (lease.py) takes and renews the lease on its own clock;
- the evaluation reads the event stream itself (XREAD from its own cursor, kept in Redis so a restart or a standby
  goes on where the last holder stopped), runs the rules (rules.py) on each new incident and hazard report and stores
  what they find (alerts.py: one alert per rule, place and episode) within a second or so of the report; on start
  and on every takeover it first rebuilds its windows from the database and the stream (windows.py);
- the sweeps (sweeps.py) run every minute: overdue records, escalation, patrol gaps; and reload the baselines when
  an hour old, handing them to the evaluation to swap in and keeping them in Redis, where a standby taking over
  finds them (baseline_store.py).
A failure (Redis or the database down) is retried with growing delays and logged once when it starts and once when
it ends (backoff.py).
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any, cast

from redis import Redis

from dashboard.config import get_settings
from dashboard.data.db import session_scope
from dashboard.data.periods import utc_now
from dashboard.data.redis_client import REDIS_DOWN
from dashboard.data.routing import get_routing
from dashboard.pipeline.streams import as_entries
from dashboard.warning import alerts, baseline_store, sweeps, windows
from dashboard.warning.backoff import Backoff
from dashboard.warning.baseline import HourOfWeekBaseline, load_baselines
from dashboard.warning.lease import Lease, LeaseKeeper
from dashboard.warning.rules import Finding, RepeatedDisputes, Report, SpikeRule, default_rules

log = logging.getLogger("dashboard.warning")
SWEEP_SECONDS = 60.0
BASELINE_SECONDS = 3600.0
READ_COUNT = 500  # stream entries per read

Rule = SpikeRule | RepeatedDisputes
Baselines = dict[str, HourOfWeekBaseline]  # "incidents" and "hazards" (SpikeRule.source)


def fetch_baselines(now: datetime) -> Baselines:
    """The baselines at `now`, from the history (eight weeks of reports)."""
    with session_scope() as session:
        incidents, hazards = load_baselines(session, now)
    return {"incidents": incidents, "hazards": hazards}


def kept_or_fetched(client: Redis, now: datetime) -> tuple[Baselines, float]:
    """The baselines the last evaluating worker kept in Redis (baseline_store.py), else computed and kept; and when
    they were computed (epoch seconds)."""
    with suppress(*REDIS_DOWN):
        kept = baseline_store.load(client)
        if kept is not None:
            return kept
    baselines, computed_at = fetch_baselines(now), time.time()
    with suppress(*REDIS_DOWN):
        baseline_store.save(client, baselines, computed_at=computed_at)
    return baselines, computed_at


class WarningWorker:
    def __init__(self, client: Redis, *, block_ms: int = 1000, backoff_first: float = 1.0, backoff_cap: float = 60.0):
        get_routing()  # an incomplete routing matrix stops this process at start-up, naming the entry
        settings = get_settings()
        self.client, self.block_ms = client, block_ms
        self.stream = settings.event_stream
        self.cursor_key = f"{settings.live_prefix}warning:cursor"
        self.quiet = timedelta(hours=settings.alert_quiet_hours) if settings.alert_quiet_hours else None
        self.growth = settings.alert_reopen_growth
        self.rules: list[Rule] = []
        self.known: set[str] = set()  # event ids the rebuild evaluated: met again on the stream, they are skipped
        self.raised = 0  # new alerts stored by this worker
        self.updated = 0  # alerts this worker updated (grown or re-opened)
        self.rebuilt: dict[str, float] = {}  # the last rebuild's figures (reports, seconds)
        self.rebuilds = 0  # at start and at every takeover: a holder that keeps its lease keeps its windows
        self._fresh_baselines: Baselines | None = None  # loaded by the sweeps, swapped in by the evaluation
        self.baselines_at = 0.0  # when the baselines in use were computed (epoch seconds)
        self.evaluation_backoff = Backoff("early-warning evaluation", log, first=backoff_first, cap=backoff_cap)
        self.sweep_backoff = Backoff("early-warning sweep", log, first=backoff_first, cap=backoff_cap)

    # -- the windows ------------------------------------------------------------------------------------------------

    def rebuild(self, now: datetime | None = None) -> int:
        """Fresh rules over the database's and the stream's recent reports (windows.py), going on with the episodes
        the alert table says are open. Reports of the last `windows.REPLAY` are evaluated (what they find is stored:
        the store keeps each episode once), older ones only fill the windows. Returns how many reports."""
        started, now = time.perf_counter(), now or utc_now()
        baselines, self.baselines_at = kept_or_fetched(self.client, now)
        self.rules = default_rules(**baselines, quiet=self.quiet)
        baselines_done = time.perf_counter()
        spikes = [rule for rule in self.rules if isinstance(rule, SpikeRule)]
        disputes = next(rule for rule in self.rules if isinstance(rule, RepeatedDisputes))
        longest = max([rule.quiet for rule in self.rules] + [disputes.span])
        with session_scope() as session:
            episodes = windows.open_episodes(session, now - longest)
            reports = windows.recent_reports(
                session,
                self.client,
                self.stream,
                now,
                spike=max(rule.span for rule in spikes if rule.source == "incidents"),
                cluster=max(rule.span for rule in spikes if rule.source == "hazards"),
                disputes=disputes.span,
            )
        reports_done = time.perf_counter()
        by_name = {rule.name: rule for rule in self.rules}
        for rule_name, place, key, last_seen, count in episodes:
            if rule_name in by_name:
                by_name[rule_name].resume(place, key, last_seen, count)
        replay_from = now - windows.REPLAY
        findings = []
        for report in reports:
            if report.at < replay_from:
                for rule in self.rules:
                    rule.remember(report)
            else:
                findings += self.evaluate([report])
        self.known = {report.event_id for report in reports if report.at >= replay_from}
        self.store(findings)
        done = time.perf_counter()
        self.rebuilt = {
            "reports": len(reports),
            "seconds": done - started,
            "baselines": baselines_done - started,
            "read": reports_done - baselines_done,
            "evaluated": done - reports_done,
        }
        self.rebuilds += 1
        log.info(
            "windows rebuilt from %d recent reports in %.1f s (baselines %.1f s, reports %.1f s, evaluated %.1f s)",
            len(reports),
            *(self.rebuilt[part] for part in ("seconds", "baselines", "read", "evaluated")),
        )
        return len(reports)

    def swap_baselines(self) -> None:
        fresh, self._fresh_baselines = self._fresh_baselines, None
        if fresh is not None:
            for rule in self.rules:
                if isinstance(rule, SpikeRule):
                    rule.baseline = fresh[rule.source]

    # -- the evaluation ---------------------------------------------------------------------------------------------

    def cursor(self) -> str:
        return str(self.client.get(self.cursor_key) or "$")

    def evaluate(self, reports: list[Report]) -> list[Finding]:
        return [finding for report in reports for rule in self.rules if (finding := rule.observe(report)) is not None]

    def store(self, findings: list[Finding]) -> int:
        """Store what the rules found; tell the walls of the counties whose alerts changed. Returns how many alerts
        changed (new, grown or re-opened)."""
        if not findings:
            return 0
        with session_scope() as session:
            recorded = alerts.record_all(session, findings, growth=self.growth)
        changed = [(finding, change) for finding, change in recorded if change.shown]
        if changed:
            alerts.bump(self.client, *{finding.county for finding, _change in changed})
        self.raised += sum(change is alerts.Change.NEW for _finding, change in changed)
        self.updated += sum(change is not alerts.Change.NEW for _finding, change in changed)
        return len(changed)

    def poll_once(self) -> int:
        """Read new entries, evaluate the reports among them, store what they find. Returns how many alerts
        changed."""
        if not self.rules:
            self.rebuild()
        self.swap_baselines()
        cursor = self.cursor()
        if cursor == "$":
            last = cast(list[Any], self.client.xrevrange(self.stream, count=1))
            cursor = str(last[0][0]) if last else "0-0"
            self.client.set(self.cursor_key, cursor)
        reply = cast(list[Any], self.client.xread({self.stream: cursor}, block=self.block_ms, count=READ_COUNT))
        entries = as_entries(reply[0][1]) if reply else []
        reports = [report for report in windows.reports_of(entries) if report.event_id not in self.known]
        changed = self.store(self.evaluate(reports))
        if entries:
            self.client.set(self.cursor_key, entries[-1][0])
        return changed

    # -- the sweeps -------------------------------------------------------------------------------------------------

    def sweep(self, now: datetime) -> int:
        """Overdue records (raise; escalate after a day) and patrol gaps. Returns how many alerts changed."""
        with session_scope() as session:
            overdue = sweeps.fresh_overdue(session, now)
            findings = sweeps.overdue_findings(overdue, now) + sweeps.patrol_gap_findings(session, now)
        changed = self.store(findings)
        with session_scope() as session:
            escalated = sweeps.escalate_overdue(session, overdue)
        if escalated:
            alerts.bump(self.client, *escalated)
        return changed + len(escalated)

    def sweep_loop(self, stop: threading.Event, keeper: LeaseKeeper) -> None:
        """Sweep every `SWEEP_SECONDS` and reload the baselines every `BASELINE_SECONDS` while holding the lease."""
        next_sweep = time.monotonic() + SWEEP_SECONDS
        wait = 1.0
        while not stop.wait(wait):
            wait = 1.0
            if not keeper.held:
                continue
            try:
                if time.monotonic() >= next_sweep:
                    self.sweep(utc_now())
                    next_sweep = time.monotonic() + SWEEP_SECONDS
                if self.rules and time.time() - self.baselines_at >= BASELINE_SECONDS:
                    computed_at = time.time()
                    self._fresh_baselines = fetch_baselines(utc_now())
                    self.baselines_at = computed_at
                    baseline_store.save(self.client, self._fresh_baselines, computed_at=computed_at)
                self.sweep_backoff.succeeded()
            except Exception as error:  # a lasting failure is logged once, retried later and later
                wait = self.sweep_backoff.failed(error)

    # -- the process ------------------------------------------------------------------------------------------------

    def run(self, stop: threading.Event, lease: Lease | None = None, *, stall_limit: float | None = None) -> None:
        """Evaluate while this worker holds the lease; else wait as a standby. Taking the lease (at start, or over
        from a holder that stopped or died) rebuilds the windows first, then goes on from the stream's cursor."""
        lease = lease or Lease(self.client)
        keeper = LeaseKeeper(lease) if stall_limit is None else LeaseKeeper(lease, stall_limit=stall_limit)
        log.info("early-warning worker %s for %s", lease.holder, self.stream)
        threads = [
            threading.Thread(target=keeper.run, args=(stop,), name="warning-lease", daemon=True),
            threading.Thread(target=self.sweep_loop, args=(stop, keeper), name="warning-sweeps", daemon=True),
        ]
        for thread in threads:
            thread.start()
        keeper.decided.wait(5)  # the keeper's first ask: a standby says so only when it is one
        taken, rebuilt = False, False
        try:
            while not stop.is_set():
                keeper.beat()
                if not keeper.held:
                    if taken or rebuilt or not keeper.announced_standby:
                        with suppress(*REDIS_DOWN):
                            log.info("standing by: %s evaluates", lease.holder_now())
                        keeper.announced_standby = True
                    taken = rebuilt = False
                    stop.wait(0.2)
                    continue
                if not taken:
                    log.info("evaluating the stream")
                    taken = True
                try:
                    if not rebuilt:
                        self.rebuild()
                        rebuilt = True
                    self.poll_once()
                    self.evaluation_backoff.succeeded()
                except Exception as error:  # Redis or the database down: retried, logged once per change
                    stop.wait(self.evaluation_backoff.failed(error))
        finally:
            for thread in threads:
                thread.join(timeout=5)
            with suppress(*REDIS_DOWN):
                lease.release()  # a standby takes over at once
        log.info("early-warning worker stopped: %d alerts raised, %d updated", self.raised, self.updated)
