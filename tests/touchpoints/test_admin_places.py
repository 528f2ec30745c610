"""Locations and teams: set up a new airport in one page; nothing in use is ever deleted."""

import pytest
from django.urls import reverse

from tests.conftest import moment_post
from tests.touchpoints.admin_posts import location_form, management_form
from touchpoints.models import AuditEntry, Location, Team

LOCATIONS_URL = reverse("admin:touchpoints_location_changelist")
TEAMS_URL = reverse("admin:touchpoints_team_changelist")


@pytest.fixture
def arn_in_use(client, org, agent):
    client.force_login(agent)
    client.post(reverse("touchpoints:log"), moment_post(org["desk"]))
    client.logout()
    return org["arn"]


def test_a_new_airport_is_set_up_with_its_teams_on_one_page(client, role_admin):
    client.force_login(role_admin)
    data = {
        "name": "Oslo Gardermoen", "code": "osl", "timezone": "Europe/Oslo", "currency": "NOK",
        "active": "on",
        **management_form("teams", total=2),
        "teams-0-name": "Check-in", "teams-0-active": "on",
        "teams-1-name": "Gate", "teams-1-active": "on",
    }  # fmt: skip
    response = client.post(reverse("admin:touchpoints_location_add"), data)

    assert response.status_code == 302
    osl = Location.objects.get(code="OSL")
    assert sorted(osl.teams.values_list("name", flat=True)) == ["Check-in", "Gate"]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATED).count() == 3


def test_a_location_needs_a_real_time_zone(client, role_admin):
    client.force_login(role_admin)
    data = location_form(Location(name="Mars Base", code="MRS", timezone="Mars/Olympus"))
    response = client.post(reverse("admin:touchpoints_location_add"), data)
    assert "Select a valid choice" in response.text
    assert 'value="Mars Base"' in response.text
    assert not Location.objects.filter(code="MRS").exists()


def test_deleting_a_location_in_use_is_refused_with_the_reason(client, role_admin, arn_in_use):
    client.force_login(role_admin)
    url = reverse("admin:touchpoints_location_delete", args=[arn_in_use.pk])
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 409
    assert "is used by 1 team and 1 moment, so it cannot be deleted" in response.text
    assert Location.objects.filter(pk=arn_in_use.pk).exists()


def test_deleting_a_team_in_use_is_refused_with_the_reason(client, org, role_admin, agent):
    client.force_login(role_admin)
    url = reverse("admin:touchpoints_team_delete", args=[org["arn_desk"].pk])
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 409
    assert "used by 1 person" in response.text
    assert Team.objects.filter(pk=org["arn_desk"].pk).exists()


def test_bulk_deleting_locations_and_teams_in_use_removes_nothing(
    client, org, role_admin, arn_in_use
):
    client.force_login(role_admin)
    for url, selected in (
        (LOCATIONS_URL, [org["arn"].pk, org["jfk"].pk]),
        (TEAMS_URL, [org["arn_desk"].pk, org["jfk_desk"].pk]),
    ):
        data = {"action": "delete_selected", "_selected_action": selected, "post": "yes"}
        response = client.post(url, data, follow=True)
        assert "Nothing was deleted" in response.text
    assert Location.objects.count() == 2
    assert Team.objects.count() == 2


def test_archiving_a_team_keeps_its_people_and_moments_and_says_who_to_move(
    client, org, role_admin, arn_in_use
):
    client.force_login(role_admin)
    url = reverse("admin:touchpoints_team_archive", args=[org["arn_desk"].pk])
    response = client.post(url, follow=True)
    assert "1 person is still in Check-in desk (ARN): move them" in response.text
    desk = Team.objects.get(pk=org["arn_desk"].pk)
    assert not desk.active
    assert desk.moments.count() == 1 and desk.members.count() == 1
    assert AuditEntry.objects.get().action == AuditEntry.Action.ARCHIVED


def test_an_empty_location_can_be_deleted(client, role_admin):
    empty = Location.objects.create(name="Nowhere", code="NWH", timezone="UTC")
    client.force_login(role_admin)
    url = reverse("admin:touchpoints_location_delete", args=[empty.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Location.objects.filter(code="NWH").exists()


def test_a_second_team_with_the_same_name_is_refused_with_a_reason(client, org, role_admin):
    arn = org["arn"]
    client.force_login(role_admin)
    data = location_form(arn)
    data.update(management_form("teams", total=1))
    data.update({"teams-0-name": "check-in desk", "teams-0-active": "on"})
    response = client.post(reverse("admin:touchpoints_location_change", args=[arn.pk]), data)
    assert "There is already a team called “check-in desk” here." in response.text
    assert arn.teams.count() == 1
