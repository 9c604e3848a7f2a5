"""How numbers, changes and periods read on screen. Pure functions: values in, text out."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from dashboard.config import Language
from dashboard.data.periods import Period
from dashboard.i18n import MONTH_NAMES, t

MINUS = "\u2212"  # a real minus sign, as printed in reports: −37.34%


class Trend(StrEnum):
    """How a change should be read: good news, bad news, or no change."""

    GOOD = "good"
    BAD = "bad"
    FLAT = "flat"
    NONE = "none"


def format_count(value: int) -> str:
    return f"{value:,}"


def format_rate(value: float | None, lang: Language) -> str:
    return t("value.none", lang) if value is None else f"{value:.2f}%"


def signed(value: float, decimals: int) -> str:
    text = f"{abs(value):.{decimals}f}"
    if float(text) == 0:
        return text
    return f"+{text}" if value > 0 else f"{MINUS}{text}"


def format_percent_change(value: float | None, lang: Language, decimals: int = 2) -> str:
    """A count's change: +4.10% or −37.34%."""
    return t("change.none", lang) if value is None else f"{signed(value, decimals)}%"


def format_point_change(value: float | None, lang: Language, decimals: int = 2) -> str:
    """A rate's change in percentage points: +4.76个百分点 / +4.76 pts."""
    return t("change.none", lang) if value is None else f"{signed(value, decimals)}{t('unit.points', lang)}"


def trend(change: float | None, *, lower_is_better: bool, decimals: int = 2) -> Trend:
    """Whether a change is good news: for crime counts a fall is good, for a solve rate a rise is."""
    if change is None:
        return Trend.NONE
    if round(change, decimals) == 0:
        return Trend.FLAT
    return Trend.GOOD if (change < 0) == lower_is_better else Trend.BAD


def local_time(moment: datetime, zone: str) -> str:
    """A stored (naive UTC) moment on the city's clock, to the second."""
    return f"{moment.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M:%S}"


def format_day(day: date, lang: Language) -> str:
    return (
        f"{day.year}年{day.month}月{day.day}日"
        if lang == "zh-CN"
        else f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"
    )


def period_label(period: Period, lang: Language) -> str:
    """'2026年1月1日至11月25日', '2026年10月', '2025年全年', or a plain span."""
    start, last = period.start, period.last_day
    if period.whole_months == 1:
        return t(
            "period.month",
            lang,
            year=start.year,
            month=start.month,
            month_name=MONTH_NAMES[start.month - 1],
        )
    if period.whole_months == 12 and start.month == 1:
        return t("period.year", lang, year=start.year)
    if (start.month, start.day) == (1, 1) and last.year == start.year:
        return t(
            "period.year_to_date",
            lang,
            year=start.year,
            month=last.month,
            day=last.day,
            month_name=MONTH_NAMES[last.month - 1],
        )
    return t("period.span", lang, start=format_day(start, lang), end=format_day(last, lang))


EARLY_YEAR_DAYS = 60  # before day 60 of a year, year-to-date holds too few cases for two-decimal figures


def headline_period(today: date) -> tuple[Period, bool]:
    """The period the headline figures cover: year to date, or, in the first 60 days of a year, the last full
    year (then compared with the year before). The flag says the fallback is in use, so the page can say so."""
    if today - date(today.year, 1, 1) < timedelta(days=EARLY_YEAR_DAYS):
        return Period.year(today.year - 1), True
    return Period.year_to_date(today), False
