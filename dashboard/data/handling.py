"""办理流程: how a report is handled from the command room to its close, as a state machine. Pure rules, no database.

reported ─派单 dispatch→ dispatched ─签收 accept→ accepted ─处置 note→ handling ─反馈 report→ resolved ─办结 close→
closed ─回访 review→ reviewed. Besides: re-dispatch (to another department, while not yet resolved), 退单 send back
(the township returns an item it cannot handle, with its reason; the command room dispatches it again), escalate
(township → county → city), 督办 urge (with a note) and reopen (a closed item, with a reason: dispatched again).

Who takes which step: the command room (city operators, county leaders, administrators) dispatches, re-dispatches,
escalates, urges, closes, reviews and reopens; township staff sign for, note, report and send back. Every account
acts inside its own area only: township staff on their township's items, county leaders on their county's.
A step refused says why (`Refusal`: an i18n key under `refusal.` and its values), in words the user reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from dashboard.data.vocab import Role


class State(StrEnum):
    REPORTED = "reported"  # 待派单
    DISPATCHED = "dispatched"  # 已派单, waiting for the township to sign for it
    ACCEPTED = "accepted"  # 已签收
    HANDLING = "handling"  # 处置中
    RESOLVED = "resolved"  # 已反馈: the township reported its result
    SENT_BACK = "sent_back"  # 已退单: back with the command room
    CLOSED = "closed"  # 已办结
    REVIEWED = "reviewed"  # 已回访


class Step(StrEnum):
    DISPATCH = "dispatch"  # 派单
    REDISPATCH = "redispatch"  # 改派
    ACCEPT = "accept"  # 签收
    NOTE = "note"  # 处置 (a progress note)
    REPORT = "report"  # 反馈 (the result)
    SEND_BACK = "send_back"  # 退单
    CLOSE = "close"  # 办结
    REVIEW = "review"  # 回访
    ESCALATE = "escalate"  # 升级
    URGE = "urge"  # 督办
    REOPEN = "reopen"  # 重新打开


class Level(StrEnum):
    """Who follows the item: its township, its county, or the city (escalate moves it one up)."""

    TOWNSHIP = "township"
    COUNTY = "county"
    CITY = "city"


COMMAND = frozenset({Role.ADMIN, Role.CITY_OPERATOR, Role.COUNTY_LEADER})  # the command rooms
TOWNSHIP = frozenset({Role.TOWNSHIP_STAFF})  # the township platforms
OPEN = frozenset({State.REPORTED, State.DISPATCHED, State.ACCEPTED, State.HANDLING, State.RESOLVED, State.SENT_BACK})
DONE = frozenset({State.CLOSED, State.REVIEWED})
IN_PROGRESS = frozenset({State.DISPATCHED, State.ACCEPTED, State.HANDLING, State.RESOLVED})


@dataclass(frozen=True)
class Rule:
    from_states: frozenset[State]
    to_state: State | None  # None: the state stays (escalate, urge)
    roles: frozenset[Role]
    needs_note: bool = False  # a reason, a note or the result: the step means nothing without it
    needs_department: bool = False


RULES: dict[Step, Rule] = {
    Step.DISPATCH: Rule(frozenset({State.REPORTED, State.SENT_BACK}), State.DISPATCHED, COMMAND, needs_department=True),
    Step.REDISPATCH: Rule(
        frozenset({State.DISPATCHED, State.ACCEPTED, State.HANDLING}), State.DISPATCHED, COMMAND, needs_department=True
    ),
    Step.ACCEPT: Rule(frozenset({State.DISPATCHED}), State.ACCEPTED, TOWNSHIP),
    Step.NOTE: Rule(frozenset({State.ACCEPTED, State.HANDLING}), State.HANDLING, TOWNSHIP, needs_note=True),
    Step.REPORT: Rule(frozenset({State.ACCEPTED, State.HANDLING}), State.RESOLVED, TOWNSHIP, needs_note=True),
    Step.SEND_BACK: Rule(frozenset({State.DISPATCHED, State.ACCEPTED}), State.SENT_BACK, TOWNSHIP, needs_note=True),
    Step.CLOSE: Rule(frozenset({State.RESOLVED}), State.CLOSED, COMMAND),
    Step.REVIEW: Rule(frozenset({State.CLOSED}), State.REVIEWED, COMMAND),
    Step.ESCALATE: Rule(OPEN, None, COMMAND),
    Step.URGE: Rule(OPEN - {State.REPORTED}, None, COMMAND, needs_note=True),
    Step.REOPEN: Rule(DONE, State.DISPATCHED, COMMAND, needs_note=True),
}
# The order of the buttons: the next step of the loop first.
STEP_ORDER = tuple(Step)
NEXT_LEVEL = {Level.TOWNSHIP: Level.COUNTY, Level.COUNTY: Level.CITY}


@dataclass(frozen=True)
class Refusal(Exception):
    """A step that may not be taken, and why: `key` names the text (i18n `refusal.<key>`), `values` fill it in."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.key}: {self.values}"


