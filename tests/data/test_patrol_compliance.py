"""Patrol compliance (巡查合规) against an independent computation over the raw patrol rows."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, select

from dashboard.data import patrol_compliance
from dashboard.data.db import get_engine, session_scope
from dashboard.data.models import GridWorker, PatrolLog, PatrolWorkerDay, PatrolWorkerMonth
from dashboard.data.periods import CITY, Area, AreaLevel, Period
from tests.support.factories import GRIDS, TOWNSHIPS, add_city

PERIOD = Period(date(2026, 3, 1), date(2026, 3, 11))
TODAY = date(2026, 3, 8)  # the period is not over: 1-7 March count
SHANGHAI = timedelta(hours=8)


def add_workers_and_patrols(seed: int = 7) -> None:
    """One worker per grid of the tiny city (the last hired on 4 March), random patrols around the period."""
    rng = random.Random(seed)
    with session_scope() as session:
        grids = add_city(session)
        for number, code in enumerate(GRIDS, start=1):
            hired = date(2026, 3, 4) if number == 4 else date(2025, 1, 1)
            session.add(
                GridWorker(
                    id=number,
                    code=f"W{number}",
                    name=f"员{number}",
                    phone="13800000000",
                    grid_id=grids[code],
                    hire_date=hired,
                    education="high_school",
                    party_member=False,
                )
            )
        session.flush()
        for number, code in enumerate(GRIDS, start=1):
            township = GRIDS[code]
            for offset in range(-2, 12):
                day = PERIOD.start + timedelta(days=offset)
                for _ in range(rng.choice([0, 1, 2, 2, 2, 3])):
                    local = datetime(day.year, day.month, day.day, rng.choice([0, 7, 9, 14, 22]), rng.randint(0, 59))
                    minutes = rng.choice([30, 100, 120, 150, 200])
                    started = local - SHANGHAI
                    ended = None if rng.random() < 0.05 else started + timedelta(minutes=minutes)
                    session.add(
                        PatrolLog(
                            worker_id=number,
                            grid_id=grids[code],
                            township_code=township,
                            county_code=TOWNSHIPS[township],
                            started_at=started,
                            ended_at=ended,
                            distance_m=100.0,
                            findings=0,
                        )
                    )

    with get_engine().begin() as connection:
        patrol_compliance.rebuild_worker_days(connection)


def rollup_rows() -> set[tuple[int, date, str, str, int, int, int]]:
    with session_scope() as session:
        return {
            (r.worker_id, r.day, r.township_code, r.county_code, r.patrols, r.long_patrols, r.seconds)
            for r in session.scalars(select(PatrolWorkerDay))
        }


def expected_days() -> dict[tuple[str, date], bool]:
    """Compliance per (worker code, day), computed in plain Python over the rows."""
    with session_scope() as session:
        workers = {w.id: (w.code, w.hire_date) for w in session.scalars(select(GridWorker))}
        patrols = session.execute(select(PatrolLog.worker_id, PatrolLog.started_at, PatrolLog.ended_at)).all()
    long_patrols: dict[tuple[int, date], int] = defaultdict(int)
    for worker_id, started, ended in patrols:
        day = (started + SHANGHAI).date()
        if ended is not None and (ended - started) >= timedelta(hours=2):
            long_patrols[(worker_id, day)] += 1
    result = {}
    for worker_id, (code, hired) in workers.items():
        day = PERIOD.start
        while day < TODAY:
            if day >= hired:
                result[(code, day)] = long_patrols[(worker_id, day)] >= 2
            day += timedelta(days=1)
    return result


def test_worker_days_equal_an_independent_computation():
    add_workers_and_patrols()
    expected = expected_days()
    with session_scope() as session:
        days = patrol_compliance.worker_days(session, PERIOD, CITY, today=TODAY)
    got = {(row.worker, row.day): bool(row.compliant) for row in days.itertuples()}
    assert got == expected
    assert 0 < sum(expected.values()) < len(expected)  # both kinds of day occur


def test_compliance_by_county_and_township_equal_an_independent_computation():
    add_workers_and_patrols(seed=11)
    expected = expected_days()
    township_of = {f"W{n}": GRIDS[code] for n, code in enumerate(GRIDS, start=1)}
    with session_scope() as session:
        counties = patrol_compliance.compliance_by_area(session, PERIOD, CITY, AreaLevel.COUNTY, today=TODAY)
        townships = patrol_compliance.compliance_by_area(
            session, PERIOD, Area.county("331004"), AreaLevel.TOWNSHIP, today=TODAY
        )
    for code, row in counties.set_index("code").iterrows():
        mine = [ok for (worker, _day), ok in expected.items() if township_of[worker][:6] == code]
        assert (row.worker_days, row.compliant_days) == (len(mine), sum(mine))
        assert row.rate == sum(mine) / len(mine)
    assert list(counties["name"]) == ["路桥区", "温岭市"]
    assert list(townships["code"]) == ["331004001", "331004002"]
    for code, row in townships.set_index("code").iterrows():
        mine = [ok for (worker, _day), ok in expected.items() if township_of[worker] == code]
        assert (row.worker_days, row.compliant_days) == (len(mine), sum(mine))


def test_exceptions_list_workers_short_on_enough_days():
    add_workers_and_patrols(seed=3)
    expected = expected_days()
    short: dict[str, int] = defaultdict(int)
    for (worker, _day), ok in expected.items():
        short[worker] += not ok
    with session_scope() as session:
        listed = patrol_compliance.exceptions(session, PERIOD, CITY, min_days=3, today=TODAY)
    assert dict(zip(listed["worker"], listed["short_days"], strict=True)) == {
        worker: days for worker, days in short.items() if days >= 3
    }


def test_a_period_not_begun_has_no_worker_days():
    add_workers_and_patrols()
    with session_scope() as session:
        days = patrol_compliance.worker_days(session, PERIOD, CITY, today=PERIOD.start)
        counties = patrol_compliance.compliance_by_area(session, PERIOD, CITY, AreaLevel.COUNTY, today=PERIOD.start)
    assert days.empty and list(counties["worker_days"]) == [0, 0] and counties["rate"].isna().all()


def test_refreshing_each_workers_day_gives_the_rebuilt_rollup():
    add_workers_and_patrols(seed=5)
    rebuilt = rollup_rows()
    with session_scope() as session:
        session.execute(delete(PatrolWorkerDay))
        session.execute(delete(PatrolWorkerMonth))
        patrols = session.execute(select(PatrolLog.worker_id, PatrolLog.started_at)).all()
        patrol_compliance.refresh_worker_days(session, [(worker, started) for worker, started in patrols])
    assert rollup_rows() == rebuilt and len(rebuilt) > 20
    refreshed_months = month_rows()
    with get_engine().begin() as connection:
        patrol_compliance.rebuild_worker_days(connection)
    assert month_rows() == refreshed_months and len(refreshed_months) >= 4


def month_rows() -> set[tuple[int, date, str, str, int]]:
    with session_scope() as session:
        return {
            (r.worker_id, r.month, r.township_code, r.county_code, r.compliant_days)
            for r in session.scalars(select(PatrolWorkerMonth))
        }


def test_compliance_by_grid_inside_a_township():
    add_workers_and_patrols(seed=13)
    expected = expected_days()
    grid_of = {f"W{n}": code for n, code in enumerate(GRIDS, start=1)}
    with session_scope() as session:
        grids = patrol_compliance.compliance_by_area(
            session, PERIOD, Area.township("331004001"), AreaLevel.GRID, today=TODAY
        )
    assert list(grids["code"]) == ["331004-001-0001", "331004-001-0002"]
    for row in grids.itertuples():
        mine = [ok for (worker, _day), ok in expected.items() if grid_of[worker] == row.code]
        assert (row.worker_days, row.compliant_days) == (len(mine), sum(mine))


def test_the_consumer_keeps_the_rollup_as_patrols_start_and_end():
    from dashboard.config import get_settings
    from dashboard.data.redis_client import get_redis
    from dashboard.pipeline.consumer import StreamConsumer
    from dashboard.pipeline.events import parse_event, stream_fields
    from tests.support.events import add_worker, patrol_ended, patrol_started

    with session_scope() as session:
        add_city(session)
        add_worker(session)
    began = datetime.now(UTC) - timedelta(hours=2, minutes=30)
    start = patrol_started(began)
    consumer = StreamConsumer(get_redis(), block_ms=10)
    consumer.ensure_group()
    for event in (start, patrol_ended(start["event_id"], began + timedelta(hours=2, minutes=10))):
        get_redis().xadd(get_settings().event_stream, stream_fields(parse_event(event), datetime.now(UTC)))
        while consumer.poll_once():
            pass
        rows = rollup_rows()
        assert len(rows) == 1
    ((_worker, _day, township, _county, patrols, long_patrols, seconds),) = rows
    assert (township, patrols, long_patrols, seconds) == ("331004001", 1, 1, 130 * 60)
