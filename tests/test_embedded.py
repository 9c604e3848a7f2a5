"""The README's run command on a machine with nothing configured: its own Redis and SQLite file, the app served by
gunicorn, two build workers, and everything stopped again on SIGTERM. Also `gunicorn app:server` on its own."""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil
import pytest
from redis import Redis
from rq import Queue, Worker
from sqlalchemy import text
from sqlalchemy.orm import Session

from dashboard.config import ROOT
from dashboard.data.city_zone import city_today
from dashboard.data.db import build_engine
from dashboard.data.queries import headline_figures
from dashboard.formatting import headline_period
from dashboard.importing.sample import write_sample
from tests.support.accounts import PASSWORD
from tests.support.events import add_worker, incident_reported
from tests.support.factories import add_city
from tests.support.servers import free_port

pytestmark = [pytest.mark.slow, pytest.mark.db_independent]  # the embedded default always uses its own SQLite


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def logged_in(base: str, username: str, password: str) -> urllib.request.OpenerDirector:
    """A client that keeps cookies, logged in through the login form."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    form = urllib.parse.urlencode({"username": username, "password": password}).encode()
    with opener.open(f"{base}/login", data=form, timeout=10) as response:  # follows the redirect to the wall
        assert response.status == 200 and response.url == f"{base}/"
    return opener


def wait_for(url: str, process: subprocess.Popen[str], seconds: float = 180) -> tuple[int, str]:
    # A deadline, not a speed: the embedded start (Redis, migrations, consumers, build workers, gunicorn) beside
    # three other test processes on two cores has taken over a minute.
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        try:
            return get(url)
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in {seconds} s")


def until(condition, seconds: float = 20) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def bare_environment(var_dir: Path, port: int) -> dict[str, str]:
    """The environment of a fresh machine: no DATABASE_URL, no REDIS_URL, nothing else of ours."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DASHBOARD_", "DATABASE_URL", "REDIS_URL"))
    }
    return {**env, "DASHBOARD_VAR_DIR": str(var_dir), "DASHBOARD_PORT": str(port)}


def start_embedded(
    var_dir: Path, port: int, *, threads: int, extra: tuple[str, ...] = ("--no-seed", "--no-simulator")
) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "dashboard.embedded", "--threads", str(threads), *extra]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=bare_environment(var_dir, port),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_the_embedded_default_runs_and_stops_cleanly(tmp_path):
    var_dir, port = tmp_path / "var", free_port()
    process = start_embedded(var_dir, port, threads=4)
    try:
        status, body = wait_for(f"http://127.0.0.1:{port}/healthz", process)
        assert (status, json.loads(body)) == (200, {"database": "up", "redis": "up"})
        status, page = get(f"http://127.0.0.1:{port}/")  # the login form, first
        assert status == 200 and "台州市网格化管理指挥中心" in page and 'id="login-password"' in page
        assert (var_dir / "dashboard.db").exists() and (var_dir / "appendonly.aof").exists()
        assert (var_dir / "redis.sock").is_socket()
        # Two build workers for the monthly deck and PDF: two builds at once, at most.
        embedded_redis = Redis(unix_socket_path=str(var_dir / "redis.sock"))
        builds = Queue("live:exports", connection=embedded_redis)  # the default live prefix, then "exports"
        until(lambda: Worker.count(queue=builds) == 2)
        embedded_redis.close()
        # The whole pipeline: an event posted to its API reaches its SQLite file through its Redis and consumer.
        engine = build_engine(f"sqlite:///{var_dir / 'dashboard.db'}")
        with Session(engine) as session, session.begin():
            add_city(session)
            token = add_worker(session)
        event = incident_reported()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/events",
            method="POST",
            data=json.dumps([event]).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 202

        def stored() -> bool:
            with engine.connect() as connection:
                query = text("SELECT count(*) FROM incident WHERE event_id = :id")
                return connection.execute(query, {"id": event["event_id"]}).scalar() == 1

        until(stored)
        engine.dispose()
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert not (var_dir / "redis.sock").exists()  # Redis stopped with it
    assert re.search(r"first login: user admin, password \S{12,}", output), output[-2000:]
    assert f"http://127.0.0.1:{port}/login?token=" in output


def test_a_second_run_on_the_same_var_dir_is_refused_while_the_first_runs(tmp_path):
    var_dir, port = tmp_path / "var", free_port()
    first = start_embedded(var_dir, port, threads=2)
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", first)
        second = subprocess.run(
            [sys.executable, "-m", "dashboard.embedded"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=bare_environment(var_dir, free_port()),
            timeout=60,
        )
        assert second.returncode == 1
        assert "another embedded Redis already answers" in second.stderr
        assert get(f"http://127.0.0.1:{port}/healthz")[0] == 200  # the first run is untouched
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=30)


def test_gunicorn_serves_the_same_app(tmp_path):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'g.db'}"}
    subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    subprocess.run(
        [sys.executable, "-m", "dashboard", "users", "create", "admin", "--role", "admin", "--password", PASSWORD],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "app:server",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        assert wait_for(f"{base}/_dash-layout", process)[0] == 401  # no login, no data
        with logged_in(base, "admin", PASSWORD).open(f"{base}/_dash-layout", timeout=10) as response:
            layout = json.loads(response.read())
        assert "指挥大屏" in json.dumps(layout, ensure_ascii=False)
        assert get(f"{base}/healthz")[0] == 200
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)


