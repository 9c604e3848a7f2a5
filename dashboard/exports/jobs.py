"""Building a month's deck or PDF in the background, with progress, so a 10–20 s build never holds a web worker.

A job is a Redis hash (`<live prefix>exports:<id>`: who asked, what, its status, percent and step) and, once done, a
file under `<var dir>/exports/`. The web worker that is asked starts a child process
(`python -m dashboard.exports.jobs <id>`) from a small watcher thread and returns at once; the child counts the
month, draws the charts, writes progress to the hash and the file to disk; the page polls the hash from any worker
(nothing lives in one process's memory, so any number of gunicorn workers serve it). The watcher marks a job failed
when its child dies without saying why. At most MAX_RUNNING builds run at once over all workers (a Redis sorted
set of slots); a job waits, queued, for a slot; a second click on the same month follows the job already building.
Jobs and their files are forgotten after a day.

The file is handed out by GET /monthly/download/<id>: to the account that asked for it only, while its role may
export, and each download is written to the audit log.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, cast
from uuid import uuid4

from flask import Flask, Response, send_file

from dashboard.access.current import current_account
from dashboard.access.login import Account
from dashboard.access.roles import may_export
from dashboard.access.scope import area_of_code, within
from dashboard.config import Language, get_settings
from dashboard.data import audit
from dashboard.data.db import session_scope
from dashboard.data.redis_client import REDIS_DOWN, get_redis
from dashboard.data.vocab import AuditAction
from dashboard.exports.catalog import ExportRequest
from dashboard.exports.month_files import EmptyMonth
from dashboard.i18n import t
from dashboard.monthly_url import city_today, month_param, month_query_or_error

log = logging.getLogger(__name__)

JOB_ID = re.compile(r"[0-9a-f]{32}", re.ASCII)
KEEP_SECONDS = 24 * 3600
FORMATS = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
}
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
MAX_RUNNING = 2  # builds at once, over all workers: each is a process with its own browser, on shared cores
CHILD_SECONDS = 600  # a build that takes longer is stopped (and its slot counted free)
SLOT_POLL_SECONDS = 1.0


def job_key(job_id: str) -> str:
    return f"{get_settings().live_prefix}exports:{job_id}"


def latest_key(username: str, fmt: str) -> str:
    return f"{get_settings().live_prefix}exports:latest:{fmt}:{username}"


def latest_job(username: str, fmt: str) -> str | None:
    """The id of the account's newest job of this format (what its page follows), if it has not expired."""
    found = get_redis().get(latest_key(username, fmt))
    return str(found) if found else None


def exports_dir() -> Path:
    folder = get_settings().var_dir / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def create_job(fmt: str, query: dict[str, str], account: Account, lang: Language) -> str:
    """Record a job for `account` (PermissionError for a role that may not export; ValueError naming a bad `fmt`,
    `month` or `area`; OutOfScope for an area outside the account's). Returns its id; `start_job` runs it."""
    if not may_export(account.role):
        raise PermissionError(t("monthly.job.refused", lang))
    if fmt not in FORMATS:
        raise ValueError(f"format: {fmt!r} is not one of {', '.join(FORMATS)}")
    asked = month_query_or_error(query, city_today())
    within(account.scope, asked.area if asked.area.code else None)  # OutOfScope now, not in the child
    running = latest_job(account.username, fmt)
    job = read_job(running) if running else None
    if running and job and job.get("status") in (QUEUED, RUNNING) and job.get("query") == json.dumps(asked.to_query()):
        return running  # the same file is being built already: follow that one (a double click starts nothing)
    job_id = uuid4().hex
    record = {
        "status": QUEUED,
        "percent": "0",
        "step": "",
        "message": "",
        "format": fmt,
        "user": account.username,
        "scope": account.scope.code or "",
        "lang": lang,
        "query": json.dumps(asked.to_query()),
        "created": str(time.time()),
    }
    client = get_redis()
    client.hset(job_key(job_id), mapping=record)  # type: ignore[arg-type]  # str to str: what the hash holds
    client.expire(job_key(job_id), KEEP_SECONDS)
    client.set(latest_key(account.username, fmt), job_id, ex=KEEP_SECONDS)
    sweep()
    return job_id


def read_job(job_id: str) -> dict[str, str] | None:
    if not JOB_ID.fullmatch(job_id or ""):
        return None
    found = cast(dict[str, str], get_redis().hgetall(job_key(job_id)))  # decoded: the client decodes responses
    return dict(found) if found else None


def update_job(job_id: str, **fields: object) -> None:
    get_redis().hset(job_key(job_id), mapping={name: str(value) for name, value in fields.items()})


def start_job(job_id: str) -> threading.Thread | None:
    """Run the job in a child process, watched by a daemon thread (which returns at once to the caller); a job
    already started (by this or another worker) is not started again. None when nothing was started."""
    if not get_redis().hsetnx(job_key(job_id), "started", "1"):
        return None
    watcher = threading.Thread(target=_watch, args=(job_id,), name=f"export-{job_id[:8]}", daemon=True)
    watcher.start()
    return watcher


def running_key() -> str:
    return f"{get_settings().live_prefix}exports:running"


