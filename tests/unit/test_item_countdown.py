"""An item's deadline as its view shows it: running while the work is open, stopped where it stood once done."""

from datetime import datetime, timedelta

import pytest

from dashboard.components.item_view import finished, remaining_text

pytestmark = pytest.mark.db_independent
DEADLINE = datetime(2026, 12, 22, 2, 13)


def test_an_open_item_counts_down_then_up():
    assert remaining_text(DEADLINE, DEADLINE - timedelta(days=14, hours=23, minutes=5), "zh-CN") == "剩余 14天23小时"
    assert remaining_text(DEADLINE, DEADLINE + timedelta(hours=5, minutes=10), "zh-CN") == "已超期 5小时10分"


def test_a_done_item_says_whether_it_was_on_time_and_stops():
    on_time = finished(DEADLINE, DEADLINE - timedelta(days=3), "zh-CN")
    late = finished(DEADLINE, DEADLINE + timedelta(days=1, hours=2, minutes=30), "zh-CN")
    assert (on_time.children, late.children) == ("按期完成", "超期 1天2小时 完成")
    assert "sla-red" in late.className and "countdown" not in late.className.split()  # the browser leaves it be
    assert finished(None, DEADLINE, "en").children == "done on time"
