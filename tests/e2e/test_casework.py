"""The loop from report to 办结 in the browser, across two accounts side by side: a city operator opens a report from
the wall's feed and dispatches it; a township account, whose queue hears of it at once, signs for it, notes its
progress and reports the result; the operator, whose view follows, closes it. Both see the timeline and the deadline's
countdown, and every step is in the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from dash.testing.wait import until
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from sqlalchemy import select

from dashboard.data.db import session_scope
from dashboard.data.models import AuditEntry, Department
from dashboard.data.periods import utc_now
from dashboard.data.redis_client import get_redis
from dashboard.data.vocab import Role
from dashboard.pipeline.events import parse_event
from dashboard.pipeline.streams import append_events
from tests.support.accounts import PASSWORD, account, sign_in
from tests.support.browser import CHROMIUM, CHROMIUM_FLAGS
from tests.support.events import add_worker, incident_reported
from tests.support.factories import add_city, incident

pytestmark = pytest.mark.browser
SUMMARY = "楼上楼下漏水纠纷"


@pytest.fixture
def reported() -> None:
    """The tiny city, with the department a dispute is routed to, and a neighbours' dispute in township 331004001."""
    with session_scope() as session:
        add_city(session)
        add_worker(session)
        session.add(Department(code="comprehensive_governance", name="综治办", name_en="Governance office",
                               platform="governance"))  # fmt: skip
    report = incident_reported(kind="dispute", subtype="neighbourhood", place_type="residence", summary=SUMMARY)
    append_events(get_redis(), [parse_event(report)])


