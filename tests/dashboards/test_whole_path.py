"""The whole path end to end: log, answer, roll up, read the dashboard."""

import re

import pytest
from django.urls import reverse

from feedback.models import Invitation
from tests.conftest import PASSWORD, moment_post
from touchpoints.models import DirtyDay, Moment

LOG_URL = reverse("touchpoints:log")
DASHBOARD_URL = reverse("dashboards:dashboard")


def log(client, touchpoint_type, **fields) -> Moment:
    data = moment_post(touchpoint_type, **fields)
    client.post(LOG_URL, data)
    return Moment.objects.get(uuid=data["uuid"])


def customer_answers(client, staff_client, moment, **answer):
    staff_client.post(reverse("feedback:invite", args=[moment.uuid]))
    token = Invitation.objects.get(moment=moment).token
    client.post(reverse("feedback:answer", args=[token]), answer)


def figure(response, name: str) -> str:
    """The text of a headline figure on the page."""
    return re.findall(rf'data-figure="{name}">([^<]*)<', response.text)[0]


@pytest.fixture
def client_factory(db):
    from django.test import Client

    def make(user=None) -> Client:
        client = Client()
        if user is not None:
            client.login(username=user.username, password=PASSWORD)
        return client

    return make


@pytest.fixture
def logged_day(client_factory, agent, jfk_agent, org, django_capture_on_commit_callbacks):
    """Four moments at ARN, three answered, and one at JFK; roll-ups run after each commit."""
    anna, jack, customer = client_factory(agent), client_factory(jfk_agent), client_factory()
    with django_capture_on_commit_callbacks(execute=True):
        m1 = log(anna, org["bag_drop"], outcome=4)
        m2 = log(anna, org["bag_drop"], outcome=2, resolved_on_spot="no")
        m3 = log(anna, org["desk"], outcome=5)
        log(anna, org["boarding"], outcome=3)
        log(jack, org["desk"], outcome=1)
        customer_answers(customer, anna, m1, csat=5, nps=10)
        customer_answers(customer, anna, m2, csat=2, nps=3, comment="Too slow")
        customer_answers(customer, anna, m3, csat=4, nps=9)


def test_dashboard_shows_exactly_the_figures_computed_by_hand(client, arn_manager, logged_day):
    client.login(username=arn_manager.username, password=PASSWORD)
    response = client.get(DASHBOARD_URL, {"period": "1"})
    # 4 moments, 3 resolved; CSAT 2 of 3 answers are 4–5; NPS (2 promoters − 1 detractor) / 3.
    assert figure(response, "moments") == "4"
    assert figure(response, "resolved") == "75%"
    assert figure(response, "csat") == "67%"
    assert figure(response, "nps") == "+33"
    assert figure(client.get(DASHBOARD_URL, {"period": "7"}), "moments") == "4"


def test_roll_up_leaves_no_dirty_day_behind(logged_day):
    assert DirtyDay.objects.count() == 0


def test_manager_sees_only_their_own_locations_numbers(client, arn_manager, org, logged_day):
    client.login(username=arn_manager.username, password=PASSWORD)
    response = client.get(DASHBOARD_URL)
    assert "New York JFK" not in response.text
    assert figure(response, "moments") == "4"  # JFK's moment is not counted


def test_manager_asking_for_another_location_gets_403(client, arn_manager, org, logged_day):
    client.login(username=arn_manager.username, password=PASSWORD)
    response = client.get(DASHBOARD_URL, {"location": org["jfk"].pk})
    assert response.status_code == 403


def test_admin_sees_every_location(client, admin_user, logged_day):
    client.login(username=admin_user.username, password=PASSWORD)
    response = client.get(DASHBOARD_URL)
    assert figure(response, "moments") == "5"
    assert "New York JFK" in response.text


def test_customer_comment_reaches_the_drill_down(client, arn_manager, org, logged_day):
    client.login(username=arn_manager.username, password=PASSWORD)
    url = reverse("dashboards:journey_moments", args=[org["bag_drop"].pk])
    assert "Too slow" in client.get(url).text


def test_manager_lands_on_the_dashboard(client, arn_manager):
    client.login(username=arn_manager.username, password=PASSWORD)
    response = client.get("/")
    assert response["Location"] == DASHBOARD_URL


def test_dashboard_without_data_shows_dashes_not_errors(client, arn_manager):
    client.login(username=arn_manager.username, password=PASSWORD)
    response = client.get(DASHBOARD_URL)
    assert figure(response, "moments") == "0"
    assert figure(response, "csat") == "–"
