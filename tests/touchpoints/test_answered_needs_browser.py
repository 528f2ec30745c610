"""The agent's answered need, on the tablet: a badge, a card on the log screen, one tap away."""

import pytest

from dashboards.need_answers import answer_need
from tests.conftest import screenshot
from tests.feedback.test_recovery_queue_browser import VIEWPORTS, tablet_at
from tests.touchpoints.test_log_screen_browser import open_log_screen, save_buttons_in_view
from touchpoints.models import Need

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def answered(agent, arn_manager, org):
    need = Need.objects.create(
        raised_by=agent, team=org["arn_desk"], location=org["arn"], kind="tool", note="Scale"
    )
    return answer_need(need, arn_manager, "provided", "New scale at desk 4 from Monday")


@VIEWPORTS
def test_the_answer_is_on_the_log_screen_and_dismiss_puts_it_away(
    chromium, live_server, agent, answered, viewport
):
    context, page = tablet_at(chromium, live_server, viewport)
    open_log_screen(page, agent.username)
    card = page.locator(".need-answered")
    text, badge = card.inner_text(), page.locator("#needs-badge").inner_text()
    buttons = save_buttons_in_view(page)
    screenshot(page, f"log-need-answered-{'landscape' if viewport[0] > 900 else 'portrait'}")
    card.get_by_role("button", name="Dismiss this answer").tap()
    card.wait_for(state="detached")
    page.locator("#needs-badge").wait_for(state="hidden")
    page.reload()
    page.wait_for_selector("html[data-outbox=ready]", state="attached")
    after = page.locator(".need-answered").count(), page.locator("#needs-badge").is_hidden()
    context.close()
    assert "Your need “Scale” was provided" in text and "New scale at desk 4" in text
    assert badge == "1" and buttons == ["✓ Resolved", "Not yet"]
    assert after == (0, True)
