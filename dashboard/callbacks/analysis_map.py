"""Map analysis: the area's outline and its incident density for the period, and the hour-by-hour replay of a day
or week. The area is intersected with the account's scope here; stepping through the hours runs in the browser
(assets/30-analysis-map.js)."""

from __future__ import annotations

import dataclasses
import json
import logging
from datetime import date, timedelta
from typing import Any

import shapely
from dash import MATCH, ClientsideFunction, Input, Output, State, callback, clientside_callback
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids
from dashboard.access.current import OutOfScope, scoped
from dashboard.components.map import city_center_zoom
from dashboard.config import get_settings
from dashboard.data import area_tree
from dashboard.data.city_extent import area_bounds, city_bounds
from dashboard.data.db import session_scope
from dashboard.data.filters import DrillFilter
from dashboard.data.geography import load_counties, load_townships
from dashboard.data.heat import HEXES_ACROSS, HexGrid, density, replay
from dashboard.data.models import Grid
from dashboard.data.periods import Area, AreaLevel
from dashboard.formatting import format_count, format_day
from dashboard.i18n import t
from dashboard.views.records import RecordQueryError, drill_from_data, place_from_data

log = logging.getLogger(__name__)


def city_map_view() -> dict[str, Any]:
    """The whole city's view (of the imported city, when there is one); no animation: a page may go mid-way."""
    center, zoom = city_center_zoom()
    return {"center": center, "zoom": zoom, "options": {"animate": False}}


def scoped_drill(query: Any) -> DrillFilter:
    drill = drill_from_data(query)
    return dataclasses.replace(drill, area=scoped(drill.area))


def outline_of(area: Area) -> dict[str, Any] | None:
    """The area's outline as GeoJSON (None for the city, or an area with no outline on file)."""
    if area.level is AreaLevel.GRID:
        with session_scope() as session:
            geometry = session.scalar(select(Grid.geometry).where(Grid.code == area.code))
        return None if geometry is None else json.loads(geometry)
    found = {
        AreaLevel.COUNTY: lambda: next((c.geometry for c in load_counties() if c.code == area.code), None),
        AreaLevel.TOWNSHIP: lambda: next((s.geometry for s in load_townships() if s.code == area.code), None),
    }.get(area.level, lambda: None)()
    return None if found is None else dict(shapely.geometry.mapping(shapely.simplify(found, 0.0005)))


def hexes_over(area: Area) -> HexGrid:
    """The density map's hexagons over the area shown."""
    return HexGrid.over(area_bounds(area), HEXES_ACROSS[area.level])


def view_of(outline: dict[str, Any] | None) -> dict[str, Any]:
    """The map fitted to the area's outline; the city (no outline) fitted to its counties, islands included (its
    opening centre and zoom cut the southern coast off a map this size)."""
    if outline is None:
        bounds = city_bounds()
    else:
        west, south, east, north = shapely.geometry.shape(outline).bounds
        bounds = [[south, west], [north, east]]
    return {"bounds": bounds, "options": {"padding": [20, 20], "animate": False}}


