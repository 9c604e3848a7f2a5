"""Say what is wrong with the grid code in the address, and hide the tiles until it names a real grid."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, callback

from dashboard import ids
from dashboard.access.current import current_scope
from dashboard.access.scope import in_area
from dashboard.data.areas import GRID_CODE, grid_exists
from dashboard.data.db import session_scope
from dashboard.i18n import t

HIDDEN = {"display": "none"}


@callback(
    Output(ids.Grid.MESSAGE, "children"),
    Output(ids.Grid.TILES, "style"),
    Input(ids.kpi_scope("grid"), "data"),
)
def check_grid_code(scope: dict[str, Any]) -> tuple[str, dict[str, str]]:
    code = str(scope["area"]["code"])
    if not code:
        return t("grid.none_chosen"), HIDDEN
    if not GRID_CODE.fullmatch(code):
        return t("grid.bad_code", code=code), HIDDEN
    if not in_area(current_scope(), code):
        return t("grid.out_of_scope", code=code), HIDDEN
    with session_scope() as session:
        if not grid_exists(session, code):
            return t("grid.unknown", code=code), HIDDEN
    return "", {}
