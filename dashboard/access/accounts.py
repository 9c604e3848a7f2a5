"""User accounts: create, check a password (with lockout), change role or password, issue wall-screen tokens
(the command line is `python -m dashboard users`, dashboard/cli/users.py).

Passwords are hashed with scrypt (werkzeug). After `MAX_FAILURES` failed logins in a row an account is locked for
`LOCKOUT`; every success, failure, lockout and change goes to the audit log.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum, StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from dashboard.access.roles import SCOPE_LEVELS
from dashboard.access.scope import area_of_code
from dashboard.data import audit
from dashboard.data.login_sessions import end_sessions_of
from dashboard.data.models import County, LoginToken, Township, UserAccount
from dashboard.data.periods import utc_now
from dashboard.data.tokens import digest
from dashboard.data.vocab import AuditAction, Role

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 10
SYSTEM = "system"
# A hash to check against when the user does not exist, so that a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a password of anyone")


class Keep(Enum):
    AREA = "keep the area as it is"


class UserError(ValueError):
    """A user operation refused; the message names the field."""


class LoginOutcome(StrEnum):
    OK = "ok"
    WRONG = "wrong"  # unknown user or wrong password: the same answer for both
    LOCKED = "locked"
    DISABLED = "disabled"


@dataclass(frozen=True)
class Login:
    outcome: LoginOutcome
    user: UserAccount | None = None
    locked_until: datetime | None = None


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"password: at least {MIN_PASSWORD} characters")


def area_problem(session: Session, role: Role, area_code: str | None) -> str | None:
    """Why a role cannot be bound to this area (unknown code, or the wrong kind of area), or None."""
    try:
        area = area_of_code(area_code)
    except ValueError as error:
        return str(error)
    if area.level not in SCOPE_LEVELS[role]:
        allowed = " or ".join(sorted(level.value for level in SCOPE_LEVELS[role]))
        return f"area: a {role} is bound to a {allowed}, not a {area.level.value}"
    table = {"county": County, "township": Township}.get(area.level.value)
    if table is not None and session.get(table, area_code) is None:
        return f"area: no {area.level.value} {area_code}"
    return None


def find_user(session: Session, username: str) -> UserAccount | None:
    return session.scalar(select(UserAccount).where(UserAccount.username == username))


def create_user(
    session: Session,
    username: str,
    password: str,
    role: Role,
    area_code: str | None = None,
    *,
    display_name: str = "",
    actor: str = SYSTEM,
) -> UserAccount:
    username = username.strip()
    if not username or len(username) > 64:
        raise UserError("username: 1 to 64 characters")
    if find_user(session, username) is not None:
        raise UserError(f"username: {username!r} exists already")
    check_password_strength(password)
    if problem := area_problem(session, role, area_code):
        raise UserError(problem)
    user = UserAccount(
        username=username,
        display_name=display_name or username,
        password_hash=generate_password_hash(password),
        role=role,
        area_code=area_code,
        created_at=utc_now(),
        failed_logins=0,
        disabled=False,
        session_version=0,
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, AuditAction.USER_CREATED, {"user": username, "role": role, "area": area_code})
    return user


def update_user(
    session: Session,
    username: str,
    *,
    role: Role | None = None,
    area_code: str | Keep | None = Keep.AREA,
    password: str | None = None,
    disabled: bool | None = None,
    actor: str = SYSTEM,
) -> UserAccount:
    """Change what is given (area `None`: the whole city). The user's sessions end."""
    user = find_user(session, username)
    if user is None:
        raise UserError(f"username: no user {username!r}")
    changes: dict[str, object] = {}
    new_role = role or user.role
    new_area = user.area_code if isinstance(area_code, Keep) else area_code
    if problem := area_problem(session, new_role, new_area):
        raise UserError(problem)
    if role is not None and role != user.role:
        changes["role"] = f"{user.role} -> {role}"
        user.role = role
    if new_area != user.area_code:
        changes["area"] = f"{user.area_code or 'city'} -> {new_area or 'city'}"
        user.area_code = new_area
    if password is not None:
        check_password_strength(password)
        user.password_hash = generate_password_hash(password)
        user.failed_logins, user.locked_until = 0, None
        changes["password"] = "changed"
    if disabled is not None and disabled != user.disabled:
        user.disabled = disabled
        changes["disabled"] = disabled
    if changes:
        user.session_version += 1  # a changed role, scope or password logs the user out everywhere
        end_sessions_of(session, user.id)
        audit.record(session, actor, AuditAction.USER_CHANGED, {"user": username, **changes})
    return user


