"""Plain Flask routes beside the Dash app: the phone app's API, the push stream of new reports (server-sent
events), and a health check for load balancers and the wall's watchdog."""

from __future__ import annotations

import logging
import time
from collections.abc import Generator, Iterator
from contextlib import closing, suppress
from functools import partial
from typing import Any, cast

from flask import Flask, Response, abort, jsonify, request, send_file, stream_with_context

from dashboard.access.current import current_scope
from dashboard.access.scope import in_area
from dashboard.config import get_settings
from dashboard.data.active_city import LAYERS, city_files, layer_file, layer_url
from dashboard.data.health import database_up, redis_up
from dashboard.data.redis_client import REDIS_DOWN, get_redis
from dashboard.exports.routes import register_export_routes
from dashboard.ingest import api
from dashboard.pipeline.feed import features, features_after, latest_features
from dashboard.pipeline.streams import as_entries
from dashboard.push.admission import Admitted, admit, refusal
from dashboard.push.encoding import Encoder, encoder
from dashboard.push.encoding import headers as encoding_headers
from dashboard.push.frames import BLOCK_MS, KEEP_ALIVE, RETRY, STREAM_ID, frame, within_area
from dashboard.push.opening import opening
from dashboard.push.quota import TooManyStreams, give_back, renew

log = logging.getLogger(__name__)


def map_preload() -> str:
    """The wall's document names the map's geometry (as `fetch()` will ask for it; the imported city's, when there is
    one) and the map's lazily loaded scripts at once, so they download beside the other scripts instead of one after
    another once the layout has rendered."""
    return ", ".join(
        [
            *(f"<{layer_url(layer)}>; rel=preload; as=fetch; crossorigin" for layer in LAYERS),
            "</_dash-component-suites/dash_leaflet/async-GeoJSON.js>; rel=preload; as=script",
        ]
    )


def register_routes(server: Flask) -> None:
    server.register_blueprint(api)
    register_export_routes(server)  # GET /export/<name>.<fmt>: charts and tables as files

    @server.after_request
    def preload_the_map(response: Response) -> Response:
        if request.path == "/" and response.mimetype == "text/html":
            response.headers.add("Link", map_preload())
        return response

    @server.get("/city/<name>.geojson")
    def city_layer(name: str) -> Response:
        """An imported city's map layer (dashboard.data.active_city); the URL carries the import's version."""
        if name not in LAYERS or not city_files().imported:
            abort(404)
        response = send_file(layer_file(name), mimetype="application/geo+json", max_age=86_400)
        return response

    @server.get("/healthz")
    def health() -> tuple[Response, int]:
        """200 when the database and Redis answer, 503 otherwise; the body says which part is down."""
        parts = {"database": database_up(), "redis": redis_up()}
        body = {name: "up" if up else "down" for name, up in parts.items()}
        return jsonify(body), 200 if all(parts.values()) else 503

    @server.get("/events")
    def event_stream() -> Response:
        """New reports as they arrive, from this thread (servers without the async front: dashboard.push). A
        reconnecting browser sends the last `id:` it got (a stream id) as Last-Event-ID and resumes right after it;
        a first visit gets the newest reports first. Past the account's cap of open streams: 429."""
        try:
            terms = admit()
        except TooManyStreams as error:
            return refusal(error)
        except REDIS_DOWN:
            return Response(RETRY, mimetype="text/event-stream")  # nothing to stream: the browser polls, retries
        headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no", **encoding_headers(terms.encoding)}
        body = _encoded(_frames(terms), encoder(terms.encoding))
        return Response(stream_with_context(body), mimetype="text/event-stream", headers=headers)

    @server.get("/events/recent")
    def recent_events() -> Response:
        """The fallback while the push stream is down: reports after `after` (a stream id), newest first."""
        after = request.args.get("after", "")
        lang, area = get_settings().language, current_scope()
        try:
            if STREAM_ID.fullmatch(after):
                newer, _ = features_after(get_redis(), after, lang)
                return jsonify(within_area(newer[::-1], area))
            return jsonify(latest_features(get_redis(), lang, keep=partial(in_area, area))[0])
        except REDIS_DOWN:
            return jsonify([])


def _encoded(frames: Generator[str], stream: Encoder) -> Iterator[bytes]:
    """Each frame through the stream's encoder as it is written (dashboard.push.encoding): nothing waits in it.
    Closed (the browser left), it closes `frames`, which gives the stream's place back."""
    with closing(frames):
        for text in frames:
            if chunk := stream.write(text.encode()):
                yield chunk
        if tail := stream.end():
            yield tail


def _frames(terms: Admitted) -> Generator[str]:
    client, stream, lang, area = get_redis(), get_settings().event_stream, get_settings().language, terms.area
    renewed = time.monotonic()
    yield RETRY
    try:
        text, last_id = opening(terms)
        if text:
            yield text
        while True:
            reply = cast(list[Any], client.xread({stream: last_id}, block=BLOCK_MS, count=500))
            if time.monotonic() - renewed > BLOCK_MS / 1000:
                renew(client, [terms.place])
                renewed = time.monotonic()
            entries = as_entries(reply[0][1]) if reply else []
            if not entries:
                yield KEEP_ALIVE
                continue
            for feature in within_area(features(entries, lang), area):
                yield frame(feature["properties"]["sid"], feature)
            last_id = entries[-1][0]
    except REDIS_DOWN as error:  # Redis went away, or this process closed its client under the blocking read
        log.warning("push stream ended: %s: %s", type(error).__name__, error)
        return  # end the response; the browser reconnects by itself with Last-Event-ID
    except SystemExit:  # how a stopping server ends its request threads (dash.testing's raises it in each)
        return
    finally:  # also when the browser leaves (the generator is closed)
        with suppress(*REDIS_DOWN):
            give_back(client, terms.place)
