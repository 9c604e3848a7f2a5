"""The wall's alert panel (预警): large type for reading at a distance, at most a handful of alerts, who and when.
Each alert shows its level in colour and in words (红色/橙色/黄色), its count as the episode grows, and when it last
grew (an alert that grew in the last minute is marked).

`alert_panel()` is the empty frame (layout). The alerts are a list of cards (`alert_cards`), each with its own
acknowledge and escalate buttons for the accounts that may use them (a wall screen, with no mouse, gets none).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dash import dcc, html

from dashboard import ids
from dashboard.config import Language
from dashboard.i18n import t
from dashboard.warning.alerts import SYSTEM

POLL_MS = 2_000  # with the worker's second, an alert is on the wall within five seconds of its report


def alert_panel() -> html.Section:
    return html.Section(
        [
            html.H2(t("alerts.title")),
            html.Div(id=ids.WallAlerts.PANEL, className="alert-list"),
            html.P(id=ids.WallAlerts.MORE, className="alert-more"),
            html.Div(id=ids.WallAlerts.MESSAGE, className="alert-message", role="status"),
            dcc.Interval(id=ids.WallAlerts.CLOCK, interval=POLL_MS),
            dcc.Store(id=ids.WallAlerts.SEEN),
            dcc.Store(id=ids.WallAlerts.RED),  # None until the panel's first drawing
        ],
        className="wall-alert-panel wall-panel",
    )


log = logging.getLogger(__name__)


def _clock(moment: datetime | None, zone: str) -> str:
    return "" if moment is None else moment.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).strftime("%H:%M")


def describe(alert: dict[str, Any], lang: Language) -> str:
    """One line saying what the rule found; none when its detail lacks what the line needs (an alert an earlier
    version wrote, say): the card still shows its rule, place, level and count."""
    try:
        return _describe(alert, lang)
    except (KeyError, TypeError, ValueError) as error:
        log.warning("alert %s: its detail does not say %s", alert.get("id"), error)
        return ""


def _describe(alert: dict[str, Any], lang: Language) -> str:
    detail, rule = alert["detail"], alert["rule"]
    if rule in ("township_spike", "grid_spike", "hazard_cluster"):
        text = t("alerts.observed", lang, **{k: detail[k] for k in ("hours", "observed", "expected")})
        if (
            alert.get("peak_ratio") and detail["expected"] >= 0.1
        ):  # "3,000 times the usual" of a near-zero usual says nothing
            text += " · " + t("alerts.ratio", lang, ratio=round(float(alert["peak_ratio"]), 1))
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


FRESH = timedelta(seconds=60)  # an alert raised or grown this recently is marked on the wall


def group_status(group: dict[str, Any], *, lang: Language, zone: str) -> list[html.Span]:
    """A township's overdue records: acknowledged once every one is, and how many went to the county."""
    status = []
    if group["acknowledged_at"]:
        status.append(html.Span(t("alerts.group_acknowledged", lang, when=_clock(group["acknowledged_at"], zone))))
    if group["escalated_count"]:
        status.append(html.Span(t("alerts.group_escalated", lang, count=group["escalated_count"])))
    return status


def alert_status(alert: dict[str, Any], *, lang: Language, zone: str) -> list[html.Span]:
    """Who acted on the alert, and when (a township's overdue records: how many were acted on)."""
    if alert.get("group"):
        return group_status(alert, lang=lang, zone=zone)
    status = []
    if alert.get("reopened_at") and not alert["acknowledged_at"]:
        status.append(html.Span(t("alerts.reopened", lang), className="alert-reopened"))
    if alert["acknowledged_at"]:
        when = _clock(alert["acknowledged_at"], zone)
        status.append(html.Span(t("alerts.acknowledged", lang, who=alert["acknowledged_by"], when=when)))
    if alert["escalated_at"]:
        when, who = _clock(alert["escalated_at"], zone), alert["escalated_by"]
        who = t("alerts.by_system", lang) if who == SYSTEM else who
        status.append(html.Span(t("alerts.escalated", lang, who=who, when=when)))
    return status


def actions(value: int | str, lang: Language) -> html.Div:
    """The card's own buttons: acknowledge it, or hand it to the county."""
    return html.Div(
        [
            html.Button(
                t("alerts.acknowledge", lang), id=ids.alert_action(value, "acknowledge"), className="alert-button"
            ),
            html.Button(t("alerts.escalate", lang), id=ids.alert_action(value, "escalate"), className="alert-button"),
        ],
        className="alert-actions",
    )


def alert_card(
    alert: dict[str, Any], place: str, *, lang: Language, zone: str, now: datetime, may_act: bool = False
) -> html.Div:
    """One alert: its level in colour and in words, the rule, the count so far, where, what, and who acted; or one
    township's overdue records (dashboard/warning/wall_list.py), with a link to each of them on /sla."""
    status = alert_status(alert, lang=lang, zone=zone)
    level = alert.get("level") or "yellow"
    classes = ["alert-card", f"alert-{alert['rule']}", f"alert-level-{level}"]
    classes += ["alert-acknowledged"] if alert["acknowledged_at"] else []
    classes += ["alert-county"] if alert["escalation"] == "county" else []
    updated = alert.get("updated_at") or alert["raised_at"]
    classes += ["alert-fresh"] if now - updated < FRESH else []
    times: list[Any] = [html.Time(_clock(alert["raised_at"], zone))]
    if updated > alert["raised_at"]:
        times.append(html.Span(t("alerts.updated", lang, when=_clock(updated, zone)), className="alert-updated"))
    head = [
        html.Span(t(f"alerts.level.{level}", lang), className=f"alert-level alert-level-badge-{level}"),
        html.Strong(t(f"rule.{alert['rule']}", lang), className="alert-rule"),
    ]
    if alert["rule"] != "overdue" or alert.get("group"):
        head.append(html.Span(str(alert.get("count") or 1), className="alert-count"))
    if alert.get("group"):
        area = alert["township_code"] or alert["county_code"]
        link = html.A(t("alerts.each_case", lang), href=f"/sla?area={area}", className="alert-cases")
        what: list[Any] = [t("alerts.overdue_group", lang, count=alert["count"]), " ", link]
    else:
        what = [describe(alert, lang)]
    if alert.get("subject"):  # about one record: its own view, where it is dispatched and followed
        what += [" ", html.A(t("item.open", lang), href=f"/record?ref={alert['subject']}", className="alert-record")]
    return html.Div(
        [
            html.Div(head, className="alert-head"),
            html.Div([html.Span(place, className="alert-place"), html.Span(times, className="alert-times")]),
            html.Div(what, className="alert-detail"),
            html.Div(status, className="alert-status"),
            *([actions(alert["id"], lang)] if may_act else []),
        ],
        className=" ".join(classes),
        key=str(alert["id"]),  # React keeps each card with its alert when one is added above it
    )


def alert_cards(
    alerts: list[dict[str, Any]],
    places: dict[str, str],
    *,
    lang: Language,
    zone: str,
    now: datetime,
    may_act: bool,
) -> list[html.Div]:
    """One card per alert (or per township's overdue records), each with its buttons when `may_act`."""
    cards = []
    for alert in alerts:
        place = places.get(alert["grid_code"] or "") or places.get(alert["township_code"] or "") or alert["county_code"]
        cards.append(alert_card(alert, place, lang=lang, zone=zone, now=now, may_act=may_act))
    return cards


def more_text(shown: int, more: int, lang: Language) -> str:
    if not shown:
        return t("alerts.none", lang)
    return t("alerts.more", lang, count=more) if more else ""
