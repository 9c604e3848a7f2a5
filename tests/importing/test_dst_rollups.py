"""Local days across daylight saving: a city on New York's clock counts each record in the local day, month, hour
and weekday it happened in, whatever the season the rollups were built in. Before, every moment was shifted by
today's offset: run in winter, 00:30 on the first of a summer month counted in the month before; run in summer,
23:30 on New Year's Eve counted in the next year. The records sit near midnight in both seasons and on the two
days of 23 and 25 hours, so the old code fails this test whenever it runs.

Expected figures are read off the file's own cells (its times are on the city's clock); the figures compared are
the rollup tables the import wrote, the drill-down queries the pages read (from the rollups, from the raw rows in
SQL and in pandas), the rollups rebuilt in SQL from the rows, and the consumer's per-event rollup deltas."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select

from dashboard.data import drill
from dashboard.data.db import get_engine, session_scope
from dashboard.data.models import Base, Grid, Incident
from dashboard.data.periods import CITY, Area, Period
from dashboard.data.queries import case_counts
from dashboard.data.rollups import DRILL_ROLLUPS, RollupDeltas, rebuild_rollups
from dashboard.data.vocab import IncidentKind
from dashboard.data.zone_clock import zone_clock
from tests.importing.conftest import NEW_YORK, Sample, import_record_file

ROWS = [  # (id, kind, reported on New York's clock, solved)
    ("S1", "刑事案件", "2025-07-01 00:30", "2025-07-02 00:10"),  # summer (UTC-4), first minutes of a month
    ("S2", "矛盾纠纷", "2025-06-30 23:40", ""),
    ("W1", "刑事案件", "2025-01-01 00:30", ""),  # winter (UTC-5), first minutes of the year
    ("W2", "矛盾纠纷", "2025-12-31 23:30", "2025-12-31 23:50"),  # winter's last half hour of the year
    ("F1", "刑事案件", "2025-03-09 00:30", ""),  # the 23-hour day: before the clocks go forward
    ("F2", "矛盾纠纷", "2025-03-09 23:30", ""),  # ... and after
    ("B1", "刑事案件", "2025-11-02 00:30", ""),  # the 25-hour day: still summer time
    ("B2", "矛盾纠纷", "2025-11-02 23:30", ""),  # ... winter time
    ("B3", "刑事案件", "2025-11-01 23:59", "2025-11-03 00:01"),
    ("M1", "矛盾纠纷", "2025-05-31 23:10", ""),  # summer, last minutes of a month
]
YEAR = Period(date(2025, 1, 1), date(2026, 1, 1))
CRIMINAL = {"刑事案件"}


def write_file(folder: Path) -> tuple[Path, Path]:
    table = folder / "dst.csv"
    lines = "".join(f"{n},{kind},{'盗窃' if kind in CRIMINAL else '邻里纠纷'},{at},{solved},29.91,122.01\n"
                    for n, kind, at, solved in ROWS)  # fmt: skip
    table.write_text("编号,类别,小类,报警时间,破案时间,纬度,经度\n" + lines, encoding="utf-8")
    mapping = folder / "dst.yaml"
    mapping.write_text(
        "records: incidents\nsource: dst\nfiled_at_from: reported_at\n"
        "columns: {id: 编号, kind: 类别, subtype: 小类, reported_at: 报警时间, solved_at: 破案时间,\n"
        "          lat: 纬度, lon: 经度}\n"
        "values: {kind: {刑事案件: criminal, 矛盾纠纷: dispute}, subtype: {盗窃: theft, 邻里纠纷: neighbourhood}}\n",
        encoding="utf-8",
    )
    return table, mapping


def day(cell: str) -> date:
    return date.fromisoformat(cell[:10])


def month(cell: str) -> date:
    return day(cell).replace(day=1)


def expected() -> dict[str, Counter[Any]]:
    """The figures, read off the cells: each record in the day, month, hour and weekday its cell names."""
    criminal = [at for _, kind, at, _ in ROWS if kind in CRIMINAL]
    solved = [at for _, kind, at, done in ROWS if kind in CRIMINAL and done]
    return {
        "reported by day": Counter(day(at) for _, _, at, _ in ROWS),
        "reported by month": Counter(month(at) for _, _, at, _ in ROWS),
        "filed by day": Counter(day(at) for at in criminal),  # filed when reported (filed_at_from)
        "reports by day and hour": Counter((day(at), int(at[11:13])) for _, _, at, _ in ROWS),
        "reports by month, weekday and hour": Counter(
            (month(at), day(at).weekday(), int(at[11:13])) for _, _, at, _ in ROWS
        ),
        "solved cases by filing day": Counter(day(at) for at in solved),
        "resolved by report day": Counter(day(at) for _, kind, at, done in ROWS if kind not in CRIMINAL and done),
    }


def summed(rows: Any, *keys: str, measure: str) -> Counter[Any]:
    """A rollup's (or a query's) rows summed by `keys`, zeros left out."""
    total: Counter[Any] = Counter()
    for row in rows:
        key = tuple(row[k] for k in keys)
        total[key[0] if len(keys) == 1 else key] += int(row[measure])
    return +total


def stored_figures() -> dict[str, Counter[Any]]:
    """The same figures from the rollup tables as stored."""
    tables = {name: Base.metadata.tables[name] for name in ("incident_daily", "incident_county_month",
                                                             "incident_hour_day", "incident_city_hour_month",
                                                             "criminal_solve_day")}  # fmt: skip
    with session_scope() as session:
        rows = {name: [row._mapping for row in session.execute(select(table))] for name, table in tables.items()}
    return {
        "reported by day": summed(rows["incident_daily"], "day", measure="reported"),
        "reported by month": summed(rows["incident_county_month"], "month", measure="reported"),
        "filed by day": summed(rows["incident_daily"], "day", measure="filed"),
        "reports by day and hour": summed(rows["incident_hour_day"], "day", "hour", measure="reports"),
        "reports by month, weekday and hour": summed(
            rows["incident_city_hour_month"], "month", "weekday", "hour", measure="reports"
        ),
        "solved cases by filing day": summed(rows["criminal_solve_day"], "day", measure="cases"),
        "resolved by report day": summed(rows["incident_daily"], "day", measure="resolved"),
    }


def rollup_rows() -> dict[str, set[tuple[Any, ...]]]:
    """Every incident rollup table's rows."""
    names = ["incident_daily", *(rollup.name for rollup in DRILL_ROLLUPS)]
    with session_scope() as session:
        return {name: {tuple(row) for row in session.execute(select(Base.metadata.tables[name]))} for name in names}


