"""Ways the database stops taking writes, for real: another connection holding the write lock, or (PostgreSQL)
the server cut off behind a proxy."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import make_url, text

from dashboard.config import get_settings
from dashboard.data.db import get_engine
from tests.support.servers import Proxy

RECORD_TABLES = ("incident", "hazard", "patrol_log")


@contextmanager
def writes_held(*tables: str) -> Iterator[None]:
    """Another connection takes the write lock and keeps it for the block: SQLite `BEGIN EXCLUSIVE` (writers wait
    out busy_timeout, then fail with 'database is locked'), PostgreSQL `LOCK TABLE … IN EXCLUSIVE MODE` on `tables`
    (default: the record tables; writers wait, readers go on)."""
    url = make_url(get_settings().database_url)
    if url.get_backend_name() == "sqlite":
        holder = sqlite3.connect(str(url.database), isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    with get_engine().connect() as connection:
        connection.execute(text(f"LOCK TABLE {', '.join(tables or RECORD_TABLES)} IN EXCLUSIVE MODE"))
        try:
            yield
        finally:
            connection.rollback()


def database_proxy() -> tuple[Proxy, str]:
    """A started proxy to the PostgreSQL server of DATABASE_URL, and the DATABASE_URL that goes through it."""
    url = make_url(get_settings().database_url)
    proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.start()
    return proxy, url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
