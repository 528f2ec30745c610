"""A field that takes one value, sent twice with different values, is refused with a
message, and the form comes back with everything that was typed."""

from django.urls import reverse

from tests.conftest import moment_post
from tests.touchpoints.conftest import JSON
from touchpoints.models import Moment, Need

TWICE = "This came twice with different values. Choose one and send again."
LOG_URL = reverse("touchpoints:log")


def test_two_outcomes_are_refused_and_the_note_typed_stays(agent_client, org):
    data = moment_post(org["desk"], outcome=["1", "5"], note="Wheelchair to gate 12")
    response = agent_client.post(LOG_URL, data)
    assert response.status_code == 422
    assert TWICE in response.text
    assert "Wheelchair to gate 12" in response.text
    assert not Moment.objects.exists()


def test_the_tablet_script_gets_the_same_refusal_as_json(agent_client, org):
    data = moment_post(org["desk"], outcome=["1", "5"])
    response = agent_client.post(LOG_URL, data, headers=JSON)
    assert response.status_code == 422
    assert response.json()["errors"]["outcome"][0]["message"] == TWICE
    assert not Moment.objects.exists()


def test_the_same_value_twice_is_just_that_value(agent_client, org):
    agent_client.post(LOG_URL, moment_post(org["desk"], outcome=["2", "2"]))
    assert Moment.objects.get().outcome == 2


def test_a_need_with_two_kinds_is_refused_and_the_note_typed_stays(agent_client):
    data = {"kind": ["tool", "training"], "note": "A second bag tag printer"}
    response = agent_client.post(reverse("touchpoints:needs"), data)
    assert response.status_code == 422
    assert TWICE in response.text
    assert "A second bag tag printer" in response.text
    assert not Need.objects.exists()
