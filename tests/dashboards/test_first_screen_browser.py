"""The dashboard's first screen on a tablet, either way up, with a busy front line: the needs
in brief and the customer's five figures are in view before any scrolling, and every other
need is one tap away."""

import pytest
from django.conf import settings

from tests.conftest import (
    add_moment,
    built_in_one_commit,
    log_in,
    make_user,
    roll_up_everything,
    screenshot,
)
from tests.dashboards.test_needs_triage_browser import raised
from touchpoints.models import Need, Role, Team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEY_FIGURES = ["csat", "nps", "effort", "resolved", "recovery"]
LONG_NOTE = "The bag tag printer at desk 4 keeps jamming whenever the queue is longest, " * 3


@pytest.fixture
def busy_front_line(org, agent, arn_manager):
    """24 open needs (new, overdue, on track) from three teams, and answered moments. Built
    in one transaction and rolled up once: each save rolling its day up again took 7 s."""
    with built_in_one_commit():
        people = [agent] + [
            make_user(
                name, Role.FRONTLINE, team=Team.objects.create(name=team, location=org["arn"])
            )
            for name, team in [("gina", "Gate"), ("lars", "Lounge")]
        ]
        late = settings.NEED_TARGET_DAYS + 2
        for n in range(8):
            person = people[n % 3]
            raised(person, Need.Kind.TOOL, f"{LONG_NOTE} ({n})", n / 24)
            raised(person, Need.Kind.TRAINING, f"Scanner course {n}", late + n, arn_manager)
            raised(person, Need.Kind.STAFFING, f"Cover for breaks {n}", 1, arn_manager)
        for n in range(12):
            answer = {"csat": 1 + n % 5, "nps": n % 11, "effort": 1 + n % 7}
            add_moment(people[n % 3], org["desk"], resolved=n % 4 != 0, answer=answer)
    roll_up_everything()
    return arn_manager


FIRST_SCREEN = """() => {
  const bottom = (el) => el.getBoundingClientRect().bottom;
  const needs = document.querySelector('.needs-first');
  const cards = [...document.querySelectorAll('.key-figures .figure')];
  return {
    height: innerHeight,
    scrolled: scrollY,
    wide: document.documentElement.scrollWidth,
    needs: bottom(needs),
    figures: Object.fromEntries(cards.map(
      (card) => [card.querySelector('[data-figure]').dataset.figure, bottom(card)])),
  };
}"""


# Each way up, and in Danish, whose labels are as long as any of the four languages'.
SCREENS = [(1024, 768, "en"), (768, 1024, "en"), (1024, 768, "da")]


def test_needs_and_the_customers_figures_are_on_the_first_screen(tablet, busy_front_line):
    """The three screens on one signed-in tablet, turned and its manager's language changed
    in between, each page loaded afresh: the front line takes longer to build than a look."""
    log_in(tablet, busy_front_line.username)
    seen = {}
    for width, height, language in SCREENS:
        busy_front_line.language = language
        busy_front_line.save()
        tablet.set_viewport_size({"width": width, "height": height})
        seen[(width, height, language)] = first_screen(tablet, width, height, language)

    for (width, height, language), (screen, counts, listed) in seen.items():
        which = f"{width}x{height} in {language}"
        assert screen["scrolled"] == 0 and screen["wide"] <= width, (which, screen)
        assert screen["needs"] <= height, (which, screen)
        assert list(screen["figures"]) == KEY_FIGURES, which
        assert max(screen["figures"].values()) <= height, (which, screen)
        assert counts == {"new": "8", "overdue": "8", "on-track": "8"}, which
        assert listed >= 24, which  # every need on the needs page, one tap from the first


def first_screen(page, width, height, language) -> tuple[dict, dict, int]:
    """What the dashboard shows before any scrolling, and how many needs its link lists."""
    page.goto("/dashboard/")
    screen = page.evaluate(FIRST_SCREEN)
    if language == "en":
        screenshot(page, f"dashboard-first-screen-{width}x{height}")
    section = page.locator(".needs-first")
    counts = {
        key: section.locator(f'[data-count="{key}"]').inner_text()
        for key in ("new", "overdue", "on-track")
    }
    section.locator(".section-head a.button").tap()  # "See all 24 open needs"
    page.wait_for_url("**/dashboard/needs/**")
    return screen, counts, page.locator(".need, .ask-who li").count()
