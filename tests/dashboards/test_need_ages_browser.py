"""A need's age on the manager's needs page is red only once the need is late by the app's
target (the dashboard shows the same items, its first few)."""

import pytest
from django.conf import settings

from tests.conftest import log_in, screenshot
from tests.dashboards.test_needs_triage_browser import raised
from touchpoints.models import Need

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RED = "rgb(185, 28, 28)"  # --bad

AGE_COLOURS = """() => Object.fromEntries([...document.querySelectorAll('.needs .need')].map(
    (card) => [card.querySelector('.need-note').textContent,
               getComputedStyle(card.querySelector('.age')).color]))"""


WIDTHS = [360, 768, 1024]


def test_only_a_late_need_has_a_red_age(chromium, live_server, agent, arn_manager):
    """At each width, on one signed-in browser resized and the page loaded afresh."""
    target = settings.NEED_TARGET_DAYS
    raised(agent, Need.Kind.TOOL, "Just now", 0.001)
    raised(agent, Need.Kind.TRAINING, "Nearly a week", target - 0.5)
    raised(agent, Need.Kind.STAFFING, "Past the target", target + 1)
    raised(agent, Need.Kind.INFORMATION, "Acknowledged, late", target + 2, arn_manager)
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": WIDTHS[0], "height": 900}, has_touch=True
    )
    page = context.new_page()
    log_in(page, arn_manager.username)
    seen = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/dashboard/needs/")
        colours = page.evaluate(AGE_COLOURS)
        screenshot(page, f"dashboard-need-ages-{width}", full_page=True)
        seen[width] = {note: colour == RED for note, colour in colours.items()}
    context.close()
    red = {"Just now": False, "Nearly a week": False}
    red |= {"Past the target": True, "Acknowledged, late": True}
    assert seen == {width: red for width in WIDTHS}
