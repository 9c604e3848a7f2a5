"""/record: draw one item in the account's area (again whenever someone moves it on), and take the step a button
asks for, telling what became of it."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from dash import ALL, Input, Output, State, callback, ctx, html, no_update
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard import ids
from dashboard.access.current import current_account
from dashboard.components.item_view import item_view, refusal_text, step_buttons
from dashboard.config import get_settings
from dashboard.data import area_tree
from dashboard.data.casework import MODELS, item_detail
from dashboard.data.city_zone import city_zone
from dashboard.data.db import session_scope
from dashboard.data.handling import RULES, Actor, Level, Situation, Step, available, in_area, may_act
from dashboard.data.handling import State as ItemState
from dashboard.data.models import Department
from dashboard.data.periods import AreaLevel, utc_now
from dashboard.i18n import t
from dashboard.ingest import step_event, take_step
from dashboard.pipeline.events import describe

MAX_ID = 2**63 - 1


def actor() -> Actor:
    account = current_account()
    return Actor(account.username, account.role, account.area_code)


def wanted_item(session: Session, wanted: dict[str, Any] | None) -> tuple[str, int] | str:
    """The record and id the address names, or the problem with it (in words)."""
    wanted = wanted or {}
    ref = wanted.get("ref")
    if isinstance(ref, str) and ref:
        for record, model in MODELS.items():
            found = session.scalar(select(model.id).where(model.event_id == ref[:64]))
            if found is not None:
                return record, int(found)
        return t("item.not_found")
    kind, raw = wanted.get("kind"), wanted.get("id")
    if kind is None and raw is None:
        return t("item.pick")
    if kind not in MODELS:
        return t("item.bad", field="kind", problem="incident | hazard")
    try:
        number = int(str(raw))
    except ValueError:
        return t("item.bad", field="id", problem=t("records.bad_id"))
    if not 0 < number <= MAX_ID:
        return t("item.bad", field="id", problem=t("records.bad_id"))
    return str(kind), number


@callback(
    Output(ids.Item.VIEW, "children"),
    Output(ids.Item.BUTTONS, "children"),
    Output(ids.Item.ACTIONS, "hidden"),
    Output(ids.Item.DEPARTMENT, "options"),
    Output(ids.Item.DEPARTMENT, "value"),
    Output(ids.Item.DEPARTMENT, "style"),
    Output(ids.Item.SHOWN, "data"),
    Input(ids.Item.WANTED, "data"),
    Input(ids.Item.CLOCK, "n_intervals"),
    Input(ids.Item.REFRESH, "data"),
    State(ids.Item.SHOWN, "data"),
)
def show_item(
    wanted: dict[str, Any] | None, _tick: int | None, _refresh: str | None, shown: dict[str, Any] | None
) -> tuple[Any, ...]:
    lang, zone, now, who = get_settings().language, city_zone(), utc_now(), actor()
    with session_scope() as session:
        picked = wanted_item(session, wanted)
        if isinstance(picked, str):
            return html.P(picked, className="item-problem"), [], True, [], None, no_update, None
        record, record_id = picked
        detail = item_detail(session, record, record_id)
        if detail is None or not in_area(who.area_code, detail["township_code"]):
            return html.P(t("item.not_found"), className="item-problem"), [], True, [], None, no_update, None
        if (
            ctx.triggered_id == ids.Item.CLOCK
            and isinstance(shown, dict)
            and (shown.get("record"), shown.get("id"), shown.get("version")) == (record, record_id, detail["version"])
        ):
            return (no_update,) * 7  # nothing moved since it was drawn
        names = area_tree.names(session, AreaLevel.TOWNSHIP, [detail["township_code"]])
        departments = session.execute(
            select(Department.code, Department.name, Department.name_en).order_by(Department.id)
        ).all()
    township = names.get(detail["township_code"], (detail["township_code"],) * 2)[0 if lang == "zh-CN" else 1]
    view = item_view(detail, lang=lang, zone=zone, now=now, township=township)
    current = detail["department"]["code"] if detail["department"] else None
    state, level = ItemState(detail["state"]), Level(detail["level"])
    item = Situation(state, detail["version"], level, detail["township_code"], current)
    buttons = step_buttons(available(item, who), lang=lang, zone=zone) if may_act(who.role) else []
    options = [{"label": name if lang == "zh-CN" else name_en, "value": code} for code, name, name_en in departments]
    # The buttons' action ids derive from who looks at which version: a double click, or the same click from two tabs,
    # is one action; the next version draws new ones.
    nonce = uuid5(NAMESPACE_URL, f"{who.username}:{record}:{record_id}:{detail['version']}").hex
    drawn = {"record": record, "id": record_id, "version": detail["version"], "nonce": nonce}
    dispatches = any(RULES[step].needs_department and who.role in RULES[step].roles for step in Step)
    shown_if = {} if dispatches else {"display": "none"}  # only the command room dispatches
    return view, buttons, not may_act(who.role), options, current, shown_if, drawn


@callback(
    Output(ids.Item.MESSAGE, "children"),
    Output(ids.Item.REFRESH, "data"),
    Output(ids.Item.NOTE, "value"),
    Input(ids.item_step(ALL), "n_clicks"),
    State(ids.Item.SHOWN, "data"),
    State(ids.Item.NOTE, "value"),
    State(ids.Item.DEPARTMENT, "value"),
    prevent_initial_call=True,
)
def take_item_step(
    clicks: list[int | None], shown: dict[str, Any] | None, note: str | None, department: str | None
) -> tuple[Any, Any, Any]:
    """A button: its step, asked for with the version the screen shows; a double click sends the same action id."""
    pressed = ctx.triggered_id
    if not isinstance(pressed, dict) or not any(clicks):
        return no_update, no_update, no_update  # the buttons were drawn anew, nothing was pressed
    lang, zone, who = get_settings().language, city_zone(), actor()
    if not may_act(who.role):
        return t("item.cannot_act"), no_update, no_update
    try:
        step = Step(str(pressed.get("step")))
        record, record_id = str(shown["record"]), int(shown["id"])  # type: ignore[index]
        version, nonce = int(shown["version"]), UUID(str(shown["nonce"]))  # type: ignore[index]
    except (KeyError, TypeError, ValueError):
        return t("item.pick"), no_update, no_update
    if record not in MODELS or not 0 < record_id <= MAX_ID or not 0 <= version < 2**31:
        return t("item.pick"), no_update, no_update
    try:
        event = step_event(
            who,
            record,
            record_id,
            step,
            seen_version=version,
            action_id=uuid5(nonce, step.value),  # the same button of the same drawing: the same action
            note=(note or "")[:2000],
            department=department if RULES[step].needs_department and isinstance(department, str) else None,
        )
    except ValidationError as error:  # a forged department code, say: named, never a 500
        return describe(error)[0]["message"], no_update, no_update
    outcome = take_step(event)
    label = t(f"step.{step.value}", lang)
    if outcome is None:
        return t("item.queued", lang, step=label), uuid4().hex, no_update
    if outcome.refusal is not None:  # redrawn only when the item moved on meanwhile (a race lost)
        moved = uuid4().hex if outcome.refusal.key == "stale" else no_update
        return html.Span(refusal_text(outcome.refusal, lang, zone), className="item-refused"), moved, no_update
    return html.Span(t("item.done", lang, step=label), className="item-done"), uuid4().hex, ""
