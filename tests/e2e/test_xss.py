"""500 hostile report texts on the wall: each one shown as the text it is, none of them run."""

from __future__ import annotations

import itertools

from dashboard.data.redis_client import get_redis
from dashboard.pipeline.events import parse_event
from dashboard.pipeline.streams import append_events
from tests.support.accounts import sign_in
from tests.support.events import incident_reported

ATTACKS = [
    '<img src=x onerror="window.__xss={n}">',
    "<script>window.__xss={n}</script>",
    '"><svg onload="window.__xss={n}">',
    '<iframe srcdoc="<script>parent.__xss={n}</script>"></iframe>',
    '<a href="javascript:window.__xss={n}">点我</a>',
    "<body onload=window.__xss={n}>",
    '<input autofocus onfocus="window.__xss={n}">',
    "<details open ontoggle=window.__xss={n}>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss={n}>",
    "'-alert({n})-'",
]
WRAPPERS = ["{a}", "举报：{a}", "{a} 已处理", "<b>{a}</b>", "&lt;{a}&gt;", "{a}{a}", "%3C{a}", "\\u003c{a}",
            "```{a}```", "{a}\n第二行"]  # fmt: skip
PAYLOADS = [
    wrapper.format(a=attack.format(n=n))
    for n, (attack, wrapper) in enumerate(itertools.islice(itertools.cycle(itertools.product(ATTACKS, WRAPPERS)), 500))
]


def words(text: str) -> str:
    """Text as the page lays it out: runs of white space (a line break too) shown as one space."""
    return " ".join(text.split())


def test_five_hundred_hostile_report_texts_are_shown_as_text_and_none_runs(dash_app, dash_duo):
    assert len(set(PAYLOADS)) == 500
    append_events(get_redis(), [parse_event(incident_reported(summary=text[:500])) for text in PAYLOADS])
    sign_in(dash_duo, dash_app)
    dash_duo.wait_for_element(".feed-summary", timeout=20)
    shown = [words(element.text) for element in dash_duo.find_elements(".feed-summary")]
    expected = [words(text[:500]) for text in PAYLOADS[::-1]]  # newest first
    assert shown and shown == expected[: len(shown)]
    markers = dash_duo.find_elements(".leaflet-marker-icon:not(.county-name)")  # the reports' markers, not labels
    assert markers
    for marker in markers[:5]:  # popups too
        marker.click()
    assert dash_duo.driver.execute_script("return window.__xss") is None
    hostile = ".feed img, .feed svg, .feed iframe, .feed script, .feed a[href^=javascript], .leaflet-popup img"
    assert dash_duo.find_elements(hostile) == []
