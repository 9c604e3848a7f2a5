"""The queue's parts: the count of open items in each state, and the items as a table, each row a link to the item's
own view, coloured by how near its deadline is (red past it, amber within a day)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dash import dcc, html

from dashboard.access.masking import mask_text
from dashboard.components.item_view import countdown, record_href
from dashboard.config import Language
from dashboard.data.handling import State
from dashboard.formatting import local_time
from dashboard.i18n import t

POLL_MS = 500  # how often the queue page asks whether anything in it moved (one Redis read)
SUMMARY_CHARS = 40  # of the report's text, in a row
COLUMNS = (
    "queue.column.item",
    "queue.column.township",
    "item.platform",
    "item.state",
    "item.deadline",
    "queue.column.remaining",
    "item.level",
)


def queue_counts(counts: dict[str, int], *, lang: Language) -> list[Any]:
    chips: list[Any] = [html.Strong(t("queue.total", lang, count=sum(counts.values())), className="queue-total")]
    for state in State:
        if state in (State.CLOSED, State.REVIEWED):
            continue
        text = t("queue.count", lang, state=t(f"state.{state.value}", lang), count=counts.get(state.value, 0))
        chips.append(html.Span(text, className=f"queue-count queue-count-{state.value}"))
    return chips


def queue_row(row: dict[str, Any], township: str, *, lang: Language, zone: str, now: datetime) -> html.Tr:
    family = "kind" if row["record"] == "incident" else "category"
    what = t(f"{family}.{row['what']}", lang) + f" #{row['id']}"
    link = dcc.Link(what, href=record_href(row["record"], row["id"]), className="queue-link")
    summary = html.Div(mask_text(row["summary"])[:SUMMARY_CHARS], className="queue-summary")
    platform = t(f"platform.{row['platform']}", lang) if row["platform"] else "—"
    level = t(f"level.{row['level']}", lang)
    if row["urged"]:
        level += f" · {t('step.urge', lang)}×{row['urged']}"
    cells = [
        html.Td([link, summary]),
        html.Td(township),
        html.Td(platform),
        html.Td(t(f"state.{row['state']}", lang), className=f"queue-state-{row['state']}"),
        html.Td(local_time(row["deadline"], zone)[:16] if row["deadline"] else "—"),
        html.Td(
            # a hazard put right is no longer on the clock (the SLA counts its rectification): it awaits the close
            html.Span(t("queue.rectified", lang), className="countdown-stopped")
            if row["clock_stopped"]
            else countdown(row["deadline"], now, lang, row["colour"])
        ),
        html.Td(level),
    ]
    return html.Tr(cells, className=f"queue-row sla-{row['colour']}")


def queue_table(
    rows: list[dict[str, Any]], townships: dict[str, tuple[str, str]], *, lang: Language, zone: str, now: datetime
) -> Any:
    if not rows:
        return html.P(t("queue.empty", lang), className="queue-empty")
    head = html.Tr([html.Th(t(key, lang)) for key in COLUMNS])
    body = [
        queue_row(
            row,
            townships.get(row["township_code"], (row["township_code"],) * 2)[0 if lang == "zh-CN" else 1],
            lang=lang,
            zone=zone,
            now=now,
        )
        for row in rows
    ]
    return html.Table([html.Thead(head), html.Tbody(body)], className="plain-table queue-items")
