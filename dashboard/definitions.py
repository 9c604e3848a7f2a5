"""口径: what each chart and table counts, on screen and in its exports, from one table.

A chart or table is named as it exports ("trends.series", "monthly.county_ranking"; the /sla and /patrols charts,
which do not export, by "sla.*" and "patrols.*"). `DEFINITIONS` lists, per name, the sentences of its 口径 (i18n keys
under `definition.`); `definition()` joins them in the language asked. The page prints it under the chart or table
(dashboard/components/filter_bar.py `footnote`), and every export carries it in its footer (the catalog fills
`ExportContent.definition` from here; dashboard/exports/). The solve rate's sentence follows the N-day choice
(`within`), and every compared figure carries the comparison rule (`definition.comparison`): a count against the
same calendar span last year (同比) or the span just before (环比), a rate's baseline solved by the same lag.
"""

from __future__ import annotations

from collections.abc import Mapping

from dashboard.city_clock import definition_sentence
from dashboard.config import Language, get_settings
from dashboard.i18n import t
from dashboard.kpis import Headline, figure_definition

SOLVE_RATE = "solve_rate"  # the headline solve rate's sentence: by now (like for like), or the N-day rate
HEADLINE = ("criminal_filed", SOLVE_RATE, "rental_cases", "comparison")
RECORDS = ("records",)

DEFINITIONS: Mapping[str, tuple[str, ...]] = {
    # 案件趋势 /trends
    "trends.series": ("incidents_reported", "comparison", "incomplete"),
    "trends.subtypes": ("incidents_reported", "comparison"),
    "trends.areas": ("incidents_reported", "area_ranking"),
    "trends.heatmap": ("hour_weekday",),
    "trends.records": RECORDS,
    # 破案率 /solve-rates
    "solve.areas": ("criminal_filed", SOLVE_RATE, "area_ranking"),
    "solve.subtypes": ("criminal_filed", SOLVE_RATE),
    "solve.days": ("time_to_solve",),
    "solve.months": ("criminal_filed", SOLVE_RATE, "incomplete"),
    "solve.records": RECORDS,
    # 出租房 /rental-housing
    "rental.summary": ("rental_cases", "rental_share", "comparison"),
    "rental.areas": ("rental_cases", "rental_share", "area_ranking", "comparison"),
    "rental.grids": ("rental_cases", "rental_share", "comparison"),
    "rental.records": ("rental_cases", "records"),
    "rental.houses": ("rental_houses",),
    # 网格 /grid: its record tables
    **{f"grid.{kind}": RECORDS for kind in ("incidents", "hazards", "patrols", "rental_houses", "key_persons")},
    # 月度通报 /monthly
    "monthly.headline": (*HEADLINE, "reported"),
    "monthly.county_ranking": (*HEADLINE[:3], "area_ranking", "comparison"),
    "monthly.rising_grids": ("rising_grids",),
    "monthly.hazards_by_department": ("hazards_by_department",),
    "monthly.patrol_compliance": ("patrol_compliance",),
    "monthly.summary": (*HEADLINE, "hazards_by_department", "patrol_compliance"),
    # 按期结案 /sla and 巡查合规 /patrols (on screen only)
    "sla.rates": ("on_time", "incomplete"),
    "sla.overdue": ("overdue",),
    "sla.loop": ("handling_times",),
    "patrols.rates": ("patrol_compliance", "incomplete"),
    "patrols.tables": ("patrol_compliance", "patrol_checks"),
    # the density map and its replay, on every drill-down page
    "map.density": ("density",),
    # 指挥大屏 /: the charts around the map (on screen only)
    "wall.hourly": ("reports_hourly",),
    "wall.kinds": ("reports_kinds",),
    "wall.areas": ("reports_areas",),
}


def definition(name: str, lang: Language | None = None, *, within: int | None = None) -> str:
    """The 口径 of the chart or table `name` (KeyError naming it when none is written: every one must have one);
    its solve rate as the `within`-day rate when given. One '口径：' label leads; the sentences follow it."""
    try:
        keys = DEFINITIONS[name]
    except KeyError:
        raise KeyError(f"definition: no 口径 is written for {name!r}") from None
    lang = lang or get_settings().language
    sentences = [
        figure_definition(Headline.SOLVE_RATE, lang, within=within)
        if key == SOLVE_RATE
        else definition_sentence(key, lang)
        for key in keys
    ]
    label = t("definition.label", lang)
    bare = [sentence.removeprefix(label) for sentence in sentences]
    if lang == "en":  # each sentence on its own starts as a sentence does
        bare = [sentence[:1].upper() + sentence[1:] for sentence in bare]
    return label + ("" if lang == "zh-CN" else " ").join(bare)
