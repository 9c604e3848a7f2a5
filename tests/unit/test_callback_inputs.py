"""A callback's inputs checked against its annotations (dashboard/callback_inputs.py): a store's value is taken as its
type declares it, and a key the type does not declare is refused by name, never dropped on the way."""

from __future__ import annotations

import pytest

from dashboard.callback_inputs import BadInput, adapters, checked
from dashboard.components.cards import KpiScope
from dashboard.filter_url import StoredParams


def takes_scope(scope: KpiScope) -> KpiScope:
    return scope


def takes_params(params: StoredParams) -> StoredParams:
    return params


def call(callback, value):  # type: ignore[no-untyped-def]
    return checked(callback, adapters(callback) or [])(value)


def test_a_store_value_reaches_its_callback_whole():
    scope = {"period": "headline", "area": {"level": "county", "code": "331004"}, "within": "30"}
    assert call(takes_scope, scope) == {**scope, "within": 30}  # converted as declared
    params = {"period": "month", "within": "90", "path": "/monthly", "errors": []}
    assert call(takes_params, params) == params


@pytest.mark.parametrize(
    ("callback", "value"),
    [
        (takes_scope, {"period": "headline", "area": {"level": "city"}, "days": 30}),
        (takes_scope, {"period": "headline", "area": {"level": "city", "name": "x"}}),  # inside, too
        (takes_params, {"period": "month", "path": "/monthly", "scope": "all"}),
    ],
)
def test_a_key_the_type_does_not_declare_is_refused_by_name(callback, value):
    with pytest.raises(BadInput) as refused:
        call(callback, value)
    assert refused.value.field == "input 1" and "Extra inputs are not permitted" in refused.value.problem
