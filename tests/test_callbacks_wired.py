"""Every callback names components that some page draws, by properties those components have: the check Dash's
renderer made in each browser against the validation layout, which the page no longer carries
(dashboard/lean_page.py), made here once against every page's layout."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.accounts import signed_in_client

pytestmark = pytest.mark.db_independent


def outputs(spec: dict[str, Any]) -> list[dict[str, str]]:
    """`id.prop`, or `..id.prop...id.prop..` for several, as /_dash-dependencies writes them; a callback without
    outputs has a made-up id and no property."""
    named = spec["output"].strip(".").split("...") if spec["output"].startswith("..") else [spec["output"]]
    return [dict(zip(("id", "property"), name.rsplit(".", 1), strict=True)) for name in named if "." in name]


def test_every_callback_names_drawn_components_by_their_own_properties(dash_app):
    client = signed_in_client(dash_app)
    callbacks = client.get("/_dash-dependencies").get_json()  # what a browser's renderer wires up
    drawn = {c.id: c for c in dash_app.validation_layout._traverse_ids() if isinstance(c.id, str)}
    assert len(callbacks) > 50 and len(drawn) > 100  # every page's layout, built before the first request
    missing = []
    for spec in callbacks:
        for part in (*outputs(spec), *spec["inputs"], *spec["state"]):
            component_id, prop = part["id"].lstrip("."), part["property"].split("@")[0]
            if component_id.startswith("{"):  # a pattern: its components are drawn by callbacks, checked by tests
                continue
            component = drawn.get(component_id)
            if component is None or prop not in component._prop_names:
                missing.append(f"{component_id}.{prop}")
    assert not missing
