"""Raising a need on the tablet: two taps and a send, and the agent is back at the tiles."""

import pytest

from tests.conftest import screenshot
from tests.feedback.test_recovery_queue_browser import tablet_at
from tests.touchpoints.test_log_screen_browser import log_typical_moment, open_log_screen
from touchpoints.models import Need

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [(1024, 768), (768, 1024), (360, 740)])
def test_after_raising_a_need_the_agent_is_back_on_the_log_screen_with_a_banner(
    chromium, live_server, agent, viewport
):
    context, page = tablet_at(chromium, live_server, viewport)
    open_log_screen(page, agent.username)
    log_typical_moment(page)
    page.get_by_role("link", name="I needed something").tap()
    page.get_by_text("Tool or equipment", exact=True).tap()
    page.get_by_role("button", name="Send to management").tap()
    page.wait_for_url("**/log/?need_raised=*")
    banner = page.get_by_role("status").filter(has_text="Sent to your managers")
    text = banner.inner_text()
    tile_in_view = page.locator(".tile", has_text="Bag drop").is_visible()
    screenshot(page, f"log-need-raised-{viewport[0]}")
    context.close()
    assert "Sent to your managers: tool or equipment." in text
    assert tile_in_view
    assert Need.objects.get().kind == "tool"
