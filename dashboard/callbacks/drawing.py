"""What the drill-down pages' figure callbacks share: a page's charts drawn from one database session, and a blank
chart saying the data is unavailable in place of each when the database fails."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import plotly.graph_objects as go
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from dashboard.config import Language
from dashboard.data.db import session_scope
from dashboard.figures.common import empty
from dashboard.i18n import t
from dashboard.views.chart import Chart

log = logging.getLogger(__name__)


def drawn(charts: Sequence[Callable[[Session], Chart]], what: str) -> list[Any] | None:
    """The chart of each builder, all from one session; None (and the error logged, naming `what`) when the
    database fails."""
    try:
        with session_scope() as session:
            return [chart(session)[1] for chart in charts]
    except SQLAlchemyError:
        log.exception("%s unavailable", what)
        return None


def unavailable(lang: Language) -> go.Figure:
    return empty("", t("status.unavailable", lang))
