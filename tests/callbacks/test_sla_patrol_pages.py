"""The /sla and /patrols callbacks (and /monthly's area list), called as functions inside a logged-in request: their
figures equal an independent computation over the raw rows, and an area outside the account's is named and not shown."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pytest

from dashboard.callbacks.patrols import update_patrols_page
from dashboard.callbacks.sla import update_sla_page
from dashboard.data.vocab import Role
from tests.callbacks.test_drill_pages import signed_in
from tests.data import test_patrol_compliance as patrol_data
from tests.data import test_sla as sla_data


def bar_texts(figure) -> dict[str, str]:  # type: ignore[no-untyped-def]
    (trace,) = figure.data
    return dict(zip(trace.y, trace.text, strict=True))


def expected_text(flags: list[bool]) -> str:
    return f"{sum(flags) / len(flags) * 100:.1f}% ({sum(flags)}/{len(flags)})"


@pytest.fixture
def sla_rows() -> list[tuple]:  # type: ignore[type-arg]
    sla_data.add_records(seed=21)
    return [row for row in sla_data.closed_rows() if (row[3] + sla_data.SHANGHAI).month == 4]


def test_the_sla_page_shows_on_time_rates_by_county_and_department(dash_app, sla_rows):
    with signed_in(dash_app):
        _months, areas, message, by_area, by_department, by_month, overdue = update_sla_page("2026-04", None, "all")
    by_county: dict[str, list[bool]] = defaultdict(list)
    by_dept: dict[str, list[bool]] = defaultdict(list)
    for county, _township, department, _closed, on_time in sla_rows:
        by_county[{"331004": "路桥区", "331081": "温岭市"}[county]].append(on_time)
        by_dept[{"public_security": "公安", "fire_rescue": "消防", None: "未分派"}[department]].append(on_time)
    assert message == "" and [a["value"] for a in areas] == ["", "331004", "331081"]
    assert bar_texts(by_area) == {name: expected_text(flags) for name, flags in by_county.items()}
    assert bar_texts(by_department) == {name: expected_text(flags) for name, flags in by_dept.items()}
    assert "2026-04" in list(by_month.data[0].x)
    assert overdue[0].children == "逾期未办结"


def test_a_county_leader_asking_for_another_county_is_told_and_sees_its_own(dash_app, sla_rows):
    with signed_in(dash_app, Role.COUNTY_LEADER, "331004"):
        _months, areas, message, by_area, *_ = update_sla_page("2026-04", "331081", "all")
        _months, _areas, bad_month, *_ = update_sla_page("April", None, "all")
    assert "331081" in message and next(a["value"] for a in areas) == "331004"
    assert set(bar_texts(by_area)) <= {"镇001", "镇002"}  # Luqiao's townships only
    assert "April" in bad_month and "月份" in bad_month


def test_the_patrols_page_shows_compliance_by_area_exceptions_and_worker_days(dash_app):
    patrol_data.add_workers_and_patrols(seed=17)
    expected = full_month_days()
    with signed_in(dash_app):
        (_m, _a, message, by_area, coverage, by_month, exceptions, _suspicious, days) = update_patrols_page(
            "2026-03", None, 3
        )
        township = update_patrols_page("2026-03", "331004001", 3)
    county_of = {f"W{n}": {"331004": "路桥区", "331081": "温岭市"}[g[:6]] for n, g in enumerate(patrol_data.GRIDS, 1)}
    flags: dict[str, list[bool]] = defaultdict(list)
    for (worker, _day), ok in expected.items():
        flags[county_of[worker]].append(ok)
    assert message == ""
    assert bar_texts(by_area) == {name: expected_text(f) for name, f in flags.items()}
    assert len(coverage.data[0].x) == 4  # every grid of the tiny city is on the coverage map
    assert {trace.name for trace in by_month.data} == set(flags)  # one line per county
    short: dict[str, int] = defaultdict(int)
    for (worker, _day), ok in expected.items():
        short[worker] += not ok
    listed = {row.children[0].children: row.children[3].children for row in exceptions[1].children.children[1].children}
    assert listed == {worker: days for worker, days in short.items() if days >= 3}
    assert "乡镇" in str(days[1].children.children[1].children[0].children)  # the city: pick a township
    table = township[-1][1].children
    assert len(table.children[1].children) == sum(1 for (w, _d) in expected if w in {"W1", "W2"})


def full_month_days() -> dict[tuple[str, date], bool]:
    """Compliance per (worker, day) over all of March, in plain Python over the rows."""
    from sqlalchemy import select

    from dashboard.data.db import session_scope
    from dashboard.data.models import GridWorker, PatrolLog

    with session_scope() as session:
        workers = {w.id: (w.code, w.hire_date) for w in session.scalars(select(GridWorker))}
        patrols = session.execute(select(PatrolLog.worker_id, PatrolLog.started_at, PatrolLog.ended_at)).all()
    long: dict[tuple[int, date], int] = defaultdict(int)
    for worker_id, started, ended in patrols:
        if ended is not None and ended - started >= timedelta(hours=2):
            long[(worker_id, (started + timedelta(hours=8)).date())] += 1
    days = [date(2026, 3, 1) + timedelta(days=n) for n in range(31)]
    return {
        (code, day): long[(worker_id, day)] >= 2
        for worker_id, (code, hired) in workers.items()
        for day in days
        if day >= hired
    }


@pytest.mark.parametrize("asked", ["331081002", "331081-002-0001", "nonsense"])
def test_an_area_of_no_place_is_named_and_the_accounts_own_is_shown(dash_app, asked):
    patrol_data.add_workers_and_patrols(seed=2)
    with signed_in(dash_app):
        sla_message = update_sla_page("2026-03", asked, "all")[2]
        patrols_message = update_patrols_page("2026-03", asked, 3)[2]
    assert sla_message.startswith("区域") and patrols_message.startswith("区域")


@pytest.mark.parametrize("page", [update_sla_page, update_patrols_page], ids=["sla", "patrols"])
def test_a_refused_month_or_area_stays_in_its_dropdown_so_its_message_stays(dash_app, page):
    """A dropdown drops a value its options lack, and the callback, run again without it, would show the default
    view with no message: the refused values stay offered (as asked), the page shows the defaults and names both."""
    with signed_in(dash_app):
        months, areas, message, *_ = page("2026-13", "nonsense", "all" if page is update_sla_page else 3)
    assert "2026-13" in [option["value"] for option in months]
    assert "nonsense" in [option["value"] for option in areas]
    assert "month" in message and "nonsense" in message


def test_a_refused_area_stays_offered_on_the_monthly_page_too(dash_app):
    from dashboard.callbacks.monthly_report import list_monthly_areas

    with signed_in(dash_app):
        areas = list_monthly_areas({"month": "2026-03", "area": "nonsense", "errors": []})
    assert "nonsense" in [option["value"] for option in areas]
