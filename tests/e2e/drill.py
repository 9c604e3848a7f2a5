"""Browser helpers of the drill-down page tests: open a view, read its breadcrumbs and summary, click a bar."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from dash.testing.wait import until
from selenium.common.exceptions import StaleElementReferenceException

# A page's first figures wait for plotly.js (1.4 MB to parse) and their data; four test processes on two cores have
# taken over 15 s for that.
FIRST_DRAW_S = 45


def open_view(dash_duo: Any, path: str, ready: str) -> None:
    """Open `path` (a deep link) and wait until the figures have been drawn (`ready`: a CSS selector)."""
    dash_duo.driver.get(f"{dash_duo.server_url}{path}")
    dash_duo.wait_for_element(ready, timeout=FIRST_DRAW_S)


def path_and_query(dash_duo: Any) -> str:
    url = urlsplit(dash_duo.driver.current_url)
    return f"{url.path}?{url.query}" if url.query else url.path


def texts(dash_duo: Any, selector: str) -> list[str]:
    """The text of every element matching `selector`, read in one script (the page re-renders under selenium)."""
    script = "return Array.from(document.querySelectorAll(arguments[0])).map((e) => e.textContent);"
    return list(dash_duo.driver.execute_script(script, selector))


def crumbs(dash_duo: Any) -> list[str]:
    return texts(dash_duo, ".crumbs .crumb")


def summary(dash_duo: Any) -> str:
    return "".join(texts(dash_duo, "#drill-summary"))


def click_bar(dash_duo: Any, graph: str, index: int, count: int, *, horizontal: bool = False) -> None:
    """Click bar `index` of `count` evenly spaced bars, near its base (so short bars are hit too)."""
    until(lambda: len(dash_duo.find_elements(f"{graph} .bars .point")) >= count, timeout=15)
    along = (index + 0.5) / count

    def click() -> bool:
        try:
            drag = dash_duo.find_element(f"{graph} .nsewdrag")
            dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", drag)
            if horizontal:
                dash_duo.click_at_coord_fractions(drag, 0.02, along)
            else:
                dash_duo.click_at_coord_fractions(drag, along, 0.98)
        except StaleElementReferenceException:
            return False  # drawn again under the pointer: find it anew
        return True

    until(click, timeout=10)
