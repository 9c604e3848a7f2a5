"""The sample city (dashboard.importing.sample) written to a temporary folder, and imported into the test's
database (each test has its own database and var/ folder: tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dashboard.data.db import get_engine, session_scope
from dashboard.data.models import Base
from dashboard.importing.grids import import_grids, read_features
from dashboard.importing.mapping import load_grid_mapping, load_record_mapping
from dashboard.importing.readers import read_table
from dashboard.importing.record_import import import_records
from dashboard.importing.report import ImportReport
from dashboard.importing.sample import write_sample

SAMPLE_ROWS = 600
NEW_YORK = "America/New_York"  # 2025-03-09 02:00 → 03:00 (EST → EDT); 2025-11-02 02:00 → 01:00 (EDT → EST)


@dataclass(frozen=True)
class Sample:
    folder: Path

    @property
    def grids(self) -> Path:
        return self.folder / "grids.geojson"

    @property
    def grid_mapping(self) -> Path:
        return self.folder / "grids.yaml"

    @property
    def incidents(self) -> Path:
        return self.folder / "incidents.csv"

    @property
    def incident_mapping(self) -> Path:
        return self.folder / "incidents.yaml"


@pytest.fixture
def sample(tmp_path: Path) -> Sample:
    write_sample(tmp_path / "sample", rows=SAMPLE_ROWS)
    return Sample(tmp_path / "sample")


def import_grid_file(path: Path, mapping: Path, *, dry_run: bool = False, replace: bool = True) -> ImportReport:
    report = ImportReport(file=path.name, what="grids")
    features = read_features(path, report)
    return import_grids(get_engine(), features, load_grid_mapping(mapping), report, dry_run=dry_run, replace=replace)


def import_record_file(path: Path, mapping_path: Path, *, dry_run: bool = False, **options: bool) -> ImportReport:
    mapping = load_record_mapping(mapping_path)
    report = ImportReport(file=path.name, what=mapping.records)
    frame = read_table(path, encoding=mapping.encoding, sheet=mapping.sheet)
    return import_records(get_engine(), frame, mapping, report, dry_run=dry_run, show_progress=False, **options)


@pytest.fixture
def sample_grids(sample: Sample) -> Iterator[Sample]:
    """The sample's grids imported (the city is then the sample city); no records yet."""
    report = import_grid_file(sample.grids, sample.grid_mapping)
    assert report.ok and report.written == 24, report.render()
    yield sample


@pytest.fixture
def new_york(sample: Sample) -> Sample:
    """The sample city on New York's clock (its grid mapping's zone, stored with the city)."""
    sample.grid_mapping.write_text(sample.grid_mapping.read_text(encoding="utf-8") + f"timezone: {NEW_YORK}\n")
    report = import_grid_file(sample.grids, sample.grid_mapping)
    assert report.ok and f"time zone: {NEW_YORK} (the mapping's timezone)" in report.render(), report.render()
    return sample


@pytest.fixture
def sample_city(sample_grids: Sample) -> Sample:
    """The sample's grids and incidents imported."""
    report = import_record_file(sample_grids.incidents, sample_grids.incident_mapping)
    assert report.ok and report.written == SAMPLE_ROWS, report.render()
    return sample_grids


def table_counts() -> dict[str, int]:
    """Rows in every table: what "changes nothing" is checked against."""
    with session_scope() as session:
        return {
            table.name: int(session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
        }
