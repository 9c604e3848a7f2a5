"""Component IDs, '<page>-<thing>-<kind>' in kebab-case. Pages and callbacks both import from here."""

from __future__ import annotations

from typing import Any, ClassVar


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
    GRID_LAYERS = "wall-grid-layers"  # the layer group of the grid cells (assets/10-grid-cells.js) and county outlines
    CLICKED = "wall-grid-clicked"  # a store: the grid cell last clicked, written in the browser (10-grid-cells.js)
    COLOURS = "wall-grid-colours"  # a store: the cells' colours, applied in the browser (assets/10-grid-cells.js)
    COUNTIES = "wall-county-outlines"
    COUNTY_NAMES = "wall-county-names"
    EVENTS = "wall-event-markers"  # a LayerGroup that assets/11-wall.js fills with the pushed reports
    WORKERS = "wall-worker-markers"
    TRACKS = "wall-patrol-tracks"
    FEED = "wall-feed"  # rows added in the browser by assets/11-wall.js
    PATROL_CLOCK = "wall-patrol-interval"  # patrol positions, map colours and the charts refresh on this clock
    HOURLY = "wall-hourly-graph"  # today's reports per hour against yesterday and last week
    KINDS = "wall-kinds-graph"  # today's reports by kind and hazard category
    AREAS = "wall-areas-graph"  # the areas ranked by today's reports, beside their patrol coverage
    AREAS_TITLE = "wall-areas-title"  # names the areas ranked: counties, or a county's townships
    VIEW = "wall-view-store"  # the area shown (the account's, or the tour's county): the map fits it, charts count it
    TOUR = "wall-tour-store"  # {"every": seconds} on a county tour (?tour=counties), else None
    AREA_NAME = "wall-area-name"  # after the page's name in its title: the account's county or township
    MODE = "wall-mode-store"  # true in wall mode (?wall=1): the map shows the workers as dots, never counted


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


# drill-downs: filter bar, breadcrumbs, the four pages
class DrillViews:
    """The analysis map (ids.analysis(part, key)) and record tables (ids.record(part, key)) of the area pages, by key;
    a map's clickable areas are ids.analysis("areas", key)."""

    TRENDS_MAP = "trends-map"
    TRENDS_TABLE = "trends-incidents"
    SOLVE_MAP = "solve-map"
    SOLVE_TABLE = "solve-cases"
    RENTAL_MAP = "rental-map"
    RENTAL_TABLE = "rental-incidents"
    RENTAL_HOUSES = "rental-houses"


class Drill:
    """The filter bar and breadcrumbs of the drill-down pages: one page shows at a time, so they share these ids."""

    PARAMS = "drill-params-store"  # what the address asks for (FilterParams.as_dict), written by the page's layout
    FILTER = "drill-filter-store"  # what the figures count with: resolved for today, within the account's area
    PERIOD = "drill-period-dropdown"
    DATES = "drill-dates-picker"  # shown for a custom period only
    COMPARE = "drill-compare-radio"
    COUNTY = "drill-county-dropdown"
    TOWNSHIP = "drill-township-dropdown"
    GRID = "drill-grid-dropdown"
    KIND = "drill-kind-dropdown"
    MESSAGE = "drill-message"  # what was wrong with the address, if anything
    CRUMBS = "drill-breadcrumbs"
    SUMMARY = "drill-summary"  # the period, its baseline and the area, in words


class Trends:
    GRAIN = "trends-grain-radio"  # day, week or month buckets
    SERIES = "trends-series-graph"
    HEATMAP = "trends-heatmap-graph"
    SUBTYPES = "trends-subtypes-graph"  # click a bar: the series show that subtype only
    AREAS = "trends-areas-graph"  # click a bar: drill into that area
    SELECTION = "trends-selection"  # says what is picked
    CLEAR = "trends-clear-button"


