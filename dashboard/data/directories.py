"""Code → row lookups the ingest API and the consumers make for every event (grids, workers, departments),
cached per process and refreshed now and then, so thousands of events a second need no query each."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.data.db import session_scope
from dashboard.data.models import Department, Grid, GridWorker

T = TypeVar("T")
REFRESH_SECONDS = 60.0  # a grid or worker added by an import is known to every process within a minute
MISS_RELOAD_SECONDS = 1.0  # an unknown code reloads at most this often


@dataclass(frozen=True)
class GridPlace:
    id: int
    township_code: str
    county_code: str


class Directory(Generic[T]):
    def __init__(self, load: Callable[[Session], dict[str, T]], refresh_seconds: float = REFRESH_SECONDS) -> None:
        self._load = load
        self._refresh_seconds = refresh_seconds
        self._items: dict[str, T] = {}
        self._loaded_at = -float("inf")
        self._lock = threading.Lock()

    def _reload(self) -> None:
        with session_scope() as session:
            self._items = self._load(session)
        self._loaded_at = time.monotonic()

    def get(self, code: str) -> T | None:
        """The item with this code, or None."""
        with self._lock:
            stale = time.monotonic() - self._loaded_at
            if stale > self._refresh_seconds or (code not in self._items and stale > MISS_RELOAD_SECONDS):
                self._reload()
            return self._items.get(code)

    def items(self) -> dict[str, T]:
        with self._lock:
            if time.monotonic() - self._loaded_at > self._refresh_seconds:
                self._reload()
            return self._items


def _grids(session: Session) -> dict[str, GridPlace]:
    rows = session.execute(select(Grid.code, Grid.id, Grid.township_code, Grid.county_code)).all()
    return {code: GridPlace(grid_id, township, county) for code, grid_id, township, county in rows}


def _workers(session: Session) -> dict[str, int]:
    return dict(session.execute(select(GridWorker.code, GridWorker.id)).all())


def _departments(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Department.code, Department.id)).all())


def grid_directory() -> Directory[GridPlace]:
    return Directory(_grids)


def worker_directory() -> Directory[int]:
    return Directory(_workers)


def department_directory() -> Directory[int]:
    return Directory(_departments)


def codes_by_id(grids: Directory[GridPlace]) -> dict[int, str]:
    return {place.id: code for code, place in grids.items().items()}
