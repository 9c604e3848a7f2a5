"""The grid page in a real browser: outline, worker, population, the record tables (paging, sorting), and the
audited unmask: an administrator sees one key person's full numbers and leaves an audit row; a township staff
member gets no such action and never receives the numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from dash.testing.wait import until
from selenium.common.exceptions import (
    ElementNotInteractableException,
    NoSuchElementException,
    StaleElementReferenceException,
)
from sqlalchemy import text

from dashboard.data.db import session_scope
from dashboard.data.models import GridWorker, PatrolLog, PersonOfConcern, RentalHouse
from dashboard.data.vocab import Role
from dashboard.i18n import t
from tests.support.accounts import sign_in
from tests.support.factories import add_city, hazard, incident

pytestmark = pytest.mark.browser
GRID = "331004-001-0001"
ID_NUMBER, PHONE = "33100419850612301X", "13812345678"


def city_today() -> date:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def at_city_hour(day: date, hour: int) -> datetime:
    """A moment on the city's clock, as stored (naive UTC)."""
    local = datetime.combine(day, time(hour), ZoneInfo("Asia/Shanghai"))
    return local.astimezone(UTC).replace(tzinfo=None)


@pytest.fixture
def grid() -> None:
    today = city_today()
    with session_scope() as session:
        add_city(session)
        worker = GridWorker(code="W331004001001", name="张伟", phone="13800000001", grid_id=1,
                            hire_date=date(2017, 6, 1), education="college_or_above", party_member=True)  # fmt: skip
        session.add(worker)
        session.flush()
        for n in range(25):
            session.add(incident(at_city_hour(today - timedelta(days=1 + n % 10), n % 24), summary=f"第{n}号报告"))
        session.add(incident(at_city_hour(today - timedelta(days=45), 10), summary="太早"))  # outside 30 days
        session.add(hazard(at_city_hour(today - timedelta(days=2), 9)))
        session.add(
            PatrolLog(
                worker_id=worker.id,
                grid_id=1,
                township_code="331004001",
                county_code="331004",
                started_at=at_city_hour(today - timedelta(days=1), 8),
                distance_m=2100.0,
                findings=1,
            )
        )
        session.add(
            RentalHouse(
                grid_id=1,
                address="路桥街道100号",
                landlord_name="王芳",
                landlord_phone="13987654321",
                registered_tenants=3,
            )
        )
        session.add(PersonOfConcern(grid_id=1, name="赵某", id_number=ID_NUMBER, phone=PHONE, category="key",
                                    reason="repeat_petitioner"))  # fmt: skip


def scalar(sql: str) -> int:
    with session_scope() as session:
        return int(session.execute(text(sql)).scalar_one())


def table(name: str) -> str:
    return f".record-{name}"


def shown_ids(dash_duo, name: str) -> list[str]:
    """The record numbers in the rows on screen, in display order (read at once: the grid redraws rows)."""
    script = """return Array.from(document.querySelectorAll(arguments[0]))
        .sort((a, b) => a.parentElement.getBoundingClientRect().top - b.parentElement.getBoundingClientRect().top)
        .map((cell) => cell.textContent);"""
    selector = f"{table(name)} .ag-center-cols-container .ag-row [col-id='id']"
    return dash_duo.driver.execute_script(script, selector)


def open_grid(dash_duo) -> None:
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/grid?code={GRID}")
    dash_duo.wait_for_style_to_equal("#grid-body", "visibility", "visible", timeout=15)


def test_the_grid_page_shows_outline_worker_population_and_records_that_page_and_sort(dash_app, dash_duo, grid):
    sign_in(dash_duo, dash_app)
    open_grid(dash_duo)
    dash_duo.wait_for_contains_text(".grid-worker", "张伟", timeout=10)
    assert "138****0001" in dash_duo.find_element(".grid-worker").text  # the worker's phone, masked
    residents = scalar(f"SELECT residents FROM grid WHERE code = '{GRID}'")
    assert f"{residents:,}" in dash_duo.find_element(".grid-population").text
    assert "路桥区" in dash_duo.find_element(".grid-crumbs").text
    until(lambda: dash_duo.find_elements(".analysis-outline"), timeout=10)  # the grid's outline on the map

    in_period = scalar(
        "SELECT count(*) FROM incident WHERE grid_id = 1 AND reported_at >= "
        f"'{at_city_hour(city_today() - timedelta(days=29), 0):%Y-%m-%d %H:%M:%S}'"
    )
    dash_duo.wait_for_text_to_equal(f"{table('incidents')} .record-status", f"共 {in_period} 条", timeout=15)
    until(lambda: len(shown_ids(dash_duo, "incidents")) == 20, timeout=10)  # the first page of 20
    first_page = shown_ids(dash_duo, "incidents")
    next_page = f"{table('incidents')} .ag-paging-button[aria-label='{t('records.grid.nextPage')}']"
    dash_duo.find_element(next_page).click()
    until(lambda: len(shown_ids(dash_duo, "incidents")) == in_period - 20, timeout=10)
    assert not set(first_page) & set(shown_ids(dash_duo, "incidents"))

    dash_duo.find_element(f"{table('incidents')} .ag-header-cell[col-id='id'] .ag-header-cell-label").click()
    lowest = scalar("SELECT min(id) FROM incident WHERE grid_id = 1 AND summary <> '太早'")
    until(lambda: shown_ids(dash_duo, "incidents")[:1] == [str(lowest)], timeout=10)  # sorted by number, first page
    for name in ("hazards", "patrols", "rental-houses", "key-persons"):
        dash_duo.wait_for_text_to_equal(f"{table(name)} .record-status", "共 1 条", timeout=10)
    assert ID_NUMBER not in dash_duo.driver.page_source and PHONE not in dash_duo.driver.page_source
    assert [entry for entry in dash_duo.get_logs() if entry["level"] == "SEVERE"] == []


