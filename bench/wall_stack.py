"""The app as production runs it, for the wall and push benchmarks: a redis-server of its own, a SQLite file with the
tiny test city and a device token, one stream consumer process and `gunicorn app:asgi --worker-class asgi` (or, as a
baseline, the threaded `gunicorn app:server -k gthread` that served everything before), every process stopped at
the end (SIGTERM, then SIGKILL), whatever happened."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from uuid import uuid4

import psutil
import requests

from dashboard import ingest
from dashboard.access.accounts import create_user, issue_login_token
from dashboard.config import ROOT, get_settings
from dashboard.data import db
from dashboard.data.db import session_scope, upgrade_to_head
from dashboard.data.redis_client import get_redis, reset_redis
from dashboard.data.vocab import Role
from tests.support.events import add_gateway
from tests.support.factories import add_city
from tests.support.servers import RedisServer, free_port

CONSUMER = "bench-wall"


def wait_for(condition: Callable[[], object], *, timeout: float, what: str, every: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def reset_process_caches() -> None:
    """This process reads the same settings as the services: forget whatever was cached before they changed."""
    get_settings.cache_clear()
    db.reset_caches()
    reset_redis()
    ingest.reset_caches()


def terminate(process: subprocess.Popen[bytes], timeout: float = 15) -> None:
    """SIGTERM, then SIGKILL after `timeout` seconds; children left behind (a gunicorn worker) are killed too."""
    try:
        children = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for child in children:
        with suppress(psutil.NoSuchProcess):
            child.kill()


class Stack:
    """Start with `start()`; `stop()` is safe to call at any point, also after a failed start."""

    def __init__(self, workdir: Path, *, threads: int = 32, front: str = "asgi", workers: int = 1) -> None:
        """`front`: "asgi" (push streams on the event loop, `threads` threads for the rest) or "gthread" (every
        request, push streams too, on one of `threads` threads)."""
        self.workdir, self.threads, self.front, self.workers = workdir, threads, front, workers
        self.redis = RedisServer(workdir / "redis")
        self.port = free_port()
        self.web: subprocess.Popen[bytes] | None = None
        self.consumer: subprocess.Popen[bytes] | None = None
        self.token = ""
        self.worker_start_rss = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        prefix = f"bench-wall:{uuid4().hex[:8]}:"
        return {
            "DATABASE_URL": f"sqlite:///{self.workdir / 'wall.db'}",
            "REDIS_URL": self.redis.url,
            "DASHBOARD_EVENT_STREAM": f"{prefix}events",
            "DASHBOARD_DEAD_LETTER_STREAM": f"{prefix}dead",
            "DASHBOARD_LIVE_PREFIX": f"{prefix}live:",
            "DASHBOARD_VAR_DIR": str(self.workdir / "var"),
            "DASHBOARD_WEB_THREADS": str(self.threads),
            "PYTHONUNBUFFERED": "1",
        }

    def start(self) -> None:
        self.redis.start()
        os.environ.update(self.environment())  # this process seeds the database and reads the stream too
        reset_process_caches()
        upgrade_to_head(get_settings().database_url)
        with session_scope() as session:
            add_city(session)
            self.token = add_gateway(session)  # reports from every grid
            create_user(session, "bench-wall", secrets.token_urlsafe(16), Role.WALL_SCREEN)
            self.login_token = issue_login_token(session, "bench-wall")
        self.consumer = self.spawn(
            "consumer", [sys.executable, "-m", "dashboard.pipeline.consumer", "--name", CONSUMER]
        )
        wait_for(self.consumer_reading, timeout=60, what="the stream consumer")
        server = ["app:asgi", "-k", "asgi"] if self.front == "asgi" else ["app:server", "-k", "gthread"]
        command = [
            *(sys.executable, "-m", "gunicorn", *server, "--workers", str(self.workers)),
            *("--threads", str(self.threads), "--no-control-socket", "--bind", f"127.0.0.1:{self.port}"),
        ]
        self.web = self.spawn("web", command)
        wait_for(lambda: answers(f"{self.base_url}/healthz") or self.web_exited(), timeout=120, what="gunicorn")
        if self.web_exited():
            raise RuntimeError(f"gunicorn exited: {self.log_tail('web')}")
        self.worker_start_rss = sum(worker.memory_info().rss for worker in self.all_workers())

    def login_url(self, next_path: str = "/healthz") -> str:
        """Where a browser logs in as the bench's wall screen (then lands on a page with no data: /healthz)."""
        return f"{self.base_url}/login?token={self.login_token}&next={next_path}"

    def http(self) -> requests.Session:
        """An HTTP client logged in as the bench's wall screen."""
        client = requests.Session()
        client.get(self.login_url(), timeout=30).raise_for_status()
        return client

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.http().cookies.items())

    def spawn(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        with (self.workdir / f"{name}.log").open("wb") as log:
            return subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT)

    def web_exited(self) -> bool:
        return self.web is not None and self.web.poll() is not None

    def consumer_reading(self) -> bool:
        if self.consumer is not None and self.consumer.poll() is not None:
            raise RuntimeError(f"the consumer exited: {self.log_tail('consumer')}")
        try:
            return bool(get_redis().xinfo_groups(get_settings().event_stream))  # the consumer made its group
        except Exception:  # the stream does not exist yet
            return False

    def worker(self) -> psutil.Process:
        """The gunicorn worker (not the master): the process that serves requests and holds the app's memory."""
        workers = self.all_workers()
        if len(workers) != 1:
            raise RuntimeError(f"expected one gunicorn worker, found {len(workers)}")
        return workers[0]

    def all_workers(self) -> list[psutil.Process]:
        assert self.web is not None
        return list(psutil.Process(self.web.pid).children())

    def consumer_backlog(self) -> tuple[int, int]:
        """(entries not yet delivered to the group, entries delivered but not acknowledged)."""
        groups = get_redis().xinfo_groups(get_settings().event_stream)
        return int(groups[0].get("lag") or 0), int(groups[0]["pending"])

    def newest_stream_id(self) -> str:
        newest = get_redis().xrevrange(get_settings().event_stream, count=1)
        return str(newest[0][0]) if newest else "0-0"

    def log_tail(self, name: str, size: int = 3000) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace")[-size:] if path.exists() else "(no log)"

    def stop(self) -> None:
        for process in (self.web, self.consumer):
            if process is not None:
                terminate(process)
        reset_redis()
        db.reset_caches()
        self.redis.stop(kill=True)
