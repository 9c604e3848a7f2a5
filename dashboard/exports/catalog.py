"""What can be exported: each chart or table a page shows, by name, rebuilt from the page's own URL query.

A page registers each of its charts and tables once (`register`); the export route looks the name up, hands it
the query the page was opened with and the account's scope, and turns what comes back into a file. The same
builder serves the page and the export, so a download always shows what the screen shows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import pandas as pd
import plotly.graph_objects as go

from dashboard.config import Language
from dashboard.data.periods import Area, Period
from dashboard.data.queries import parse_solve_window
from dashboard.definitions import definition


@dataclass(frozen=True)
class ExportRequest:
    query: Mapping[str, str]  # the page's URL query, as the page parses it (bad values: ValueError naming the field)
    scope: Area  # the account's area: a builder never shows anything outside it
    lang: Language


@dataclass(frozen=True)
class ExportContent:
    title: str  # as the page titles the chart or table, in the request's language
    period: str  # the period shown, as text ("2026年10月", "2026-01-01 – 2026-10-31")
    table: pd.DataFrame  # the rows behind it, columns already named in the request's language
    figure: go.Figure | None = None  # None: a table only (PNG and SVG are refused)
    notes: tuple[str, ...] = field(default=())  # key figures to print beside it (a deck slide uses them)
    area: str = ""  # the area shown, by name ("台州市", "椒江区"); "" when the title says it already
    span: Period | None = None  # the period as dates: names the downloaded file ("案件趋势-2026-10.png")
    definition: str = ""  # the 口径 of its figures (dashboard/definitions.py), printed in the footer of every file
    # The kind of a column by its heading (dashboard/exports/columns.py: percent, change, points, code); a column left
    # out is read from its heading's unit.
    columns: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return bool(self.table.empty)


@dataclass(frozen=True)
class Exportable:
    name: str  # "<page>.<chart>", e.g. "trends.series", "monthly.county_ranking"
    build: Callable[[ExportRequest], ExportContent]


CATALOG: dict[str, Exportable] = {}


def defined(name: str, content: ExportContent, lang: Language, within: int | None = None) -> ExportContent:
    """The content with the 口径 of `name` (dashboard/definitions.py; its solve rate as the `within`-day rate), which
    every file prints in its footer."""
    return replace(content, definition=definition(name, lang, within=within))


def register(
    name: str,
) -> Callable[[Callable[[ExportRequest], ExportContent]], Callable[[ExportRequest], ExportContent]]:
    """Decorator: `@register("trends.series")` over a builder `(ExportRequest) -> ExportContent`. What the catalog
    builds carries the export's 口径 (KeyError at registration for a name with none written)."""

    def add(build: Callable[[ExportRequest], ExportContent]) -> Callable[[ExportRequest], ExportContent]:
        if name in CATALOG:
            raise ValueError(f"export {name!r} is registered twice")
        definition(name, "zh-CN")  # every export states its 口径: a missing one fails at start-up, not in a file

        def build_defined(request: ExportRequest) -> ExportContent:
            content = build(request)  # it has checked the query: `within` is well formed here
            return defined(name, content, request.lang, parse_solve_window(request.query.get("within")))

        CATALOG[name] = Exportable(name, build_defined)
        return build

    return add


def exportable(name: str) -> Exportable:
    """The export by name (KeyError naming it when there is none)."""
    try:
        return CATALOG[name]
    except KeyError:
        raise KeyError(f"export: no chart or table is called {name!r}") from None
