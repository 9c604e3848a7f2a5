"""The wall's alert panel lists overdue records one line per township (a sweep raises one alert per record: hundreds
at start), every other alert on its own, red first; acknowledging or escalating a township's line does it to each of
its records, within the account's area."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from dashboard.data.db import session_scope
from dashboard.data.models import Alert, AuditEntry
from dashboard.data.periods import CITY, Area, AreaLevel, utc_now
from dashboard.warning import alerts
from dashboard.warning.severity import Level
from dashboard.warning.wall_list import group_alert_ids, wall_alerts
from tests.support.factories import alert

NOW = utc_now()
SHITANG, DAXI, LUQIAO = "331024101", "331081104", "331004001"  # two townships' overdue records, one's spike


def overdue(township: str, minutes_ago: int = 10, **fields: object) -> Alert:
    return alert("overdue", township, NOW - timedelta(minutes=minutes_ago), **fields)


def stored(*rows: Alert) -> None:
    with session_scope() as session:
        session.add_all(rows)


def test_overdue_records_are_one_line_per_township_beside_each_other_alert_red_first():
    stored(
        *[overdue(SHITANG, minutes_ago=n) for n in range(2, 14)],
        *[overdue(DAXI, minutes_ago=30 + n, level="orange" if n < 2 else "yellow") for n in range(5)],
        alert("grid_spike", LUQIAO, NOW - timedelta(minutes=40), level="red", count=9, grid_code="331004-001-0001"),
        alert("patrol_gap", LUQIAO, NOW - timedelta(minutes=1)),
        overdue(SHITANG, minutes_ago=60 * 30),  # a day and more ago: off the wall
    )
    with session_scope() as session:
        lines, more = wall_alerts(session, CITY, now=NOW, limit=6)
        expected = Counter(
            township
            for (township,) in session.execute(
                select(Alert.township_code).where(Alert.rule == "overdue", Alert.updated_at >= NOW - alerts.SHOWN_FOR)
            )
        )
    assert expected == {SHITANG: 12, DAXI: 5}
    assert [(line["rule"], line["township_code"], line["level"], line["count"]) for line in lines] == [
        ("grid_spike", LUQIAO, "red", 9),
        ("overdue", DAXI, "orange", expected[DAXI]),  # the highest level among its records
        ("patrol_gap", LUQIAO, "yellow", 1),  # then yellow, the latest grown first
        ("overdue", SHITANG, "yellow", expected[SHITANG]),
    ]
    assert more == 0
    assert lines[1]["id"] == f"overdue:{DAXI}" and lines[1]["acknowledged_at"] is None


def test_a_township_line_is_acknowledged_and_escalated_record_by_record_within_the_area():
    stored(*[overdue(SHITANG) for _ in range(3)], overdue(DAXI))
    xianju = Area(AreaLevel.COUNTY, "331024")
    with session_scope() as session:
        assert group_alert_ids(session, xianju, f"overdue:{DAXI}", now=NOW) == []  # another county's
        assert group_alert_ids(session, xianju, "overdue:nonsense", now=NOW) is None
        found = group_alert_ids(session, xianju, f"overdue:{SHITANG}", now=NOW)
        assert found is not None and len(found) == 3
        assert alerts.acknowledge_all(session, found, "xianju-leader") == 3
        assert alerts.acknowledge_all(session, found, "xianju-leader") == 0  # once
        assert alerts.escalate_all(session, found, "xianju-leader", level=Level.YELLOW) == 3
    with session_scope() as session:
        rows = session.scalars(select(Alert).where(Alert.township_code == SHITANG)).all()
        assert {(a.acknowledged_by, a.escalation, a.escalated_by) for a in rows} == {
            ("xianju-leader", "county", "xianju-leader")
        }
        audited = session.scalars(select(AuditEntry.action).where(AuditEntry.actor == "xianju-leader")).all()
        assert sorted(audited) == ["alert_acknowledged", "alert_escalated"]  # one entry each, naming the three
        lines, _ = wall_alerts(session, xianju, now=NOW)
    [line] = lines
    assert line["acknowledged_at"] is not None and line["escalation"] == "county" and line["escalated_count"] == 3
