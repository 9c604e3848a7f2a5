"""The frame every page shares: its title, one line on what it shows, then its content."""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard.i18n import t


def page_frame(page_key: str, *children: Any, title_after: Any = None) -> html.Div:
    """`title_after`: what follows the page's name in its title (the wall: the account's area, filled later)."""
    return html.Div(
        [
            html.H1([t(f"page.{page_key}"), title_after] if title_after is not None else t(f"page.{page_key}")),
            html.P(t(f"about.{page_key}"), className="page-about"),
            *children,
        ],
        className=f"page page-{page_key.replace('_', '-')}",
    )