def test_the_embedded_default_is_seeded_and_kept_alive_by_the_simulator(tmp_path):
    var_dir, port = tmp_path / "var", free_port()
    # Patrols set out only in the city's morning and afternoon windows: at the city's clock 3,600 times faster, the
    # longest wait for one (16:30 to 7:30 the next day) is 15 s, whatever the time of day the test runs (at 600 times
    # it was 90 s, as long as the whole wait below).
    speedup = ("--speedup", "3600")
    process = start_embedded(var_dir, port, threads=8, extra=("--profile", "small", "--rate", "40", *speedup))
    engine = build_engine(f"sqlite:///{var_dir / 'dashboard.db'}")
    try:
        assert wait_for(f"http://127.0.0.1:{port}/healthz", process, seconds=240)[0] == 200
        started = datetime.now(UTC).replace(tzinfo=None) - timedelta(seconds=5)
        with Session(engine) as session:
            figures = headline_figures(session, headline_period(city_today())[0])
        assert round(figures.year_over_year.criminal_filed_change or 0, 2) == -37.34
        assert round(figures.year_over_year.solve_rate_change or 0, 2) == 4.76

        def live_reports() -> bool:
            with engine.connect() as connection:
                query = text("SELECT count(*) FROM incident WHERE reported_at >= :t")
                newer = connection.execute(query, {"t": started}).scalar() or 0
                query = text("SELECT count(*) FROM patrol_log WHERE started_at >= :t")
                return newer > 0 and (connection.execute(query, {"t": started}).scalar() or 0) > 0

        until(live_reports, seconds=90)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
        engine.dispose()
    assert process.returncode == 0, output[-3000:]


def test_a_helper_process_that_dies_is_started_again_and_the_app_stays_up(tmp_path):
    var_dir, port = tmp_path / "var", free_port()
    process = start_embedded(var_dir, port, threads=2)

    def warning_workers() -> list[psutil.Process]:
        found = []
        for child in psutil.Process(process.pid).children():
            with contextlib.suppress(psutil.Error):  # one killed and not yet reaped is a zombie: no command line
                if "dashboard.warning" in " ".join(child.cmdline()):
                    found.append(child)
        return found

    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", process)
        until(lambda: len(warning_workers()) == 1)
        (first,) = warning_workers()
        first.kill()  # dies without a word
        until(lambda: [w.pid for w in warning_workers()] not in ([], [first.pid]), seconds=30)
        assert get(f"http://127.0.0.1:{port}/healthz")[0] == 200 and process.poll() is None
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "warning exited with status -9; starting it again in 1 s" in output
    assert "warning started again" in output


def test_stopped_while_the_data_are_seeded_it_finishes_the_seed_and_starts_nothing(tmp_path):
    """Ctrl-C during the first start's seeding (minutes on the default profile): the seed is finished, not left half
    done, and then nothing is started (it used to start the web app, the consumers and the rest, only to stop them)."""
    var_dir, port = tmp_path / "var", free_port()
    process = start_embedded(var_dir, port, threads=2, extra=("--profile", "small"))
    until(lambda: (var_dir / "dashboard.db").exists(), seconds=60)  # the schema is made, the seed follows
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=240)
    assert process.returncode == 0, output[-3000:]
    assert "command center at" not in output and "ASGI server listening" not in output, output[-3000:]
    engine = build_engine(f"sqlite:///{var_dir / 'dashboard.db'}")
    with engine.connect() as connection:
        assert (connection.execute(text("SELECT count(*) FROM incident")).scalar() or 0) > 0
    engine.dispose()


def test_an_imported_city_runs_under_the_run_command_with_the_simulator(tmp_path):
    """The docs' sample city imported from files, then the README's run command: the simulator reports from the
    city's grids (through a gateway: an imported city has no grid workers), the ingest API and the consumer take
    every report, no process exits, and the first start prints the first login."""
    var_dir, port, files = tmp_path / "var", free_port(), tmp_path / "files"
    given = Path(os.path.relpath(var_dir, ROOT))  # relative to where the commands run, as docs/importing.md sets it
    write_sample(files, rows=600)
    for what, mapping, table, *options in (
        ("grids", "grids.yaml", "grids.geojson", "--replace"),
        ("records", "incidents.yaml", "incidents.csv"),
    ):
        command = [sys.executable, "-m", "dashboard.importing", what, "--mapping", str(files / mapping)]
        subprocess.run(
            [*command, str(files / table), *options],
            cwd=ROOT,
            env=bare_environment(given, port),
            check=True,
            capture_output=True,
            timeout=120,
        )
    # 100,000 times the city's pace: the sample's 1.5 incidents and the neutral 3 hazards a day come 5 a second.
    process = start_embedded(given, port, threads=4, extra=("--speedup", "100000"))
    engine = build_engine(f"sqlite:///{var_dir / 'dashboard.db'}")
    redis = Redis(unix_socket_path=str(var_dir / "redis.sock"), decode_responses=True)
    live = "SELECT count(*) FROM {table} JOIN grid ON grid.id = {table}.grid_id WHERE event_id NOT LIKE 'import/%'"
    try:
        assert wait_for(f"http://127.0.0.1:{port}/healthz", process)[0] == 200

        def reported(table: str) -> int:
            with engine.connect() as connection:
                return connection.execute(text(live.format(table=table))).scalar() or 0

        until(lambda: reported("incident") >= 2 and reported("hazard") >= 2, seconds=60)
        with engine.connect() as connection:
            counties = connection.execute(text("SELECT DISTINCT county_code FROM incident")).scalars().all()
        assert set(counties) <= {"990101", "990102"}  # the sample city's, as imported and as reported
        assert redis.xlen("events:dead") == 0  # every report stored: none named an unknown grid or worker
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
        engine.dispose()
        redis.close()
    assert process.returncode == 0, output[-3000:]
    assert "exited with status" not in output, output[-3000:]
    assert re.search(r"dashboard.simulate: sent [1-9]\d* events \(0 refused\)", output), output[-3000:]
    assert re.search(r"first login: user admin, password \S{12,}", output), output[-3000:]
