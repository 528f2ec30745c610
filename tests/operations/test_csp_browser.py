"""Under the Content-Security-Policy the staff screens still work and break no rule of it."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import add_moment, log_in, roll_up_everything

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def policy_breaches(page) -> list[str]:
    """Every breach Chromium reports on this page from now on, across navigations."""
    breaches: list[str] = []
    page.on(
        "console",
        lambda message: (
            breaches.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return breaches


def test_log_screen_hand_over_and_recovery_queue_work_under_the_policy(tablet, agent, org):
    add_moment(agent, org["desk"], answer={"csat": 1, "comment": "Nobody came"})
    breaches = policy_breaches(tablet)
    log_in(tablet, agent.username)
    tablet.wait_for_selector("html[data-outbox=ready]", state="attached")
    # The queue tab shows the recovery to take on; taking it swaps the list by htmx.
    tablet.get_by_role("link", name="Put it right").tap()
    expect(tablet.locator("#queue .customer-comment")).to_contain_text("Nobody came")
    tablet.get_by_role("button", name="I'll take it").tap()
    expect(tablet.get_by_text("You took this on.")).to_be_visible()
    tablet.get_by_role("link", name="Log a moment").tap()
    tablet.wait_for_selector("html[data-outbox=ready]", state="attached")

    tablet.locator(".tile", has_text="Bag drop").tap()
    tablet.locator(".face", has=tablet.get_by_text("Good", exact=True)).tap()
    tablet.get_by_role("button", name="Resolved", exact=True).tap()
    tablet.get_by_role("button", name="Ask the customer for feedback").tap()
    # The hand-over panel, swapped in by htmx, with its copy button from static/js.
    copy = tablet.locator("button[data-copy]")
    copy.tap()
    expect(copy).to_have_text("Copied")
    expect(tablet.locator(".handover-start")).to_be_visible()
    assert breaches == []


def test_dashboard_filters_and_configuration_screens_work_under_the_policy(
    tablet, arn_manager, admin_user, agent, jfk_agent, org
):
    """The manager's dashboard, then the configuration screens, on one tablet signed in as
    each in turn; the breaches of each are told apart."""
    add_moment(agent, org["bag_drop"])
    add_moment(jfk_agent, org["desk"])
    roll_up_everything()
    arn_manager.managed_locations.add(org["jfk"])
    breaches = policy_breaches(tablet)
    log_in(tablet, arn_manager.username)
    tablet.goto("/dashboard/")
    figure = tablet.locator('[data-figure="moments"]')
    expect(figure).to_have_text("2")
    tablet.select_option("#f-location", str(org["arn"].pk))
    tablet.wait_for_url(re.compile(rf"location={org['arn'].pk}"))
    expect(figure).to_have_text("1")
    found = {"dashboard": breaches[:]}

    breaches.clear()
    log_in(tablet, admin_user.username)
    tablet.goto("/admin/")
    tablet.goto("/admin/touchpoints/touchpointtype/add/")
    tablet.get_by_label("Name").first.fill("Lounge")
    expect(tablet.locator("#id_name_en")).to_have_value("Lounge")
    found["configuration"] = breaches[:]
    assert found == {"dashboard": [], "configuration": []}
