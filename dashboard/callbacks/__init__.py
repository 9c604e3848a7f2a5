"""Importing this package registers every @callback of the app."""

import dashboard.callbacks.analysis_map  # record tables and map analysis (issue 7)
import dashboard.callbacks.record_table  # noqa: F401
from dashboard.callbacks import audit, command_wall, grid_detail, headline, live

from . import case_trends, filter_bar, rental_housing, solve_rates  # noqa: F401  (drill-down pages, issue 7)

__all__ = ["audit", "command_wall", "grid_detail", "headline", "live"]
