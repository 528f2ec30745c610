import pytest

from tests.conftest import log_in
from touchpoints.models import Moment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_frontline_user_logs_a_moment_by_tapping(tablet, agent, org):
    log_in(tablet, agent.username)
    tablet.get_by_text("Bag drop").tap()
    tablet.get_by_text("Good", exact=True).tap()
    tablet.get_by_role("button", name="Save moment").tap()

    tablet.get_by_text("Saved: Bag drop").wait_for()
    moment = Moment.objects.get()
    assert (moment.touchpoint_type, moment.outcome, moment.staff) == (org["bag_drop"], 4, agent)
    tablet.screenshot(path="docs/screenshots/log-saved.png", full_page=True)