@dataclass(frozen=True)
class Situation:
    """An item as the rules need it: where it is, its state and version, its level."""

    state: State
    version: int
    level: Level
    township_code: str
    department: str | None = None


@dataclass(frozen=True)
class Actor:
    username: str
    role: Role
    area_code: str | None  # None: the whole city


def in_area(area_code: str | None, township_code: str) -> bool:
    """Whether an item of this township lies in the account's area (a county or township code, or the city)."""
    return area_code is None or township_code.startswith(area_code.replace("-", ""))


def may_act(role: Role) -> bool:
    """Whether the role takes any step at all (analysts and wall screens only watch)."""
    return role in COMMAND or role in TOWNSHIP


def steps_for(role: Role) -> list[Step]:
    """The steps a role takes, in button order."""
    return [step for step in STEP_ORDER if role in RULES[step].roles]


def check(
    step: Step,
    item: Situation,
    actor: Actor,
    *,
    seen_version: int | None,
    note: str = "",
    department: str | None = None,
) -> State:
    """The state after `step`, or Refusal saying why not. `seen_version`: the version the actor's screen showed (a
    different one means someone else acted in between); None skips that check (a button's availability)."""
    rule = RULES[step]
    if actor.role not in rule.roles:
        raise Refusal("role", {"role": actor.role.value, "step": step.value})
    if not in_area(actor.area_code, item.township_code):
        raise Refusal("scope", {"area": actor.area_code or "", "township": item.township_code})
    if seen_version is not None and seen_version != item.version:
        raise Refusal("stale", {"step": step.value})
    if item.state not in rule.from_states:
        raise Refusal("state", {"state": item.state.value, "step": step.value})
    if step is Step.ESCALATE and item.level not in NEXT_LEVEL:
        raise Refusal("top_level", {})
    if step is Step.ESCALATE and actor.role is Role.COUNTY_LEADER and item.level is not Level.TOWNSHIP:
        raise Refusal("escalate_above", {})  # a county leader hands an item up to the county, not past it
    if rule.needs_note and not note.strip():
        raise Refusal("note", {"step": step.value})
    if rule.needs_department and not department:
        raise Refusal("department", {})
    if step is Step.REDISPATCH and department == item.department:
        raise Refusal("same_department", {})
    return rule.to_state or item.state


def next_level(item: Situation, step: Step) -> Level:
    """The item's level after the step: escalate moves it one up; reopening or dispatching again keeps it."""
    if step is Step.ESCALATE:
        return NEXT_LEVEL.get(item.level, item.level)
    return item.level


def available(item: Situation, actor: Actor) -> dict[Step, Refusal | None]:
    """Each of the actor's steps, and why it may not be taken now (None: it may); notes and departments aside."""
    found: dict[Step, Refusal | None] = {}
    for step in steps_for(actor.role):
        try:
            check(step, item, actor, seen_version=None, note="-", department="-")
            found[step] = None
        except Refusal as refusal:
            found[step] = None if refusal.key == "same_department" else refusal
    return found
