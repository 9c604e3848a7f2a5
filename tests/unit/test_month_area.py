"""The month of /monthly, /sla and /patrols: one rule for what the address may ask (YYYY-MM, from 2000, no later than
this month), a bad one named and the default shown, and the months the picker offers."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard.components.dropdown import dropdown
from dashboard.components.month_area import MONTHS_OFFERED, month_options
from dashboard.components.monthly import ranking_table
from dashboard.data.periods import Period
from dashboard.monthly_url import month_or_default, parse_month

TODAY = date(2026, 11, 26)
LAST_MONTH = Period.month(2026, 10)  # the default


def test_a_month_up_to_this_one_is_read_and_nothing_asked_is_the_last_full_month():
    assert month_or_default("2026-11", TODAY) == (Period.month(2026, 11), None)
    assert month_or_default("2000-01", TODAY) == (Period.month(2000, 1), None)
    assert month_or_default(None, TODAY) == month_or_default("", TODAY) == (LAST_MONTH, None)


@pytest.mark.parametrize("raw", ["April", "2026-4", "2025-13", "1999-12", "2026-12", "2100-01", " 2026-10x"])
def test_a_bad_or_later_month_is_named_with_its_field_and_the_default_shown(raw):
    month, message = month_or_default(raw, TODAY, "zh-CN")
    assert month == LAST_MONTH and message is not None
    assert f"month（统计月份）的值“{raw}”无效" in message and "2026-10" in message  # the field, the value, an example
    assert month_or_default(raw, TODAY, "en")[1] == (
        f"month: “{raw}” is not a month written YYYY-MM, no later than this month (e.g. 2026-10)."
    )
    with pytest.raises(ValueError, match=r"^month: "):  # the strict form, for the exports' 400
        parse_month(raw, TODAY)


def test_a_long_or_odd_value_is_shown_shortened_or_as_text():
    assert "“" + "9" * 40 + "…”" in str(month_or_default("9" * 100, TODAY, "zh-CN")[1])
    assert "“['2026-10', '2026-09']”" in str(month_or_default(["2026-10", "2026-09"], TODAY, "zh-CN")[1])


def test_the_picker_offers_this_month_and_those_before_it_labelled_in_the_ui_language():
    options = month_options(LAST_MONTH, TODAY, "zh-CN")
    assert len(options) == MONTHS_OFFERED
    assert options[0] == {"label": "2026年11月", "value": "2026-11"}
    assert options[1] == {"label": "2026年10月", "value": "2026-10"}
    assert options[-1]["value"] == f"{2026 - MONTHS_OFFERED // 12}-12"
    assert month_options(LAST_MONTH, TODAY, "en")[0] == {"label": "November 2026", "value": "2026-11"}


def test_the_picker_holds_the_month_shown_even_if_older():
    options = month_options(Period.month(2001, 2), TODAY, "zh-CN")
    assert len(options) == MONTHS_OFFERED + 1
    assert options[-1] == {"label": "2001年2月", "value": "2001-02"}


def test_the_dropdowns_speak_the_ui_language():
    labels = dropdown(id="x", options=[]).labels
    assert labels["search"] == "搜索" and labels["no_options_found"] == "没有匹配的选项"


def test_the_ranking_says_each_unit_once_in_its_heading_and_marks_each_change():
    row = {"rank": 1, "code": "331004", "name": "路桥区", "name_en": "Luqiao", "filed": 27, "per_10k": 2.15,
           "baseline_filed": 48, "filed_change": -43.75, "small_base": False, "rate": 37.04, "rate_change": 5.8,
           "rental": 31, "rental_change": 0.0}  # fmt: skip
    table = ranking_table(pd.DataFrame([row]), "zh-CN")
    header, body = table.children
    heads = [cell.children for cell in header.children.children]
    cells = body.children[0].children

    def text(cell):
        parts = cell.children if isinstance(cell.children, list) else [cell.children]
        return "".join(str(getattr(part, "children", part) or "") for part in parts)

    shown = dict(zip(heads, (text(cell) for cell in cells), strict=True))
    assert shown["立案同比（%）"] == "▼−43.8" and shown["破案率（%）"] == "37.0"
    assert shown["破案率同比（百分点）"] == "▲+5.8" and shown["出租房案件同比（%）"] == "0.0"
    assert not any("%" in value or "百分点" in value for value in shown.values())
