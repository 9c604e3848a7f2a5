"""Rankings on the drill-down charts: every area's count per 10,000 residents beside the count, and tied areas
sharing a rank (1, 2, 2, 4); the exported tables against plain SQL over the raw rows and the grids' residents."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from dashboard.data.ranking import ranked
from tests.callbacks.test_drill_pages import END, START, rows
from tests.support.accounts import signed_in_client
from tests.support.drill_data import add_drill_city
from tests.support.export_files import csv_rows

DRILL = "period=custom&from=2025-03-01&to=2025-08-31"


def competition_ranks(counts: dict[str, int]) -> dict[str, int]:
    """1 + how many areas have more: the rank a tie shares."""
    return {code: 1 + sum(other > n for other in counts.values()) for code, n in counts.items()}


def test_tied_areas_share_a_rank_and_the_next_one_skips():
    frame = pd.DataFrame({"code": ["a", "b", "c", "d"], "filed": [9, 5, 5, 1]})
    out = ranked(frame, "filed", {"a": 30_000, "b": 10_000, "c": 0, "d": 20_000})
    assert list(out["rank"]) == [1, 2, 2, 4]
    assert list(out["per_10k"].round(2).fillna(-1)) == [3.0, 5.0, -1, 0.5]  # no residents: no rate


def test_the_area_exports_rank_by_count_with_the_rate_per_10k_residents(dash_app):
    add_drill_city()
    client = signed_in_client(dash_app, "analyst")
    people = {row.county_code: int(row.n) for row in rows(
        "SELECT county_code, SUM(residents + migrants) AS n FROM grid GROUP BY county_code"
    )}  # fmt: skip
    reported = rows(
        "SELECT county_code, place_type FROM incident WHERE reported_at >= :s AND reported_at < :e", s=START, e=END
    )
    filed = rows(
        "SELECT county_code FROM incident WHERE kind = 'criminal' AND filed_at >= :s AND filed_at < :e", s=START, e=END
    )
    expected = {
        "trends.areas": ("案事件数", Counter(row.county_code for row in reported)),
        "rental.areas": (
            "出租房案件",
            Counter(row.county_code for row in reported if row.place_type == "rental_housing"),
        ),
        "solve.areas": ("立案数", Counter(row.county_code for row in filed)),
    }
    for name, (column, counts) in expected.items():
        exported = {row["编号"]: row for row in csv_rows(client.get(f"/export/{name}.csv?{DRILL}").data)}
        counted = {code: counts.get(code, 0) for code in exported}
        assert {code: int(row[column]) for code, row in exported.items()} == counted, name
        assert {code: int(row["排名"]) for code, row in exported.items()} == competition_ranks(counted), name
        for code, row in exported.items():
            assert float(row["每万人"]) == round(counted[code] / people[code] * 10_000, 1), (name, code)
