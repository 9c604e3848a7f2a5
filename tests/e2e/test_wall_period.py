"""The wall's headline tiles in a real browser: records that end last year show last year's figures, named as such;
?period= picks another span, and a bad one is named on the page."""

from __future__ import annotations

import pytest
from dash.testing.wait import until

from tests.callbacks.test_wall_period import LAST_YEAR, add_history_ending_last_year, sql_counts
from tests.e2e.drill import texts
from tests.support.accounts import sign_in

pytestmark = pytest.mark.browser


def test_the_wall_counts_the_latest_year_with_data_and_another_when_asked(dash_app, dash_duo):
    add_history_ending_last_year()
    sign_in(dash_duo, dash_app)
    filed, _, _ = sql_counts(LAST_YEAR)
    until(lambda: f"{LAST_YEAR}年全年" in "".join(texts(dash_duo, ".kpi-period")), timeout=20)
    until(lambda: texts(dash_duo, ".kpi-criminal-filed .kpi-value") == [f"{filed:,}起"], timeout=10)
    earlier, _, _ = sql_counts(LAST_YEAR - 1)
    dash_duo.driver.get(f"{dash_duo.server_url}/?period={LAST_YEAR - 1}")
    until(lambda: texts(dash_duo, ".kpi-criminal-filed .kpi-value") == [f"{earlier:,}起"], timeout=20)
    assert "".join(texts(dash_duo, ".kpi-period")) == f"{LAST_YEAR - 1}年全年"
    dash_duo.driver.get(f"{dash_duo.server_url}/?period=forever")
    until(lambda: "forever" in "".join(texts(dash_duo, ".page-message")), timeout=20)
    assert dash_duo.get_logs() == []
    dash_duo.driver.get("about:blank")  # close the event stream before the test server stops
