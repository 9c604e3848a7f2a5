"""审计日志, the audit log: administrators browse and filter it, and see whether its hash chain holds."""

import dash
from dash import dcc, html

from dashboard import ids
from dashboard.components.dropdown import dropdown
from dashboard.components.page import page_frame
from dashboard.data.vocab import AuditAction
from dashboard.i18n import t

dash.register_page(__name__, path="/audit", name=t("page.audit"), order=90)


def layout(**_unused_query: str) -> html.Div:
    # No data here: the callback reads the log, and only for an administrator.
    filters = html.Div(
        [
            html.Label([t("audit.actor"), dcc.Input(id=ids.Audit.ACTOR, type="text", debounce=True)]),
            html.Label(
                [
                    t("audit.actions"),
                    dropdown(
                        id=ids.Audit.ACTIONS,
                        options=[{"label": t(f"audit.action.{a.value}"), "value": a.value} for a in AuditAction],
                        multi=True,
                    ),
                ]
            ),
        ],
        className="audit-filters",
    )
    chain = html.P(id=ids.Audit.CHAIN, className="page-message", role="status")
    return page_frame("audit", filters, chain, html.Div(id=ids.Audit.TABLE))
