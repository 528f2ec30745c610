"""The tablet's queue never loses a moment and never stalls: a kept copy of the log screen
reopened offline, refusals of every kind, and asking the customer on a bad link."""

import pytest

from feedback.models import Invitation
from tests.conftest import TABLET, add_moment, look_at
from tests.touchpoints.test_log_screen_browser import (
    Taps,
    log_typical_moment,
    open_log_screen,
    wait_until,
)
from touchpoints.customers import hash_ref
from touchpoints.models import Moment

# The service worker only for the test that reopens the log screen with no network: the
# others test the page's own queue, which works alike with or without a worker, and a
# worker installed in each new context fetches the screen and its files again.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_moment(page, tile: str, face: str) -> None:
    taps = Taps(page)
    taps.tile(tile)
    taps.face(face)
    taps.save()


def stored() -> list[tuple[str, int]]:
    return sorted(Moment.objects.values_list("touchpoint_type__name", "outcome"))


@pytest.fixture
def routed_tablet(chromium, live_server):
    """A tablet with no service worker, so that a route sees every request the page makes."""
    context = chromium.new_context(base_url=live_server.url, service_workers="block", **TABLET)
    yield context.new_page()
    context.close()


def refuse_saves(page, status: int, body: str) -> None:
    """Saves get `status` with an HTML page, as a proxy or Django's own page sends them.

    Stop it with `page.unroute("**/log/")` before waiting outside Playwright: a Python
    route handler runs only while Playwright has the thread.
    """

    def refuse(route):
        if route.request.method != "POST":
            return route.fallback()
        route.fulfill(status=status, content_type="text/html", body=body)

    page.route("**/log/", refuse)


@pytest.mark.service_worker
def test_a_moment_logged_on_the_kept_log_screen_reopened_offline_is_stored(tablet, agent, org):
    open_log_screen(tablet, agent.username)
    tablet.evaluate("navigator.serviceWorker.ready")
    tablet.reload()  # the worker controls the page now, and keeps this very copy of it
    tablet.wait_for_selector("html[data-outbox=ready]", state="attached")
    log_moment(tablet, "Bag drop", "Good")
    wait_until(lambda: Moment.objects.count() == 1)
    # Stored is not yet acknowledged: until the tablet has read the answer, the moment stays in
    # its outbox (and would be resent, harmlessly, by uuid), and the count below would be 2.
    tablet.wait_for_function(
        "() => document.querySelector('.saved .saved-state')?.textContent === 'Saved'"
    )

    tablet.context.set_offline(True)
    tablet.reload()  # the kept copy, with the same page as before
    tablet.wait_for_selector("html[data-outbox=ready]", state="attached")
    log_moment(tablet, "Check-in desk", "Very bad")
    tablet.get_by_text("1 moment waiting to send").wait_for()
    tablet.context.set_offline(False)

    wait_until(lambda: Moment.objects.count() == 2, seconds=20)
    tablet.locator("#outbox").wait_for(state="hidden")
    assert stored() == [("Bag drop", 4), ("Check-in desk", 1)]


def test_a_moment_refused_403_shows_why_and_the_next_one_is_still_sent(tablet, agent, org):
    open_log_screen(tablet, agent.username)
    tablet.context.set_offline(True)
    log_moment(tablet, "Bag drop", "Good")
    tablet.get_by_text("1 moment waiting to send").wait_for()
    team = agent.team
    agent.team = None  # removed from the team while the tablet was offline
    agent.save()
    tablet.context.set_offline(False)
    problem = tablet.locator(".outbox-problems li")
    problem.get_by_text("You are not in a team yet").wait_for()
    look_at(tablet, "refused-no-team")

    agent.team = team  # back in the team: later moments go through, the refused one waits
    agent.save()
    log_moment(tablet, "Check-in desk", "OK")
    wait_until(lambda: Moment.objects.count() == 1, seconds=8)  # well before the 15-s retry
    assert stored() == [("Check-in desk", 3)]
    assert "Not saved: Bag drop, good." in problem.inner_text()
    problem.get_by_role("button", name="Discard").tap()
    tablet.locator("#outbox").wait_for(state="hidden")
    assert stored() == [("Check-in desk", 3)]


CSRF_PAGE = "<h1>Forbidden <span>(403)</span></h1><p>CSRF verification failed.</p>"


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (400, "<h1>Bad Request (400)</h1>", "The server could not read it (400)."),
        (403, CSRF_PAGE, "Refused (403): you may no longer log moments here"),
        (413, "<h1>413 Request Entity Too Large</h1>", "It is too large for the server (413)."),
        (404, "<h1>Not Found</h1>", "The server refused it (404)."),
    ],
    ids=["400", "csrf-page", "413", "404"],
)
def test_a_refusal_page_that_is_not_json_shows_a_reason_and_blocks_nothing(
    routed_tablet, agent, org, status, body, reason
):
    tablet = routed_tablet
    open_log_screen(tablet, agent.username)
    refuse_saves(tablet, status, body)
    log_moment(tablet, "Bag drop", "Good")
    problem = tablet.locator(".outbox-problems li")
    problem.get_by_text(reason).wait_for()
    tablet.unroute("**/log/")
    look_at(tablet, f"refused-{status}")
    log_moment(tablet, "Boarding", "Very good")
    wait_until(lambda: Moment.objects.count() == 1, seconds=8)
    assert stored() == [("Boarding", 5)]
    problem.get_by_role("button", name="Try again").tap()
    wait_until(lambda: Moment.objects.count() == 2, seconds=8)
    tablet.locator("#outbox").wait_for(state="hidden")
    assert stored() == [("Bag drop", 4), ("Boarding", 5)]


