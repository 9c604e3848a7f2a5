"""Retrying a lasting failure without flooding the log: delays that double while it lasts (`first`, 2 × `first`, …
up to `cap`), one warning when it starts or changes its kind, one line when it ends."""

from __future__ import annotations

import logging
import time

WAITS_KEPT = 32


class Backoff:
    def __init__(self, what: str, log: logging.Logger, *, first: float = 1.0, cap: float = 60.0) -> None:
        self.what, self.log, self.first, self.cap = what, log, first, cap
        self.failures = 0
        self.waits: list[float] = []  # the latest delays handed out, oldest first
        self._kind: str | None = None
        self._since = 0.0

    def failed(self, error: BaseException) -> float:
        """The delay before the next attempt; logs only when the failure starts or becomes another kind."""
        kind = type(error).__name__
        if kind != self._kind:
            if self._kind is None:
                self._since = time.monotonic()
            self.log.warning(
                "%s failed (%s: %s); retrying with growing delays up to %g s",
                self.what,
                kind,
                str(error).splitlines()[0][:200] if str(error) else "",
                self.cap,
            )
            self._kind = kind
        delay = float(min(self.cap, self.first * 2.0**self.failures))
        self.failures += 1
        self.waits = [*self.waits, delay][-WAITS_KEPT:]
        return delay

    def succeeded(self) -> None:
        if self._kind is not None:
            self.log.info(
                "%s works again after %.0f s and %d failed attempts",
                self.what,
                time.monotonic() - self._since,
                self.failures,
            )
        self._kind, self.failures = None, 0

    @property
    def failing(self) -> bool:
        return self._kind is not None
