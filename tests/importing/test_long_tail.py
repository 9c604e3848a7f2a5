"""The long tail of types: an `other` (其他) subtype in every incident kind and hazard category, routed, labelled and
accepted from the phones; and a value map's `default`, which takes the values the map does not list, counted by
value in the report (where without it each such row is rejected)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from dashboard.data.db import session_scope
from dashboard.data.models import Incident
from dashboard.data.routing import get_routing
from dashboard.data.vocab import HAZARD_SUBTYPES, OTHER, SUBTYPES, HazardSeverity
from dashboard.filter_url import FilterParams, parse_query
from dashboard.i18n import t
from dashboard.importing.mapping import load_record_mapping
from dashboard.importing.parts import add_counts, counts_of, since
from dashboard.importing.readers import read_parts
from dashboard.importing.records import Checker, no_grids
from dashboard.importing.report import ImportReport
from dashboard.pipeline.events import HazardReported, IncidentReported, MalformedEvent, parse_event
from tests.importing.conftest import Sample, import_record_file, table_counts
from tests.support.events import envelope

HEADER = "编号,类别,小类,报警时间,纬度,经度\n"
OFFENCES = ["盗窃", "刑事毁坏", "枪支", "刑事毁坏", "纵火", "其他犯罪", "刑事毁坏", "theft"]  # theft: a code name


def write_file(folder: Path, subtype_map: str) -> tuple[Path, Path]:
    table = folder / "long.csv"
    table.write_text(
        HEADER
        + "".join(f"L{n},刑事案件,{offence},2025-06-01 12:00,29.91,122.01\n" for n, offence in enumerate(OFFENCES)),
        encoding="utf-8",
    )
    mapping = folder / "long.yaml"
    mapping.write_text(
        "records: incidents\nsource: long\n"
        "columns: {id: 编号, kind: 类别, subtype: 小类, reported_at: 报警时间, lat: 纬度, lon: 经度}\n"
        f"values: {{kind: {{刑事案件: criminal}}, subtype: {subtype_map}}}\n",
        encoding="utf-8",
    )
    return table, mapping


def test_every_kind_and_category_has_other_routed_and_labelled() -> None:
    routing = get_routing()  # config/routing.yaml: a subtype it does not cover stops start-up
    for kind, subtypes in SUBTYPES.items():
        assert OTHER in subtypes
        assert routing.incident(kind, OTHER).department in routing.departments
    for category, subtypes in HAZARD_SUBTYPES.items():
        assert OTHER in subtypes
        for severity in HazardSeverity:
            assert routing.hazard(category, OTHER, severity).department in routing.departments
    assert (t("subtype.other", "zh-CN"), t("subtype.other", "en")) == ("其他", "Other")


def test_the_phones_may_report_other_of_every_kind_and_category() -> None:
    place = {"grid_code": "331004-001-0001", "lat": 28.58, "lon": 121.37}
    for kind in SUBTYPES:
        event = parse_event(envelope("incident.reported", kind=kind.value, subtype=OTHER, place_type="other", **place))
        assert isinstance(event, IncidentReported) and event.subtype == OTHER
    for category in HAZARD_SUBTYPES:
        event = parse_event(envelope("hazard.reported", category=category.value, subtype=OTHER, **place))
        assert isinstance(event, HazardReported) and event.subtype == OTHER
    with pytest.raises(MalformedEvent, match="subtype"):
        parse_event(envelope("incident.reported", kind="criminal", subtype="arson", place_type="other", **place))


def test_other_needs_its_kind_in_a_drill_down_address() -> None:
    """`other` is every kind's: asked for alone it cannot say which kind to count, so it is named as wrong."""
    assert parse_query({"kind": "criminal", "subtype": "other"}).params.subtype == OTHER
    alone = parse_query({"subtype": "other"})
    assert alone.params.subtype is None and [error.value for error in alone.errors] == ["other"]
    assert parse_query({"subtype": "theft"}).params.subtype == "theft"  # a subtype of one kind still names it
    with pytest.raises(ValueError, match="is not a subtype"):
        FilterParams(subtype=OTHER)


