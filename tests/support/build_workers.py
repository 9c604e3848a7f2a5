"""Build workers for tests: `python -m dashboard.exports.build_worker`, a process of its own as `make run` starts it,
in the test's environment (its key prefix, so a queue no other test sees; its database and var dir)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from rq import Queue, Worker
from rq.results import Result

from dashboard.config import ROOT, get_settings
from dashboard.exports.builds import build_queue

COMMAND = [sys.executable, "-m", "dashboard.exports.build_worker"]


def run_builds() -> str:
    """Build what is queued: a worker in burst mode, which stops when the queue is empty. Its log."""
    done = subprocess.run([*COMMAND, "--burst"], cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stderr


@contextmanager
def build_worker() -> Iterator[subprocess.Popen[bytes]]:
    """A worker waiting for builds, as `make run` runs it; SIGTERM at the end (it stops between builds)."""
    log = get_settings().var_dir / "build-worker.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as output:
        process = subprocess.Popen(COMMAND, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while Worker.count(queue=build_queue()) == 0:  # registered: it takes builds from now on
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def forget_builds(queue: Queue) -> None:
    """The test's builds (queued, running or ended), their outcomes and its queue, out of the shared Redis."""
    registries = (queue.started_job_registry, queue.finished_job_registry, queue.failed_job_registry)
    for build_id in {*queue.get_job_ids(), *(found for registry in registries for found in registry.get_job_ids())}:
        job = queue.fetch_job(build_id)
        if job is not None:
            Result.delete_all(job)
            try:
                job.delete()
            except ValueError:
                # RQ reads each execution its registry names, and a killed build's execution can end (its hash
                # deleted by the worker) between the read of the registry and of the hash: drop the registry first
                queue.connection.delete(job.execution_registry.key)
                job.delete()
    queue.delete()
