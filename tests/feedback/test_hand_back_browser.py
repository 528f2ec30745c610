"""The hand-back at a desk, in a tablet-sized browser: the customer answers, the tablet asks
for the staff member's PIN, and nothing of the staff opens before it."""

import pytest

from feedback.invitations import invitation_for
from tests.conftest import screenshot, serious_accessibility_violations
from tests.desk_steps import give_pin, leave_quietly, make_browser_a_desk, register_desk
from tests.touchpoints.test_desk_browser import type_pin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def handed_over_at_desk(tablet, org, agent, moment, live_server):
    """Anna signed in at a desk with her PIN and handed the tablet to the customer."""
    _, cookie = register_desk(org["arn"])
    make_browser_a_desk(tablet, cookie, live_server.url)
    give_pin(agent)
    invitation_for(moment)
    tablet.goto("/desk/")
    tablet.get_by_role("link", name="Anna").tap()
    type_pin(tablet, "40718")
    tablet.wait_for_url("**/log/")
    tablet.goto(f"/feedback/moments/{moment.uuid}/invitation/")
    tablet.get_by_role("button", name="Hand the tablet to the customer").tap()
    tablet.wait_for_url("**/feedback/handover/")
    yield tablet
    leave_quietly(tablet)


def test_the_customer_answers_then_only_the_pin_gives_the_staff_view_back(
    handed_over_at_desk, settings
):
    # The thank-you screen moves on by a meta refresh, which Playwright's clock does not run:
    # at once here, as this test is about what follows it (test_feedback_browser.py shows it).
    settings.FEEDBACK_THANK_YOU_SECONDS = 0  # 6 in production (test_handover.py)
    tablet = handed_over_at_desk
    tablet.get_by_label("4 of 5, satisfied").locator("..").tap()
    tablet.get_by_role("button", name="Send").tap()
    tablet.wait_for_url("**/feedback/handover/back/", timeout=10_000)
    tablet.get_by_text("Staff: type your PIN to go on").wait_for()
    screenshot(tablet, "give-back")
    assert serious_accessibility_violations(tablet) == []
    for staff_page in ("/log/", "/feedback/recoveries/", "/log/mine/"):
        tablet.goto(staff_page)
        assert tablet.url.endswith("/feedback/handover/back/")
    type_pin(tablet, "1397")
    tablet.get_by_text("Wrong PIN").wait_for()
    assert tablet.url.endswith("/feedback/handover/back/")
    type_pin(tablet, "40718")
    tablet.wait_for_url("**/log/")
    tablet.get_by_role("button", name="Switch person").wait_for()


def test_an_idle_hand_over_stays_on_the_customer_side(handed_over_at_desk, settings):
    tablet = handed_over_at_desk
    idle_ms = settings.FEEDBACK_HANDOVER_IDLE_SECONDS * 1000
    # The screen's idle timer runs on Playwright's clock: the test moves it on by the idle
    # time, and then by as long again, instead of waiting them out.
    tablet.clock.install()
    tablet.reload()  # the screen's timer is set when it is drawn
    tablet.clock.fast_forward(idle_ms)
    tablet.wait_for_url("**/feedback/handover/back/", timeout=5000)
    tablet.clock.run_for(idle_ms)  # longer than the idle time again: nothing more happens
    assert tablet.url.endswith("/feedback/handover/back/")
    tablet.goto("/log/")
    assert tablet.url.endswith("/feedback/handover/back/")
