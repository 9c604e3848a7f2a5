"""The drill-down query layer (trends, solve rates, rental housing, the area tree) against the raw incident rows.

A small seeded city (the seeder builds the rollups from its arrays) is asked for every figure the drill-down pages
show, for the city, a county, a township and a grid, in both compare modes, with and without a kind; each figure is
compared with a count written here over the raw rows (plain SQL selects them, plain Python counts them). Then live
reports and updates go through the real stream consumer and every figure is checked again.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import DateTime, select, text

from dashboard.config import get_settings
from dashboard.data import area_tree, rental, solve_rates, trends
from dashboard.data.db import session_scope
from dashboard.data.filters import Compare, DrillFilter
from dashboard.data.periods import CITY, Area, AreaLevel, Period
from dashboard.data.redis_client import get_redis
from dashboard.data.rollups import DRILL_ROLLUPS, rebuild_drill_rollups
from dashboard.data.vocab import IncidentKind
from dashboard.pipeline.consumer import StreamConsumer
from dashboard.pipeline.events import parse_event, stream_fields
from dashboard.seed import seed_database
from dashboard.seed.seeder import city_today
from tests.support.events import incident_reported, incident_updated

ZONE = ZoneInfo("Asia/Shanghai")


@dataclass
class Row:  # the raw columns; the city-clock days below are computed once per row (cached_property needs no slots)
    kind: str
    subtype: str
    place: str
    reported: datetime
    filed: datetime | None
    solved: datetime | None
    county: str
    township: str
    grid: str

    @cached_property
    def reported_day(self) -> date:
        return local_day(self.reported)

    @cached_property
    def filed_day(self) -> date | None:
        return None if self.filed is None else local_day(self.filed)

    @cached_property
    def weekday_hour(self) -> tuple[int, int]:
        local = self.reported.replace(tzinfo=UTC).astimezone(ZONE)
        return local.weekday(), local.hour


def local_day(moment: datetime) -> date:
    return moment.replace(tzinfo=UTC).astimezone(ZONE).date()


def raw_rows() -> list[Row]:
    query = text(
        "SELECT i.kind, i.subtype, i.place_type, i.reported_at, i.filed_at, i.solved_at, i.county_code,"
        " i.township_code, g.code FROM incident i JOIN grid g ON g.id = i.grid_id"
    ).columns(reported_at=DateTime, filed_at=DateTime, solved_at=DateTime)
    with session_scope() as session:
        return [Row(*row) for row in session.execute(query)]


def houses_by_grid() -> dict[str, tuple[str, str, int]]:
    """grid code → (township, county, rental houses)."""
    query = text(
        "SELECT g.code, g.township_code, g.county_code, COUNT(r.id) FROM grid g"
        " LEFT JOIN rental_house r ON r.grid_id = g.id GROUP BY g.code, g.township_code, g.county_code"
    )
    with session_scope() as session:
        return {code: (township, county, int(n)) for code, township, county, n in session.execute(query)}


def in_area(row: Row, area: Area) -> bool:
    match area.level:
        case AreaLevel.CITY:
            return True
        case AreaLevel.COUNTY:
            return row.county == area.code
        case AreaLevel.TOWNSHIP:
            return row.township == area.code
    return row.grid == area.code


def child(row: Row, area: Area) -> str:
    return {AreaLevel.CITY: row.county, AreaLevel.COUNTY: row.township}.get(area.level, row.grid)


def chosen(rows: list[Row], area: Area, kind: str | None, subtype: str | None = None) -> list[Row]:
    return [
        row
        for row in rows
        if in_area(row, area) and (kind is None or row.kind == kind) and (subtype is None or row.subtype == subtype)
    ]


def within(day: date | None, period: Period) -> bool:
    return day is not None and period.start <= day < period.end


def bucket(day: date, period: Period, grain: str) -> int:
    if grain == "day":
        return (day - period.start).days
    if grain == "week":
        return (day - period.start).days // 7
    return (day.year - period.start.year) * 12 + day.month - period.start.month


def same(actual: Any, expected: float | None) -> bool:
    if expected is None or (isinstance(expected, float) and math.isnan(expected)):
        return actual is None or (isinstance(actual, float) and math.isnan(actual))
    return bool(actual == pytest.approx(expected))


def percentile(values: list[int], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return float(ordered[max(1, math.ceil(q * len(ordered))) - 1])


def whole_days(filed: datetime, solved: datetime) -> int:
    seconds = (solved.replace(microsecond=0) - filed.replace(microsecond=0)).total_seconds()
    return max(0, int(seconds // 86400))


def check_trends(session: Any, f: DrillFilter, rows: list[Row]) -> None:
    kind = str(f.kind) if f.kind else None
    mine = chosen(rows, f.area, kind, f.subtype)
    for grain in ("day", "week", "month"):
        expected: Counter[tuple[int, str, str]] = Counter()
        for which, period in (("current", f.period), ("baseline", f.baseline)):
            for row in mine:
                if within(row.reported_day, period):
                    series = row.subtype if kind else row.kind
                    expected[(bucket(row.reported_day, period, grain), series, which)] += 1
        frame = trends.case_trend(session, f, grain=grain)
        actual: Counter[tuple[int, str, str]] = Counter()
        for record in frame.itertuples():
            for which in ("current", "baseline"):
                if getattr(record, which):
                    actual[(record.bucket, record.series, which)] = getattr(record, which)
        assert actual == expected, (f, grain)
        first = frame[frame["bucket"] == 0]
        if len(first):
            assert set(first["start"]) == {f.period.start} and set(first["baseline_start"]) == {f.baseline.start}
    heat = trends.hour_weekday(session, f)
    assert len(heat) == 168
    for which, period in (("reports", f.period), ("baseline", f.baseline)):
        cells = Counter(
            (local.weekday(), local.hour)
            for local in (
                row.reported.replace(tzinfo=UTC).astimezone(ZONE) for row in mine if within(row.reported_day, period)
            )
        )
        assert {(r.weekday, r.hour): getattr(r, which) for r in heat.itertuples() if getattr(r, which)} == cells, f
    now = Counter((row.kind, row.subtype) for row in mine if within(row.reported_day, f.period))
    then = Counter((row.kind, row.subtype) for row in mine if within(row.reported_day, f.baseline))
    top = sorted(now.items(), key=lambda item: (-item[1], item[0]))[:5]
    frame = trends.top_subtypes(session, f, limit=5)
    assert [(r.kind, r.subtype, r.current, r.baseline) for r in frame.itertuples()] == [
        (k, s, n, then[(k, s)]) for (k, s), n in top
    ]
    for record in frame.itertuples():
        base = then[(record.kind, record.subtype)]
        assert same(record.change, 100.0 * (record.current - base) / base if base else None)


def comparable_moment(f: DrillFilter, as_of: datetime) -> datetime:
    """The baseline's cut-off, written out again: one year back for 同比; for 环比 the period's whole months back
    (the day kept, or the month's last), or its days back."""
    local = as_of.replace(tzinfo=UTC).astimezone(ZONE)
    start, end = f.period.start, f.period.end
    months = (end.year - start.year) * 12 + end.month - start.month if start.day == end.day == 1 else 0
    if f.compare is Compare.LAST_YEAR:
        months = 12
    if months:
        index = local.year * 12 + local.month - 1 - months
        year, month = divmod(index, 12)
        last = (date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1) - timedelta(days=1)).day
        moved = local.replace(year=year, month=month + 1, day=min(local.day, last))
    else:
        moved = local - timedelta(days=(end - start).days)
    return moved.astimezone(UTC).replace(tzinfo=None)


