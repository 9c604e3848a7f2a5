"""The live simulator on a city imported from files: its reports drawn from the imported history (how many of each
kind, when in the week, in which grids), neutral defaults for a table with no history, and everything it sends
valid, in the city's own grids, through a gateway (an imported city has no grid workers)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import shapely
from sqlalchemy import select

from dashboard.data.city_zone import city_zone
from dashboard.data.db import session_scope
from dashboard.data.geography import load_grids
from dashboard.data.models import Grid
from dashboard.data.vocab import HazardCategory, IncidentKind
from dashboard.pipeline.events import parse_event
from dashboard.seed.profiles import DEFAULT
from dashboard.simulate import GATEWAY, Simulator
from dashboard.simulation.imported import HistoryDraws
from tests.importing.conftest import Sample, import_record_file

THEFTS_A_TUESDAY, DISPUTES_A_SATURDAY, WEEKS = 10, 5, 52
TAIZHOU_GRIDS = 7_369  # the default profile's city
FIRST_GRID_POINT, LAST_GRID_POINT = (29.91, 122.01), (29.93, 122.23)  # inside the sample's first and last grid


def write_history(folder: Path, last_day: date) -> tuple[Path, Path, list[date]]:
    """A year of thefts on Tuesday nights (03:xx) in the first grid and disputes on Saturday afternoons (14:xx) in
    the last one, in WGS-84, on the city's clock; and the days they happened on."""
    last_tuesday = last_day - timedelta(days=(last_day.weekday() - 1) % 7)
    rows, days = [], []
    for week in range(WEEKS):
        tuesday = last_tuesday - timedelta(weeks=week)
        saturday = tuesday - timedelta(days=3)
        days += [tuesday, saturday]
        for n in range(THEFTS_A_TUESDAY):
            rows.append(
                f"T{week}-{n},刑事案件,盗窃,{tuesday} 03:{5 * n:02d},{FIRST_GRID_POINT[0]},{FIRST_GRID_POINT[1]}"
            )
        for n in range(DISPUTES_A_SATURDAY):
            rows.append(
                f"D{week}-{n},矛盾纠纷,邻里纠纷,{saturday} 14:{5 * n:02d},{LAST_GRID_POINT[0]},{LAST_GRID_POINT[1]}"
            )
    table = folder / "history.csv"
    table.write_text("编号,类别,小类,报警时间,纬度,经度\n" + "\n".join(rows) + "\n", encoding="utf-8")
    mapping = folder / "history.yaml"
    mapping.write_text(
        "records: incidents\nsource: history\n"
        "columns: {id: 编号, kind: 类别, subtype: 小类, reported_at: 报警时间, lat: 纬度, lon: 经度}\n"
        "values: {kind: {刑事案件: criminal, 矛盾纠纷: dispute}, subtype: {盗窃: theft, 邻里纠纷: neighbourhood}}\n",
        encoding="utf-8",
    )
    return table, mapping, days


def loaded_draws() -> tuple[HistoryDraws, dict[str, int]]:
    with session_scope() as session:
        grid_ids = dict(session.execute(select(Grid.code, Grid.id)).all())
        return HistoryDraws.load(session, list(load_grids()), grid_ids, city_zone()), grid_ids


def code_at(lat: float, lon: float) -> str:
    return next(grid.code for grid in load_grids() if shapely.contains_xy(grid.geometry, lon, lat))


def simulate(draws: HistoryDraws, grid_ids: dict[str, int], start: float, weeks: int) -> list[tuple[float, dict]]:
    """`weeks` of the city's clock at 3,600 times its pace, an hour of the city each tick: (city time, event)."""
    simulator = Simulator(draws, grid_ids, {}, rate=1, speedup=3600, seed=11, started=start)
    events = []
    for tick in range(1, weeks * 7 * 24 + 1):
        now = start + tick
        simulator.tick(now, 1.0)
        for event in simulator.due(now):
            parse_event(event, now=datetime.fromtimestamp(now, UTC))  # raises on any problem, naming the field
            events.append((simulator.city_time(now), event))
    return events


