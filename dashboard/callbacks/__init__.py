"""Importing this package registers every @callback of the app."""

from dashboard.callbacks import grid_detail, headline

__all__ = ["grid_detail", "headline"]
