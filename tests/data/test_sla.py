"""SLA: the on-time closure rate (按期结案率) and the overdue list, against plain Python over the stored rows."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import select

from dashboard.data import sla
from dashboard.data.db import session_scope
from dashboard.data.models import Department, Hazard, Incident
from dashboard.data.periods import CITY, Area, Period
from tests.support.factories import GRIDS, TOWNSHIPS, add_city, hazard, incident

PERIOD = Period(date(2026, 3, 1), date(2026, 5, 1))
NOW = datetime(2026, 5, 10, 4)
SHANGHAI = timedelta(hours=8)


def add_records(seed: int = 5) -> None:
    rng = random.Random(seed)
    with session_scope() as session:
        add_city(session)
        session.add_all(
            [
                Department(id=1, code="public_security", name="公安", name_en="Public security", platform="governance"),
                Department(id=2, code="fire_rescue", name="消防", name_en="Fire", platform="law_enforcement"),
            ]
        )
        session.flush()
        for n in range(120):
            grid = rng.choice(list(GRIDS))
            township = GRIDS[grid]
            at = datetime(2026, 2, 20) + timedelta(hours=rng.randint(0, 24 * 75))
            deadline = at + timedelta(days=rng.choice([1, 3, 7]))
            closed = at + timedelta(days=rng.choice([0.5, 2, 5, 9])) if rng.random() < 0.8 else None
            place = {"township_code": township, "county_code": TOWNSHIPS[township]}
            if n % 2:
                session.add(
                    incident(
                        at,
                        grid=grid,
                        kind="dispute",
                        deadline=deadline,
                        closed_at=closed,
                        department_id=rng.choice([1, 2, None]),
                    )
                )
            else:
                session.add(
                    hazard(
                        at,
                        deadline=deadline,
                        rectified_at=closed,
                        department_id=rng.choice([1, 2]),
                        grid_id=list(GRIDS).index(grid) + 1,
                        **place,
                    )
                )


def closed_rows() -> list[tuple[str, str, str | None, datetime, bool]]:
    """(county, township, department code, closed at, on time) of every record closed in the period."""
    start, end = datetime(2026, 3, 1) - SHANGHAI, datetime(2026, 5, 1) - SHANGHAI
    with session_scope() as session:
        codes = dict(session.execute(select(Department.id, Department.code)).all())
        rows = [
            (i.county_code, i.township_code, i.department_id, i.closed_at, i.deadline)
            for i in session.scalars(select(Incident))
        ]
        rows += [
            (h.county_code, h.township_code, h.department_id, h.rectified_at, h.deadline)
            for h in session.scalars(select(Hazard))
        ]
    return [
        (county, township, codes.get(department), closed, closed <= deadline)
        for county, township, department, closed, deadline in rows
        if closed is not None and start <= closed < end
    ]


def test_on_time_rates_by_county_department_and_month_equal_an_independent_computation():
    add_records()
    rows = closed_rows()
    with session_scope() as session:
        figures = {by: sla.on_time_rates(session, PERIOD, CITY, by=by) for by in sla.RateBy}
    keys = {
        sla.RateBy.COUNTY: lambda r: r[0],
        sla.RateBy.TOWNSHIP: lambda r: r[1],
        sla.RateBy.DEPARTMENT: lambda r: r[2] or "unassigned",
        sla.RateBy.MONTH: lambda r: (r[3] + SHANGHAI).strftime("%Y-%m"),
    }
    for by, key in keys.items():
        expected: dict[str, list[bool]] = defaultdict(list)
        for row in rows:
            expected[key(row)].append(row[4])
        got = {row.key: (row.closed, row.on_time, row.rate) for row in figures[by].itertuples()}
        assert got == {k: (len(v), sum(v), sum(v) / len(v)) for k, v in expected.items()}, by
    assert set(figures[sla.RateBy.COUNTY]["name"]) == {"路桥区", "温岭市"}


def test_on_time_rate_of_one_county_only_counts_its_records():
    add_records(seed=9)
    rows = [row for row in closed_rows() if row[0] == "331081"]
    with session_scope() as session:
        figure = sla.on_time_rates(session, PERIOD, Area.county("331081"), by=sla.RateBy.COUNTY)
    assert figure.to_dict("records") == [
        {
            "key": "331081",
            "name": "温岭市",
            "name_en": "Wenling",
            "closed": len(rows),
            "on_time": sum(r[4] for r in rows),
            "rate": sum(r[4] for r in rows) / len(rows),
        }
    ]


def test_overdue_lists_open_records_past_their_deadline_and_escalates_after_a_day():
    add_records(seed=3)
    with session_scope() as session:
        expected = {
            i.event_id: i.deadline
            for i in session.scalars(select(Incident))
            if i.closed_at is None and i.deadline < NOW
        }
        expected |= {
            h.event_id: h.deadline
            for h in session.scalars(select(Hazard))
            if h.rectified_at is None and h.deadline < NOW
        }
        listed = sla.overdue(session, CITY, now=NOW)
    assert dict(zip(listed["event_id"], pd_times(listed["deadline"]), strict=True)) == expected
    for row in listed.itertuples():
        hours = (NOW - row.deadline).total_seconds() / 3600
        assert row.escalation == ("county" if hours >= 24 else "township")
        assert row.supervised == (row.record == "hazard" and hours >= 30 * 24)  # 挂牌督办: a month past the deadline
    assert list(listed["hours_over"]) == sorted(listed["hours_over"], reverse=True)


def pd_times(values):  # type: ignore[no-untyped-def]
    return [value.to_pydatetime() if hasattr(value, "to_pydatetime") else value for value in values]
