"""What the callbacks of /monthly, /sla and /patrols share: the area within the account's scope and the options of
the area dropdown (the scope and the areas one level inside it). The month is parsed by dashboard/monthly_url.py
and offered by dashboard/components/month_area.py."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from dashboard.access.current import current_scope, scoped
from dashboard.access.scope import OutOfScope, area_of_code
from dashboard.access.shown_area import refusal_text
from dashboard.components.month_area import month_options, with_value
from dashboard.config import Language
from dashboard.data import area_tree
from dashboard.data.periods import Area, AreaLevel, Period
from dashboard.i18n import t

CHILD = {AreaLevel.CITY: AreaLevel.COUNTY, AreaLevel.COUNTY: AreaLevel.TOWNSHIP, AreaLevel.TOWNSHIP: AreaLevel.GRID}


def parse_area(session: Session, value: Any) -> tuple[Area, str | None]:
    """The area asked for, within the account's scope; the scope itself with a message naming the field when it is
    not a valid area code, lies outside the scope, or names no area of the city."""
    try:
        asked = area_of_code(value) if isinstance(value, str) and value else None
        area = scoped(asked)
        area_tree.area_name(session, area)  # raises LookupError for a well-formed code of no area
        return area, None
    except OutOfScope:  # the errors' messages are for logs: the page says it in the reader's language
        return current_scope(), refusal_text(area_of_code(value), current_scope())
    except ValueError:
        return current_scope(), t("error.area", value=t("area.not_a_code", code=str(value)[:40]))
    except LookupError:
        return current_scope(), t("error.area", value=t("area.unknown", code=str(value)[:40]))


def area_options(session: Session, shown: Area, lang: Language) -> list[dict[str, str]]:
    """The account's area, the areas one level inside it (a grid scope: just itself) and the area shown if it lies
    deeper, named in `lang`. The account's area is the value "" when it is the city."""
    scope = current_scope()
    options = [{"label": area_tree.area_name(session, scope, lang=lang), "value": scope.code or ""}]
    children = area_tree.children(session, scope)
    label = "name" if lang == "zh-CN" else "name_en"
    options += [
        {"label": str(name), "value": str(code)} for code, name in zip(children["code"], children[label], strict=True)
    ]
    if shown.code is not None and shown.code not in {option["value"] for option in options}:
        options.append({"label": area_tree.area_name(session, shown, lang=lang), "value": shown.code})
    return options


def child_level(area: Area) -> AreaLevel:
    return CHILD.get(area.level, AreaLevel.GRID)


def join_messages(*messages: str | None) -> str:
    return " · ".join(message for message in messages if message)


def filter_row(
    period: Period,
    today: date,
    lang: Language,
    asked: tuple[Any, Any],
    areas: list[dict[str, str]],
    *problems: str | None,
) -> tuple[list[dict[str, str]], list[dict[str, str]], str]:
    """What the filter row shows after the callback: the months and the areas offered, and the messages. Each
    dropdown keeps the value the address asked for (`asked`: month, area) even when it was refused: a dropdown
    drops a value its options lack, and the callback, run again without it, would lose the message naming it."""
    month, area = (value if isinstance(value, str) and value else None for value in asked)
    return with_value(month_options(period, today, lang), month), with_value(areas, area), join_messages(*problems)
