"""Importing this package registers every @callback of the app."""

from dashboard.callbacks import audit, command_wall, grid_detail, headline, live

__all__ = ["audit", "command_wall", "grid_detail", "headline", "live"]
