"""Logging in and out, and the guard in front of every route.

Every request needs a logged-in account except the login page itself, the health check, static assets and Dash's
script bundles (no data in any of them) and the ingest API (which checks its device tokens itself). A page asked
for without a login redirects to /login; anything else (callbacks, the push stream, exports) answers 401.

The session cookie is HttpOnly and SameSite=Lax. An account's id in the session carries its `session_version`, so a
changed password, role or area, or a disabled account, ends its sessions at the next request. Wall screens log in
once by URL (`/login?token=…`) and stay logged in (no expiry); people's sessions last `SESSION_HOURS`.
"""

from __future__ import annotations

import os
import secrets
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, redirect, render_template_string, request, session
from flask_login import LoginManager, current_user, login_user, logout_user

from dashboard.access.scope import area_of_code
from dashboard.config import get_settings
from dashboard.data import audit
from dashboard.data.active_city import city_title
from dashboard.data.db import session_scope
from dashboard.data.expiring import Expiring
from dashboard.data.models import UserAccount
from dashboard.data.periods import Area
from dashboard.data.users import LoginOutcome, authenticate, user_for_token
from dashboard.data.vocab import AuditAction, Role
from dashboard.i18n import t

PUBLIC_PREFIXES = ("/login", "/healthz", "/assets/", "/_dash-component-suites/", "/_favicon.ico", "/api/v1/")
SESSION_HOURS = 12
WALL_DAYS = 3650  # a wall screen's session: as long as its token is not revoked
CACHE_SECONDS = 5.0  # a changed or disabled account is noticed within this long in every web worker

blueprint = Blueprint("access", __name__)


@dataclass(frozen=True)
class Account:
    """The logged-in account, as each request sees it (Flask-Login's user)."""

    id: int
    username: str
    role: Role
    area_code: str | None
    version: int

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return f"{self.id}:{self.version}"

    @property
    def scope(self) -> Area:
        return area_of_code(self.area_code)

    @classmethod
    def of(cls, user: UserAccount) -> Account:
        return cls(user.id, user.username, user.role, user.area_code, user.session_version)


def _read_account(session_id: str) -> Account | None:
    number, _, version = session_id.partition(":")
    if not number.isdigit() or not version.isdigit():
        return None
    with session_scope() as db:
        user = db.get(UserAccount, int(number))
        if user is None or user.disabled or user.session_version != int(version):
            return None
        return Account.of(user)


ACCOUNTS: Expiring[str, Account | None] = Expiring(CACHE_SECONDS)  # one read per session id per CACHE_SECONDS


def load_account(session_id: str) -> Account | None:
    return ACCOUNTS.get(session_id, lambda: _read_account(session_id))


def secret_key(var_dir: Path) -> str:
    """The configured key, or one kept in var/secret_key (made once, readable by its owner only)."""
    configured = get_settings().secret_key
    if configured:
        return configured
    path = var_dir / "secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        candidate = path.with_suffix(f".{secrets.token_hex(4)}")
        candidate.write_text(secrets.token_urlsafe(48))
        candidate.chmod(0o600)
        with suppress(FileExistsError):  # a hard link never replaces: the first process's key wins, for all
            os.link(candidate, path)
        candidate.unlink()
    return path.read_text().strip()


def install(server: Flask) -> None:
    """Sessions, the login and logout routes, and the guard, on the app's Flask server."""
    settings = get_settings()
    server.secret_key = secret_key(settings.var_dir)
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        SESSION_COOKIE_NAME="gridcc_session",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.cookie_secure,
        REMEMBER_COOKIE_NAME="gridcc_wall",
    )
    manager = LoginManager(server)
    manager.user_loader(load_account)
    manager.session_protection = "basic"
    server.register_blueprint(blueprint)
    server.before_request(guard)


def is_public(path: str) -> bool:
    return path.startswith(PUBLIC_PREFIXES)


def guard() -> Response | None:
    if is_public(request.path) or current_user.is_authenticated:
        return None
    if request.method == "GET" and not request.path.startswith(("/_dash", "/events", "/export")):
        return redirect(f"/login?next={request.full_path.rstrip('?')}")  # type: ignore[return-value]
    return Response('{"error": "login: not logged in"}', status=401, mimetype="application/json")


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an absolute URL somewhere else (open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    parts = urlsplit(target)
    return parts.path + (f"?{parts.query}" if parts.query else "") if not parts.netloc else "/"


def start_session(account: Account) -> None:
    """People: a session of SESSION_HOURS. Wall screens: a remember-me cookie too, so a restarted browser is back
    in without anyone typing a password on the wall."""
    wall = account.role is Role.WALL_SCREEN
    session.permanent = not wall
    login_user(account, remember=wall, duration=timedelta(days=WALL_DAYS) if wall else None)


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> Response | str:
    next_path = safe_next(request.values.get("next"))
    token = request.args.get("token")
    if token:  # a wall screen
        with session_scope() as db:
            user = user_for_token(db, token)
            if user is None:
                audit.record(db, "?", AuditAction.LOGIN_FAILED, {"reason": "token", "from": request.remote_addr})
                return page(t("login.bad_token"), next_path), 401  # type: ignore[return-value]
            audit.record(db, user.username, AuditAction.LOGIN, {"by": "token", "from": request.remote_addr})
            start_session(Account.of(user))
        return redirect(next_path if "next" in request.values else "/wall")  # type: ignore[return-value]
    if request.method == "GET":
        return page("", next_path)
    username, password = request.form.get("username", ""), request.form.get("password", "")
    with session_scope() as db:
        result = authenticate(db, username, password, source=request.remote_addr or "")
        account = Account.of(result.user) if result.user else None
    if result.outcome is LoginOutcome.OK and account:
        start_session(account)
        return redirect(next_path)  # type: ignore[return-value]
    message = {
        LoginOutcome.LOCKED: t("login.locked"),
        LoginOutcome.DISABLED: t("login.disabled"),
    }.get(result.outcome, t("login.wrong"))
    return page(message, next_path), 401  # type: ignore[return-value]


@blueprint.route("/logout", methods=["GET", "POST"])
def logout() -> Response:
    if current_user.is_authenticated:
        with session_scope() as db:
            audit.record(db, current_user.username, AuditAction.LOGOUT, {"from": request.remote_addr})
    logout_user()
    return redirect("/login")  # type: ignore[return-value]


LOGIN_PAGE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/assets/00-base.css"></head>
<body class="login-page"><main class="login-box">
<h1>{{ title }}</h1>
{% if message %}<p class="login-error" role="alert">{{ message }}</p>{% endif %}
<form method="post" action="/login">
<input type="hidden" name="next" value="{{ next_path }}">
<label>{{ username_label }}<input id="login-username" name="username" autocomplete="username" required
 autofocus></label>
<label>{{ password_label }}<input id="login-password" name="password" type="password"
 autocomplete="current-password" required></label>
<button id="login-submit" type="submit">{{ submit }}</button>
</form></main></body></html>"""


def page(message: str, next_path: str) -> str:
    """The login form (Jinja escapes every value)."""
    return render_template_string(
        LOGIN_PAGE,
        lang=get_settings().language,
        title=city_title(),
        message=message,
        next_path=next_path,
        username_label=t("login.username"),
        password_label=t("login.password"),
        submit=t("login.submit"),
    )