def test_without_a_default_each_unlisted_value_is_rejected(sample_grids: Sample, tmp_path: Path) -> None:
    table, mapping = write_file(tmp_path, "{盗窃: theft}")
    before = table_counts()
    report = import_record_file(table, mapping)
    assert {r.row: r.reason for r in report.rejected} == {
        row: f"subtype: unknown value '{value}'" for row, value in zip(range(3, 9), OFFENCES[1:7], strict=True)
    }
    assert table_counts() == before


def test_a_default_catches_the_unlisted_values_and_the_report_counts_them(sample_grids: Sample, tmp_path: Path) -> None:
    table, mapping = write_file(tmp_path, "{盗窃: theft, default: other}")
    dry = import_record_file(table, mapping, dry_run=True)
    report = import_record_file(table, mapping)
    expected = Counter(offence for offence in OFFENCES if offence not in ("盗窃", "theft"))
    for checked in (dry, report):
        assert checked.ok and checked.defaulted == {"subtype": expected}, checked.render()
        assert (
            "  values.subtype.default: 6 rows with a value the map does not list became 'other': "
            "'刑事毁坏' 3, '枪支' 1, '纵火' 1, '其他犯罪' 1" in checked.render()
        )
    assert report.written == len(OFFENCES)
    with session_scope() as session:
        stored = dict(session.execute(select(Incident.event_id, Incident.subtype)).all())
    assert {key.removeprefix("import/long/"): value for key, value in stored.items()} == {
        f"L{n}": "theft" if offence in ("盗窃", "theft") else OTHER for n, offence in enumerate(OFFENCES)
    }


def test_the_counts_of_a_default_add_up_across_parts_checked_apart(tmp_path: Path) -> None:
    """Parts checked in another process send back what each added to the report (parts.py): the counts of the
    default arrive whole."""
    table, mapping_path = write_file(tmp_path, "{盗窃: theft, default: other}")
    mapping = load_record_mapping(mapping_path)
    apart = ImportReport(file="long.csv", what="incidents")  # filled part by part, as the parent's is
    checker = Checker(mapping, no_grids(), ImportReport(file="long.csv", what="incidents"), set())
    for frame in read_parts(table, rows=3).parts:
        before = counts_of(checker.report)
        checker.check(frame)
        add_counts(apart, since(checker.report, before))
    assert apart.defaulted == checker.report.defaulted == {"subtype": Counter({"刑事毁坏": 3, "枪支": 1, "纵火": 1,
                                                                              "其他犯罪": 1})}  # fmt: skip
    assert apart.total == len(OFFENCES) and len(apart.rejected) == len(OFFENCES)  # no grids: outside every one


def test_a_default_that_is_no_code_name_is_named(sample_grids: Sample, tmp_path: Path) -> None:
    table, mapping = write_file(tmp_path, "{盗窃: theft, default: misc}")
    report = import_record_file(table, mapping, dry_run=True)
    assert report.rejected[0].row == 3 and report.rejected[0].reason == (
        "subtype: unknown value '刑事毁坏', and values.subtype.default 'misc' is no subtype"
    )


def test_the_top_subtypes_chart_names_the_kind_of_each_other() -> None:
    """Every kind has `other`: each of its bars says which kind's it is, so two never share one label (plotly would
    draw them as one bar)."""
    import pandas as pd

    from dashboard.figures.case_trends import top_subtypes

    frame = pd.DataFrame(
        {"kind": ["criminal", "dispute", "criminal"], "subtype": ["theft", "other", "other"],
         "current": [9, 5, 4], "baseline": [8, 5, 2], "change": [0.125, 0.0, 1.0]}
    )  # fmt: skip
    for lang, expected in (("zh-CN", ["其他（刑事案件）", "其他（矛盾纠纷）", "盗窃"]),
                           ("en", ["Other (Criminal cases)", "Other (Disputes)", "Theft"])):  # fmt: skip
        bars = top_subtypes(frame, compare="yoy", lang=lang).data[0]
        assert list(bars.y) == expected and list(bars.x) == [4, 5, 9]
