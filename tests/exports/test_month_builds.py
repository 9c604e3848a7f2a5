"""The page's background builds of the month's deck and PDF, on RQ and a real build worker process: a build is
queued, built and downloaded by the account that asked only (audited); a second click follows the build already
queued; an empty month fails with its reason; a build whose process dies, or that runs past its time, is failed
instead of staying "running"."""

from __future__ import annotations

import io
import json
import os
import time

import psutil
import pytest
from pptx import Presentation
from sqlalchemy import select

from dashboard.access.login import Account
from dashboard.data.db import session_scope
from dashboard.data.models import AuditEntry
from dashboard.data.vocab import AuditAction, Role
from dashboard.exports import builds
from dashboard.i18n import t
from tests.support.accounts import account, signed_in_client
from tests.support.build_workers import build_worker, run_builds
from tests.support.monthly_data import add_month_city

JUNE = {"month": "2025-06"}
ANALYST = Account(1, "analyst", Role.ANALYST, None, "")


def audited_exports() -> list[dict[str, object]]:
    with session_scope() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.EXPORT)).all()
        return [json.loads(row.detail) | {"actor": row.actor} for row in rows]


def status_of(build_id: str) -> builds.Build:
    build = builds.read_build(build_id)
    assert build is not None
    return build


def wait_for(build_id: str, *statuses: str, seconds: float = 90) -> builds.Build:
    deadline = time.monotonic() + seconds
    while (build := status_of(build_id)).status not in statuses:
        assert time.monotonic() < deadline, build
        time.sleep(0.1)
    return build


def test_a_build_makes_the_deck_and_only_its_owner_downloads_it(dash_app):
    add_month_city()
    client = signed_in_client(dash_app, "analyst", Role.ANALYST)
    build_id = builds.ask_for_build("pptx", JUNE, ANALYST, "zh-CN")
    assert status_of(build_id).status == builds.QUEUED
    run_builds()
    build = status_of(build_id)
    assert (build.status, build.percent, build.filename) == (builds.DONE, 100, "台州市网格化管理月度通报-2025-06.pptx")
    response = client.get(f"/monthly/download/{build_id}")
    assert response.status_code == 200 and "2025-06.pptx" in response.headers["Content-Disposition"]
    shapes = [shape for slide in Presentation(io.BytesIO(response.data)).slides for shape in slide.shapes]
    assert any("全市刑事立案" in shape.text_frame.text for shape in shapes if shape.has_text_frame)
    assert [entry["job"] for entry in audited_exports()] == [build_id]
    other = signed_in_client(dash_app, "other", Role.ADMIN)
    assert other.get(f"/monthly/download/{build_id}").status_code == 404  # not theirs
    assert len(audited_exports()) == 1


def test_roles_that_may_not_export_get_no_build_and_no_file(dash_app):
    add_month_city()
    account("staff", Role.TOWNSHIP_STAFF, "331004001")
    staff = Account(2, "staff", Role.TOWNSHIP_STAFF, "331004001", "")
    with pytest.raises(PermissionError):
        builds.ask_for_build("pdf", JUNE, staff, "zh-CN")
    client = signed_in_client(dash_app, "staff", Role.TOWNSHIP_STAFF, area="331004001")
    assert client.get(f"/monthly/download/{'0' * 32}").status_code == 403


def test_a_second_click_follows_the_build_and_an_empty_month_fails_with_its_reason():
    add_month_city()
    first = builds.ask_for_build("pdf", {"month": "2023-02"}, ANALYST, "zh-CN")
    assert builds.ask_for_build("pdf", {"month": "2023-02"}, ANALYST, "zh-CN") == first  # queued: the same build
    run_builds()
    failed = status_of(first)
    assert failed.status == builds.FAILED and "2023年2月" in failed.message
    assert not list(builds.exports_dir().glob(f"{first}*"))  # nothing written
    again = builds.ask_for_build("pdf", {"month": "2023-02"}, ANALYST, "zh-CN")
    assert again != first  # failed: a click builds it anew
    assert builds.ask_for_build("pdf", {"month": "2023-03"}, ANALYST, "zh-CN") != again  # another month: another


def test_a_build_whose_process_dies_or_that_overruns_is_marked_failed(monkeypatch, tmp_path):
    """The deck's template is a pipe nobody writes to, so each build hangs reading it until the test kills it or its
    time runs out, however fast the machine counts."""
    add_month_city()
    hanging = tmp_path / "template-that-hangs.pptx"
    os.mkfifo(hanging)
    monkeypatch.setenv("DASHBOARD_DECK_TEMPLATE", str(hanging))
    broken = t("monthly.job.broken", "zh-CN")
    with build_worker() as worker:
        dying = builds.ask_for_build("pptx", JUNE, ANALYST, "zh-CN")
        wait_for(dying, builds.RUNNING)
        (horse,) = psutil.Process(worker.pid).children()  # the process RQ forked for this build
        horse.kill()  # it dies without a word
        assert wait_for(dying, builds.FAILED, builds.DONE).message == broken
        monkeypatch.setattr(builds, "BUILD_SECONDS", 1)  # the time the build is given, set when it is asked for
        slow = builds.ask_for_build("pptx", JUNE, ANALYST, "zh-CN")
        assert wait_for(slow, builds.FAILED, builds.DONE).message == broken
        assert builds.ask_for_build("pptx", JUNE, ANALYST, "zh-CN") != dying  # a new click builds it anew
