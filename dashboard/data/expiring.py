"""A small thread-safe cache whose entries expire: what each web worker remembers of a token or an account
between database reads."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Expiring(Generic[K, V]):
    """`get(key, load)`: the value loaded for `key` at most `seconds` ago, else `load()` now. Holds at most
    `limit` keys (all forgotten at once when full: a flood of new keys cannot grow it without bound)."""

    def __init__(self, seconds: float, limit: int = 100_000) -> None:
        self.seconds, self.limit = seconds, limit
        self._seen: dict[K, tuple[float, V]] = {}
        self._lock = threading.Lock()

    def get(self, key: K, load: Callable[[], V]) -> V:
        with self._lock:
            cached = self._seen.get(key)
        if cached and time.monotonic() - cached[0] < self.seconds:
            return cached[1]
        value = load()
        with self._lock:
            if len(self._seen) >= self.limit:
                self._seen.clear()
            self._seen[key] = (time.monotonic(), value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()
