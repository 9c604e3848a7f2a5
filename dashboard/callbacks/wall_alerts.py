"""The wall's alert panel: redrawn when its county's (or the city's) alert version in Redis moves, and every half
minute so acknowledged alerts leave; acknowledge and escalate, by operators of the alert's area, audited as
themselves."""

from __future__ import annotations

import contextlib
from typing import Any

from dash import ALL, ClientsideFunction, Input, Output, State, callback, clientside_callback, ctx, no_update

from dashboard import ids
from dashboard.access.current import current_account, current_scope
from dashboard.access.scope import area_of_code, contains
from dashboard.components.alert_panel import alert_cards, more_text
from dashboard.config import get_settings
from dashboard.data import area_tree
from dashboard.data.city_extent import area_point
from dashboard.data.city_zone import city_zone
from dashboard.data.db import session_scope
from dashboard.data.models import Alert
from dashboard.data.periods import AreaLevel, utc_now
from dashboard.data.redis_client import REDIS_DOWN, get_redis
from dashboard.data.vocab import Role
from dashboard.i18n import t
from dashboard.warning import alerts
from dashboard.warning.severity import Level
from dashboard.warning.wall_list import GROUP, group_alert_ids, wall_alerts

HANDLERS = frozenset({Role.ADMIN, Role.CITY_OPERATOR, Role.COUNTY_LEADER, Role.TOWNSHIP_STAFF})
REDRAW_TICKS = 15  # redraw at least every 15 ticks of two seconds


def may_handle_alerts(role: Role) -> bool:
    return role in HANDLERS


def places_of(shown: list[dict[str, Any]]) -> dict[str, str]:
    """Where each alert shown is, by its grid's, township's or county's code: the county and the place's own name
    ("路桥区 · 路南街道", "路桥区 · 路南街道第3网格"), so a city-wide wall reads without codes."""
    grids = sorted({a["grid_code"] for a in shown if a["grid_code"]})
    townships = sorted({a["township_code"] for a in shown if a["township_code"]})
    counties = sorted({a["county_code"] for a in shown})
    with session_scope() as session:
        county = {code: name for code, (name, _en) in area_tree.names(session, AreaLevel.COUNTY, counties).items()}
        found = area_tree.names(session, AreaLevel.TOWNSHIP, townships)
        found |= area_tree.names(session, AreaLevel.GRID, grids)
    places = dict(county)
    for code, (name, _en) in found.items():
        places[code] = f"{county.get(code[:6], code[:6])} · {name}"
    return places


@callback(
    Output(ids.WallAlerts.PANEL, "children"),
    Output(ids.WallAlerts.MORE, "children"),
    Output(ids.WallAlerts.SEEN, "data"),
    Output(ids.WallAlerts.RED, "data"),
    Input(ids.WallAlerts.CLOCK, "n_intervals"),
    State(ids.WallAlerts.SEEN, "data"),
)
def show_alerts(tick: int | None, seen: dict[str, int] | None) -> tuple[Any, Any, Any, Any]:
    scope, tick = current_scope(), int(tick or 0)
    try:
        version = alerts.current_version(get_redis(), scope)
    except REDIS_DOWN:
        version = -1  # the banner says Redis is down; the alerts still come from the database
    if (
        isinstance(seen, dict)
        and seen.get("version") == version
        and 0 <= tick - int(seen.get("tick", 0)) < REDRAW_TICKS
    ):
        return no_update, no_update, no_update, no_update
    now = utc_now()
    with session_scope() as session:
        shown, more = wall_alerts(session, scope, now=now)
    settings = get_settings()
    may_act = may_handle_alerts(current_account().role)
    cards = alert_cards(shown, places_of(shown), lang=settings.language, zone=city_zone(), now=now, may_act=may_act)
    more_line = more_text(len(shown), more, settings.language)
    return cards, more_line, {"version": version, "tick": tick}, red_spots(shown)


def red_spots(shown: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The open red alerts shown, each with a point inside its place and its grid: assets/17-wall-attention.js flies
    the wall's map to a new one."""
    spots = []
    for alert in shown:
        if alert["level"] != "red" or alert["acknowledged_at"] is not None:
            continue
        point = area_point(alert["grid_code"] or alert["township_code"] or alert["county_code"])
        if point is not None:
            spots.append({"id": str(alert["id"]), "lat": point[0], "lon": point[1], "grid": alert["grid_code"]})
    return spots


@callback(
    Output(ids.WallAlerts.MESSAGE, "children"),
    Output(ids.WallAlerts.SEEN, "data", allow_duplicate=True),
    Input(ids.alert_action(ALL, ALL), "n_clicks"),
    prevent_initial_call=True,
)
def act_on_alert(clicks: list[int | None]) -> tuple[Any, Any]:
    """A card's button: acknowledge or escalate that alert (or that township's overdue records)."""
    pressed = ctx.triggered_id
    if not isinstance(pressed, dict) or not any(clicks):
        return no_update, no_update  # the cards were drawn anew, nothing was pressed
    escalating, picked = pressed.get("action") == "escalate", pressed.get("alert")
    account = current_account()
    if not may_handle_alerts(account.role):
        return t("alerts.not_allowed"), no_update
    if isinstance(picked, str) and picked.startswith(GROUP):
        return act_on_group(picked, escalate=escalating)
    try:
        alert_id = int(picked)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return t("alerts.pick_one"), no_update
    if not 0 < alert_id < 2**63:  # no alert has such an id, and the database's integers end there
        return t("alerts.pick_one"), no_update
    with session_scope() as session:
        alert = session.get(Alert, alert_id)
        if alert is None or not contains(account.scope, area_of_code(alert.township_code or alert.county_code)):
            return t("alerts.out_of_scope"), no_update
        county = alert.county_code
        if escalating:
            alerts.escalate(session, alert_id, account.username)
        else:
            alerts.acknowledge(session, alert_id, account.username)
    with contextlib.suppress(*REDIS_DOWN):
        alerts.bump(get_redis(), county)
    return "", None  # forget the version seen: the panel redraws on its next tick


def act_on_group(value: str, *, escalate: bool) -> tuple[Any, Any]:
    """A township's overdue records (one line on the wall): acknowledge or escalate each of them shown now, within
    the account's area."""
    account = current_account()
    with session_scope() as session:
        found = group_alert_ids(session, current_scope(), value, now=utc_now())
        if found is None:
            return t("alerts.pick_one"), no_update
        if not found:
            return t("alerts.out_of_scope"), no_update
        if escalate:
            alerts.escalate_all(session, found, account.username, level=Level.YELLOW)  # handed over, level kept
        else:
            alerts.acknowledge_all(session, found, account.username)
    with contextlib.suppress(*REDIS_DOWN):
        alerts.bump(get_redis(), value.removeprefix(GROUP)[:6])  # the township's county
    return "", None


clientside_callback(  # a new red alert draws the wall's eye (assets/17-wall-attention.js)
    ClientsideFunction("wall", "attendAlerts"),
    Input(ids.WallAlerts.RED, "data"),
)
