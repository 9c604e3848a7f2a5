"""Plain Flask routes beside the Dash app: a health check for load balancers and the wall's watchdog."""

from __future__ import annotations

from flask import Flask, Response, jsonify
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from dashboard.data.db import get_engine
from dashboard.data.redis_client import get_redis
from dashboard.ingest import api


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
    except RedisError:
        return False


def register_routes(server: Flask) -> None:
    server.register_blueprint(api)

    @server.get("/healthz")
    def health() -> tuple[Response, int]:
        """200 when the database and Redis answer, 503 otherwise; the body says which part is down."""
        parts = {"database": database_up(), "redis": redis_up()}
        body = {name: "up" if up else "down" for name, up in parts.items()}
        return jsonify(body), 200 if all(parts.values()) else 503
