"""On the tablet, a customer asked recently: the saved moment's card shows when, instead of
the ask button."""

import pytest

from feedback.invitations import invitation_for
from tests.conftest import add_moment
from tests.touchpoints.test_log_screen_browser import Taps, open_log_screen, wait_until
from touchpoints.customers import hash_ref
from touchpoints.models import Moment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_card_says_when_the_customer_was_asked_instead_of_offering_to_ask(tablet, agent, org):
    invitation_for(add_moment(agent, org["bag_drop"], customer_ref_hash=hash_ref("XK7P2Q")))
    open_log_screen(tablet, agent.username)
    taps = Taps(tablet)

    taps.tile("Check-in desk")
    taps.face("Good")
    tablet.get_by_label("Booking code or loyalty number").fill("xk7p2q")
    taps.save()

    card = tablet.locator(".saved")
    card.locator(".asked-on", has_text="Asked on").wait_for()
    assert card.get_by_role("button", name="Ask the customer for feedback").count() == 0
    wait_until(lambda: Moment.objects.count() == 2)
