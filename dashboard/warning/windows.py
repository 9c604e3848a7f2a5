"""The worker's sliding windows, rebuilt on start and on takeover, so a spike building across a restart or a failover
is still raised: the reports each rule's window reaches back to, from the database, plus the stream's entries of the
last `REPLAY` (the consumers may not have stored them yet), each report once.

- `recent_reports(session, client, stream, now, spans)`: those reports, oldest first.
- `open_episodes(session, now, quiet)`: the episodes the alert table says are still going, so the rules go on
  updating their alerts (and a township still leaves out a grid in its own spike).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from redis import Redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.data.models import Alert, Grid, Hazard, Incident
from dashboard.data.vocab import IncidentKind
from dashboard.pipeline.events import HazardReported, IncidentReported, MalformedEvent, from_stream
from dashboard.pipeline.streams import as_entries
from dashboard.warning.rules import Report

REPLAY = timedelta(minutes=10)  # the stream read back on a rebuild; reports this recent are evaluated again
STREAM_READ = 1_000  # entries per XRANGE call


def as_report(event: IncidentReported | HazardReported) -> Report:
    if isinstance(event, IncidentReported):
        record, what = "incident", str(event.kind)
    else:
        record, what = "hazard", str(event.category)
    return Report(
        record, what, event.subtype, event.grid_code, event.occurred_utc, str(event.event_id), event.lat, event.lon
    )


def reports_of(entries: list[tuple[str, dict[str, str]]]) -> list[Report]:
    """The incident and hazard reports among stream entries (malformed ones are the consumer's to dead-letter)."""
    reports = []
    for _stream_id, fields in entries:
        try:
            event = from_stream(fields)
        except MalformedEvent:
            continue
        if isinstance(event, IncidentReported | HazardReported):
            reports.append(as_report(event))
    return reports


def stored_reports(
    session: Session, *, incidents_since: datetime, disputes_since: datetime, hazards_since: datetime
) -> list[Report]:
    """Incidents since `incidents_since`, disputes since `disputes_since` and hazards since `hazards_since`."""
    incident_columns = (
        Incident.event_id,
        Incident.kind,
        Incident.subtype,
        Grid.code,
        Incident.reported_at,
        Incident.lat,
        Incident.lon,
    )
    recent = select(*incident_columns).join(Grid, Grid.id == Incident.grid_id)
    rows: list[Any] = list(session.execute(recent.where(Incident.reported_at >= incidents_since)))
    if disputes_since < incidents_since:
        older = recent.where(
            Incident.reported_at >= disputes_since,
            Incident.reported_at < incidents_since,
            Incident.kind == IncidentKind.DISPUTE,
        )
        rows += list(session.execute(older))
    reports = [
        Report("incident", str(row.kind), row.subtype, row.code, row.reported_at, row.event_id, row.lat, row.lon)
        for row in rows
    ]
    hazards = session.execute(
        select(Hazard.event_id, Hazard.category, Hazard.subtype, Grid.code, Hazard.found_at, Hazard.lat, Hazard.lon)
        .join(Grid, Grid.id == Hazard.grid_id)
        .where(Hazard.found_at >= hazards_since)
    )
    reports += [
        Report("hazard", str(row.category), row.subtype, row.code, row.found_at, row.event_id, row.lat, row.lon)
        for row in hazards
    ]
    return reports


def streamed_reports(client: Redis, stream: str, since: datetime) -> list[Report]:
    """The reports on the stream from `since` (naive UTC) on, by the entries' own ids (milliseconds of arrival)."""
    start = f"{int((since - datetime(1970, 1, 1)).total_seconds() * 1000)}-0"
    reports: list[Report] = []
    while True:
        entries = as_entries(cast(list[Any], client.xrange(stream, min=start, count=STREAM_READ)))
        reports += reports_of(entries)
        if len(entries) < STREAM_READ:
            return reports
        start = f"({entries[-1][0]}"  # exclusive: the next page starts after the last entry read


def recent_reports(
    session: Session,
    client: Redis,
    stream: str,
    now: datetime,
    *,
    spike: timedelta,
    cluster: timedelta,
    disputes: timedelta,
) -> list[Report]:
    """What the windows hold at `now`: the database's reports within each span and the stream's last `REPLAY`, each
    event once, oldest first."""
    stored = stored_reports(
        session, incidents_since=now - spike, disputes_since=now - disputes, hazards_since=now - cluster
    )
    unique = {report.event_id: report for report in stored}
    for report in streamed_reports(client, stream, now - REPLAY):
        unique.setdefault(report.event_id, report)
    return sorted(unique.values(), key=lambda report: (report.at, report.event_id))


def open_episodes(session: Session, since: datetime) -> list[tuple[str, str, str, datetime, int]]:
    """(rule, place, key, last seen, count) of every alert seen since `since`, oldest first."""
    rows = session.execute(
        select(Alert.rule, Alert.place, Alert.key, Alert.last_seen_at, Alert.count)
        .where(Alert.last_seen_at >= since)
        .order_by(Alert.last_seen_at)
    )
    return [(rule, place, key, last_seen, count) for rule, place, key, last_seen, count in rows]
