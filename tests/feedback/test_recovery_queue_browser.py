"""The recovery queue on a tablet held either way, with a realistic backlog of 45."""

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.models import FeedbackSettings, Recovery
from tests.conftest import TABLET, add_moment, built_in_one_commit, screenshot
from tests.touchpoints.test_log_screen_browser import open_log_screen, save_buttons_in_view

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VIEWPORTS = pytest.mark.parametrize(
    "viewport", [(1024, 768), (768, 1024)], ids=["landscape", "portrait"]
)
# Both ways up within one test, for the tests that only look: the backlog takes longer to
# build (46 answered moments, 1.5 s) than a tablet takes to show it.
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


def test_with_45_open_the_log_form_and_save_are_in_view_and_the_badge_says_45(
    chromium, live_server, agent, backlog
):
    seen = {}
    for way, viewport in BOTH_WAYS.items():
        context, page = tablet_at(chromium, live_server, viewport)
        open_log_screen(page, agent.username)
        in_view = page.evaluate(
            """() => { const box = document.querySelector('.log-form .tile')
                         .getBoundingClientRect();
                       return box.top >= 0 && box.bottom <= innerHeight; }"""
        )
        badge = page.locator("#queue-badge").inner_text()
        scrolled = page.evaluate("() => window.scrollY")
        seen[way] = (badge, scrolled, in_view, save_buttons_in_view(page))
        screenshot(page, f"log-queue-badge-{way}")
        context.close()
    expected = ("45", 0, True, ["✓ Resolved", "Not yet"])
    assert seen == {way: expected for way in BOTH_WAYS}


def test_the_queue_tab_shows_the_most_urgent_five_and_show_more_reveals_the_rest(
    chromium, live_server, agent, backlog
):
    seen = {}
    for way, viewport in BOTH_WAYS.items():
        context, page = tablet_at(chromium, live_server, viewport)
        open_log_screen(page, agent.username)
        page.get_by_role("link", name="Put it right").tap()
        page.wait_for_url("**/feedback/recoveries/")
        comments = page.locator("#queue .customer-comment")
        first = comments.all_inner_texts()
        screenshot(page, f"queue-{way}")
        page.get_by_role("link", name="Show 40 more").tap()
        page.wait_for_function(
            "() => document.querySelectorAll('#queue .recovery-card').length == 45"
        )
        seen[way] = (first, comments.all_inner_texts())
        context.close()
    expected = expected_order()
    assert seen == {way: (expected[:5], expected) for way in BOTH_WAYS}


@VIEWPORTS
def test_every_target_on_the_queue_is_at_least_44_px(
    chromium, live_server, agent, backlog, viewport
):
    context, page = tablet_at(chromium, live_server, viewport)
    open_log_screen(page, agent.username)
    page.goto("/feedback/recoveries/?all=1")
    page.locator("#queue form button").first.tap()  # take one: its close form shows
    page.get_by_text("You took this on.").wait_for()
    small = page.evaluate(
        """() => Array.from(document.querySelectorAll('main a, main button, .chip, summary'))
          .filter((el) => el.offsetParent !== null)
          .map((el) => [el.textContent.trim().slice(0, 30), el.getBoundingClientRect()])
          .filter(([, box]) => box.width < 44 || box.height < 44)
          .map(([text, box]) => `${text}: ${Math.round(box.width)}x${Math.round(box.height)}`)"""
    )
    context.close()
    assert small == []


def test_a_four_of_five_opened_by_recommend_is_not_drawn_red(tablet, agent, backlog):
    open_log_screen(tablet, agent.username)
    tablet.goto("/feedback/recoveries/?all=1")
    colours = tablet.evaluate(
        """() => Array.from(document.querySelectorAll('.recovery-card')).map((card) => [
             card.dataset.reason,
             getComputedStyle(card).borderLeftColor,
             Array.from(card.querySelectorAll('.score'))
               .filter((s) => /Satisfaction [45]/.test(s.textContent))
               .map((s) => getComputedStyle(s).color)])"""
    )
    by_recommend = [c for c in colours if c[0] == "recommend"]
    by_satisfaction = [c for c in colours if c[0] == "satisfaction"]
    assert by_recommend and by_satisfaction
    assert all(border != RED for _, border, _ in by_recommend)
    assert all(border == RED for _, border, _ in by_satisfaction)
    assert all(RED not in scores and scores for _, _, scores in by_recommend)


def test_how_we_are_doing_opens_with_praise(chromium, live_server, agent, backlog):
    seen = {}
    for way, viewport in BOTH_WAYS.items():
        context, page = tablet_at(chromium, live_server, viewport)
        open_log_screen(page, agent.username)
        page.get_by_role("link", name="How we are doing").tap()
        page.get_by_text("Anna was kind").wait_for()
        tops = page.evaluate(
            """() => ['.praise-first', '.team-figures'].map(
                 (selector) => document.querySelector(selector).getBoundingClientRect().top)"""
        )
        praise_in_view = page.locator(".praise").first.bounding_box()["y"] < viewport[1]
        seen[way] = {"praise above the figures": tops[0] < tops[1], "in view": praise_in_view}
        screenshot(page, f"team-praise-first-{way}")
        context.close()
    expected = {"praise above the figures": True, "in view": True}
    assert seen == {way: expected for way in BOTH_WAYS}


def test_the_queue_and_how_we_are_doing_have_no_serious_accessibility_violations(
    tablet, agent, backlog
):
    from tests.conftest import serious_accessibility_violations

    open_log_screen(tablet, agent.username)
    found = {}
    for path in ("/feedback/recoveries/", "/dashboard/team/"):
        tablet.goto(path)
        found[path] = serious_accessibility_violations(tablet)
    assert found == {"/feedback/recoveries/": [], "/dashboard/team/": []}


def test_the_tabs_fit_a_portrait_tablet_on_one_line(chromium, live_server, agent, backlog):
    context, page = tablet_at(chromium, live_server, (768, 1024))
    open_log_screen(page, agent.username)
    page.locator("#needs-badge").evaluate("(b) => { b.hidden = false; b.textContent = '3'; }")
    fit = page.evaluate(
        """() => {
          const tabs = Array.from(document.querySelectorAll('.frontline-nav a'));
          const boxes = tabs.map((tab) => tab.getBoundingClientRect());
          return [new Set(boxes.map((box) => Math.round(box.top))).size,
                  Math.max(...boxes.map((box) => box.right)) <= innerWidth,
                  document.documentElement.scrollWidth <= innerWidth]; }"""
    )
    context.close()
    assert fit == [1, True, True]
