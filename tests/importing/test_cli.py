"""The command line: the report on stdout, the exit status, a wrong mapping named on stderr."""

from __future__ import annotations

import csv
import gzip
import json
import sqlite3
import zipfile
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy import create_engine, inspect, text

from dashboard.importing.cli import main
from dashboard.importing.sample import HEADERS
from tests.conftest import ON_POSTGRES, POSTGRES_URL, reset_cached, schema_url
from tests.importing.conftest import SAMPLE_ROWS, Sample, table_counts


def test_a_dry_run_then_an_import_then_a_reimport(sample: Sample, capsys: pytest.CaptureFixture[str]) -> None:
    grids = ["grids", "--mapping", str(sample.grid_mapping), str(sample.grids)]
    records = ["records", "--quiet", "--mapping", str(sample.incident_mapping), str(sample.incidents)]
    assert main([*grids, "--dry-run"]) == 0
    assert "dry run: the database was not changed" in capsys.readouterr().out
    assert main([*grids, "--replace"]) == 0
    assert "imported: 24 new grids" in capsys.readouterr().out
    assert main([*records, "--dry-run"]) == 0
    assert f"accepted: {SAMPLE_ROWS:,} (already imported: 0)" in capsys.readouterr().out
    assert table_counts()["incident"] == 0
    assert main(records) == 0
    assert f"imported: {SAMPLE_ROWS:,} new incidents" in capsys.readouterr().out
    assert main(records) == 0
    assert f"(already imported: {SAMPLE_ROWS:,})" in capsys.readouterr().out
    assert table_counts()["incident"] == SAMPLE_ROWS


