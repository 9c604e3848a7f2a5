"""GET /export/<name>.<fmt>?<the page's URL query>: one chart or table as PNG, SVG, CSV or XLSX; and GET
/monthly/download/<build>: a month's deck or PDF built in the background (dashboard/exports/builds.py), to the
account that asked for it only.

Logged-in accounts of a role that may export only (the login guard answers 401 before this; 403 otherwise); the
area asked for is kept inside the account's own (403 when the two do not overlap); a bad query value is a 400
naming the parameter, an unknown export or format a 404 naming it, a selection with nothing in it a 404 saying so,
never an empty file. Every file handed out is written to the audit log: who, which export, format and query.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import replace
from urllib.parse import quote

from flask import Flask, Response, request, send_file
from sqlalchemy.exc import SQLAlchemyError

from dashboard.access.current import current_account
from dashboard.access.roles import may_export
from dashboard.access.scope import OutOfScope
from dashboard.config import Language, get_settings
from dashboard.data import audit
from dashboard.data.db import session_scope
from dashboard.data.vocab import AuditAction
from dashboard.exports.builds import DONE, MEDIA_TYPES, read_build
from dashboard.exports.catalog import ExportContent, ExportRequest, exportable
from dashboard.exports.images import RenderFailed, figure_png, figure_svg
from dashboard.exports.tables import table_csv, table_xlsx
from dashboard.i18n import t

log = logging.getLogger(__name__)

FORMATS: dict[str, tuple[str, Callable[[ExportContent, Language], bytes]]] = {
    "png": ("image/png", figure_png),
    "svg": ("image/svg+xml", figure_svg),
    "csv": ("text/csv", table_csv),  # Flask adds "; charset=utf-8" to text types
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", table_xlsx),
}
IMAGES = ("png", "svg")
UNSAFE_IN_NAMES = str.maketrans(dict.fromkeys('/\\:*?"<>|', "_"))


def refusal(message: str, status: int) -> Response:
    body = json.dumps({"error": message}, ensure_ascii=False)
    return Response(body, status=status, mimetype="application/json")


def file_stem(content: ExportContent) -> str:
    """案件趋势-2026-10: the title, then the month, the year or the days the figures cover."""
    span = content.span
    if span is None:
        when = ""
    elif span.whole_months == 1:
        when = f"{span.start:%Y-%m}"
    elif span.whole_months == 12 and span.start.month == 1:
        when = f"{span.start:%Y}"
    else:
        when = f"{span.start:%Y-%m-%d}_{span.last_day:%Y-%m-%d}"
    return "-".join(part for part in (content.title.translate(UNSAFE_IN_NAMES), when) if part)


def disposition(filename: str, fallback: str) -> str:
    """attachment, with an ASCII name for old clients and the real one in RFC 5987 form (for Chinese names)."""
    ascii_name = fallback.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def export_file(filename: str) -> Response:
    lang = get_settings().language
    account = current_account()
    if not may_export(account.role):
        return refusal(t("export.forbidden", lang), 403)
    name, _, fmt = filename.rpartition(".")
    fmt = fmt.lower()
    if not name or fmt not in FORMATS:
        return refusal(t("export.unknown_format", lang, fmt=(fmt or filename)[:20]), 404)
    try:
        export = exportable(name)
    except KeyError:
        return refusal(t("export.unknown_name", lang, name=name[:60]), 404)
    repeated = next((key for key, values in request.args.lists() if len(values) > 1), None)
    if repeated is not None:
        return refusal(t("export.repeated", lang, field=repeated[:40]), 400)
    query = request.args.to_dict()
    try:
        content = export.build(ExportRequest(query=query, scope=account.scope, lang=lang))
    except OutOfScope:
        return refusal(t("area.out_of_scope", lang), 403)
    except ValueError as error:
        return refusal(str(error), 400)
    except SQLAlchemyError:
        log.exception("export %s: the database is unavailable", name)
        return refusal(t("status.unavailable", lang), 503)
    if content.is_empty:
        return refusal(t("export.empty", lang, title=content.title), 404)
    mimetype, render = FORMATS[fmt]
    if fmt in IMAGES and content.figure is None:
        return refusal(t("export.table_only", lang, title=content.title), 404)
    try:
        body = render(content, lang)
    except RenderFailed:
        return refusal(t("export.render_failed", lang), 503)
    detail = {"export": name, "format": fmt, "query": query, "scope": account.scope.code, "rows": len(content.table)}
    with session_scope() as session:
        audit.record(session, account.username, AuditAction.EXPORT, detail)
    response = Response(body, mimetype=mimetype)
    when = file_stem(replace(content, title=""))
    fallback = f"{name}-{when}.{fmt}" if when else f"{name}.{fmt}"
    response.headers["Content-Disposition"] = disposition(f"{file_stem(content)}.{fmt}", fallback)
    response.headers["Cache-Control"] = "no-store"  # another account on the same browser must not get it
    return response


def monthly_download(job_id: str) -> Response:
    """A finished deck or PDF, to the account that asked for it (while its role may export), audited."""
    lang = get_settings().language
    account = current_account()
    if not may_export(account.role):
        return refusal(t("export.forbidden", lang), 403)
    build = read_build(job_id)
    if build is None or build.user != account.username or build.status != DONE:
        return refusal(t("monthly.job.lost", lang), 404)
    if build.path is None or not build.path.is_file():
        return refusal(t("monthly.job.lost", lang), 404)
    detail = {
        "export": f"monthly.{build.fmt}",
        "format": build.fmt,
        "query": build.query,
        "scope": build.scope,
        "job": build.id,
    }
    with session_scope() as session:
        audit.record(session, account.username, AuditAction.EXPORT, detail)
    response = send_file(build.path, mimetype=MEDIA_TYPES[build.fmt], max_age=0)
    response.headers["Content-Disposition"] = disposition(build.filename or build.path.name, build.path.name)
    response.headers["Cache-Control"] = "no-store"
    return response


def register_export_routes(server: Flask) -> None:
    import dashboard.exports.drill_charts  # noqa: F401  (registers the drill-down pages' charts and tables)

    server.add_url_rule("/export/<path:filename>", "export_file", export_file, methods=["GET"])
    server.add_url_rule("/monthly/download/<job_id>", "monthly_download", monthly_download, methods=["GET"])
