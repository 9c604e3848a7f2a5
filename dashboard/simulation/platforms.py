"""The simulator plays the command room and the township platforms: each report's handling is planned when it is
made (dispatched, signed for, handled, reported back and closed after the history's delays; a few sent back and
dispatched again, some reviewed), and each step is taken when it comes due, as a person at a screen would: looking
at the item first (its id and the version shown), then asking for the step through the same stream as the app's
buttons (dashboard.ingest.step_event). A step whose item is not stored yet, or whose previous step has not been
applied yet, waits and is tried again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from redis import Redis
from sqlalchemy import select

from dashboard.data.casework import MODELS, locate
from dashboard.data.db import session_scope
from dashboard.data.handling import RULES, Actor, Refusal, Step, check
from dashboard.data.vocab import Role
from dashboard.ingest import step_event
from dashboard.pipeline.streams import append_events

log = logging.getLogger("dashboard.simulate")
COMMAND = Actor("sim-command", Role.CITY_OPERATOR, None)  # the city's command room
RETRY_S = 5.0  # a step not ready yet is tried again this much later (wall clock)
ATTEMPTS = 120  # ten minutes of retries, then it is dropped (its item was refused, or handled by hand meanwhile)
NOTES = {
    Step.NOTE: "已到场核实，正在处置",
    Step.REPORT: "已处置完毕，现场已恢复",
    Step.SEND_BACK: "不属于本平台职责，请改派",
    Step.REVIEW: "电话回访，群众满意",
}


def township_actor(township: str) -> Actor:
    """A township platform's staff (one account per township)."""
    return Actor(f"sim-{township}", Role.TOWNSHIP_STAFF, township)


@dataclass
class Plan:
    """A step planned on a report (by its event id), and how often it was tried."""

    step: Step
    record: str  # incident | hazard
    ref: str
    attempts: int = 0


class Platforms:
    def __init__(self, client: Redis) -> None:
        self.client = client
        self.taken = self.dropped = 0

    def take(self, plans: list[Plan]) -> list[Plan]:
        """Take each step that is ready; the others are returned, to be tried again."""
        events, later = [], []
        with session_scope() as session:
            for plan in plans:
                model = MODELS[plan.record]
                row_id = session.scalar(select(model.id).where(model.event_id == plan.ref))
                found = None if row_id is None else locate(session, plan.record, int(row_id))
                if row_id is None or found is None:
                    later.append(plan)
                    continue
                row, item = found
                actor = (
                    COMMAND
                    if RULES[plan.step].roles.isdisjoint({Role.TOWNSHIP_STAFF})
                    else township_actor(row.township_code)
                )
                fields: dict[str, Any] = {"note": NOTES.get(plan.step, "")}
                if RULES[plan.step].needs_department:
                    fields["department"] = item.department
                try:
                    check(plan.step, item, actor, seen_version=item.version, **fields)
                except Refusal:
                    later.append(plan)  # the step before it is not applied yet (or someone acted by hand)
                    continue
                events.append(
                    step_event(
                        actor,
                        plan.record,
                        int(row_id),
                        plan.step,
                        seen_version=item.version,
                        action_id=uuid4(),
                        **fields,
                    )
                )
        if events:
            append_events(self.client, events)
            self.taken += len(events)
        kept = []
        for plan in later:
            plan.attempts += 1
            if plan.attempts < ATTEMPTS:
                kept.append(plan)
            else:
                self.dropped += 1
        return kept
