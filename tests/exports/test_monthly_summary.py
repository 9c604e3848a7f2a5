"""The generated summary (the 通报's 总体情况) says what the tiles and tables say: the same figures, in words, in the
通报's one number style (percentages and points to one decimal), zh-CN and en."""

from __future__ import annotations

from dashboard.data.db import session_scope
from dashboard.data.periods import CITY
from dashboard.data.queries import headline_figures
from dashboard.exports.catalog import ExportRequest
from dashboard.exports.monthly_charts import HAZARDS, PATROLS, month_pack
from dashboard.kpis import Headline, change, small_base
from dashboard.monthly_summary import change_phrase
from tests.support.monthly_data import MONTH, add_month_city


def test_a_change_reads_as_direction_and_size():
    assert change_phrase(-37.3412, decimals=2, points=False, against="yoy", lang="zh-CN") == "同比下降 37.34%"
    assert change_phrase(4.76, decimals=2, points=True, against="yoy", lang="zh-CN") == "同比上升 4.76 个百分点"
    assert change_phrase(0.001, decimals=2, points=False, against="pop", lang="zh-CN") == "环比持平"
    assert change_phrase(None, decimals=2, points=False, against="yoy", lang="zh-CN") == "同比无可比数据"
    assert change_phrase(-20.8, decimals=1, points=False, against="yoy", lang="en") == "down 20.8% year over year"


def in_words(value: float | None, against: str, points: bool, flagged: bool) -> str:
    """A change as the summary words it, to one decimal: '同比下降 37.3%' (a small base flagged after it)."""
    flag = "（基数小）" if flagged else ""
    if value is None:
        return f"{against}无可比数据{flag}"
    size = f"{abs(value):.1f}"
    if float(size) == 0:
        return f"{against}持平{flag}"
    word = "上升" if value > 0 else "下降"
    return f"{against}{word} {size}{' 个百分点' if points else '%'}{flag}"


def test_the_summary_uses_the_tiles_and_tables_numbers():
    add_month_city()
    month = month_pack(ExportRequest({"month": "2025-06"}, CITY, "zh-CN"))
    with session_scope() as session:
        figures = headline_figures(session, MONTH, area=CITY)  # what the KPI tiles count with
    summary = month.summary
    current = figures.current
    assert (
        f"刑事立案 {current.criminal_filed} 起" in summary and f"出租房内各类案件 {current.rental_cases} 起" in summary
    )
    assert f"破案率 {current.solve_rate:.1f}%" in summary
    for figure in Headline:
        points = figure is Headline.SOLVE_RATE
        for against, comparison in (("同比", figures.year_over_year), ("环比", figures.period_over_period)):
            words = in_words(change(figure, comparison), against, points, small_base(figure, comparison))
            assert words in summary, (figure, words)
    hazards = month.contents[HAZARDS].table
    found, rectified = int(hazards["发现隐患（处）"].sum()), int(hazards["已整改（处）"].sum())
    assert f"发现隐患 {found} 处，整改率 {100.0 * rectified / found:.1f}%" in summary
    assert f"逾期未整改 {int(hazards['逾期未整改（处）'].sum())} 处" in summary
    patrols = month.contents[PATROLS].table
    rate = 100.0 * int(patrols["达标人日"].sum()) / int(patrols["应巡查人日"].sum())
    assert f"网格员巡查达标率 {rate:.1f}%" in summary


def test_the_english_summary_reads_the_same_figures():
    add_month_city()
    month = month_pack(ExportRequest({"month": "2025-06"}, CITY, "en"))
    filed = month.report.headline.figures.current.criminal_filed
    assert month.summary.startswith(f"In June 2025, the city filed {filed} criminal cases")
    assert "year over year" in month.summary and "on the month before" in month.summary
