"""Local times across daylight saving: in a zone whose clocks skip an hour in spring and repeat one in autumn, a
time that does not exist or happens twice is rejected by default, with a reason naming the field, its column, the
cell and the rule, by the dry run as by the import; the mapping's `local_times` rule resolves them instead."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from dashboard.data.db import session_scope
from dashboard.data.models import Incident
from tests.importing.conftest import Sample, import_record_file, table_counts

HEADER = "编号,类别,小类,报警时间,破案时间,纬度,经度\n"
ROWS = {
    "N1": "N1,刑事案件,盗窃,2025-06-01 12:00,,29.91,122.01\n",  # summer: UTC-4
    "N2": "N2,刑事案件,盗窃,2025-03-09 02:30,,29.91,122.01\n",  # skipped by the clocks
    "N3": "N3,刑事案件,盗窃,2025-11-02 01:30,,29.91,122.01\n",  # repeated by the clocks
    "N4": "N4,刑事案件,盗窃,2025-10-01 09:00,2025-11-02 01:15,29.91,122.01\n",  # solved at a repeated time
}


def write_file(folder: Path, *, rule: str = "") -> tuple[Path, Path]:
    table = folder / "ny.csv"
    table.write_text(HEADER + "".join(ROWS.values()), encoding="utf-8")
    mapping = folder / "ny.yaml"
    mapping.write_text(
        "records: incidents\nsource: ny\n"
        "columns: {id: 编号, kind: 类别, subtype: 小类, reported_at: 报警时间, solved_at: 破案时间,\n"
        "          lat: 纬度, lon: 经度}\n"
        "values: {kind: {刑事案件: criminal}, subtype: {盗窃: theft}}\n" + rule,
        encoding="utf-8",
    )
    return table, mapping


def test_skipped_and_repeated_times_are_rejected_alike_by_the_dry_run_and_the_import(
    new_york: Sample, tmp_path: Path
) -> None:
    table, mapping = write_file(tmp_path)
    before = table_counts()
    dry = import_record_file(table, mapping, dry_run=True)
    real = import_record_file(table, mapping)  # before the fix: IntegrityError, NOT NULL incident.reported_at
    expected = {
        3: "reported_at: local time '2025-03-09 02:30' (column 报警时间) does not exist in America/New_York, as the "
        "clocks go forward; rule local_times.nonexistent: reject (shift_forward moves it to the end of the gap)",
        4: "reported_at: local time '2025-11-02 01:30' (column 报警时间) happens twice in America/New_York, as the "
        "clocks go back; rule local_times.ambiguous: reject (earlier or later picks one of the two)",
        5: "solved_at: local time '2025-11-02 01:15' (column 破案时间) happens twice in America/New_York, as the "
        "clocks go back; rule local_times.ambiguous: reject (earlier or later picks one of the two)",
    }
    for report in (dry, real):
        assert {rejection.row: rejection.reason for rejection in report.rejected} == expected, report.render()
        assert report.accepted == 1 and report.written == 0
        for reason in expected.values():
            assert reason in report.render()  # the summary prints each reason whole
    assert table_counts() == before


@pytest.mark.parametrize(
    ("rule", "reported", "solved"),
    [
        # N2 shifted to 03:00 EDT; N3 and N4's solving time the first of the two (EDT, UTC-4)
        ("local_times: {nonexistent: shift_forward, ambiguous: earlier}", "05:30", "05:15"),
        # the second of the two (EST, UTC-5)
        ("local_times: {nonexistent: shift_forward, ambiguous: later}", "06:30", "06:15"),
    ],
    ids=["earlier", "later"],
)
def test_a_rule_resolves_them(new_york: Sample, tmp_path: Path, rule: str, reported: str, solved: str) -> None:
    table, mapping = write_file(tmp_path, rule=rule + "\n")
    dry = import_record_file(table, mapping, dry_run=True)
    assert dry.ok and dry.accepted == 4, dry.render()
    report = import_record_file(table, mapping)
    assert report.ok and report.written == 4, report.render()
    with session_scope() as session:
        stored = {
            row.event_id.removeprefix("import/ny/"): (row.reported_at, row.solved_at)
            for row in session.execute(select(Incident.event_id, Incident.reported_at, Incident.solved_at))
        }
    assert stored == {  # naive UTC
        "N1": (datetime(2025, 6, 1, 16, 0), None),
        "N2": (datetime(2025, 3, 9, 7, 0), None),  # 03:00 EDT: the end of the gap
        "N3": (datetime.fromisoformat(f"2025-11-02 {reported}"), None),
        "N4": (datetime(2025, 10, 1, 13, 0), datetime.fromisoformat(f"2025-11-02 {solved}")),
    }


@pytest.mark.parametrize(
    ("rule", "rejected"),
    [("local_times: {nonexistent: shift_forward}", {4, 5}), ("local_times: {ambiguous: later}", {3})],
    ids=["only-nonexistent-resolved", "only-ambiguous-resolved"],
)
def test_each_half_of_the_rule_resolves_only_its_own_times(
    new_york: Sample, tmp_path: Path, rule: str, rejected: set[int]
) -> None:
    table, mapping = write_file(tmp_path, rule=rule + "\n")
    report = import_record_file(table, mapping, dry_run=True)
    assert {rejection.row for rejection in report.rejected} == rejected, report.render()


def test_a_wrong_rule_is_named(tmp_path: Path) -> None:
    from dashboard.importing.mapping import MappingError, load_record_mapping

    _, mapping = write_file(tmp_path, rule="local_times: {ambiguous: first}\n")
    with pytest.raises(MappingError, match=r"ny.yaml: local_times.ambiguous: Input should be 'reject', 'earlier'"):
        load_record_mapping(mapping)
