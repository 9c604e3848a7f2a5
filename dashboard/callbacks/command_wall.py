"""The command wall: colour the grid map by the chosen live figure, fill the live tiles, place the workers on patrol.
New reports go into the feed and onto the map without Dash: assets/11-wall.js draws them the moment they are pushed."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from dash import ALL, ClientsideFunction, Input, Output, State, callback, clientside_callback, ctx, html, no_update
from sqlalchemy import select
from typing_extensions import TypedDict

from dashboard import ids
from dashboard.access.current import current_scope
from dashboard.access.scope import in_area
from dashboard.components.map import ZOOM, Bounds, Zoom, inside, patrol_points, track_lines
from dashboard.config import get_settings
from dashboard.data import area_tree
from dashboard.data.areas import count_grids
from dashboard.data.casework import loop_counts
from dashboard.data.city_extent import area_bounds
from dashboard.data.city_zone import city_zone
from dashboard.data.db import session_scope
from dashboard.data.models import County
from dashboard.data.periods import Area, AreaLevel, Period
from dashboard.data.redis_client import REDIS_DOWN, get_redis
from dashboard.formatting import format_count
from dashboard.i18n import t
from dashboard.pipeline.grid_metrics import BREAKS, COLOURS, EMPTY_COLOUR, GridMetric, grid_values, hideout
from dashboard.pipeline.live import LiveState
from dashboard.wall_tour import stop


class TourData(TypedDict):
    """A county tour's store: the seconds at each stop."""

    every: int


TRACK_ZOOM = 13  # tracks are drawn only this close in, for the workers in view
TRACK_POINTS = 180  # the newest fixes of a track (three hours at one a minute)
WALL_DOT_PX = 4  # in wall mode, the workers within this many pixels of each other are one dot


def grid_count(area: Area) -> int:
    with session_scope() as session:
        return count_grids(session, area)


def scoped_values(values: dict[str, int], area: Area) -> dict[str, int]:
    """Only the grids of the account's area: the others stay blank on its map and out of its totals."""
    return values if area.code is None else {code: n for code, n in values.items() if in_area(area, code)}


def city_now() -> tuple[datetime, datetime]:
    """Now as naive UTC (as stored) and on the city's clock."""
    now = datetime.now(UTC)
    return now.replace(tzinfo=None), now.astimezone(ZoneInfo(city_zone()))


def legend(metric: GridMetric) -> list[html.Span]:
    """The figure the map is coloured by, then each colour and the values it stands for."""
    items = [
        html.Span(t(f"metric.{metric.value}"), className="legend-title"),
        html.Span([html.I(style={"background": EMPTY_COLOUR}), t("legend.none")], className="legend-item"),
    ]
    breaks = BREAKS[metric]
    for index, (low, colour) in enumerate(zip(breaks, COLOURS[metric], strict=True)):
        high = breaks[index + 1] - 1 if index + 1 < len(breaks) else None
        label = f"{low}+" if high is None else (f"{low}" if high == low else f"{low}–{high}")
        items.append(html.Span([html.I(style={"background": colour}), label], className="legend-item"))
    return items


@callback(
    Output(ids.Wall.COLOURS, "data"),
    Output(ids.Wall.LEGEND, "children"),
    Input(ids.Wall.METRIC, "value"),
    Input(ids.Wall.PATROL_CLOCK, "n_intervals"),
)
def colour_grid_map(metric_name: GridMetric, _tick: int | None) -> tuple[Any, Any]:
    metric = GridMetric(metric_name)
    now, local = city_now()
    try:
        values = grid_values(LiveState(get_redis()), metric, today=local.date(), now=now)
    except REDIS_DOWN:
        return no_update, no_update  # the banner says why; the map keeps its last colours
    return hideout(metric, scoped_values(values, current_scope())), legend(metric)


@callback(Output(ids.live_tile(ALL), "children"), Input(ids.Wall.PATROL_CLOCK, "n_intervals"))
def fill_live_tiles(_tick: int | None) -> list[str]:
    metrics = [GridMetric(output["id"]["metric"]) for output in ctx.outputs_list]
    now, local = city_now()
    area = current_scope()
    try:
        live = LiveState(get_redis())
        values = {
            metric: scoped_values(grid_values(live, metric, today=local.date(), now=now), area) for metric in metrics
        }
    except REDIS_DOWN:
        return [t("value.none")] * len(metrics)
    texts = []
    for metric in metrics:
        if metric is GridMetric.PATROL_COVERAGE:
            total = grid_count(area) or 1
            texts.append(f"{100 * len(values[metric]) / total:.1f}%")
        else:
            texts.append(f"{sum(values[metric].values()):,}")
    return texts


