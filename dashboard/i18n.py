"""Every string a user sees, in one table: zh-CN (the default) and en. IDs, code names and logs stay English."""

from __future__ import annotations

from dashboard.config import Language, get_settings

LANGUAGES: tuple[Language, ...] = ("zh-CN", "en")

TEXT: dict[str, dict[Language, str]] = {
    "app.title": {"zh-CN": "台州市网格化管理指挥中心", "en": "Taizhou Grid Management Command Center"},
    "app.city": {"zh-CN": "台州市", "en": "Taizhou"},
    # pages
    "page.command_wall": {"zh-CN": "指挥大屏", "en": "Command wall"},
    "page.case_trends": {"zh-CN": "案件趋势", "en": "Case trends"},
    "page.solve_rates": {"zh-CN": "破案率", "en": "Solve rates"},
    "page.rental_housing": {"zh-CN": "出租房", "en": "Rental housing"},
    "page.grid": {"zh-CN": "网格", "en": "Grid"},
    "page.monthly_report": {"zh-CN": "月度通报", "en": "Monthly report"},
    "page.not_found": {"zh-CN": "页面不存在", "en": "Page not found"},
    "about.command_wall": {
        "zh-CN": "全市网格实时态势：案事件、隐患、巡查与核心指标。",
        "en": "The live state of the city's grids: incidents, hazards, patrols and the headline figures.",
    },
    "about.case_trends": {
        "zh-CN": "刑事立案及各类案事件的变化趋势，与去年同期和上一周期对比。",
        "en": "How criminal cases and other incidents change, against last year and the period before.",
    },
    "about.solve_rates": {
        "zh-CN": "刑事案件破案率及其变化（百分点），按区县、乡镇和案件类型。",
        "en": "The solve rate of criminal cases and its change in points, by county, township and subtype.",
    },
    "about.rental_housing": {
        "zh-CN": "出租房内各类案件的数量、占比与同比。",
        "en": "Cases inside rental housing: counts, share and year-over-year change.",
    },
    "about.grid": {
        "zh-CN": "单个网格的人口、网格员、案事件、隐患与巡查。",
        "en": "One grid: its population, worker, incidents, hazards and patrols.",
    },
    "about.monthly_report": {
        "zh-CN": "领导月度通报：本月与去年同月、上月的对比。",
        "en": "The leaders' monthly statistics: the month against the same month last year and the month before.",
    },
    "not_found.body": {
        "zh-CN": "没有这个页面，请从上方导航选择。",
        "en": "There is no such page; choose one from the navigation above.",
    },
    # headline figures
    "figure.criminal_filed": {"zh-CN": "刑事立案数", "en": "Criminal cases filed"},
    "figure.solve_rate": {"zh-CN": "破案率", "en": "Solve rate"},
    "figure.rental_cases": {"zh-CN": "出租房内案件", "en": "Cases in rental housing"},
    "definition.criminal_filed": {
        "zh-CN": "口径：立案时间在统计期内的刑事案件数（按台州时间）。",
        "en": "Definition: criminal cases whose filing time falls in the period (Taizhou time).",
    },
    "definition.solve_rate": {
        "zh-CN": "口径：统计期内立案的刑事案件中，截至统计时已破案的比例；变化以百分点计。",
        "en": "Definition: the share of criminal cases filed in the period that are solved by now; "
        "its change is in percentage points.",
    },
    "definition.rental_cases": {
        "zh-CN": "口径：发生地为出租房的各类案事件数，按上报时间计。",
        "en": "Definition: incidents of any kind whose place is rental housing, by time reported.",
    },
    "compare.year_over_year": {"zh-CN": "同比", "en": "YoY"},
    "compare.period_over_period": {"zh-CN": "环比", "en": "vs prev."},
    "unit.cases": {"zh-CN": "起", "en": ""},
    "unit.points": {"zh-CN": "个百分点", "en": " pts"},
    "value.none": {"zh-CN": "—", "en": "—"},
    "change.none": {"zh-CN": "无可比数据", "en": "no baseline"},
    "period.year_to_date": {"zh-CN": "{year}年1月1日至{month}月{day}日", "en": "1 Jan – {day} {month_name} {year}"},
    "period.year": {"zh-CN": "{year}年全年", "en": "the year {year}"},
    "period.month": {"zh-CN": "{year}年{month}月", "en": "{month_name} {year}"},
    "period.span": {"zh-CN": "{start} 至 {end}", "en": "{start} – {end}"},
    "period.early_year_note": {
        "zh-CN": "年初数据尚少，此处显示上一完整年度与前一年的对比。",
        "en": "Early in the year there are too few cases: showing the last full year against the year before.",
    },
    "area.city": {"zh-CN": "全市", "en": "Whole city"},
    # grid page
    "grid.none_chosen": {
        "zh-CN": "请在地址中指定网格编号，例如 /grid?code=331004-003-0123。",
        "en": "Name a grid code in the address, e.g. /grid?code=331004-003-0123.",
    },
    "grid.unknown": {"zh-CN": "未找到网格编号“{code}”。", "en": "No grid has the code “{code}”."},
    "grid.bad_code": {
        "zh-CN": "网格编号“{code}”格式不正确，应为“区县代码-乡镇序号-网格序号”，例如 331004-003-0123。",
        "en": "The grid code “{code}” is malformed; it reads county-township-grid, e.g. 331004-003-0123.",
    },
    # status
    "status.unavailable": {
        "zh-CN": "数据库暂不可用，稍后自动重试。",
        "en": "The database is unavailable; retrying automatically.",
    },
    # vocabulary: <family>.<code name>
    "kind.dispute": {"zh-CN": "矛盾纠纷", "en": "Disputes"},
    "kind.stability": {"zh-CN": "涉稳事件", "en": "Stability events"},
    "kind.safety_accident": {"zh-CN": "安全生产事故", "en": "Safety accidents"},
    "kind.criminal": {"zh-CN": "刑事案件", "en": "Criminal cases"},
    "category.fire": {"zh-CN": "消防", "en": "Fire"},
    "category.production_safety": {"zh-CN": "安全生产", "en": "Production safety"},
    "category.public_order": {"zh-CN": "治安", "en": "Public order"},
    "category.environment": {"zh-CN": "环境", "en": "Environment"},
    "category.food_safety": {"zh-CN": "食品安全", "en": "Food safety"},
}

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")  # fmt: skip


def current_language() -> Language:
    return get_settings().language


def t(key: str, lang: Language | None = None, **values: object) -> str:
    """The text for `key` in `lang` (default: the configured language). An unknown key raises KeyError."""
    text = TEXT[key][lang or current_language()]
    return text.format(**values) if values else text
