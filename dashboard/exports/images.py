"""Charts as images for meetings: PNG and SVG at 1920×1080, on a white slide, with the title, the area and period,
the data source and the time of export printed on the image, Chinese text in an installed CJK font.

Rendered on the server by kaleido (plotly.js in Debian's chromium, driven through choreographer; DASHBOARD_CHROMIUM
names another browser). Nothing is downloaded: plotly.js comes from the installed plotly package and MathJax is off.
Each web worker keeps one browser warm in a thread of its own, started on first use (after a fork, never before:
a gunicorn worker starts its own) and closed when the process exits; concurrent exports queue for its tab.
"""

from __future__ import annotations

import asyncio
import atexit
import copy
import logging
import os
import threading
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import plotly.graph_objects as go

from dashboard.config import Language, get_settings
from dashboard.data.active_city import city_title
from dashboard.data.city_zone import city_zone
from dashboard.exports.catalog import ExportContent
from dashboard.i18n import t

log = logging.getLogger(__name__)

WIDTH, HEIGHT = 1920, 1080
FONT_FAMILY = "WenQuanYi Micro Hei, Noto Sans CJK SC, Microsoft YaHei, sans-serif"  # CJK glyphs from these
INK, MUTED, RULES = "#1d2733", "#5b6b7c", "#d9e0e8"
MARGIN = {"l": 110, "r": 60, "t": 160, "b": 220}
RENDER_SECONDS = 30.0  # one image; a browser that takes longer is restarted
DEFINITION_COLUMNS = 220  # the 口径 in the footer, at 15 px: about 110 Chinese characters a line


class RenderFailed(RuntimeError):
    """The browser could not draw the image (not installed, crashed or timed out)."""


def export_stamp(lang: Language, now: datetime | None = None) -> str:
    """导出时间：2026-11-26 15:20 (the city's clock)."""
    moment = now or datetime.now(ZoneInfo(city_zone()))
    return t("export.stamp", lang, time=moment.strftime("%Y-%m-%d %H:%M"))


def display_width(text: str) -> int:
    """Columns a text takes: wide (CJK) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def wrapped(text: str, columns: int = DEFINITION_COLUMNS) -> list[str]:
    """`text` in lines of at most `columns` (CJK counting twice), broken at a space where one is near."""
    lines: list[str] = []
    line = ""
    for char in text:
        if display_width(line + char) > columns:
            space = line.rfind(" ")
            cut = space + 1 if space >= len(line) - 30 else len(line)
            lines.append(line[:cut].rstrip())
            line = line[cut:]
        line += char
    return [*lines, line] if line else lines


def subtitle(content: ExportContent) -> str:
    return " · ".join(part for part in (content.area, content.period) if part)


def meeting_figure(content: ExportContent, lang: Language, *, now: datetime | None = None) -> go.Figure:
    """The page's figure restyled for a white slide at 1920×1080, with the title block and the footer."""
    if content.figure is None:
        raise ValueError(f"{content.title}: a table has no image; export it as CSV or XLSX")
    fig = go.Figure(copy.deepcopy(content.figure.to_dict()))
    plot_height = HEIGHT - MARGIN["t"] - MARGIN["b"]
    fig.update_layout(
        width=WIDTH,
        height=HEIGHT,
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        font={"family": FONT_FAMILY, "color": INK, "size": 20},
        title={
            "text": f"<b>{content.title}</b><br><span style='font-size:22px;color:{MUTED}'>{subtitle(content)}</span>",
            "x": 0.02,
            "xanchor": "left",
            "y": 0.955,
            "yref": "container",
            "yanchor": "top",
            "font": {"size": 34, "color": INK, "family": FONT_FAMILY},
        },
        legend={"orientation": "h", "y": -0.08, "yanchor": "top", "x": 0, "font": {"size": 18}},
        margin=MARGIN,
        hoverlabel={"font": {"family": FONT_FAMILY}},
    )
    fig.update_xaxes(gridcolor=RULES, zerolinecolor=RULES, linecolor=RULES, tickfont={"size": 18})
    fig.update_yaxes(gridcolor=RULES, zerolinecolor=RULES, linecolor=RULES, tickfont={"size": 18})
    footer = f"{t('export.source', lang, app=city_title(lang))}　　{export_stamp(lang, now)}"
    if content.definition:  # the 口径, just above the source line (growing upwards, under the legend)
        fig.add_annotation(
            text="<br>".join(wrapped(content.definition)),
            xref="paper",
            yref="paper",
            x=0,
            y=-(MARGIN["b"] - 56) / plot_height,
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            font={"size": 15, "color": MUTED, "family": FONT_FAMILY},
        )
    fig.add_annotation(
        text=footer,
        xref="paper",
        yref="paper",
        x=0,
        y=-(MARGIN["b"] - 24) / plot_height,  # 24 px above the bottom edge of the image
        xanchor="left",
        yanchor="bottom",
        showarrow=False,
        font={"size": 18, "color": MUTED, "family": FONT_FAMILY},
    )
    return fig


