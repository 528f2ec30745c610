"""The manager's needs on a tablet, both ways up: the same ask answered once for three teams
on the dashboard, overdue marked, the acknowledged rest counted there and listed on the needs
page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dashboards.need_answers import answer_need
from tests.conftest import log_in, make_user, screenshot, serious_accessibility_violations
from touchpoints.models import Need, Role, Team
from touchpoints.needs import raise_need

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The tablet fixture (tests/conftest.py) held either way up.
LANDSCAPE = {"width": 1024, "height": 768}
PORTRAIT = {"width": 768, "height": 1024}


def raised(person, kind, note, days_ago, manager=None) -> Need:
    need = raise_need(person, kind, note)
    need.raised_at = timezone.now() - timedelta(days=days_ago)
    need.save()
    if manager:
        need = answer_need(need, manager, Need.Status.ACKNOWLEDGED, "On it")
    return need


@pytest.fixture
def needs(org, agent, arn_manager):
    people = [agent] + [
        make_user(name, Role.FRONTLINE, team=Team.objects.create(name=team, location=org["arn"]))
        for name, team in [("gina", "Gate"), ("lars", "Lounge")]
    ]
    for hours, person in zip([1, 3, 5], people, strict=True):
        raised(person, Need.Kind.INFORMATION, "Delay information reaches us too late", hours / 24)
    raised(agent, Need.Kind.TOOL, "The bag tag printer at desk 4 keeps jamming", 0.01)
    raised(people[1], Need.Kind.TRAINING, "Training on the new boarding scanners", 9, arn_manager)
    for n in range(3):
        raised(people[2], Need.Kind.STAFFING, f"Cover for breaks, week {n + 1}", 2, arn_manager)
    return arn_manager


def needs_section(page):
    return page.locator(".needs-first")


def capture(page, name: str, section=None) -> None:
    """The needs section alone, as docs/screenshots shows it."""
    section = section or needs_section(page)
    section.scroll_into_view_if_needed()
    box = section.bounding_box()
    screenshot(
        page, name, full_page=True, clip={**box, "y": box["y"] + page.evaluate("() => scrollY")}
    )


def test_manager_answers_the_same_ask_from_three_teams_once_on_a_tablet(tablet, needs):
    """On one signed-in tablet: the needs section, the on-track needs with the tablet held
    upright, then the answer (the only change) back the other way up."""
    log_in(tablet, needs.username)
    tablet.goto("/dashboard/")
    section = needs_section(tablet)
    expect(section.get_by_text("3 teams asked: Information")).to_be_visible()
    expect(
        section.locator(".need", has_text="boarding scanners").get_by_text("overdue")
    ).to_be_visible()
    expect(section.locator('[data-count="on-track"]')).to_have_text("3")
    expect(section.get_by_text("Cover for breaks, week 1")).to_have_count(0)
    capture(tablet, "dashboard-needs-tablet")
    assert serious_accessibility_violations(tablet) == []

    needs_section_upright(tablet)

    tablet.set_viewport_size(LANDSCAPE)
    tablet.goto("/dashboard/")
    ask = section.locator(".ask", has_text="3 teams asked")
    ask.get_by_text("Answer all 3").tap()
    ask.get_by_text("Provided", exact=True).tap()
    ask.get_by_label("What was provided, or why not").fill("Delay alerts now go to the team phones")
    ask.get_by_role("button", name="Send to all 3").tap()
    expect(section.locator(".ask .need-answer")).to_contain_text("Delay alerts now go")
    assert Need.objects.filter(status=Need.Status.PROVIDED).count() == 3


def needs_section_upright(page) -> None:
    """Held upright, the page loaded afresh: the acknowledged needs on track, one tap away."""
    page.set_viewport_size(PORTRAIT)
    page.goto("/dashboard/")
    needs_section(page).get_by_role("link", name="acknowledged, on track").tap()
    page.wait_for_url("**/dashboard/needs/**")
    on_track = page.locator("#on-track-needs")
    expect(on_track.get_by_text("3 more acknowledged, on track")).to_be_visible()
    expect(on_track.get_by_text("Cover for breaks, week 1")).to_be_visible()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 768, "upright, something scrolls sideways"
    capture(page, "dashboard-needs-portrait", page.locator("main"))