def take_slot(job_id: str) -> bool:
    """One of MAX_RUNNING build slots, shared by every worker through Redis (a slot held longer than a build may
    take is counted free: its worker died). False while all are taken."""
    client, now = get_redis(), time.time()
    client.zremrangebyscore(running_key(), 0, now - CHILD_SECONDS)
    if client.zcard(running_key()) >= MAX_RUNNING:
        return False
    client.zadd(running_key(), {job_id: now})
    return True


def _watch(job_id: str) -> None:
    try:
        _build_when_free(job_id)
    except REDIS_DOWN:  # the job's state lives in Redis: with Redis gone there is no one to tell
        log.warning("monthly export %s: Redis is unreachable, the job is given up", job_id)


def _build_when_free(job_id: str) -> None:
    waited = 0.0
    while not take_slot(job_id):  # the job stays queued (and says so) until a slot frees
        if waited >= CHILD_SECONDS:
            update_job(job_id, status=FAILED, message=t("status.unavailable", _lang(read_job(job_id) or {})))
            return
        time.sleep(SLOT_POLL_SECONDS)
        waited += SLOT_POLL_SECONDS
    command = [sys.executable, "-m", "dashboard.exports.jobs", job_id]
    try:
        child = subprocess.run(command, env=os.environ.copy(), capture_output=True, text=True, timeout=CHILD_SECONDS)
        code, errors = child.returncode, child.stderr
    except (OSError, subprocess.TimeoutExpired) as error:
        code, errors = -1, str(error)
    finally:
        get_redis().zrem(running_key(), job_id)
    job = read_job(job_id)
    if code != 0 and job is not None and job.get("status") not in (DONE, FAILED):
        log.error("monthly export %s: the child ended with %s: %s", job_id, code, errors[-2000:])
        update_job(job_id, status=FAILED, message=t("status.unavailable", _lang(job)))


def _lang(job: dict[str, str]) -> Language:
    return "en" if job.get("lang") == "en" else "zh-CN"


def run_job(job_id: str) -> None:
    """Build the job's file (in the child process; tests call it directly)."""
    from dashboard.exports.deck import build_deck  # imported here: the web worker never needs them
    from dashboard.exports.monthly_charts import month_pack
    from dashboard.exports.report_pdf import build_pdf

    job = read_job(job_id)
    if job is None:
        raise LookupError(f"export job {job_id} is gone")
    lang = _lang(job)
    update_job(job_id, status=RUNNING, percent=2, step=t("monthly.job.step.data", lang))

    def progress(percent: int, step: str) -> None:
        update_job(job_id, percent=percent, step=step)

    try:
        request = ExportRequest(json.loads(job["query"]), area_of_code(job["scope"] or None), lang)
        pack = month_pack(request)
        body = (build_deck if job["format"] == "pptx" else build_pdf)(pack, progress)
    except (EmptyMonth, ValueError, LookupError) as error:  # a message for the user, naming what is wrong
        update_job(job_id, status=FAILED, message=str(error))
        return
    path = exports_dir() / f"{job_id}.{job['format']}"
    partial = path.with_suffix(".part")
    partial.write_bytes(body)
    partial.replace(path)  # whole or not at all: a poll never sees half a file
    title = t("monthly.deck.title", lang, area=pack.view.area_name)
    filename = f"{title}-{month_param(pack.view.month)}.{job['format']}"
    update_job(job_id, status=DONE, percent=100, step="", path=str(path), filename=filename)


def sweep(now: float | None = None) -> None:
    """Delete finished files older than a day (their jobs have expired from Redis by then)."""
    limit = (now or time.time()) - KEEP_SECONDS
    for path in exports_dir().glob("*.*"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            continue


def _refusal(message: str, status: int) -> Response:
    return Response(json.dumps({"error": message}, ensure_ascii=False), status=status, mimetype="application/json")


def download(job_id: str) -> Response:
    """The finished file, to the account that asked for it (while its role may export), audited."""
    from dashboard.exports.routes import disposition

    lang = get_settings().language
    account = current_account()
    if not may_export(account.role):
        return _refusal(t("export.forbidden", lang), 403)
    job = read_job(job_id)
    if job is None or job.get("user") != account.username:
        return _refusal(t("monthly.job.lost", lang), 404)
    path = Path(job.get("path", ""))
    if job.get("status") != DONE or not path.is_file():
        return _refusal(t("monthly.job.lost", lang), 404)
    detail: dict[str, Any] = {
        "export": f"monthly.{job['format']}",
        "format": job["format"],
        "query": json.loads(job["query"]),
        "scope": job["scope"] or None,
        "job": job_id,
    }
    with session_scope() as session:
        audit.record(session, account.username, AuditAction.EXPORT, detail)
    response = send_file(path, mimetype=FORMATS[job["format"]], max_age=0)
    response.headers["Content-Disposition"] = disposition(job.get("filename") or path.name, path.name)
    response.headers["Cache-Control"] = "no-store"
    return response


def register_job_routes(server: Flask) -> None:
    server.add_url_rule("/monthly/download/<job_id>", "monthly_download", download, methods=["GET"])


if __name__ == "__main__":
    from dashboard.logs import configure_logging

    configure_logging()
    run_job(sys.argv[1])
