"""The data-protection screen on a tablet: the officer finds a customer, downloads what is
held about them, erases it and finds nothing left; an admin without the duty is refused."""

import json
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import log_in, make_user, serious_accessibility_violations
from tests.feedback.test_customer_requests import PHONE, customer_moment, leave_contact
from tests.staff_screens import TOO_SMALL
from touchpoints.models import Role
from touchpoints.people.roles import set_data_protection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIND_URL = reverse("admin:feedback_customerrequest_find")
REF = "XK7P2Q"
COMMENT = "Rude agent, I am Eva Lindqvist"


@pytest.fixture(autouse=True)
def ask_the_same_customer_each_time(settings):
    settings.INVITE_SAME_CUSTOMER_DAYS = 0  # as in test_customer_requests.py


def find(page, typed: str) -> None:
    page.fill("#id_customer", typed)
    with page.expect_navigation():
        page.click("input[name=search]")


def download(page, button: str) -> str:
    with page.expect_download() as downloading:
        page.click(f"input[name={button}]")
    return Path(downloading.value.path()).read_text(encoding="utf-8")


def test_the_officer_finds_downloads_and_erases_and_an_admin_is_refused(
    tablet, agent, org, role_admin
):
    customer_moment(agent, org, ref=REF, comment=COMMENT)
    leave_contact(customer_moment(agent, org, ref=REF, comment="Still no bag"))
    customer_moment(agent, org, ref="AB1234", comment="Lovely staff")
    officer = make_user("dora", Role.MANAGER)
    set_data_protection(officer, True)

    log_in(tablet, officer.username)
    tablet.wait_for_url(lambda url: "/login/" not in url)
    tablet.goto(FIND_URL)
    find(tablet, "xk-7p 2q")  # as a customer might read it out
    found = tablet.locator("#content-main").inner_text()
    assert COMMENT in found and "Still no bag" in found and PHONE in found
    assert "Lovely staff" not in found
    assert tablet.evaluate(TOO_SMALL) == []
    assert serious_accessibility_violations(tablet) == []

    as_json = json.loads(download(tablet, "export_json"))
    assert COMMENT in [m["answer"]["comment"] for m in as_json["moments"]]
    assert COMMENT in download(tablet, "export_csv")

    tablet.check("input[name=confirm]")
    with tablet.expect_navigation():
        tablet.click("input[name=erase]")
    assert "Every figure is kept." in tablet.inner_text("body")
    find(tablet, REF)
    assert "Nothing is held about this customer." in tablet.inner_text("body")
    assert COMMENT not in tablet.content()

    tablet.context.clear_cookies()
    log_in(tablet, role_admin.username)
    tablet.wait_for_url(lambda url: "/login/" not in url)
    assert tablet.goto(FIND_URL).status == 403
