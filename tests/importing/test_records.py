"""Importing incidents and hazards: the sample city's records land in the right grids and every page's figures
(read from the rollups) agree with a count over the file's rows; a re-import changes nothing; a bad file gives a
report naming each rejected row and why, and changes nothing; an export imported again reproduces the figures."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from sqlalchemy import func, select, text

from dashboard.config import ROOT
from dashboard.data.coordinates import to_wgs84
from dashboard.data.db import get_engine, session_scope
from dashboard.data.filters import DrillFilter
from dashboard.data.models import Grid, Hazard, HazardDaily, Incident
from dashboard.data.periods import CITY, Period
from dashboard.data.rollups import DRILL_ROLLUPS, rebuild_rollups
from dashboard.data.solve_rates import solve_rates
from dashboard.data.trends import case_trend
from dashboard.importing.mapping import load_record_mapping
from dashboard.importing.readers import read_parts
from dashboard.importing.record_import import import_records
from dashboard.importing.report import ImportReport, Rejection
from dashboard.importing.sample import CELL, COLUMNS_PER_TOWNSHIP, HEADERS, ORIGIN
from tests.importing.conftest import SAMPLE_ROWS, Sample, import_record_file, table_counts

ZONE = ZoneInfo("Asia/Shanghai")


def sample_rows(sample: Sample) -> pd.DataFrame:
    """The sample file read independently (the csv module, GBK), with each row's county from its WGS-84 point: the
    sample's counties are side by side, each two townships of COLUMNS_PER_TOWNSHIP squares wide."""
    with sample.incidents.open(encoding="gbk", newline="") as handle:
        rows = pd.DataFrame(list(csv.DictReader(handle)))
    points = [
        to_wgs84(float(la), float(lo), "gcj02")
        for la, lo in zip(rows[HEADERS["lat"]], rows[HEADERS["lon"]], strict=True)
    ]
    column = [int((lon - ORIGIN[1]) // CELL) for _, lon in points]
    rows["county"] = ["990101" if c < 2 * COLUMNS_PER_TOWNSHIP else "990102" for c in column]
    for name in ("reported_at", "filed_at", "solved_at"):
        rows[name] = pd.to_datetime(rows[HEADERS[name]], format="%Y/%m/%d %H:%M")  # city clock
    return rows


def everything() -> Period:
    today = datetime.now(ZONE).date()
    return Period(today - timedelta(days=500), today + timedelta(days=1))


def test_sample_records_land_in_their_grids_and_the_figures_match_the_file(sample_city: Sample) -> None:
    rows = sample_rows(sample_city)
    with session_scope() as session:
        stored = pd.DataFrame(session.execute(select(Incident.event_id, Incident.county_code, Incident.kind)).all())
        trend = case_trend(session, DrillFilter(period=everything(), area=CITY), grain="month")
        rates = solve_rates(session, DrillFilter(period=everything(), area=CITY), by="area")
    assert len(stored) == len(rows) == SAMPLE_ROWS
    by_id = dict(zip(stored["event_id"].str.removeprefix("import/sample-ps/"), stored["county_code"], strict=True))
    assert [by_id[i] for i in rows[HEADERS["id"]]] == rows["county"].tolist()

    # 案件趋势: reports per kind, from the monthly rollups, against the file.
    labels = {"刑事案件": "criminal", "矛盾纠纷": "dispute", "涉稳事件": "stability", "安全生产事故": "safety_accident"}
    expected = Counter(labels[k] for k in rows[HEADERS["kind"]])
    assert trend.groupby("series")["current"].sum().to_dict() == dict(expected)

    # 破案率: filed and solved criminal cases by county, against the file (filed in the period, solved by now).
    criminal = rows[rows[HEADERS["kind"]] == "刑事案件"]
    filed = criminal[criminal["filed_at"].notna()]
    got = rates.set_index("code")[["name", "filed", "solved"]].to_dict("index")
    assert got == {
        county: {"name": name, "filed": int((filed["county"] == county).sum()),
                 "solved": int(((filed["county"] == county) & filed["solved_at"].notna()).sum())}
        for county, name in (("990101", "东城区"), ("990102", "西湖县"))
    }  # fmt: skip


def test_importing_the_same_file_again_changes_nothing(sample_city: Sample) -> None:
    before = table_counts()
    with session_scope() as session:
        months = session.execute(text("SELECT * FROM incident_county_month ORDER BY 1, 2, 3, 4")).all()
    report = import_record_file(sample_city.incidents, sample_city.incident_mapping)
    assert report.ok and report.already_imported == SAMPLE_ROWS and report.written == 0
    assert table_counts() == before
    with session_scope() as session:
        assert session.execute(text("SELECT * FROM incident_county_month ORDER BY 1, 2, 3, 4")).all() == months


def test_a_dry_run_reports_and_changes_nothing(sample_grids: Sample) -> None:
    before = table_counts()
    report = import_record_file(sample_grids.incidents, sample_grids.incident_mapping, dry_run=True)
    assert report.ok and report.accepted == SAMPLE_ROWS and report.written == 0
    assert "dry run: the database was not changed" in report.render()
    assert table_counts() == before


def rewrite(sample: Sample, change: dict[int, dict[str, str]], *, drop: str | None = None) -> Path:
    """The sample file with some cells changed ({row number in the file: {field: value}}) or a column dropped."""
    with sample.incidents.open(encoding="gbk", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for number, cells in change.items():
        rows[number - 2].update({HEADERS[field]: value for field, value in cells.items()})
    names = [name for name in rows[0] if name != drop]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=names, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path = sample.folder / "changed.csv"
    path.write_bytes(buffer.getvalue().encode("gbk"))
    return path


def test_bad_rows_are_named_with_their_row_and_reason_and_nothing_changes(sample_grids: Sample) -> None:
    with sample_grids.incidents.open(encoding="gbk", newline="") as handle:
        second_id = next(iter(csv.DictReader(handle)))[HEADERS["id"]]
    changed = rewrite(
        sample_grids,
        {
            3: {"reported_at": "2025/13/45 10:00"},
            4: {"lat": ""},
            5: {"lon": "121.0"},  # west of the sample city: in no grid
            6: {"id": second_id},
            7: {"kind": "纵火"},
            8: {"grid_code": "WG-9999-01"},
            9: {"lat": "north"},
        },
    )
    before = table_counts()
    report = import_record_file(changed, sample_grids.incident_mapping)
    reasons = {rejection.row: rejection.reason for rejection in report.rejected}
    lat5 = float(pd.read_csv(changed, encoding="gbk", dtype=str).iloc[3][HEADERS["lat"]])
    assert reasons == {
        3: "reported_at: unparseable date '2025/13/45 10:00'",
        4: "no coordinates",
        5: reasons[5],
        6: f"duplicate id '{second_id}' (first at row 2)",
        7: "kind: unknown value '纵火'",
        8: "grid_code: unknown grid 'WG-9999-01'",
        9: "lat: not a number 'north'",
    }
    assert reasons[5].startswith(f"point ({to_wgs84(lat5, 121.0, 'gcj02')[0]:.5f}") and reasons[5].endswith(
        "is outside every grid"
    )
    assert report.accepted == SAMPLE_ROWS - 7 and report.written == 0 and not report.ok
    assert "row 6: duplicate id" in report.render() and "nothing imported" in report.render()
    assert table_counts() == before


def test_skip_rejected_imports_the_accepted_rows(sample_grids: Sample) -> None:
    changed = rewrite(sample_grids, {2: {"reported_at": "yesterday"}})
    report = import_record_file(changed, sample_grids.incident_mapping, skip_rejected=True)
    assert report.written == SAMPLE_ROWS - 1 and [r.row for r in report.rejected] == [2]
    assert table_counts()["incident"] == SAMPLE_ROWS - 1


def test_a_wrong_encoding_or_missing_columns_stop_the_file_and_change_nothing(
    sample_grids: Sample, tmp_path: Path
) -> None:
    from dashboard.importing.readers import ReadError

    utf8 = tmp_path / "utf8.yaml"
    utf8.write_text(
        sample_grids.incident_mapping.read_text(encoding="utf-8").replace("encoding: gbk", "encoding: utf-8"),
        encoding="utf-8",
    )
    before = table_counts()
    with pytest.raises(ReadError, match=r"incidents\.csv: cannot decode the text: not utf-8"):
        import_record_file(sample_grids.incidents, utf8)
    report = import_record_file(rewrite(sample_grids, {}, drop=HEADERS["lat"]), sample_grids.incident_mapping)
    assert report.problems[0].startswith("missing columns: '纬度' (lat); the file has: 案件编号,")
    assert report.written == 0 and table_counts() == before


def rollup_contents() -> dict[str, list[tuple[object, ...]]]:
    with session_scope() as session:
        return {
            name: sorted(tuple(row) for row in session.execute(text(f"SELECT * FROM {name}")))
            for name in [rollup.name for rollup in DRILL_ROLLUPS] + ["incident_daily"]
        }


def test_an_export_imported_again_reproduces_the_same_figures(sample_city: Sample, tmp_path: Path) -> None:
    figures = rollup_contents()
    with session_scope() as session:
        stored = pd.DataFrame(
            session.execute(
                select(Incident.event_id, Incident.kind, Incident.subtype, Incident.reported_at, Incident.filed_at,
                       Incident.solved_at, Incident.closed_at, Incident.lat, Incident.lon, Incident.place_type,
                       Incident.source, Incident.status, Incident.summary, Grid.code.label("grid"))
                .join(Grid, Grid.id == Incident.grid_id)
            ).all()
        )  # fmt: skip
    for name in ("reported_at", "filed_at", "solved_at", "closed_at"):  # stored UTC → the city's clock, as text
        local = pd.to_datetime(stored[name]).dt.tz_localize("UTC").dt.tz_convert(ZONE).dt.strftime("%Y-%m-%d %H:%M:%S")
        stored[name] = local.fillna("")
    stored.to_csv(tmp_path / "export.csv", index=False, encoding="utf-8")
    mapping = tmp_path / "export.yaml"
    fields = ["event_id", "kind", "subtype", "reported_at", "filed_at", "solved_at", "closed_at", "lat", "lon",
              "place_type", "source", "status", "summary"]  # fmt: skip
    columns = "\n".join(f"  {('id' if f == 'event_id' else f)}: {f}" for f in fields) + "\n  grid_code: grid"
    mapping.write_text(f"records: incidents\nsource: export\ncolumns:\n{columns}\n", encoding="utf-8")
    with get_engine().begin() as connection:  # a fresh start: no incidents, empty rollups
        connection.execute(text("DELETE FROM incident"))
        rebuild_rollups(connection)
    assert all(not rows for rows in rollup_contents().values())
    report = import_record_file(tmp_path / "export.csv", mapping)
    assert report.ok and report.written == SAMPLE_ROWS, report.render()
    assert rollup_contents() == figures


def test_hazards_from_xlsx_with_a_deadline_rule(sample_grids: Sample, tmp_path: Path) -> None:
    found = [datetime(2025, 6, 1, 9, 0) + timedelta(days=day) for day in range(4)]
    pd.DataFrame(
        {
            "编号": ["H1", "H2", "H3", "H4"],
            "类别": ["消防", "消防", "食品", "食品"],
            "小类": ["私拉电线", "消防通道堵塞", "过期食品", "无证餐饮"],
            "发现时间": found,
            "整改时间": [found[0] + timedelta(days=2), None, found[2] + timedelta(days=30), None],
            "纬度": [29.91, 29.91, 29.93, 29.93],
            "经度": [122.01, 122.15, 122.05, 122.21],
        }
    ).to_excel(tmp_path / "hazards.xlsx", index=False)
    (tmp_path / "hazards.yaml").write_text(
        "records: hazards\nsource: old-hazards\ndeadline_days: 7\n"
        "columns: {id: 编号, category: 类别, subtype: 小类, found_at: 发现时间, rectified_at: 整改时间,\n"
        "          lat: 纬度, lon: 经度}\n"
        "values:\n  category: {消防: fire, 食品: food_safety}\n"
        "  subtype: {私拉电线: illegal_wiring, 消防通道堵塞: blocked_exit, 过期食品: expired_food,\n"
        "            无证餐饮: unlicensed_kitchen}\n",
        encoding="utf-8",
    )
    report = import_record_file(tmp_path / "hazards.xlsx", tmp_path / "hazards.yaml")
    assert report.ok and report.written == 4, report.render()
    with session_scope() as session:
        hazards = session.execute(select(Hazard.event_id, Hazard.status, Hazard.deadline, Hazard.found_at)).all()
        daily = session.execute(select(HazardDaily.found, HazardDaily.rectified, HazardDaily.rectified_on_time)).all()
    assert {h.event_id: h.status for h in hazards} == {
        "import/old-hazards/H1": "rectified", "import/old-hazards/H2": "open",
        "import/old-hazards/H3": "rectified", "import/old-hazards/H4": "open",
    }  # fmt: skip
    assert all(h.deadline - h.found_at == timedelta(days=7) for h in hazards)
    assert [sum(column) for column in zip(*daily, strict=True)] == [4, 2, 1]  # H3 was rectified after its deadline


def test_the_sample_is_the_same_for_the_same_day(tmp_path: Path) -> None:
    from dashboard.importing.sample import write_sample

    first = write_sample(tmp_path / "a", rows=50, today=date(2026, 3, 1))
    second = write_sample(tmp_path / "b", rows=50, today=date(2026, 3, 1))
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_the_rollups_an_import_adds_equal_a_rebuild_from_the_rows(sample_grids: Sample, tmp_path: Path) -> None:
    with sample_grids.incidents.open(encoding="gbk", newline="") as handle:
        text_rows = handle.read().split("\r\n")
    header, body = text_rows[0], [line for line in text_rows[1:] if line]
    assert len(body) == SAMPLE_ROWS  # records end in CRLF; the line breaks inside quoted summaries are LF
    cut = len(body) // 2
    for part, lines in (("first", body[:cut]), ("second", body[cut:])):
        (tmp_path / f"{part}.csv").write_bytes(("\r\n".join([header, *lines]) + "\r\n").encode("gbk"))
        report = import_record_file(tmp_path / f"{part}.csv", sample_grids.incident_mapping)
        assert report.ok and report.written > 0, report.render()
    added = rollup_contents()
    assert sum(len(rows) for rows in added.values()) > 0
    with get_engine().begin() as connection:
        rebuild_rollups(connection)
    assert rollup_contents() == added


def test_a_first_import_leaves_every_index_and_constraint_in_place(sample_city: Sample) -> None:
    """A first import loads without its tables' secondary indexes on SQLite and builds them again after."""
    from sqlalchemy import inspect

    from dashboard.data.models import Base
    from dashboard.importing.mapping import load_record_mapping
    from dashboard.importing.record_import import written_tables

    inspector = inspect(get_engine())
    for name in written_tables(load_record_mapping(sample_city.incident_mapping)):
        expected = {str(index.name) for index in Base.metadata.tables[name].indexes}
        assert {str(index["name"]) for index in inspector.get_indexes(name)} >= expected, name
    with get_engine().connect() as connection:  # CHECK constraints are enforced again after the load
        if connection.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA ignore_check_constraints").scalar() == 0


def test_an_import_that_fails_while_writing_changes_nothing_and_keeps_every_index(
    sample_grids: Sample, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The write stops after the rows are in (say the disk filled up while the rollups were added): the rows are
    rolled back, and the indexes dropped for the load come back with them (they are part of the transaction)."""
    from sqlalchemy import inspect

    from dashboard.data.models import Base
    from dashboard.importing import record_import
    from dashboard.importing.mapping import load_record_mapping

    def failing(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(record_import, "rollup_deltas", failing)
    with pytest.raises(OSError, match="disk full"):
        import_record_file(sample_grids.incidents, sample_grids.incident_mapping)
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(Incident)) == 0
    inspector = inspect(get_engine())
    for name in record_import.written_tables(load_record_mapping(sample_grids.incident_mapping)):
        expected = {str(index.name) for index in Base.metadata.tables[name].indexes}
        assert {str(index["name"]) for index in inspector.get_indexes(name)} >= expected, name
    with get_engine().connect() as connection:  # the file is back in write-ahead-log mode, checks enforced
        if connection.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA ignore_check_constraints").scalar() == 0
    monkeypatch.undo()
    report = import_record_file(sample_grids.incidents, sample_grids.incident_mapping)
    assert report.ok and report.written == SAMPLE_ROWS, report.render()


def test_an_id_too_long_to_store_is_kept_as_its_hash(sample_grids: Sample) -> None:
    changed = rewrite(sample_grids, {2: {"id": "案" * 80}})
    report = import_record_file(changed, sample_grids.incident_mapping)
    assert report.ok and report.written == SAMPLE_ROWS, report.render()
    with session_scope() as session:
        longest = max(len(event_id) for event_id in session.scalars(select(Incident.event_id)))
    assert longest <= 64
    assert import_record_file(changed, sample_grids.incident_mapping).already_imported == SAMPLE_ROWS


def import_in_parts(path: Path, sample: Sample, rows: int) -> ImportReport:
    """The file read in parts of `rows` rows and checked here, part after part."""
    mapping = load_record_mapping(sample.incident_mapping)
    report = ImportReport(file=path.name, what=mapping.records)
    parts = read_parts(path, encoding=mapping.encoding, rows=rows)
    return import_records(get_engine(), parts, mapping, report, dry_run=False, show_progress=False)


AHEAD = """
import json, os, sys
from pathlib import Path
from dashboard.importing import parts
parts.AHEAD_FROM_ROWS = 0  # the sample is small: check it ahead all the same
checking = parts.check_in_child
def marking(*args):
    Path(sys.argv[4]).write_text(str(os.getpid()))
    checking(*args)
parts.check_in_child = marking
from dashboard.data.db import get_engine
from dashboard.importing.mapping import load_record_mapping
from dashboard.importing.readers import read_parts
from dashboard.importing.record_import import import_records
from dashboard.importing.report import ImportReport
mapping = load_record_mapping(Path(sys.argv[2]))
report = ImportReport(file="file", what=mapping.records)
table = read_parts(Path(sys.argv[1]), encoding=mapping.encoding, rows=int(sys.argv[3]))
import_records(get_engine(), table, mapping, report, dry_run=False, show_progress=False)
print(json.dumps({"pid": os.getpid(), "total": report.total, "written": report.written,
                  "rejected": [[r.row, r.reason] for r in report.rejected], "problems": report.problems}))
"""


def import_checked_ahead(path: Path, sample: Sample, rows: int, tmp_path: Path) -> ImportReport:
    """The same in a process of its own, as the command line runs it (one thread, so the parts are checked ahead in
    a forked child): the child leaves a mark naming its process."""
    marker = tmp_path / "checked-in-a-child"
    command = [sys.executable, "-c", AHEAD, str(path), str(sample.incident_mapping), str(rows), str(marker)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=os.environ, timeout=120)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert int(marker.read_text()) not in (answer["pid"], os.getpid())  # checked in a child of that process
    report = ImportReport(file=path.name, what="incidents", total=answer["total"], written=answer["written"])
    report.rejected = [Rejection(row, reason) for row, reason in answer["rejected"]]
    report.problems = answer["problems"]
    return report


@pytest.mark.parametrize("ahead", [False, True], ids=["part-after-part", "checked-ahead-in-a-fork"])
def test_a_file_read_in_parts_imports_as_one(sample_grids: Sample, tmp_path: Path, ahead: bool) -> None:
    """Parts of 128 rows (the last one short): every row lands once, and the rollups equal a rebuild."""
    changed = sample_grids.incidents
    report = (
        import_checked_ahead(changed, sample_grids, 128, tmp_path)
        if ahead
        else import_in_parts(changed, sample_grids, 128)
    )
    assert report.ok and report.total == report.written == SAMPLE_ROWS, report.render()
    with session_scope() as session:
        assert session.scalar(select(func.count(func.distinct(Incident.event_id)))) == SAMPLE_ROWS
    added = rollup_contents()
    with get_engine().begin() as connection:
        rebuild_rollups(connection)
    assert rollup_contents() == added


@pytest.mark.parametrize("ahead", [False, True], ids=["part-after-part", "checked-ahead-in-a-fork"])
def test_a_bad_row_in_a_later_part_undoes_the_parts_written_before(
    sample_grids: Sample, tmp_path: Path, ahead: bool
) -> None:
    """The first parts are written before the last is checked; a duplicate of row 2 at row 590 and a bad date at row
    600 are named with their rows, and nothing stays (the indexes dropped for the load come back too)."""
    from sqlalchemy import inspect

    from dashboard.data.models import Base

    with sample_grids.incidents.open(encoding="gbk", newline="") as handle:
        second_id = next(iter(csv.DictReader(handle)))[HEADERS["id"]]
    changed = rewrite(sample_grids, {590: {"id": second_id}, 600: {"reported_at": "2025/02/30 10:00"}})
    report = (
        import_checked_ahead(changed, sample_grids, 128, tmp_path)
        if ahead
        else import_in_parts(changed, sample_grids, 128)
    )
    rejected = {(rejection.row, rejection.reason.split(" '")[0]) for rejection in report.rejected}
    assert rejected == {(590, "duplicate id"), (600, "reported_at: unparseable date")}, report.render()
    assert "(first at row 2)" in next(r.reason for r in report.rejected if r.row == 590)
    assert report.total == SAMPLE_ROWS and report.written == 0
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(Incident)) == 0
    inspector = inspect(get_engine())
    expected = {str(index.name) for index in Base.metadata.tables["incident"].indexes}
    assert {str(index["name"]) for index in inspector.get_indexes("incident")} >= expected


@pytest.mark.parametrize("ahead", [False, True], ids=["part-after-part", "checked-ahead-in-a-fork"])
def test_a_malformed_line_in_a_later_part_is_named_and_undoes_the_parts_written_before(
    sample_grids: Sample, tmp_path: Path, ahead: bool
) -> None:
    """A line with a field too many, met only when its part is read (after parts have been written): the file is
    named as malformed, with the line, and nothing stays."""
    lines = sample_grids.incidents.read_bytes().decode("gbk").split("\r\n")
    header = lines[0]
    body = [line for line in lines[1:] if line]
    body[-1] += ",一个多余的字段"  # the last record gets a field the header does not have
    broken = tmp_path / "broken.csv"
    broken.write_bytes(("\r\n".join([header, *body]) + "\r\n").encode("gbk"))
    report = (
        import_checked_ahead(broken, sample_grids, 128, tmp_path)
        if ahead
        else import_in_parts(broken, sample_grids, 128)
    )
    assert report.written == 0 and any("not a well-formed CSV" in problem for problem in report.problems)
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(Incident)) == 0
