"""One clock: a time belongs to the place where it happened, whoever reads it."""

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from dashboards.filters import Window
from tests.conftest import PASSWORD, add_moment, make_user
from touchpoints.models import Location, Moment, Need, Role, Team
from touchpoints.needs import raise_need

# 21:15 on the server's clock (UTC) is 22:15 at the Arlanda desk (CET).
RAISED = datetime(2026, 12, 1, 21, 15, tzinfo=UTC)
ANSWERED = datetime(2026, 12, 1, 22, 40, tzinfo=UTC)


def times_shown(html: str) -> list[str]:
    return re.findall(r"<time [^>]*>([^<]+)</time>", html)


def need_card(html: str, need: Need) -> str:
    return html.split(f'id="need-{need.pk}"', 1)[1].split("</li>", 1)[0]


@pytest.fixture
def need(agent) -> Need:
    need = raise_need(agent, Need.Kind.TOOL, "The bag tag printer keeps jamming")
    Need.objects.filter(pk=need.pk).update(raised_at=RAISED)
    return need


def page_for(client, user, url_name: str) -> str:
    client.login(username=user.username, password=PASSWORD)
    html = client.get(reverse(url_name)).text
    client.logout()
    return html


def test_a_need_shows_the_same_local_time_to_the_agent_and_the_manager(
    client, agent, arn_manager, need
):
    agents_page = page_for(client, agent, "touchpoints:needs")
    dashboard = need_card(page_for(client, arn_manager, "dashboards:dashboard"), need)
    needs_page = need_card(page_for(client, arn_manager, "dashboards:needs"), need)

    assert times_shown(agents_page) == ["1 Dec 22:15"]
    assert times_shown(dashboard) == ["1 Dec 22:15"]
    assert times_shown(needs_page) == ["1 Dec 22:15"]


def test_a_manager_of_two_zones_sees_each_time_with_its_zone(client, org, arn_manager, need):
    arn_manager.managed_locations.add(org["jfk"])

    dashboard = need_card(page_for(client, arn_manager, "dashboards:dashboard"), need)
    needs_page = need_card(page_for(client, arn_manager, "dashboards:needs"), need)

    assert times_shown(dashboard) == ["1 Dec 22:15 CET"]
    assert times_shown(needs_page) == ["1 Dec 22:15 CET"]
    assert 'title="Europe/Stockholm"' in needs_page


def test_the_answer_time_is_the_desks_time_too(client, agent, arn_manager, need):
    Need.objects.filter(pk=need.pk).update(
        status=Need.Status.PROVIDED, answer="New printer", answered_by=arn_manager,
        answered_at=ANSWERED,
    )  # fmt: skip

    needs_page = need_card(page_for(client, arn_manager, "dashboards:needs"), need)

    assert times_shown(needs_page) == ["1 Dec 22:15", "1 Dec 23:40"]


def test_a_moment_in_the_drill_down_shows_its_locations_time(client, org, jfk_agent, admin_user):
    from tests.conftest import add_moment, roll_up_everything

    moment = add_moment(jfk_agent, org["desk"])
    roll_up_everything()
    client.force_login(admin_user)
    url = reverse("dashboards:journey_moments", args=[org["desk"].pk])

    html = client.get(url).text

    local = moment.occurred_at.astimezone(org["jfk"].tz)
    assert times_shown(html) == [f"{local:%a} {local.day} {local:%b %H:%M} {local:%Z}"]


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+12"])  # UTC+14, UTC-12
def test_the_bound_in_utc_on_a_days_moments_keeps_both_ends_of_the_day_everywhere(org, zone):
    """A type's moments are listed newest first through an index on the time they happened,
    bounded in UTC by their period's days (`Window.occurred_q`): at either end of the
    earth's clocks, the first and the last instant of a local day are inside that bound."""
    location = Location.objects.create(name="Far", code="FAR", timezone=zone)
    person = make_user(
        "far", Role.FRONTLINE, team=Team.objects.create(name="Desk", location=location)
    )
    day, clock = date(2026, 3, 10), ZoneInfo(zone)
    first, last = datetime.combine(day, time(), clock), datetime.combine(day, time.max, clock)
    moments = {add_moment(person, org["desk"], occurred_at=at) for at in (first, last)}
    window = Window.between(day, day, [location])

    listed = set(Moment.objects.filter(window.q() & window.occurred_q()))

    assert {moment.local_date for moment in moments} == {day}
    assert listed == moments
