"""The app's dropdown: dcc.Dropdown with its own words (the search box, "no options", clear) in the UI language;
Dash's defaults are English whatever the page's language."""

from __future__ import annotations

from typing import Any

from dash import dcc

from dashboard.i18n import t

LABELS = ("select_all", "deselect_all", "selected_count", "search", "clear_search", "clear_selection",
          "no_options_found")  # fmt: skip


def dropdown(**props: Any) -> dcc.Dropdown:
    labels: Any = {key: t(f"dropdown.{key}") for key in LABELS}  # Dash types it as its own TypedDict
    return dcc.Dropdown(labels=labels, **props)