def _lock_row(session: Session, user: UserAccount) -> None:
    """Take the account's row lock (a write that changes nothing) and read the row again: parallel logins to one
    account then check their passwords one after another, each seeing the failures counted before it, so a burst
    of guesses is held to MAX_FAILURES like guesses one by one."""
    session.execute(
        update(UserAccount).where(UserAccount.id == user.id).values(failed_logins=UserAccount.failed_logins)
    )
    session.refresh(user)


def authenticate(session: Session, username: str, password: str, *, source: str = "") -> Login:
    """Check a login. Counts failures, locks after MAX_FAILURES, and audits every attempt.

    An unknown name, a wrong password and a locked account give the same outcome to the caller's message (WRONG
    or LOCKED are shown alike); whether an account is disabled is told only to someone who knows its password. A
    wall screen logs in by token only, never by password."""
    user = find_user(session, username.strip())
    detail = {"user": username[:64], "from": source}
    if user is None or user.role is Role.WALL_SCREEN:
        check_password_hash(_DUMMY_HASH, password)
        audit.record(session, username[:64] or "?", AuditAction.LOGIN_FAILED, {**detail, "reason": "wrong"})
        return Login(LoginOutcome.WRONG)
    _lock_row(session, user)
    now = utc_now()
    if user.locked_until is not None and user.locked_until > now:
        audit.record(session, user.username, AuditAction.LOGIN_FAILED, {**detail, "reason": "locked"})
        return Login(LoginOutcome.LOCKED, locked_until=user.locked_until)
    if not check_password_hash(user.password_hash, password):
        user.failed_logins += 1
        audit.record(session, user.username, AuditAction.LOGIN_FAILED, {**detail, "reason": "wrong"})
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until, user.failed_logins = now + LOCKOUT, 0
            audit.record(session, user.username, AuditAction.LOCKED_OUT, {**detail, "until": user.locked_until})
            return Login(LoginOutcome.LOCKED, locked_until=user.locked_until)
        return Login(LoginOutcome.WRONG)
    if user.disabled:
        audit.record(session, user.username, AuditAction.LOGIN_FAILED, {**detail, "reason": "disabled"})
        return Login(LoginOutcome.DISABLED)
    user.failed_logins, user.locked_until = 0, None
    audit.record(session, user.username, AuditAction.LOGIN, detail)
    return Login(LoginOutcome.OK, user)


def issue_login_token(session: Session, username: str, *, actor: str = SYSTEM) -> str:
    """A long-lived token for a wall-screen account; printed once, only its digest is kept."""
    user = find_user(session, username)
    if user is None:
        raise UserError(f"username: no user {username!r}")
    if user.role is not Role.WALL_SCREEN:
        raise UserError(f"username: {username!r} is not a wall screen (role {user.role})")
    token = secrets.token_urlsafe(32)
    session.add(LoginToken(token_hash=digest(token), user_id=user.id, created_at=utc_now()))
    audit.record(session, actor, AuditAction.TOKEN_ISSUED, {"user": username})
    return token


def revoke_login_tokens(session: Session, username: str, *, actor: str = SYSTEM) -> int:
    """Revoke every token of an account and end its sessions (the remember-me cookie of a wall screen too)."""
    user = find_user(session, username)
    if user is None:
        raise UserError(f"username: no user {username!r}")
    tokens = session.scalars(
        select(LoginToken).where(LoginToken.user_id == user.id, LoginToken.revoked_at.is_(None))
    ).all()
    for token in tokens:
        token.revoked_at = utc_now()
    user.session_version += 1
    end_sessions_of(session, user.id)
    audit.record(session, actor, AuditAction.TOKEN_REVOKED, {"user": username, "tokens": len(tokens)})
    return len(tokens)


def user_for_token(session: Session, token: str) -> UserAccount | None:
    return session.scalar(
        select(UserAccount)
        .join(LoginToken, LoginToken.user_id == UserAccount.id)
        .where(LoginToken.token_hash == digest(token), LoginToken.revoked_at.is_(None), ~UserAccount.disabled)
    )


@dataclass(frozen=True)
class FirstLogin:
    password: str  # the first admin's
    wall_token: str  # a city-wide wall screen's


def ensure_first_accounts(session: Session) -> FirstLogin | None:
    """On an install with no accounts yet: an `admin` with a random password and a city-wide `wall` screen with a
    token, both returned (to print once). None when accounts exist."""
    if session.scalar(select(UserAccount.id).limit(1)) is not None:
        return None
    password = secrets.token_urlsafe(12)
    create_user(session, "admin", password, Role.ADMIN, display_name="管理员")
    create_user(session, "wall", secrets.token_urlsafe(24), Role.WALL_SCREEN, display_name="大屏")
    return FirstLogin(password, issue_login_token(session, "wall"))


# ------------------------------------------------------------------------------------------------------------- CLI
