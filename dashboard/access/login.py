"""Logging in and out, and the server-side sessions behind the cookie.

The guard in front of every route (`dashboard.access.guard`) lets through only the public paths and logged-in
requests from this site. The session cookie is HttpOnly and SameSite=Lax and holds a random key of a session record
on the server (`dashboard.data.login_sessions`), looked up on every request: logging out, a changed password, role
or area, a disabled account or a revoked token end it at once, in every web worker. Wall screens log in once by URL
(`/login?token=…`) and stay logged in until the token is revoked; people's sessions last `SESSION_HOURS`.

Password logins are limited per client address (`dashboard.access.throttle`) and per account (the lockout in
`dashboard.access.accounts`); the answer to a wrong name, a wrong password and a locked account is the same words.
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
from sqlalchemy.orm import Session
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard.access.accounts import LoginOutcome, authenticate, user_for_token
from dashboard.access.guard import guard
from dashboard.access.scope import area_of_code
from dashboard.access.throttle import take_login_attempt
from dashboard.config import get_settings
from dashboard.data import audit
from dashboard.data.active_city import city_title
from dashboard.data.db import session_scope
from dashboard.data.login_sessions import end_session, start_session, user_of_session
from dashboard.data.models import UserAccount
from dashboard.data.periods import Area
from dashboard.data.vocab import AuditAction, Role
from dashboard.i18n import t

SESSION_HOURS = 12
WALL_DAYS = 3650  # a wall screen's session: as long as its token is not revoked

blueprint = Blueprint("access", __name__)


@dataclass(frozen=True)
class Account:
    """The logged-in account, as each request sees it (Flask-Login's user); `session_key` names its session."""

    id: int
    username: str
    role: Role
    area_code: str | None
    session_key: str

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return self.session_key

    @property
    def scope(self) -> Area:
        return area_of_code(self.area_code)

    @classmethod
    def of(cls, user: UserAccount, session_key: str) -> Account:
        return cls(user.id, user.username, user.role, user.area_code, session_key)


def load_account(session_key: str) -> Account | None:
    """The account of a session that still holds; read on every request, so an ended session opens nothing."""
    with session_scope() as db:
        user = user_of_session(db, session_key)
        return Account.of(user, session_key) if user is not None else None


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
    if settings.proxy_hops:  # the client's address and the site's scheme and host as the proxies in front saw them
        hops = settings.proxy_hops
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    manager = LoginManager(server)
    manager.user_loader(load_account)
    manager.session_protection = "basic"
    server.register_blueprint(blueprint)
    server.before_request(guard)


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an absolute URL somewhere else (open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    parts = urlsplit(target)
    return parts.path + (f"?{parts.query}" if parts.query else "") if not parts.netloc else "/"


def log_in(db: Session, user: UserAccount) -> None:
    """A new server-side session. People: SESSION_HOURS. Wall screens: a remember-me cookie too, so a restarted
    browser is back in without anyone typing a password on the wall."""
    wall = user.role is Role.WALL_SCREEN
    lifetime = timedelta(days=WALL_DAYS) if wall else timedelta(hours=SESSION_HOURS)
    account = Account.of(user, start_session(db, user, lifetime))
    session.clear()  # nothing of a session before the login carries over into it
    session.permanent = not wall
    login_user(account, remember=wall, duration=lifetime if wall else None)


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
            log_in(db, user)
        return redirect(next_path if "next" in request.values else "/wall")  # type: ignore[return-value]
    if request.method == "GET":
        return page("", next_path)
    retry_after = take_login_attempt(request.remote_addr or "")
    if retry_after is not None:
        response = Response(page(t("login.too_many"), next_path), status=429, mimetype="text/html")
        response.headers["Retry-After"] = str(retry_after)
        return response
    username, password = request.form.get("username", ""), request.form.get("password", "")
    with session_scope() as db:
        result = authenticate(db, username, password, source=request.remote_addr or "")
        if result.outcome is LoginOutcome.OK and result.user is not None:
            log_in(db, result.user)
            return redirect(next_path)  # type: ignore[return-value]
    message = t("login.disabled") if result.outcome is LoginOutcome.DISABLED else t("login.wrong")
    return page(message, next_path), 401  # type: ignore[return-value]


@blueprint.route("/logout", methods=["GET", "POST"])
def logout() -> Response:
    if current_user.is_authenticated:
        with session_scope() as db:
            end_session(db, current_user.session_key)
            audit.record(db, current_user.username, AuditAction.LOGOUT, {"from": request.remote_addr})
    logout_user()
    session.clear()
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
