"""Archived teams and locations take no new moments; a location's new time zone re-dates
what happened there."""

from datetime import UTC, date, datetime

from django.urls import reverse

from dashboards.models import DailyRollup
from dashboards.rollup import rebuild_dirty
from tests.conftest import add_moment, moment_post, roll_up_everything
from tests.touchpoints.admin_posts import location_form
from tests.touchpoints.conftest import JSON
from touchpoints.models import DirtyDay, Moment, Need

LOG_URL = reverse("touchpoints:log")


def test_logging_for_an_archived_team_is_refused_with_the_reason(agent_client, org):
    org["arn_desk"].active = False
    org["arn_desk"].save()
    response = agent_client.post(LOG_URL, moment_post(org["bag_drop"]), headers=JSON)
    assert response.status_code == 403
    [error] = response.json()["errors"]["team"]
    assert error["code"] == "archived"
    assert "Your team Check-in desk (ARN) is archived" in error["message"]
    assert not Moment.objects.exists()


def test_logging_at_an_archived_location_is_refused_with_the_reason(agent_client, org):
    org["arn"].active = False
    org["arn"].save()
    response = agent_client.post(LOG_URL, moment_post(org["bag_drop"]))
    assert response.status_code == 403
    assert "Stockholm Arlanda is archived, so moments can no longer be saved there" in (
        response.text
    )
    assert not Moment.objects.exists()


def test_correcting_a_moment_of_an_archived_team_is_refused(agent_client, org):
    data = moment_post(org["bag_drop"], outcome=2)
    agent_client.post(LOG_URL, data, headers=JSON)
    moment = Moment.objects.get()
    org["arn_desk"].active = False
    org["arn_desk"].save()
    correction = {**data, "outcome": 5, "occurred_at": moment.occurred_at.isoformat()}
    response = agent_client.post(reverse("touchpoints:correct", args=[moment.uuid]), correction)
    assert response.status_code == 422
    assert "is archived" in response.text
    moment.refresh_from_db()
    assert moment.outcome == 2


def test_a_new_time_zone_moves_moments_and_needs_to_their_new_local_day(
    client, role_admin, agent, org
):
    late = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)  # 00:30 on the 26th in Stockholm
    add_moment(agent, org["desk"], occurred_at=late)
    need = Need(raised_by=agent, team=agent.team, location=org["arn"], kind="tool", raised_at=late)
    need.save()
    roll_up_everything()
    client.force_login(role_admin)
    change_url = reverse("admin:touchpoints_location_change", args=[org["arn"].pk])
    response = client.post(
        change_url, location_form(org["arn"], timezone="Europe/London"), follow=True
    )
    assert "2 moments and needs moved to their local day in Europe/London" in response.text
    assert Moment.objects.get().local_date == date(2026, 11, 25)
    assert Need.objects.get().local_date == date(2026, 11, 25)
    assert set(DirtyDay.objects.values_list("local_date", flat=True)) == {
        date(2026, 11, 25),
        date(2026, 11, 26),
    }
    rebuild_dirty()
    assert list(DailyRollup.objects.values_list("local_date", "moments")) == [
        (date(2026, 11, 25), 1)
    ]


def test_a_location_saved_without_a_new_time_zone_moves_nothing(client, role_admin, agent, org):
    add_moment(agent, org["desk"], occurred_at=datetime(2026, 11, 25, 23, 30, tzinfo=UTC))
    client.force_login(role_admin)
    change_url = reverse("admin:touchpoints_location_change", args=[org["arn"].pk])
    client.post(change_url, location_form(org["arn"], name="Arlanda"))
    assert Moment.objects.get().local_date == date(2026, 11, 26)
    assert not DirtyDay.objects.exists()
