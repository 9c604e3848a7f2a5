"""New reports as the wall shows them: stream entries turned into GeoJSON point features with readable labels.
Only incident and hazard reports make features; everything else in the stream (updates, patrols) is skipped here.
All text stays text: the browser puts it in text nodes, never in HTML."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from redis import Redis

from dashboard.access.masking import mask_text
from dashboard.config import Language, get_settings
from dashboard.data.active_city import city_files
from dashboard.data.city_zone import city_zone
from dashboard.data.geography import load_counties, load_townships
from dashboard.data.vocab import HazardSeverity
from dashboard.i18n import t
from dashboard.pipeline.events import HazardReported, IncidentReported, MalformedEvent, from_stream
from dashboard.pipeline.streams import Entry, as_entries

COLOURS = {
    "dispute": "#f6c343",
    "stability": "#b084f5",
    "safety_accident": "#ff9f43",
    "criminal": "#ff5b5b",
    "hazard": "#3fa7ff",
}
SCAN_PAGE = 5000  # entries read back at a time on a first visit, to find the newest reports among patrol positions
SCAN_LIMIT = 50_000  # and no further back than this: an account of one township may find fewer than FEED_LENGTH
FEED_LENGTH = 500  # newest reports a browser keeps


def township_names() -> dict[str, tuple[str, str]]:
    return _township_names(city_files().stamp)


def county_names() -> dict[str, tuple[str, str]]:
    return _county_names(city_files().stamp)


@lru_cache(maxsize=2)
def _township_names(_city: str) -> dict[str, tuple[str, str]]:  # per city: a new import brings its names
    return {township.code: (township.name, township.name_en) for township in load_townships()}


@lru_cache(maxsize=2)
def _county_names(_city: str) -> dict[str, tuple[str, str]]:
    return {county.code: (county.name, county.name_en) for county in load_counties()}


def area_name(code: str, lang: Language | None = None) -> str:
    """A county's or township's name (its code when the city has no such area)."""
    names = (county_names() if len(code) == 6 else township_names()).get(code)
    chosen = lang or get_settings().language
    return code if names is None else names[0 if chosen == "zh-CN" else 1]


def township_of(grid_code: str, lang: Language) -> str:
    names = township_names().get(grid_code[:6] + grid_code[7:10])
    return "" if names is None else names[0 if lang == "zh-CN" else 1]


def to_feature(entry: Entry, lang: Language) -> dict[str, Any] | None:
    """A point feature for a new incident or hazard; None for any other entry (or a malformed one)."""
    stream_id, fields = entry
    if fields.get("type") not in ("incident.reported", "hazard.reported"):
        return None
    try:
        event = from_stream(fields)
    except MalformedEvent:
        return None  # the consumer dead-letters it; the wall just does not show it
    major = False  # a major hazard (重大隐患): the wall flies to it
    if isinstance(event, IncidentReported):
        family, label = event.kind.value, t(f"kind.{event.kind.value}", lang)
    elif isinstance(event, HazardReported):
        family, label = "hazard", t(f"category.{event.category.value}", lang) + t("feed.hazard", lang)
        major = event.severity is HazardSeverity.MAJOR
    else:
        return None
    title = f"{label} · {t(f'subtype.{event.subtype}', lang)}"
    local = event.occurred_at.astimezone(ZoneInfo(city_zone()))
    return {
        "type": "Feature",
        "id": str(event.event_id),
        "geometry": {"type": "Point", "coordinates": [event.lon, event.lat]},
        "properties": {
            "sid": stream_id,
            "family": family,
            "colour": COLOURS[family],
            "title": title,
            "grid": event.grid_code,
            "place": f"{township_of(event.grid_code, lang)} · {event.grid_code}",
            "time": f"{local:%H:%M:%S}",
            "at": event.occurred_at.astimezone(UTC).isoformat(),
            "summary": mask_text(event.summary),  # ID and phone numbers never reach the wall
            "open": t("item.open", lang),  # the link to the item's own view (/record?ref=<id>)
            **({"major": True} if major else {}),
        },
    }


def features(entries: list[Entry], lang: Language) -> list[dict[str, Any]]:
    made = (to_feature(entry, lang) for entry in entries)
    return [feature for feature in made if feature is not None]


def latest_features(
    client: Redis, lang: Language, keep: Callable[[str], bool] = lambda _grid: True
) -> tuple[list[dict[str, Any]], str | None]:
    """The newest reports in the stream whose grid `keep` accepts, newest first (a first visit's backlog: up to
    FEED_LENGTH, read back page by page so a small area gets its own newest, not its share of the city's), and the
    id of the newest entry read (to resume from; None when the stream is empty)."""
    stream, newest = get_settings().event_stream, None
    shown: list[dict[str, Any]] = []
    upper, scanned = "+", 0
    while len(shown) < FEED_LENGTH and scanned < SCAN_LIMIT:
        entries = as_entries(client.xrevrange(stream, max=upper, count=SCAN_PAGE))
        if not entries:
            break
        newest = newest or entries[0][0]
        shown += [feature for feature in features(entries, lang) if keep(feature["properties"]["grid"])]
        upper, scanned = f"({entries[-1][0]}", scanned + len(entries)
    return shown[:FEED_LENGTH], newest


def features_after(client: Redis, last_id: str, lang: Language, count: int = 500) -> tuple[list[dict[str, Any]], str]:
    """Reports appended after `last_id` (oldest first), and the id to continue from."""
    entries = as_entries(client.xrange(get_settings().event_stream, min=f"({last_id}", count=count))
    return features(entries, lang), (entries[-1][0] if entries else last_id)
