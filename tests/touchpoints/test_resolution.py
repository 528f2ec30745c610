"""Resolved on the spot is what the person chose, or "not recorded" when they chose nothing."""

import pytest
from django.urls import reverse

from tests.conftest import moment_post
from tests.touchpoints.conftest import JSON
from touchpoints.models import Moment

LOG_URL = reverse("touchpoints:log")


@pytest.mark.parametrize(
    ("sent", "stored"),
    [("yes", True), ("no", False), (None, None), ("", None), ("on", None)],
    ids=["resolved", "not_yet", "field_missing", "empty", "old_tick_box"],
)
def test_a_save_stores_the_resolution_the_person_chose_or_not_recorded(
    agent_client, org, sent, stored
):
    agent_client.post(LOG_URL, moment_post(org["desk"], resolved_on_spot=sent), headers=JSON)
    assert Moment.objects.get().resolved_on_spot is stored


def test_a_post_without_the_field_is_stored_as_not_recorded(agent_client, org):
    """An older tablet's page, a queued moment from before, an import: no choice was made."""
    data = moment_post(org["desk"])
    del data["resolved_on_spot"]
    response = agent_client.post(LOG_URL, data, headers=JSON)
    assert response.status_code == 201
    assert Moment.objects.get().resolved_on_spot is None


def test_an_unknown_resolution_is_refused_with_a_clear_message(agent_client, org):
    response = agent_client.post(
        LOG_URL, moment_post(org["desk"], resolved_on_spot="maybe"), headers=JSON
    )
    assert response.status_code == 422
    assert "Choose Resolved or Not yet." in response.text
    assert not Moment.objects.exists()


def test_the_log_screen_offers_two_save_buttons_and_no_ticked_default(agent_client, org):
    page = agent_client.get(LOG_URL).text
    assert 'name="resolved_on_spot" value="yes"' in page
    assert 'name="resolved_on_spot" value="no"' in page
    assert "data-resolved" not in page
    assert 'type="checkbox" name="resolved_on_spot"' not in page


def correct(client, moment, org, resolution):
    data = moment_post(org["desk"], resolved_on_spot=resolution)
    data.pop("uuid")
    data["occurred_at"] = moment.occurred_at.isoformat()
    return client.post(reverse("touchpoints:correct", args=[moment.uuid]), data)


@pytest.mark.parametrize(
    ("before", "sent", "after"),
    [("yes", "no", False), ("no", "yes", True), ("yes", None, None), (None, "no", False)],
    ids=["to_not_yet", "to_resolved", "to_not_recorded", "from_not_recorded"],
)
def test_a_correction_sets_resolved_not_yet_or_not_recorded(agent_client, org, before, sent, after):
    agent_client.post(LOG_URL, moment_post(org["desk"], resolved_on_spot=before), headers=JSON)
    moment = Moment.objects.get()
    response = correct(agent_client, moment, org, sent)
    assert response.status_code == 302
    moment.refresh_from_db()
    assert moment.resolved_on_spot is after


def test_the_correction_form_shows_the_recorded_choice(agent_client, org):
    agent_client.post(LOG_URL, moment_post(org["desk"], resolved_on_spot="no"), headers=JSON)
    moment = Moment.objects.get()
    page = agent_client.get(reverse("touchpoints:correct", args=[moment.uuid])).text
    assert 'value="no" checked' in page
    assert "Not recorded" in page
