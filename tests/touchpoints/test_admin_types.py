"""Touchpoint types and journey stages, changed by an admin while the front line logs."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboards.models import DailyRollup
from dashboards.rollup import rebuild_recent
from tests.conftest import moment_post
from tests.touchpoints.admin_posts import type_form
from touchpoints.models import AuditEntry, Moment, TouchpointType

LOG_URL = reverse("touchpoints:log")
DASHBOARD_URL = reverse("dashboards:dashboard")
TYPES_URL = reverse("admin:touchpoints_touchpointtype_changelist")


def change_url(obj) -> str:
    return reverse("admin:touchpoints_touchpointtype_change", args=[obj.pk])


def offered_types(response) -> list[int]:
    """The touchpoint types the log screen offers as tiles, in the order shown."""
    return [
        int(pk) for pk in re.findall(r'name="touchpoint_type"[^>]*value="(\d+)"', response.text)
    ]


def journey_row(response, name: str) -> str:
    """The dashboard table row that names `name`."""
    rows = re.findall(r"<tr[^>]*>(?:(?!</tr>).)*</tr>", response.text, re.DOTALL)
    matching = [row for row in rows if name in row]
    assert matching, f"{name} is not on the dashboard"
    return matching[0]


def logged_earlier(agent, touchpoint_type, days_ago: int) -> Moment:
    moment = Moment(
        staff=agent,
        team=agent.team,
        location=agent.team.location,
        touchpoint_type=touchpoint_type,
        outcome=4,
        occurred_at=timezone.now() - timedelta(days=days_ago),
    )
    moment.save()
    return moment


@pytest.fixture
def bag_drop_history(org, agent, client):
    """Two moments of Bag drop: one yesterday, one logged this morning on the log screen."""
    logged_earlier(agent, org["bag_drop"], days_ago=1)
    client.force_login(agent)
    assert client.post(LOG_URL, moment_post(org["bag_drop"])).status_code in (200, 302)
    client.logout()
    rebuild_recent(days=3)
    return org["bag_drop"]


def test_a_type_archived_mid_day_leaves_the_log_screen_and_keeps_its_history(
    client, org, agent, arn_manager, role_admin, bag_drop_history
):
    bag_drop = bag_drop_history
    client.force_login(role_admin)
    client.post(TYPES_URL, {"action": "archive_selected", "_selected_action": [bag_drop.pk]})

    client.force_login(agent)
    offered = offered_types(client.get(LOG_URL))
    assert bag_drop.pk not in offered
    assert org["desk"].pk in offered
    rebuild_recent(days=3)
    assert Moment.objects.filter(touchpoint_type=bag_drop).count() == 2
    assert sum(r.moments for r in DailyRollup.objects.filter(touchpoint_type=bag_drop)) == 2
    client.force_login(arn_manager)
    row = journey_row(client.get(DASHBOARD_URL), "Bag drop")
    assert re.search(r"<td[^>]*>\s*2\s*</td>", row), row


def test_an_archived_type_cannot_be_logged_from_a_stale_screen(client, org, agent):
    org["bag_drop"].active = False
    org["bag_drop"].save()
    client.force_login(agent)
    response = client.post(LOG_URL, moment_post(org["bag_drop"]))
    assert response.status_code == 422
    assert "not available" in response.text
    assert not Moment.objects.exists()


def test_archiving_is_recorded_and_restoring_brings_the_tile_back(client, org, role_admin, agent):
    bag_drop = org["bag_drop"]
    client.force_login(role_admin)
    client.post(TYPES_URL, {"action": "archive_selected", "_selected_action": [bag_drop.pk]})
    client.post(TYPES_URL, {"action": "restore_selected", "_selected_action": [bag_drop.pk]})
    actions = list(AuditEntry.objects.order_by("at", "pk").values_list("action", flat=True))
    assert actions == [AuditEntry.Action.ARCHIVED, AuditEntry.Action.CHANGED]
    client.force_login(agent)
    assert bag_drop.pk in offered_types(client.get(LOG_URL))


def test_renaming_a_type_shows_its_history_under_the_new_name(
    client, org, arn_manager, role_admin, bag_drop_history
):
    bag_drop = bag_drop_history
    client.force_login(role_admin)
    response = client.post(change_url(bag_drop), type_form(bag_drop, name="Bag drop & tags"))
    assert response.status_code == 302

    assert {str(m.touchpoint_type) for m in Moment.objects.all()} == {"Bag drop & tags"}
    client.force_login(arn_manager)
    dashboard = client.get(DASHBOARD_URL)
    assert "Bag drop &amp; tags" in journey_row(dashboard, "Bag drop &amp; tags")
    assert not re.search(r"Bag drop(?! &amp; tags)", dashboard.text)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CHANGED)
    assert entry.changes == {"name": ["Bag drop", "Bag drop & tags"]}
    assert entry.actor == role_admin


def test_deleting_a_type_in_use_is_refused_and_offers_archiving(
    client, role_admin, bag_drop_history
):
    bag_drop = bag_drop_history
    client.force_login(role_admin)
    delete_url = reverse("admin:touchpoints_touchpointtype_delete", args=[bag_drop.pk])
    page = client.get(delete_url)
    confirmed = client.post(delete_url, {"post": "yes"})

    assert page.status_code == confirmed.status_code == 409
    assert "used by 2 moments and" in page.text
    assert "Archive “Bag drop”" in page.text
    assert TouchpointType.objects.filter(pk=bag_drop.pk, active=True).exists()
    archive_url = reverse("admin:touchpoints_touchpointtype_archive", args=[bag_drop.pk])
    client.post(archive_url)
    bag_drop.refresh_from_db()
    assert not bag_drop.active


def test_bulk_deleting_types_deletes_none_when_one_is_in_use(
    client, org, role_admin, bag_drop_history
):
    client.force_login(role_admin)
    selected = [org["bag_drop"].pk, org["boarding"].pk]
    response = client.post(
        TYPES_URL,
        {"action": "delete_selected", "_selected_action": selected, "post": "yes"},
        follow=True,
    )
    assert "Nothing was deleted: “Bag drop” is used by 2 moments" in response.text
    assert "Archive them instead" in response.text
    assert TouchpointType.objects.filter(pk__in=selected).count() == 2
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DELETED).exists()


def test_an_unused_type_can_be_deleted_and_the_deletion_is_recorded(client, org, role_admin):
    client.force_login(role_admin)
    url = reverse("admin:touchpoints_touchpointtype_delete", args=[org["boarding"].pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not TouchpointType.objects.filter(name="Boarding").exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DELETED)
    assert entry.object_repr == "Boarding"
    assert entry.changes["name"] == ["Boarding", None]


def test_channels_are_ticked_and_at_least_one_is_needed(client, org, role_admin):
    desk = org["desk"]
    client.force_login(role_admin)
    page = client.get(change_url(desk))
    assert 'type="checkbox" name="channels" value="phone"' in page.text
    none_ticked = client.post(change_url(desk), type_form(desk, channels=[]))
    two_ticked = client.post(change_url(desk), type_form(desk, channels=["phone", "chat"]))

    assert "Tick at least one channel" in none_ticked.text
    assert two_ticked.status_code == 302
    desk.refresh_from_db()
    assert desk.channels == ["phone", "chat"]


def test_a_colour_that_is_not_hex_is_refused_and_what_was_typed_is_kept(client, org, role_admin):
    desk = org["desk"]
    client.force_login(role_admin)
    response = client.post(change_url(desk), type_form(desk, colour="blue", name="Desk 2"))
    assert "#rrggbb" in response.text
    assert 'value="Desk 2"' in response.text
    desk.refresh_from_db()
    assert desk.name == "Check-in desk"


def test_the_log_screen_follows_the_journey_order_set_by_the_admin(client, org, agent, role_admin):
    check_in, gate = org["bag_drop"].stage, org["boarding"].stage
    client.force_login(agent)
    before = offered_types(client.get(LOG_URL))
    client.force_login(role_admin)
    stages_url = reverse("admin:touchpoints_journeystage_changelist")
    client.post(
        stages_url,
        {
            "form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "2",
            "form-0-id": check_in.pk, "form-0-order": "5",
            "form-1-id": gate.pk, "form-1-order": "1",
            "_save": "Save",
        },
    )  # fmt: skip
    client.force_login(agent)
    after = offered_types(client.get(LOG_URL))
    assert before[-1] == org["boarding"].pk
    assert after[0] == org["boarding"].pk
    assert set(before) == set(after)
    changes = {e.object_repr: e.changes for e in AuditEntry.objects.all()}
    assert changes == {"Check-in": {"order": [1, 5]}, "Gate": {"order": [2, 1]}}


def test_a_new_type_starts_with_every_channel_and_the_house_colour(client, role_admin):
    client.force_login(role_admin)
    page = client.get(reverse("admin:touchpoints_touchpointtype_add")).text
    for channel in ("in_person", "phone", "chat", "email"):
        assert re.search(rf'name="channels" value="{channel}"[^>]*checked', page), channel
    assert re.search(r'type="color" name="colour" value="#0b4f8a"', page)


def test_a_new_type_goes_last_in_its_stage_unless_given_an_order(client, org, agent, role_admin):
    check_in = org["bag_drop"].stage
    client.force_login(role_admin)
    add_url = reverse("admin:touchpoints_touchpointtype_add")
    empty_order = r'<input type="number" name="order"(?![^>]*value=)[^>]*>'
    assert re.search(empty_order, client.get(add_url).text)
    new = TouchpointType(name="Assistance desk", stage=check_in, icon="accessibility")
    assert client.post(add_url, type_form(new, order="")).status_code == 302
    first = TouchpointType(name="Arrival help", stage=check_in, icon="plane-landing")
    assert client.post(add_url, type_form(first, order="0")).status_code == 302
    client.force_login(agent)
    offered = offered_types(client.get(LOG_URL))
    assistance, arrival = (TouchpointType.objects.get(name=n).pk for n in [new.name, first.name])
    assert offered == [arrival, org["bag_drop"].pk, org["desk"].pk, assistance, org["boarding"].pk]


def test_a_type_added_on_its_stages_page_also_goes_last(client, org, agent, role_admin):
    check_in, bag_drop, desk = org["bag_drop"].stage, org["bag_drop"], org["desk"]
    client.force_login(role_admin)
    data = {
        "name_en": check_in.name, "order": check_in.order,
        "types-TOTAL_FORMS": "3", "types-INITIAL_FORMS": "2",
        "types-MIN_NUM_FORMS": "0", "types-MAX_NUM_FORMS": "1000",
        "types-0-id": bag_drop.pk, "types-0-stage": check_in.pk, "types-0-name_en": "Bag drop",
        "types-0-order": "0", "types-0-active": "on",
        "types-1-id": desk.pk, "types-1-stage": check_in.pk, "types-1-name_en": "Check-in desk",
        "types-1-order": "0", "types-1-active": "on",
        "types-2-stage": check_in.pk, "types-2-name_en": "Assistance desk", "types-2-order": "",
        "types-2-active": "on",
    }  # fmt: skip
    stage_url = reverse("admin:touchpoints_journeystage_change", args=[check_in.pk])
    assert client.post(stage_url, data).status_code == 302
    client.force_login(agent)
    offered = offered_types(client.get(LOG_URL))
    assistance = TouchpointType.objects.get(name="Assistance desk")
    assert offered == [bag_drop.pk, desk.pk, assistance.pk, org["boarding"].pk]


def test_deleting_a_stage_that_still_has_types_is_refused(client, org, role_admin):
    gate = org["boarding"].stage
    client.force_login(role_admin)
    url = reverse("admin:touchpoints_journeystage_delete", args=[gate.pk])
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 409
    assert "is used by 1 touchpoint type" in response.text
    assert "Move or archive what uses it first" in response.text
    assert TouchpointType.objects.get(name="Boarding").stage == gate
