"""Fill the KPI tiles of whichever page is showing, from the query layer."""

from __future__ import annotations

import logging
from typing import Any

from dash import ALL, Input, Output, callback, ctx, html
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids
from dashboard.access.current import OutOfScope, scoped
from dashboard.components.cards import AreaData, KpiScope
from dashboard.config import Language, get_settings
from dashboard.data.city_zone import city_today
from dashboard.data.db import session_scope
from dashboard.data.periods import Area, AreaLevel, Period
from dashboard.data.queries import SOLVE_WINDOWS, headline_figures, latest_incident_day
from dashboard.formatting import period_label
from dashboard.i18n import t
from dashboard.kpis import Headline, tile_text
from dashboard.tile_period import HEADLINE, following_data, resolve_tile_period, tile_period_label

log = logging.getLogger(__name__)


def scope_area(area: AreaData) -> Area:
    """The area a page's tiles ask for (ValueError for a level or code that is not one)."""
    level = AreaLevel(area.get("level", "city"))
    return Area(level, area.get("code") or None if level is not AreaLevel.CITY else None)


def previous_note(period: Period, lang: Language) -> str:
    """What 环比 compares with, said when it is not simply the month before (year to date: as many days before 1
    January; the last 12 months: the 12 before them)."""
    if period.whole_months == 1:
        return ""
    return t("compare.against", lang, span=period_label(period.previous(), lang))


def scope_within(scope: KpiScope) -> int | None:
    """The N of an N-day solve rate the tiles' scope asks for; None (solved by now) for none or one not offered."""
    within = scope.get("within")
    return within if isinstance(within, int) and within in SOLVE_WINDOWS else None


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
    name = str(scopes[0]["period"])
    try:
        chosen = resolve_tile_period(name, city_today())
    except ValueError:
        return blank_tiles(len(tiles), t("period.bad", lang))
    try:
        area = scoped(scope_area(scopes[0]["area"]))  # what was asked, within the account's area
        with session_scope() as session:
            if name == HEADLINE:  # the headline period follows the data: a city whose records end earlier
                chosen = following_data(chosen, latest_incident_day(session))
            figures = headline_figures(session, chosen.period, area=area, within_days=scope_within(scopes[0]))
    except OutOfScope:
        return blank_tiles(len(tiles), t("area.out_of_scope", lang))
    except ValueError:
        return blank_tiles(len(tiles), t("area.bad", lang))
    except SQLAlchemyError:
        log.exception("headline figures unavailable")
        return blank_tiles(len(tiles), t("status.unavailable", lang))
    texts = [tile_text(Headline(tile.split(":", 1)[1]), figures, lang) for tile in tiles]
    against = previous_note(chosen.period, lang)
    pops: list[Any]
    if chosen.period.previous() == chosen.period.same_period_last_year():  # 12 months or a year: 环比 is 同比
        pops, pop_classes = [t("compare.same_as_yoy", lang)] * len(texts), ["trend-none"] * len(texts)
    else:
        # what 环比 compares with, in a span of its own: the wall's canvas gives it a line of its own
        note = [html.Span(against, className="kpi-against")] if against else []
        pops = [[text.period_over_period, *note] if note else text.period_over_period for text in texts]
        pop_classes = [f"trend-{text.period_over_period_trend}" for text in texts]
    return (
        [text.value for text in texts],
        [text.year_over_year for text in texts],
        [f"trend-{text.year_over_year_trend}" for text in texts],
        pops,
        pop_classes,
        [tile_period_label(chosen, period_label(chosen.period, lang), lang)],
    )
