"""The audit log page: an administrator reads and filters it and sees whether the chain holds; nobody else can."""

from __future__ import annotations

from sqlalchemy import text

from dashboard.data.db import session_scope
from dashboard.data.vocab import Role
from tests.support.accounts import sign_in


def rows(dash_duo) -> list[list[str]]:
    return [
        [cell.text for cell in row.find_elements("css selector", "td")]
        for row in dash_duo.find_elements(".audit-table tbody tr")
    ]


def test_an_administrator_reads_the_log_filters_it_and_sees_a_tampered_row(dash_app, dash_duo):
    sign_in(dash_duo, dash_app, "admin", Role.ADMIN, path="/audit")
    dash_duo.wait_for_contains_text("#audit-chain", "哈希链完整：共 2 条", timeout=10)
    assert [row[2:4] for row in rows(dash_duo)] == [["admin", "登录"], ["system", "创建账号"]]  # newest first
    dash_duo.find_element("#audit-actor input, input#audit-actor").send_keys("system\n")
    dash_duo.wait_for_text_to_equal(".audit-table tbody tr td:nth-child(3)", "system", timeout=10)
    assert len(rows(dash_duo)) == 1
    with session_scope() as session:  # someone edits the log behind the application's back
        session.execute(text("UPDATE audit_log SET actor = 'nobody' WHERE id = 1"))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/audit")
    dash_duo.wait_for_contains_text("#audit-chain", "哈希链在第 1 条处断裂", timeout=10)
    assert dash_duo.get_logs() == []


def test_the_log_is_for_administrators_only(dash_app, dash_duo):
    sign_in(dash_duo, dash_app)  # a city operator
    assert "审计日志" not in [link.text for link in dash_duo.find_elements(".nav-link")]
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/audit")
    dash_duo.wait_for_text_to_equal("#audit-chain", "仅系统管理员可查看审计日志。", timeout=10)
    assert rows(dash_duo) == []
