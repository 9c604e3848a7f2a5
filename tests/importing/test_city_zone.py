"""The city's time zone is stored with the city by its grids import (the mapping's `timezone`, else the process
setting as the import runs) and used from then on whatever DASHBOARD_TIMEZONE says: after a restart with no zone
set, or another one, the imported city's monthly counts and record times are those of its own clock."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from dashboard.data import drill
from dashboard.data.city_zone import city_today, city_zone
from dashboard.data.db import session_scope
from dashboard.data.filters import DrillFilter
from dashboard.data.models import County
from dashboard.data.periods import CITY, Period
from dashboard.data.queries import case_counts
from dashboard.data.vocab import Role
from dashboard.definitions import definition
from dashboard.importing.mapping import MappingError, load_grid_mapping
from dashboard.views.records import RecordKind, fetch_records
from tests.conftest import reset_cached
from tests.importing.conftest import Sample, import_grid_file, import_record_file, table_counts
from tests.support.accounts import signed_in_client

BOGOTA = "America/Bogota"  # UTC-5 all year: 13 hours behind the default zone, so month ends fall apart
HEADER = "编号,类别,小类,报警时间,场所,纬度,经度\n"
ROWS = [  # reported on Bogota's clock: the first two are in April in Asia/Shanghai, the last in May in Asia/Tokyo
    ("Z1", "2025-03-31 20:00", "出租房"),
    ("Z2", "2025-03-31 23:59", "住宅"),
    ("Z3", "2025-03-15 12:00", "出租房"),
    ("Z4", "2025-04-01 00:30", "住宅"),
    ("Z5", "2025-04-30 18:00", "出租房"),
]


def write_records(folder: Path) -> tuple[Path, Path]:
    table = folder / "zone.csv"
    table.write_text(
        HEADER + "".join(f"{n},刑事案件,盗窃,{at},{place},29.91,122.01\n" for n, at, place in ROWS), encoding="utf-8"
    )
    mapping = folder / "zone.yaml"
    mapping.write_text(
        "records: incidents\nsource: zone\nfiled_at_from: reported_at\n"
        "columns: {id: 编号, kind: 类别, subtype: 小类, reported_at: 报警时间, place_type: 场所,\n"
        "          lat: 纬度, lon: 经度}\n"
        "values: {kind: {刑事案件: criminal}, subtype: {盗窃: theft},\n"
        "         place_type: {出租房: rental_housing, 住宅: residence}}\n",
        encoding="utf-8",
    )
    return table, mapping


def monthly_figures() -> dict[str, tuple[int, int, int]]:
    """Per month of the file: incidents reported (the rollups the drill-downs read), criminal cases filed and cases
    in rental housing (counted on the raw rows between the month's bounds on the city's clock)."""
    figures = {}
    with session_scope() as session:
        for month in (Period.month(2025, 3), Period.month(2025, 4), Period.month(2025, 5)):
            reported = int(drill.incident_counts(session, month, CITY, None)["reported"].sum())
            counts = case_counts(session, month)
            figures[f"{month.start:%Y-%m}"] = (reported, counts.criminal_filed, counts.rental_cases)
    return figures


def expected_figures() -> dict[str, tuple[int, int, int]]:
    """The same, read off the file: each row in the month its cell names (the city's own clock)."""
    reported = Counter(at[:7] for _, at, _ in ROWS)
    rental = Counter(at[:7] for _, at, place in ROWS if place == "出租房")
    return {month: (reported[month], reported[month], rental[month]) for month in ("2025-03", "2025-04", "2025-05")}


def restart(monkeypatch: pytest.MonkeyPatch, zone: str | None) -> None:
    """A new process: DASHBOARD_TIMEZONE set to `zone` (or not set), nothing cached."""
    if zone is None:
        monkeypatch.delenv("DASHBOARD_TIMEZONE", raising=False)
    else:
        monkeypatch.setenv("DASHBOARD_TIMEZONE", zone)
    reset_cached()


@pytest.mark.parametrize("given_by", ["mapping", "environment"])
def test_the_city_keeps_its_zone_after_a_restart_with_another_or_none_set(
    sample: Sample, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given_by: str
) -> None:
    if given_by == "mapping":
        sample.grid_mapping.write_text(sample.grid_mapping.read_text(encoding="utf-8") + f"timezone: {BOGOTA}\n")
    else:  # the case: imported with the zone in the environment, later served without it
        restart(monkeypatch, BOGOTA)
    grids = import_grid_file(sample.grids, sample.grid_mapping)
    assert grids.ok and f"time zone: {BOGOTA} (" in grids.render(), grids.render()
    records = import_record_file(*write_records(tmp_path))
    assert records.ok and records.written == len(ROWS), records.render()
    expected = expected_figures()
    assert expected == {"2025-03": (3, 3, 2), "2025-04": (2, 2, 1), "2025-05": (0, 0, 0)}
    for zone in (None, "Asia/Tokyo", BOGOTA):
        restart(monkeypatch, zone)
        assert city_zone() == BOGOTA
        assert monthly_figures() == expected, zone
        with session_scope() as session:
            page = fetch_records(session, RecordKind.INCIDENTS, DrillFilter(Period.month(2025, 3)), end=10)
        assert sorted(row["reported_at"] for row in page.rows) == sorted(at for _, at, _ in ROWS[:3])
        assert city_today() == datetime.now(ZoneInfo(BOGOTA)).date()  # the wall's "today"


def test_a_city_with_no_stored_zone_follows_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    """The seeded Taizhou (no zone stored with its counties): the process setting, as before."""
    for zone in ("Asia/Shanghai", "Europe/Berlin"):
        restart(monkeypatch, zone)
        assert city_zone() == zone


def another_county(sample: Sample, folder: Path) -> Path:
    """The sample's first grid, moved a degree east into a county of its own (990103)."""
    features = json.loads(sample.grids.read_text(encoding="utf-8"))["features"][:1]
    ring = features[0]["geometry"]["coordinates"][0]
    features[0]["geometry"]["coordinates"] = [[[lon + 1, lat] for lon, lat in ring]]
    features[0]["properties"].update({"网格编号": "WG-0301-01", "乡镇街道代码": "990103001", "区县代码": "990103"})
    path = folder / "more.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), "utf-8")
    return path


def test_grids_added_to_a_city_keep_its_zone(sample: Sample, tmp_path: Path) -> None:
    sample.grid_mapping.write_text(sample.grid_mapping.read_text(encoding="utf-8") + f"timezone: {BOGOTA}\n")
    assert import_grid_file(sample.grids, sample.grid_mapping).ok
    more = another_county(sample, tmp_path)
    plain = tmp_path / "plain.yaml"  # no zone: the added grids take the city's
    plain.write_text(sample.grid_mapping.read_text(encoding="utf-8").replace(f"timezone: {BOGOTA}\n", ""), "utf-8")
    other = tmp_path / "other.yaml"
    other.write_text(sample.grid_mapping.read_text(encoding="utf-8").replace(BOGOTA, "Asia/Tokyo"), encoding="utf-8")
    before = table_counts()
    for dry_run in (True, False):
        report = import_grid_file(more, other, dry_run=dry_run, replace=False)
        assert (
            f"problem: timezone: 'Asia/Tokyo' is not the clock of the city the grids are added to ({BOGOTA}); grids "
            "added to a city keep its zone (import with --replace to give the city another)" in report.render()
        ), report.render()
    assert table_counts() == before and city_zone() == BOGOTA
    added = import_grid_file(more, plain, replace=False)
    assert added.ok and added.written == 1 and f"time zone: {BOGOTA} (the city's, kept)" in added.render()
    with session_scope() as session:
        assert set(session.scalars(select(County.timezone))) == {BOGOTA}
    replaced = import_grid_file(sample.grids, other, replace=True)
    assert replaced.ok and "time zone: Asia/Tokyo (the mapping's timezone)" in replaced.render()
    assert city_zone() == "Asia/Tokyo"


def test_an_unknown_zone_in_the_mapping_is_named(sample: Sample) -> None:
    sample.grid_mapping.write_text(sample.grid_mapping.read_text(encoding="utf-8") + "timezone: Mars/Olympus\n")
    with pytest.raises(MappingError, match=r"grids\.yaml: timezone: unknown time zone 'Mars/Olympus'"):
        load_grid_mapping(sample.grid_mapping)


def test_the_definitions_and_the_wall_clock_name_the_city_zone(
    sample: Sample, monkeypatch: pytest.MonkeyPatch, dash_app
) -> None:
    """A 口径 that counts by the time of day says on which clock: China's by its name (the seeded Taizhou), an
    imported city's own zone otherwise, whatever the process setting; the wall's clock runs on the same zone."""
    restart(monkeypatch, "Asia/Shanghai")
    assert "（北京时间，0点起）" in definition("wall.kinds", "zh-CN")
    assert "(since midnight, Beijing time)" in definition("wall.kinds", "en")
    sample.grid_mapping.write_text(sample.grid_mapping.read_text(encoding="utf-8") + f"timezone: {BOGOTA}\n")
    assert import_grid_file(sample.grids, sample.grid_mapping).ok
    restart(monkeypatch, "Asia/Shanghai")
    for name in ("wall.kinds", "trends.heatmap", "trends.series", "monthly.county_ranking"):
        zh, en = definition(name, "zh-CN"), definition(name, "en")
        assert f"当地时间 {BOGOTA}" in zh and "北京时间" not in zh and "台州" not in zh, zh
        assert f"local time, {BOGOTA}" in en and "Taizhou" not in en, en
    client = signed_in_client(dash_app, "wall", Role.WALL_SCREEN)
    clocks = [
        props for props in all_props(client.get("/_dash-layout").get_json()) if props.get("id") == "wall-mode-clock"
    ]
    assert [clock["data-zone"] for clock in clocks] == [BOGOTA]  # the shell's clock, run by assets/13-wall-mode.js


def all_props(node: object) -> Iterator[dict]:
    """The props of every component in a layout (Dash's JSON), depth first."""
    if isinstance(node, list):
        for each in node:
            yield from all_props(each)
    elif isinstance(node, dict) and "props" in node:
        yield node["props"]
        yield from all_props(node["props"].get("children"))
