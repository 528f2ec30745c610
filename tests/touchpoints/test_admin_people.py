"""People: an admin sets role, team and what a manager manages; every change is recorded."""

from django.urls import reverse

from tests.conftest import moment_post
from touchpoints.models import AuditEntry, Role, User


def person_form(user: User, **overrides) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role.value if user.role else "",
        "team": user.team_id or "",
        "is_active": "on" if user.is_active else None,
        "managed_locations": [loc.pk for loc in user.managed_locations.all()],
        "managed_teams": [team.pk for team in user.managed_teams.all()],
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def change_url(user: User) -> str:
    return reverse("admin:touchpoints_user_change", args=[user.pk])


def test_making_someone_a_manager_of_a_location_is_recorded_field_by_field(
    client, org, agent, role_admin
):
    client.force_login(role_admin)
    data = person_form(agent, role="manager", team="", managed_locations=[org["arn"].pk])
    assert client.post(change_url(agent), data).status_code == 302

    agent = User.objects.get(pk=agent.pk)
    assert agent.role == Role.MANAGER and agent.team is None
    assert list(agent.managed_locations.all()) == [org["arn"]]
    entry = AuditEntry.objects.get()
    assert entry.actor == role_admin and entry.action == AuditEntry.Action.CHANGED
    assert entry.changes == {
        "team": ["Check-in desk (ARN)", None],
        "role": [["frontline"], ["manager"]],
        "managed locations": [[], ["Stockholm Arlanda"]],
    }


def test_an_admin_made_in_configuration_can_configure(client, agent, role_admin):
    client.force_login(role_admin)
    client.post(change_url(agent), person_form(agent, role="admin"))
    agent = User.objects.get(pk=agent.pk)
    assert agent.is_staff  # Django's admin templates read it
    client.force_login(agent)
    assert client.get(reverse("admin:index")).status_code == 200


def test_taking_the_admin_role_away_takes_the_staff_flag_too(client, org, role_admin):
    other = User.objects.create_user("olle", is_staff=True)
    other.groups.add(*User.objects.get(pk=role_admin.pk).groups.all())
    client.force_login(role_admin)
    client.post(change_url(other), person_form(other, role="frontline", team=org["arn_desk"].pk))
    other = User.objects.get(pk=other.pk)
    assert other.role == Role.FRONTLINE and not other.is_staff


def test_a_person_added_without_a_password_gets_role_and_team(client, org, role_admin):
    client.force_login(role_admin)
    data = {
        "username": "nils", "usable_password": "false", "first_name": "Nils",
        "role": "frontline", "team": org["arn_desk"].pk,
    }  # fmt: skip
    response = client.post(reverse("admin:touchpoints_user_add"), data)
    assert response.status_code == 302
    nils = User.objects.get(username="nils")
    assert nils.role == Role.FRONTLINE and nils.team == org["arn_desk"]
    assert not nils.has_usable_password()
    assert AuditEntry.objects.get(object_id=str(nils.pk)).action == AuditEntry.Action.CREATED


def test_the_history_page_shows_who_changed_what(client, org, agent, role_admin):
    client.force_login(role_admin)
    client.post(change_url(agent), person_form(agent, first_name="Annika"))
    page = client.get(reverse("admin:touchpoints_user_history", args=[agent.pk]))
    assert "Changed" in page.text and "Ada Admin" in page.text
    assert "<td>Anna</td><td>Annika</td>" in page.text


def test_setting_a_password_is_recorded_without_the_password(client, agent, role_admin):
    client.force_login(role_admin)
    url = reverse("admin:auth_user_password_change", args=[agent.pk])
    new = "a-long-new-pass-2026"
    client.post(url, {"password1": new, "password2": new, "usable_password": "true"})
    entry = AuditEntry.objects.get()
    assert entry.changes == {"password": ["(not shown)", "set by an admin"]}
    assert new not in str(entry.changes)


def test_deleting_someone_who_logged_moments_is_refused_and_offers_deactivating(
    client, org, agent, role_admin
):
    client.force_login(agent)
    client.post(reverse("touchpoints:log"), moment_post(org["desk"]))
    client.force_login(role_admin)
    response = client.post(reverse("admin:touchpoints_user_delete", args=[agent.pk]))
    assert response.status_code == 409
    assert "is used by 1 moment" in response.text
    assert "Deactivate “anna”" in response.text
    assert User.objects.filter(pk=agent.pk, is_active=True).exists()


def test_people_can_be_filtered_by_role(client, agent, arn_manager, role_admin):
    client.force_login(role_admin)
    page = client.get(reverse("admin:touchpoints_user_changelist"), {"role": "manager"})
    assert "maria" in page.text
    assert "anna" not in page.text


def test_an_admin_cannot_lock_themselves_out(client, role_admin):
    client.force_login(role_admin)
    response = client.post(change_url(role_admin), person_form(role_admin, role="manager"))
    client.post(
        reverse("admin:touchpoints_user_changelist"),
        {"action": "archive_selected", "_selected_action": [role_admin.pk]},
    )
    assert "You cannot take the admin role from yourself." in response.text
    role_admin = User.objects.get(pk=role_admin.pk)
    assert role_admin.role == Role.ADMIN and role_admin.is_active
