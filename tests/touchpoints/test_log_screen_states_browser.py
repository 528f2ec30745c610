"""The log screen in every state it passes through, at the three sizes it is used at (a 360 x
740 phone, a 768 x 1024 portrait tablet, a 1024 x 768 landscape one): under three banners,
after a save, after asking the customer and once the next moment begins. In each, the first
tile, the five faces and both saves are on the first screen, uncovered (on a phone, under
the banners; after a save the tiles are a scroll away there); nothing covers a field; targets
are 44 px; nothing is wider than the screen. One page per size, for speed."""

import pytest

from dashboards.need_answers import answer_need
from tests.conftest import look_at
from tests.staff_screens import SIDEWAYS, TOO_SMALL
from tests.test_accessibility_browser import wcag_violations
from tests.touchpoints.test_log_screen_browser import log_screen_at, log_typical_moment
from touchpoints.models import Need

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": (360, 740), "portrait": (768, 1024), "landscape": (1024, 768)}

# What must be on the first screen: whole, inside the window, and the thing a finger meets
# at its middle (not a fixed foot or a sticky bar over it).
NOT_ON_FIRST_SCREEN = """() => {
  const seen = (el) => {
    const box = el.getBoundingClientRect();
    const inside = box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight
      && box.right <= innerWidth;
    if (!box.width || !inside) return false;
    const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
    return !!hit && el.contains(hit);
  };
  const wanted = [document.querySelector('.log-form .tile'),
    ...document.querySelectorAll('.log-form .face'),
    ...document.querySelectorAll('button[name=resolved_on_spot]')];
  return wanted.filter((el) => !seen(el)).map((el) => el.innerText.trim().replace(/\\s+/g, ' '));
}"""

# A field in view that something else covers at its middle. In view means above the fixed
# foot of a phone or portrait tablet (what is under it is reached by scrolling, and the page
# has room to scroll it up) and inside the side column's own scroll box on a landscape one.
COVERED_FIELDS = """() => {
  const quick = document.querySelector('.quick');
  const fixed = getComputedStyle(quick).position === 'fixed';
  const foot = fixed ? quick.getBoundingClientRect().top : innerHeight;
  const fields = document.querySelectorAll('.log-form .tile, .log-form .chip, .log-form summary, '
    + '.log-form input[type=search], .log-form input[type=text], .log-form textarea, '
    + '.log-form select, .log-form button:not([hidden]), .log-notices button, '
    + '.log-notices .banner-text, .log-notices input');
  const covered = [];
  for (const el of fields) {
    if (!el.checkVisibility({checkVisibilityCSS: true})) continue;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    const x = box.left + box.width / 2, y = box.top + box.height / 2;
    if (y < 0 || y > (quick.contains(el) ? innerHeight : foot)) continue;
    const side = el.closest('.log-side');
    if (side && getComputedStyle(side).overflowY !== 'visible') {
      const room = side.getBoundingClientRect();
      if (y < room.top || y > room.bottom) continue;
    }
    const hit = document.elementFromPoint(x, y);
    if (!hit || !(el.contains(hit) || (el.labels && [...el.labels].some((l) => l.contains(hit))))) {
      const name = (el.innerText || el.name || el.className).trim().slice(0, 30);
      covered.push(`${name} under ${hit && hit.className}`);
    }
  }
  return covered;
}"""

FOOT_SHARE = """() => {
  const quick = document.querySelector('.quick');
  const fixed = getComputedStyle(quick).position === 'fixed';
  return fixed ? quick.getBoundingClientRect().height / innerHeight : 0;
}"""

LONG_NOTE = (
    "The second bag-tag printer at desk 4 keeps jamming on the thick tags, so every second "
    "customer waits while we clear it by hand and reprint"
)


@pytest.fixture
def three_banners(agent, arn_manager, org):
    """Four answered needs that make three banners: two are the same need raised twice."""
    for note in [LONG_NOTE, "Scale at desk 4", "More trolleys", "More trolleys"]:
        need = Need.objects.create(
            raised_by=agent, team=org["arn_desk"], location=org["arn"], kind="tool", note=note
        )
        answer_need(need, arn_manager, "acknowledged", "Seen. Looking into it this week.")


def look(page, state: str, size: tuple[int, int]) -> dict:
    look_at(page, f"log-{state}-{size[0]}x{size[1]}")
    return {
        "not on the first screen": page.evaluate(NOT_ON_FIRST_SCREEN),
        "covered": page.evaluate(COVERED_FIELDS),
        "small": page.evaluate(TOO_SMALL),
        "sideways": page.evaluate(SIDEWAYS),
    }


FINE = {"not on the first screen": [], "covered": [], "small": [], "sideways": 0}


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_tiles_faces_and_saves_are_on_the_first_screen_in_every_state(
    chromium, live_server, agent, three_banners, size
):
    context, page = log_screen_at(chromium, live_server, agent, size)
    states = {"banners": look(page, "banners", size)}
    axe = wcag_violations(page)  # the banners' dismiss and "show all" buttons included
    banners = page.locator(".need-answered").count()
    foot_share = page.evaluate(FOOT_SHARE)

    log_typical_moment(page)
    page.locator(".handover-button:enabled").wait_for()
    states["saved"] = look(page, "saved", size)

    page.get_by_role("button", name="Ask the customer for feedback").tap()
    page.get_by_role("button", name="Hand the tablet to the customer").wait_for()
    states["asked"] = look(page, "asked", size)
    axe += wcag_violations(page)  # the QR card and its Close button

    page.locator(".tile", has_text="Boarding").tap()  # the next moment begins: the QR code goes
    page.locator("#handover-panel").wait_for(state="detached")
    states["next moment"] = look(page, "next", size)
    context.close()

    assert banners == 3
    assert axe == []
    assert foot_share <= 1 / 3
    if size == SIZES["phone"]:
        # A phone has room for three banners above the first tile, not for a saved card (and
        # its QR code) too: after a save, the tiles are one short scroll away.
        for state in ("saved", "asked", "next moment"):
            states[state]["not on the first screen"] = []
    assert states == dict.fromkeys(states, FINE)


def test_the_qr_code_is_closed_with_one_tap(tablet, agent, org):
    from tests.touchpoints.test_log_screen_browser import open_log_screen

    open_log_screen(tablet, agent.username)
    log_typical_moment(tablet)
    tablet.get_by_role("button", name="Ask the customer for feedback").tap()
    tablet.get_by_role("button", name="Hand the tablet to the customer").wait_for()
    tablet.get_by_role("button", name="Close").tap()
    tablet.locator(".saved").wait_for(state="detached")
    assert tablet.locator("#handover-panel").count() == 0
