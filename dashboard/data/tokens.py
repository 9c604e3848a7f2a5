"""Bearer tokens of the phones that report into the ingest API, issued and revoked from the command line
(`python -m dashboard tokens issue --device D --worker W`, dashboard/cli/tokens.py). Only a token's SHA-256 is
stored; the token itself is printed once, when issued."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dashboard.data.db import session_scope
from dashboard.data.expiring import Expiring
from dashboard.data.models import DeviceToken, Grid, GridWorker
from dashboard.data.periods import utc_now

CACHE_SECONDS = 30.0  # a revoked token stops working within this long in every web worker


@dataclass(frozen=True)
class Device:
    """A phone (bound to its worker, and so to the worker's grid) or a gateway of another system (neither)."""

    device_id: str
    worker_code: str | None
    grid_code: str | None = None  # where the device may report from: its worker's grid


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenError(ValueError):
    """A token cannot be issued as asked; the message names the field."""


def issue_token(session: Session, device_id: str, worker_code: str | None = None) -> str:
    """A new token for a device (of a worker, when given: the worker must exist); only its digest is kept."""
    if not device_id.strip() or len(device_id) > 64:
        raise TokenError("device: 1 to 64 characters")
    if worker_code is not None and session.scalar(select(GridWorker.id).where(GridWorker.code == worker_code)) is None:
        raise TokenError(f"worker: no grid worker {worker_code!r}")
    token = secrets.token_urlsafe(32)
    session.add(
        DeviceToken(token_hash=digest(token), device_id=device_id, worker_code=worker_code, created_at=utc_now())
    )
    return token


def revoke_tokens(session: Session, device_id: str) -> int:
    """Revoke every live token of a device; returns how many."""
    result = session.execute(
        update(DeviceToken)
        .where(DeviceToken.device_id == device_id, DeviceToken.revoked_at.is_(None))
        .values(revoked_at=utc_now())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def find_device(session: Session, token: str) -> Device | None:
    row = session.execute(
        select(DeviceToken.device_id, DeviceToken.worker_code, Grid.code)
        .outerjoin(GridWorker, GridWorker.code == DeviceToken.worker_code)
        .outerjoin(Grid, Grid.id == GridWorker.grid_id)
        .where(DeviceToken.token_hash == digest(token), DeviceToken.revoked_at.is_(None))
    ).first()
    return Device(*row) if row else None


class TokenCache:
    """Token checks for the web workers: one query per token per CACHE_SECONDS."""

    def __init__(self) -> None:
        self._seen: Expiring[str, Device | None] = Expiring(CACHE_SECONDS)

    def device(self, token: str) -> Device | None:
        def look_up() -> Device | None:
            with session_scope() as session:
                return find_device(session, token)

        return self._seen.get(digest(token), look_up)
