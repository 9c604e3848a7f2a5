"""The wall's chart figures, pure: what each draws from the counts it is given."""

from __future__ import annotations

import pandas as pd

from dashboard.figures import wall


def test_the_hourly_chart_draws_today_over_yesterday_and_last_week():
    frame = pd.DataFrame(
        [("today", hour, hour) for hour in range(3)]
        + [("yesterday", hour, 2) for hour in range(24)]
        + [("last_week", hour, 1) for hour in range(24)],
        columns=["day", "hour", "reports"],
    )
    fig = wall.hourly(frame, lang="zh-CN")
    assert [trace.name for trace in fig.data] == ["上周同日", "昨日", "今日"]  # today drawn last, on top
    assert list(fig.data[2].y) == [0, 1, 2] and sum(fig.data[1].y) == 48
    assert fig.layout.font.size >= 16 and fig.layout.xaxis.tickfont.size >= 16


def test_the_kinds_chart_names_incident_kinds_and_hazard_categories_most_on_top():
    frame = pd.DataFrame(
        [("incident", "dispute", 5), ("hazard", "fire", 7), ("incident", "criminal", 1)],
        columns=["family", "code", "reports"],
    )
    fig = wall.kinds(frame, lang="zh-CN")
    assert list(fig.data[0].y) == ["刑事案件", "矛盾纠纷", "消防隐患"]  # the last bar is drawn on top
    assert list(fig.data[0].text) == ["1", "5", "7"]


def test_the_area_ranking_lists_the_areas_by_reports_beside_their_coverage():
    frame = pd.DataFrame(
        {
            "name": ["路桥区", "温岭市", "椒江区"],
            "name_en": ["Luqiao", "Wenling", "Jiaojiang"],
            "reports": [4, 9, 4],
            "coverage": [66.7, 100.0, 0.0],
        }
    )
    fig = wall.area_ranking(frame, lang="zh-CN")
    reports, coverage = fig.data
    assert list(reports.y) == ["路桥区", "椒江区", "温岭市"]  # most on top; a tie by name
    assert list(reports.x) == [4, 4, 9] and list(coverage.text) == ["67%", "0%", "100%"]
    assert [annotation.text for annotation in fig.layout.annotations] == ["今日上报", "巡查覆盖"]
