"""The customer's screens in a real browser: a phone, and the staff tablet handed over."""

import re
from datetime import datetime, timedelta

import pytest

from feedback.invitations import invitation_for
from feedback.models import Answer
from tests.conftest import PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_customer_answers_on_a_phone_with_taps_on_faces_big_enough_to_tap(phone, invitation):
    phone.goto(f"/r/{invitation.token}/")
    boxes = [face.bounding_box() for face in phone.locator(".faces .pick span:has(svg)").all()]
    assert len(boxes) == 5
    assert len({(round(b["width"]), round(b["height"])) for b in boxes}) == 1, "not one size"
    assert boxes[0]["width"] >= 44 and boxes[0]["height"] >= 44
    assert boxes[-1]["x"] + boxes[-1]["width"] <= 390  # all five fit across the phone

    phone.get_by_label("2 of 5, dissatisfied").locator("..").tap()
    phone.locator("label.pick", has_text=re.compile(r"^5$")).tap()
    phone.get_by_label("Anything you would like to tell us?").fill("The queue was long")
    phone.get_by_role("button", name="Send").tap()
    phone.get_by_text("Thank you!").wait_for()
    answer = Answer.objects.get()
    assert (answer.csat, answer.nps, answer.comment) == (2, 5, "The queue was long")


def test_phone_shows_the_page_in_swedish_for_a_swedish_browser(chromium, live_server, invitation):
    context = chromium.new_context(base_url=live_server.url, locale="sv-SE")
    page = context.new_page()
    page.goto(f"/r/{invitation.token}/")
    assert page.get_by_role("heading").first.inner_text() == "Hur gick det?"
    context.close()


def hand_over(tablet, agent, moment):
    invitation_for(moment)
    log_in(tablet, agent.username)
    tablet.goto(f"/feedback/moments/{moment.uuid}/invitation/")
    tablet.get_by_role("button", name="Hand the tablet to the customer").tap()
    tablet.wait_for_url("**/feedback/handover/")


def test_handover_screen_offers_no_route_to_staff_pages(tablet, agent, moment):
    hand_over(tablet, agent, moment)
    assert tablet.locator("a[href]").count() == 0
    assert "Anna" not in tablet.content()
    tablet.go_back()
    tablet.wait_for_load_state()
    assert tablet.url.endswith("/feedback/handover/")
    for staff_page in ("/log/", "/feedback/recoveries/", "/dashboard/"):
        tablet.goto(staff_page)
        assert tablet.url.endswith("/feedback/handover/")


# A leave posts the exit form at once, from the timer that run_for fires; the page still
# shows until the answer comes. The page notes the post, so that the test need not wait a
# second to see whether the page stays.
NOTE_THE_EXIT_POSTED = """
window.exitPosted = false;
const submit = HTMLFormElement.prototype.submit;
HTMLFormElement.prototype.submit = function () {
  window.exitPosted = this.id === "exit-form";
  submit.call(this);
};
"""


def test_a_tap_on_the_corner_does_nothing_but_a_long_press_exits(tablet, agent, moment, settings):
    hold_ms = settings.FEEDBACK_EXIT_HOLD_SECONDS * 1000  # 1.5 s (test_handover.py)
    # The corner's hold runs on Playwright's clock: the test moves it on, instead of waiting.
    tablet.clock.install()
    tablet.add_init_script(NOTE_THE_EXIT_POSTED)
    hand_over(tablet, agent, moment)
    tablet.clock.pause_at(datetime.now() + timedelta(seconds=1))  # from now on, only run_for
    tablet.locator("#exit").tap()
    tablet.clock.run_for(hold_ms * 2)  # twice the hold: a tap that counted would have left
    assert tablet.evaluate("() => window.exitPosted") is False
    assert tablet.url.endswith("/feedback/handover/")
    box = tablet.locator("#exit").bounding_box()
    tablet.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tablet.mouse.down()
    tablet.clock.run_for(hold_ms)
    tablet.wait_for_url("**/feedback/handover/back/", timeout=4000)
    tablet.mouse.up()
    give_back(tablet)


def give_back(tablet):
    """The staff member takes the tablet back with their password (no desk here)."""
    tablet.get_by_text("Please give the tablet back").wait_for()
    tablet.get_by_label("Password").fill(PASSWORD)
    tablet.get_by_role("button", name="Go on").tap()
    tablet.wait_for_url("**/log/")


def test_an_idle_hand_over_ends_on_the_give_back_screen_not_a_staff_page(
    tablet, agent, moment, settings
):
    tablet.clock.install()  # the screen's idle timer, moved on by the test (not waited out)
    hand_over(tablet, agent, moment)
    tablet.clock.fast_forward(settings.FEEDBACK_HANDOVER_IDLE_SECONDS * 1000)
    tablet.wait_for_url("**/feedback/handover/back/", timeout=5000)
    tablet.goto("/log/")
    assert tablet.url.endswith("/feedback/handover/back/")


def test_low_answer_on_the_tablet_shows_up_on_the_teams_screen(tablet, agent, moment, settings):
    settings.FEEDBACK_THANK_YOU_SECONDS = 1  # 6 in production (test_handover.py)
    hand_over(tablet, agent, moment)
    tablet.get_by_label("1 of 5, very dissatisfied").locator("..").tap()
    tablet.get_by_label("Anything you would like to tell us?").fill("<b>Nobody</b> helped me")
    tablet.get_by_role("button", name="Send").tap()
    tablet.get_by_text("Please hand the tablet back.").wait_for()
    # The thank-you screen moves on to the give-back screen by itself.
    tablet.wait_for_url("**/feedback/handover/back/", timeout=10_000)
    give_back(tablet)
    tablet.locator("#queue-badge").get_by_text("1").wait_for()
    tablet.get_by_role("link", name="Put it right").tap()
    comment = tablet.locator("#queue .customer-comment")
    comment.wait_for(timeout=10_000)
    assert comment.inner_text() == "<b>Nobody</b> helped me"  # shown as typed, not as HTML
    assert comment.locator("b").count() == 0
    tablet.get_by_role("button", name="I'll take it").tap()
    tablet.get_by_text("You took this on.").wait_for()
    tablet.locator("#queue label.chip", has_text="Apology").tap()
    tablet.locator("#queue label.chip", has_text="Customer satisfied").tap()
    tablet.get_by_role("button", name="Done: close it").tap()
    tablet.get_by_text("Nothing to put right").wait_for()


def test_the_queues_refresh_never_wipes_a_note_being_typed(tablet, agent, moment, client):
    client.post(f"/r/{invitation_for(moment).token}/", {"csat": 1, "comment": "Cold coffee"})
    log_in(tablet, agent.username)
    tablet.goto("/feedback/recoveries/")
    tablet.get_by_role("button", name="I'll take it").tap()
    tablet.get_by_label("Note for the team (optional)").fill("Called, offered a voucher")
    # What the queue's 30-second poll does.
    refresh = (
        "() => htmx.ajax('GET', '/feedback/recoveries/',"
        " {source: '#queue', target: '#queue', swap: 'outerHTML'})"
    )
    tablet.evaluate(refresh)  # htmx.ajax's promise: answered, and swapped unless held back
    note = tablet.get_by_label("Note for the team (optional)")
    assert note.input_value() == "Called, offered a voucher"
