"""Importing this package registers every @callback of the app."""

import dashboard.callbacks.analysis_map  # record tables and map analysis
import dashboard.callbacks.export_menu  # export menus under charts and tables
import dashboard.callbacks.patrols  # /patrols
import dashboard.callbacks.queue  # /queue, 待办
import dashboard.callbacks.record_item  # /record, one item and its handling
import dashboard.callbacks.record_table
import dashboard.callbacks.sla  # /sla
import dashboard.callbacks.wall_alerts  # the wall's alert panel
import dashboard.callbacks.wall_charts  # noqa: F401  (the charts around the wall's map)
from dashboard.callbacks import audit, command_wall, grid_detail, headline, live

from . import (  # noqa: F401  (drill-down pages)
    case_trends,
    filter_bar,
    monthly_report,
    rental_housing,
    solve_rates,
)

__all__ = ["audit", "command_wall", "grid_detail", "headline", "live"]
