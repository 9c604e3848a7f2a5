"""Whether the two stores answer: the health route and the wall's banner ask the same two questions."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from dashboard.data.db import get_engine
from dashboard.data.redis_client import REDIS_DOWN, get_redis


def database_up() -> bool:
    try:
        with get_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True


def redis_up() -> bool:
    try:
        return bool(get_redis().ping())
    except REDIS_DOWN:
        return False
