"""A log screen left open all shift: an admin archives a type and adds one, and the tablet
follows without a reload; a moment saved on the archived tile keeps all the rest and asks
only for another type."""

import pytest

from tests.conftest import look_at
from tests.touchpoints.test_log_screen_browser import Taps, log_screen_at, wait_until
from touchpoints.models import Moment, TouchpointType

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.service_worker,
]

# The navigation's poll runs every 30 s and when the network comes back: the test calls it now.
POLL_NOW = "() => window.dispatchEvent(new Event('online'))"
TILES = "() => Array.from(document.querySelectorAll('.log-form .tile'), (t) => t.innerText.trim())"


def archive(touchpoint_type) -> None:
    touchpoint_type.active = False
    touchpoint_type.save()  # as the admin's archive does: the types' version changes


def add_type(name: str, like) -> TouchpointType:
    return TouchpointType.objects.create(name=name, stage=like.stage, icon="monitor")


def test_a_type_archived_and_one_added_while_a_tablet_is_open(chromium, live_server, agent, org):
    context, page = log_screen_at(chromium, live_server, agent, (1024, 768))
    page.evaluate("() => { window.sameScreen = true; }")  # gone if the page reloads

    # Archived after the page was loaded: the tile is still there, and a save on it is refused.
    archive(org["bag_drop"])
    add_type("Kiosk help", org["bag_drop"])
    taps = Taps(page)
    taps.tile("Bag drop")
    taps.face("Bad")
    page.locator(".chip", has_text="Phone").tap()
    page.get_by_text("Add a note").tap()
    page.get_by_label("Note").fill("Printer ate the boarding pass")
    page.get_by_label("Booking code or loyalty number").fill("XK7P2Q")
    taps.save("Not yet")
    message = page.locator(".type-gone")
    message.get_by_text("“Bag drop” is no longer offered").wait_for()
    look_at(page, "log-refused-for-its-type")
    refused = {
        "tiles": page.evaluate(TILES),
        "outcome": page.locator("input[name=outcome]:checked").get_attribute("value"),
        "channel": page.locator("input[name=channel]:checked").get_attribute("value"),
        "note": page.get_by_label("Note").input_value(),
        "customer": page.get_by_label("Booking code or loyalty number").input_value(),
        "type chosen": page.locator("input[name=touchpoint_type]:checked").count(),
        "undo offered": page.get_by_role("button", name="Undo").count(),
        "try again offered": page.get_by_role("button", name="Try again").count(),
        "not yet marked": "chosen" in page.locator("button.not-yet").get_attribute("class"),
    }
    taps.tile("Kiosk help")
    taps.save("Not yet")
    wait_until(lambda: Moment.objects.exists())
    page.locator("#outbox").wait_for(state="hidden")

    # Archived while a moment is half entered: the tiles change under it, nothing else does.
    taps.tile("Check-in desk")
    page.get_by_text("Add a note").tap()
    page.get_by_label("Note").fill("Wanted a window seat")
    archive(org["desk"])
    add_type("Lost and found", org["desk"])
    page.evaluate(POLL_NOW)
    page.locator(".tile", has_text="Lost and found").wait_for()
    polled = {
        "tiles": page.evaluate(TILES),
        "note": page.get_by_label("Note").input_value(),
        "message": message.inner_text(),
        "same screen": page.evaluate("() => window.sameScreen === true"),
    }
    context.close()

    assert refused == {
        "tiles": ["Check-in desk", "Kiosk help", "Boarding"],
        "outcome": "2",
        "channel": "phone",
        "note": "Printer ate the boarding pass",
        "customer": "XK7P2Q",
        "type chosen": 0,
        "undo offered": 0,
        "try again offered": 0,
        "not yet marked": True,
    }
    moment = Moment.objects.get()
    kept = (moment.touchpoint_type.name, moment.outcome, moment.channel)
    assert kept == ("Kiosk help", 2, "phone")
    assert (moment.note, moment.resolved_on_spot) == ("Printer ate the boarding pass", False)
    assert moment.customer_ref_hash
    assert polled == {
        "tiles": ["Kiosk help", "Lost and found", "Boarding"],
        "note": "Wanted a window seat",
        "message": "“Check-in desk” is no longer offered: choose another type.",
        "same screen": True,
    }


def test_a_log_screen_opened_from_the_offline_copy_catches_up_when_the_network_is_back(
    tablet, agent, org
):
    from tests.touchpoints.test_log_screen_browser import open_log_screen

    open_log_screen(tablet, agent.username)
    tablet.evaluate("navigator.serviceWorker.ready")
    tablet.reload()  # the worker now controls the page and has kept a copy of it
    tablet.context.set_offline(True)
    tablet.reload()  # the kept copy, with the tiles of when it was kept
    tablet.wait_for_selector("html[data-outbox=ready]", state="attached")
    archive(org["boarding"])
    add_type("Lounge access", org["boarding"])
    tablet.context.set_offline(False)
    tablet.evaluate(POLL_NOW)
    tablet.locator(".tile", has_text="Lounge access").wait_for()
    caught_up = tablet.evaluate(TILES)
    # The copy is refreshed too: opened offline again, it has today's tiles.
    wait_until(lambda: "Lounge access" in tablet.evaluate(KEPT_COPY))
    tablet.context.set_offline(True)
    tablet.reload()
    reopened = tablet.evaluate(TILES)
    tablet.context.set_offline(False)
    assert caught_up == ["Bag drop", "Check-in desk", "Lounge access"]
    assert reopened == caught_up


# The log screen's copy that the worker keeps (templates/touchpoints/sw.js), as text.
KEPT_COPY = """async () => {
  for (const key of await caches.keys()) {
    if (!key.startsWith('moments-page-')) continue;
    const copy = await (await caches.open(key)).match('/log/');
    if (copy) return copy.text();
  }
  return '';
}"""
