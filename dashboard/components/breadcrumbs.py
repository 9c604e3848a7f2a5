"""Breadcrumbs: 台州市 › 路桥区 › 某街道 › 网格, each level a link to the same page one level up (same filters).

Levels above the account's own area are shown as plain text: they are not views this account may open.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dash import dcc, html

from dashboard.access.scope import contains
from dashboard.data.periods import CITY, Area, AreaLevel
from dashboard.filter_url import FilterParams

SEPARATOR = "›"
ARIA_HIDDEN: dict[str, Any] = {"aria-hidden": "true"}


@dataclass(frozen=True)
class Crumb:
    area: Area
    label: str
    href: str | None  # None: not a link (the current level, or one above the account's area)


def lineage(area: Area) -> list[Area]:
    """The city, then each level down to `area`: [city, county, township, grid] as far as `area` goes."""
    code = area.code
    if code is None:
        return [CITY]
    chain = [CITY, Area.county(code[:6])]
    if area.level is AreaLevel.TOWNSHIP:
        chain.append(area)
    elif area.level is AreaLevel.GRID:
        chain += [Area.township(code[:6] + code[7:10]), area]
    return chain


def trail(path: str, params: FilterParams, names: dict[Area, str], scope: Area) -> list[Crumb]:
    """The crumbs for `params.area` on the page at `path`; `names` holds each level's name."""
    chain = lineage(params.area)
    crumbs = []
    for depth, area in enumerate(chain):
        current = depth == len(chain) - 1
        openable = contains(scope, area)  # inside the account's area (the city scope contains everything)
        href = None if current or not openable else params.with_area(area).link(path)
        crumbs.append(Crumb(area, names.get(area, area.code or ""), href))
    return crumbs


def breadcrumbs(crumbs: list[Crumb]) -> list[object]:
    """The children of the breadcrumb <nav>: links and plain names, separated by ›."""
    children: list[object] = []
    for index, crumb in enumerate(crumbs):
        if index:
            children.append(html.Span(SEPARATOR, className="crumb-separator", **ARIA_HIDDEN))
        if crumb.href is None:
            current = index == len(crumbs) - 1
            extra: dict[str, Any] = {"aria-current": "page"} if current else {}
            children.append(html.Span(crumb.label, className="crumb crumb-current" if current else "crumb", **extra))
        else:
            children.append(dcc.Link(crumb.label, href=crumb.href, className="crumb crumb-link"))
    return children
