"""A push stream as a test holds it: one HTTP connection to GET /events, read frame by frame (decoded as it comes when
gzip'd); and logged-in cookies."""

from __future__ import annotations

import http.client
import json
import zlib
from typing import Any
from urllib.parse import urlsplit

import requests

from dashboard.access.accounts import create_user, find_user, issue_login_token
from dashboard.data.db import session_scope
from dashboard.data.redis_client import get_redis
from dashboard.data.vocab import Role
from dashboard.push.quota import quota_key
from tests.support.accounts import PASSWORD, account


class Stream:
    def __init__(self, base: str, cookie: str, *, last_event_id: str = "", accept_encoding: str = "") -> None:
        """`accept_encoding`: as a browser sends it; none: http.client's own, identity."""
        address = urlsplit(base)
        self.connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=30)
        headers = {"Cookie": cookie, **({"Last-Event-ID": last_event_id} if last_event_id else {})}
        headers |= {"Accept-Encoding": accept_encoding} if accept_encoding else {}
        self.connection.request("GET", "/events", headers=headers)
        self.response = self.connection.getresponse()
        self.status = self.response.status
        gzipped = self.response.getheader("Content-Encoding") == "gzip"
        self.decoder = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzipped else None
        self.text = b""  # read and decoded, not yet taken as lines
        self.wire_bytes = 0  # the body as it came (compressed, when gzip'd), chunked framing aside

    def line(self) -> str:
        """The next line of the stream, as soon as the server has written it whole."""
        while b"\n" not in self.text:
            chunk = self.response.read1(65536)
            assert chunk, "the stream ended"
            self.wire_bytes += len(chunk)
            self.text += self.decoder.decompress(chunk) if self.decoder else chunk
        line, _, self.text = self.text.partition(b"\n")
        return line.decode() + "\n"

    def frame(self) -> dict[str, str]:
        """The next frame (comments such as keep-alives skipped) as {field: value}."""
        fields: dict[str, str] = {}
        while True:
            line = self.line()
            if line == "\n":
                if fields:
                    return fields
                continue
            if not line.startswith(":"):
                name, _, value = line.rstrip("\n").partition(": ")
                fields[name] = value

    def data(self) -> dict[str, str]:
        """The next frame that carries data."""
        while "data" not in (found := self.frame()):
            pass
        return found

    def json(self) -> Any:
        return json.loads(self.response.read())

    def close(self) -> None:
        self.connection.close()


def wall_screen_cookie(base: str, username: str = "wall") -> str:
    """A wall-screen account logged in by its token, as the screen does: its cookies as a Cookie header."""
    with session_scope() as session:
        if find_user(session, username) is None:
            create_user(session, username, PASSWORD, Role.WALL_SCREEN)
        token = issue_login_token(session, username)
    client = requests.Session()
    client.get(f"{base}/login?token={token}&next=/healthz", timeout=30).raise_for_status()
    return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def person_cookie(base: str, username: str, role: Role, area: str | None = None) -> str:
    account(username, role, area)
    client = requests.Session()
    answer = client.post(f"{base}/login", data={"username": username, "password": PASSWORD}, timeout=30)
    assert answer.status_code == 200 and answer.url.endswith("/"), answer.text[:300]
    return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def open_places(username: str) -> int:
    """Streams of the account holding a place in its quota (dashboard.push.quota), by Redis."""
    with session_scope() as session:
        user = find_user(session, username)
        assert user is not None
        key = quota_key(user.id)
    return int(get_redis().zcard(key))
