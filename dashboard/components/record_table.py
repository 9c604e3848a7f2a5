"""A record table: the records behind a figure, paged, sorted and filtered on the server (dash-ag-grid's infinite
row model), with a detail panel for the clicked row and, for roles allowed, an audited "show the full numbers".

Any page embeds one with a key (unique on the page) and a kind of record. The table counts over the DrillFilter
data in its `ids.record("query", key)` store: give it at build time, or have a page callback write it (every table
on a page at once: `Output(ids.record("query", ALL), "data")`); the table reloads whenever the store changes.
Callbacks: dashboard/callbacks/record_table.py; the reload in the browser: assets/30-record-table.js.
"""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
from dash import dcc, html

from dashboard import ids
from dashboard.components.export_menu import export_menu
from dashboard.components.footnote import footnote
from dashboard.data.filters import DrillFilter
from dashboard.i18n import t
from dashboard.views.records import TABLES, Column, ColumnType, RecordKind, drill_to_data

PAGE_SIZE = 20
ROW_PX, HEADER_PX, PAGING_PX = 34, 40, 52
GRID_TEXTS = ("page", "of", "to", "more", "firstPage", "previousPage", "nextPage", "lastPage", "loadingOoo",
              "noRowsToShow", "filterOoo", "equals", "notEqual", "contains", "notContains", "startsWith", "endsWith",
              "blank", "notBlank", "lessThan", "greaterThan", "lessThanOrEqual", "greaterThanOrEqual", "inRange",
              "inRangeStart", "inRangeEnd", "andCondition", "orCondition", "applyFilter", "resetFilter",
              "dateFormatOoo")  # fmt: skip
FILTERS = {
    ColumnType.TEXT: "agTextColumnFilter",
    ColumnType.CODE: "agTextColumnFilter",  # matched against the labels on the server
    ColumnType.NUMBER: "agNumberColumnFilter",
    ColumnType.DATE: "agDateColumnFilter",
}


def column_def(column: Column) -> dict[str, Any]:
    definition: dict[str, Any] = {
        "field": column.name,
        "headerName": t(f"records.column.{column.name}"),
        "sortable": column.sortable,
        "filter": FILTERS[column.type] if column.filterable else False,
    }
    if column.filterable:
        definition["filterParams"] = {"buttons": ["apply", "reset"], "maxNumConditions": 2}
    if column.name == "summary":
        definition.update(flex=2, minWidth=260, tooltipField="summary")  # text, never HTML: no cell renderer
    elif column.name == "id":
        definition.update(width=110, maxWidth=140)
    else:
        definition.update(flex=1, minWidth=120)
    return definition


def record_table(key: str, kind: RecordKind, drill: DrillFilter | None = None, *, page_size: int = PAGE_SIZE,
                 title: str | None = None, export: str | None = None) -> html.Section:  # fmt: skip
    """`title`: the table's heading (default: the kind of record's); `export`: the name its records export under
    (dashboard/exports/drill_charts.py), for an export menu under the table."""
    table = TABLES[kind]
    grid = dag.AgGrid(
        id=ids.record("grid", key),
        rowModelType="infinite",
        columnDefs=[column_def(column) for column in table.columns],
        getRowId="params.data.id + ''",  # AG Grid wants a string id (warning #25 otherwise)
        rowClassRules={"row-overdue": "params.data && params.data.overdue === true"},  # overdue rows marked
        dashGridOptions={
            "pagination": True,
            "paginationPageSize": page_size,
            "paginationPageSizeSelector": False,
            "cacheBlockSize": page_size,  # one request per page shown
            "maxBlocksInCache": 10,
            "rowHeight": ROW_PX,
            "headerHeight": HEADER_PX,
            "tooltipShowDelay": 300,
            "localeText": {key: t(f"records.grid.{key}") for key in GRID_TEXTS},  # the grid's own words
        },
        defaultColDef={"resizable": True},
        style={"height": f"{page_size * ROW_PX + HEADER_PX + PAGING_PX + 4}px"},
        className="record-grid",
    )
    return html.Section(
        [
            html.H3(title or t(f"records.title.{kind.value}")),
            html.Div(id=ids.record("status", key), className="record-status", role="status"),
            dcc.Store(id=ids.record("kind", key), data=kind.value),
            dcc.Store(id=ids.record("query", key), data=None if drill is None else drill_to_data(drill)),
            dcc.Store(id=ids.record("selected", key)),
            grid,
            html.P(t("records.hint"), className="record-hint"),
            *([] if export is None else [footnote(export), export_menu(export, table=True)]),
            html.Div(id=ids.record("detail", key), className="record-detail"),
        ],
        className=f"record-table record-{kind.value.replace('_', '-')}",
    )
