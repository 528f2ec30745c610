"""Nothing left on the shared tablet: a moment waiting to send is sealed for the person who
logged it, sent as theirs whoever is signed in, and gone once sent; the log screen's offline
copy belongs to one sign-in and is never served to the next person."""

import pytest

from feedback.invitations import invitation_for
from tests.conftest import make_user
from tests.feedback.conftest import make_moment
from tests.touchpoints.test_log_screen_browser import (
    QUEUED,
    Taps,
    log_typical_moment,
    open_log_screen,
    wait_until,
)
from touchpoints.customers import hash_ref
from touchpoints.models import Moment, Role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.service_worker,
]

BOOKING_CODE = "XK7P2Q"
NOTE = "Wheelchair to gate 12"

# Everything the page's origin keeps in the browser's storage, as one text: every IndexedDB
# database and store, localStorage and sessionStorage.
STORAGE = """async () => {
  const read = (request) => new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const kept = { localStorage: { ...localStorage }, sessionStorage: { ...sessionStorage } };
  for (const { name } of await indexedDB.databases()) {
    const db = await read(indexedDB.open(name));
    for (const store of db.objectStoreNames) {
      kept[`${name}/${store}`] = await read(db.transaction(store).objectStore(store).getAll());
    }
    db.close();
  }
  return JSON.stringify(kept);
}"""
PAGE_COPIES = "async () => (await caches.keys()).filter((key) => key.startsWith('moments-page-'))"


def wait_in_page(page, predicate: str) -> None:
    """Wait until the page's asynchronous `predicate` (a storage read) answers true.
    page.wait_for_function does not wait on one: the promise it returns counts as true at
    once, and the test went on having checked nothing."""
    wait_until(lambda: page.evaluate(predicate))


def log_moment_with_customer(page) -> None:
    """A moment with the customer's booking code and a note: what must not stay readable."""
    taps = Taps(page)
    taps.tile("Check-in desk")
    taps.face("Bad")
    page.get_by_label("Booking code or loyalty number").fill(BOOKING_CODE)
    page.get_by_text("Add a note").tap()
    page.get_by_label("Note").fill(NOTE)
    taps.save("Not yet")


def keep_offline_copy(page) -> None:
    """Let the service worker take the page over and keep its copy of the log screen."""
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()
    page.wait_for_selector("html[data-outbox=ready]", state="attached")
    wait_in_page(page, f"async () => (await ({PAGE_COPIES})()).length === 1")


def log_out_leaving_moments(page) -> None:
    """Log out while saves cannot reach the server, choosing to leave them on the tablet."""
    page.route("**/log/", lambda route: route.abort())
    page.context.set_offline(False)
    page.get_by_role("button", name="Log out").tap()
    page.get_by_role("dialog").get_by_role("button", name="Log out anyway").tap()
    page.wait_for_url("**/login/")
    page.unroute("**/log/")


@pytest.fixture
def bertil(org):
    """Another agent at the same desk, who picks the tablet up after Anna."""
    return make_user("bertil", Role.FRONTLINE, team=org["arn_desk"])


def test_a_waiting_moment_is_sealed_in_storage_and_removed_once_sent(tablet, agent, org):
    open_log_screen(tablet, agent.username)
    tablet.context.set_offline(True)
    log_moment_with_customer(tablet)
    tablet.get_by_text("1 moment waiting to send").wait_for()
    kept = tablet.evaluate(STORAGE)
    assert tablet.evaluate(QUEUED) == 1
    assert BOOKING_CODE not in kept.upper()
    assert "Wheelchair" not in kept
    assert "Check-in desk" not in kept

    tablet.context.set_offline(False)
    wait_until(lambda: Moment.objects.count() == 1, seconds=20)
    tablet.locator("#outbox").wait_for(state="hidden")
    moment = Moment.objects.get()
    assert (moment.staff, moment.note) == (agent, NOTE)
    assert moment.customer_ref_hash == hash_ref(BOOKING_CODE)
    assert tablet.evaluate(QUEUED) == 0


def test_a_moment_queued_by_one_person_is_sent_as_theirs_while_another_is_signed_in(
    tablet, agent, bertil, org
):
    open_log_screen(tablet, agent.username)
    tablet.context.set_offline(True)
    log_moment_with_customer(tablet)
    tablet.get_by_text("1 moment waiting to send").wait_for()
    log_out_leaving_moments(tablet)

    tablet.route("**/log/sealed/", lambda route: route.abort())  # Anna's cannot go yet
    open_log_screen(tablet, bertil.username)
    log_typical_moment(tablet)  # Bertil's own, sent at once
    tablet.locator(".saved-state", has_text="Saved").wait_for()
    tablet.wait_for_timeout(1000)
    assert tablet.locator("#outbox").is_hidden()  # Bertil sees nothing of Anna's moment
    assert BOOKING_CODE not in tablet.content()
    assert tablet.evaluate(QUEUED) == 1

    tablet.unroute("**/log/sealed/")
    tablet.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until(lambda: Moment.objects.count() == 2, seconds=20)
    staff = dict(Moment.objects.values_list("touchpoint_type__name", "staff__username"))
    assert staff == {"Check-in desk": "anna", "Bag drop": "bertil"}
    assert Moment.objects.get(staff=agent).note == NOTE
    wait_in_page(tablet, f"async () => (await ({QUEUED})()) === 0")


