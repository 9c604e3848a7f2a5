"""A page on another site cannot make a logged-in browser run a callback (here, an audited unmask) or log in:
the request is refused with 403 and written to the audit log; the same request from the site itself runs."""

from __future__ import annotations

import pytest

from dashboard.data.vocab import AuditAction, Role
from tests.security.conftest import ID_NUMBER, SITE, audited, unmask_request
from tests.support.accounts import PASSWORD, account, signed_in_client

EVIL = "https://evil.example"


@pytest.mark.parametrize(
    "headers",
    [{"Origin": EVIL}, {"Origin": "null"}, {"Referer": f"{EVIL}/page"}, {"Origin": "http://localhost.evil.example"}],
)
def test_a_callback_posted_from_another_site_is_refused_and_audited(dash_app, person, headers):
    leader = signed_in_client(dash_app, "luqiao", Role.COUNTY_LEADER, area="331004")
    response = leader.post("/_dash-update-component", json=unmask_request(person), headers=headers)
    assert response.status_code == 403 and ID_NUMBER not in response.text
    assert audited(AuditAction.UNMASK) == []
    [refused] = audited(AuditAction.CROSS_SITE_REFUSED)
    assert refused["actor"] == "luqiao" and refused["path"] == "/_dash-update-component"


def test_the_same_callback_from_the_site_runs(dash_app, person):
    leader = signed_in_client(dash_app, "luqiao", Role.COUNTY_LEADER, area="331004")
    for headers in ({"Origin": SITE}, {"Referer": f"{SITE}/grid?code=331004-001-0001"}):
        response = leader.post("/_dash-update-component", json=unmask_request(person), headers=headers)
        assert response.status_code == 200 and ID_NUMBER in response.text
    assert len(audited(AuditAction.UNMASK)) == 2 and audited(AuditAction.CROSS_SITE_REFUSED) == []


def test_a_login_posted_from_another_site_is_refused(dash_app, city):
    account("luqiao", Role.COUNTY_LEADER, "331004")
    client = dash_app.server.test_client()
    form = {"username": "luqiao", "password": PASSWORD}
    refused = client.post("/login", data=form, headers={"Origin": EVIL})
    assert refused.status_code == 403 and client.get("/_dash-layout").status_code == 401
    assert audited(AuditAction.CROSS_SITE_REFUSED)[0]["path"] == "/login"
    assert client.post("/login", data=form, headers={"Origin": SITE}).status_code == 302
    assert client.get("/_dash-layout").status_code == 200