@pytest.fixture
def second_browser() -> Iterator[webdriver.Chrome]:
    """A browser of its own for the second account (its own cookies), as headless as dash_duo's."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, "--headless=new"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options)
    yield driver
    driver.quit()


def sign_in_other(driver: Any, base: str, username: str, role: Role, area: str, path: str) -> None:
    account(username, role, area)
    driver.get(f"{base}/login?next={quote(path, safe='/')}")
    driver.find_element(By.ID, "login-username").send_keys(username)
    driver.find_element(By.ID, "login-password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-submit").click()
    until(lambda: urlsplit(driver.current_url).path == path, timeout=20)


def text_of(driver: Any, css: str) -> str:
    """The shown text of every element matching `css`, read in one script: the page redraws as steps are taken, and
    an element found and then read in two calls can be gone in between (a stale element)."""
    script = "return Array.from(document.querySelectorAll(arguments[0])).map((e) => e.innerText).join(' ');"
    return str(driver.execute_script(script, css))


def click(driver: Any, css: str) -> None:
    """Click the element once it is there and enabled. A step's answer and the push that follows it each draw the
    item's buttons anew, so an element found in one call can be gone by the next: a stale one was never clicked, and
    the button drawn in its place is found again."""

    def clicked() -> bool:
        try:
            button = driver.find_element(By.CSS_SELECTOR, css)
            if not button.is_enabled():
                return False
            button.click()
        except (NoSuchElementException, StaleElementReferenceException):
            return False
        return True

    until(clicked, timeout=20)


def write_note(driver: Any, note: str) -> None:
    box = driver.find_element(By.CSS_SELECTOR, ".item-note")
    box.clear()
    box.send_keys(note)


def test_an_operator_and_a_township_take_a_report_to_its_close(dash_app, dash_duo, reported, consumer, second_browser):
    operator, town = dash_duo.driver, second_browser
    sign_in(dash_duo, dash_app, path="/")
    base = dash_duo.server.url
    sign_in_other(town, base, "town1", Role.TOWNSHIP_STAFF, "331004001", "/queue")
    until(lambda: "待派单" in text_of(town, ".queue-items"), timeout=20)  # its township's new report, not yet sent

    # The operator opens the report from the wall's feed and dispatches it to the department it was routed to.
    dash_duo.wait_for_contains_text(".feed", SUMMARY, timeout=20)
    click(operator, ".feed-row .feed-open")
    dash_duo.wait_for_contains_text("#item-view", SUMMARY, timeout=20)
    assert "待派单" in text_of(operator, ".item-state") and "剩余" in text_of(operator, "#item-view .countdown")
    click(operator, ".item-step-dispatch")
    dash_duo.wait_for_contains_text("#item-message", "已派单", timeout=20)
    dash_duo.wait_for_contains_text(".timeline", "派单", timeout=20)
    assert "综治办" in text_of(operator, ".timeline")

    # The township's queue hears of it without a reload; it opens the item, refused a step it may not take yet.
    until(lambda: "待签收" in text_of(town, ".queue-items"), timeout=20)
    assert "剩余" in text_of(town, ".queue-items .countdown")
    click(town, ".queue-link")
    until(lambda: SUMMARY in text_of(town, "#item-view"), timeout=20)
    report_button = town.execute_script(  # read in one call: the buttons may be drawn anew in between
        "const b = document.querySelector('.item-step-report'); return b && [b.disabled, b.title];"
    )
    assert report_button == [True, "此事项当前为“待签收”，不能反馈。"]
    click(town, ".item-step-accept")
    until(lambda: "已签收" in text_of(town, "#item-message"), timeout=20)
    click(town, ".item-step-note")  # a progress note without its text: refused, saying why
    until(lambda: "处置须填写说明" in text_of(town, "#item-message"), timeout=20)
    write_note(town, "已到场，正在调解")
    click(town, ".item-step-note")
    until(lambda: "已处置" in text_of(town, "#item-message"), timeout=20)
    write_note(town, "双方达成和解，已修复漏水管道")
    click(town, ".item-step-report")
    until(lambda: "已反馈" in text_of(town, "#item-message"), timeout=20)

    # The operator's view follows; it closes the item, and the township sees it closed.
    dash_duo.wait_for_contains_text(".timeline", "双方达成和解", timeout=20)
    assert "已反馈" in text_of(operator, ".item-state")
    click(operator, ".item-step-close")
    dash_duo.wait_for_contains_text("#item-message", "已办结", timeout=20)
    until(lambda: "已办结" in text_of(town, ".item-state"), timeout=20)
    for driver in (operator, town):  # the deadline's clock stopped at the close, within the fortnight it had
        until(lambda driver=driver: "按期完成" in text_of(driver, "#item-view .countdown-stopped"), timeout=20)
        assert driver.find_elements(By.CSS_SELECTOR, "#item-view .countdown") == []
    steps = ["上报", "派单", "签收", "处置", "反馈", "办结"]
    for driver in (operator, town):
        shown = [
            item.find_element(By.TAG_NAME, "strong").text
            for item in driver.find_elements(By.CSS_SELECTOR, ".timeline li")
        ]
        assert shown == steps
        assert "town1" in text_of(driver, ".timeline") and "operator" in text_of(driver, ".timeline")
    with session_scope() as session:
        audited = session.execute(select(AuditEntry.actor, AuditEntry.detail).where(AuditEntry.action == "record_step"))
        assert [actor for actor, _ in audited] == ["operator", "town1", "town1", "town1", "operator"]
    assert dash_duo.get_logs() == []


def test_township_staff_pick_a_platform_and_the_address_keeps_it(dash_app, dash_duo, reported, consumer):
    """The queue by township platform: opened from a link, changed in the page (the address follows, and back goes
    back), and a bad value in the address named."""
    fire_exit = "楼道堆物阻塞消防通道"
    with session_scope() as session:  # an item of the fire service's platform (综合执法), besides the dispute (综治)
        fire = session.scalar(select(Department.id).where(Department.code == "fire"))
        session.add(incident(utc_now(), kind="dispute", summary=fire_exit, department_id=fire, deadline=utc_now()))
    sign_in(dash_duo, dash_app, "town1", Role.TOWNSHIP_STAFF, path="/queue?platform=law_enforcement", area="331004001")
    driver = dash_duo.driver
    dash_duo.wait_for_contains_text(".queue-items", fire_exit, timeout=20)
    assert SUMMARY not in text_of(driver, ".queue-items")
    assert "综合执法平台" in text_of(driver, "#queue-platform-dropdown")

    dash_duo.select_dcc_dropdown("#queue-platform-dropdown", value="综治工作平台")
    dash_duo.wait_for_contains_text(".queue-items", SUMMARY, timeout=20)
    until(lambda: urlsplit(driver.current_url).query == "platform=governance", timeout=20)
    assert fire_exit not in text_of(driver, ".queue-items")
    driver.back()
    dash_duo.wait_for_contains_text(".queue-items", fire_exit, timeout=20)
    assert urlsplit(driver.current_url).query == "platform=law_enforcement"

    driver.get(f"{dash_duo.server.url}/queue?platform=police")
    dash_duo.wait_for_contains_text("#queue-message", "platform（乡镇平台）的值“police”无效", timeout=20)
    dash_duo.wait_for_contains_text(".queue-items", fire_exit, timeout=20)  # every platform's, the default
    assert SUMMARY in text_of(driver, ".queue-items")
    assert dash_duo.get_logs() == []
