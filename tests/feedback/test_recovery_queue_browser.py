"""The recovery queue on a tablet held either way, with a realistic backlog of 45."""

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.models import FeedbackSettings, Recovery
from tests.conftest import (
    TABLET,
    add_moment,
    built_in_one_commit,
    log_in,
    screenshot,
    serious_accessibility_violations,
)
from tests.touchpoints.test_log_screen_browser import save_buttons_in_view

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# For the tablet tests of other screens, that run once each way up.
VIEWPORTS = pytest.mark.parametrize(
    "viewport", [(1024, 768), (768, 1024)], ids=["landscape", "portrait"]
)
# Both ways up within one test, on one tablet turned in the hand: the backlog takes longer to
# build (46 answered moments) than a tablet takes to show it, and a new browser context with
# its sign-in costs Chromium as much as three page loads.
BOTH_WAYS = {"landscape": (1024, 768), "portrait": (768, 1024)}
RED = "rgb(185, 28, 28)"  # --bad


@pytest.fixture
def backlog(agent, org):
    """45 open recoveries for Anna's team, opened over the last four days, and some praise."""
    with built_in_one_commit():
        build_backlog(agent, org)


def build_backlog(agent, org) -> None:
    rules = FeedbackSettings.current()
    rules.recovery_opened_by = "both"
    rules.save()
    for n in range(45):
        csat, nps = (4, n % 4) if n % 9 == 0 else (1 + n % 2, None)
        answer = {"csat": csat, "nps": nps, "comment": f"Customer {n:02d}: the queue was long"}
        add_moment(agent, org["desk"], answer=answer)
    for n, recovery in enumerate(Recovery.objects.select_related("answer").order_by("pk")):
        recovery.opened_at = timezone.now() - timedelta(hours=n * 2 + 1)
        recovery.save(update_fields=["opened_at"])
        recovery.answer.answered_at = recovery.opened_at
        recovery.answer.save(update_fields=["answered_at"])
    add_moment(agent, org["bag_drop"], answer={"csat": 5, "nps": 10, "comment": "Anna was kind"})


def tablet_at(chromium, live_server, viewport):
    width, height = viewport
    context = chromium.new_context(
        base_url=live_server.url, **{**TABLET, "viewport": {"width": width, "height": height}}
    )
    return context, context.new_page()


def expected_order() -> list[str]:
    """Overdue or due within the last quarter of the day allowed, soonest due first; then the
    lowest score, then the newest."""
    due_soon = timezone.now() - timedelta(
        hours=FeedbackSettings.current().recovery_due_hours * 0.75
    )
    urgent = Recovery.objects.filter(opened_at__lte=due_soon).order_by("opened_at")
    rest = Recovery.objects.filter(opened_at__gt=due_soon)
    rest = rest.order_by("answer__csat", "answer__nps", "-opened_at")  # NULL NPS sorts last
    return [r.answer.comment for r in [*urgent, *rest]]


def test_the_backlog_of_45_on_a_tablet_held_either_way(tablet, agent, backlog):
    """Every look at the backlog, both ways up, on one signed-in tablet. Taking one on, the
    only change, comes last: every look before it sees all 45 open."""
    log_in(tablet, agent.username)
    expected = expected_order()
    seen, wanted = {}, {}
    for way, viewport in BOTH_WAYS.items():
        turn(tablet, viewport)
        seen[f"{way}: log screen"] = log_screen_with_45_open(tablet, way)
        wanted[f"{way}: log screen"] = ("45", 0, True, ["✓ Resolved", "Not yet"])
        if way == "portrait":
            seen["portrait: tabs on one line"] = tabs_fit(tablet)
            wanted["portrait: tabs on one line"] = [1, True, True]
        tablet.get_by_role("link", name="Put it right").tap()
        tablet.wait_for_url("**/feedback/recoveries/")
        first = tablet.locator("#queue .customer-comment").all_inner_texts()
        screenshot(tablet, f"queue-{way}")
        if way == "landscape":
            seen["the queue's violations"] = serious_accessibility_violations(tablet)
            wanted["the queue's violations"] = []
        seen[f"{way}: queue"] = (first, all_after_show_more(tablet))
        wanted[f"{way}: queue"] = (expected[:5], expected)
        if way == "landscape":
            seen["colours"] = colours_by_reason(tablet)
            wanted["colours"] = RIGHT_COLOURS
        seen[f"{way}: how we are doing"] = how_we_are_doing(tablet, way, viewport)
        wanted[f"{way}: how we are doing"] = {"praise above the figures": True, "in view": True}
        if way == "landscape":
            seen["how we are doing's violations"] = serious_accessibility_violations(tablet)
            wanted["how we are doing's violations"] = []

    tablet.goto("/feedback/recoveries/?all=1")
    tablet.locator("#queue form button").first.tap()  # take one: its close form shows
    tablet.get_by_text("You took this on.").wait_for()
    for way, viewport in reversed(BOTH_WAYS.items()):
        turn(tablet, viewport, reload=False)
        seen[f"{way}: targets under 44 px"] = targets_under_44_px(tablet)
        wanted[f"{way}: targets under 44 px"] = []
    assert seen == wanted


