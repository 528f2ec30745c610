"""What an admin changes stops or changes the very next save from a tablet that is already
logging, although the save path keeps the types in memory and loads the person once."""

import threading

import pytest
from django.db import connections, transaction
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, moment_post
from tests.touchpoints.admin_posts import extra_field_row, type_form
from tests.touchpoints.conftest import JSON
from tests.touchpoints.test_admin_people import change_url, person_form
from touchpoints import loggable_types
from touchpoints.models import Moment

LOG_URL = reverse("touchpoints:log")
TYPES_URL = reverse("admin:touchpoints_touchpointtype_changelist")


@pytest.fixture
def logging_tablet(client, agent, org):
    """A tablet that has just saved a moment: the type cache and the session are warm."""
    client.login(username=agent.username, password=PASSWORD)
    assert client.post(LOG_URL, moment_post(org["bag_drop"]), headers=JSON).status_code == 201
    return client


@pytest.fixture
def admin_browser(role_admin):
    browser = Client()
    browser.force_login(role_admin)
    return browser


def test_a_type_archived_in_the_admin_is_refused_at_the_next_save(
    logging_tablet, admin_browser, org
):
    archive = {"action": "archive_selected", "_selected_action": [org["bag_drop"].pk]}
    admin_browser.post(TYPES_URL, archive)
    response = logging_tablet.post(LOG_URL, moment_post(org["bag_drop"]), headers=JSON)
    assert response.status_code == 422
    assert "not available" in response.json()["errors"]["touchpoint_type"][0]["message"]
    assert Moment.objects.count() == 1


def test_a_restored_type_can_be_logged_again_at_once(logging_tablet, admin_browser, org):
    selected = {"_selected_action": [org["bag_drop"].pk]}
    admin_browser.post(TYPES_URL, {"action": "archive_selected", **selected})
    logging_tablet.post(LOG_URL, moment_post(org["bag_drop"]), headers=JSON)
    admin_browser.post(TYPES_URL, {"action": "restore_selected", **selected})
    response = logging_tablet.post(LOG_URL, moment_post(org["bag_drop"]), headers=JSON)
    assert response.status_code == 201


def test_a_required_extra_field_added_in_the_admin_is_asked_at_the_next_save(
    logging_tablet, admin_browser, org
):
    bag_drop = org["bag_drop"]
    new_row = extra_field_row(label="Bag tag", required=True)
    change = reverse("admin:touchpoints_touchpointtype_change", args=[bag_drop.pk])
    assert admin_browser.post(change, type_form(bag_drop, [new_row])).status_code == 302
    response = logging_tablet.post(LOG_URL, moment_post(bag_drop), headers=JSON)
    assert response.status_code == 422
    assert "Bag tag is required" in response.text
    assert Moment.objects.count() == 1


def test_a_frontline_role_removed_by_an_admin_stops_the_next_save(
    logging_tablet, admin_browser, agent, org
):
    admin_browser.post(change_url(agent), person_form(agent, role="manager"))
    response = logging_tablet.post(LOG_URL, moment_post(org["bag_drop"]), headers=JSON)
    assert response.status_code == 403
    assert Moment.objects.count() == 1


def test_a_person_taken_out_of_their_team_is_told_why_at_the_next_save(
    logging_tablet, admin_browser, agent, org
):
    admin_browser.post(change_url(agent), person_form(agent, team=""))
    response = logging_tablet.post(LOG_URL, moment_post(org["bag_drop"]))
    assert response.status_code == 403
    assert Moment.objects.count() == 1


def test_a_session_signed_in_before_the_faster_sign_in_still_saves(client, agent, org):
    client.force_login(agent, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(LOG_URL, moment_post(org["bag_drop"]), headers=JSON)
    assert response.status_code == 201
    assert Moment.objects.get().team == org["arn_desk"]


def reload_in_another_thread(touchpoint_type) -> None:
    """A thread has its own connection: it sees only committed rows, as another process
    would, and keeps what it read in memory under the version of that moment."""

    def reload():
        loggable_types.active_type(touchpoint_type.pk)
        connections.close_all()

    thread = threading.Thread(target=reload)
    thread.start()
    thread.join()


@pytest.mark.django_db(transaction=True)
def test_types_reloaded_while_an_archiving_commits_are_reloaded_after_it(
    postgres, client, agent, org
):
    bag_drop = org["bag_drop"]
    client.login(username=agent.username, password=PASSWORD)
    with transaction.atomic():
        bag_drop.active = False
        bag_drop.save()
        reload_in_another_thread(bag_drop)  # still reads bag drop as active
    response = client.post(LOG_URL, moment_post(bag_drop), headers=JSON)
    assert response.status_code == 422
    assert not Moment.objects.exists()