def test_a_wrong_mapping_exits_2_and_a_bad_file_exits_1(
    sample: Sample, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = tmp_path / "bad.yaml"
    mapping.write_text("records: incidents\nsource: x\ncolumns: {lat: 纬度}\n", encoding="utf-8")
    assert main(["records", "--mapping", str(mapping), str(sample.incidents)]) == 2
    assert "bad.yaml: columns.lon: field required for incidents" in capsys.readouterr().err
    assert main(["records", "--mapping", str(sample.incident_mapping), str(sample.incidents)]) == 1  # no grids yet
    out = capsys.readouterr().out
    assert "is outside every grid" in out and "nothing imported: the database was not changed" in out
    assert main(["records", "--mapping", str(sample.incident_mapping), str(tmp_path / "missing.csv")]) == 1
    assert "missing.csv: no such file" in capsys.readouterr().out


def test_a_gzipped_or_zipped_file_imports_as_the_csv(sample: Sample, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grids", "--mapping", str(sample.grid_mapping), str(sample.grids), "--replace"]) == 0
    gzipped = sample.folder / "incidents.csv.gz"
    gzipped.write_bytes(gzip.compress(sample.incidents.read_bytes()))
    zipped = sample.folder / "export.zip"
    with zipfile.ZipFile(zipped, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(sample.incidents, "export/incidents.csv")
    records = ["records", "--quiet", "--mapping", str(sample.incident_mapping)]
    assert main([*records, str(gzipped)]) == 0
    assert f"imported: {SAMPLE_ROWS:,} new incidents" in capsys.readouterr().out
    assert main([*records, str(zipped)]) == 0  # the same rows: the same identities
    assert f"(already imported: {SAMPLE_ROWS:,})" in capsys.readouterr().out
    assert table_counts()["incident"] == SAMPLE_ROWS


def test_every_rejected_row_is_in_the_report_file_and_the_summary_cuts_no_reason(
    sample: Sample, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """More rejected rows than the summary lists one by one: each reason is printed whole with its row numbers, and
    --report writes every row with its number and reason."""
    assert main(["grids", "--mapping", str(sample.grid_mapping), str(sample.grids), "--replace"]) == 0
    with sample.incidents.open(encoding="gbk", newline="") as handle:
        rows = list(csv.DictReader(handle))
    first_id = rows[0][HEADERS["id"]]
    for row in rows[1:60]:  # file rows 3 to 61: a reason with " (" in it, which the summary used to cut
        row[HEADERS["id"]] = first_id
    for row in rows[99:130]:  # file rows 101 to 131
        row[HEADERS["reported_at"]] = "yesterday"
    rows[199][HEADERS["lat"]] = "north"  # file row 201: a reason of one row
    changed = tmp_path / "changed.csv"
    with changed.open("w", encoding="gbk", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report_file = tmp_path / "rejected.csv"
    before = table_counts()
    command = ["records", "--quiet", "--mapping", str(sample.incident_mapping), str(changed)]
    assert main([*command, "--dry-run", "--report", str(report_file)]) == 1
    out = capsys.readouterr().out
    duplicate = f"duplicate id '{first_id}' (first at row 2)"
    assert f"    59 rows: {duplicate}\n      rows 3-61\n" in out
    assert "    31 rows: reported_at: unparseable date 'yesterday'\n      rows 101-131\n" in out
    assert "    row 201: lat: not a number 'north'\n" in out
    assert f"  every rejected row with its reason: {report_file}" in out
    with report_file.open(encoding="utf-8-sig", newline="") as handle:
        written = list(csv.reader(handle))
    assert written[0] == ["row", "reason"]
    assert written[1:] == [[str(n), duplicate] for n in range(3, 62)] + [
        [str(n), "reported_at: unparseable date 'yesterday'"] for n in range(101, 132)
    ] + [["201", "lat: not a number 'north'"]]
    assert main(command) == 1  # without --report, the summary says how to get every row
    assert "every rejected row with its reason: run again with --report FILE" in capsys.readouterr().out
    assert table_counts() == before


def test_a_grid_file_with_bad_features_writes_them_to_the_report_file(
    sample: Sample, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    collection = json.loads(sample.grids.read_text(encoding="utf-8"))
    collection["features"][2]["geometry"] = None
    broken = tmp_path / "grids.geojson"
    broken.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    report_file = tmp_path / "rejected.csv"
    assert main(["grids", "--mapping", str(sample.grid_mapping), str(broken), "--report", str(report_file)]) == 1
    assert "feature 3: geometry: missing or empty" in capsys.readouterr().out
    with report_file.open(encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle)) == [["feature", "reason"], ["3", "geometry: missing or empty"]]


@pytest.fixture
def empty_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Callable[[], list[str]]]:
    """DATABASE_URL names a database with no tables (a SQLite file not yet created, or a new PostgreSQL schema);
    yields what lists its tables (a SQLite file that does not exist has none, and is not created by looking)."""
    if ON_POSTGRES:
        schema = f"empty_{uuid4().hex[:10]}"
        admin = create_engine(POSTGRES_URL)
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        monkeypatch.setenv("DATABASE_URL", schema_url(POSTGRES_URL, schema))
        reset_cached()

        def tables() -> list[str]:
            return sorted(inspect(admin).get_table_names(schema=schema))

        yield tables
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
        return
    path = tmp_path / "empty" / "new.db"
    path.parent.mkdir()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    reset_cached()

    def sqlite_tables() -> list[str]:
        if not path.exists():
            return []
        with closing(sqlite3.connect(path)) as connection:
            return sorted(name for (name,) in connection.execute("SELECT name FROM sqlite_master"))

    yield sqlite_tables
    assert not path.exists(), "the dry run created the SQLite file"


def test_a_dry_run_leaves_an_empty_database_empty(
    sample: Sample, empty_database: Callable[[], list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    grids = ["grids", "--mapping", str(sample.grid_mapping), str(sample.grids), "--dry-run"]
    assert main(grids) == 0
    assert "accepted: 24" in capsys.readouterr().out
    assert main([*grids, "--replace"]) == 0
    records = ["records", "--quiet", "--mapping", str(sample.incident_mapping), str(sample.incidents), "--dry-run"]
    assert main(records) == 1  # no grids yet: what the import would find, and say
    out = capsys.readouterr().out
    assert f"{SAMPLE_ROWS:,} rows: point" not in out and "is outside every grid" in out
    assert "dry run: the database was not changed" in out
    assert empty_database() == []