def turn(page, viewport, reload=True) -> None:
    """Hold the tablet the other way up, and load its page afresh (what a page draws when it
    loads is drawn for the new size) unless only its layout is looked at."""
    width, height = viewport
    page.set_viewport_size({"width": width, "height": height})
    if reload:
        page.goto("/")
        page.wait_for_selector("html[data-outbox=ready]", state="attached")


def log_screen_with_45_open(page, way) -> tuple:
    """The badge, how far the page scrolled, whether the log form and its saves show whole."""
    in_view = page.evaluate(
        """() => { const box = document.querySelector('.log-form .tile')
                     .getBoundingClientRect();
                   return box.top >= 0 && box.bottom <= innerHeight; }"""
    )
    badge = page.locator("#queue-badge").inner_text()
    scrolled = page.evaluate("() => window.scrollY")
    screenshot(page, f"log-queue-badge-{way}")
    return badge, scrolled, in_view, save_buttons_in_view(page)


def tabs_fit(page) -> list:
    """With a needs badge showing too: rows the tabs take, and whether they fit across."""
    page.locator("#needs-badge").evaluate("(b) => { b.hidden = false; b.textContent = '3'; }")
    return page.evaluate(
        """() => {
          const tabs = Array.from(document.querySelectorAll('.frontline-nav a'));
          const boxes = tabs.map((tab) => tab.getBoundingClientRect());
          return [new Set(boxes.map((box) => Math.round(box.top))).size,
                  Math.max(...boxes.map((box) => box.right)) <= innerWidth,
                  document.documentElement.scrollWidth <= innerWidth]; }"""
    )


def all_after_show_more(page) -> list[str]:
    page.get_by_role("link", name="Show 40 more").tap()
    page.wait_for_function("() => document.querySelectorAll('#queue .recovery-card').length == 45")
    return page.locator("#queue .customer-comment").all_inner_texts()


# A four of five opened by "would recommend" is not drawn red; a low satisfaction is.
RIGHT_COLOURS = {
    "opened by recommend": True,
    "opened by satisfaction": True,
    "red borders by recommend": 0,
    "borders by satisfaction not red": 0,
    "red or missing scores by recommend": 0,
}


def colours_by_reason(page) -> dict:
    colours = page.evaluate(
        """() => Array.from(document.querySelectorAll('.recovery-card')).map((card) => [
             card.dataset.reason,
             getComputedStyle(card).borderLeftColor,
             Array.from(card.querySelectorAll('.score'))
               .filter((s) => /Satisfaction [45]/.test(s.textContent))
               .map((s) => getComputedStyle(s).color)])"""
    )
    by_recommend = [c for c in colours if c[0] == "recommend"]
    by_satisfaction = [c for c in colours if c[0] == "satisfaction"]
    return {
        "opened by recommend": bool(by_recommend),
        "opened by satisfaction": bool(by_satisfaction),
        "red borders by recommend": sum(border == RED for _, border, _ in by_recommend),
        "borders by satisfaction not red": sum(border != RED for _, border, _ in by_satisfaction),
        "red or missing scores by recommend": sum(
            RED in scores or not scores for _, _, scores in by_recommend
        ),
    }


def how_we_are_doing(page, way, viewport) -> dict:
    page.get_by_role("link", name="How we are doing").tap()
    page.get_by_text("Anna was kind").wait_for()
    tops = page.evaluate(
        """() => ['.praise-first', '.team-figures'].map(
             (selector) => document.querySelector(selector).getBoundingClientRect().top)"""
    )
    praise_in_view = page.locator(".praise").first.bounding_box()["y"] < viewport[1]
    screenshot(page, f"team-praise-first-{way}")
    return {"praise above the figures": tops[0] < tops[1], "in view": praise_in_view}


def targets_under_44_px(page) -> list[str]:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('main a, main button, .chip, summary'))
          .filter((el) => el.offsetParent !== null)
          .map((el) => [el.textContent.trim().slice(0, 30), el.getBoundingClientRect()])
          .filter(([, box]) => box.width < 44 || box.height < 44)
          .map(([text, box]) => `${text}: ${Math.round(box.width)}x${Math.round(box.height)}`)"""
    )