def test_records_near_midnight_count_in_their_local_day_in_every_figure(new_york: Sample, tmp_path: Path) -> None:
    report = import_record_file(*write_file(tmp_path))
    assert report.ok and report.written == len(ROWS), report.render()
    want = expected()

    # the rollup tables the import wrote (the seeder's array rollups)
    assert stored_figures() == want

    # what the pages ask: from the rollups (city by day, months), from the raw rows in SQL (by grid and day), in
    # pandas (a grid's own rows), and the heatmap from its rollups and from the raw rows (under a subtype)
    with session_scope() as session:
        grid = session.scalar(select(Grid.code).join(Incident, Incident.grid_id == Grid.id).limit(1))
        assert grid is not None
        by_day = drill.incident_counts(session, YEAR, CITY, None, by=("day",))
        by_month = drill.incident_counts(session, YEAR, CITY, None, by=("month",))
        by_grid_day = drill.incident_counts(session, YEAR, CITY, None, by=("grid", "day"))
        own = drill.incident_counts(session, YEAR, Area.grid(grid), None, by=("day",))
        hours = drill.hour_counts(session, YEAR, CITY, None)
        theft_hours = drill.hour_counts(session, YEAR, CITY, IncidentKind.CRIMINAL, subtype="theft")
        filed = {m: case_counts(session, Period.month(2025, m)).criminal_filed for m in range(1, 13)}
    assert summed(by_day.to_dict("records"), "day", measure="reported") == want["reported by day"]
    assert summed(by_month.to_dict("records"), "month", measure="reported") == want["reported by month"]
    assert summed(by_grid_day.to_dict("records"), "day", measure="reported") == want["reported by day"]
    assert summed(own.to_dict("records"), "day", measure="reported") == want["reported by day"]
    weekday_hours: Counter[tuple[int, int]] = Counter()
    for (d, h), n in want["reports by day and hour"].items():
        weekday_hours[(d.weekday(), h)] += n
    assert summed(hours.to_dict("records"), "weekday", "hour", measure="reports") == weekday_hours
    theft = Counter((day(at).weekday(), int(at[11:13])) for _, kind, at, _ in ROWS if kind in CRIMINAL)
    assert summed(theft_hours.to_dict("records"), "weekday", "hour", measure="reports") == theft
    assert +Counter(filed) == Counter(month(at).month for _, kind, at, _ in ROWS if kind in CRIMINAL)

    # the rollups rebuilt in SQL from the stored rows, and the consumer's deltas row by row, give the same tables
    imported = rollup_rows()
    with get_engine().begin() as connection:
        rebuild_rollups(connection)
    assert rollup_rows() == imported
    with session_scope() as session:
        for name in imported:
            session.execute(delete(Base.metadata.tables[name]))
        deltas = RollupDeltas(clock=zone_clock(NEW_YORK))
        for incident in session.scalars(select(Incident)):
            deltas.incident_stored(incident)
        deltas.write(session)
    assert rollup_rows() == imported
