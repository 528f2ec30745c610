"""A moment left waiting on a shared tablet travels sealed for its author: whoever's page sends
it, it is stored as the author's, under the author's checks, and a seal that is not the
author's is refused with a reason and stores nothing."""

import base64
import json
import os
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD, make_user, moment_post
from touchpoints.models import Moment, Role
from touchpoints.sealed_moments import author_label, person_key

pytestmark = pytest.mark.django_db

SEALED_URL = reverse("touchpoints:send_sealed")
JSON = {"Accept": "application/json"}


def sealed(author, fields: dict, *, key: str | None = None, label: str | None = None) -> dict:
    """What the log screen's script sends for a moment `author` queued: sealed as it seals."""
    label = label or author_label(author)
    nonce = os.urandom(12)
    content = json.dumps({"body": urlencode(fields), "summary": "Bag drop, good"}).encode()
    ciphertext = AESGCM(base64.b64decode(key or person_key(author))).encrypt(
        nonce, content, label.encode()
    )
    return {"author": label, "sealed": base64.b64encode(nonce + ciphertext).decode()}


def tablet_moment(org, **overrides) -> dict:
    stamped = timezone.now().replace(microsecond=345_000) - timedelta(minutes=20)
    data = {"occurred_at": stamped.isoformat(), "customer_ref": "XK7P2Q", "note": "Wheelchair"}
    return moment_post(org["bag_drop"], **{**data, **overrides})


@pytest.fixture
def bertil(org):
    """Another agent at the same desk, signed in on the tablet after Anna."""
    return make_user("bertil", Role.FRONTLINE, team=org["arn_desk"])


@pytest.fixture
def bertil_client(client, bertil):
    client.login(username=bertil.username, password=PASSWORD)
    return client


def test_a_moment_sealed_by_one_person_and_sent_by_another_is_the_first_persons(
    bertil_client, agent, org
):
    response = bertil_client.post(SEALED_URL, sealed(agent, tablet_moment(org)), headers=JSON)
    assert response.status_code == 201
    moment = Moment.objects.get()
    assert (moment.staff, moment.team, moment.note) == (agent, org["arn_desk"], "Wheelchair")
    assert response.json()["summary"] == "Bag drop, good"


def test_a_sealed_moment_sent_twice_is_stored_once_and_a_differing_repeat_is_refused(
    bertil_client, agent, org
):
    data = tablet_moment(org)
    first = bertil_client.post(SEALED_URL, sealed(agent, data), headers=JSON)
    again = bertil_client.post(SEALED_URL, sealed(agent, data), headers=JSON)
    other = bertil_client.post(SEALED_URL, sealed(agent, {**data, "outcome": 1}), headers=JSON)
    assert [first.status_code, again.status_code, other.status_code] == [201, 200, 409]
    assert again.json()["created"] is False
    assert other.json()["code"] == "id_in_use"
    assert Moment.objects.count() == 1


@pytest.mark.parametrize("flaw", ["another persons key", "a made-up key", "changed bytes"])
def test_a_seal_that_is_not_its_authors_is_refused_with_a_reason(
    bertil_client, bertil, agent, org, flaw
):
    if flaw == "another persons key":
        item = sealed(agent, tablet_moment(org), key=person_key(bertil))
    elif flaw == "a made-up key":
        item = sealed(agent, tablet_moment(org), key=base64.b64encode(os.urandom(32)).decode())
    else:
        item = sealed(agent, tablet_moment(org))
        raw = bytearray(base64.b64decode(item["sealed"]))
        raw[20] ^= 1
        item["sealed"] = base64.b64encode(raw).decode()
    response = bertil_client.post(SEALED_URL, item, headers=JSON)
    assert response.status_code == 400
    assert response.json()["code"] == "unreadable"
    assert "not sealed with the key of the person it names" in response.json()["error"]
    assert not Moment.objects.exists()


def test_a_seal_moved_under_another_persons_label_is_refused(bertil_client, bertil, agent, org):
    item = sealed(agent, tablet_moment(org))
    item["author"] = author_label(bertil)  # Bertil claims Anna's moment as his
    response = bertil_client.post(SEALED_URL, item, headers=JSON)
    assert response.status_code == 400
    assert not Moment.objects.exists()


def test_an_author_label_no_key_here_made_is_refused(bertil_client, agent, org):
    item = sealed(agent, tablet_moment(org), label="bm90IGEgbGFiZWw=")
    response = bertil_client.post(SEALED_URL, item, headers=JSON)
    assert response.status_code == 400
    assert response.json()["error"] == "It names no person this server knows, so it was not stored."
    assert not Moment.objects.exists()


@pytest.mark.parametrize("change", ["deactivated", "no longer frontline", "left the team"])
def test_a_moment_of_someone_who_may_no_longer_log_is_refused(bertil_client, agent, org, change):
    item = sealed(agent, tablet_moment(org))
    if change == "deactivated":
        agent.is_active = False
    elif change == "no longer frontline":
        agent.groups.remove(Group.objects.get(name=Role.FRONTLINE))
    else:
        agent.team = None
    agent.save()
    response = bertil_client.post(SEALED_URL, item, headers=JSON)
    assert response.status_code == 403
    assert "may no longer log moments here" in response.json()["error"]
    assert not Moment.objects.exists()


def test_a_sealed_moment_gets_the_authors_own_checks(bertil_client, agent, org):
    org["bag_drop"].active = False
    org["bag_drop"].save()
    response = bertil_client.post(SEALED_URL, sealed(agent, tablet_moment(org)), headers=JSON)
    assert response.status_code == 422
    assert "touchpoint_type" in response.json()["errors"]
    assert not Moment.objects.exists()


def test_nobody_signed_in_cannot_send_a_sealed_moment(client, agent, org):
    response = client.post(SEALED_URL, sealed(agent, tablet_moment(org)), headers=JSON)
    assert response.status_code == 302
    assert not Moment.objects.exists()


def test_the_log_screen_tells_its_worker_which_sign_in_its_copy_belongs_to(client, agent):
    client.login(username=agent.username, password=PASSWORD)
    first = client.get("/log/")["Moments-Offline-Copy"]
    again = client.get("/log/")["Moments-Offline-Copy"]
    client.logout()
    client.login(username=agent.username, password=PASSWORD)
    next_sign_in = client.get("/log/")["Moments-Offline-Copy"]
    label, expires = next_sign_in.split("; expires=")
    assert first == again != next_sign_in
    assert client.session.session_key not in next_sign_in
    assert int(expires) == int(client.session.get_expiry_date().timestamp())


def test_a_sealed_remedy_sent_by_the_next_person_is_given_once_by_its_author(
    bertil_client, agent, org
):
    from tests.touchpoints.remedy_steps import remedy_kinds, remedy_post
    from touchpoints.models import Remedy

    apology = remedy_kinds()["apology"]
    moment_data = tablet_moment(org)
    bertil_client.post(SEALED_URL, sealed(agent, moment_data), headers=JSON)
    moment = Moment.objects.get()
    remedy = sealed(agent, remedy_post(moment, apology))
    first = bertil_client.post(SEALED_URL, remedy, headers=JSON)
    again = bertil_client.post(SEALED_URL, remedy, headers=JSON)
    assert [first.status_code, again.status_code] == [201, 200]
    assert list(Remedy.objects.values_list("given_by__username", "kind__name")) == [
        ("anna", "Spoken apology")
    ]
