"""Composition root: `create_app(settings)` builds the Dash app and wires its parts explicitly (pages, callbacks,
routes, access, compression). The module's `app`, `server` (the Flask app alone) and `asgi` (for gunicorn's asgi
workers: `gunicorn app:asgi --worker-class asgi`, the push stream on the event loop, the rest on threads) are the
app built from the environment's settings."""

import dash
from dash._callback import GLOBAL_CALLBACK_MAP
from flask_compress import Compress

from dashboard.access.login import install as install_access
from dashboard.asset_bundle import LEFT_TO_THE_BUNDLE, bundle_assets
from dashboard.callback_inputs import check_callback_inputs, check_router_request
from dashboard.callbacks import register_callbacks
from dashboard.config import Settings, get_settings
from dashboard.data.db import upgrade_to_head
from dashboard.first_page import ask_for_same_origin_referer
from dashboard.grid_bundle import load_grid_on_demand
from dashboard.i18n import t
from dashboard.layout import build_shell, title_tabs
from dashboard.lean_page import LeanDash, leave_out_dash_table
from dashboard.logs import configure_logging
from dashboard.malloc_arenas import limit_malloc_arenas
from dashboard.push.front import PushFront
from dashboard.routes import register_routes
from dashboard.static_files import register_static_files

COMPRESSED = [  # gzip/brotli; the event stream gzips itself, write by write (dashboard/push/encoding.py)
    "text/html",
    "text/css",
    "application/javascript",
    "text/javascript",
    "application/json",
    "image/svg+xml",
    "application/geo+json",  # the map layers (a browser that takes brotli gets their own copy: static_files.py)
]


def create_app(settings: Settings) -> dash.Dash:
    """The app: its pages (dashboard/pages/, Dash Pages), every callback, the routes beside the pages (the phones'
    API, the push stream, exports, health), the login in front of all of it. Dash keeps callbacks and pages in
    process-wide registries that the first app built takes over, so a process builds one app."""
    app = LeanDash(
        __name__,
        pages_folder="dashboard/pages",  # a non-default folder also switches use_pages on
        title=t("app.title", settings.language),
        update_title="",  # no "Updating..." flicker on the wall screens
        external_stylesheets=[],  # CSS comes from assets/, never from a CDN
        serve_locally=True,  # Dash's own scripts from this server too: nothing leaves the machine
        assets_ignore=LEFT_TO_THE_BUNDLE,  # assets/ goes out as one script and one stylesheet (bundle_assets)
    )
    leave_out_dash_table()
    app.leave_out_polyfill()  # regenerator-runtime alone
    bundle_assets(app)
    load_grid_on_demand(app)  # dash-ag-grid's script only where a record table is drawn
    register_callbacks()
    app.layout = build_shell
    check_callback_inputs(GLOBAL_CALLBACK_MAP)  # a value of another type than a callback's parameter: 400, naming it
    title_tabs()  # each tab names its page and the city shown
    install_access(app.server)  # every route behind a login, except the login page, assets and the phones' API
    app.server.before_request(check_router_request)
    register_routes(app.server)
    ask_for_same_origin_referer(app.server)  # the layout draws the page its Referer names (first_page.py)
    app.server.config["COMPRESS_MIMETYPES"] = COMPRESSED
    Compress(app.server)
    register_static_files(app.server)  # after Compress: its own compression of the static files comes first
    return app


limit_malloc_arenas()  # before the worker's threads start: their freed memory would otherwise stay, arena by arena
settings = get_settings()  # a wrong setting stops here, with one line naming it
app = create_app(settings)
server = app.server
asgi = PushFront(server)  # GET /events on the event loop; every other request to `server` on a pool of threads

if __name__ == "__main__":
    configure_logging()
    upgrade_to_head()  # the development server migrates; production runs `alembic upgrade head` as a deploy step
    app.run(host=settings.host, port=settings.port, debug=False)