@pytest.mark.parametrize("status", [408, 429, 503])
def test_a_busy_server_is_tried_again_and_no_discard_is_offered(routed_tablet, agent, org, status):
    tablet = routed_tablet
    open_log_screen(tablet, agent.username)
    refuse_saves(tablet, status, "<h1>Try later</h1>")
    log_typical_moment(tablet)
    tablet.get_by_text(f"1 moment waiting to send: server busy ({status})").wait_for()
    assert tablet.get_by_role("button", name="Discard").count() == 0
    tablet.unroute("**/log/")
    tablet.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until(lambda: Moment.objects.count() == 1)
    tablet.locator("#outbox").wait_for(state="hidden")


def test_a_failed_csrf_check_is_explained_and_sent_after_a_reload(routed_tablet, agent, org):
    tablet = routed_tablet
    # No poll may bring a fresh page (and token) by itself: keep the navigation's away.
    tablet.route("**/feedback/badges/", lambda route: route.abort())
    open_log_screen(tablet, agent.username)
    tablet.context.clear_cookies(name="csrftoken")
    log_typical_moment(tablet)
    problem = tablet.locator(".outbox-problems li")
    problem.get_by_text("security check refused it").wait_for()
    tablet.reload()  # a fresh page brings a fresh token
    tablet.wait_for_selector("html[data-outbox=ready]", state="attached")
    tablet.locator(".outbox-problems li").get_by_role("button", name="Try again").tap()
    tablet.locator("#outbox").wait_for(state="hidden")
    assert stored() == [("Bag drop", 4)]


def test_a_moment_queued_under_a_used_uuid_is_kept_and_sent_as_a_new_one(tablet, agent, org):
    """A tablet that still holds moments queued by an older page, all under one UUID."""
    open_log_screen(tablet, agent.username)
    log_moment(tablet, "Bag drop", "Good")
    wait_until(lambda: Moment.objects.count() == 1)
    used = str(Moment.objects.get().uuid)
    tablet.evaluate(
        """(used) => { const real = crypto.randomUUID.bind(crypto);
           crypto.randomUUID = () => { crypto.randomUUID = real; return used; }; }""",
        used,
    )
    log_moment(tablet, "Check-in desk", "Very bad")
    problem = tablet.locator(".outbox-problems li")
    problem.get_by_text("another moment you logged (Bag drop, good at").wait_for()
    look_at(tablet, "refused-409")
    problem.get_by_role("button", name="Try again").tap()
    tablet.locator("#outbox").wait_for(state="hidden")
    assert stored() == [("Bag drop", 4), ("Check-in desk", 1)]


def test_asking_the_customer_on_a_failed_request_keeps_ask_and_undo(routed_tablet, agent, org):
    tablet = routed_tablet
    open_log_screen(tablet, agent.username)
    log_typical_moment(tablet)
    ask = tablet.get_by_role("button", name="Ask the customer for feedback")
    tablet.locator(".handover-button:enabled").wait_for()
    tablet.route("**/invitation/", lambda route: route.abort())
    ask.tap()
    tablet.get_by_text("No network: the customer could not be asked").wait_for()
    look_at(tablet, "ask-failed")
    assert ask.is_enabled()
    assert tablet.get_by_role("button", name="Undo").is_visible()

    tablet.unroute("**/invitation/")
    ask.tap()
    tablet.get_by_role("button", name="Hand the tablet to the customer").wait_for()
    assert ask.count() == 0
    assert tablet.get_by_role("button", name="Undo").count() == 0
    assert Invitation.objects.get().moment == Moment.objects.get()


def test_a_stale_csrf_token_in_the_page_does_not_stop_asking_the_customer(tablet, agent, org):
    open_log_screen(tablet, agent.username)
    tablet.evaluate("document.body.setAttribute('hx-headers', '{\"X-CSRFToken\": \"stale\"}')")
    log_typical_moment(tablet)
    tablet.locator(".handover-button:enabled").wait_for()
    tablet.get_by_role("button", name="Ask the customer for feedback").tap()
    tablet.get_by_role("button", name="Hand the tablet to the customer").wait_for()
    assert Invitation.objects.count() == 1


def test_asking_the_customer_from_my_moments(chromium, live_server, agent, org):
    context = chromium.new_context(base_url=live_server.url, **TABLET)
    page = context.new_page()
    open_log_screen(page, agent.username)
    log_typical_moment(page)
    wait_until(lambda: Moment.objects.exists())
    page.get_by_role("link", name="My moments").tap()
    page.get_by_role("button", name="Ask the customer for feedback").tap()
    page.get_by_role("button", name="Hand the tablet to the customer").wait_for()
    page.get_by_text("Customer asked for feedback, no answer yet.").wait_for()
    page.get_by_role("button", name="Copy").tap()  # the panel's own script runs too
    page.get_by_role("button", name="Copied").wait_for()
    look_at(page, "my-moments-asked")
    context.close()
    assert Invitation.objects.get().moment == Moment.objects.get()


def test_a_stale_token_in_the_page_does_not_stop_the_customer_lookup(tablet, agent, org):
    add_moment(agent, org["desk"], resolved=False, customer_ref_hash=hash_ref("XK7P2Q"))
    open_log_screen(tablet, agent.username)
    tablet.evaluate("document.body.setAttribute('hx-headers', '{\"X-CSRFToken\": \"stale\"}')")
    tablet.get_by_label("Booking code or loyalty number").fill("xk7p2q")
    tablet.locator("#customer-history").get_by_text("1 not resolved on the spot").wait_for()
