"""What the SLA and patrol pages' callbacks share: the month asked for, the area within the account's scope, and
the options of the area dropdown (the scope and the areas one level inside it)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from dashboard.access.current import current_scope, scoped
from dashboard.access.scope import OutOfScope, area_of_code
from dashboard.data import area_tree
from dashboard.data.patrol_compliance import city_today
from dashboard.data.periods import Area, AreaLevel, Period, shift_months
from dashboard.i18n import t

MONTH = re.compile(r"(\d{4})-(\d{2})")
CHILD = {AreaLevel.CITY: AreaLevel.COUNTY, AreaLevel.COUNTY: AreaLevel.TOWNSHIP, AreaLevel.TOWNSHIP: AreaLevel.GRID}


def month_options(shown: date, count: int = 24) -> list[dict[str, str]]:
    """The last `count` months, and the month shown if it is older."""
    first = city_today().replace(day=1)
    months = [shift_months(first, -n) for n in range(count)]
    months += [] if shown.replace(day=1) in months else [shown.replace(day=1)]
    return [{"label": f"{m:%Y-%m}", "value": f"{m:%Y-%m}"} for m in months]


def parse_month(value: Any, today: date | None = None) -> tuple[Period, str | None]:
    """The month asked for, or last month with a message naming the field."""
    match = MONTH.fullmatch(value) if isinstance(value, str) else None
    if match and 1 <= int(match.group(2)) <= 12 and 2000 <= int(match.group(1)) <= 2100:
        return Period.month(int(match.group(1)), int(match.group(2))), None
    fallback = Period.last_full_month(today or city_today())
    return fallback, (t("error.month", value=value) if value is not None else None)


def parse_area(session: Session, value: Any) -> tuple[Area, str | None]:
    """The area asked for, within the account's scope; the scope itself with a message naming the field when it is
    not a valid area code, lies outside the scope, or names no area of the city."""
    try:
        asked = area_of_code(value) if isinstance(value, str) and value else None
        area = scoped(asked)
        area_tree.area_name(session, area)  # raises LookupError for a well-formed code of no area
        return area, None
    except (ValueError, OutOfScope, LookupError) as error:
        return current_scope(), t("error.area", value=str(error).strip("'\""))


def area_options(session: Session) -> list[dict[str, str]]:
    """The account's area and the areas one level inside it (a grid scope: just itself)."""
    scope = current_scope()
    options = [{"label": area_tree.area_name(session, scope), "value": scope.code or ""}]
    if scope.level is not AreaLevel.GRID:
        children = area_tree.children(session, scope)
        options += [
            {"label": name, "value": code} for code, name in zip(children["code"], children["name"], strict=True)
        ]
    return options


def child_level(area: Area) -> AreaLevel:
    return CHILD.get(area.level, AreaLevel.GRID)


def join_messages(*messages: str | None) -> str:
    return " · ".join(message for message in messages if message)