@callback(Output(ids.loop_figure(ALL), "children"), Input(ids.Wall.PATROL_CLOCK, "n_intervals"))
def fill_loop_tile(_tick: int | None) -> list[str]:
    """Items in progress, overdue and closed today in the account's area (dashboard.data.casework.loop_counts)."""
    now, local = city_now()
    day_start = Period(local.date(), local.date() + timedelta(days=1)).utc_bounds(city_zone())[0]
    with session_scope() as session:
        counts = loop_counts(session, current_scope(), now=now, day_start=day_start)
    return [format_count(counts[output["id"]["part"]]) for output in ctx.outputs_list]


@callback(
    Output(ids.Wall.WORKERS, "data"),
    Output(ids.Wall.TRACKS, "data"),
    Input(ids.Wall.PATROL_CLOCK, "n_intervals"),
    Input(ids.Wall.MAP, "bounds"),  # moved or zoomed: redrawn at once, not at the next tick
    State(ids.Wall.MAP, "zoom"),
    State(ids.Wall.MODE, "data"),
)
def show_patrols(_tick: int | None, bounds: Bounds | None, zoom: Zoom | None, wall: bool | None) -> tuple[Any, Any]:
    """The workers on patrol in view (counted per square when there are many; in wall mode a dot per few pixels);
    close in, their tracks."""
    area = current_scope()
    try:
        live = LiveState(get_redis())
        positions = {worker: fix for worker, fix in live.positions().items() if in_area(area, fix.get("grid"))}
        close = (zoom or 0) >= TRACK_ZOOM
        shown = [fix for fix in positions.values() if close and inside(bounds, fix["lat"], fix["lon"])]
        pipe = live.client.pipeline(transaction=False)
        for fix in shown:
            pipe.zrange(live.keys.track(fix["patrol"]), -TRACK_POINTS, -1)
        tracks = cast(list[list[str]], pipe.execute()) if shown else []
    except REDIS_DOWN:
        return no_update, no_update
    dots = {"most": 0, "square_px": WALL_DOT_PX} if wall else {}
    workers = patrol_points(positions, zoom=zoom or ZOOM, bounds=bounds, **dots)
    return workers, track_lines(tracks, zoom=zoom or ZOOM)


@callback(
    Output(ids.Wall.VIEW, "data"),
    Output(ids.Wall.AREA_NAME, "children"),
    Input(ids.Wall.MODE, "data"),
    Input(ids.Wall.PATROL_CLOCK, "n_intervals"),
    State(ids.Wall.TOUR, "data"),
    State(ids.Wall.VIEW, "data"),
)
def show_area_in_view(_wall: bool | None, _tick: int | None, tour: TourData | None, shown: Any) -> tuple[Any, Any]:
    """The area the wall shows: the account's (one county's account sees its county fill the map, its name after
    the page's), or on a county tour the county the clock says (dashboard/wall_tour.py). Its charts count it."""
    area = current_scope()
    with session_scope() as session:
        if tour and area.level is AreaLevel.CITY:
            counties = list(session.scalars(select(County.code)))
            at = stop(counties, every=tour["every"], now=time.time())
            area = Area.county(at) if at else area
        if isinstance(shown, dict) and shown.get("area") == area_data(area):
            return no_update, no_update  # still there
        name = "" if area.code is None else f" · {area_tree.area_name(session, area, lang=get_settings().language)}"
    return {"area": area_data(area), "bounds": area_bounds(area)}, name


def area_data(area: Area) -> dict[str, str | None]:
    return {"level": area.level.value, "code": area.code}


clientside_callback(  # the map fits the account's area (assets/16-wall-fit.js)
    ClientsideFunction("wall", "fitArea"),
    Input(ids.Wall.VIEW, "data"),
)
clientside_callback(  # the colours onto the map, cell by cell (assets/10-map_layers.js)
    ClientsideFunction("wall", "colourGrid"),
    Input(ids.Wall.COLOURS, "data"),
)
clientside_callback(  # a click on a grid opens its page
    ClientsideFunction("wall", "openGrid"),
    Output(ids.App.URL, "href", allow_duplicate=True),
    Input(ids.Wall.CLICKED, "data"),
    prevent_initial_call=True,
)
