"""Component IDs, '<page>-<thing>-<kind>' in kebab-case. Pages and callbacks both import from here."""

from __future__ import annotations

from typing import Any


class App:
    URL = "app-url"  # dcc.Location of the shell
    REFRESH = "app-refresh-interval"  # slow clock for figures that re-query the database
    STATUS = "app-status-banner"  # shown while a data source is unreachable
    STATUS_CLOCK = "app-status-interval"  # how often the banner checks Redis and the database
    LOGOUT = "app-logout"


class Wall:
    METRIC = "wall-metric-radio"  # which figure colours the grid map
    LEGEND = "wall-legend"
    MAP = "wall-map"
    CELLS = "wall-grid-cells"
    COLOURS = "wall-grid-colours"  # a store: the cells' colours, applied in the browser (assets/10-map_layers.js)
    COUNTIES = "wall-county-outlines"
    EVENTS = "wall-event-markers"  # a LayerGroup that assets/11-wall.js fills with the pushed reports
    WORKERS = "wall-worker-markers"
    TRACKS = "wall-patrol-tracks"
    FEED = "wall-feed"  # rows added in the browser by assets/11-wall.js
    PATROL_CLOCK = "wall-patrol-interval"  # patrol positions and map colours refresh on this clock


def live_tile(metric: Any) -> dict[str, Any]:
    """The value of a live tile on the wall (`metric` a GridMetric value, or ALL)."""
    return {"type": "wall-live-value", "metric": metric}


class WallMode:
    GO = "wall-mode-location"  # hands over to the first page of the rotation
    CLOCK = "wall-mode-clock"
    UPDATED = "wall-mode-updated"  # "数据更新于 HH:MM:SS": when the data sources last answered


class Grid:
    MESSAGE = "grid-message"  # what is wrong with the grid code in the address, if anything
    TILES = "grid-tiles"


class Audit:
    ACTOR = "audit-actor"  # filter: one user name
    ACTIONS = "audit-actions"  # filter: kinds of entry
    CHAIN = "audit-chain"  # whether the hash chain holds
    TABLE = "audit-table"


def kpi_scope(page: Any) -> dict[str, Any]:
    """A page's headline scope (which period and area its KPI tiles count): a dcc.Store, one per page."""
    return {"type": "kpi-scope", "page": page}


def kpi(part: str, tile: Any) -> dict[str, Any]:
    """A part of a KPI tile: `part` is value, change-yoy, change-pop or period; `tile` is '<page>:<figure>'
    (ALL inside a callback: only the visible page's tiles are in the browser)."""
    return {"type": f"kpi-{part}", "tile": tile}


# drill-downs: filter bar, breadcrumbs, the four pages (issue 7)


# drill-downs: record tables and map analysis (issue 7)