class Solve:
    AREAS = "solve-areas-graph"  # click a bar: drill into that area
    SUBTYPES = "solve-subtypes-graph"  # click a bar: the days-to-solve chart shows that subtype only
    MONTHS = "solve-months-graph"
    DAYS = "solve-days-graph"
    SELECTION = "solve-selection"
    CLEAR = "solve-clear-button"
    WITHIN = "solve-within-radio"  # solved by now, or the 30- or 90-day solve rate (in the address: within=)


class Rental:
    FACTS = "rental-facts"  # cases, share, change, rental houses, cases per 100 houses
    AREAS = "rental-areas-graph"  # click a bar: drill into that area
    GRIDS = "rental-grids-graph"  # click a bar: open that grid's page


# drill-downs: record tables and map analysis
def record(part: str, table: Any) -> dict[str, Any]:
    """A part of a record table (dashboard/components/record_table.py): `part` is grid, kind, query, status, detail,
    selected, unmask or full; `table` is the table's key on its page (MATCH or ALL inside a callback). A page makes
    its tables follow its filter by writing DrillFilter data into ids.record("query", ALL)."""
    return {"type": f"record-{part}", "table": table}


def analysis(part: str, key: Any) -> dict[str, Any]:
    """A part of an analysis map (dashboard/components/analysis_map.py): map, outline, heat, query, density, frames,
    mode, day, slider, play, clock, hour, status; `key` the map's key on its page (MATCH inside a callback)."""
    return {"type": f"analysis-{part}", "map": key}


class GridDetail:
    PERIOD = "grid-period-radio"  # the span the grid's tables and map count over
    PROFILE = "grid-profile"  # where it lies, its worker, its population
    BODY = "grid-body"  # shown once the code names a grid in the account's area
    MAP = "grid-map"  # the key of its analysis map
    TABLES: ClassVar[dict[str, str]] = {  # its record tables, by kind (dashboard.views.records.RecordKind)
        "incidents": "grid-incidents",
        "hazards": "grid-hazards",
        "patrols": "grid-patrols",
        "rental_houses": "grid-rental-houses",
        "key_persons": "grid-key-persons",
    }


# monthly report: the 月度通报 page, its exports
class Monthly:
    MONTH = "monthly-month-dropdown"
    AREA = "monthly-area-dropdown"  # the account's area and the areas one level inside it; empty: its whole area
    WITHIN = "monthly-within-radio"  # solved by now, or the 30- or 90-day solve rate (in the address: within=)
    QUERY = "monthly-query-store"  # the page's URL query (month, area), written by the layout
    MESSAGE = "monthly-message"  # what was wrong with the address, or that the month has no data
    SUMMARY = "monthly-summary"  # the 通报: header, 总体情况, 各地情况, 存在问题
    REQUIREMENTS = "monthly-requirements"  # its 下步工作要求, editable by the roles that build the month's files
    SAVE = "monthly-requirements-save"
    SAVED = "monthly-requirements-status"  # who last changed it and when, or that it is the generated text
    RANKING = "monthly-ranking-table"
    RISING = "monthly-rising-graph"
    HAZARDS = "monthly-hazards-graph"
    PATROLS = "monthly-patrols-graph"
    DECK = "monthly-deck-button"
    PDF = "monthly-pdf-button"
    JOB = "monthly-job-store"  # the export being built: its id
    JOB_CLOCK = "monthly-job-interval"  # polls the job's progress while one runs
    JOB_STATUS = "monthly-job-status"  # progress, then the download link
    EXPORTS = "monthly-exports"  # the deck and PDF buttons: shown to roles that may export


# exports: the menu of links under each chart and table (dashboard/components/export_menu.py)
def export_menu(name: Any) -> dict[str, Any]:
    """The menu of the export `name` ("trends.series"; MATCH or ALL inside a callback)."""
    return {"type": "export-menu", "export": name}


def export_link(name: Any, fmt: Any) -> dict[str, Any]:
    return {"type": "export-link", "export": name, "format": fmt}


