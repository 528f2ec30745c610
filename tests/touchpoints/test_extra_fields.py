import pytest
from django.urls import reverse

from tests.conftest import moment_post
from tests.touchpoints.conftest import JSON
from touchpoints.models import ExtraField, Moment

LOG_URL = reverse("touchpoints:log")


@pytest.fixture
def gate_fields(org):
    boarding = org["boarding"]
    return {
        "flight": ExtraField.objects.create(
            touchpoint_type=boarding,
            key="flight",
            label="Flight number",
            required=True,
            max_length=8,
        ),
        "bags": ExtraField.objects.create(
            touchpoint_type=boarding, key="bags", label="Bags", kind=ExtraField.Kind.NUMBER
        ),
        "class": ExtraField.objects.create(
            touchpoint_type=boarding,
            key="class",
            label="Cabin",
            kind=ExtraField.Kind.CHOICE,
            choices="Economy\nBusiness",
        ),
    }


def extra(org, key):
    return f"extra_{org['boarding'].pk}_{key}"


def test_extra_values_are_stored_under_their_keys(agent_client, org, gate_fields):
    data = moment_post(
        org["boarding"],
        **{extra(org, "flight"): "SK903", extra(org, "bags"): "2", extra(org, "class"): "Business"},
    )
    agent_client.post(LOG_URL, data, headers=JSON)
    assert Moment.objects.get().extra == {"flight": "SK903", "bags": 2, "class": "Business"}


def test_log_screen_shows_a_types_extra_fields(agent_client, org, gate_fields):
    page = agent_client.get(LOG_URL).text
    assert "Flight number" in page
    assert f'name="{extra(org, "class")}"' in page


def test_missing_required_extra_field_is_refused_by_name(agent_client, org, gate_fields):
    response = agent_client.post(LOG_URL, moment_post(org["boarding"]), headers=JSON)
    assert response.status_code == 422
    message = response.json()["errors"][extra(org, "flight")][0]["message"]
    assert message == "Flight number is required for Boarding."
    assert Moment.objects.count() == 0


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("bags", "two", "Bags: enter a number"),
        ("class", "First", "Cabin: choose one of the listed options"),
        ("flight", "SK9031234", "Flight number: at most 8 characters"),
    ],
)
def test_wrong_extra_value_names_the_field(agent_client, org, gate_fields, key, value, message):
    data = moment_post(org["boarding"], **{extra(org, "flight"): "SK903", extra(org, key): value})
    response = agent_client.post(LOG_URL, data, headers=JSON)
    assert response.status_code == 422
    assert message in response.json()["errors"][extra(org, key)][0]["message"]


def test_another_types_required_field_does_not_block_a_moment(agent_client, org, gate_fields):
    response = agent_client.post(LOG_URL, moment_post(org["bag_drop"]), headers=JSON)
    assert response.status_code == 201
    assert Moment.objects.get().extra == {}


def test_inactive_field_is_not_asked_but_old_values_keep_their_label(
    agent_client, agent, org, gate_fields
):
    data = moment_post(org["boarding"], **{extra(org, "flight"): "SK903"})
    agent_client.post(LOG_URL, data, headers=JSON)
    gate_fields["flight"].active = False
    gate_fields["flight"].save()
    assert "Flight number" not in agent_client.get(LOG_URL).text
    mine = agent_client.get(reverse("touchpoints:mine")).text
    assert "Flight number" in mine
    assert "SK903" in mine
