"""The remedy tap on a tablet: after a moment, "Remedy" and a kind of fixed cost give it (two
taps); online it is stored at once and the budget left follows; offline it waits with its
moment and arrives once. A varying cost asks the amount, going over the limit a reason."""

import re

import pytest

from tests.touchpoints.remedy_steps import give_budget, remedy_kinds
from tests.touchpoints.test_log_screen_browser import Taps, open_log_screen, wait_until
from touchpoints.models import Moment, Remedy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kinds(org, agent):
    org["arn"].currency = "SEK"
    org["arn"].save()
    give_budget(agent.team, 10000, 500)
    return remedy_kinds()


def log_and_give_a_meal_voucher(page) -> Taps:
    """Log a bad moment, then give a meal voucher (fixed cost, within the limit): its taps."""
    log = Taps(page)
    log.tile("Check-in desk")
    log.face("Very bad")
    log.save("Not yet")
    remedy = Taps(page)
    remedy.tap(page.get_by_role("button", name=re.compile("^Remedy")))
    dialog = page.get_by_role("dialog")
    remedy.tap(dialog.locator(".chip", has_text="Meal voucher"))
    dialog.wait_for(state="hidden")
    page.get_by_role("status").filter(has_text="Remedy: Meal voucher").wait_for()
    return remedy


def test_the_remedy_tap_online_and_offline_arrives_exactly_once(tablet, agent, kinds):
    open_log_screen(tablet, agent.username)
    assert log_and_give_a_meal_voucher(tablet).count == 2
    wait_until(lambda: Remedy.objects.count() == 1)
    tablet.locator(".remedy-glance .remedy-left").filter(has_text="9,850").wait_for()

    tablet.context.set_offline(True)
    assert log_and_give_a_meal_voucher(tablet).count == 2
    tablet.get_by_text("1 remedy waiting to send").wait_for()
    assert Remedy.objects.count() == 1
    tablet.context.set_offline(False)
    tablet.evaluate("window.dispatchEvent(new Event('online'))")

    wait_until(lambda: Remedy.objects.count() == 2, seconds=20)
    tablet.locator("#outbox").wait_for(state="hidden")
    tablet.evaluate("window.dispatchEvent(new Event('online'))")  # a second flush sends nothing
    tablet.wait_for_timeout(300)
    remedies = list(Remedy.objects.values_list("moment__uuid", "amount"))
    assert len(remedies) == 2 and len({moment for moment, _ in remedies}) == 2
    assert Moment.objects.count() == 2


def test_over_the_limit_the_dialog_asks_why_and_keeps_the_choice(tablet, agent, kinds):
    open_log_screen(tablet, agent.username)
    taps = Taps(tablet)
    taps.tile("Check-in desk")
    taps.face("Very bad")
    taps.save("Not yet")
    tablet.get_by_role("button", name=re.compile("^Remedy")).tap()
    dialog = tablet.get_by_role("dialog")
    dialog.locator(".chip", has_text="Travel voucher").tap()
    dialog.get_by_label("Amount (SEK)").fill("-5")
    dialog.get_by_role("button", name="Give it").tap()
    dialog.get_by_role("alert").filter(has_text="cannot be negative").wait_for()
    dialog.get_by_label("Amount (SEK)").fill("1200")
    dialog.get_by_role("button", name="Give it").tap()
    dialog.get_by_role("alert").filter(has_text="say why").wait_for()
    dialog.get_by_label("Over the limit: why? (a few words)").fill("Family of five, 6 h late")
    dialog.get_by_role("button", name="Give it").tap()
    wait_until(lambda: Remedy.objects.count() == 1)
    remedy = Remedy.objects.get()
    assert (remedy.amount, remedy.over_limit, remedy.reason) == (
        1200,
        True,
        "Family of five, 6 h late",
    )
