"""The customer's answer form: the 0-10 scale on one line on a 360 px phone, every
button at least 44 px wide on the tablet handed over (the same form, the same stylesheet),
and no WCAG 2.1 A/AA violation found by axe-core."""

import pytest

from tests.feedback.test_feedback_browser import hand_over
from tests.test_accessibility_browser import wcag_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCALE = """() => Array.from(document.querySelectorAll('.n11 .pick > span')).map((span) => {
  const box = span.getBoundingClientRect();
  return {top: Math.round(box.top), width: box.width, height: box.height};
})"""
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_the_0_to_10_scale_is_one_line_of_24_px_buttons_on_a_360_px_phone(
    chromium, live_server, invitation
):
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 740}, is_mobile=True
    )
    page = context.new_page()
    page.goto(f"/r/{invitation.token}/")
    buttons, sideways = page.evaluate(SCALE), page.evaluate(SIDEWAYS)
    context.close()
    assert len(buttons) == 11
    assert len({button["top"] for button in buttons}) == 1
    # WCAG 2.5.8 asks 24 px; eleven 44 px buttons cannot share 360 px. They are 48 px tall.
    assert min(button["width"] for button in buttons) >= 24
    assert min(button["height"] for button in buttons) >= 44
    assert sideways <= 0


def test_on_the_tablet_handed_over_each_of_the_11_buttons_is_44_px_wide(tablet, agent, moment):
    hand_over(tablet, agent, moment)
    buttons = tablet.evaluate(SCALE)
    assert len(buttons) == 11
    assert len({button["top"] for button in buttons}) == 1
    assert min(button["width"] for button in buttons) >= 44
    assert min(button["height"] for button in buttons) >= 44


def test_the_customer_page_on_a_360_px_phone_has_no_wcag_violation(
    chromium, live_server, invitation
):
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 740}, is_mobile=True
    )
    page = context.new_page()
    page.goto(f"/r/{invitation.token}/")
    violations = wcag_violations(page)
    context.close()
    assert violations == []
