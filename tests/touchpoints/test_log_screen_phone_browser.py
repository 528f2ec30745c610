"""The log screen on a 360 x 740 phone, three banners showing: the first tiles are on the
first screen, above the fixed foot that holds the faces and the two saves. And at every size,
after a save and after asking the customer: targets of 44 px, nothing wider than the screen."""

import os

import pytest

from dashboards.need_answers import answer_need
from tests.test_screen_sizes_browser import SIDEWAYS, TOO_SMALL
from tests.touchpoints.test_log_screen_browser import log_screen_at, log_typical_moment
from touchpoints.models import Need

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST_SCREEN = """() => {
  const foot = document.querySelector('.quick').getBoundingClientRect();
  const tile = document.querySelector('.log-form .tile').getBoundingClientRect();
  return {
    banners: document.querySelectorAll('.need-answered').length,
    footShare: foot.height / innerHeight,
    tileAboveFoot: tile.top >= 0 && tile.bottom <= foot.top,
  };
}"""


@pytest.fixture
def three_answers(agent, arn_manager, org):
    for note in ["Second bag-tag printer keeps jamming", "Scale at desk 4", "More trolleys"]:
        need = Need.objects.create(
            raised_by=agent, team=org["arn_desk"], location=org["arn"], kind="tool", note=note
        )
        answer_need(need, arn_manager, "acknowledged", "Seen. Looking into it this week.")


def test_with_three_banners_a_tile_is_on_the_first_screen_of_a_phone(
    chromium, live_server, agent, three_answers
):
    context, page = log_screen_at(chromium, live_server, agent, (360, 740))
    seen = page.evaluate(FIRST_SCREEN)
    if os.environ.get("SHOTS"):
        page.screenshot(path=f"{os.environ['SHOTS']}/log-three-banners-360x740.png")
    context.close()
    assert seen["banners"] == 3
    assert seen["footShare"] <= 1 / 3
    assert seen["tileAboveFoot"]


@pytest.mark.parametrize(
    "size", [(360, 740), (768, 1024), (1024, 768)], ids=["phone", "portrait", "landscape"]
)
def test_after_a_save_and_after_asking_the_customer_nothing_is_small_or_wider_than_the_screen(
    chromium, live_server, agent, org, size
):
    context, page = log_screen_at(chromium, live_server, agent, size)
    log_typical_moment(page)
    page.locator(".handover-button:enabled").wait_for()
    saved = page.evaluate(TOO_SMALL), page.evaluate(SIDEWAYS)
    page.get_by_role("button", name="Ask the customer for feedback").tap()
    page.get_by_role("button", name="Hand the tablet to the customer").wait_for()
    asked = page.evaluate(TOO_SMALL), page.evaluate(SIDEWAYS)
    if os.environ.get("SHOTS"):
        page.screenshot(path=f"{os.environ['SHOTS']}/log-asked-{size[0]}.png")
    context.close()
    assert saved == ([], 0)
    assert asked == ([], 0)
