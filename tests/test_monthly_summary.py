"""The generated summary says what the tiles and tables say: the same figures, in words, zh-CN and en."""

from __future__ import annotations

from dashboard.data.db import session_scope
from dashboard.data.periods import CITY
from dashboard.data.queries import headline_figures
from dashboard.exports.catalog import ExportRequest
from dashboard.exports.monthly_charts import HAZARDS, PATROLS, month_pack
from dashboard.formatting import MINUS
from dashboard.kpis import Headline, tile_text
from dashboard.monthly_summary import change_phrase
from tests.monthly_data import MONTH, add_month_city


def test_a_change_reads_as_direction_and_size():
    assert change_phrase(-37.3412, decimals=2, points=False, against="yoy", lang="zh-CN") == "同比下降 37.34%"
    assert change_phrase(4.76, decimals=2, points=True, against="yoy", lang="zh-CN") == "同比上升 4.76 个百分点"
    assert change_phrase(0.001, decimals=2, points=False, against="pop", lang="zh-CN") == "环比持平"
    assert change_phrase(None, decimals=2, points=False, against="yoy", lang="zh-CN") == "同比无可比数据"
    assert change_phrase(-20.8, decimals=1, points=False, against="yoy", lang="en") == "down 20.8% year over year"


def in_words(tile_change: str, against: str, points: bool) -> str:
    """A tile's change ('−37.34%', '+4.76个百分点') as the summary words it: '同比下降 37.34%' (a small base flagged
    after it in both)."""
    if tile_change.endswith("（基数小）"):
        return in_words(tile_change.removesuffix("（基数小）"), against, points) + "（基数小）"
    if tile_change == "—" or tile_change[0] not in "+" + MINUS:
        return f"{against}持平" if tile_change.rstrip("%个百分点") in ("0.00", "0.0") else f"{against}无可比数据"
    size = tile_change[1:].replace("个百分点", "")
    word = "上升" if tile_change[0] == "+" else "下降"
    return f"{against}{word} {size}{' 个百分点' if points else ''}"


def test_the_summary_uses_the_tiles_and_tables_numbers():
    add_month_city()
    month = month_pack(ExportRequest({"month": "2025-06"}, CITY, "zh-CN"))
    with session_scope() as session:
        figures = headline_figures(session, MONTH, area=CITY)  # what the KPI tiles count with
    summary = month.summary
    for figure in Headline:
        text = tile_text(figure, figures, "zh-CN")
        value = text.value.replace("起", " 起") if figure is not Headline.SOLVE_RATE else text.value
        assert value in summary, (figure, value)
        points = figure is Headline.SOLVE_RATE
        assert in_words(text.year_over_year, "同比", points) in summary, (figure, text.year_over_year)
        assert in_words(text.period_over_period, "环比", points) in summary, (figure, text.period_over_period)
    hazards = month.contents[HAZARDS].table
    found, rectified = int(hazards["发现隐患（处）"].sum()), int(hazards["已整改（处）"].sum())
    assert f"发现隐患 {found} 处，整改率 {100.0 * rectified / found:.2f}%" in summary
    assert f"逾期未整改 {int(hazards['逾期未整改（处）'].sum())} 处" in summary
    patrols = month.contents[PATROLS].table
    rate = 100.0 * int(patrols["达标人日"].sum()) / int(patrols["应巡查人日"].sum())
    assert f"网格员巡查达标率 {rate:.2f}%" in summary


def test_the_english_summary_reads_the_same_figures():
    add_month_city()
    month = month_pack(ExportRequest({"month": "2025-06"}, CITY, "en"))
    filed = month.report.headline.figures.current.criminal_filed
    assert month.summary.startswith(f"In June 2025, the city filed {filed} criminal cases")
    assert "year over year" in month.summary and "on the month before" in month.summary