def check_solve_rates(session: Any, f: DrillFilter, rows: list[Row], areas: set[str]) -> None:
    kind = str(f.kind) if f.kind else None
    cases = [row for row in chosen(rows, f.area, kind, f.subtype) if row.kind == "criminal" and row.filed is not None]
    as_of = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    cutoff = comparable_moment(f, as_of)

    def counts(key: Any, period: Period, by: datetime = as_of) -> dict[Any, tuple[int, int]]:
        filed: Counter[Any] = Counter()
        solved: Counter[Any] = Counter()
        for row in cases:
            if within(row.filed_day, period):
                filed[key(row, period)] += 1
                solved[key(row, period)] += row.solved is not None and row.solved <= by
        return {k: (filed[k], solved[k]) for k in filed}

    keys = {
        "area": lambda row, _period: child(row, f.area),
        "subtype": lambda row, _period: row.subtype,
        "month": lambda row, period: bucket(row.filed_day, period, "month"),
    }
    for by, key in keys.items():
        now, then = counts(key, f.period), counts(key, f.baseline, cutoff)
        frame = solve_rates.solve_rates(session, f, by=by, as_of=as_of)  # type: ignore[arg-type]
        column = {"area": "code", "subtype": "subtype", "month": "bucket"}[by]
        if by == "area":
            assert set(frame["code"]) == areas
        for record in frame.itertuples():
            filed, solved = now.get(getattr(record, column), (0, 0))
            base_filed, base_solved = then.get(getattr(record, column), (0, 0))
            assert (record.filed, record.solved, record.baseline_filed, record.baseline_solved) == (
                filed,
                solved,
                base_filed,
                base_solved,
            ), (f, by, getattr(record, column))
            rate = 100.0 * solved / filed if filed else None
            base_rate = 100.0 * base_solved / base_filed if base_filed else None
            assert same(record.rate, rate) and same(record.baseline_rate, base_rate)
            assert same(record.change_points, None if rate is None or base_rate is None else rate - base_rate)
        assert {k for k, (filed, _) in now.items() if filed} <= set(frame[column]), (f, by)
    spans: dict[str, dict[str, list[int]]] = {"": {}, "baseline_": {}}
    for prefix, period, by in (("", f.period, as_of), ("baseline_", f.baseline, cutoff)):
        for row in cases:
            if within(row.filed_day, period) and row.solved is not None and row.solved <= by:
                assert row.filed is not None
                days = whole_days(row.filed, row.solved)
                spans[prefix].setdefault(row.subtype, []).append(days)
                spans[prefix].setdefault("all", []).append(days)
    frame = solve_rates.time_to_solve(session, f, as_of=as_of)
    assert set(frame["subtype"]) == {"all"} | set(spans[""]) | set(spans["baseline_"])
    for record in frame.itertuples():
        for prefix in ("", "baseline_"):
            values = spans[prefix].get(record.subtype, [])
            assert getattr(record, f"{prefix}solved") == len(values)
            assert same(getattr(record, f"{prefix}median_days"), percentile(values, 0.5)), (f, record.subtype)
            assert same(getattr(record, f"{prefix}p90_days"), percentile(values, 0.9)), (f, record.subtype)


