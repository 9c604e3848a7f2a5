"""The wall's banner names a simulator that runs faster than the city, and goes when it stops."""

from __future__ import annotations

from dashboard.callbacks.live import show_connection_status
from dashboard.simulate import announce_speedup


def test_the_banner_names_the_speedup_while_the_simulator_runs_faster_than_the_city():
    text, hidden, _updated = show_connection_status(0)
    assert (text, hidden) == ("", True)  # the city's own pace: nothing to say
    announce_speedup(60)
    text, hidden, updated = show_connection_status(0)
    assert not hidden and "60 倍速" in text and "数据更新于" in updated
    announce_speedup(1)  # what the simulator does when it stops
    assert show_connection_status(0)[:2] == ("", True)
