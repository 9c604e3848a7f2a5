"""The month and area in the address of /monthly, /sla and /patrols: `?month=2026-10&area=331004`, and back (on
/monthly also `within=30|90`: its solve rates as the N-day rate, cases solved within N days of filing).

`month` is a calendar month written YYYY-MM, from 2000 and no later than the current one (default: the last full
month); `area` is a county, township or grid code as on the drill-down pages (dashboard/filter_url.py; default: the
account's own area). `parse_month` is the one rule for a month. `month_or_default` and `parse_month_query` never
raise: a bad value is named in a message and that field takes its default, as the page shows it.
`month_query_or_error` is the strict form for the exports: a bad value raises ValueError naming it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from dashboard.access.scope import area_of_code
from dashboard.config import Language
from dashboard.data.periods import CITY, Area, Period
from dashboard.data.queries import parse_solve_window
from dashboard.filter_url import SHOWN_CHARACTERS, FieldError, Param
from dashboard.i18n import t

MONTH = re.compile(r"(\d{4})-(\d{2})", re.ASCII)
FIRST_YEAR = 2000


def default_month(today: date) -> Period:
    return Period.last_full_month(today)


def month_param(month: Period) -> str:
    return f"{month.start:%Y-%m}"


def parse_month(raw: str, today: date) -> Period:
    """The month `raw` names (ValueError naming `month` for anything but YYYY-MM up to this month)."""
    matched = MONTH.fullmatch(raw.strip())
    if matched is not None:
        year, number = int(matched[1]), int(matched[2])
        if 1 <= number <= 12 and year >= FIRST_YEAR and (year, number) <= (today.year, today.month):
            return Period.month(year, number)
    raise ValueError(f"month: {raw[:SHOWN_CHARACTERS]!r} is not a month written YYYY-MM, no later than {today:%Y-%m}")


def month_or_default(raw: object, today: date, lang: Language | None = None) -> tuple[Period, str | None]:
    """The month `raw` names, or the default month and a message naming the field (nothing asked: no message)."""
    if raw is None or raw == "":
        return default_month(today), None
    written = raw if isinstance(raw, str) else str(raw)
    try:
        return parse_month(written, today), None
    except ValueError:
        shown = written if len(written) <= SHOWN_CHARACTERS else written[:SHOWN_CHARACTERS] + "…"
        return default_month(today), t("month.bad", lang, value=shown, example=month_param(default_month(today)))


@dataclass(frozen=True)
class MonthQuery:
    month: Period
    area: Area  # as asked: the caller intersects it with the account's scope
    errors: list[str] = field(default_factory=list)  # messages, in the language asked for
    within: int | None = None  # the N-day solve rate's N; None: solved by now

    def to_query(self) -> dict[str, str]:
        query = {"month": month_param(self.month)}
        if self.area.code is not None:
            query["area"] = self.area.code
        if self.within is not None:
            query["within"] = str(self.within)
        return query


def _single(value: str | list[str] | None) -> str | None:
    if isinstance(value, list):
        return ",".join(value)  # repeated: not one month, so it fails the format and is named
    return value


def parse_month_query(query: Mapping[str, str | list[str]], today: date, lang: Language | None = None) -> MonthQuery:
    """The month and area a query asks for, and what was wrong with it (bad fields take their defaults)."""
    month, month_error = month_or_default(_single(query.get("month")), today, lang)
    errors = [month_error] if month_error else []
    area = CITY
    raw_area = _single(query.get("area"))
    if raw_area:
        try:
            area = area_of_code(raw_area)
        except ValueError:
            errors.append(FieldError(Param.AREA, raw_area, "area").message(lang))
    raw_within = _single(query.get("within"))
    try:
        within = parse_solve_window(raw_within)
    except ValueError:
        within = None
        errors.append(FieldError(Param.WITHIN, str(raw_within), "within").message(lang))
    return MonthQuery(month, area, errors, within)


def month_query_or_error(query: Mapping[str, str], today: date) -> MonthQuery:
    """The strict form (exports): ValueError naming the field for a bad month, area or N-day window."""
    raw_month = query.get("month") or ""
    month = parse_month(raw_month, today) if raw_month else default_month(today)
    area = area_of_code(query.get("area") or None)
    return MonthQuery(month, area, within=parse_solve_window(query.get("within")))
