"""The layout a page fetches holds that page already (dashboard/first_page.py): the same components the router draws
for the address, the page's tab title, and a Location that knows the address; for a request that does not name one of
this host's pages, the container is left empty for the router, as before. Odd Referers are no error."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from dash._utils import split_callback_id
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import ids
from dashboard.data.db import session_scope
from tests.support.accounts import signed_in_client
from tests.support.factories import add_city

HOST = "http://localhost"  # the test client's host
ADDRESSES = [
    "/",
    "/trends?county=331002&period=month",
    "/grid?code=331004-001-0001",
    "/wall?pages=wall,trends&every=30",
    "/wall?every=soon",  # a bad parameter: the page names it
    "/no-such-page?x=1",
]


def find(component: Any, component_id: str) -> dict[str, Any] | None:
    """The component of that id in a layout as /_dash-layout writes it (JSON), or None."""
    if isinstance(component, list):
        return next((found for item in component if (found := find(item, component_id)) is not None), None)
    if not isinstance(component, dict) or "props" not in component:
        return None
    if component["props"].get("id") == component_id:
        return component
    return find(component["props"].get("children"), component_id)


def routed(client: Any, dash_app: Any, address: str) -> dict[str, Any]:
    """What Dash's router answers for the address: the page's content and its store (the tab title)."""
    router = next(key for key in dash_app.callback_map if "_pages_content.children" in key)
    path, _, query = address.partition("?")
    body = {
        "output": router,
        "outputs": split_callback_id(router),
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": f"?{query}" if query else ""},
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200
    return dict(answer.get_json()["response"])


@pytest.mark.parametrize("address", ADDRESSES)
def test_the_layout_holds_what_the_router_draws_for_the_page_that_fetches_it(dash_app, address):
    with session_scope() as session:
        add_city(session)
    client = signed_in_client(dash_app)
    layout = client.get("/_dash-layout", headers={"Referer": HOST + address})
    assert layout.status_code == 200
    shell = layout.get_json()
    router = routed(client, dash_app, address)
    content, location = find(shell, "_pages_content"), find(shell, "_pages_location")
    assert content is not None and location is not None
    assert content["props"]["children"] == router["_pages_content"]["children"]
    assert content["props"]["data-page"] == address
    assert find(shell, "_pages_store")["props"]["data"] == router["_pages_store"]["data"]  # the tab's title
    path, _, query = address.partition("?")
    # the address as the browser's location spells it: its Location has nothing to tell the router on its first draw
    assert (location["props"]["pathname"], location["props"]["search"]) == (path, f"?{query}" if query else "")


@pytest.mark.parametrize(
    "referer",
    [
        None,
        "http://[::1/trends",  # not an address at all
        "localhost/trends",
        "http://localhost",  # the host alone: no page named
    ],
)
def test_a_layout_fetched_without_a_page_s_address_leaves_the_page_to_the_router(dash_app, referer):
    client = signed_in_client(dash_app)
    layout = client.get("/_dash-layout", headers={"Referer": referer} if referer else {})
    assert layout.status_code == 200
    content, location = find(layout.get_json(), "_pages_content"), find(layout.get_json(), "_pages_location")
    assert content["props"].get("children") is None and location["props"].get("pathname") is None


@pytest.mark.parametrize(
    "referer",
    [
        "https://grid.city.example/trends?period=month",  # behind a proxy: the browser's host, not the app's
        "http://localhost/trends?" + "x=1&" * 5_000,
    ],
)
def test_the_page_is_read_from_the_referer_s_path_whatever_its_host_or_length(dash_app, referer):
    client = signed_in_client(dash_app)
    layout = client.get("/_dash-layout", headers={"Referer": referer})
    assert layout.status_code == 200
    assert find(layout.get_json(), "_pages_location")["props"]["pathname"] == "/trends"
    assert find(layout.get_json(), ids.Trends.GRAIN) is not None  # the trends page is drawn


def test_every_answer_asks_browsers_for_a_same_origin_referer(dash_app):
    client = signed_in_client(dash_app)
    for path in ("/", "/_dash-layout", "/healthz", "/login"):
        assert client.get(path).headers["Referrer-Policy"] == "same-origin"


PATHS = ["/", "/trends", "/solve-rates", "/grid", "/wall", "/record", "/queue", "/monthly", "/no-such-page", "//x", ""]
QUERY_VALUES = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)
# Bounded and derandomized: the same examples every run (a failure repeats, never flakes).
FUZZ = settings(
    max_examples=40, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
)


def test_no_referer_makes_the_layout_fail(dash_app):
    """Whatever page and query a Referer names, with whatever values, the layout answers with the page drawn (a
    page that refuses a value names it in the page, as when the router draws it)."""
    with session_scope() as session:
        add_city(session)
    client = signed_in_client(dash_app)

    @FUZZ
    @given(
        path=st.sampled_from(PATHS),
        query=st.dictionaries(
            st.sampled_from(["code", "period", "area", "every", "pages", "kind", "id", "x"]), QUERY_VALUES
        ),
    )
    def answers(path: str, query: dict[str, str]) -> None:
        referer = f"http://localhost{path}?{urlencode(query)}"
        layout = client.get("/_dash-layout", headers={"Referer": referer})
        assert layout.status_code == 200
        drawn = find(layout.get_json(), "_pages_content")["props"].get("children") is not None
        assert drawn == path.startswith("/")  # every page drew itself: none fell back to the router on an error

    answers()
