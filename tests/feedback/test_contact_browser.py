"""Leaving a way to be contacted, on a phone, and the team's card that calls back, on a tablet."""

import pytest

from feedback.models import RecoveryContact
from tests.conftest import log_in, screenshot, serious_accessibility_violations
from tests.feedback.contact_steps import answer_and_leave_contact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def big_enough(box) -> bool:
    return box["width"] >= 44 and box["height"] >= 44


def test_a_customer_leaves_a_phone_number_after_a_low_answer(phone, invitation):
    phone.goto(f"/r/{invitation.token}/")
    phone.get_by_label("1 of 5, very dissatisfied").locator("..").tap()
    phone.get_by_role("button", name="Send").tap()
    phone.get_by_role("heading", name="Would you like us to contact you?").wait_for()
    number = phone.get_by_label("Phone number, with country code")
    number.fill("070 123 45 67")  # no country code: told, not lost
    consent = phone.locator("label.consent")
    assert big_enough(number.bounding_box()) and big_enough(consent.bounding_box())
    consent.tap()
    assert serious_accessibility_violations(phone) == []
    screenshot(phone, "customer-contact-offer", full_page=True)
    phone.get_by_role("button", name="Please contact me").tap()
    phone.get_by_text("Enter the number with its country code").wait_for()
    assert not RecoveryContact.objects.exists()
    phone.get_by_label("Phone number, with country code").fill("+46 70 123 45 67")
    phone.get_by_role("button", name="Please contact me").tap()
    phone.get_by_role("heading", name="Thank you, we will be in touch").wait_for()
    assert RecoveryContact.objects.get().phone == "+46701234567"


def test_the_team_calls_back_with_one_tap(tablet, client, agent, invitation):
    answer_and_leave_contact(client, invitation, phone="+46701234567", email="eva@example.com")
    log_in(tablet, agent.username)
    tablet.goto("/feedback/team/")
    call = tablet.get_by_role("link", name="Call +46701234567")
    mail = tablet.get_by_role("link", name="Email eva@example.com")
    assert call.get_attribute("href") == "tel:+46701234567"
    assert mail.get_attribute("href") == "mailto:eva@example.com"
    assert big_enough(call.bounding_box()) and big_enough(mail.bounding_box())
    screenshot(tablet, "team-recovery-contact", full_page=True)