def end_the_shift_on_the_tablet(page, settings) -> None:
    """Move the service worker's clock past the end of the shift: the worker alone decides,
    by its own Date.now, that a kept copy's sign-in has ended (templates/touchpoints/sw.js).
    Playwright's clock reaches pages, not service workers, so the worker's Date.now is moved
    here, where waiting out a real (shortened) shift cost the test a dozen idle seconds. A
    worker restarted since then would have the real time again, and keep the copy: the test
    would fail, never pass for nothing."""
    (worker,) = page.context.service_workers
    shift = (settings.FRONTLINE_SESSION_HOURS * 3600 + 60) * 1000
    worker.evaluate("(shift) => { const now = Date.now; Date.now = () => now() + shift; }", shift)


def test_after_the_shift_ends_offline_the_next_person_gets_no_copy_and_the_moment_waits_sealed(
    tablet, agent, bertil, org, settings
):
    open_log_screen(tablet, agent.username)
    keep_offline_copy(tablet)
    tablet.context.set_offline(True)
    tablet.reload()  # while the shift lasts, the kept copy opens with no network
    tablet.wait_for_selector("form.log-form")
    log_moment_with_customer(tablet)
    tablet.get_by_text("1 moment waiting to send").wait_for()

    end_the_shift_on_the_tablet(tablet, settings)
    tablet.reload()
    tablet.get_by_text("Nobody is signed in on this tablet.").wait_for()
    assert tablet.locator("form.log-form").count() == 0
    assert tablet.evaluate(PAGE_COPIES) == []
    kept = tablet.evaluate(STORAGE)
    assert BOOKING_CODE not in kept.upper() and "Wheelchair" not in kept
    assert Moment.objects.count() == 0

    tablet.context.set_offline(False)
    open_log_screen(tablet, bertil.username)  # the next person, with a network
    wait_until(lambda: Moment.objects.count() == 1, seconds=20)
    assert (Moment.objects.get().staff, Moment.objects.get().note) == (agent, NOTE)


def test_a_session_that_ended_drops_the_kept_copy_at_the_next_visit(tablet, agent, org):
    from django.contrib.sessions.models import Session

    open_log_screen(tablet, agent.username)
    keep_offline_copy(tablet)
    Session.objects.all().delete()  # signed out elsewhere, or expired on the server
    tablet.goto("/log/")
    tablet.wait_for_url("**/login/**")
    tablet.context.set_offline(True)
    tablet.goto("/log/")
    tablet.get_by_text("Nobody is signed in on this tablet.").wait_for()
    assert tablet.locator("form.log-form").count() == 0
    assert tablet.evaluate(PAGE_COPIES) == []


def test_signing_out_drops_the_kept_copy(tablet, agent, org):
    open_log_screen(tablet, agent.username)
    keep_offline_copy(tablet)
    tablet.get_by_role("button", name="Log out").tap()
    tablet.wait_for_url("**/login/")
    tablet.context.set_offline(True)
    tablet.goto("/log/")
    tablet.get_by_text("Nobody is signed in on this tablet.").wait_for()
    assert tablet.evaluate(PAGE_COPIES) == []


def test_the_next_person_signing_in_replaces_the_kept_copy_with_their_own(
    tablet, agent, bertil, org
):
    open_log_screen(tablet, agent.username)
    keep_offline_copy(tablet)
    annas = tablet.evaluate(PAGE_COPIES)
    tablet.context.clear_cookies()  # a desk switch: another sign-in on the same tablet
    open_log_screen(tablet, bertil.username)
    bertils = f"async () => (await ({PAGE_COPIES})()).filter((k) => k !== {annas[0]!r}).length"
    wait_in_page(tablet, f"async () => (await ({bertils})()) === 1")
    assert annas[0] not in tablet.evaluate(PAGE_COPIES)
    tablet.context.set_offline(True)
    tablet.reload()
    tablet.wait_for_selector("form.log-form")
    assert "bertil" in tablet.locator(".who").inner_text().lower()


REFUSED = QUEUED.replace("return records.length;", "return records.filter((r) => r.error).length;")


def test_a_refusal_of_another_persons_moment_waits_for_its_author(tablet, agent, bertil, org):
    open_log_screen(tablet, agent.username)
    tablet.context.set_offline(True)
    log_typical_moment(tablet)
    tablet.get_by_text("1 moment waiting to send").wait_for()
    log_out_leaving_moments(tablet)
    org["bag_drop"].active = False  # archived while Anna's moment waited
    org["bag_drop"].save()

    open_log_screen(tablet, bertil.username)
    wait_in_page(tablet, f"async () => (await ({REFUSED})()) === 1")
    assert tablet.locator("#outbox").is_hidden()  # not Bertil's to see, nor to discard
    tablet.get_by_role("button", name="Log out").tap()
    tablet.wait_for_url("**/login/")

    open_log_screen(tablet, agent.username)
    problem = tablet.locator(".outbox-problems li")
    problem.get_by_text("That touchpoint type is not available").wait_for()
    assert "Not saved: Bag drop, good." in problem.inner_text()
    assert not Moment.objects.exists()


def test_a_customer_holding_the_tablet_offline_gets_no_copy_of_the_log_screen(tablet, agent, org):
    moment = make_moment(agent, org["desk"], outcome=2)
    invitation_for(moment)
    open_log_screen(tablet, agent.username)
    keep_offline_copy(tablet)
    tablet.goto(f"/feedback/moments/{moment.uuid}/invitation/")
    tablet.get_by_role("button", name="Hand the tablet to the customer").tap()
    tablet.wait_for_url("**/feedback/handover/")
    wait_in_page(tablet, f"async () => (await ({PAGE_COPIES})()).length === 0")
    tablet.context.set_offline(True)
    tablet.goto("/log/")
    tablet.get_by_text("Nobody is signed in on this tablet.").wait_for()