@callback(
    Output(ids.analysis("density", MATCH), "data"),
    Output(ids.analysis("outline", MATCH), "data"),
    Output(ids.analysis("map", MATCH), "viewport"),
    Output(ids.analysis("day", MATCH), "date"),
    Input(ids.analysis("query", MATCH), "data"),
    State(ids.analysis("day", MATCH), "date"),
)
def load_density(query: Any, day: str | None) -> tuple[Any, ...]:
    if query is None:
        return None, None, city_map_view(), day
    try:
        drill = scoped_drill(query)
        with session_scope() as session:
            found = density(session, drill, place_from_data(query))
        outline = outline_of(drill.area)
    except RecordQueryError as error:
        return {"label": error.text()}, None, city_map_view(), day
    except OutOfScope:
        return {"label": t("area.out_of_scope")}, None, city_map_view(), day
    except SQLAlchemyError:
        log.exception("density unavailable")
        return {"label": t("status.unavailable")}, None, city_map_view(), day
    label = t("analysis.period_total", count=format_count(found.total)) if found.total else t("analysis.none")
    hexes = hexes_over(drill.area)
    cells = hexes.binned(found.points)
    peak = int(max((cell[2] for cell in cells), default=0))
    data = {"points": cells, "peak": peak, "hex": hexes.as_data(), "label": label, "legend": legend(peak)}
    in_period = day is not None and drill.period.start.isoformat() <= day < drill.period.end.isoformat()
    shape = None if outline is None else {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": outline, "properties": {}}]}  # fmt: skip
    return data, shape, view_of(outline), day if in_period else drill.period.last_day.isoformat()


AREA_TOLERANCE = 0.0005  # degrees (about 50 m): county and township outlines simplified for the wire


def child_areas(area: Area, lang: str) -> list[dict[str, Any]]:
    """The areas one level down from `area` as GeoJSON features (code, level, name): a city's counties, a county's
    townships, a township's grids; none for a grid. `area` is already within the account's scope, so are these.
    The areas and names are the database's (dashboard.data.area_tree); county and township outlines come from the
    geography files the city was seeded from (simplified), grid outlines from the database."""
    with session_scope() as session:
        rows = area_tree.children(session, area)
        grids: dict[str, Any] = {}
        if area.level is AreaLevel.TOWNSHIP:
            found = select(Grid.code, Grid.geometry).where(Grid.township_code == area.code)
            grids = {code: json.loads(geometry) for code, geometry in session.execute(found)}
    outlines: dict[str, Any] = {}
    if area.level is AreaLevel.CITY:
        outlines = {county.code: county.geometry for county in load_counties()}
    elif area.level is AreaLevel.COUNTY:
        outlines = {township.code: township.geometry for township in load_townships()}
    features = []
    for _, row in rows.iterrows():
        code = str(row["code"])
        shape = outlines.get(code)
        geometry = (
            grids.get(code) if shape is None else shapely.geometry.mapping(shapely.simplify(shape, AREA_TOLERANCE))
        )
        if geometry is None:
            continue  # no outline on file: nothing to draw or click
        name = str(row["name"] if lang == "zh-CN" else row["name_en"])
        properties = {"code": code, "level": str(row["level"]), "name": name}
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    return features


@callback(Output(ids.analysis("areas", MATCH), "data"), Input(ids.analysis("query", MATCH), "data"))
def load_areas(query: Any) -> Any:
    """The clickable areas one level down from the (scoped) area of the map's filter."""
    if query is None:
        return None
    try:
        drill = scoped_drill(query)
        features = child_areas(drill.area, get_settings().language)
    except (RecordQueryError, OutOfScope):
        return None  # the density callback says what is wrong
    except SQLAlchemyError:
        log.exception("map areas unavailable")
        return None
    return {"type": "FeatureCollection", "features": features}


def legend(peak: int) -> str:
    return t("analysis.legend", peak=format_count(peak)) if peak else ""


def first_day_of(mode: str, day: date) -> date:
    """A day replays itself; a week replays Monday to Sunday of the week the day is in."""
    return day - timedelta(days=day.weekday()) if mode == "week" else day


@callback(
    Output(ids.analysis("frames", MATCH), "data"),
    Output(ids.analysis("slider", MATCH), "max"),
    Output(ids.analysis("slider", MATCH), "value"),
    Output(ids.analysis("slider", MATCH), "disabled"),
    Input(ids.analysis("mode", MATCH), "value"),
    Input(ids.analysis("day", MATCH), "date"),
    Input(ids.analysis("query", MATCH), "data"),
)
def load_replay(mode: str | None, day: str | None, query: Any) -> tuple[Any, int, int, bool]:
    if mode not in ("day", "week") or query is None:
        return None, 23, 0, True
    try:
        chosen = date.fromisoformat(day or "")
    except ValueError:
        return replay_message(RecordQueryError("day", t("records.bad_date")).text())
    days = 7 if mode == "week" else 1
    first = first_day_of(mode, chosen)
    try:
        drill = scoped_drill(query)
        with session_scope() as session:
            found = replay(session, drill.area, first, days, drill.kind, drill.subtype, place_from_data(query))
    except RecordQueryError as error:
        return replay_message(error.text())
    except OutOfScope:
        return replay_message(t("area.out_of_scope"))
    except SQLAlchemyError:
        log.exception("replay unavailable")
        return replay_message(t("status.unavailable"))
    hexes = hexes_over(drill.area)  # the same hexagons as the period's map
    frames = [hexes.binned(frame) for frame in found.frames]
    peak = int(max((cell[2] for frame in frames for cell in frame), default=0))
    labels = [
        t(
            "analysis.hour",
            day=format_day(first + timedelta(days=hour // 24), get_settings().language),
            hour=hour % 24,
            count=format_count(int(sum(point[2] for point in frame))),
        )
        for hour, frame in enumerate(found.frames)
    ]
    data = {"frames": frames, "peak": peak or 1, "hex": hexes.as_data(), "labels": labels, "legend": legend(peak)}
    return data, len(frames) - 1, 0, False


def replay_message(text: str) -> tuple[Any, int, int, bool]:
    """No replay, and why (shown where the hour would be)."""
    return {"frames": [[]], "peak": 1, "labels": [text], "legend": ""}, 0, 0, True


clientside_callback(
    ClientsideFunction("analysis", "draw"),
    Output(ids.analysis("heat", MATCH), "data"),
    Output(ids.analysis("hour", MATCH), "children"),
    Output(ids.analysis("status", MATCH), "children"),
    Input(ids.analysis("mode", MATCH), "value"),
    Input(ids.analysis("slider", MATCH), "value"),
    Input(ids.analysis("density", MATCH), "data"),
    Input(ids.analysis("frames", MATCH), "data"),
)
clientside_callback(
    ClientsideFunction("analysis", "play"),
    Output(ids.analysis("clock", MATCH), "disabled"),
    Output(ids.analysis("mode", MATCH), "value"),
    Output(ids.analysis("slider", MATCH), "value", allow_duplicate=True),
    Input(ids.analysis("play", MATCH), "n_clicks"),
    State(ids.analysis("clock", MATCH), "disabled"),
    State(ids.analysis("mode", MATCH), "value"),
    State(ids.analysis("slider", MATCH), "value"),
    State(ids.analysis("slider", MATCH), "max"),
    prevent_initial_call=True,
)
clientside_callback(
    ClientsideFunction("analysis", "tick"),
    Output(ids.analysis("slider", MATCH), "value", allow_duplicate=True),
    Output(ids.analysis("clock", MATCH), "disabled", allow_duplicate=True),
    Input(ids.analysis("clock", MATCH), "n_intervals"),
    State(ids.analysis("slider", MATCH), "value"),
    State(ids.analysis("slider", MATCH), "max"),
    State(ids.analysis("mode", MATCH), "value"),
    prevent_initial_call=True,
)
