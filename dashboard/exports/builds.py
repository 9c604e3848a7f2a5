"""The month's deck and PDF, built in the background on RQ, so a build of some seconds never holds a web worker.

A click enqueues a build on the queue `<live prefix>exports` of the app's Redis and returns at once. Build workers
(`python -m dashboard.exports.build_worker`) take builds one at a time each, so the number of workers running is the
number of builds at once (`make run` starts two). The job's meta holds who asked, for what, and the progress the
build writes as it goes (percent and step); the page reads it from any web worker. RQ marks a build failed when it
raises (an empty month: the reason is kept for the page), when it runs past BUILD_SECONDS, and when its process dies;
a build whose whole worker died stays in RQ's started registry until its heartbeat lapses (about 90 s), and reading
it then marks it failed, so no build stays "running". A second click on the same month follows the build already
queued or running. Builds and their files are forgotten after a day.

The file is handed out by GET /monthly/download/<id> (dashboard/exports/routes.py).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

from rq import Queue, get_current_job
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer
from sqlalchemy.exc import SQLAlchemyError

from dashboard.access.login import Account
from dashboard.access.roles import may_export
from dashboard.access.scope import area_of_code, within
from dashboard.config import Language, get_settings
from dashboard.data.city_zone import city_today
from dashboard.data.db import get_engine
from dashboard.data.redis_client import get_raw_redis, get_redis
from dashboard.exports.catalog import ExportRequest
from dashboard.exports.month_files import EmptyMonth
from dashboard.exports.monthly_charts import month_pack
from dashboard.i18n import t
from dashboard.monthly_url import month_param, month_query_or_error

BUILD_ID = re.compile(r"[0-9a-f]{32}", re.ASCII)
MEDIA_TYPES = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
}
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
PAGE_STATUS = {JobStatus.QUEUED: QUEUED, JobStatus.STARTED: RUNNING, JobStatus.FINISHED: DONE}  # the rest: FAILED
KEEP_SECONDS = 24 * 3600  # builds, their outcome and their files
WAIT_SECONDS = 600  # a build no worker has taken by then is dropped (the page says it is gone)
BUILD_SECONDS = 600  # a build that takes longer is stopped and marked failed


@dataclass(frozen=True)
class Build:
    """A build as the page and the download route see it."""

    id: str
    status: str  # QUEUED, RUNNING, DONE or FAILED
    percent: int
    step: str  # what it is doing, in the asker's language
    message: str  # why it failed, in the asker's language
    user: str  # who asked: the only account that may download the file
    fmt: str
    query: dict[str, str]
    scope: str | None  # the asker's area code (None: the city)
    filename: str
    path: Path | None  # the file, once done


def build_queue() -> Queue:
    # JSON, not RQ's default pickle: a job read back from Redis is data, never code.
    return Queue(f"{get_settings().live_prefix}exports", connection=get_raw_redis(), serializer=JSONSerializer)


def latest_key(username: str, fmt: str) -> str:
    return f"{get_settings().live_prefix}exports:latest:{fmt}:{username}"


def exports_dir() -> Path:
    folder = get_settings().var_dir / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def ask_for_build(fmt: str, query: dict[str, str], account: Account, lang: Language) -> str:
    """The id of the build that makes the month's `fmt` file for `account`: its build of the same file still queued
    or running (a double click starts nothing), or a new one. PermissionError for a role that may not export;
    ValueError naming a bad `fmt`, `month` or `area`; OutOfScope for an area outside the account's."""
    if not may_export(account.role):
        raise PermissionError(t("monthly.job.refused", lang))
    if fmt not in MEDIA_TYPES:
        raise ValueError(f"format: {fmt!r} is not one of {', '.join(MEDIA_TYPES)}")
    asked = month_query_or_error(query, city_today())
    within(account.scope, asked.area if asked.area.code else None)  # OutOfScope now, not in the worker
    wanted = asked.to_query()
    newest = latest_build(account.username, fmt)
    if newest is not None and newest.status in (QUEUED, RUNNING) and newest.query == wanted:
        return newest.id
    build_id = uuid4().hex
    asker = {"user": account.username, "format": fmt, "scope": account.scope.code, "lang": lang, "query": wanted}
    build_queue().enqueue_call(
        build_month_file,
        args=(fmt, wanted, account.scope.code, lang),
        job_id=build_id,
        meta=asker | {"percent": 0, "step": t("monthly.job.step.data", lang)},  # the first step, once running
        timeout=BUILD_SECONDS,
        ttl=WAIT_SECONDS,
        result_ttl=KEEP_SECONDS,
        failure_ttl=KEEP_SECONDS,
    )
    get_redis().set(latest_key(account.username, fmt), build_id, ex=KEEP_SECONDS)
    sweep()
    return build_id