def figure_png(content: ExportContent, lang: Language) -> bytes:
    """The chart as a 1920×1080 PNG (RenderFailed when the browser cannot draw it)."""
    return RENDERER.render(meeting_figure(content, lang), "png")


def figure_svg(content: ExportContent, lang: Language) -> bytes:
    """The chart as a 1920×1080 SVG (text stays text: Chinese is searchable and sharp at any size)."""
    return RENDERER.render(meeting_figure(content, lang), "svg")


@dataclass
class _Browser:
    """One kaleido browser and the event loop (in its own thread) that drives it."""

    loop: asyncio.AbstractEventLoop
    thread: threading.Thread
    kaleido: Any = None
    ready: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


class Renderer:
    """A warm browser per process: started on first use, restarted after a failure or a fork, closed at exit."""

    def __init__(self, *, timeout: float = RENDER_SECONDS) -> None:
        self.timeout = timeout
        self._lock = threading.Lock()
        self._browser: _Browser | None = None
        self._pid = 0
        atexit.register(self.close)

    def warm_up(self) -> None:
        """Start the browser now, without waiting for it (the first export then needs no start-up)."""
        with self._lock:
            self._current()

    def render(self, fig: go.Figure, fmt: str) -> bytes:
        opts = {"format": fmt, "width": WIDTH, "height": HEIGHT, "scale": 1}
        for attempt in (1, 2):  # a browser that died under us is started again, once
            browser = self._started()
            future = asyncio.run_coroutine_threadsafe(browser.kaleido.calc_fig(fig, opts=opts), browser.loop)
            try:
                return bytes(future.result(timeout=self.timeout + 5))
            except Exception as error:  # kaleido's own errors, choreographer's, or a timeout
                future.cancel()
                log.warning("image export failed (attempt %d): %s: %s", attempt, type(error).__name__, error)
                self._discard(browser)
                if attempt == 2:
                    raise RenderFailed(str(error) or type(error).__name__) from error
        raise AssertionError("unreachable")

    def _started(self) -> _Browser:
        with self._lock:
            browser = self._current()
        if not browser.ready.wait(self.timeout + 30):
            self._discard(browser)
            raise RenderFailed("the browser did not start")
        if browser.error is not None or browser.kaleido is None:
            self._discard(browser)
            raise RenderFailed(f"the browser did not start: {browser.error}")
        return browser

    def _current(self) -> _Browser:
        """The running browser of this process, or a new one starting (call with the lock held)."""
        if self._browser is None or self._pid != os.getpid():  # none yet, or inherited through a fork: unusable
            loop = asyncio.new_event_loop()
            browser = _Browser(loop, threading.Thread(target=loop.run_forever, name="kaleido", daemon=True))
            browser.thread.start()
            asyncio.run_coroutine_threadsafe(self._open(browser), loop)
            self._browser, self._pid = browser, os.getpid()
        return self._browser

    async def _open(self, browser: _Browser) -> None:
        import kaleido  # imported here: it looks for plotly and logs at import, which a page load never needs

        try:
            path = str(get_settings().chromium)
            opened = kaleido.Kaleido(n=1, timeout=self.timeout, mathjax=False, path=path)
            await opened.open()
            browser.kaleido = opened
        except Exception as error:  # no browser at that path, or it would not start
            log.error("image export: the browser did not start: %s: %s", type(error).__name__, error)
            browser.error = error
        finally:
            browser.ready.set()

    def _discard(self, browser: _Browser) -> None:
        with self._lock:
            if self._browser is browser:
                self._browser = None
        self._shut(browser)

    def _shut(self, browser: _Browser) -> None:
        if browser.kaleido is not None and browser.loop.is_running():
            try:
                asyncio.run_coroutine_threadsafe(browser.kaleido.close(), browser.loop).result(timeout=10)
            except Exception as error:  # closing a dead browser: nothing more to do
                log.debug("closing the export browser: %s", error)
        browser.loop.call_soon_threadsafe(browser.loop.stop)

    def close(self) -> None:
        """Close this process's browser (at exit; tests call it too)."""
        with self._lock:
            browser, self._browser = self._browser, None
        if browser is not None and self._pid == os.getpid():
            self._shut(browser)


RENDERER = Renderer()
