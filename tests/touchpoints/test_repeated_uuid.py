"""A UUID names one moment: a resend of it is harmless, another moment under it is refused."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import moment_post
from tests.touchpoints.conftest import JSON
from touchpoints import corrections
from touchpoints.models import ExtraField, Moment

LOG_URL = reverse("touchpoints:log")


def tablet_post(org, **overrides) -> dict:
    """A moment as the tablet's script sends it: stamped with the tablet's clock to the ms."""
    stamped = timezone.now().replace(microsecond=345_000) - timedelta(minutes=3)
    data = {"occurred_at": stamped.isoformat().replace("+00:00", "Z"), "customer_ref": "XK7P2Q"}
    return moment_post(org["bag_drop"], **{**data, **overrides})


def test_an_identical_resend_answers_200_with_created_false(agent_client, org):
    data = tablet_post(org, note="Fee waived")
    agent_client.post(LOG_URL, data, headers=JSON)
    response = agent_client.post(LOG_URL, data, headers=JSON)
    assert response.status_code == 200
    assert response.json() == {"uuid": data["uuid"], "created": False, "summary": "Bag drop, good"}
    assert Moment.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"outcome": 1},
        {"touchpoint_type": "desk"},
        {"channel": "phone"},
        {"resolved_on_spot": "no"},
        {"resolved_on_spot": None},
        {"note": "Another passenger"},
        {"customer_ref": "ZZ9PLURAL"},
        {"customer_ref": None},
        {"occurred_at": "later"},
    ],
    ids=lambda change: next(iter(change)) + ("_removed" if None in change.values() else ""),
)
def test_another_moment_under_a_used_uuid_is_refused_and_changes_nothing(agent_client, org, change):
    first = tablet_post(org)
    agent_client.post(LOG_URL, first, headers=JSON)
    stored = Moment.objects.values().get()
    second = {**first, **change}
    if "touchpoint_type" in change:
        second["touchpoint_type"] = org["desk"].pk
    if "occurred_at" in change:
        second["occurred_at"] = (timezone.now() - timedelta(minutes=1)).isoformat()
    second = {key: value for key, value in second.items() if value is not None}

    response = agent_client.post(LOG_URL, second, headers=JSON)

    assert response.status_code == 409
    assert response.json()["code"] == "id_in_use"
    assert "another moment you logged (Bag drop, good at" in response.json()["error"]
    assert list(Moment.objects.values()) == [stored]


def test_a_different_extra_field_value_is_another_moment(agent_client, org):
    ExtraField.objects.create(touchpoint_type=org["bag_drop"], key="flight", label="Flight")
    field = f"extra_{org['bag_drop'].pk}_flight"
    first = tablet_post(org, **{field: "SK903"})
    agent_client.post(LOG_URL, first, headers=JSON)
    response = agent_client.post(LOG_URL, {**first, field: "SK904"}, headers=JSON)
    assert response.status_code == 409
    assert Moment.objects.get().extra == {"flight": "SK903"}


def test_a_resend_of_a_moment_corrected_since_is_still_the_same_moment(agent_client, agent, org):
    data = tablet_post(org)
    agent_client.post(LOG_URL, data, headers=JSON)
    moment = Moment.objects.get()
    cleaned = {"touchpoint_type": org["desk"], "channel": "phone", "outcome": 2}
    cleaned.update(resolved_on_spot=False, note="", extra={}, occurred_at=moment.occurred_at)
    corrections.correct_moment(agent, moment, cleaned)

    response = agent_client.post(LOG_URL, data, headers=JSON)

    assert (response.status_code, response.json()["created"]) == (200, False)
    assert Moment.objects.get().touchpoint_type == org["desk"]  # the correction stays


def test_a_plain_form_sent_twice_is_one_moment_whatever_the_servers_clock(agent_client, org):
    data = moment_post(org["bag_drop"])  # no script: no time from the tablet
    agent_client.post(LOG_URL, data)
    Moment.objects.update(occurred_at=timezone.now() - timedelta(minutes=1))
    response = agent_client.post(LOG_URL, data)
    assert response.status_code == 302
    assert Moment.objects.count() == 1


def test_a_plain_form_reusing_a_uuid_is_shown_again_under_a_new_one(agent_client, org):
    first = moment_post(org["bag_drop"])
    agent_client.post(LOG_URL, first)
    second = {**first, "outcome": 1, "note": "Kept after the refusal"}

    response = agent_client.post(LOG_URL, second)

    assert response.status_code == 409
    assert "another moment you logged" in response.text
    assert "Kept after the refusal" in response.text
    new_uuid = response.context["form"]["uuid"].value()
    assert new_uuid != first["uuid"]
    agent_client.post(LOG_URL, {**second, "uuid": new_uuid})
    assert sorted(Moment.objects.values_list("outcome", flat=True)) == [1, 4]
