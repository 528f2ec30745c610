"""Extra fields an admin adds to a type: asked on the log screen, validated, never lost."""

import pytest
from django.urls import reverse

from tests.conftest import moment_post
from tests.touchpoints.admin_posts import extra_field_row, type_form
from touchpoints.models import AuditEntry, ExtraField, Moment

LOG_URL = reverse("touchpoints:log")
MINE_URL = reverse("touchpoints:mine")


def change_url(obj) -> str:
    return reverse("admin:touchpoints_touchpointtype_change", args=[obj.pk])


@pytest.fixture
def gate_field(client, org, role_admin):
    """Boarding gets a required number field, added by an admin on the type's page."""
    boarding = org["boarding"]
    client.force_login(role_admin)
    new_row = extra_field_row(label="Gate number", kind="number", required=True)
    response = client.post(change_url(boarding), type_form(boarding, [new_row]))
    assert response.status_code == 302, response.text
    client.logout()
    return ExtraField.objects.get(touchpoint_type=boarding)


def test_an_added_extra_field_is_asked_and_validated_on_the_log_screen(
    client, org, agent, gate_field
):
    name = f"extra_{org['boarding'].pk}_gate_number"
    client.force_login(agent)
    screen = client.get(LOG_URL)
    missing = client.post(LOG_URL, moment_post(org["boarding"]))
    not_a_number = client.post(LOG_URL, moment_post(org["boarding"], **{name: "B12"}))
    good = client.post(LOG_URL, moment_post(org["boarding"], **{name: "12"}))

    assert f'name="{name}"' in screen.text and "Gate number" in screen.text
    assert missing.status_code == 422 and "Gate number is required" in missing.text
    assert not_a_number.status_code == 422 and "enter a number" in not_a_number.text
    assert good.status_code in (200, 302)
    assert Moment.objects.get().extra == {"gate_number": 12}


def test_the_key_is_made_from_the_label_and_recorded_in_the_types_history(gate_field, org):
    assert gate_field.key == "gate_number"
    entry = AuditEntry.objects.get(object_id=str(org["boarding"].pk))
    assert entry.changes == {"extra field “Boarding: Gate number”": [None, "added"]}


def test_a_used_extra_field_cannot_be_removed_but_can_be_retired(
    client, org, agent, role_admin, gate_field
):
    boarding = org["boarding"]
    client.force_login(agent)
    client.post(LOG_URL, moment_post(boarding, **{f"extra_{boarding.pk}_gate_number": "12"}))
    client.force_login(role_admin)
    remove = type_form(boarding, [extra_field_row(gate_field, DELETE=True)])
    refused = client.post(change_url(boarding), remove)
    retire = type_form(boarding, [extra_field_row(gate_field, active=False)])
    retired = client.post(change_url(boarding), retire)

    assert "holds a value in 1 moment" in refused.text
    assert retired.status_code == 302
    client.force_login(agent)
    assert "Gate number" not in client.get(LOG_URL).text
    mine = client.get(MINE_URL).text
    assert "<dt>Gate number</dt><dd>12</dd>" in mine


def test_an_unused_extra_field_can_be_removed(client, org, role_admin, gate_field):
    boarding = org["boarding"]
    client.force_login(role_admin)
    remove = type_form(boarding, [extra_field_row(gate_field, DELETE=True)])
    assert client.post(change_url(boarding), remove).status_code == 302
    assert not ExtraField.objects.exists()


def test_a_choice_field_needs_its_options(client, org, role_admin):
    boarding = org["boarding"]
    client.force_login(role_admin)
    row = extra_field_row(label="Seat class", kind="choice", choices="")
    response = client.post(change_url(boarding), type_form(boarding, [row]))
    assert "List the options, one per line." in response.text
    assert not ExtraField.objects.exists()


def test_the_key_of_a_saved_field_cannot_be_changed(client, org, role_admin, gate_field):
    boarding = org["boarding"]
    client.force_login(role_admin)
    row = extra_field_row(gate_field, key="gate", label="Gate")
    client.post(change_url(boarding), type_form(boarding, [row]))
    gate_field.refresh_from_db()
    assert (gate_field.key, gate_field.label) == ("gate_number", "Gate")
