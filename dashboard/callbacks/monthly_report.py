"""月度通报: count the month the address asks for (within the account's area) through the same `month_pack` the deck,
the PDF and the exports use, and show it; write a new month or area into the address; build the deck or the PDF in
the background and follow its progress until the download link shows."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

import plotly.graph_objects as go
from dash import Input, Output, State, callback, ctx, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids
from dashboard.access.current import OutOfScope, current_account, current_scope
from dashboard.access.roles import may_export
from dashboard.bulletin import Bulletin
from dashboard.callbacks.month_area import area_options, parse_area
from dashboard.components.bulletin import bulletin_document
from dashboard.components.month_area import with_value
from dashboard.components.monthly import ranking_table
from dashboard.config import Language, get_settings
from dashboard.data import bulletins
from dashboard.data.city_zone import city_zone
from dashboard.data.db import session_scope
from dashboard.exports import builds
from dashboard.exports.catalog import ExportRequest
from dashboard.exports.monthly_charts import HAZARDS, PATROLS, RISING, MonthPack, month_pack, month_view
from dashboard.figures.common import empty
from dashboard.formatting import local_time
from dashboard.i18n import t

log = logging.getLogger(__name__)
SHOWN = {"display": "flex"}
HIDDEN = {"display": "none"}


def asked_query(stored: dict[str, Any] | None) -> dict[str, str]:
    """The month and area of the page's store (the layout put only well-formed values there)."""
    if not isinstance(stored, dict):  # the store is the client's: anything else asks for the default view
        return {}
    return {key: str(value) for key, value in stored.items() if key in ("month", "area", "within") and value}


def shown_month(query: dict[str, str], lang: Language, messages: list[str]) -> MonthPack:
    """The month the page shows: the area asked for, or, outside the account's area, the account's own (said once
    in `messages`)."""
    try:
        return month_pack(ExportRequest(query, current_scope(), lang))
    except OutOfScope:
        messages.append(t("area.out_of_scope", lang))
        return month_pack(ExportRequest({**query, "area": ""}, current_scope(), lang))


def edit_status(document: Bulletin, lang: Language) -> str:
    """Who last changed the 下步工作要求 and when, or that it is still the generated text."""
    if document.edited_by is None or document.edited_at is None:
        return t("bulletin.generated", lang)
    return t("bulletin.edited", lang, user=document.edited_by, time=local_time(document.edited_at, city_zone()))


@callback(
    Output(ids.Monthly.MESSAGE, "children"),
    Output(ids.Monthly.SUMMARY, "children"),
    Output(ids.Monthly.REQUIREMENTS, "value"),
    Output(ids.Monthly.SAVED, "children"),
    Output(ids.Monthly.RANKING, "children"),
    Output(ids.Monthly.RISING, "figure"),
    Output(ids.Monthly.HAZARDS, "figure"),
    Output(ids.Monthly.PATROLS, "figure"),
    Input(ids.Monthly.QUERY, "data"),
    Input(ids.App.REFRESH, "n_intervals"),
)
def update_monthly_report(stored: dict[str, Any] | None, _tick: int | None) -> tuple[Any, ...]:
    lang = get_settings().language
    errors = stored.get("errors") if isinstance(stored, dict) else None
    messages = [str(message) for message in errors] if isinstance(errors, list) else []
    try:
        month = shown_month(asked_query(stored), lang, messages)
    except ValueError as error:
        return [*messages, str(error)], "", "", "", "", *(empty("", str(error)),) * 3
    except SQLAlchemyError:
        log.exception("monthly report unavailable")
        blank = empty("", t("status.unavailable", lang))
        return [*messages, t("status.unavailable", lang)], "", no_update, "", "", blank, blank, blank
    lines = [html.Div(message, className="drill-message-line") for message in messages]
    if month.empty:
        blank = empty("", month.empty_message())
        lines.append(html.Div(month.empty_message(), className="drill-message-line monthly-empty"))
        return lines, "", "", "", html.P(month.empty_message(), className="page-message"), blank, blank, blank
    figures: list[go.Figure] = [month.contents[name].figure or empty("", "") for name in (RISING, HAZARDS, PATROLS)]
    # the refresh clock redraws the figures but never the text box: it would wipe what the leader is typing
    text = no_update if ctx.triggered_id == ids.App.REFRESH else month.bulletin.requirements
    return (
        lines,
        bulletin_document(month.bulletin, lang),
        text,
        edit_status(month.bulletin, lang),
        ranking_table(month.report.ranking, lang, within=month.view.within),
        *figures,
    )


@callback(
    Output(ids.Monthly.REQUIREMENTS, "value", allow_duplicate=True),
    Output(ids.Monthly.SAVED, "children", allow_duplicate=True),
    Input(ids.Monthly.SAVE, "n_clicks"),
    State(ids.Monthly.REQUIREMENTS, "value"),
    State(ids.Monthly.QUERY, "data"),
    prevent_initial_call=True,
)
def save_requirements(clicks: int | None, text: str | None, stored: dict[str, Any] | None) -> tuple[Any, Any]:
    """Keep the 下步工作要求 with the month and area the page shows (audited); an emptied box brings back the
    generated text. Only a role that may build the month's files may write what they say."""
    lang = get_settings().language
    if not clicks:
        return no_update, no_update
    account = current_account()
    if not may_export(account.role):
        return no_update, t("bulletin.read_only", lang)
    try:
        before = shown_month(asked_query(stored), lang, []).bulletin
        if not before.requirements_edited and (
            bulletins.clean_requirements(text) == bulletins.clean_requirements(before.requirements)
        ):  # the generated text saved as it is: still the generated text, and no one's edit
            return no_update, t("bulletin.unchanged", lang)
        with session_scope() as session:
            try:
                view = month_view(session, ExportRequest(asked_query(stored), account.scope, lang))
            except OutOfScope:  # the page shows the account's own area then: that is what is edited
                view = month_view(session, ExportRequest({**asked_query(stored), "area": ""}, account.scope, lang))
            bulletins.save_requirements(session, view.area, view.month, text, account.username)
        month = shown_month(asked_query(stored), lang, [])
    except ValueError as error:
        return no_update, str(error)
    except SQLAlchemyError:
        log.exception("monthly requirements not saved")
        return no_update, t("status.unavailable", lang)
    return month.bulletin.requirements, edit_status(month.bulletin, lang)


