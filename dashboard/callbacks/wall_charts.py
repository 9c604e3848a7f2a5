"""The wall's charts around the map, redrawn on the wall's live clock: today's reports per hour against yesterday
and last week, by kind and hazard category, and the areas one level down ranked beside their patrol coverage. Each
counts the area the wall shows (the account's, or the county a tour is at), never beyond the account's."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, callback, no_update
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids
from dashboard.access.current import OutOfScope, current_scope, scoped
from dashboard.callbacks.command_wall import city_now
from dashboard.config import get_settings
from dashboard.data.city_zone import city_zone
from dashboard.data.db import session_scope
from dashboard.data.periods import Area, AreaLevel
from dashboard.data.redis_client import REDIS_DOWN, get_redis
from dashboard.data.wall_today import hourly_reports, ranked_level, reports_by_area, reports_by_kind, with_coverage
from dashboard.figures import wall as figures
from dashboard.i18n import t
from dashboard.pipeline.live import LiveState


def shown_area(view: dict[str, Any] | None) -> Area:
    """The area in the wall's view store, within the account's area (the account's own when it says none or is
    forged)."""
    asked = view.get("area") if isinstance(view, dict) else None
    try:
        return scoped(Area(AreaLevel(asked["level"]), asked.get("code")) if isinstance(asked, dict) else None)
    except (KeyError, TypeError, ValueError, OutOfScope):
        return current_scope()


@callback(Output(ids.Wall.HOURLY, "figure"), Input(ids.Wall.PATROL_CLOCK, "n_intervals"), Input(ids.Wall.VIEW, "data"))
def draw_hourly_reports(_tick: int | None, view: dict[str, Any] | None) -> Any:
    now, local = city_now()
    settings = get_settings()
    try:
        with session_scope() as session:
            frame = hourly_reports(session, today=local.date(), zone=city_zone(), area=shown_area(view), now=now)
    except SQLAlchemyError:
        return no_update  # the banner says the database is down; the chart keeps its last picture
    return figures.hourly(frame, lang=settings.language)


@callback(Output(ids.Wall.KINDS, "figure"), Input(ids.Wall.PATROL_CLOCK, "n_intervals"), Input(ids.Wall.VIEW, "data"))
def draw_reports_by_kind(_tick: int | None, view: dict[str, Any] | None) -> Any:
    _now, local = city_now()
    settings = get_settings()
    try:
        with session_scope() as session:
            frame = reports_by_kind(session, today=local.date(), zone=city_zone(), area=shown_area(view))
    except SQLAlchemyError:
        return no_update
    return figures.kinds(frame, lang=settings.language)


@callback(
    Output(ids.Wall.AREAS, "figure"),
    Output(ids.Wall.AREAS_TITLE, "children"),
    Input(ids.Wall.PATROL_CLOCK, "n_intervals"),
    Input(ids.Wall.VIEW, "data"),
)
def draw_area_ranking(_tick: int | None, view: dict[str, Any] | None) -> tuple[Any, Any]:
    _now, local = city_now()
    settings, area = get_settings(), shown_area(view)
    level = ranked_level(area)
    try:
        patrolled = LiveState(get_redis()).patrolled_on(local.date())
        with session_scope() as session:
            frame = reports_by_area(session, today=local.date(), zone=city_zone(), area=area)
    except (SQLAlchemyError, *REDIS_DOWN):
        return no_update, no_update
    figure = figures.area_ranking(with_coverage(frame, patrolled, level), lang=settings.language)
    return figure, t(f"wall.chart.areas.{level.value}")
