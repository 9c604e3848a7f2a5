"""What a county leader's browser shows: its own county's grids, and a clear refusal for the others."""

from __future__ import annotations

from dashboard.data.db import session_scope
from dashboard.data.vocab import Role
from tests.support.accounts import sign_in
from tests.support.factories import add_city


def test_a_county_leader_opens_its_own_grids_and_is_told_the_others_are_not_its_own(dash_app, dash_duo):
    with session_scope() as session:
        add_city(session)
    sign_in(dash_duo, dash_app, "luqiao", Role.COUNTY_LEADER, area="331004")
    assert "县级领导 · 路桥区" in dash_duo.find_element(".topbar .user-role").text
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/grid?code=331081-001-0001")
    dash_duo.wait_for_contains_text(".page-message", "网格 331081-001-0001 不在本账号的权限范围内", timeout=10)
    assert not dash_duo.find_element("#grid-tiles").is_displayed()
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/grid?code=331004-001-0001")
    dash_duo.wait_for_style_to_equal("#grid-tiles", "display", "block", timeout=10)
    assert dash_duo.find_element(".page-message").text == ""
    dash_duo.find_element(".topbar .user-logout").click()
    dash_duo.wait_for_element("#login-username")
    assert dash_duo.get_logs() == []
