"""The area a page shows for the area its address asks for, decided once when the page is built: what was asked
when it lies in the account's area; the account's own area, and one message naming what was refused, when the two
do not overlap. The page then counts, draws, names and exports that area alone (figures, charts, export links), so
a refusal leaves a page that is consistent, and says so once."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from dashboard.access.current import NotLoggedIn, OutOfScope, current_scope, scoped
from dashboard.config import Language, get_settings
from dashboard.data import area_tree
from dashboard.data.db import session_scope
from dashboard.data.periods import Area
from dashboard.i18n import t


def refusal_text(asked: Area, own: Area, lang: Language | None = None) -> str:
    """'椒江区（331002）不在本账号的辖区内，本页显示本辖区路桥区的数据。' (a code of no area: the code alone)."""
    language = lang or get_settings().language
    try:
        with session_scope() as session:
            own_name = area_tree.area_name(session, own, lang=language)
            try:
                asked_name = area_tree.area_name(session, asked, lang=language)
            except LookupError:
                asked_name = ""
    except SQLAlchemyError:  # the page says the database is unavailable elsewhere; the codes still name the areas
        own_name, asked_name = own.code or "", ""
    shown = f"{asked_name}（{asked.code}）" if asked_name else str(asked.code)
    return t("area.refused", language, asked=shown, own=own_name)


def shown_area(asked: Area, lang: Language | None = None) -> tuple[Area, str | None]:
    """(the area to show, the refusal message or None). Outside a request with a login (Dash's validation call of
    a layout) nothing is checked: the area as asked."""
    try:
        return scoped(asked), None
    except NotLoggedIn:
        return asked, None
    except OutOfScope:
        own = current_scope()
        return own, refusal_text(asked, own, lang)