def clicked(dash_duo, selector: str) -> bool:
    """Click the element once it is there (a grid may redraw its rows in between: then try again)."""
    try:
        element = dash_duo.find_element(selector)
        dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        element.click()
    except (StaleElementReferenceException, NoSuchElementException, ElementNotInteractableException):
        return False
    return True


def click_key_person(dash_duo) -> None:
    dash_duo.wait_for_text_to_equal(f"{table('key-persons')} .record-status", "共 1 条", timeout=15)
    until(lambda: clicked(dash_duo, f"{table('key-persons')} .ag-row [col-id='name']"), timeout=10)
    dash_duo.wait_for_contains_text(f"{table('key-persons')} .record-detail", "331***********301X", timeout=10)


def test_an_administrator_unmasks_one_key_person_and_leaves_an_audit_row(dash_app, dash_duo, grid):
    sign_in(dash_duo, dash_app, "admin", Role.ADMIN)
    open_grid(dash_duo)
    click_key_person(dash_duo)
    assert ID_NUMBER not in dash_duo.driver.page_source  # not before the explicit action
    before = scalar("SELECT count(*) FROM audit_log WHERE action = 'unmask'")
    until(lambda: clicked(dash_duo, f"{table('key-persons')} .record-unmask"), timeout=10)
    dash_duo.wait_for_contains_text(f"{table('key-persons')} .record-full", ID_NUMBER, timeout=10)
    assert PHONE in dash_duo.find_element(f"{table('key-persons')} .record-full").text
    assert scalar("SELECT count(*) FROM audit_log WHERE action = 'unmask' AND actor = 'admin'") == before + 1


def test_a_township_staff_member_cannot_unmask(dash_app, dash_duo, grid):
    sign_in(dash_duo, dash_app, "xiaoli", Role.TOWNSHIP_STAFF, area="331004001")
    open_grid(dash_duo)
    click_key_person(dash_duo)
    assert dash_duo.find_elements(".record-unmask") == []
    assert ID_NUMBER not in dash_duo.driver.page_source and PHONE not in dash_duo.driver.page_source
    assert scalar("SELECT count(*) FROM audit_log WHERE action = 'unmask'") == 0


def test_the_grid_pages_period_is_in_its_address_and_its_pager_reads_in_chinese(dash_app, dash_duo, grid):
    sign_in(dash_duo, dash_app, "leader", Role.COUNTY_LEADER, area="331004", path=f"/grid?code={GRID}")
    dash_duo.wait_for_style_to_equal("#grid-body", "visibility", "visible", timeout=15)
    in_30_days = 25  # the fixture's incidents of the last ten days (one more lies 45 days back)
    dash_duo.wait_for_text_to_equal(f"{table('incidents')} .record-status", f"共 {in_30_days} 条", timeout=15)
    pager = f"{table('incidents')} .ag-paging-page-summary-panel"
    until(lambda: " ".join(dash_duo.find_element(pager).text.split()) == "页码 1 / 2", timeout=10)
    rows = f"{table('incidents')} .ag-paging-row-summary-panel"
    assert " ".join(dash_duo.find_element(rows).text.split()) == f"1 – 20 / {in_30_days}"

    dash_duo.find_element("#grid-period-radio input[value='ytd']").click()  # this year to date
    until(lambda: dash_duo.driver.current_url.endswith(f"/grid?code={GRID}&period=ytd"), timeout=10)
    dash_duo.wait_for_style_to_equal("#grid-body", "visibility", "visible", timeout=15)
    link = f"{table('incidents')} a.export-link[id*='csv']"
    until(lambda: "period=ytd" in (dash_duo.find_element(link).get_attribute("href") or ""), timeout=10)

    dash_duo.driver.refresh()  # the address reopens the same period
    dash_duo.wait_for_style_to_equal("#grid-body", "visibility", "visible", timeout=15)
    assert dash_duo.find_element("#grid-period-radio input[value='ytd']").is_selected()
    assert dash_duo.get_logs() == []
