"""The app's own scripts and stylesheets (assets/*.js, assets/*.css) as one script and one stylesheet per page.

Dash names each file of assets/ in the page: 17 scripts and 9 stylesheets, each a request. A browser opens six
connections to a host, so a page's requests queue in rounds, and Dash's renderer and core components, named after the
assets, were asked for last: on a wall screen's first load they arrived 400–500 ms after the document, about a
quarter of the map's first paint. Here the files go out joined, in the order Dash would name them (by name), each
script in a block of its own that reports its error without stopping the next, as separate scripts would. The joined
copies are made once per process at start; their address carries a digest of their content, so a browser keeps them
until the files change. The files themselves are still served one by one (the login page's stylesheet)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dash
from dash.resources import ResourceType
from flask import Flask, Response

from dashboard.data.active_city import ASSETS

LEFT_TO_THE_BUNDLE = r"\.(js|css)$"  # Dash's assets_ignore: the files it names no more in the page
MIMETYPES = {"js": "text/javascript", "css": "text/css"}
YEAR_S = 365 * 24 * 3600


@dataclass(frozen=True)
class Bundle:
    kind: str  # js | css
    body: bytes
    url: str  # under /assets/ (public and compressed as every asset is), named by a digest of the body


def bundle_of(kind: str, text: str) -> Bundle:
    body = text.encode("utf-8")
    return Bundle(kind, body, f"/assets/bundle.{hashlib.sha256(body).hexdigest()[:16]}.{kind}")


def isolated(name: str, script: str) -> str:
    """One file's script in the joined one: an error stops this file only, and still reaches the page's error
    handlers as an uncaught one (a file of assets/ declares nothing at its top level: a block changes no scope)."""
    return f"/* {name} */\ntry {{\n{script}\n}} catch (error) {{ setTimeout(() => {{ throw error; }}); }}\n"


def joined(kind: str, folder: Path = ASSETS) -> Bundle:
    files = sorted(folder.glob(f"*.{kind}"))  # as Dash orders them
    wrap: Callable[[str, str], str] = isolated if kind == "js" else lambda name, text: f"/* {name} */\n{text}\n"
    return bundle_of(kind, "".join(wrap(path.name, path.read_text(encoding="utf-8")) for path in files))


def bundle_assets(app: dash.Dash) -> None:
    """Name the joined copies in every page and serve them (create the app with assets_ignore=LEFT_TO_THE_BUNDLE).
    Script and stylesheet come where Dash would have named the files: after the component libraries' (the scripts
    use Leaflet's), before Dash's renderer."""
    for kind in MIMETYPES:
        bundle = joined(kind)
        serve(app.server, bundle)
        resource = ResourceType(external_url=bundle.url, external_only=True)
        if kind == "js":
            app.scripts.append_script(resource)  # type: ignore[no-untyped-call]
        else:
            app.css.append_css(resource)


def serve(server: Flask, bundle: Bundle) -> None:
    def answer() -> Response:
        response = Response(bundle.body, mimetype=MIMETYPES[bundle.kind])
        response.cache_control.public = True
        response.cache_control.max_age = YEAR_S
        response.cache_control.immutable = True  # another content, another address
        return response

    # a rule without variables: Werkzeug tries it before Dash's /assets/<path:path>
    server.add_url_rule(bundle.url, endpoint=f"asset_bundle_{bundle.kind}", view_func=answer, methods=["GET"])
