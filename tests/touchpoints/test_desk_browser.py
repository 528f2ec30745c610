"""Desk sign-in on a tablet-sized touch screen: a name, a PIN, the log screen; switching;
walking away; and the lock after wrong PINs."""

import time

import pytest

from tests.conftest import make_user, screenshot, serious_accessibility_violations
from tests.desk_steps import give_pin, leave_quietly, make_browser_a_desk, register_desk
from tests.touchpoints.test_log_screen_browser import Taps, log_typical_moment, wait_until
from touchpoints.models import Moment, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk_tablet(tablet, org, live_server):
    _, cookie = register_desk(org["arn"])
    make_browser_a_desk(tablet, cookie, live_server.url)
    yield tablet
    leave_quietly(tablet)


@pytest.fixture
def bo(org):
    return make_user("bo", Role.FRONTLINE, team=org["arn_desk"], first_name="Bo")


def type_pin(page, pin: str, taps: Taps | None = None) -> None:
    """Digits on the keypad, then OK: one step, as a till counts it."""
    for digit in pin:
        page.locator(f"[data-key='{digit}']").tap()
    ok = page.get_by_role("button", name="OK")
    taps.tap(ok) if taps else ok.tap()


def test_a_person_taps_their_name_types_their_pin_and_logs(desk_tablet, agent, org):
    give_pin(agent)
    desk_tablet.goto("/login/")
    desk_tablet.get_by_role("link", name="Anna").tap()
    type_pin(desk_tablet, "40718")
    desk_tablet.wait_for_url("**/log/")
    desk_tablet.wait_for_selector("html[data-outbox=ready]", state="attached")
    log_typical_moment(desk_tablet)
    wait_until(lambda: Moment.objects.exists())
    assert Moment.objects.get().staff == agent


def test_switching_person_takes_three_taps(desk_tablet, agent, bo):
    give_pin(agent), give_pin(bo)
    desk_tablet.goto("/login/")
    desk_tablet.get_by_role("link", name="Anna").tap()
    type_pin(desk_tablet, "40718")
    desk_tablet.wait_for_url("**/log/")
    taps = Taps(desk_tablet)
    taps.tap(desk_tablet.get_by_role("button", name="Switch person"))
    desk_tablet.wait_for_url("**/desk/")
    assert "Anna" in desk_tablet.locator(".person-tile").first.inner_text()  # most recent
    taps.tap(desk_tablet.get_by_role("link", name="Bo"))
    type_pin(desk_tablet, "5283", taps)
    desk_tablet.wait_for_url("**/log/")
    assert taps.count == 3
    assert "Bo" in desk_tablet.locator(".topbar .who").inner_text()
    assert "Anna" not in desk_tablet.content()


def test_a_desk_tablet_left_alone_goes_back_to_the_desk_screen(desk_tablet, agent, settings):
    # The page's own timer (desk_idle.js) on Playwright's clock: the whole idle time, with no
    # real second waited. The server's idle limit is then still far off, so being signed out
    # below is the page's doing.
    desk_tablet.clock.install()
    give_pin(agent)
    desk_tablet.goto("/login/")
    desk_tablet.get_by_role("link", name="Anna").tap()
    type_pin(desk_tablet, "40718")
    desk_tablet.wait_for_url("**/log/")  # loaded: its idle timer is set
    desk_tablet.clock.run_for(int(settings.DESK_IDLE_MINUTES * 60_000))
    desk_tablet.wait_for_url("**/desk/")
    desk_tablet.goto("/log/")
    assert "/log/" not in desk_tablet.url  # signed out, not just sent away


def test_five_wrong_pins_lock_that_person_here_but_not_the_next(desk_tablet, agent, bo):
    give_pin(agent), give_pin(bo)
    desk_tablet.goto("/desk/")
    desk_tablet.get_by_role("link", name="Anna").tap()
    for left in (4, 3, 2, 1):
        type_pin(desk_tablet, "2580")
        desk_tablet.get_by_text(f"Wrong PIN. {left} tr").wait_for()
    type_pin(desk_tablet, "2580")
    desk_tablet.get_by_text("Too many wrong PINs").wait_for()
    alert = desk_tablet.get_by_role("alert")
    assert "Too many wrong PINs: try again at" in alert.inner_text()
    assert "sign in with your password" in alert.inner_text()
    type_pin(desk_tablet, "40718")
    desk_tablet.get_by_text("Too many wrong PINs").wait_for()
    assert "/log/" not in desk_tablet.url
    desk_tablet.get_by_role("link", name="Not you? Back to the names").tap()
    desk_tablet.get_by_role("link", name="Bo").tap()
    type_pin(desk_tablet, "5283")
    desk_tablet.wait_for_url("**/log/")


def test_the_keypad_also_takes_a_hardware_keyboard(desk_tablet, agent):
    give_pin(agent)
    desk_tablet.goto("/desk/")
    desk_tablet.get_by_role("link", name="Anna").tap()
    desk_tablet.wait_for_function("() => document.activeElement?.name === 'pin'")
    desk_tablet.keyboard.type("40718")
    desk_tablet.keyboard.press("Enter")
    desk_tablet.wait_for_url("**/log/")


def test_keys_tapped_while_the_pads_script_is_still_coming_are_not_lost(desk_tablet, agent):
    """A busy tablet (or CI at full load) shows the keys before the script that makes them
    type has run: a tap then must wait for it, not vanish and send the PIN a digit short."""
    give_pin(agent)

    def late(route):
        time.sleep(1)
        route.continue_()

    desk_tablet.route("**/pin_pad.js", late)
    desk_tablet.goto("/desk/")
    desk_tablet.get_by_role("link", name="Anna").tap()
    type_pin(desk_tablet, "40718")
    desk_tablet.wait_for_url("**/log/", timeout=10_000)


def test_keypad_and_tiles_are_big_enough_to_tap(desk_tablet, agent, bo):
    give_pin(agent)
    desk_tablet.goto("/desk/")
    screenshot(desk_tablet, "desk-screen")
    assert serious_accessibility_violations(desk_tablet) == []
    for tile in desk_tablet.locator(".person-tile").all():
        box = tile.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44
    desk_tablet.get_by_role("link", name="Anna").tap()
    desk_tablet.wait_for_url(f"**/desk/{agent.pk}/")
    screenshot(desk_tablet, "desk-pin")
    assert serious_accessibility_violations(desk_tablet) == []
    for key in desk_tablet.locator(".pin-keys button").all():
        box = key.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44
    width = desk_tablet.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 1024
