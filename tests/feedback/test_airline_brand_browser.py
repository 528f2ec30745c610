"""The airline's name and logo on the customer's phone: the logo loads under the page's strict
policy, a long name wraps, and without a logo the page still fits the phone."""

import pytest

from feedback import branding
from feedback.models import FeedbackSettings
from tests.conftest import screenshot, serious_accessibility_violations
from tests.feedback.test_airline_brand import SVG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOGO = """() => { const img = document.querySelector('.airline img');
  return img ? {loaded: img.complete && img.naturalWidth > 0, height: img.height} : null; }"""


def brand(name: str, logo: bytes | None) -> None:
    current = FeedbackSettings.current()
    current.airline_name_en = name
    branding.set_logo(current, logo)
    current.save()


@pytest.mark.parametrize("logo", [SVG, None], ids=["with a logo", "without a logo"])
def test_the_customer_sees_the_airline_on_a_phone(chromium, live_server, invitation, logo):
    brand("Scandinavian Airlines System, Denmark–Norway–Sweden", logo)
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 740}, has_touch=True
    )
    page = context.new_page()
    try:
        page.goto(f"/r/{invitation.token}/")
        shown = page.evaluate(LOGO)
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        name = page.locator(".airline span").bounding_box()
        violations = serious_accessibility_violations(page)
        screenshot(page, f"customer-airline-{'logo' if logo else 'name'}-360")
    finally:
        context.close()
    assert shown == ({"loaded": True, "height": 40} if logo else None)
    assert wide <= 360 and name["x"] + name["width"] <= 360
    assert violations == []
