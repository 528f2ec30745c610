"""Desks on the configuration site: an admin registers the tablet in hand, renames and
revokes desks, and clears a forgotten PIN; each change is in the audit trail."""

from django.urls import reverse

from tests.conftest import PASSWORD
from tests.desk_steps import give_pin, make_client_a_desk, register_desk
from touchpoints.models import AuditEntry, Desk

REGISTER = "/admin/touchpoints/desk/register/"


def test_an_admin_registers_this_tablet_as_a_desk_and_is_signed_out(client, org, role_admin):
    client.force_login(role_admin)
    response = client.post(REGISTER, {"location": org["arn"].pk, "name": "Check-in 3"})
    assert response["Location"] == "/desk/"
    cookie = response.cookies["moments_desk"]
    assert cookie["httponly"] and cookie["max-age"] > 365 * 24 * 3600
    desk = Desk.objects.get()
    assert (desk.name, desk.location, desk.registered_by) == ("Check-in 3", org["arn"], role_admin)
    assert cookie.value.split(":")[1] not in desk.secret_hash  # only a hash is kept
    assert "_auth_user_id" not in client.session
    assert "Who is signing in?" in client.get("/desk/").text
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CREATED)
    assert entry.actor == role_admin and "secret" not in str(entry.changes)


def test_only_admins_register_desks(client, org, arn_manager):
    client.force_login(arn_manager)
    response = client.post(REGISTER, {"location": org["arn"].pk, "name": "Mine"})
    assert response.status_code == 403
    assert not Desk.objects.exists()


def test_desks_are_listed_renamed_and_revoked_with_history(client, org, role_admin, agent):
    desk, cookie = register_desk(org["arn"], "Check-in 3")
    client.force_login(role_admin)
    assert "Check-in 3" in client.get("/admin/touchpoints/desk/").text
    change = reverse("admin:touchpoints_desk_change", args=[desk.pk])
    client.post(change, {"name": "Check-in 4", "active": "on"})
    client.post(reverse("admin:touchpoints_desk_archive", args=[desk.pk]))
    desk.refresh_from_db()
    assert (desk.name, desk.active) == ("Check-in 4", False)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {AuditEntry.Action.CHANGED, AuditEntry.Action.ARCHIVED} <= actions
    # The revoked tablet is no desk any more: its browser gets the password form.
    client.logout()
    make_client_a_desk(client, cookie)
    assert 'name="password"' in client.get("/login/").text


def test_an_admin_clears_a_forgotten_pin(client, role_admin, agent):
    give_pin(agent)
    client.force_login(role_admin)
    data = {"action": "clear_pins", "_selected_action": [agent.pk]}
    client.post("/admin/touchpoints/user/", data)
    agent.refresh_from_db()
    assert not agent.has_pin
    entry = AuditEntry.objects.get()
    assert entry.changes == {"desk PIN": ["set", "cleared"]}


def test_a_person_sets_their_own_pin_after_proving_it_is_them(client, agent):
    client.login(username="anna", password=PASSWORD)
    data = {"current": "wrong", "new_pin": "4071", "again": "4071"}
    assert client.post("/desk/my-pin/", data).status_code == 422
    data["current"] = PASSWORD
    assert client.post("/desk/my-pin/", data)["Location"] == "/log/"
    agent.refresh_from_db()
    assert agent.has_pin
    # Changing it asks for the PIN now, not the password.
    data = {"current": "4071", "new_pin": "1234", "again": "1234"}
    response = client.post("/desk/my-pin/", data)
    assert "first anyone would try" in response.text


def test_the_pin_page_refuses_two_different_pins(client, agent):
    client.login(username="anna", password=PASSWORD)
    data = {"current": PASSWORD, "new_pin": "4071", "again": "4072"}
    assert "The two PINs differ." in client.post("/desk/my-pin/", data).text


def test_registering_a_desk_again_revokes_the_one_it_was(client, org, role_admin):
    old, cookie = register_desk(org["arn"], "Old name")
    make_client_a_desk(client, cookie)
    client.force_login(role_admin)
    client.post(REGISTER, {"location": org["jfk"].pk, "name": "Moved to JFK"})
    old.refresh_from_db()
    assert not old.active
    assert Desk.objects.get(active=True).name == "Moved to JFK"


def test_my_moments_leads_to_setting_the_pin(client, agent):
    client.login(username="anna", password=PASSWORD)
    assert "/desk/my-pin/" in client.get("/log/mine/").text
