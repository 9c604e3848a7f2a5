"""月度通报 as issued: each month's bulletin for an area, its running number (文号) and its 下步工作要求.

A bulletin gets its number when it is first issued as a file (the deck, the PDF, the cron pack): the next number of
the area's year, so an area's bulletins of one year are numbered 1, 2, 3 … in the order they went out, and a file
built again carries the number it was first given. The 下步工作要求 a leader writes on the page is kept with the month
(None until written: the bulletin then shows the text generated from the month's problems); every change is written
to the audit log with the text before and after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dashboard.data import audit
from dashboard.data.models import MonthlyBulletin
from dashboard.data.periods import Area, Period, utc_now
from dashboard.data.vocab import AuditAction

REQUIREMENTS_LIMIT = 4000  # characters: a page of text, more than a 通报's last section needs
ATTEMPTS = 5  # two first issues racing for the same number: the loser takes the next


@dataclass(frozen=True)
class StoredBulletin:
    number: int | None  # None: not issued yet
    issued_at: datetime | None  # naive UTC
    requirements: str | None  # None: the generated text
    edited_at: datetime | None
    edited_by: str | None


NOT_STORED = StoredBulletin(None, None, None, None, None)


def area_key(area: Area) -> str:
    return area.code or ""


def _row(session: Session, area: Area, month: Period) -> MonthlyBulletin | None:
    query = select(MonthlyBulletin).where(
        MonthlyBulletin.area_code == area_key(area), MonthlyBulletin.month == month.start
    )
    return session.scalars(query).one_or_none()


def _stored(row: MonthlyBulletin | None) -> StoredBulletin:
    if row is None:
        return NOT_STORED
    return StoredBulletin(row.number, row.issued_at, row.requirements, row.edited_at, row.edited_by)


def stored(session: Session, area: Area, month: Period) -> StoredBulletin:
    """What is kept of the month's bulletin for the area (NOT_STORED: nothing yet)."""
    return _stored(_row(session, area, month))


def _row_for(session: Session, area: Area, month: Period) -> MonthlyBulletin:
    """The month's row, made if missing (in a savepoint: another writer may make it first, and then that one is it)."""
    row = _row(session, area, month)
    if row is not None:
        return row
    try:
        with session.begin_nested():
            row = MonthlyBulletin(area_code=area_key(area), month=month.start, year=month.start.year)
            session.add(row)
    except IntegrityError:
        row = _row(session, area, month)
        assert row is not None
    return row


def clean_requirements(text: str | None) -> str | None:
    """The text as kept: line ends normalised, blank edges trimmed; None for an empty one (the generated text
    returns). ValueError naming `requirements` when it is too long."""
    cleaned = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(cleaned) > REQUIREMENTS_LIMIT:
        raise ValueError(f"requirements: at most {REQUIREMENTS_LIMIT} characters (got {len(cleaned)})")
    return cleaned or None


def save_requirements(session: Session, area: Area, month: Period, text: str | None, actor: str) -> StoredBulletin:
    """Keep the leader's 下步工作要求 with the month (empty: back to the generated text), audited when it changed."""
    cleaned = clean_requirements(text)
    row = _row_for(session, area, month)
    if row.requirements == cleaned:
        return _stored(row)
    detail = {
        "area": area_key(area),
        "month": f"{month.start:%Y-%m}",
        "before": row.requirements,
        "after": cleaned,
    }
    row.requirements, row.edited_at, row.edited_by = cleaned, utc_now(), actor
    session.flush()
    audit.record(session, actor, AuditAction.BULLETIN_EDITED, detail)
    return _stored(row)


def issue(session: Session, area: Area, month: Period) -> StoredBulletin:
    """The bulletin as issued: numbered now (the next number of the area's year) unless it already has its number."""
    for attempt in range(ATTEMPTS):
        row = _row_for(session, area, month)
        if row.number is not None:
            return _stored(row)
        taken = session.scalar(
            select(func.max(MonthlyBulletin.number)).where(
                MonthlyBulletin.area_code == row.area_code, MonthlyBulletin.year == row.year
            )
        )
        try:
            with session.begin_nested():
                row.number, row.issued_at = int(taken or 0) + 1, utc_now()
                session.flush()
            return _stored(row)
        except IntegrityError:  # another build took that number first
            session.refresh(row)
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def issue_date(bulletin: StoredBulletin, today: date, zone: str) -> date:
    """The date the bulletin carries: the city-clock day it was first issued; today while it is not issued yet."""
    if bulletin.issued_at is None:
        return today
    return bulletin.issued_at.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).date()
