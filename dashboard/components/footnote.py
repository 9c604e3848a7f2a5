"""The 口径 under a chart or table, from dashboard/definitions.py: what the page shows is what its export states."""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard.definitions import definition


def footnote(name: str, *, within: int | None = None) -> html.P:
    """The definition of the chart or table `name` (its solve rate as the `within`-day rate when given)."""
    data: dict[str, Any] = {"data-of": name}  # which chart or table it defines (tests and styles read it)
    return html.P(definition(name, within=within), className="chart-definition chart-footnote", **data)
