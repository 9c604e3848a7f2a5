"""The frame every page shares: its title, one line on what it shows, then its content."""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard.i18n import t


def page_frame(page_key: str, *children: Any) -> html.Div:
    return html.Div(
        [
            html.H1(t(f"page.{page_key}")),
            html.P(t(f"about.{page_key}"), className="page-about"),
            *children,
        ],
        className=f"page page-{page_key.replace('_', '-')}",
    )
