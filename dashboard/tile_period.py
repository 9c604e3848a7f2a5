"""The period the KPI tiles count: what a page's scope asks for, as `?period=` on / and /wall, turned into a span.

Scope names: `headline` (year to date, the last full year early in the year, or, when the data end before that, the
latest year that has data), `year` (this year to date), `month` (this month to date), `last_month`, `12m` (the
twelve whole months before this one), `YYYY` (a calendar year), `YYYY-MM` (a month), and 'YYYY-MM-DD/YYYY-MM-DD'
(end exclusive: a drill-down filter's span). Parsing never guesses: a value that is none of these is refused with a
message naming the parameter. `?within=30|90` makes the solve-rate tile the N-day rate (parse_tile_within).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from dashboard.config import Language
from dashboard.data.periods import Period, shift_months
from dashboard.data.queries import parse_solve_window
from dashboard.filter_url import FieldError, Param
from dashboard.formatting import headline_period
from dashboard.i18n import t

HEADLINE = "headline"
NAMED = ("headline", "year", "month", "last_month", "12m")
YEAR = re.compile(r"(19|20|21)\d\d", re.ASCII)
MONTH = re.compile(r"(19|20|21)\d\d-(0[1-9]|1[0-2])", re.ASCII)


@dataclass(frozen=True)
class TilePeriod:
    period: Period
    early: bool = False  # the early-year fallback: the last full year
    follows_data: bool = False  # the data end before the headline period: the latest year that has any


def parse_tile_period(raw: str | None) -> tuple[str, str | None]:
    """The scope name for `?period=` (the headline period when absent), and a message when the value is refused."""
    value = (raw or "").strip()
    if not value:
        return HEADLINE, None
    if value in NAMED or YEAR.fullmatch(value) or MONTH.fullmatch(value):
        return value, None
    return HEADLINE, t("tiles.period_bad", value=value[:40])


def parse_tile_within(raw: str | None) -> tuple[int | None, str | None]:
    """The N-day solve rate `?within=` asks the tiles for (None: solved by now), and a message when it is refused."""
    try:
        return parse_solve_window(raw), None
    except ValueError:
        return None, FieldError(Param.WITHIN, str(raw).strip(), "within").message()


def resolve_tile_period(name: str, today: date) -> TilePeriod:
    """The span a scope name means on `today` (ValueError for one that is not a name, year, month or span)."""
    first_of_month = today.replace(day=1)
    if name == HEADLINE:
        period, early = headline_period(today)
        return TilePeriod(period, early)
    if name == "year":
        return TilePeriod(Period.year_to_date(today))
    if name == "month":
        return TilePeriod(Period(first_of_month, today + timedelta(days=1)))
    if name == "last_month":
        return TilePeriod(Period.last_full_month(today))
    if name == "12m":
        return TilePeriod(Period(shift_months(first_of_month, -12), first_of_month))
    if YEAR.fullmatch(name):
        return TilePeriod(Period.year(int(name)))
    if MONTH.fullmatch(name):
        return TilePeriod(Period.month(int(name[:4]), int(name[5:])))
    if "/" in name:
        start, end = (date.fromisoformat(part) for part in name.split("/", 1))
        return TilePeriod(Period(start, end))
    raise ValueError(f"period: {name!r} is not a period the tiles count")


def following_data(chosen: TilePeriod, latest: date | None) -> TilePeriod:
    """The headline period, or the latest calendar year with data when the data end before it (a city whose
    records stop in an earlier year would otherwise show zeros and dashes on every tile)."""
    if latest is None or latest >= chosen.period.start:
        return chosen
    return TilePeriod(Period.year(latest.year), follows_data=True)


def tile_period_label(chosen: TilePeriod, label: str, lang: Language) -> str:
    """The period as the tiles name it, with why it is not the usual one."""
    if chosen.follows_data:
        return f"{label}（{t('period.latest_data_note', lang)}）"
    if chosen.early:
        return f"{label}（{t('period.early_year_note', lang)}）"
    return label
