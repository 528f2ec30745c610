"""Getting in on a tablet: through the airline's sign-in, and from a welcome email."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import screenshot, serious_accessibility_violations
from tests.people.conftest import link_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_signs_in_through_the_airline_and_lands_on_the_log_screen(tablet, provider):
    provider.person = {
        "sub": "4711", "preferred_username": "sara", "given_name": "Sara",
        "groups": ["moments-agents-ARN"],
    }  # fmt: skip
    tablet.goto("/login/")
    assert serious_accessibility_violations(tablet) == []
    screenshot(tablet, "sign-in-with-the-airline-tablet")
    tablet.get_by_role("link", name="Sign in with Example Air").tap()
    tablet.wait_for_url("**/log/")
    assert "Check-in desk (ARN)" in tablet.locator(".who").inner_text()


def test_a_new_hire_chooses_password_and_pin_from_the_welcome_email(
    tablet, org, role_admin, mailoutbox
):
    admin = Client()
    admin.force_login(role_admin)
    admin.post(
        reverse("admin:touchpoints_user_add"),
        {
            "username": "nina", "first_name": "Nina", "email": "nina@example.com",
            "usable_password": "false", "role": "frontline", "team": org["arn_desk"].pk,
        },
    )  # fmt: skip
    tablet.goto(link_in(mailoutbox[0]))
    assert serious_accessibility_violations(tablet) == []
    tablet.fill("#id_new_password1", "a-long-new-password-4")
    tablet.fill("#id_new_password2", "a-long-new-password-4")
    tablet.fill("#id_pin", "1111")
    tablet.fill("#id_pin_again", "1111")
    tablet.get_by_role("button", name="Save and sign in").tap()
    tablet.get_by_text("That PIN is one of the first anyone would try.").wait_for()
    screenshot(tablet, "welcome-refused-pin-tablet")
    assert tablet.input_value("#id_new_password1") == ""
    tablet.fill("#id_new_password1", "a-long-new-password-4")
    tablet.fill("#id_new_password2", "a-long-new-password-4")
    tablet.fill("#id_pin", "40718")
    tablet.fill("#id_pin_again", "40718")
    tablet.get_by_role("button", name="Save and sign in").tap()
    tablet.wait_for_url("**/log/")
    assert "Nina" in tablet.locator(".who").inner_text()
