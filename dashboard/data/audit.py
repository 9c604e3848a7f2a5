"""The audit log (审计日志): who logged in or failed to, exported, unmasked, or changed users, hash-chained.

Each entry's hash covers the previous entry's hash and its own content, so changing, removing or inserting a row
anywhere breaks the chain from there on; `verify_chain` finds the first broken entry. The previous hash is unique:
two writers racing for the same place in the chain cannot both win, and the loser retries on the new end.

Removing the newest entries leaves a shorter chain that still holds, so the head is also kept outside the table:
after each commit the newest entry's id and hash go to Redis (`anchored_head`) and to the log ("audit head …", kept
with the day's logs). `verify_chain` given that head finds a cut tail. The application's database role cannot cut it
either: UPDATE, DELETE and (on PostgreSQL) TRUNCATE are refused by triggers.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from redis import Redis
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dashboard.config import get_settings
from dashboard.data.models import AuditEntry
from dashboard.data.periods import utc_now
from dashboard.data.redis_client import REDIS_DOWN, get_redis
from dashboard.data.vocab import AuditAction

log = logging.getLogger("dashboard.audit")

GENESIS = "0" * 64  # the "previous hash" of the first entry
ATTEMPTS = 5
# Keep the newer of two heads: commits of different workers may reach Redis in any order.
ANCHOR = """
local held = tonumber(redis.call('HGET', KEYS[1], 'id') or '0')
if tonumber(ARGV[1]) > held then redis.call('HSET', KEYS[1], 'id', ARGV[1], 'hash', ARGV[2]) end
return 0
"""


@dataclass(frozen=True)
class Head:
    id: int
    hash: str


def head_key() -> str:
    return f"{get_settings().live_prefix}audit:head"


def anchored_head(client: Redis | None = None) -> Head | None:
    """The newest entry as anchored outside the table; None when none was anchored or Redis does not answer."""
    try:
        held = (client or get_redis()).hgetall(head_key())
    except REDIS_DOWN:
        return None
    return Head(int(held["id"]), str(held["hash"])) if held.get("id") else None


def anchor(entry_id: int, entry_hash_: str, _committed: Session | None = None) -> None:
    """Record the head (after the commit that wrote it: a rolled-back entry is never anchored)."""
    log.info("audit head %d %s", entry_id, entry_hash_)
    try:
        get_redis().eval(ANCHOR, 1, head_key(), entry_id, entry_hash_)
    except REDIS_DOWN as error:
        log.warning("audit head not anchored in Redis (%s); the log line above holds it", error)


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
            event.listen(session, "after_commit", partial(anchor, entry.id, entry.hash), once=True)
            return entry
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class ChainCheck:
    entries: int
    broken_at: int | None  # the id of the first entry whose hash or link does not hold; None: intact
    cut_after: int | None = None  # the last id the table holds when the anchored head is missing: a cut tail

    @property
    def intact(self) -> bool:
        return self.broken_at is None and self.cut_after is None


def verify_chain(session: Session, head: Head | None = None) -> ChainCheck:
    """Walk the chain in id order, recomputing every hash; with the anchored `head`, also check that it is there."""
    previous, count, last_id, seen_head = GENESIS, 0, 0, head is None
    rows = session.execute(
        select(AuditEntry.id, AuditEntry.at, AuditEntry.actor, AuditEntry.action, AuditEntry.detail,
               AuditEntry.previous_hash, AuditEntry.hash).order_by(AuditEntry.id)
    )  # fmt: skip
    for row in rows:
        count += 1
        expected = entry_hash(previous, row.at, row.actor, str(row.action), row.detail)
        if row.previous_hash != previous or row.hash != expected:
            return ChainCheck(count, row.id)
        previous, last_id = row.hash, row.id
        seen_head = seen_head or (head is not None and row.id == head.id and row.hash == head.hash)
    return ChainCheck(count, None, None if seen_head else last_id)


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