class WallAlerts:  # the alert panel on the wall
    PANEL = "wall-alerts-list"  # the alerts as cards, each with its own buttons (alert_action)
    MORE = "wall-alerts-more"  # "N more alerts", or "no alerts"
    CLOCK = "wall-alerts-interval"  # polls the alert version in Redis
    SEEN = "wall-alerts-version-store"  # the version (and clock tick) the panel last drew
    MESSAGE = "wall-alerts-message"  # what became of the last acknowledge or escalate
    RED = "wall-alerts-red-store"  # the open red alerts shown, with where they are: a new one draws the wall's eye


def alert_action(alert: Any, action: Any) -> dict[str, Any]:
    """A card's button on the wall's alert panel: `action` (acknowledge | escalate) on the alert with this id, or on a
    township's overdue records ("overdue:<code>"); ALL inside a callback."""
    return {"type": "wall-alert-action", "alert": alert, "action": action}


class Sla:  # /sla, on-time closure (按期结案率)
    MONTH = "sla-month-dropdown"
    AREA = "sla-area-dropdown"
    RECORD = "sla-record-radio"  # all, incidents or hazards
    MESSAGE = "sla-message"  # names a bad month or area in the address
    BY_AREA = "sla-by-area"
    BY_DEPARTMENT = "sla-by-department"
    BY_MONTH = "sla-by-month"
    OVERDUE = "sla-overdue-table"
    LOOP_BY = "sla-loop-by-radio"  # handling times by department, township or county
    LOOP = "sla-loop-table"


class Patrols:  # /patrols, patrol compliance (巡查合规)
    MONTH = "patrols-month-dropdown"
    AREA = "patrols-area-dropdown"
    MESSAGE = "patrols-message"
    BY_AREA = "patrols-by-area"
    BY_MONTH = "patrols-by-month"
    MAP = "patrols-coverage-map"
    MIN_DAYS = "patrols-min-days-input"  # the exceptions list: workers below the rule on at least this many days
    EXCEPTIONS = "patrols-exceptions-table"
    WORKER_DAYS = "patrols-worker-days-table"
    SUSPICIOUS = "patrols-suspicious-table"


class Item:  # /record, one item's own view and its handling
    WANTED = "item-wanted-store"  # the record and id the address asks for
    SHOWN = "item-shown-store"  # the item drawn: record, id, version and the nonce its buttons' action ids derive from
    REFRESH = "item-refresh-store"  # bumped after a step: the view redraws at once
    CLOCK = "item-interval"  # redraws when someone else moved the item on
    VIEW = "item-view"  # what was reported, its routing and timeline
    ACTIONS = "item-actions"  # the note, the department and the buttons: shown to accounts that act
    NOTE = "item-note-textarea"
    DEPARTMENT = "item-department-dropdown"
    BUTTONS = "item-buttons"
    MESSAGE = "item-message"  # what became of the last step asked for


def loop_figure(part: Any) -> dict[str, Any]:
    """A figure of the wall's handling tile: in_progress, overdue or closed_today (ALL inside a callback)."""
    return {"type": "wall-loop", "part": part}


def item_step(step: Any) -> dict[str, Any]:
    """A button of the item's view: take `step` (ALL inside a callback)."""
    return {"type": "item-step", "step": step}


class Queue:  # /queue, 待办
    STATE = "queue-state-dropdown"  # all open, awaiting my step, or one state
    RECORD = "queue-record-radio"  # all, incidents or hazards
    PLATFORM = "queue-platform-dropdown"  # all, or one township platform (of the item's department)
    OVERDUE = "queue-overdue-checklist"
    MESSAGE = "queue-message"  # what was wrong with the address's filters
    QUERY = "queue-query-store"  # the address's query as the layout read it (valid filters only)
    CLOCK = "queue-interval"  # polls the queue's version in Redis
    SEEN = "queue-seen-store"  # the version (and filters) last drawn
    COUNTS = "queue-counts"
    TABLE = "queue-table"
