"""One item's own view (/record): what was reported and where, its routing with a live countdown to the deadline,
its timeline (who took which step, when), and the buttons of the steps the account may take, each saying why when
it may not be taken now. Builders from plain values (dashboard.data.casework.item_detail)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import dash_leaflet as dl
from dash import html

from dashboard import ids
from dashboard.access.masking import mask_text
from dashboard.components.map import base_layers, overlay_options
from dashboard.config import Language
from dashboard.data.casework import OUTSIDE
from dashboard.data.handling import Refusal, Step
from dashboard.formatting import local_time
from dashboard.i18n import t

MINUTE_MS = 60_000


def record_href(record: str, record_id: int) -> str:
    """The address of an item's own view."""
    return f"/record?kind={record}&id={record_id}"


def remaining_text(deadline: datetime | None, now: datetime, lang: Language) -> str:
    """ "剩余 2天3小时" or "已超期 5小时10分": the countdown as the server draws it (assets/41-countdown.js then keeps
    it running, by the same rule)."""
    if deadline is None:
        return t("item.no_deadline", lang)
    minutes = int((deadline - now).total_seconds() // 60)
    label = t("item.remaining" if minutes >= 0 else "item.overdue", lang)
    return f"{label} {duration_text(abs(minutes), lang)}"


def duration_text(minutes: int, lang: Language) -> str:
    """ "2天3小时": the two largest units that are not zero."""
    days, hours, mins = minutes // 1440, minutes % 1440 // 60, minutes % 60
    parts = [(days, "item.days"), (hours, "item.hours"), (mins, "item.minutes")]
    shown = [f"{value}{t(unit, lang)}" for value, unit in parts if value][:2] or [f"0{t('item.minutes', lang)}"]
    return "".join(shown)


def finished(deadline: datetime | None, done_at: datetime, lang: Language) -> html.Span:
    """Where a countdown stood when the work was done (closed; a hazard, put right): no longer running."""
    if deadline is None or done_at <= deadline:
        return html.Span(t("item.done_on_time", lang), className="countdown-stopped sla-green")
    late = duration_text(int((done_at - deadline).total_seconds() // 60), lang)
    return html.Span(t("item.done_late", lang, late=late), className="countdown-stopped sla-red")


def countdown(deadline: datetime | None, now: datetime, lang: Language, colour: str = "") -> html.Span:
    """A live countdown to a deadline: the text now, and what the browser needs to keep it running each minute."""
    data: dict[str, Any] = {}
    if deadline is not None:
        units = [t(key, lang) for key in ("item.days", "item.hours", "item.minutes")]
        data = {
            "data-deadline": str(int(deadline.replace(tzinfo=UTC).timestamp() * 1000)),
            "data-left": t("item.remaining", lang),
            "data-over": t("item.overdue", lang),
            "data-units": json.dumps(units, ensure_ascii=False),
        }
    classes = f"countdown sla-{colour}" if colour else "countdown"
    return html.Span(remaining_text(deadline, now, lang), className=classes, **data)


def refusal_text(refusal: Refusal, lang: Language, zone: str) -> str:
    """A refusal in words: which step, why, and after a lost race who did what when."""
    values = dict(refusal.values)
    if "step" in values:
        values["step"] = t(f"step.{values['step']}", lang)
    if "did" in values:
        values["did"] = t(f"step.{values['did']}", lang)
    if "state" in values:
        values["state"] = t(f"state.{values['state']}", lang)
    if "role" in values:
        values["role"] = t(f"role.{values['role']}", lang)
    if values.pop("by_role", None) == OUTSIDE:
        values["by"] = t("step.outside", lang, by=values.get("by", ""))
    if "at" in values:
        values["at"] = local_time(datetime.fromisoformat(str(values["at"])), zone)
    key = refusal.key
    if key == "stale" and "by" not in values:
        key = "stale_plain"
    try:
        return t(f"refusal.{key}", lang, **values)
    except KeyError:  # a reason without words of its own, or words wanting a value the reason lacks
        return t("refusal.unknown", lang)


def small_map(detail: dict[str, Any]) -> dl.Map:
    """Where it was reported: the point, inside its grid's outline."""
    point = [detail["lat"], detail["lon"]]
    layers: list[Any] = [*base_layers()]
    if detail.get("geometry"):
        feature = {"type": "Feature", "geometry": json.loads(detail["geometry"]), "properties": {}}
        outline = {"type": "FeatureCollection", "features": [feature]}
        layers.append(
            dl.GeoJSON(data=outline, style={"color": "#3b82f6", "weight": 2, "fillOpacity": 0.08}, **overlay_options())
        )
    layers.append(dl.CircleMarker(center=point, radius=8, color="#dc2626", fill=True, fillOpacity=0.9))
    return dl.Map(layers, center=point, zoom=15, className="item-map", attributionControl=False)


def _field(label_key: str, value: Any, lang: Language) -> html.Div:
    return html.Div([html.Dt(t(label_key, lang)), html.Dd(value)], className="item-field")


def what_was_reported(detail: dict[str, Any], *, lang: Language, zone: str, township: str) -> html.Section:
    record = detail["record"]
    family = "kind" if record == "incident" else "category"
    worker, kind = detail["worker"], t(f"{family}.{detail['what']}", lang)
    fields = [
        _field("item.reported_at", local_time(detail["reported_at"], zone), lang),
        _field("item.source", t(f"source.{detail['source']}", lang), lang),
        _field("item.grid", f"{township} · {detail['grid_name'] or ''} ({detail['grid_code']})", lang),
        _field("item.worker", f"{worker['name']} ({worker['code']})" if worker else "—", lang),
    ]
    return html.Section(
        [
            html.H2(t("item.what", lang)),
            html.P(f"{kind} · {_subtype(detail['subtype'], lang)}", className="item-kind"),
            html.P(mask_text(detail["summary"]), className="item-summary"),  # text, never HTML; numbers masked
            html.Dl(fields, className="item-fields"),
            small_map(detail),
        ],
        className="item-section item-reported",
    )


def _subtype(subtype: str, lang: Language) -> str:
    try:
        return t(f"subtype.{subtype}", lang)
    except KeyError:  # an imported city's own subtype
        return subtype


def routing(detail: dict[str, Any], *, lang: Language, zone: str, now: datetime) -> html.Section:
    department = detail["department"]
    name = "—" if department is None else department["name" if lang == "zh-CN" else "name_en"]
    platform = department and department.get("platform")
    deadline = detail["deadline"]
    fields = [
        _field("item.department", name, lang),
        _field("item.platform", t(f"platform.{platform}", lang) if platform else "—", lang),
        _field(
            "item.deadline",
            [
                local_time(deadline, zone) if deadline else "—",
                " ",
                countdown(deadline, now, lang)
                if detail["done_at"] is None
                else finished(deadline, detail["done_at"], lang),
            ],
            lang,
        ),
        _field("item.state", html.Span(t(f"state.{detail['state']}", lang), className="item-state"), lang),
        _field("item.level", t(f"level.{detail['level']}", lang), lang),
    ]
    if detail["urged"]:
        fields.append(html.Div(t("item.urged", lang, count=detail["urged"]), className="item-urged"))
    return html.Section(
        [html.H2(t("item.routing", lang)), html.Dl(fields, className="item-fields")], className="item-section"
    )


def actor_text(step: dict[str, Any], lang: Language) -> str:
    """Who took a step: an account; an outside system (its update, through the phones' API); or, for steps from
    before the app took part, the system's record of them."""
    if step["role"] == OUTSIDE:
        return str(t("step.outside", lang, by=step["actor"]))
    return str(step["actor"] or t("step.system", lang))


def timeline(detail: dict[str, Any], *, lang: Language, zone: str) -> html.Section:
    """Reported, then each step applied: when, what, who (or the system, for steps from before the app took part)."""
    entries = [
        html.Li(
            [
                html.Time(local_time(detail["reported_at"], zone)),
                html.Strong(t("step.reported", lang)),
                html.Span(detail["worker"]["name"] if detail["worker"] else t(f"source.{detail['source']}", lang)),
            ],
            className="timeline-step timeline-reported",
        )
    ]
    for step in detail["steps"]:
        parts: list[Any] = [
            html.Time(local_time(step["at"], zone)),
            html.Strong(t(f"step.{step['step']}", lang)),
            html.Span(actor_text(step, lang), className="timeline-actor"),
        ]
        if step["department"]:
            parts.append(html.Span(step["department"][0 if lang == "zh-CN" else 1], className="timeline-department"))
        if step["note"]:
            parts.append(html.Q(mask_text(step["note"]), className="timeline-note"))
        entries.append(html.Li(parts, className=f"timeline-step timeline-{step['step']}"))
    return html.Section(
        [html.H2(t("item.timeline", lang)), html.Ol(entries, className="timeline")], className="item-section"
    )


def item_view(detail: dict[str, Any], *, lang: Language, zone: str, now: datetime, township: str) -> html.Div:
    record = detail["record"]
    title = f"{t(f'record.{record}', lang)} #{detail['id']}"
    return html.Div(
        [
            html.H2(title, className="item-title"),
            html.Div(
                [
                    what_was_reported(detail, lang=lang, zone=zone, township=township),
                    html.Div([routing(detail, lang=lang, zone=zone, now=now), timeline(detail, lang=lang, zone=zone)]),
                ],
                className="item-columns",
            ),
        ],
        className="item",
    )


def step_buttons(available: dict[Step, Refusal | None], *, lang: Language, zone: str) -> list[html.Button]:
    """The account's steps: those it may take now, and the others greyed, saying why on hover."""
    buttons = []
    for step, refusal in available.items():
        why = refusal_text(refusal, lang, zone) if refusal else None
        buttons.append(
            html.Button(
                t(f"step.{step.value}", lang),
                id=ids.item_step(step.value),
                className=f"item-step item-step-{step.value}",
                disabled=refusal is not None,
                title=why or "",
            )
        )
    return buttons
