"""The drill-down filter in the address: every view round-trips through its URL, and a bad value is named, never
raised."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.data.filters import Compare
from dashboard.data.periods import CITY, Area, Period
from dashboard.data.vocab import IncidentKind
from dashboard.filter_url import (
    FilterParams,
    Param,
    PeriodChoice,
    filter_store,
    parse_query,
    parse_search,
    read_filter_store,
)

TODAY = date(2026, 11, 26)


def test_the_default_view_has_an_empty_query_and_counts_this_year_to_date_against_last_year():
    parsed = parse_search("")
    assert parsed.params == FilterParams() and parsed.errors == []
    assert parsed.params.to_search() == ""
    drill = parsed.params.resolve(TODAY)
    assert drill.period == Period(date(2026, 1, 1), date(2026, 11, 27))
    assert drill.baseline == Period(date(2025, 1, 1), date(2025, 11, 27))
    assert drill.area == CITY and drill.kind is None


@pytest.mark.parametrize(
    "params",
    [
        FilterParams(PeriodChoice.MONTH, compare=Compare.PREVIOUS),
        FilterParams(PeriodChoice.LAST_12_MONTHS, area=Area.county("331004"), kind=IncidentKind.CRIMINAL),
        FilterParams(PeriodChoice.CUSTOM, date(2025, 3, 1), date(2025, 8, 31), area=Area.township("331004001")),
        FilterParams(area=Area.grid("331004-001-0002"), kind=IncidentKind.SAFETY_ACCIDENT),
    ],
)
def test_every_view_reopens_identically_from_its_address(params):
    search = params.to_search()
    assert parse_search(search) == parse_search(search.removeprefix("?"))
    assert parse_search(search).params == params and parse_search(search).errors == []
    assert FilterParams.from_dict(params.as_dict()) == params


def test_the_address_reads_as_the_issue_writes_it():
    params = FilterParams(PeriodChoice.CUSTOM, date(2026, 1, 1), date(2026, 6, 30), Compare.PREVIOUS,
                          Area.county("331004"), IncidentKind.CRIMINAL)  # fmt: skip
    assert params.to_search() == "?period=custom&from=2026-01-01&to=2026-06-30&compare=prev&area=331004&kind=criminal"
    assert params.link("/trends") == "/trends" + params.to_search()


def test_the_named_periods_on_a_given_day():
    assert FilterParams(PeriodChoice.MONTH).period_for(TODAY) == Period(date(2026, 11, 1), date(2026, 11, 27))
    assert FilterParams(PeriodChoice.LAST_12_MONTHS).period_for(TODAY) == Period(date(2025, 11, 1), date(2026, 11, 1))
    custom = FilterParams(PeriodChoice.CUSTOM, date(2025, 3, 1), date(2025, 8, 31))
    assert custom.period_for(TODAY) == Period(date(2025, 3, 1), date(2025, 9, 1))  # the last day is included
    assert custom.resolve(TODAY, area=Area.county("331081")).area == Area.county("331081")


def test_from_and_to_alone_mean_a_custom_period_and_stray_days_beside_a_named_one_are_ignored():
    assert parse_search("?from=2025-01-01&to=2025-01-31").params.period is PeriodChoice.CUSTOM
    parsed = parse_search("?period=month&from=2025-01-01")
    assert parsed.params == FilterParams(PeriodChoice.MONTH) and parsed.errors == []


@pytest.mark.parametrize(
    ("search", "param", "value", "reason"),
    [
        ("?period=decade", Param.PERIOD, "decade", "period"),
        ("?period=custom&from=2025-01-01", Param.TO, "", "missing"),
        ("?period=custom&from=2025-02-30&to=2025-03-01", Param.FROM, "2025-02-30", "date"),
        ("?from=20250101&to=2025-03-01", Param.FROM, "20250101", "date"),
        ("?from=2025-W01-1&to=2025-03-01", Param.FROM, "2025-W01-1", "date"),
        ("?from=1066-10-14&to=2025-03-01", Param.FROM, "1066-10-14", "date"),
        ("?from=2025-03-01&to=2025-01-01", Param.TO, "2025-01-01", "order"),
        ("?from=2001-01-01&to=2025-01-01", Param.TO, "2025-01-01", "span"),
        ("?compare=mom", Param.COMPARE, "mom", "compare"),
        ("?area=33100", Param.AREA, "33100", "area"),
        ("?area=331004001%20OR%201=1", Param.AREA, "331004001 OR 1=1", "area"),
        ("?area=<script>alert(1)</script>", Param.AREA, "<script>alert(1)</script>", "area"),
        ("?kind=arson", Param.KIND, "arson", "kind"),
        ("?kind=criminal&kind=dispute", Param.KIND, "criminal,dispute", "repeated"),
        ("?area=%00%FF", Param.AREA, "\x00\ufffd", "area"),
    ],
)
def test_a_bad_value_is_named_with_its_field_and_the_rest_of_the_view_stays(search, param, value, reason):
    parsed = parse_search(search + "&compare=prev" if "compare" not in search else search + "&kind=dispute")
    assert [(error.param, error.value, error.reason) for error in parsed.errors] == [(param, value, reason)]
    message = parsed.messages("zh-CN")[0]
    assert f"地址参数 {param.value}" in message and "已按默认值显示" in message
    assert param.value in parsed.messages("en")[0]
    defaults = FilterParams()
    if param in (Param.PERIOD, Param.FROM, Param.TO):
        assert parsed.params.period == defaults.period and parsed.params.start is None
        assert parsed.params.compare is Compare.PREVIOUS  # the good parameter beside it still counts
    elif param is Param.AREA:
        assert parsed.params.area == CITY


def test_a_huge_value_is_shortened_in_the_message():
    parsed = parse_query({"area": "9" * 10_000})
    message = parsed.messages("en")[0]
    assert len(message) < 300 and "…" in message


def test_unknown_parameters_are_left_alone():
    assert parse_query({"utm_source": "mail", "code": "x"}) == parse_query({})


def test_the_filter_store_reads_back_what_was_written():
    params = FilterParams(PeriodChoice.CUSTOM, date(2025, 3, 1), date(2025, 8, 31), Compare.PREVIOUS,
                          Area.township("331004001"), IncidentKind.CRIMINAL)  # fmt: skip
    drill = params.resolve(TODAY)
    stored = read_filter_store(filter_store(drill, params, "/trends"))
    assert stored.drill == drill and stored.params == params and stored.path == "/trends"
    assert stored.link(Area.county("331004")) == "/trends?period=custom&from=2025-03-01&to=2025-08-31&compare=prev" \
        "&area=331004&kind=criminal"  # fmt: skip