def test_reports_follow_the_imported_history_by_kind_hour_weekday_and_grid(sample_grids: Sample, tmp_path: Path):
    zone = ZoneInfo(city_zone())
    today = datetime.now(zone).date()
    table, mapping, days = write_history(tmp_path, today - timedelta(days=1))
    report = import_record_file(table, mapping)
    assert report.ok and report.written == WEEKS * (THEFTS_A_TUESDAY + DISPUTES_A_SATURDAY), report.render()
    draws, grid_ids = loaded_draws()

    # How many: the history's count over the days it spans (less than a year), as a yearly volume; none of a kind
    # it lacks.
    spans = (max(days) - min(days)).days + 1
    monday = datetime.combine(today - timedelta(days=today.weekday()), datetime.min.time(), zone).timestamp()
    hours = [monday + 3600 * h for h in range(7 * 24)]
    for kind, count in ((IncidentKind.CRIMINAL, THEFTS_A_TUESDAY), (IncidentKind.DISPUTE, DISPUTES_A_SATURDAY)):
        a_week = sum(draws.per_second(kind, at) * 3600 for at in hours)
        assert np.isclose(a_week, count * WEEKS * 365 / spans * 7 / 365.25), kind
    assert not {IncidentKind.STABILITY, IncidentKind.SAFETY_ACCIDENT} & set(draws.families)

    events = simulate(draws, grid_ids, monday, weeks=8)
    reports = [(at, event) for at, event in events if event["type"].endswith(".reported")]
    thefts = [(at, e) for at, e in reports if e.get("kind") == "criminal"]
    disputes = [e for _, e in reports if e.get("kind") == "dispute"]
    assert thefts and disputes and {e["subtype"] for _, e in thefts} == {"theft"}
    assert {e.get("kind") for _, e in reports} <= {"criminal", "dispute", None}
    # When: most thefts in the history's hour of the week (Tuesday, 03:00 to 04:00 on the city's clock).
    when = Counter(
        (datetime.fromtimestamp(at, zone).weekday(), datetime.fromtimestamp(at, zone).hour) for at, _ in thefts
    )
    assert when.most_common(1)[0][0] == (1, 3) and when[(1, 3)] > len(thefts) / 2, when
    # Where: in the history's grid, with a little everywhere else.
    theft_grids = Counter(e["grid_code"] for _, e in thefts)
    assert theft_grids[code_at(*FIRST_GRID_POINT)] > 0.8 * len(thefts), theft_grids
    assert Counter(e["grid_code"] for e in disputes).most_common(1)[0][0] == code_at(*LAST_GRID_POINT)
    # Every report in one of the city's grids, at a point inside it, from the gateway (no worker is registered).
    outlines = {grid.code: grid.geometry for grid in load_grids()}
    assert all(shapely.contains_xy(outlines[e["grid_code"]], e["lon"], e["lat"]) for _, e in reports)
    assert {e["worker_code"] for _, e in events} == {GATEWAY}
    assert not [e for _, e in events if e["type"].startswith("patrol.")]


def test_a_table_with_no_history_gets_neutral_defaults(sample_grids: Sample):
    """Grids and no records: every kind and category, each at the default profile's volume per grid, every grid
    alike."""
    draws, grid_ids = loaded_draws()
    grids = len(grid_ids)
    volumes = {IncidentKind.CRIMINAL: DEFAULT.criminal_per_year, **DEFAULT.incidents_per_year}
    volumes.update(DEFAULT.hazards_per_year)
    assert set(draws.families) == set(IncidentKind) | set(HazardCategory)
    expected = {family.value: volume * grids / TAIZHOU_GRIDS / 365 for family, volume in volumes.items()}
    assert draws.per_day() == expected
    monday = datetime(2026, 3, 2, tzinfo=ZoneInfo(city_zone())).timestamp()
    events = simulate(draws, grid_ids, monday, weeks=8)
    reported = Counter(e["grid_code"] for _, e in events if e["type"].endswith(".reported"))
    assert set(reported) == set(grid_ids)  # every grid has its share (about 11 reports each)
