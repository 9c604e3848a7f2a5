"""Importing this package registers every @callback of the app."""

from dashboard.callbacks import command_wall, grid_detail, headline, live

__all__ = ["command_wall", "grid_detail", "headline", "live"]
