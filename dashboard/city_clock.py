"""The city's clock in words, as a 口径 names it: a 口径 that counts by a time of day says on which clock (北京时间
for a city on China's zone, as the seeded Taizhou; an imported city's own zone by name, e.g. 当地时间 Asia/Bangkok).
The zone is the one stored with the city (dashboard/data/city_zone.py)."""

from __future__ import annotations

from dashboard.config import Language
from dashboard.data.city_zone import city_zone
from dashboard.i18n import t

CHINA = frozenset({"Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "PRC"})  # UTC+8 all year


def clock_name(lang: Language | None = None) -> str:
    zone = city_zone()
    return t("clock.china", lang) if zone in CHINA else t("clock.local", lang, zone=zone)


def definition_sentence(key: str, lang: Language | None = None, **values: object) -> str:
    """The 口径 sentence `definition.<key>`, its times on the city's clock; `values` fill its other blanks."""
    return t(f"definition.{key}", lang, clock=clock_name(lang), **values)
