"""The processes of an install on one machine: one that exits is started again with growing delays while the rest
go on, and the wall's banner names it until it has been back for a while. Real processes and the real Redis."""

from __future__ import annotations

import logging
import re
import sys
import time

import pytest
from dash.testing.wait import until

from dashboard.callbacks.live import show_connection_status
from dashboard.data.redis_client import get_redis
from dashboard.processes import SHOWN_FOR, Supervisor, troubled

FAILS = [sys.executable, "-c", "raise SystemExit(3)"]
LASTS = [sys.executable, "-c", "import time; time.sleep(60)"]


def delays(caplog: pytest.LogCaptureFixture, name: str) -> list[float]:
    pattern = re.compile(rf"{name} exited with status 3; starting it again in ([\d.]+) s")
    return [float(m.group(1)) for r in caplog.records if (m := pattern.match(r.getMessage()))]


def test_a_process_that_exits_is_started_again_with_growing_delays_and_the_others_go_on(caplog):
    caplog.set_level(logging.INFO, logger="dashboard.embedded")
    supervisor = Supervisor(get_redis(), first=0.1, cap=0.4, stable=30)
    supervisor.start("simulator", FAILS)
    web = supervisor.start("web", LASTS)
    try:
        deadline = time.monotonic() + 10
        while len(delays(caplog, "simulator")) < 5 and time.monotonic() < deadline:
            supervisor.check()
            time.sleep(0.02)
        assert delays(caplog, "simulator")[:5] == [0.1, 0.2, 0.4, 0.4, 0.4]
        assert supervisor.running()["web"] is web and web.poll() is None  # never touched
        (state,) = troubled(get_redis())
        assert (state.name, state.state, state.status) == ("simulator", "restarting", 3) and state.exits >= 5
        message, hidden, _updated = show_connection_status(0)
        assert not hidden and "后台进程“模拟上报”已退出，正在重新启动" in message
    finally:
        for process in supervisor.running().values():
            process.kill()


def test_one_that_ran_a_while_before_it_exited_starts_again_at_once_and_leaves_the_banner_when_back(caplog, tmp_path):
    caplog.set_level(logging.INFO, logger="dashboard.embedded")
    supervisor = Supervisor(get_redis(), first=0.1, cap=5, stable=0.3)
    runs = tmp_path / "runs"
    script = (  # three runs of half a second that fail, then one that lasts
        f"import pathlib, sys, time; p = pathlib.Path({str(runs)!r}); n = len(p.read_text()) if p.exists() else 0; "
        "p.write_text('x' * (n + 1)); time.sleep(0.5 if n < 3 else 60); sys.exit(3)"
    )
    supervisor.start("warning", [sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 10
        while len(delays(caplog, "warning")) < 3 and time.monotonic() < deadline:
            supervisor.check()
            time.sleep(0.02)
        assert delays(caplog, "warning")[:3] == [0.1, 0.1, 0.1]  # each ran longer than `stable`: no growth
        until(lambda: supervisor.check() or runs.read_text() == "xxxx", timeout=5)  # the fourth run, lasting
        (state,) = troubled(get_redis())
        assert state.state == "running"
        message, hidden, _updated = show_connection_status(0)
        assert not hidden and "后台进程“预警引擎”已重新启动" in message
        assert troubled(get_redis(), now=time.time() + SHOWN_FOR + 1) == []  # back for a while: off the banner
    finally:
        for process in supervisor.running().values():
            process.kill()
