"""Server-side session records: started at login, looked up on every request, ended by logout or an account change.

A browser's cookie holds only a random key; the record (by the key's SHA-256) says whose it is and whether it still
holds. A cookie copied before logout, or kept by a screen whose token was revoked, then opens nothing.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from dashboard.data.models import LoginSession, UserAccount
from dashboard.data.periods import utc_now
from dashboard.data.tokens import digest

KEEP_ENDED = timedelta(days=30)  # ended and expired records are deleted this long after, at the user's next login


def start_session(session: Session, user: UserAccount, lifetime: timedelta) -> str:
    """A new session of `user` lasting `lifetime`; its key (for the cookie, never stored as such)."""
    now = utc_now()
    session.execute(
        delete(LoginSession).where(
            LoginSession.user_id == user.id,
            or_(LoginSession.ended_at < now - KEEP_ENDED, LoginSession.expires_at < now - KEEP_ENDED),
        )
    )
    key = secrets.token_urlsafe(32)
    session.add(LoginSession(key_hash=digest(key), user_id=user.id, started_at=now, expires_at=now + lifetime))
    return key


def user_of_session(session: Session, key: str) -> UserAccount | None:
    """The account of a session that still holds (not ended, not expired, account not disabled), or None."""
    return session.scalar(
        select(UserAccount)
        .join(LoginSession, LoginSession.user_id == UserAccount.id)
        .where(
            LoginSession.key_hash == digest(key),
            LoginSession.ended_at.is_(None),
            LoginSession.expires_at > utc_now(),
            ~UserAccount.disabled,
        )
    )


def end_session(session: Session, key: str) -> None:
    session.execute(
        update(LoginSession)
        .where(LoginSession.key_hash == digest(key), LoginSession.ended_at.is_(None))
        .values(ended_at=utc_now())
    )


def end_sessions_of(session: Session, user_id: int) -> int:
    """End every open session of an account (its role, area or password changed, or it was disabled or revoked)."""
    result = session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user_id, LoginSession.ended_at.is_(None))
        .values(ended_at=utc_now())
    )
    return int(getattr(result, "rowcount", 0) or 0)
