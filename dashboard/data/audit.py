"""The audit log (审计日志): who logged in or failed to, exported, unmasked, or changed users, hash-chained.

Each entry's hash covers the previous entry's hash and its own content, so changing, removing or inserting a row
anywhere breaks the chain from there on; `verify_chain` finds the first broken entry. The previous hash is unique:
two writers racing for the same place in the chain cannot both win, and the loser retries on the new end.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dashboard.data.models import AuditEntry
from dashboard.data.periods import utc_now
from dashboard.data.vocab import AuditAction

GENESIS = "0" * 64  # the "previous hash" of the first entry
ATTEMPTS = 5


def entry_hash(previous_hash: str, at: datetime, actor: str, action: str, detail: str) -> str:
    content = json.dumps([previous_hash, at.isoformat(timespec="microseconds"), actor, action, detail])
    return hashlib.sha256(content.encode()).hexdigest()


def _last_hash(session: Session) -> str:
    last = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    return last or GENESIS


def record(session: Session, actor: str, action: AuditAction, detail: Mapping[str, Any] | None = None) -> AuditEntry:
    """Append one entry (committed in a savepoint of the caller's transaction, retried if another writer took the
    same place in the chain)."""
    text = json.dumps(dict(detail or {}), ensure_ascii=False, sort_keys=True, default=str)
    for attempt in range(ATTEMPTS):
        at = utc_now()
        previous = _last_hash(session)
        entry = AuditEntry(
            at=at,
            actor=actor,
            action=action,
            detail=text,
            previous_hash=previous,
            hash=entry_hash(previous, at, actor, str(action), text),
        )
        try:
            with session.begin_nested():
                session.add(entry)
            return entry
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class ChainCheck:
    entries: int
    broken_at: int | None  # the id of the first entry whose hash or link does not hold; None: intact

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify_chain(session: Session) -> ChainCheck:
    """Walk the chain in id order, recomputing every hash."""
    previous, count = GENESIS, 0
    rows = session.execute(
        select(AuditEntry.id, AuditEntry.at, AuditEntry.actor, AuditEntry.action, AuditEntry.detail,
               AuditEntry.previous_hash, AuditEntry.hash).order_by(AuditEntry.id)
    )  # fmt: skip
    for row in rows:
        count += 1
        expected = entry_hash(previous, row.at, row.actor, str(row.action), row.detail)
        if row.previous_hash != previous or row.hash != expected:
            return ChainCheck(count, row.id)
        previous = row.hash
    return ChainCheck(count, None)


def entries(
    session: Session,
    *,
    actor: str | None = None,
    actions: Sequence[AuditAction] = (),
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 500,
) -> list[AuditEntry]:
    """The newest entries first, filtered (for the admin page)."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if actions:
        query = query.where(AuditEntry.action.in_(list(actions)))
    if since:
        query = query.where(AuditEntry.at >= since)
    if until:
        query = query.where(AuditEntry.at < until)
    return list(session.scalars(query))
