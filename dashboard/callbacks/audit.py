"""The audit log page: the newest entries (filtered), and the state of the hash chain. Administrators only."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, callback, html

from dashboard import ids
from dashboard.access.current import current_account
from dashboard.access.roles import may_manage_users
from dashboard.data import audit
from dashboard.data.city_zone import city_zone
from dashboard.data.db import session_scope
from dashboard.data.vocab import AuditAction
from dashboard.formatting import local_time
from dashboard.i18n import t

SHOWN = 500


@callback(
    Output(ids.Audit.CHAIN, "children"),
    Output(ids.Audit.TABLE, "children"),
    Input(ids.Audit.ACTOR, "value"),
    Input(ids.Audit.ACTIONS, "value"),
)
def show_audit_log(actor: str | None, actions: list[str] | None) -> tuple[str, Any]:
    if not may_manage_users(current_account().role):
        return t("audit.admins_only"), None
    try:
        chosen = [AuditAction(action) for action in actions or []]
    except ValueError:
        chosen = []
    with session_scope() as session:
        check = audit.verify_chain(session, audit.anchored_head())
        rows = audit.entries(session, actor=(actor or "").strip() or None, actions=chosen, limit=SHOWN)
        lines = [(row.id, row.at, row.actor, row.action, row.detail) for row in rows]
    if check.cut_after is not None:
        status = t("audit.cut", entry=check.cut_after)
    else:
        status = t("audit.intact", count=check.entries) if check.intact else t("audit.broken", entry=check.broken_at)
    return status, entries_table(lines)


def entries_table(lines: list[tuple[int, Any, str, AuditAction, str]]) -> html.Table:
    zone = city_zone()
    head = html.Tr(
        [html.Th("#"), *(html.Th(t(key)) for key in ("audit.at", "audit.actor", "audit.actions", "audit.detail"))]
    )
    body = [
        html.Tr(
            [
                html.Td(number),
                html.Td(local_time(at, zone)),
                html.Td(actor),
                html.Td(t(f"audit.action.{action.value}")),
                html.Td(detail, className="audit-detail"),
            ]
        )
        for number, at, actor, action, detail in lines
    ]
    return html.Table([html.Thead(head), html.Tbody(body)], className="audit-table")