def check_rental(session: Any, f: DrillFilter, rows: list[Row], houses: dict[str, tuple[str, str, int]]) -> None:
    kind = str(f.kind) if f.kind else None
    mine = chosen(rows, f.area, kind, f.subtype)

    def tally(period: Period, key: Any) -> tuple[Counter[Any], Counter[Any]]:
        everything: Counter[Any] = Counter()
        in_rental: Counter[Any] = Counter()
        for row in mine:
            if within(row.reported_day, period):
                everything[key(row)] += 1
                in_rental[key(row)] += row.place == "rental_housing"
        return in_rental, everything

    def houses_in(test: Any) -> int:
        return sum(n for code, (township, county, n) in houses.items() if test(code, township, county))

    def area_test(area: Area) -> Any:
        return {
            AreaLevel.CITY: lambda code, township, county: True,
            AreaLevel.COUNTY: lambda code, township, county: county == area.code,
            AreaLevel.TOWNSHIP: lambda code, township, county: township == area.code,
            AreaLevel.GRID: lambda code, township, county: code == area.code,
        }[area.level]

    rental_now, total_now = tally(f.period, lambda row: "")
    rental_then, total_then = tally(f.baseline, lambda row: "")
    summary = rental.rental_summary(session, f).iloc[0]
    assert (summary["rental"], summary["total"], summary["baseline_rental"], summary["baseline_total"]) == (
        rental_now[""],
        total_now[""],
        rental_then[""],
        total_then[""],
    ), f
    all_houses = houses_in(area_test(f.area))
    assert summary["rental_houses"] == all_houses
    assert same(summary["per_100_houses"], 100.0 * rental_now[""] / all_houses if all_houses else None)
    base = rental_then[""]
    assert same(summary["change"], 100.0 * (rental_now[""] - base) / base if base else None)
    assert same(summary["share"], 100.0 * rental_now[""] / total_now[""] if total_now[""] else None)

    rental_now, total_now = tally(f.period, lambda row: child(row, f.area))
    rental_then, _ = tally(f.baseline, lambda row: child(row, f.area))
    frame = rental.rental_by_area(session, f)
    for record in frame.itertuples():
        assert (record.rental, record.total, record.baseline_rental) == (
            rental_now[record.code],
            total_now[record.code],
            rental_then[record.code],
        ), (f, record.code)
        level = AreaLevel(record.level)
        expected_houses = houses_in(area_test(Area(level, record.code)))
        assert record.rental_houses == expected_houses
        assert same(record.per_100_houses, 100.0 * record.rental / expected_houses if expected_houses else None)

    rental_now, _ = tally(f.period, lambda row: row.grid)
    rental_then, _ = tally(f.baseline, lambda row: row.grid)
    top = sorted(((-n, code) for code, n in rental_now.items() if n), key=lambda item: item)[:5]
    frame = rental.top_rental_grids(session, f, limit=5)
    assert [(r.code, r.rental, r.baseline_rental) for r in frame.itertuples()] == [
        (code, -n, rental_then[code]) for n, code in top
    ], f
    for record in frame.itertuples():
        assert record.rental_houses == houses[record.code][2] and record.township_code == houses[record.code][0]


