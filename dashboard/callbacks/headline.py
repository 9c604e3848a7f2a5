"""Fill the KPI tiles of whichever page is showing, from the query layer."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from dash import ALL, Input, Output, callback, ctx
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids
from dashboard.access.current import OutOfScope, scoped
from dashboard.components.cards import AreaData, KpiScope
from dashboard.config import get_settings
from dashboard.data.db import session_scope
from dashboard.data.periods import Area, AreaLevel, Period
from dashboard.data.queries import headline_figures
from dashboard.formatting import headline_period, period_label
from dashboard.i18n import t
from dashboard.kpis import Headline, tile_text

log = logging.getLogger(__name__)


def city_today() -> date:
    return datetime.now(ZoneInfo(get_settings().timezone)).date()


def scope_period(name: str, today: date) -> tuple[Period, bool]:
    """The period a page's tiles count, and whether it is the early-year fallback: `last_month`, the headline
    period, or the span a drill-down page's filter chose, "YYYY-MM-DD/YYYY-MM-DD" (end exclusive; ValueError for
    one that is not)."""
    if name == "last_month":
        return Period.last_full_month(today), False
    if "/" in name:
        start, end = (date.fromisoformat(part) for part in name.split("/", 1))
        return Period(start, end), False
    return headline_period(today)


def scope_area(area: AreaData) -> Area:
    """The area a page's tiles ask for (ValueError for a level or code that is not one)."""
    level = AreaLevel(area.get("level", "city"))
    return Area(level, area.get("code") or None if level is not AreaLevel.CITY else None)


def blank_tiles(count: int, why: str) -> tuple[list[Any], ...]:
    none = t("value.none")
    return [none] * count, [""] * count, [""] * count, [""] * count, [""] * count, [why]


@callback(
    Output(ids.kpi("value", ALL), "children"),
    Output(ids.kpi("yoy", ALL), "children"),
    Output(ids.kpi("yoy", ALL), "className"),
    Output(ids.kpi("pop", ALL), "children"),
    Output(ids.kpi("pop", ALL), "className"),
    Output(ids.kpi("period", ALL), "children"),
    Input(ids.kpi_scope(ALL), "data"),
    Input(ids.App.REFRESH, "n_intervals"),
)
def fill_kpi_tiles(scopes: list[KpiScope], _tick: int | None) -> tuple[list[Any], ...]:
    tiles = [output["id"]["tile"] for output in ctx.outputs_list[0]]
    lang = get_settings().language
    if not scopes:
        return [], [], [], [], [], []
    try:
        period, early = scope_period(str(scopes[0]["period"]), city_today())
    except ValueError:
        return blank_tiles(len(tiles), t("period.bad", lang))
    label = period_label(period, lang) + (f"（{t('period.early_year_note', lang)}）" if early else "")
    try:
        area = scoped(scope_area(scopes[0]["area"]))  # what was asked, within the account's area
        with session_scope() as session:
            figures = headline_figures(session, period, area=area)
    except OutOfScope:
        return blank_tiles(len(tiles), t("area.out_of_scope", lang))
    except ValueError:
        return blank_tiles(len(tiles), t("area.bad", lang))
    except SQLAlchemyError:
        log.exception("headline figures unavailable")
        return blank_tiles(len(tiles), t("status.unavailable", lang))
    texts = [tile_text(Headline(tile.split(":", 1)[1]), figures, lang) for tile in tiles]
    return (
        [text.value for text in texts],
        [text.year_over_year for text in texts],
        [f"trend-{text.year_over_year_trend}" for text in texts],
        [text.period_over_period for text in texts],
        [f"trend-{text.period_over_period_trend}" for text in texts],
        [label],
    )
