"""The command line: the report on stdout, the exit status, a wrong mapping named on stderr."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.importing.cli import main
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
