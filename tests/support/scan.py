"""An HTTP scan of the whole app as one signed-in account sees it, for tests/access/test_scope_scan.py.

What the scan asks, as a browser (or anyone holding the session cookie) could:
- every page, through Dash's page router, with query strings that ask for other areas;
- every server-side callback, posted directly to `/_dash-update-component`: first with the values its page holds
  (taken from the layouts the pages answered with), then with one input at a time swapped for a value that asks
  for something else (another county's codes, a click on another area, a table page request);
- every plain route of the server (the push stream's first frame, the polling fallback, exports), with the same
  area probes in the query string.
It returns every answer, keyed by what was asked, so a test can look for data that must not be there and compare
two scans of different data. A callback the scan cannot reach (no component on any page carries its inputs) is
reported, so a new callback cannot slip past it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from dash._utils import split_callback_id, stringify_id

from dashboard.exports.catalog import CATALOG

# Asked for on purpose: the other county, a township and a grid outside every scanned account's scope, and a
# township of the same county (outside a township account's scope).
OTHER_AREAS = ("331081", "331081001", "331081-001-0001", "331004002", "331004-002-0001")
AREA_QUERIES = tuple(f"?area={code}" for code in OTHER_AREAS) + tuple(f"?code={code}" for code in OTHER_AREAS)
OWN_AREA_QUERIES = ("?area=331004001", "?code=331004-001-0001")  # inside every scanned account's scope
WILDCARDS = ('["ALL"]', '["MATCH"]', '["ALLSMALLER"]')
INTERNAL_ROUTES = re.compile(r"^/(_dash-|_reload-hash|_favicon|assets/|static/|login|logout|healthz|api/v1/)")
# Routes with parts in their path: what the scan asks of each. Every chart and table of the export catalog, as CSV
# (the rows themselves), with its own page's area and with others'.
EXPANDED = {"/export/<path:filename>": lambda: [f"/export/{name}.csv" for name in sorted(CATALOG)]}
EXPORT_QUERIES = ("?area=331081", "?code=331081-001-0001", "?area=331004002", "?code=331004-002-0001")
NO_AREA_DATA = {
    "/<path:path>",  # Dash's page router: scanned page by page
    "/city/<name>.geojson",  # the shown city's map layers: outlines only, the same for every account
    "/monthly/download/<job_id>",  # a finished deck or report: to the account whose job made it, and no other
}
STREAM_IDS = re.compile(r"\b\d{13}-\d+\b")  # where in the stream a frame stands: it moves with any report
TIMES = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?|\b\d{1,2}:\d{2}(:\d{2})?\b")


def components(tree: Any) -> Iterator[dict[str, Any]]:
    """Every component (as Dash serialises it: type, namespace, props) inside a JSON value."""
    if isinstance(tree, dict):
        if "namespace" in tree and isinstance(tree.get("props"), dict):
            yield tree
        for value in tree.values():
            yield from components(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from components(value)


def parse_id(raw: Any) -> Any:
    return json.loads(raw) if isinstance(raw, str) and raw.startswith("{") else raw


@cache
def parsed_key(key: str) -> Any:
    """A component id from its JSON key in a view (the scan looks the same keys up many thousand times; the result
    is only read)."""
    return json.loads(key)


def is_wildcard(dep_id: Any) -> bool:
    return isinstance(dep_id, dict) and any(isinstance(v, list) for v in dep_id.values())


def matches(pattern: dict[str, Any], concrete: Any) -> bool:
    if not isinstance(concrete, dict) or set(concrete) != set(pattern):
        return False
    return all(isinstance(v, list) or concrete[k] == v for k, v in pattern.items())


def swap_areas(value: Any) -> Any:
    """The same value asking for the other county: every code of the scanned county replaced by Wenling's."""
    text = json.dumps(value, ensure_ascii=False)
    swapped = text.replace("331004-00", "331081-00").replace("331004", "331081")
    return json.loads(swapped) if swapped != text else None


