"""POST /api/v1/moments: a contact centre logs its calls as the tablet logs a moment."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from dashboards.models import DailyRollup
from feedback.models import Invitation
from tests.api.conftest import ApiClient, moment_item
from tests.conftest import make_user
from touchpoints.api_keys import ApiWrite
from touchpoints.customers import hash_ref
from touchpoints.models import DirtyDay, Moment, Role


def test_it_logs_a_moment_and_answers_201(api, org, agent):
    item = moment_item(org, customer_ref="ab-12 3c")

    response = api.post("/api/v1/moments", {"moments": [item]})

    assert response.status_code == 201
    assert response.json() == {
        "moments": [
            {
                "uuid": item["uuid"],
                "created": True,
                "answer_url": None,
                "invitation_held_back": None,
                "asked_on": None,
            }
        ]
    }
    moment = Moment.objects.get(uuid=item["uuid"])
    assert (moment.staff, moment.team, moment.location) == (agent, org["arn_desk"], org["arn"])
    assert moment.channel == "phone" and moment.outcome == 4
    assert moment.customer_ref_hash == hash_ref("AB123C")


def test_a_moment_reaches_the_roll_up(api, org, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api.post("/api/v1/moments", {"moments": [moment_item(org)]})

    # Tests roll up in-process after each commit: the day was marked dirty and rolled up.
    assert sum(row.moments for row in DailyRollup.objects.all()) == 1
    assert not DirtyDay.objects.exists()


def test_an_identical_repeat_answers_200_and_stores_nothing_new(api, org, agent):
    batch = {"moments": [moment_item(org), moment_item(org)]}
    api.post("/api/v1/moments", batch)

    response = api.post("/api/v1/moments", batch)

    assert response.status_code == 200
    assert [entry["created"] for entry in response.json()["moments"]] == [False, False]
    assert Moment.objects.count() == 2


def test_a_differing_repeat_answers_409_and_the_batch_is_kept_whole(api, org, agent):
    first = moment_item(org)
    api.post("/api/v1/moments", {"moments": [first]})
    new = moment_item(org)

    response = api.post("/api/v1/moments", {"moments": [new, {**first, "outcome": 1}]})

    assert response.status_code == 409
    assert response.json()["errors"][0]["pointer"] == "#/moments/1/uuid"
    assert response.json()["errors"][0]["code"] == "uuid_in_use"
    assert not Moment.objects.filter(uuid=new["uuid"]).exists()
    assert Moment.objects.get(uuid=first["uuid"]).outcome == 4


def test_a_batch_with_one_bad_item_stores_nothing(api, org, agent):
    old = (timezone.now() - timedelta(days=4)).isoformat()
    items = [moment_item(org), moment_item(org, occurred_at=old), moment_item(org, team=999)]

    response = api.post("/api/v1/moments", {"moments": items})

    assert response.status_code == 422
    errors = {(e["pointer"], e["code"]) for e in response.json()["errors"]}
    assert errors == {("#/moments/1/occurred_at", "invalid"), ("#/moments/2/team", "not_your_team")}
    assert not Moment.objects.exists()


def test_a_time_without_offset_is_refused(api, org, agent):
    item = moment_item(org, occurred_at="2026-12-06T10:00:00")

    response = api.post("/api/v1/moments", {"moments": [item]})

    assert response.json()["errors"][0]["code"] == "needs_offset"


def test_more_than_a_thousand_is_refused(api, org, agent):
    response = api.post("/api/v1/moments", {"moments": [moment_item(org)] * 1001})

    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "pointer": "#/moments",
        "code": "too_many",
        "detail": response.json()["errors"][0]["detail"],
    }


def test_the_same_uuid_twice_in_a_batch_is_refused(api, org, agent):
    item = moment_item(org)

    response = api.post("/api/v1/moments", {"moments": [item, item]})

    assert response.json()["errors"][0]["code"] == "duplicate_uuid"


def test_an_archived_type_is_refused_as_on_the_tablet(api, org, agent):
    org["desk"].active = False
    org["desk"].save()

    response = api.post("/api/v1/moments", {"moments": [moment_item(org)]})

    assert response.json()["errors"][0]["pointer"] == "#/moments/0/touchpoint_type"


def test_it_invites_the_customer_and_returns_the_answer_url(api, org, agent):
    item = moment_item(org, invite=True, customer_ref="ABC123")

    response = api.post("/api/v1/moments", {"moments": [item]})

    invitation = Invitation.objects.get(moment__uuid=item["uuid"])
    url = response.json()["moments"][0]["answer_url"]
    assert url.endswith(invitation.get_absolute_url()) and url.startswith("http")


def test_every_write_is_audited_with_the_keys_name(api, org, agent):
    item = moment_item(org)

    api.post("/api/v1/moments", {"moments": [item]})

    write = ApiWrite.objects.get()
    assert (write.key_name, write.count, write.objects_written) == (
        "Contact centre",
        1,
        [item["uuid"]],
    )


def test_a_read_only_key_cannot_write(org, agent):
    from touchpoints.api_keys import create_key

    _, plain = create_key("BI tool", [org["arn"]], read=True, write=False)

    response = ApiClient(plain).post("/api/v1/moments", {"moments": [moment_item(org)]})

    assert response.status_code == 403
    assert not Moment.objects.exists()


def test_staff_at_another_location_is_out_of_scope_and_looks_unknown(api, org, jfk_agent):
    jfk = moment_item(org, staff="jack", team=org["jfk_desk"].pk)
    nobody = moment_item(org, staff="nobody")

    response = api.post("/api/v1/moments", {"moments": [jfk, nobody]})

    assert response.status_code == 403
    first, second = response.json()["errors"]
    assert first["code"] == second["code"] == "out_of_scope"
    assert first["detail"] == second["detail"]
    assert not Moment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_racing_duplicate_batches_store_each_moment_once(org, agent, arn_key, postgres):
    batch = {"moments": [moment_item(org) for _ in range(50)]}
    answers, ready = [], threading.Barrier(3)

    def send():
        client = ApiClient(arn_key[1])
        ready.wait()
        answers.append(client.post("/api/v1/moments", batch))
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(r.status_code for r in answers) == [200, 200, 201]
    created = [sum(e["created"] for e in r.json()["moments"]) for r in answers]
    assert sorted(created) == [0, 0, 50]
    assert Moment.objects.count() == 50


def test_a_person_who_is_not_frontline_cannot_be_named(api, org):
    make_user("boss", Role.MANAGER, team=org["arn_desk"])

    response = api.post("/api/v1/moments", {"moments": [moment_item(org, staff="boss")]})

    assert response.status_code == 403


def test_extra_fields_travel_under_extra(api, org, agent):
    from touchpoints.models import ExtraField

    ExtraField.objects.create(
        touchpoint_type=org["desk"], key="flight", label="Flight", required=True
    )
    missing = moment_item(org)
    given = moment_item(org, extra={"flight": "SK123"}, uuid=str(uuid.uuid4()))

    response = api.post("/api/v1/moments", {"moments": [missing]})
    assert response.json()["errors"][0]["pointer"] == "#/moments/0/extra/flight"

    api.post("/api/v1/moments", {"moments": [given]})
    assert Moment.objects.get(uuid=given["uuid"]).extra == {"flight": "SK123"}
