"""The log screen as a person at a desk uses it: tablet size, touch, a network that drops."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import TABLET, log_in, screenshot, serious_accessibility_violations
from touchpoints.models import Moment

# The service worker only for the test that reopens the log screen with no network: the
# others test the page's own queue, which works alike with or without a worker, and a
# worker installed in each new context fetches the screen and its files again.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_log_screen(page, username: str) -> None:
    """Log in and wait until the screen's script is ready to queue a save."""
    log_in(page, username)
    page.wait_for_selector("html[data-outbox=ready]", state="attached")


def wait_until(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.1)


# How many saves the log screen's queue holds, waiting to be sent (static/js/outbox.js,
# in IndexedDB).
QUEUED = """async () => {
  const read = (request) => new Promise((resolve) => {
    request.onsuccess = () => resolve(request.result);
  });
  const db = await read(indexedDB.open("moments", 1));
  const records = await read(db.transaction("outbox").objectStore("outbox").getAll());
  db.close();
  return records.length;
}"""


class Taps:
    """Taps on the page, counted, so a test can say how many a moment took."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def tile(self, name: str) -> None:
        self.tap(self.page.locator(".tile", has_text=name))

    def face(self, label: str) -> None:
        self.tap(self.page.locator(".face", has=self.page.get_by_text(label, exact=True)))

    def save(self, resolution: str = "Resolved") -> None:
        """Save with one of the two save buttons: "Resolved" or "Not yet"."""
        self.tap(self.page.get_by_role("button", name=resolution, exact=True))

    def tap(self, locator) -> None:
        locator.tap()
        self.count += 1


def log_typical_moment(page) -> Taps:
    taps = Taps(page)
    taps.tile("Bag drop")
    taps.face("Good")
    taps.save()
    return taps


def test_typical_moment_is_logged_in_three_taps(tablet, agent, org):
    open_log_screen(tablet, agent.username)
    taps = log_typical_moment(tablet)
    tablet.locator(".saved-title", has_text="Saved: Bag drop, good").wait_for()
    wait_until(lambda: Moment.objects.exists())
    moment = Moment.objects.get()
    assert taps.count == 3
    assert (moment.touchpoint_type, moment.outcome, moment.staff) == (org["bag_drop"], 4, agent)
    assert (moment.channel, moment.resolved_on_spot) == ("in_person", True)
    screenshot(tablet, "log-saved")


def test_form_is_fresh_at_once_for_the_next_moment(tablet, agent, org):
    open_log_screen(tablet, agent.username)
    log_typical_moment(tablet)
    # A function, not a string: the page's policy forbids Playwright to eval a string there.
    tablet.wait_for_function("() => !document.querySelector('input[name=touchpoint_type]:checked')")
    assert tablet.locator("input[name=outcome]:checked").count() == 0
    wait_until(lambda: Moment.objects.exists())  # sent before the test's database goes


def test_each_moment_gets_a_uuid_made_on_the_tablet_when_it_is_logged(tablet, agent, org):
    open_log_screen(tablet, agent.username)
    page_uuid = tablet.locator("input[name=uuid]").input_value()
    log_typical_moment(tablet)
    log_typical_moment(tablet)
    wait_until(lambda: Moment.objects.count() == 2)
    uuids = {str(uuid) for uuid in Moment.objects.values_list("uuid", flat=True)}
    assert len(uuids) == 2
    assert page_uuid not in uuids


# The tablet's queue (static/js/outbox.js) made slow to write, or unusable, for the page's
# own script: set before it runs, so log.js gets the changed queue.
QUEUE_WRITES = """(change) => {
  let made;
  Object.defineProperty(window, 'momentsOutbox', {
    configurable: true,
    set(value) { made = value; },
    get() {
      return made && ((options) => {
        const outbox = made(options);
        const add = outbox.add.bind(outbox);
        outbox.add = change === 'slow'
          ? async (op) => { await new Promise((done) => setTimeout(done, 400)); return add(op); }
          : async () => { throw new Error('no IndexedDB'); };
        return outbox;
      });
    },
  });
}"""


def test_the_next_moment_tapped_while_a_save_is_still_queued_is_kept(tablet, agent, org):
    """On a busy tablet writing the queue took hundreds of milliseconds, and the form was
    emptied after it: the next moment's tile and face, tapped meanwhile, went with it, and
    its save then counted as the second tap of a double tap. The form now empties at once."""
    tablet.context.add_init_script(script=f"({QUEUE_WRITES})('slow')")
    open_log_screen(tablet, agent.username)
    log_typical_moment(tablet)
    taps = Taps(tablet)
    taps.tile("Check-in desk")
    taps.face("Bad")
    taps.save("Not yet")
    wait_until(lambda: Moment.objects.count() == 2)
    assert set(Moment.objects.values_list("touchpoint_type", "outcome", "resolved_on_spot")) == {
        (org["bag_drop"].pk, 4, True),
        (org["desk"].pk, 2, False),
    }


def test_without_a_queue_on_the_tablet_the_moment_is_posted_as_chosen(tablet, agent, org):
    """No IndexedDB (a private window): the form, already emptied for the next moment,
    is posted as it was chosen."""
    tablet.context.add_init_script(script=f"({QUEUE_WRITES})('broken')")
    open_log_screen(tablet, agent.username)
    taps = Taps(tablet)
    taps.tile("Bag drop")
    taps.face("Good")
    taps.save("Not yet")
    wait_until(lambda: Moment.objects.exists())
    moment = Moment.objects.get()
    assert (moment.touchpoint_type, moment.outcome, moment.resolved_on_spot) == (
        org["bag_drop"],
        4,
        False,
    )


def test_undo_takes_the_moment_back(tablet, agent, org):
    open_log_screen(tablet, agent.username)
    log_typical_moment(tablet)
    wait_until(lambda: Moment.objects.exists())
    tablet.get_by_role("button", name="Undo").tap()
    tablet.get_by_text("Undone: this moment will not be kept.").wait_for()
    wait_until(lambda: not Moment.objects.exists())


def test_moments_logged_offline_are_sent_once_with_their_real_times(tablet, agent, org):
    open_log_screen(tablet, agent.username)
    tablet.context.set_offline(True)
    before = timezone.now()
    # A save is sent at once: with no network, the try fails on the tablet, and nothing
    # reaches the server while it stays offline.
    with tablet.expect_event("requestfailed", lambda request: request.method == "POST"):
        log_typical_moment(tablet)
        taps = Taps(tablet)
        taps.tile("Check-in desk")
        taps.face("Bad")
        taps.save()
    logged_by = timezone.now()
    tablet.get_by_text("2 moments waiting to send").wait_for()
    assert Moment.objects.count() == 0

    tablet.context.set_offline(False)
    wait_until(lambda: Moment.objects.count() == 2, seconds=20)
    tablet.locator("#outbox").wait_for(state="hidden")
    assert Moment.objects.count() == 2
    for moment in Moment.objects.all():
        assert before - timedelta(seconds=1) <= moment.occurred_at <= logged_by
    assert sorted(m.outcome for m in Moment.objects.all()) == [2, 4]


def test_double_tap_on_save_stores_one_moment(tablet, agent, org):
    """The second tap lands while the first is still being queued, the form still filled in:
    both clicks in one go, as a finger's bounce gives them (two taps from here would let the
    first finish between them, and the emptied form would refuse the second anyway)."""
    open_log_screen(tablet, agent.username)
    tablet.locator(".tile", has_text="Bag drop").tap()
    tablet.locator(".face-4").tap()
    save = tablet.get_by_role("button", name="Resolved", exact=True)
    save.evaluate("button => { button.click(); button.click(); }")
    tablet.locator(".saved-title", has_text="Saved: Bag drop, good").wait_for()
    # A second save would have been queued before the first was stored: once the queue is
    # empty, it would have been stored too. (Read from Python: page.wait_for_function takes
    # an asynchronous predicate's promise for true at once.)
    wait_until(lambda: tablet.evaluate(QUEUED) == 0 and Moment.objects.exists())
    assert Moment.objects.count() == 1


def test_a_second_tap_after_the_save_asks_for_nothing(tablet, agent, org):
    """The second tap of a double tap that lands on the emptied form is dropped quietly: no
    "choose a touchpoint" bubble for a moment the agent just saved."""
    open_log_screen(tablet, agent.username)
    tablet.evaluate(
        "window.refusals = 0;"
        " document.querySelector('form.log-form').addEventListener("
        "   'invalid', () => { window.refusals += 1; }, true)"
    )
    tablet.locator(".tile", has_text="Bag drop").tap()
    tablet.locator(".face-4").tap()
    # The second click as soon as the form is emptied, from inside the page: a round trip
    # from here per step could take longer than a double tap on a busy machine.
    tablet.get_by_role("button", name="Resolved", exact=True).evaluate(
        """async (button) => {
          button.click();
          while (!document.querySelector('.saved-title')) {
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
          button.click();
        }"""
    )
    tablet.locator(".saved-title", has_text="Saved: Bag drop, good").wait_for()
    wait_until(lambda: tablet.evaluate(QUEUED) == 0 and Moment.objects.exists())
    assert tablet.evaluate("window.refusals") == 0
    assert Moment.objects.count() == 1


def test_logging_out_with_unsent_moments_warns_first(tablet, agent, org):
    open_log_screen(tablet, agent.username)
    tablet.context.set_offline(True)
    log_typical_moment(tablet)
    tablet.get_by_text("1 moment waiting to send").wait_for()
    tablet.get_by_role("button", name="Log out").tap()
    dialog = tablet.get_by_role("dialog")
    dialog.get_by_text("1 moment is still waiting to send.").wait_for()
    dialog.get_by_role("button", name="Stay and send").tap()
    tablet.context.set_offline(False)
    wait_until(lambda: Moment.objects.count() == 1, seconds=20)


@pytest.mark.service_worker
def test_log_screen_opens_with_no_network(tablet, agent, org):
    open_log_screen(tablet, agent.username)
    tablet.evaluate("navigator.serviceWorker.ready")
    tablet.reload()  # the worker now controls the page and has kept a copy of it
    tablet.context.set_offline(True)
    tablet.reload()
    tablet.wait_for_selector("html[data-outbox=ready]", state="attached")
    log_typical_moment(tablet)
    tablet.get_by_text("1 moment waiting to send").wait_for()
    tablet.context.set_offline(False)
    wait_until(lambda: Moment.objects.count() == 1, seconds=20)


def test_customer_history_shows_on_the_log_screen(tablet, agent, org):
    open_log_screen(tablet, agent.username)
    tablet.locator(".tile", has_text="Check-in desk").tap()
    tablet.locator(".face-1").tap()
    tablet.get_by_label("Booking code or loyalty number").fill("XK7P2Q")
    tablet.get_by_role("button", name="Not yet", exact=True).tap()
    wait_until(lambda: Moment.objects.exists())
    tablet.get_by_label("Booking code or loyalty number").fill("xk7p2q")
    history = tablet.locator("#customer-history")
    history.get_by_text("1 not resolved on the spot").wait_for()
    assert "Check-in desk" in history.inner_text()


def test_frontline_screens_with_a_saved_moment_have_no_serious_accessibility_violations(
    tablet, agent, org
):
    """The saved card on the log screen, and My moments with content (the empty screens are
    in tests/test_accessibility_browser.py)."""
    open_log_screen(tablet, agent.username)
    log_typical_moment(tablet)
    wait_until(lambda: Moment.objects.exists())
    found = {"/log/": serious_accessibility_violations(tablet)}
    for path in ("/log/mine/", "/log/needs/"):
        tablet.goto(path)
        found[path] = serious_accessibility_violations(tablet)
    assert found == {"/log/": [], "/log/mine/": [], "/log/needs/": []}


def test_a_types_extra_field_is_asked_only_for_that_type(tablet, agent, org):
    from touchpoints.models import ExtraField

    ExtraField.objects.create(
        touchpoint_type=org["boarding"], key="flight", label="Flight number", required=True
    )
    open_log_screen(tablet, agent.username)
    flight = tablet.get_by_label("Flight number")
    tablet.locator(".tile", has_text="Bag drop").tap()
    assert not flight.is_visible()
    tablet.locator(".tile", has_text="Boarding").tap()
    flight.fill("SK903")
    tablet.locator(".face-5").tap()
    tablet.get_by_role("button", name="Resolved", exact=True).tap()
    wait_until(lambda: Moment.objects.exists())
    assert Moment.objects.get().extra == {"flight": "SK903"}


def test_moments_left_on_the_tablet_at_logout_are_sent_at_the_next_login(tablet, agent, org):
    open_log_screen(tablet, agent.username)
    tablet.context.set_offline(True)
    log_typical_moment(tablet)
    tablet.get_by_text("1 moment waiting to send").wait_for()
    tablet.route("**/log/", lambda route: route.abort())  # saves still fail
    tablet.context.set_offline(False)
    tablet.get_by_role("button", name="Log out").tap()
    tablet.get_by_role("dialog").get_by_role("button", name="Log out anyway").tap()
    tablet.wait_for_url("**/login/")
    tablet.unroute("**/log/")
    assert Moment.objects.count() == 0

    open_log_screen(tablet, agent.username)
    wait_until(lambda: Moment.objects.count() == 1, seconds=20)


def test_log_screen_works_without_javascript(chromium, live_server, agent, org):
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False, **TABLET)
    page = context.new_page()
    log_in(page, agent.username)
    Taps(page).tile("Bag drop")
    Taps(page).face("Good")
    page.get_by_role("button", name="Not yet", exact=True).tap()
    page.get_by_text("Saved: Bag drop, good").wait_for()
    context.close()
    moment = Moment.objects.get()
    assert (moment.touchpoint_type, moment.resolved_on_spot) == (org["bag_drop"], False)


def test_a_queued_moment_refused_for_its_archived_type_is_told_and_asked_for_a_type(
    tablet, agent, org
):
    open_log_screen(tablet, agent.username)
    tablet.context.set_offline(True)
    log_typical_moment(tablet)
    org["bag_drop"].active = False  # archived while the tablet was offline
    org["bag_drop"].save()
    tablet.context.set_offline(False)
    problem = tablet.locator(".outbox-problems li")
    problem.get_by_text("That touchpoint type is not available").wait_for()
    tablet.locator(".type-gone").wait_for()
    told = tablet.locator(".type-gone").inner_text()
    offered = [b.inner_text() for b in problem.get_by_role("button").all()]
    face = tablet.locator("input[name=outcome]:checked").get_attribute("value")
    assert "Not saved: Bag drop, good." in problem.inner_text()
    problem.get_by_role("button", name="Discard").tap()
    tablet.locator("#outbox").wait_for(state="hidden")
    assert Moment.objects.count() == 0
    assert told.startswith("Not saved: “Bag drop” is no longer offered. Choose another type")
    assert offered == ["Discard"]  # not "Try again": it would be refused the same way
    assert face == "4"  # back in the form, with everything but the type
    assert tablet.locator("input[name=outcome]:checked").count() == 0  # discarded: cleared


def test_moments_logged_in_quick_succession_are_all_sent_promptly(tablet, agent, org):
    open_log_screen(tablet, agent.username)
    for name in ("Bag drop", "Check-in desk", "Boarding"):
        taps = Taps(tablet)
        taps.tile(name)
        taps.face("OK")
        taps.save()
    # Well before the 15-second retry: each save is sent as soon as the one before it is.
    wait_until(lambda: Moment.objects.count() == 3, seconds=8)


def log_screen_at(chromium, live_server, user, viewport: tuple[int, int]):
    """A tablet of the given size, signed in on the log screen: (its context, its page)."""
    width, height = viewport
    settings = {**TABLET, "viewport": {"width": width, "height": height}}
    context = chromium.new_context(base_url=live_server.url, **settings)
    page = context.new_page()
    open_log_screen(page, user.username)
    return context, page


@pytest.mark.parametrize("viewport", [(1024, 768), (768, 1024)], ids=["landscape", "portrait"])
def test_every_target_on_the_log_screen_is_at_least_44_px(
    chromium, live_server, agent, org, viewport
):
    context, page = log_screen_at(chromium, live_server, agent, viewport)
    small = page.evaluate(
        """() => Array.from(document.querySelectorAll(
            'main a, main button, .tile, .face, .chip, .toggle, summary, main input[type=search]'))
          .filter((el) => el.offsetParent !== null && !el.closest("#team-panel"))
          .map((el) => [el.textContent.trim().slice(0, 30), el.getBoundingClientRect()])
          .filter(([, box]) => box.width < 44 || box.height < 44)
          .map(([text, box]) => `${text}: ${Math.round(box.width)}x${Math.round(box.height)}`)"""
    )
    context.close()
    assert small == []


def test_waiting_moments_are_counted_and_sent_from_my_moments_too(tablet, agent, org):
    open_log_screen(tablet, agent.username)
    tablet.route(
        "**/log/",
        lambda route: route.abort() if route.request.method == "POST" else route.continue_(),
    )
    log_typical_moment(tablet)
    tablet.get_by_text("1 moment waiting to send").wait_for()
    tablet.get_by_role("link", name="My moments").tap()
    tablet.get_by_text("1 moment waiting to send").wait_for()
    tablet.unroute("**/log/")
    tablet.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until(lambda: Moment.objects.count() == 1)
    tablet.locator("#outbox").wait_for(state="hidden")


def test_the_log_screen_loads_no_list_of_recoveries(tablet, agent, org):
    """The recoveries have their own tab: the log screen asks the server for nothing more
    than itself and its files, and its counts come with the page."""
    asked = []
    tablet.on("request", lambda request: asked.append(request.url))
    open_log_screen(tablet, agent.username)
    log_typical_moment(tablet)
    wait_until(lambda: Moment.objects.exists())
    assert not [url for url in asked if "/feedback/" in url]
    assert tablet.locator("#queue-badge").is_hidden()  # nothing to put right: no badge


def save_buttons_in_view(page) -> list[str]:
    """The save buttons that show whole on the screen as it is, and are not covered."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('button[name=resolved_on_spot]'))
          .filter((button) => {
            const box = button.getBoundingClientRect();
            const on = box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight
              && box.right <= innerWidth && box.width > 0;
            const middle = [box.x + box.width / 2, box.y + box.height / 2];
            return on && button.contains(document.elementFromPoint(...middle));
          })
          .map((button) => button.textContent.trim())"""
    )


@pytest.mark.parametrize("viewport", [(1024, 768), (768, 1024)], ids=["landscape", "portrait"])
def test_both_save_buttons_are_in_view_and_one_tap_saves_the_choice(
    chromium, live_server, agent, org, viewport
):
    context, page = log_screen_at(chromium, live_server, agent, viewport)
    assert page.evaluate("() => window.scrollY") == 0
    assert save_buttons_in_view(page) == ["✓ Resolved", "Not yet"]

    counts = []
    for resolution, face in [("Resolved", "Good"), ("Not yet", "Bad")]:
        taps = Taps(page)
        taps.tile("Bag drop")
        taps.face(face)
        assert save_buttons_in_view(page) == ["✓ Resolved", "Not yet"]
        taps.save(resolution)
        counts.append(taps.count)
        page.locator(".saved-title", has_text=f"Saved: Bag drop, {face.lower()}").wait_for()
    wait_until(lambda: Moment.objects.count() == 2)
    context.close()
    assert counts == [3, 3]
    stored = dict(Moment.objects.values_list("outcome", "resolved_on_spot"))
    assert stored == {4: True, 2: False}


def test_enter_in_a_field_does_not_choose_for_the_person(tablet, agent, org):
    open_log_screen(tablet, agent.username)
    tablet.locator(".tile", has_text="Bag drop").tap()
    tablet.locator(".face-4").tap()
    tablet.get_by_label("Booking code or loyalty number").press("Enter")
    time.sleep(1)
    assert not Moment.objects.exists()