@callback(
    Output(ids.Monthly.AREA, "options"),
    Input(ids.Monthly.QUERY, "data"),
)
def list_monthly_areas(stored: dict[str, Any] | None) -> list[dict[str, str]]:
    """The account's area, the areas one level inside it (a county leader: its townships), and the one asked for
    (kept as asked when refused: a dropdown drops a value its options lack, and the address would lose it and the
    message naming it)."""
    asked = asked_query(stored).get("area")
    try:
        with session_scope() as session:
            shown, _problem = parse_area(session, asked)  # update_monthly_report names it
            options = area_options(session, shown, get_settings().language)
            return with_value(options, asked if isinstance(asked, str) and asked else None)
    except (SQLAlchemyError, LookupError):
        log.exception("monthly areas unavailable")
        return []


@callback(
    Output(ids.App.URL, "search", allow_duplicate=True),
    Input(ids.Monthly.MONTH, "value"),
    Input(ids.Monthly.AREA, "value"),
    Input(ids.Monthly.WITHIN, "value"),
    State(ids.Monthly.QUERY, "data"),
    prevent_initial_call=True,
)
def write_monthly_address(
    month: str | None, area: str | None, within: str | None, stored: dict[str, Any] | None
) -> Any:
    shown = asked_query(stored)
    days = None if within in (None, "", "now") else within
    wanted = {key: value for key, value in (("month", month), ("area", area), ("within", days)) if value}
    if wanted == shown:
        return no_update
    return f"?{urlencode(wanted)}" if wanted else ""


@callback(
    Output(ids.Monthly.EXPORTS, "style"),
    Output(ids.Monthly.SAVE, "style"),
    Output(ids.Monthly.REQUIREMENTS, "readOnly"),
    Input(ids.Monthly.QUERY, "data"),
)
def show_monthly_exports(_stored: dict[str, Any] | None) -> tuple[dict[str, str], dict[str, str], bool]:
    """The deck and PDF buttons and the editing of the 下步工作要求, for a role that may export (the download route
    and the save check again)."""
    allowed = may_export(current_account().role)
    return (SHOWN if allowed else HIDDEN), ({} if allowed else HIDDEN), not allowed


def job_status(build: builds.Build | None) -> tuple[Any, bool]:
    """What the page shows of a build, and whether polling stops."""
    lang = get_settings().language
    if build is None:
        return html.Span(t("monthly.job.lost", lang), className="monthly-job-failed"), True
    if build.status == builds.DONE:
        link = html.A(
            t("monthly.job.download", lang, name=build.filename),
            href=f"/monthly/download/{build.id}",
            className="monthly-download",
            id="monthly-download-link",
        )
        return [html.Span(t("monthly.job.done", lang)), link], True
    if build.status == builds.FAILED:
        return html.Span(t("monthly.job.failed", lang, reason=build.message), className="monthly-job-failed"), True
    if build.status == builds.QUEUED:
        return html.Span(t("monthly.job.queued", lang), className="monthly-job-progress"), False
    text = t("monthly.job.running", lang, step=build.step, percent=build.percent)
    return [
        html.Progress(value=str(build.percent), max="100"),
        html.Span(text, className="monthly-job-progress"),
    ], False


@callback(
    Output(ids.Monthly.JOB, "data"),
    Output(ids.Monthly.JOB_STATUS, "children"),
    Output(ids.Monthly.JOB_CLOCK, "disabled"),
    Input(ids.Monthly.DECK, "n_clicks"),
    Input(ids.Monthly.PDF, "n_clicks"),
    Input(ids.Monthly.JOB_CLOCK, "n_intervals"),
    State(ids.Monthly.QUERY, "data"),
    State(ids.Monthly.JOB, "data"),
    prevent_initial_call=True,
)
def follow_monthly_export(
    deck: int | None, pdf: int | None, _tick: int | None, stored: dict[str, Any] | None, job: dict[str, Any] | None
) -> tuple[Any, Any, bool]:
    """A button starts a job (in the background) and the clock starts; each tick shows the progress of the account's
    newest job of that format (the store holds the format only: which job is the server's to know), then the link."""
    lang = get_settings().language
    if ctx.triggered_id in (ids.Monthly.DECK, ids.Monthly.PDF):
        if not (deck if ctx.triggered_id == ids.Monthly.DECK else pdf):
            return no_update, no_update, True  # not clicked: the button was only drawn
        fmt = "pptx" if ctx.triggered_id == ids.Monthly.DECK else "pdf"
        try:
            builds.ask_for_build(fmt, asked_query(stored), current_account(), lang)
        except PermissionError:
            return None, t("monthly.job.refused", lang), True
        except OutOfScope:
            return None, t("area.out_of_scope", lang), True
        except ValueError as error:
            return None, str(error), True
        return {"format": fmt}, html.Span(t("monthly.job.queued", lang), className="monthly-job-progress"), False
    fmt = str(job.get("format") or "") if isinstance(job, dict) else ""
    if fmt not in builds.MEDIA_TYPES:
        return no_update, no_update, True
    shown, stop = job_status(builds.latest_build(current_account().username, fmt))
    return no_update, shown, stop
