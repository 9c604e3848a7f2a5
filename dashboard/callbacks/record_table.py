"""Record tables: serve each page of rows the grid asks for, show the clicked record, and the audited unmask.

Every callback re-checks on the server what the browser sent: the area is intersected with the account's scope,
the columns and values are checked by dashboard.views.records, and only a role allowed to unmask ever receives a
full ID or phone number (one record at a time, each time written to the audit log).
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from dash import (
    MATCH,
    ClientsideFunction,
    Input,
    Output,
    State,
    callback,
    clientside_callback,
    ctx,
    dcc,
    html,
    no_update,
)
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids
from dashboard.access.current import OutOfScope, current_account, scoped
from dashboard.access.roles import may_unmask
from dashboard.components.item_view import record_href
from dashboard.data import audit
from dashboard.data.db import session_scope
from dashboard.data.vocab import AuditAction
from dashboard.formatting import format_count
from dashboard.i18n import t
from dashboard.views.records import (
    COUNT_CAP,
    TABLES,
    NotAllowed,
    RecordKind,
    RecordQueryError,
    drill_from_data,
    fetch_record,
    fetch_records,
    place_from_data,
    table_of,
    unmask,
)

log = logging.getLogger(__name__)
EMPTY = {"rowData": [], "rowCount": 0}


def status_text(total: int, exact: bool) -> str:
    if exact:
        return t("records.total", count=format_count(total))
    return t("records.more", count=format_count(COUNT_CAP))


@callback(
    Output(ids.record("grid", MATCH), "getRowsResponse"),
    Output(ids.record("status", MATCH), "children"),
    Input(ids.record("grid", MATCH), "getRowsRequest"),
    State(ids.record("kind", MATCH), "data"),
    State(ids.record("query", MATCH), "data"),
)
def serve_records(request: dict[str, Any] | None, kind: str, query: dict[str, Any] | None) -> tuple[Any, Any]:
    if not request:
        return no_update, no_update
    if query is None:
        return EMPTY, ""  # the page has not said what to count yet; it reloads the table when it does
    try:
        drill = drill_from_data(query)
        drill = dataclasses.replace(drill, area=scoped(drill.area))  # never wider than the account's area
        place = place_from_data(query)  # incidents in one kind of place (the rental-housing page's cases)
        with session_scope() as session:
            page = fetch_records(
                session,
                kind,
                drill,
                start=request.get("startRow"),  # type: ignore[arg-type]  # checked by fetch_records
                end=request.get("endRow"),  # type: ignore[arg-type]
                sort_model=request.get("sortModel"),
                filter_model=request.get("filterModel"),
                place=place,
            )
    except RecordQueryError as error:
        return EMPTY, error.text()
    except OutOfScope:
        return EMPTY, t("area.out_of_scope")
    except SQLAlchemyError:
        log.exception("records unavailable")
        return EMPTY, t("status.unavailable")
    response: dict[str, Any] = {"rowData": page.rows}
    if page.exact:
        response["rowCount"] = page.total  # beyond COUNT_CAP the grid finds the end as it pages
    return response, status_text(page.total, page.exact)


clientside_callback(  # a new filter from the page: the grid drops its rows and asks again (assets/30-record-table.js)
    ClientsideFunction("records", "reload"),
    Input(ids.record("query", MATCH), "data"),
    State(ids.record("grid", MATCH), "id"),
    prevent_initial_call=True,
)


def detail_list(kind: RecordKind, record: dict[str, Any]) -> html.Dl:
    items: list[Any] = []
    for column in TABLES[kind].columns:
        value = record.get(column.name)
        items += [html.Dt(t(f"records.column.{column.name}")), html.Dd("" if value is None else str(value))]
    return html.Dl(items, className="record-fields")


ITEMS = {"incidents": "incident", "hazards": "hazard"}  # record tables whose rows are items with a handling


@callback(
    Output(ids.record("detail", MATCH), "children"),
    Output(ids.record("selected", MATCH), "data"),
    Input(ids.record("grid", MATCH), "cellClicked"),
    State(ids.record("kind", MATCH), "data"),
)
def show_record(clicked: dict[str, Any] | None, kind: str) -> tuple[Any, Any]:
    if not clicked or clicked.get("rowId") is None:
        return no_update, no_update
    key = ctx.triggered_id["table"]
    try:
        table = table_of(kind)
        with session_scope() as session:
            record = fetch_record(session, table.kind, clicked["rowId"], scope=current_account().scope)
    except RecordQueryError as error:
        return html.P(error.text(), className="page-message"), None
    if record is None:
        return html.P(t("records.not_found"), className="page-message"), None
    children: list[Any] = [detail_list(table.kind, record)]
    if table.kind.value in ITEMS:  # an incident or hazard: its own view, where it is handled
        href = record_href(ITEMS[table.kind.value], int(record["id"]))
        children.append(dcc.Link(t("item.open"), href=href, className="record-open"))
    if table.personal and may_unmask(current_account().role):
        children += [
            html.Button(t("records.unmask"), id=ids.record("unmask", key), className="record-unmask"),
            html.Div(id=ids.record("full", key), className="record-full", role="status"),
        ]
    return children, {"kind": table.kind.value, "id": record["id"]}


@callback(
    Output(ids.record("full", MATCH), "children"),
    Input(ids.record("unmask", MATCH), "n_clicks"),
    State(ids.record("selected", MATCH), "data"),
    prevent_initial_call=True,
)
def reveal_record(clicks: int | None, selected: dict[str, Any] | None) -> Any:
    """The full numbers of the selected record, for a role allowed them (audited); a refusal for anyone else."""
    if not clicks or not selected:
        return no_update
    account = current_account()
    try:
        with session_scope() as session:
            revealed = unmask(
                session,
                selected.get("kind"),  # type: ignore[arg-type]  # checked by unmask
                selected.get("id"),
                actor=account.username,
                role=account.role,
                scope=account.scope,
            )
    except NotAllowed as refusal:
        log.warning("refused for %s: %s", account.username, refusal)  # no number in the log
        with session_scope() as session:  # its own transaction: the refused one wrote nothing
            detail = {"record": str(selected.get("kind"))[:32], "id": str(selected.get("id"))[:32], "why": str(refusal)}
            audit.record(session, account.username, AuditAction.UNMASK_REFUSED, detail)
        return t("records.unmask_refused")
    except RecordQueryError as error:
        return error.text()
    values = "，".join(f"{t(f'records.column.{name}')} {value}" for name, value in revealed.items())
    return t("records.unmasked", values=values)
