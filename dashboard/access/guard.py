"""The guard in front of every request: a login for everything but a few public paths, and no cross-site requests.

Public paths are matched exactly, on a path that is already in normal form: `/login/../audit`, `/loginx` or
`//healthz` are not public, whatever a router or proxy later makes of them. Public are the login page, the health
check, the favicon, static assets and the phones' API (which checks its device tokens itself). Dash's own routes
(the shell, its layout, its script bundles with their versions) are not: they need a login like any page.

A request that changes state (any method but GET, HEAD and OPTIONS) must come from this site: its `Origin`, or when
a browser sent none its `Referer`, must name this host. Browsers send `Origin` with every such request, so a page on
another site cannot make a logged-in browser run a callback or log someone in; a cross-site request is answered 403
and written to the audit log. A request carrying neither header comes from no browser (a script with its own
cookie, a test client): no browser can be made to send it on someone else's behalf. The phones' API is exempt: it
is authenticated by a bearer token, which a browser never adds by itself.
"""

from __future__ import annotations

import posixpath
from urllib.parse import urlsplit

from flask import Response, redirect, request
from flask_login import current_user

from dashboard.data import audit
from dashboard.data.db import session_scope
from dashboard.data.vocab import AuditAction

PUBLIC_PATHS = frozenset({"/login", "/healthz", "/_favicon.ico", "/api/v1/events"})
PUBLIC_FOLDERS = ("/assets/",)  # CSS, fonts, scripts and the city's outlines: no records in any of them
TOKEN_AUTHENTICATED = frozenset({"/api/v1/events"})  # bearer tokens, never ambient credentials
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
API_PREFIXES = ("/_dash", "/events", "/export")  # answered 401 rather than redirected to the login page


def is_normal(path: str) -> bool:
    """A path with no `.`/`..` segment, no empty segment and no trailing slash (except the root)."""
    return path == "/" or (path.startswith("/") and not path.startswith("//") and posixpath.normpath(path) == path)


def is_public(path: str) -> bool:
    if not is_normal(path) or "\\" in path:
        return False
    return path in PUBLIC_PATHS or (path.startswith(PUBLIC_FOLDERS) and len(path) > len("/assets/"))


def sender_host() -> str | None:
    """The host the request says it comes from (`Origin`, else `Referer`); "" for an unusable value, None for none."""
    origin = request.headers.get("Origin")
    if origin is not None:
        return "" if origin.strip() == "null" else urlsplit(origin.strip()).netloc.lower()
    referer = request.headers.get("Referer")
    if referer is not None:
        return urlsplit(referer.strip()).netloc.lower()
    return None


def is_cross_site() -> bool:
    if request.method in SAFE_METHODS or request.path in TOKEN_AUTHENTICATED:
        return False
    sender = sender_host()
    return sender is not None and sender != request.host.lower()


def refuse_cross_site() -> Response:
    actor = current_user.username if current_user.is_authenticated else "?"
    detail = {
        "path": request.path[:200],
        "method": request.method,
        "origin": (request.headers.get("Origin") or request.headers.get("Referer") or "")[:200],
        "from": request.remote_addr,
    }
    with session_scope() as db:
        audit.record(db, actor, AuditAction.CROSS_SITE_REFUSED, detail)
    return Response('{"error": "origin: a request from another site"}', status=403, mimetype="application/json")


def guard() -> Response | None:
    if is_cross_site():
        return refuse_cross_site()
    if is_public(request.path) or current_user.is_authenticated:
        return None
    if request.method == "GET" and is_normal(request.path) and not request.path.startswith(API_PREFIXES):
        return redirect(f"/login?next={request.full_path.rstrip('?')}")  # type: ignore[return-value]
    return Response('{"error": "login: not logged in"}', status=401, mimetype="application/json")