def filters(today: date, areas: list[Area]) -> list[DrillFilter]:
    ytd = Period.year_to_date(today)
    ragged = Period(today - timedelta(days=100), today + timedelta(days=1))  # starts and ends inside months
    month = Period.last_full_month(today)
    last_year = Period.year(today.year - 1)
    combos = [
        (ytd, Compare.LAST_YEAR, None, None),
        (ragged, Compare.PREVIOUS, None, None),
        (month, Compare.LAST_YEAR, IncidentKind.CRIMINAL, None),
        (last_year, Compare.PREVIOUS, IncidentKind.DISPUTE, None),
        # a subtype, over whole months and ragged edges: the rollups keyed by subtype, and the raw rows where not
        (ragged, Compare.LAST_YEAR, IncidentKind.CRIMINAL, "theft"),
        (last_year, Compare.PREVIOUS, IncidentKind.DISPUTE, "neighbourhood"),
    ]
    return [
        DrillFilter(period, compare, area, kind, subtype) for area in areas for period, compare, kind, subtype in combos
    ]


def sample_areas(rows: list[Row]) -> list[Area]:
    """The city, the busiest county, its busiest township and that township's busiest grid."""
    county = Counter(row.county for row in rows).most_common(1)[0][0]
    township = Counter(row.township for row in rows if row.county == county).most_common(1)[0][0]
    grid = Counter(row.grid for row in rows if row.township == township).most_common(1)[0][0]
    return [CITY, Area.county(county), Area.township(township), Area.grid(grid)]


def check_everything(today: date) -> None:
    rows = raw_rows()
    houses = houses_by_grid()
    with session_scope() as session:
        for f in filters(today, sample_areas(rows)):
            areas = (
                {f.area.code} if f.area.level is AreaLevel.GRID else set(area_tree.children(session, f.area)["code"])
            )
            check_trends(session, f, rows)
            check_solve_rates(session, f, rows, {str(code) for code in areas})
            check_rental(session, f, rows, houses)


def seed() -> date:
    today = city_today(get_settings().timezone)
    seed_database("small", today=today, progress=False)
    return today


def test_every_figure_equals_a_count_over_the_raw_rows() -> None:
    check_everything(seed())


