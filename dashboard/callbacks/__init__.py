"""Every callback of the app, registered by `register_callbacks()` (app.create_app calls it once): a module's
@callback decorators register when the module is imported."""

import importlib

MODULES = (
    "analysis_map",  # record tables' map analysis
    "audit",  # /audit
    "case_trends",  # /trends
    "command_wall",  # the command wall: tiles, map, feed
    "export_menu",  # export menus under charts and tables
    "filter_bar",  # the drill-down pages' filter bar and its address
    "grid_detail",  # /grid
    "headline",  # the KPI tiles
    "live",  # the status line: connections and last update
    "monthly_report",  # /monthly
    "patrols",  # /patrols
    "queue",  # /queue, 待办
    "record_item",  # /record, one item and its handling
    "record_table",  # the record tables under every drill-down page
    "rental_housing",  # /rental
    "sla",  # /sla
    "solve_rates",  # /solve-rates
    "wall_alerts",  # the wall's alert panel
    "wall_charts",  # the charts around the wall's map
)


def register_callbacks() -> None:
    for name in MODULES:
        importlib.import_module(f"{__name__}.{name}")
