"""The log screen on a 360 x 740 phone, three banners showing: the first tiles are on the
first screen, above the fixed foot that holds the faces and the two saves."""

import os

import pytest

from dashboards.need_answers import answer_need
from tests.touchpoints.test_log_screen_browser import log_screen_at
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
