"""An alert card's line of what its rule found: from the alert's detail, and none (never a server error on the wall)
when the detail lacks what the line needs, as an alert written by an earlier version may."""

from __future__ import annotations

from dashboard.components.alert_panel import describe


def test_a_spike_says_what_it_saw_and_an_alert_without_its_detail_says_nothing():
    spike = {"id": 1, "rule": "grid_spike", "detail": {"hours": 3, "observed": 9, "expected": 0.5}, "peak_ratio": 18}
    assert describe(spike, "zh-CN").startswith("3 小时内 9 起")
    assert describe({**spike, "detail": {}}, "zh-CN") == ""
    assert describe({"id": 2, "rule": "patrol_gap", "detail": {"workers": 2}}, "en") == ""
