"""The log screen's script speaks the person's language, online and on the kept copy offline
(its messages come from the JavaScript catalogue, which the service worker keeps)."""

import pytest

from tests.desk_steps import leave_quietly
from tests.touchpoints.test_log_screen_browser import Taps, open_log_screen, wait_until
from touchpoints.models import Moment

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.service_worker,
]


def log_a_moment_in_swedish(page) -> None:
    taps = Taps(page)
    taps.tile("Bag drop")  # the fixture's types have no Swedish names: English stands in
    taps.face("Bra")
    taps.save("Löst")


def test_a_swedish_agent_sees_the_scripts_messages_in_swedish_also_offline(tablet, agent, org):
    agent.language = "sv"
    agent.save(update_fields=["language"])
    open_log_screen(tablet, agent.username)
    log_a_moment_in_swedish(tablet)
    tablet.locator(".saved .saved-state", has_text="Sparat").wait_for()
    wait_until(lambda: Moment.objects.count() == 1)

    tablet.evaluate("navigator.serviceWorker.ready")
    tablet.reload()  # the worker controls the page now, and keeps it and the catalogue
    tablet.wait_for_selector("html[data-outbox=ready]", state="attached")
    tablet.context.set_offline(True)
    tablet.reload()
    tablet.wait_for_selector("html[data-outbox=ready]", state="attached")
    log_a_moment_in_swedish(tablet)
    tablet.get_by_text(
        "1 möte väntar på att skickas: inget nät, de skickas när det är tillbaka"
    ).wait_for()
    tablet.locator(".saved .saved-state", has_text="Sparat på surfplattan").wait_for()
    tablet.context.set_offline(False)
    wait_until(lambda: Moment.objects.count() == 2, seconds=20)
    leave_quietly(tablet)