def test_live_reports_and_updates_show_in_every_figure() -> None:
    today = seed()
    rows = raw_rows()
    areas = sample_areas(rows)
    grid = str(areas[3].code)
    now = datetime.now(UTC)
    reports = [
        incident_reported(now - timedelta(hours=3 * n), grid_code=grid, place_type=place, kind=kind, subtype=subtype)
        for n, (kind, subtype, place) in enumerate(
            [
                ("criminal", "theft", "rental_housing"),
                ("criminal", "burglary", "residence"),
                ("dispute", "neighbourhood", "rental_housing"),
                ("safety_accident", "fire", "enterprise"),
                ("criminal", "fraud", "rental_housing"),
            ]
            * 4
        )
    ]
    late = incident_reported(now - timedelta(days=3), grid_code=grid, kind="criminal", subtype="drugs", filed=False)
    events = [
        *reports,
        late,
        incident_updated(reports[0]["event_id"], "solved", now - timedelta(minutes=30)),
        incident_updated(reports[5]["event_id"], "solved", now - timedelta(minutes=20)),
        incident_updated(late["event_id"], "solved", now - timedelta(days=1)),
        # filed after it was solved: its solve time counts 0 days
        incident_updated(late["event_id"], None, now - timedelta(hours=2), filed=True),  # type: ignore[arg-type]
        incident_updated(reports[2]["event_id"], "resolved", now - timedelta(minutes=5)),
        *(incident_updated(report["event_id"], "solved", now - timedelta(minutes=5)) for report in reports[10::5]),
    ]
    redis = get_redis()
    for event in events:
        redis.xadd(get_settings().event_stream, stream_fields(parse_event(event), datetime.now(UTC)))  # type: ignore[arg-type]
    worker = StreamConsumer(redis, block_ms=10)
    worker.ensure_group()
    while worker.poll_once():
        pass
    assert len(raw_rows()) == len(rows) + len(reports) + 1
    check_everything(today)
    kept = drill_rollup_rows()
    with session_scope() as session:
        rebuild_drill_rollups(session.connection())
    assert drill_rollup_rows() == kept  # the consumer's deltas on the seeder's rollups equal a rebuild


def drill_rollup_rows() -> dict[str, set[tuple[Any, ...]]]:
    with session_scope() as session:
        return {rollup.name: {tuple(row) for row in session.execute(select(rollup.table))} for rollup in DRILL_ROLLUPS}


def test_children_and_names_come_from_the_city_tables() -> None:
    with session_scope() as session:
        from tests.support.factories import add_city

        add_city(session)
    with session_scope() as session:
        counties = area_tree.children(session, CITY)
        assert list(counties["code"]) == ["331004", "331081"] and list(counties["level"]) == ["county", "county"]
        assert list(counties["name"]) == ["路桥区", "温岭市"]
        townships = area_tree.children(session, Area.county("331004"))
        assert list(townships["code"]) == ["331004001", "331004002"]
        grids = area_tree.children(session, Area.township("331004001"))
        assert list(grids["code"]) == ["331004-001-0001", "331004-001-0002"]
        assert area_tree.children(session, Area.grid("331004-001-0001")).empty
        assert area_tree.area_name(session, Area.county("331081")) == "温岭市"
        assert area_tree.area_name(session, Area.county("331081"), lang="en") == "Wenling"
        assert area_tree.area_name(session, CITY) == "台州市"
        with pytest.raises(LookupError, match="unknown township code '331004009'"):
            area_tree.area_name(session, Area.township("331004009"))


@pytest.mark.db_independent
def test_a_subtype_needs_its_kind() -> None:
    year = Period.year(2025)
    assert DrillFilter(year, kind=IncidentKind.CRIMINAL, subtype="theft").subtype == "theft"
    with pytest.raises(ValueError, match="subtype: 'theft' needs a kind"):
        DrillFilter(year, subtype="theft")
    with pytest.raises(ValueError, match="subtype: 'theft' is not a subtype of dispute"):
        DrillFilter(year, kind=IncidentKind.DISPUTE, subtype="theft")
