"""Every server callback's inputs checked against the callback's own type annotations before it runs.

A browser sends a callback what its components hold, but anyone holding a session cookie can post any JSON to
`/_dash-update-component`. Each callback is annotated (mypy strict), so its parameters already say what it takes:
a value that is not of that type (text for a click count, a list for a dropdown's value, a name outside an enum, a
number no JavaScript component sends) is refused with 400 naming the input, instead of failing somewhere inside the
callback with a 500; one that converts ("5" for an int) reaches the callback converted. What the types cannot say
(a period's dates, an area's code) the callbacks still check themselves.
"""

from __future__ import annotations

import inspect
import json
import logging
import typing
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from flask import Response, has_request_context, request
from pydantic import ConfigDict, PydanticUserError, TypeAdapter, ValidationError
from werkzeug.exceptions import BadRequest

log = logging.getLogger(__name__)
LAX = ConfigDict(arbitrary_types_allowed=True)
LARGEST = 2**53  # beyond this a JavaScript number is no longer an exact integer: no component sends one


class BadInput(BadRequest):
    """A callback input of the wrong type: a 400 whose JSON body names it."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field, self.problem = field, problem

    def get_response(self, environ: Any = None, scope: Any = None) -> Response:
        body = json.dumps({"error": f"{self.field}: {self.problem}"}, ensure_ascii=False)
        return Response(body, status=400, mimetype="application/json")


def adapter_of(hint: Any) -> TypeAdapter[Any]:
    try:
        return TypeAdapter(hint, config=LAX)
    except PydanticUserError:  # a TypedDict or dataclass: it has its own config
        return TypeAdapter(hint)


def adapters(func: Callable[..., Any]) -> list[TypeAdapter[Any] | None] | None:
    """One validator per positional parameter (None where the annotation says nothing checkable), or None when the
    function's parameters cannot be read."""
    target = inspect.unwrap(func)
    try:
        hints = typing.get_type_hints(target)
        parameters = list(inspect.signature(target).parameters.values())
    except (NameError, TypeError, ValueError):
        return None
    if any(p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in parameters):
        return None  # *args or keyword-only: the positions of the request's values are not the parameters'
    found: list[TypeAdapter[Any] | None] = []
    for parameter in parameters:
        hint = hints.get(parameter.name, Any)
        try:
            found.append(None if hint is Any else adapter_of(hint))
        except Exception as error:  # an annotation pydantic cannot check (a Plotly figure, …): left to the callback
            log.debug("%s: %s is not checked (%s)", target.__name__, parameter.name, error)
            found.append(None)
    return found


def request_names() -> list[str]:
    """`id.property` of each input and state of the callback request being served, in order."""
    body = request.get_json(silent=True) if has_request_context() else None
    names: list[str] = []
    if isinstance(body, Mapping):
        for item in [*(body.get("inputs") or []), *(body.get("state") or [])]:
            first = item[0] if isinstance(item, list) and item else item
            if isinstance(first, Mapping):
                ident = first.get("id")
                shown = (
                    ident if isinstance(ident, str) else json.dumps(ident, ensure_ascii=False, separators=(",", ":"))
                )
                names.append(f"{shown}.{first.get('property')}")
            else:
                names.append("input")
    return names


def too_large(value: Any) -> bool:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return abs(value) > LARGEST
    if isinstance(value, list):
        return any(too_large(item) for item in value)
    if isinstance(value, dict):
        return any(too_large(item) for item in value.values())
    return False


def checked(callback: Callable[..., Any], checks: list[TypeAdapter[Any] | None]) -> Callable[..., Any]:
    @wraps(callback)
    def check_then_call(*args: Any, **kwargs: Any) -> Any:
        if len(args) != len(checks):
            return callback(*args, **kwargs)
        values = []
        for position, (value, adapter) in enumerate(zip(args, checks, strict=True)):
            problem = "a number too large" if too_large(value) else None
            if problem is None and adapter is not None:
                try:
                    value = adapter.validate_python(value)  # as annotated: "5" for an int is 5, a name an enum
                except ValidationError as error:
                    problem = error.errors()[0]["msg"]
            if problem is not None:
                names = request_names()
                name = names[position] if position < len(names) else f"input {position + 1}"
                log.warning("callback %s refused: %s: %s", callback.__name__, name, problem)
                raise BadInput(name, problem)
            values.append(value)
        return callback(*values, **kwargs)

    return check_then_call


def check_callback_inputs(callback_map: dict[str, dict[str, Any]]) -> None:
    """Wrap every server callback registered so far (Dash's global map, before the app starts serving)."""
    for spec in callback_map.values():
        callback = spec.get("callback")
        if callback is None or getattr(callback, "inputs_checked", False):
            continue
        checks = adapters(callback)
        if checks is None or not any(checks):
            continue
        wrapped = checked(callback, checks)
        wrapped.inputs_checked = True  # type: ignore[attr-defined]
        spec["callback"] = wrapped


ROUTER_INPUTS = {("_pages_location", "pathname"), ("_pages_location", "search")}  # Dash's own page router: text


def check_router_request() -> Response | None:
    """Dash registers its page router itself, after the app's callbacks: its two inputs are checked here, before
    Dash reads the request (a flask `before_request` hook)."""
    if request.path != "/_dash-update-component" or request.method != "POST":
        return None
    body = request.get_json(silent=True)
    items = body.get("inputs") if isinstance(body, Mapping) else None
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, Mapping) or (str(item.get("id")), str(item.get("property"))) not in ROUTER_INPUTS:
            continue
        value, name = item.get("value"), f"{item['id']}.{item['property']}"
        if value is not None and not isinstance(value, str):
            return BadInput(name, "Input should be a valid string").get_response()
        if item["property"] == "pathname" and not (value or "/").startswith("/"):
            return BadInput(name, "a path starts with /").get_response()
    return None