def latest_build(username: str, fmt: str) -> Build | None:
    """The account's newest build of this format (what its page follows), if it has not expired."""
    found = get_redis().get(latest_key(username, fmt))
    return read_build(str(found)) if found else None


def read_build(build_id: str) -> Build | None:
    """The build, or None when there is none of that id on this install's queue (expired, or never made)."""
    if not BUILD_ID.fullmatch(build_id or ""):
        return None
    queue = build_queue()
    try:
        job = Job.fetch(build_id, connection=queue.connection, serializer=JSONSerializer)
        status = job.get_status(refresh=False)
        if status == JobStatus.STARTED:
            queue.started_job_registry.cleanup()  # marks it failed if its worker died and the heartbeat lapsed
            status = job.get_status()
    except (NoSuchJobError, InvalidJobOperation):
        return None
    if job.origin != queue.name:
        return None
    meta: dict[str, Any] = job.get_meta(refresh=False)
    shown = PAGE_STATUS.get(status, FAILED)
    lang: Language = "en" if meta.get("lang") == "en" else "zh-CN"
    return Build(
        id=build_id,
        status=shown,
        percent=int(meta.get("percent") or 0),
        step=str(meta.get("step") or ""),
        message=str(meta.get("message") or t("monthly.job.broken", lang)) if shown == FAILED else "",
        user=str(meta.get("user") or ""),
        fmt=str(meta.get("format") or ""),
        query=dict(meta.get("query") or {}),
        scope=meta.get("scope") or None,
        filename=str(meta.get("filename") or ""),
        path=Path(meta["path"]) if shown == DONE and meta.get("path") else None,
    )


def build_month_file(fmt: str, query: dict[str, str], scope: str | None, lang: Language) -> None:
    """The job a build worker runs: count the month, lay out its 通报, charts and tables (the bulletin numbered if it
    was not yet), write the file under exports_dir(), reporting progress in the job's meta. A bad query or a month
    with nothing to report fails the build with the reason."""
    from dashboard.exports.deck import build_deck  # the web workers never need these; the build worker loads them
    from dashboard.exports.report_pdf import build_pdf

    job = get_current_job()
    if job is None:
        raise RuntimeError("build_month_file runs as a job on the build queue")
    # RQ forks a process for each build: the pooled connections it inherited are the worker's (and a killed
    # build's may be left in a transaction), so it opens its own, leaving those to their owner.
    get_engine().dispose(close=False)

    def progress(percent: int, step: str) -> None:
        write_meta(job, percent=percent, step=step)

    progress(2, t("monthly.job.step.data", lang))
    try:
        pack = month_pack(ExportRequest(query, area_of_code(scope), lang), issue=True)  # the file gives it its 文号
        body = (build_deck if fmt == "pptx" else build_pdf)(pack, progress)
    except (EmptyMonth, ValueError, LookupError, SQLAlchemyError) as error:  # a reason for the user
        write_meta(job, message=t("status.unavailable", lang) if isinstance(error, SQLAlchemyError) else str(error))
        raise
    path = exports_dir() / f"{job.id}.{fmt}"
    partial = path.with_suffix(".part")
    partial.write_bytes(body)
    partial.replace(path)  # whole or not at all: a download never gets half a file
    title = t("monthly.deck.title", lang, area=pack.view.area_name)
    write_meta(job, percent=100, step="", path=str(path), filename=f"{title}-{month_param(pack.view.month)}.{fmt}")


def write_meta(job: Job, **fields: object) -> None:
    """Progress and outcome, for the page to read (the worker is the only writer once the build is queued)."""
    job.meta.update(fields)
    job.save_meta()  # type: ignore[no-untyped-call]  # rq leaves it unannotated


def sweep(now: float | None = None) -> None:
    """Delete finished files older than a day (their builds have expired from Redis by then)."""
    limit = (now or time.time()) - KEEP_SECONDS
    for path in exports_dir().glob("*.*"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            continue
