"""The audit trail: who changed what and when, readable per object and for everything."""

from django.urls import reverse

from tests.touchpoints.admin_posts import location_form
from touchpoints.models import AuditEntry

AUDIT_URL = reverse("admin:touchpoints_auditentry_changelist")


def test_the_audit_trail_lists_changes_with_a_link_to_each_objects_history(client, org, role_admin):
    arn = org["arn"]
    client.force_login(role_admin)
    client.post(
        reverse("admin:touchpoints_location_change", args=[arn.pk]),
        location_form(arn, timezone="Europe/Oslo"),
    )
    listing = client.get(AUDIT_URL)
    history_url = reverse("admin:touchpoints_location_history", args=[arn.pk])
    history = client.get(history_url)

    assert f'href="{history_url}"' in listing.text and "time zone" in listing.text
    assert "<td>Europe/Stockholm</td><td>Europe/Oslo</td>" in history.text
    assert "Ada Admin" in history.text


def test_the_audit_trail_cannot_be_edited_or_pruned(client, org, role_admin):
    client.force_login(role_admin)
    client.post(reverse("admin:touchpoints_location_archive", args=[org["jfk"].pk]))
    entry = AuditEntry.objects.get()
    url = reverse("admin:touchpoints_auditentry_change", args=[entry.pk])
    page = client.get(url)
    client.post(url, {"action": "created", "object_repr": "forged"})
    client.post(AUDIT_URL, {"action": "delete_selected", "_selected_action": [entry.pk]})

    assert "<th scope='row'>active</th><td>yes</td><td>no</td>" in page.text
    assert 'type="submit"' not in page.text.split('id="content-main"')[1].split("</form>")[0]
    entry.refresh_from_db()
    assert (entry.action, entry.object_repr) == (AuditEntry.Action.ARCHIVED, "New York JFK")


def test_reordering_types_on_the_stage_page_is_recorded_on_each_type(client, org, role_admin):
    check_in = org["bag_drop"].stage
    bag_drop, desk = org["bag_drop"], org["desk"]
    client.force_login(role_admin)
    data = {
        "name_en": check_in.name, "order": check_in.order,
        "types-TOTAL_FORMS": "2", "types-INITIAL_FORMS": "2",
        "types-MIN_NUM_FORMS": "0", "types-MAX_NUM_FORMS": "1000",
        "types-0-id": bag_drop.pk, "types-0-stage": check_in.pk, "types-0-name_en": "Bag drop",
        "types-0-icon": bag_drop.icon, "types-0-order": "2", "types-0-active": "on",
        "types-1-id": desk.pk, "types-1-stage": check_in.pk, "types-1-name_en": "Check-in desk",
        "types-1-icon": desk.icon, "types-1-order": "1", "types-1-active": "on",
    }  # fmt: skip
    response = client.post(
        reverse("admin:touchpoints_journeystage_change", args=[check_in.pk]), data
    )
    assert response.status_code == 302
    on_bag_drop = AuditEntry.objects.get(object_repr="Bag drop")
    on_stage = AuditEntry.objects.get(object_repr="Check-in")
    assert on_bag_drop.changes == {"order": [0, 2]}
    assert on_stage.changes["touchpoint type “Bag drop”: order"] == [0, 2]
