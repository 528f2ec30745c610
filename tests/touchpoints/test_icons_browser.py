"""Icons drawn in a real browser with no emoji font: every one an SVG that draws something."""

import pytest
from django.urls import reverse

from feedback.invitations import invitation_for
from tests.conftest import add_moment, log_in, screenshot
from tests.touchpoints.test_icons import emoji_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [360, 768, 1024]

# Each icon's drawn box, once the sprite has loaded: an empty box means nothing was drawn.
DRAWN_BOXES = """(selector) => [...document.querySelectorAll(selector)].map((svg) => {
    const box = (svg.querySelector('use') || svg).getBBox();
    return {width: box.width, height: box.height, tag: svg.tagName.toLowerCase()};
})"""


def drawn_boxes(page, selector: str) -> list[dict]:
    page.wait_for_load_state("networkidle")
    return page.evaluate(DRAWN_BOXES, selector)


def assert_all_drawn(boxes: list[dict], expected: int) -> None:
    assert len(boxes) == expected
    assert all(b["tag"] == "svg" and b["width"] > 0 and b["height"] > 0 for b in boxes), boxes


@pytest.mark.parametrize("width", WIDTHS)
def test_tiles_and_faces_on_the_log_screen_are_drawn_without_an_emoji_font(
    chromium, live_server, agent, width
):
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 800}, has_touch=True
    )
    page = context.new_page()
    log_in(page, agent.username)
    page.wait_for_selector(".tile")
    assert_all_drawn(drawn_boxes(page, ".tile-face svg"), 3)
    assert_all_drawn(drawn_boxes(page, ".face svg"), 5)
    assert emoji_in(page.inner_text("body")) == []
    screenshot(page, f"icons-log-{width}", full_page=True)
    context.close()


def test_the_log_screens_faces_are_the_customer_pages_drawings(tablet, phone, agent, org):
    invitation = invitation_for(add_moment(agent, org["desk"]))
    phone.goto(f"/r/{invitation.token}/")
    customer_faces = phone.eval_on_selector_all(
        ".faces .pick svg path", "paths => paths.map(p => p.getAttribute('d'))"
    )
    assert_all_drawn(drawn_boxes(phone, ".faces .pick svg"), 5)
    assert emoji_in(phone.inner_text("body")) == []
    log_in(tablet, agent.username)
    log_faces = tablet.eval_on_selector_all(
        ".face svg path", "paths => paths.map(p => p.getAttribute('d'))"
    )
    assert log_faces == customer_faces and len(set(log_faces)) == 5


def test_my_moments_show_each_types_icon_drawn(tablet, agent, org):
    add_moment(agent, org["bag_drop"])
    log_in(tablet, agent.username)
    tablet.goto(reverse("touchpoints:mine"))
    assert_all_drawn(drawn_boxes(tablet, "main svg.icon"), 2)  # the type's, the Remedy link's
    assert emoji_in(tablet.inner_text("body")) == []
