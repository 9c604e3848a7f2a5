"""Whether a request may open a push stream, and on what terms: run inside Flask's request context, after the login
guard, by Flask's own /events route and by the async front alike."""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import Response, request

from dashboard.access.current import current_account
from dashboard.data.periods import Area
from dashboard.data.redis_client import get_redis
from dashboard.push.encoding import negotiate
from dashboard.push.frames import STREAM_ID
from dashboard.push.quota import Place, TooManyStreams, take_place

RETRY_AFTER_S = 30  # what a refused browser is told; it polls meanwhile (assets/12-push.js)


@dataclass(frozen=True)
class Admitted:
    area: Area  # the account's area: the stream carries only its reports
    resume: str | None  # the last stream id the browser got (Last-Event-ID), if it sent a well-formed one
    place: Place  # held in the account's quota until the stream ends
    encoding: str | None  # the stream's Content-Encoding (dashboard.push.encoding), by its Accept-Encoding


def admit() -> Admitted:
    """Terms for the logged-in account of this request; TooManyStreams past its cap, REDIS_DOWN without Redis."""
    account = current_account()
    resume = request.headers.get("Last-Event-ID", "")
    place = take_place(get_redis(), account.id, account.role)
    resumed = resume if STREAM_ID.fullmatch(resume) else None
    return Admitted(account.scope, resumed, place, negotiate(request.accept_encodings))


def refusal(error: TooManyStreams) -> Response:
    """429 with the reason: EventSource gives up on it, and the page polls instead (then tries again)."""
    body = json.dumps({"error": str(error), "cap": error.cap}, ensure_ascii=False)
    headers = {"Retry-After": str(RETRY_AFTER_S), "Cache-Control": "no-store"}
    return Response(body, status=429, mimetype="application/json", headers=headers)
