"""The wall's alert panel (预警): large type for reading at a distance, at most a handful of alerts, who and when.

`alert_panel()` is the empty frame (layout). The alerts are the options of a radio list (`alert_options`), each
drawn as a card: an operator picks one, then acknowledges or escalates it with the buttons below (keyboard or
mouse). Accounts that may not act (a wall screen, with no mouse) get no buttons.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from dash import dcc, html

from dashboard import ids
from dashboard.config import Language
from dashboard.i18n import t

POLL_MS = 2_000  # with the worker's second, an alert is on the wall within five seconds of its report


def alert_panel() -> html.Section:
    controls = html.Div(
        [
            html.Button(t("alerts.acknowledge"), id=ids.WallAlerts.ACKNOWLEDGE, className="alert-button"),
            html.Button(t("alerts.escalate"), id=ids.WallAlerts.ESCALATE, className="alert-button"),
        ],
        id=ids.WallAlerts.CONTROLS,
        className="alert-actions",
        hidden=True,
    )
    return html.Section(
        [
            html.H2(t("alerts.title")),
            dcc.RadioItems(id=ids.WallAlerts.PANEL, options=[], className="alert-list", labelClassName="alert-option"),
            html.P(id=ids.WallAlerts.MORE, className="alert-more"),
            controls,
            html.Div(id=ids.WallAlerts.MESSAGE, className="alert-message", role="status"),
            dcc.Interval(id=ids.WallAlerts.CLOCK, interval=POLL_MS),
            dcc.Store(id=ids.WallAlerts.SEEN),
        ],
        className="wall-alert-panel",
    )


def _clock(moment: datetime | None, zone: str) -> str:
    return "" if moment is None else moment.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).strftime("%H:%M")


def describe(alert: dict[str, Any], lang: Language) -> str:
    """One line saying what the rule found."""
    detail, rule = alert["detail"], alert["rule"]
    if rule in ("township_spike", "grid_spike", "hazard_cluster"):
        text = t("alerts.observed", lang, **{k: detail[k] for k in ("hours", "observed", "expected")})
        what = detail.get("what")
        return f"{t(f'category.{what}', lang)} · {text}" if what else text
    if rule == "repeated_disputes":
        return t("alerts.disputes", lang, disputes=detail["disputes"], days=detail["days"])
    if rule == "overdue":
        family = "kind" if detail.get("record") == "incident" else "category"
        return t("alerts.overdue", lang, what=t(f"{family}.{detail['what']}", lang))
    if rule == "patrol_gap":
        return t("alerts.patrol_gap", lang, workers=detail["workers"], hours=detail["hours"])
    return ""


def alert_card(alert: dict[str, Any], place: str, *, lang: Language, zone: str) -> html.Div:
    status = []
    if alert["acknowledged_at"]:
        when = _clock(alert["acknowledged_at"], zone)
        status.append(html.Span(t("alerts.acknowledged", lang, who=alert["acknowledged_by"], when=when)))
    if alert["escalated_at"]:
        when = _clock(alert["escalated_at"], zone)
        status.append(html.Span(t("alerts.escalated", lang, who=alert["escalated_by"], when=when)))
    classes = ["alert-card", f"alert-{alert['rule']}"]
    classes += ["alert-acknowledged"] if alert["acknowledged_at"] else []
    classes += ["alert-county"] if alert["escalation"] == "county" else []
    return html.Div(
        [
            html.Div(
                [html.Strong(t(f"rule.{alert['rule']}", lang)), html.Time(_clock(alert["raised_at"], zone))],
                className="alert-head",
            ),
            html.Div(place, className="alert-place"),
            html.Div(describe(alert, lang), className="alert-detail"),
            html.Div(status, className="alert-status"),
        ],
        className=" ".join(classes),
    )


def alert_options(
    alerts: list[dict[str, Any]], places: dict[str, str], *, lang: Language, zone: str
) -> list[dict[str, Any]]:
    """The radio options: one card per alert, valued by its id."""
    options = []
    for alert in alerts:
        place = places.get(alert["grid_code"] or "") or places.get(alert["township_code"] or "") or alert["county_code"]
        options.append({"label": alert_card(alert, place, lang=lang, zone=zone), "value": alert["id"]})
    return options


def more_text(shown: int, more: int, lang: Language) -> str:
    if not shown:
        return t("alerts.none", lang)
    return t("alerts.more", lang, count=more) if more else ""
