"""Property-based fuzzing (hypothesis, a bounded number of examples each): no event the phones' API can be sent,
and no value a forged request can give any registered server callback, makes a 500.

- The ingest contract: valid events with one field replaced by a hostile value (wrong types, huge and negative
  numbers, control characters, absurd dates, nesting), alone or in a batch.
- Every callback the app registers: posted as dash-renderer would from a page that holds its components (found by
  tests/support/scan.py), with one input or state replaced by a hostile value, or its structure kept and its leaves
  replaced.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.data.db import session_scope
from dashboard.data.vocab import Role
from tests.support.accounts import signed_in_client
from tests.support.events import hazard_reported, hazard_updated, incident_reported, incident_updated, patrol_started
from tests.support.factories import incident
from tests.support.scan import Scanner, is_wildcard, parse_id

HOSTILE_TEXT = [
    "", " ", "\x00", "a\x00b", "\u202e", "0001-01-01", "9999-12-31", "2026-02-30", "1e309", "NaN", "-1",
    "331081", "331081-001-0001", "../../etc/passwd", "<script>alert(1)</script>", "=HYPERLINK(\"x\")", "x" * 5000,
    '{"a": 1}', "null", "MATCH", "ALL",
]  # fmt: skip
HOSTILE_NUMBERS = [0, -1, 1, 2**31, 2**63, -(2**63), 10**30, 1.5, -0.0, 1e308, -1e308]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from(HOSTILE_TEXT),
    st.sampled_from(HOSTILE_NUMBERS),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(["start", "end", "code", "level", "x"]), inner)
    ),
    max_leaves=8,
)
# Bounded: a fixed number of examples per property, the same ones every run (a failure repeats, never flakes).
FUZZ = settings(
    max_examples=25, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
)


def mutated(data: st.DataObject, value: Any, depth: int = 0) -> Any:
    """A hostile value of the same shape as `value` (its leaves replaced now and then), or any hostile value."""
    if depth > 4 or data.draw(st.integers(0, 3), label="replace whole") == 0:
        return data.draw(VALUES, label="value")
    if isinstance(value, dict):
        return {key: mutated(data, item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [mutated(data, item, depth + 1) for item in value]
    return data.draw(VALUES, label="leaf")


def test_no_event_sent_to_the_ingest_api_makes_a_500(dash_app, token):
    client = dash_app.server.test_client()
    makers = [incident_reported, hazard_reported, patrol_started]

    @FUZZ
    @given(data=st.data())
    def post_one(data: st.DataObject) -> None:
        base = data.draw(st.sampled_from(makers))()
        base = data.draw(st.sampled_from([base, incident_updated(base["event_id"], "closed"),
                                          hazard_updated(base["event_id"], "closed")]))  # fmt: skip
        field = data.draw(st.sampled_from([*base, "extra"]))
        event = {**base, field: mutated(data, base.get(field))}
        body = data.draw(st.sampled_from([event, [event], [base, event]]))
        response = client.post(
            "/api/v1/events",
            data=json.dumps(body, ensure_ascii=False),
            headers={"Authorization": f"Bearer {token}"},
            content_type="application/json",
        )
        assert response.status_code in (202, 400), (response.status_code, response.text[:300], body)

    post_one()


def test_no_value_given_to_any_callback_makes_a_500(dash_app, person):
    client = signed_in_client(dash_app, "operator", Role.CITY_OPERATOR)
    with session_scope() as session:  # an item, so that its view holds the buttons of its steps
        item = incident(datetime(2026, 1, 5, 8), kind="dispute")
        session.add(item)
        session.flush()
        pages = {"/record": (f"?kind=incident&id={item.id}",)}
    scanner = Scanner(dash_app, client, pages)
    scan = scanner.scan(probing=False)  # every page, every callback as the page holds it: what each page holds
    callbacks = {key: spec for key, spec in dash_app.callback_map.items() if spec.get("callback") is not None}
    reachable: dict[str, tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = {}
    for known in scanner.pages.values():
        view = {**scanner.shell, **known}
        for key, spec in callbacks.items():
            for pick in scanner.match_picks(view, spec):
                if key not in reachable and scanner.reachable(view, spec, pick):
                    reachable[key] = (spec, pick, view)
    assert set(callbacks) - set(reachable) <= set(scan.unreachable) and len(reachable) >= len(callbacks) - 2
    for key, (spec, pick, view) in reachable.items():
        fuzz_callback(client, scanner, key, spec, pick, view)


def fuzz_callback(client: Any, scanner: Scanner, key: str, spec: dict[str, Any], pick: dict[str, Any],
                  view: dict[str, Any]) -> None:  # fmt: skip
    """Post the callback with one of its inputs or states replaced by a hostile value, many times over: each answer
    is the callback's (200, or 204 for no update) or a refusal naming the input (400), never a 500."""
    dependencies = [*spec["inputs"], *spec["state"]]

    @FUZZ
    @given(data=st.data())
    def post_one(data: st.DataObject) -> None:
        dep = data.draw(st.sampled_from(dependencies))
        dep_id, prop = parse_id(dep["id"]), dep["property"]
        found = [
            cid for cid, _ in scanner.concrete(view, dep_id) if all(cid.get(k, v) == v for k, v in pick.items())
        ] if is_wildcard(dep_id) else [dep_id]  # fmt: skip
        name = json.dumps(found[0], sort_keys=True) + "." + prop
        original = view.get(json.dumps(found[0], sort_keys=True), {}).get(prop)
        value_of = {name: mutated(data, original)}
        changed = json.dumps(found[0], separators=(",", ":")) if isinstance(found[0], dict) else found[0]
        body = {
            "output": key,
            "outputs": scanner.outputs(view, key, pick),
            "inputs": [scanner.dependency(view, d, pick, value_of) for d in spec["inputs"]],
            "changedPropIds": [f"{changed}.{prop}"],
            "state": [scanner.dependency(view, d, pick, value_of) for d in spec["state"]],
        }
        response = client.post("/_dash-update-component", json=body)
        assert response.status_code in (200, 204, 400), (key, name, value_of[name], response.text[:300])
        if response.status_code == 400:
            assert response.json["error"].split(": ")[0].endswith(tuple(f".{d['property']}" for d in dependencies))

    post_one()
