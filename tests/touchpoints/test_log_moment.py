import pytest
from django.urls import reverse

from tests.conftest import PASSWORD, moment_post
from touchpoints.models import DirtyDay, Moment

LOG_URL = reverse("touchpoints:log")


@pytest.fixture
def agent_client(client, agent):
    client.login(username=agent.username, password=PASSWORD)
    return client


def test_frontline_user_lands_on_the_log_screen(agent_client):
    response = agent_client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == LOG_URL
    assert "Bag drop" in response.text


def test_logging_a_moment_stores_it_for_the_staff_members_team(agent_client, agent, org):
    agent_client.post(LOG_URL, moment_post(org["bag_drop"], outcome=2, note="Bag overweight"))
    moment = Moment.objects.get()
    assert (moment.staff, moment.team, moment.location) == (agent, org["arn_desk"], org["arn"])
    assert (moment.outcome, moment.resolved_on_spot, moment.note) == (2, True, "Bag overweight")


def test_saved_moment_is_confirmed_on_a_fresh_form(agent_client, org):
    response = agent_client.post(
        LOG_URL, moment_post(org["bag_drop"]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "Saved: Bag drop" in response.text
    assert "Ask the customer for feedback" in response.text


def test_plain_post_without_javascript_redirects_to_the_confirmation(agent_client, org):
    response = agent_client.post(LOG_URL, moment_post(org["desk"]), follow=True)
    assert "Saved: Check-in desk" in response.text


def test_double_submitted_form_stores_one_moment(agent_client, org):
    data = moment_post(org["bag_drop"])
    first = agent_client.post(LOG_URL, data, headers={"HX-Request": "true"})
    second = agent_client.post(LOG_URL, data, headers={"HX-Request": "true"})
    assert Moment.objects.count() == 1
    assert first.status_code == second.status_code == 200
    assert "Saved: Bag drop" in second.text


def test_a_moments_day_is_its_locations_local_day(agent_client, org):
    # 23:30 UTC on 1 July is already 2 July in Stockholm (UTC+2 in summer).
    data = moment_post(org["bag_drop"])
    agent_client.post(LOG_URL, data)
    moment = Moment.objects.get()
    moment.occurred_at = moment.occurred_at.replace(year=2026, month=7, day=1, hour=23, minute=30)
    moment.save()
    assert str(moment.local_date) == "2026-07-02"


def test_logging_marks_the_day_dirty_for_the_roll_up(agent_client, org):
    agent_client.post(LOG_URL, moment_post(org["bag_drop"]))
    moment = Moment.objects.get()
    assert DirtyDay.objects.filter(location=org["arn"], local_date=moment.local_date).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"touchpoint_type": None}, "touchpoint_type", "Choose what kind of moment this was."),
        ({"touchpoint_type": 999999}, "touchpoint_type", "That touchpoint type is not available"),
        ({"outcome": 9}, "outcome", "Select a valid choice"),
        ({"outcome": None}, "outcome", "Choose how it went."),
        ({"note": "x" * 501}, "note", "at most 500 characters"),
        ({"uuid": "not-a-uuid"}, "uuid", "valid UUID"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_stores_nothing(
    agent_client, org, overrides, field, message
):
    data = {**moment_post(org["bag_drop"], note="Kept after the error"), **overrides}
    data = {key: value for key, value in data.items() if value is not None}
    response = agent_client.post(LOG_URL, data)
    assert response.status_code == 422
    assert message in str(response.context["form"].errors[field])
    assert Moment.objects.count() == 0
    if field != "note":
        assert "Kept after the error" in response.text


def test_archived_type_cannot_be_logged(agent_client, org):
    org["boarding"].active = False
    org["boarding"].save()
    response = agent_client.post(LOG_URL, moment_post(org["boarding"]))
    assert response.status_code == 422
    assert Moment.objects.count() == 0


def test_repeating_another_persons_moment_uuid_is_refused(client, agent, jfk_agent, org):
    data = moment_post(org["bag_drop"])
    client.login(username=agent.username, password=PASSWORD)
    client.post(LOG_URL, data)
    client.login(username=jfk_agent.username, password=PASSWORD)
    response = client.post(LOG_URL, data)
    assert response.status_code == 403
    assert Moment.objects.get().staff == agent


def test_managers_cannot_log_moments(client, arn_manager):
    client.login(username=arn_manager.username, password=PASSWORD)
    assert client.get(LOG_URL).status_code == 403


def test_anonymous_visitor_is_sent_to_log_in(client, db):
    response = client.get(LOG_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