def probes(prop: str, value: Any) -> list[Any]:
    """Values that ask for something the page did not offer."""
    if prop == "pathname":
        return []  # the page router is scanned page by page
    if prop in ("search", "href"):
        return list(AREA_QUERIES)
    if prop.endswith("clickData") or prop == "selectedData":
        return [{"points": [{"customdata": code, "label": code, "x": code, "y": 1}]} for code in OTHER_AREAS[:3]]
    if prop == "getRowsRequest":
        return [{"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}]
    if prop == "cellClicked":
        return [{"rowIndex": 0, "rowId": "1", "colId": "id", "value": 1}]
    if prop in ("n_clicks", "n_intervals"):
        return [1]
    swapped = swap_areas(value)
    return [swapped] if swapped is not None else []


def readable(body: str) -> str:
    try:
        return json.dumps(json.loads(body), ensure_ascii=False)
    except ValueError:
        return body


@dataclass
class Answer:
    status: int
    body: str

    @property
    def normalised(self) -> str:
        """The body without clock times and stream positions (they move between two scans)."""
        return STREAM_IDS.sub("<stream id>", TIMES.sub("<time>", self.body))


@dataclass
class Scan:
    answers: dict[str, Answer] = field(default_factory=dict)
    unreachable: list[str] = field(default_factory=list)

    def bodies(self) -> Iterator[tuple[str, str]]:
        """Each answer as text a person reads: Dash's JSON escapes every character that is not ASCII (a Chinese
        name is `\\u6e29…` there), so a JSON answer is decoded first, or no Chinese label could ever be found in it."""
        for asked, answer in self.answers.items():
            yield asked, readable(answer.body)


class Scanner:
    """Components are known per page: the shell's, plus what one page (and the callbacks answered on it) holds, as
    a browser showing that page would have them. A callback is posted once per page that can serve it."""

    def __init__(self, app: Any, client: Any, page_queries: dict[str, tuple[str, ...]] | None = None) -> None:
        self.app, self.client = app, client
        self.page_queries = page_queries or {}  # a page's own queries (one item's view: which items), besides areas
        self.shell: dict[str, dict[str, Any]] = {}
        self.pages: dict[str, dict[str, dict[str, Any]]] = {}  # page asked -> json id -> the component's props
        self.asked: set[str] = set()
        self.probing = True

    @staticmethod
    def learn(into: dict[str, dict[str, Any]], tree: Any) -> None:
        for component in components(tree):
            raw = component["props"].get("id")
            if raw is not None:
                into.setdefault(json.dumps(raw, sort_keys=True), component["props"])

    def post(self, scan: Scan, asked: str, body: dict[str, Any], into: dict[str, dict[str, Any]]) -> None:
        request = json.dumps(body, sort_keys=True)
        if request in self.asked:  # the same request from another page (the shell's callbacks): asked once
            return
        self.asked.add(request)
        response = self.client.post("/_dash-update-component", json=body)
        scan.answers[asked] = Answer(response.status_code, response.get_data(as_text=True))
        if response.status_code == 200 and response.is_json:
            self.learn(into, response.json)
            for raw_id, props in response.json.get("response", {}).items():  # what the page now holds
                known = into.get(json.dumps(parse_id(raw_id), sort_keys=True))
                if known is not None and isinstance(props, dict):
                    known.update(props)

    def scan(self, *, probing: bool = True) -> Scan:
        """Every page, callback and route, with the probes; or (`probing=False`) only what the pages hold, in their own
        area, for a test that needs the components each page has rather than the answers to other areas' codes."""
        scan = Scan()
        self.probing = probing
        self.scan_pages(scan)
        callbacks = {key: spec for key, spec in self.app.callback_map.items() if spec.get("callback") is not None}
        served: set[str] = set()
        for _ in range(2):  # answers add components and values (a grid's tables, a clicked record): use them
            for page, known in list(self.pages.items()):
                view = {**self.shell, **known}
                for key, spec in callbacks.items():
                    if self.scan_callback(scan, page, view, key, spec):
                        served.add(key)
                known.update({k: v for k, v in view.items() if k not in self.shell})
        scan.unreachable = sorted(set(callbacks) - served)
        if probing:
            self.scan_routes(scan)
        return scan

    def scan_pages(self, scan: Scan) -> None:
        layout = self.client.get("/_dash-layout")
        scan.answers["GET /_dash-layout"] = Answer(layout.status_code, layout.get_data(as_text=True))
        self.learn(self.shell, layout.json)
        router = next(key for key in self.app.callback_map if "_pages_content.children" in key)
        for page in self.app_pages():
            own = (*OWN_AREA_QUERIES, *self.page_queries.get(page, ()))
            for search in ("", *own, *(AREA_QUERIES if self.probing else ())):
                body = {
                    "output": router,
                    "outputs": split_callback_id(router),
                    "inputs": [
                        {"id": "_pages_location", "property": "pathname", "value": page},
                        {"id": "_pages_location", "property": "search", "value": search},
                    ],
                    "changedPropIds": ["_pages_location.pathname"],
                    "state": [],
                }
                self.post(scan, f"page {page}{search}", body, self.pages.setdefault(f"{page}{search}", {}))

    def app_pages(self) -> list[str]:
        import dash

        return [page["path"] for page in dash.page_registry.values()]

    @staticmethod
    def concrete(view: dict[str, dict[str, Any]], dep_id: Any) -> list[tuple[Any, dict[str, Any]]]:
        if not is_wildcard(dep_id):
            props = view.get(json.dumps(dep_id, sort_keys=True))
            return [(dep_id, props)] if props is not None else []
        return [
            (known, props)
            for key, props in view.items()
            if key.startswith("{") and matches(dep_id, known := parsed_key(key))
        ]

    def dependency(self, view: Any, dep: dict[str, Any], pick: dict[str, Any], value_of: dict[str, Any]) -> Any:
        """The request's entry for one input or state: its concrete id(s) and value(s)."""
        dep_id, prop = parse_id(dep["id"]), dep["property"]
        found = self.concrete(view, dep_id)

        def entry(cid: Any, props: dict[str, Any]) -> dict[str, Any]:
            key = json.dumps(cid, sort_keys=True) + "." + prop
            return {"id": cid, "property": prop, "value": value_of[key] if key in value_of else props.get(prop)}

        if is_wildcard(dep_id) and any(v in (["ALL"], ["ALLSMALLER"]) for v in dep_id.values()):
            return [entry(cid, props) for cid, props in found]
        found = [(cid, props) for cid, props in found if all(cid.get(k, v) == v for k, v in pick.items())]
        return entry(*found[0])

    def outputs(self, view: Any, key: str, pick: dict[str, Any]) -> Any:
        def one(spec: dict[str, Any]) -> Any:
            dep_id = parse_id(spec["id"])
            if not is_wildcard(dep_id):
                return {"id": dep_id, "property": spec["property"]}
            found = self.concrete(view, dep_id)
            if any(v == ["ALL"] for v in dep_id.values()):
                return [{"id": cid, "property": spec["property"]} for cid, _ in found]
            cid = next(cid for cid, _ in found if all(cid.get(k, v) == v for k, v in pick.items()))
            return {"id": cid, "property": spec["property"]}

        split = split_callback_id(key)
        return [one(spec) for spec in split] if isinstance(split, list) else one(split)

    def match_picks(self, view: Any, spec: dict[str, Any]) -> list[dict[str, Any]]:
        """For a MATCH callback, the key values of each group of components it can serve on this page."""
        patterns = [parse_id(dep["id"]) for dep in [*spec["inputs"], *spec["state"]]]
        matched = [p for p in patterns if is_wildcard(p) and any(v == ["MATCH"] for v in p.values())]
        if not matched:
            return [{}]
        picks: list[dict[str, Any]] = []
        for cid, _ in self.concrete(view, matched[0]):
            pick = {k: cid[k] for k, v in matched[0].items() if v == ["MATCH"]}
            if pick not in picks:
                picks.append(pick)
        return picks

    def reachable(self, view: Any, spec: dict[str, Any], pick: dict[str, Any]) -> bool:
        """Whether the page holds every component the callback reads (for ALL: at least one)."""
        for dep in [*spec["inputs"], *spec["state"]]:
            found = self.concrete(view, parse_id(dep["id"]))
            if not [
                cid for cid, _ in found if not isinstance(cid, dict) or all(cid.get(k, v) == v for k, v in pick.items())
            ]:
                return False
        return True

    def scan_callback(self, scan: Scan, page: str, view: Any, key: str, spec: dict[str, Any]) -> bool:
        picks = [pick for pick in self.match_picks(view, spec) if self.reachable(view, spec, pick)]
        for pick in picks:
            variants: list[tuple[str, dict[str, Any]]] = [("as the page holds it", {})]
            for dep in spec["inputs"]:
                dep_id, prop = parse_id(dep["id"]), dep["property"]
                mine = [
                    (c, p) for c, p in self.concrete(view, dep_id) if all(c.get(k, v) == v for k, v in pick.items())
                ]
                for cid, props in mine[:1] if self.probing else []:
                    for value in probes(prop, props.get(prop)):
                        name = json.dumps(cid, sort_keys=True) + "." + prop
                        variants.append((f"{name} = {json.dumps(value, ensure_ascii=False)}", {name: value}))
            for label, value_of in variants:
                inputs = [self.dependency(view, dep, pick, value_of) for dep in spec["inputs"]]
                changed = [f"{stringify_id(e['id'])}.{e['property']}" for e in inputs if isinstance(e, dict)][:1]
                body = {
                    "output": key,
                    "outputs": self.outputs(view, key, pick),
                    "inputs": inputs,
                    "changedPropIds": changed,
                    "state": [self.dependency(view, dep, pick, value_of) for dep in spec["state"]],
                }
                self.post(scan, f"on {page}: callback {key} {json.dumps(pick)}: {label}", body, view)
        return bool(picks)

    def scan_routes(self, scan: Scan) -> None:
        for rule in self.app.server.url_map.iter_rules():
            path = rule.rule
            if "GET" not in rule.methods or INTERNAL_ROUTES.match(path) or path in self.app_pages():
                continue
            if "<" not in path:
                for query in ("", *AREA_QUERIES):
                    scan.answers[f"GET {path}{query}"] = self.get(path + query)
            elif path in EXPANDED:
                for concrete in EXPANDED[path]():
                    for query in ("", *EXPORT_QUERIES):
                        scan.answers[f"GET {concrete}{query}"] = self.get(concrete + query)
            elif path not in NO_AREA_DATA:
                scan.unreachable.append(f"route {path}")  # a new route with parts in its path: say what to ask it

    def get(self, url: str) -> Answer:
        response = self.client.get(url, buffered=False)
        if response.mimetype == "text/event-stream":  # the push stream: its first frame with data
            for chunk in response.response:
                text = chunk.decode()
                if text.startswith(("id:", ": keep-alive")):  # a first frame, or nothing for this area
                    response.close()
                    return Answer(response.status_code, text)
            response.close()
            return Answer(response.status_code, "")
        return Answer(response.status_code, response.get_data(as_text=True))
