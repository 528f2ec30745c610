"""The dashboard on a tablet: filters by htmx, the back button, drill-down, answering a need."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import (
    add_moment,
    built_in_one_commit,
    log_in,
    make_user,
    roll_up_everything,
    screenshot,
    serious_accessibility_violations,
)
from touchpoints.models import Need, Role, Team
from touchpoints.needs import raise_need

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def busy_airports(org, agent, jfk_agent, admin_user):
    """Four moments at ARN across two teams, two at JFK, a complaint and an open need. Built
    in one commit and rolled up once, not once a save."""
    with built_in_one_commit():
        gate = Team.objects.create(name="Gate", location=org["arn"])
        gina = make_user("gina", Role.FRONTLINE, team=gate, first_name="Gina")
        add_moment(agent, org["bag_drop"], answer={"csat": 5, "nps": 10, "comment": "Lovely help"})
        add_moment(agent, org["bag_drop"], outcome=5, answer={"csat": 1, "nps": 2,
                   "comment": "My bag went to the wrong belt"})  # fmt: skip
        add_moment(agent, org["desk"], answer={"csat": 4, "nps": 8})
        add_moment(gina, org["boarding"], resolved=False)
        add_moment(jfk_agent, org["desk"])
        add_moment(jfk_agent, org["desk"])
        raise_need(agent, Need.Kind.TOOL, "The bag tag printer at desk 4 keeps jamming")
    roll_up_everything()
    return admin_user


def moments_figure(page):
    return page.locator('[data-figure="moments"]')


def settled(page) -> None:
    """Wait until htmx has swapped and settled: a change made before that can go unheard."""
    busy = ".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added"
    # A function, not a string: the page's policy forbids Playwright to eval a string there.
    page.wait_for_function(f"() => !document.querySelector('{busy}')")


def test_filters_back_button_and_drill_down_on_a_tablet(tablet, busy_airports, org):
    log_in(tablet, busy_airports.username)
    tablet.goto("/dashboard/")
    expect(moments_figure(tablet)).to_have_text("6")

    tablet.select_option("#f-location", str(org["arn"].pk))
    tablet.wait_for_url(re.compile(rf"location={org['arn'].pk}"))
    expect(moments_figure(tablet)).to_have_text("4")
    settled(tablet)
    tablet.select_option("#f-type", str(org["bag_drop"].pk))
    expect(moments_figure(tablet)).to_have_text("2")
    screenshot(tablet, "dashboard-filtered-tablet", full_page=True)

    tablet.go_back()
    expect(moments_figure(tablet)).to_have_text("4")
    expect(tablet.locator("#f-type")).to_have_value("")
    tablet.go_back()
    expect(moments_figure(tablet)).to_have_text("6")

    tablet.get_by_role("link", name=re.compile("Bag drop")).first.tap()
    expect(tablet.get_by_role("heading", level=1)).to_contain_text("Bag drop")
    tablet.locator("table a.button", has_text="Moments").first.tap()
    expect(tablet.locator("blockquote", has_text="wrong belt")).to_be_visible()
    screenshot(tablet, "dashboard-drill-down-tablet", full_page=True)


def test_manager_answers_a_need_in_place(tablet, busy_airports):
    log_in(tablet, busy_airports.username)
    tablet.goto("/dashboard/")
    need = tablet.locator(".need", has_text="bag tag printer")
    need.get_by_text("Answer", exact=True).tap()
    need.get_by_text("Provided", exact=True).tap()
    need.get_by_label("What was provided, or why not").fill("New printer on desk 4 from Monday")
    need.get_by_role("button", name="Send answer").tap()
    expect(tablet.locator(".need-answer")).to_contain_text("New printer on desk 4")
    assert Need.objects.get().status == Need.Status.PROVIDED


def test_95_percent_ranges_show_when_asked_and_few_answers_look_pale_with_no_serious_problems(
    tablet, busy_airports
):
    """Both looks at the same airports on one signed-in tablet: a month's dashboard and
    today's, each checked for serious accessibility problems."""
    log_in(tablet, busy_airports.username)
    tablet.goto("/dashboard/?period=30")
    screenshot(tablet, "dashboard-tablet", full_page=True)
    problems = {"a month": serious_accessibility_violations(tablet)}

    tablet.goto("/dashboard/")
    csat = tablet.locator(".figure", has=tablet.locator('[data-figure="csat"]'))
    expect(csat).to_have_class(re.compile(r"\bfew\b"))
    expect(csat.get_by_text("few answers")).to_be_visible()
    expect(csat.locator(".ci")).to_be_hidden()
    tablet.get_by_label("Show 95 % ranges").check()
    expect(csat.locator(".ci")).to_be_visible()
    expect(csat.locator(".ci")).to_have_text(re.compile(r"95 %: \d+–\d+%"))
    problems["today, with ranges"] = serious_accessibility_violations(tablet)
    screenshot(tablet, "dashboard-ranges-tablet", full_page=True)
    assert problems == {"a month": [], "today, with ranges": []}
