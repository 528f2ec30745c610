"""Names an admin types in any script and at any length: at 360 px the tile grid still fits
the screen, and every tile stays a 44 px target inside it."""

import pytest

from tests.conftest import look_at
from tests.staff_screens import SIDEWAYS, TOO_SMALL
from tests.touchpoints.test_log_screen_browser import log_screen_at
from touchpoints.models import TouchpointType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAMES = {
    # Right to left, and mixed with a left-to-right code.
    "arabic": "مكتب تسجيل الوصول والأمتعة للمسافرين ذوي الاحتياجات الخاصة SK",
    "hebrew": "דלפק צ'ק-אין ומסירת מזוודות לנוסעים עם צרכים מיוחדים",
    # The longest name allowed, as one word with nowhere to break.
    "one long word": "Gepäckaufbewahrungsschließfachschlüsselausgabestellen"
    + "verwaltungsmitarbeiterinnen",
    "many words": "Assistance for passengers with reduced mobility at the far end of pier F",
}

TILES = """() => Array.from(document.querySelectorAll('.log-form .tile-face')).map((tile) => {
  const box = tile.getBoundingClientRect();
  return {name: tile.innerText.trim(), left: box.left, right: box.right,
          width: box.width, height: box.height,
          spills: tile.scrollWidth > tile.clientWidth};  // text running out of its tile
})"""


@pytest.fixture
def odd_names(org):
    stage = org["desk"].stage
    for order, name in enumerate(NAMES.values(), start=10):
        TouchpointType.objects.create(name=name[:80], stage=stage, icon="id-card", order=order)


def test_right_to_left_and_very_long_names_keep_the_tiles_on_a_phone(
    chromium, live_server, agent, odd_names
):
    context, page = log_screen_at(chromium, live_server, agent, (360, 740))
    tiles = page.evaluate(TILES)
    overflow, small = page.evaluate(SIDEWAYS), page.evaluate(TOO_SMALL)
    width = page.evaluate("innerWidth")
    look_at(page, "log-long-names-360", full_page=True)
    context.close()
    shown = {tile["name"] for tile in tiles}
    assert {name[:80] for name in NAMES.values()} <= shown
    assert overflow <= 0 and small == []
    outside = [t["name"] for t in tiles if t["left"] < 0 or t["right"] > width]
    tiny = [t["name"] for t in tiles if t["width"] < 44 or t["height"] < 44]
    spilling = [t["name"] for t in tiles if t["spills"]]
    assert (outside, tiny, spilling) == ([], [], [])
