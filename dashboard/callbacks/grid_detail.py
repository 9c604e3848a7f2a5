"""The grid page: say what is wrong with the grid code in the address, or show the grid: its profile, and the
period its map and record tables count over (the tables and the map fetch their own rows)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from dash import Input, Output, State, callback, html, no_update

from dashboard import ids
from dashboard.access.current import current_scope
from dashboard.access.scope import in_area
from dashboard.components.breadcrumbs import breadcrumbs, trail
from dashboard.components.cards import KpiScope
from dashboard.config import Language, get_settings
from dashboard.data.active_city import city_name
from dashboard.data.areas import GRID_CODE
from dashboard.data.city_zone import city_today
from dashboard.data.db import session_scope
from dashboard.data.filters import DrillFilter
from dashboard.data.periods import CITY, Area
from dashboard.filter_url import FilterParams
from dashboard.formatting import format_count, format_day
from dashboard.i18n import t
from dashboard.views.grid_profile import GRID_PERIODS, GridProfile, grid_period, grid_profile
from dashboard.views.records import drill_to_data

HIDDEN = {"display": "none"}
AWAY = {"visibility": "hidden", "height": 0, "overflow": "hidden"}  # laid out though unseen: the map needs a size
CRUMBS_PAGE = "/trends"  # the levels above a grid open as case trends of that area


def fact(label: str, value: str) -> list[Any]:
    return [html.Dt(label), html.Dd(value)]


def profile_view(profile: GridProfile, scope: Area, lang: Language) -> list[Any]:
    chinese = lang == "zh-CN"
    county = profile.county_name[0 if chinese else 1]
    township = profile.township_name[0 if chinese else 1]
    grid_area = Area.grid(profile.code)
    names = {
        CITY: city_name(lang),
        Area.county(profile.county_code): county,
        Area.township(profile.township_code): township,
        grid_area: f"{profile.name}（{profile.code}）",
    }
    aria: dict[str, Any] = {"aria-label": t("crumbs.label", lang)}
    links: Any = breadcrumbs(trail(CRUMBS_PAGE, FilterParams(area=grid_area), names, scope))
    crumbs = html.Nav(links, className="breadcrumbs grid-crumbs", **aria)
    kind = t("gridpage.urban" if profile.urban else "gridpage.rural", lang)
    size = t("gridpage.area_km2", lang, value=f"{profile.area_km2:.2f}")
    workers = [
        html.P(
            t(
                "gridpage.worker_line",
                lang,
                name=worker.name,
                code=worker.code,
                phone=worker.phone,  # masked
                hired=format_day(worker.hire_date, lang),
                education=t(f"records.education.{worker.education}", lang),
                party=t("gridpage.party_member", lang) if worker.party_member else "",
            ),
            className="grid-worker-line",
        )
        for worker in profile.workers
    ] or [html.P(t("gridpage.no_worker", lang), className="grid-worker-line")]
    population = html.Dl(
        [
            *fact(t("gridpage.residents", lang), format_count(profile.residents)),
            *fact(t("gridpage.migrants", lang), format_count(profile.migrants)),
            *fact(t("gridpage.key_persons", lang), format_count(profile.key_persons)),
            *fact(t("gridpage.special_persons", lang), format_count(profile.special_persons)),
            *fact(t("gridpage.rental_houses", lang), format_count(profile.rental_houses)),
        ],
        className="grid-population",
    )
    return [
        crumbs,
        html.P(f"{kind} · {size}", className="grid-kind"),
        html.Div([html.H3(t("gridpage.worker", lang)), *workers], className="grid-worker"),
        html.Div([html.H3(t("gridpage.population", lang)), population], className="grid-people"),
    ]


QUERY_OUTPUTS = [Output(ids.record("query", key), "data") for key in ids.GridDetail.TABLES.values()]


@callback(
    Output(ids.Grid.MESSAGE, "children"),
    Output(ids.Grid.TILES, "style"),
    Output(ids.GridDetail.BODY, "style"),
    Output(ids.GridDetail.PROFILE, "children"),
    Output(ids.analysis("query", ids.GridDetail.MAP), "data"),
    *QUERY_OUTPUTS,
    Input(ids.kpi_scope("grid"), "data"),
    Input(ids.GridDetail.PERIOD, "value"),
)
def show_grid(scope: KpiScope, choice: str | None) -> tuple[Any, ...]:
    code = str(scope["area"]["code"])
    unchanged = (no_update,) * (1 + len(ids.GridDetail.TABLES))

    def refuse(message: str) -> tuple[Any, ...]:
        return message, HIDDEN, AWAY, None, *unchanged

    if not code:
        return refuse(t("grid.none_chosen"))
    if not GRID_CODE.fullmatch(code):
        return refuse(t("grid.bad_code", code=code))
    account_scope = current_scope()
    if not in_area(account_scope, code):
        return refuse(t("grid.out_of_scope", code=code))
    with session_scope() as session:
        profile = grid_profile(session, code)
    if profile is None:
        return refuse(t("grid.unknown", code=code))
    drill = drill_to_data(DrillFilter(grid_period(choice, city_today()), area=Area.grid(code)))
    view = profile_view(profile, account_scope, get_settings().language)
    return "", {}, {}, view, drill, *([drill] * len(ids.GridDetail.TABLES))


@callback(
    Output(ids.App.URL, "search", allow_duplicate=True),
    Input(ids.GridDetail.PERIOD, "value"),
    State(ids.kpi_scope("grid"), "data"),
    prevent_initial_call=True,
)
def write_grid_period_to_url(choice: str | None, scope: KpiScope) -> Any:
    """The period picked goes into the address (`?code=…&period=ytd`; the default left out), so the view is a link
    and the export menus, which carry the address's query, export the same span."""
    if choice not in GRID_PERIODS:
        return no_update
    query = {"code": str(scope["area"].get("code") or "")}
    if choice != GRID_PERIODS[0]:
        query["period"] = choice
    return f"?{urlencode(query)}"
