"""The 月度通报 on the /monthly page: the document as the files print it (issuing body, 文号 and date, title, the first
three sections) and the editor of its fourth, 下步工作要求, which is kept with the month."""

from __future__ import annotations

from dash import dcc, html
from dash.development.base_component import Component

from dashboard import ids
from dashboard.bulletin import Bulletin
from dashboard.config import Language
from dashboard.i18n import t


def bulletin_document(document: Bulletin, lang: Language) -> list[Component]:
    """The header and the sections before the editor; the overview paragraph is `.bulletin-overview`."""
    parts: list[Component] = [
        html.Div(document.issuer, className="bulletin-issuer"),
        html.Div(f"{document.number_line(lang)}　{document.date}", className="bulletin-number"),
        html.Hr(className="bulletin-rule"),
        html.H3(document.title, className="bulletin-title"),
        html.Div(t("bulletin.period_line", lang, period=document.period), className="bulletin-period"),
    ]
    sections = document.sections(lang)
    for index, (heading, paragraphs) in enumerate(sections[:-1]):
        parts.append(html.H4(heading, className="bulletin-section"))
        first = "bulletin-overview" if index == 0 else "bulletin-paragraph"
        parts += [html.P(text, className=first) for text in paragraphs]
    parts.append(html.H4(sections[-1][0], className="bulletin-section"))
    return parts


def bulletin_editor() -> html.Div:
    """下步工作要求: a text box the page fills with the month's kept (or generated) text, and its save button."""
    return html.Div(
        [
            html.Label(t("bulletin.editor_label"), htmlFor=ids.Monthly.REQUIREMENTS, className="bulletin-editor-label"),
            dcc.Textarea(id=ids.Monthly.REQUIREMENTS, className="bulletin-requirements", rows=7),
            html.Div(
                [
                    html.Button(t("bulletin.save"), id=ids.Monthly.SAVE, className="monthly-export-button"),
                    html.Span(id=ids.Monthly.SAVED, className="bulletin-saved", role="status"),
                ],
                className="bulletin-editor-actions",
            ),
        ],
        className="bulletin-editor",
    )
