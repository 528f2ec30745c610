"""A customer, by their hashed reference, is invited at most once in a while: on the tablet,
by link and through the API alike; the tablet says when they were asked, the API says why,
and the dashboard counts what was held back."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.invitations import AskedRecently, invitation_for
from feedback.models import HeldBackInvitation, Invitation
from tests.api.conftest import ApiClient, moment_item
from tests.conftest import PASSWORD, add_moment, moment_post
from touchpoints.api_keys import create_key
from touchpoints.customers import hash_ref
from touchpoints.models import Moment

JSON = {"Accept": "application/json"}


def customers_moment(agent, org, ref="AB12CD", **fields):
    return add_moment(agent, org["desk"], customer_ref_hash=hash_ref(ref), **fields)


def test_a_customer_asked_recently_is_not_asked_again(agent, org):
    invitation_for(customers_moment(agent, org))
    later = customers_moment(agent, org)

    with pytest.raises(AskedRecently):
        invitation_for(later)

    assert Invitation.objects.count() == 1
    assert HeldBackInvitation.objects.get().moment == later


def test_after_the_period_they_are_asked_again(agent, org, settings):
    settings.INVITE_SAME_CUSTOMER_DAYS = 30
    invitation_for(customers_moment(agent, org))
    Invitation.objects.update(created_at=timezone.now() - timedelta(days=31))

    invitation_for(customers_moment(agent, org))

    assert Invitation.objects.count() == 2


def test_other_customers_and_moments_without_reference_are_asked(agent, org):
    invitation_for(customers_moment(agent, org))

    invitation_for(customers_moment(agent, org, ref="ZZ9999"))
    invitation_for(add_moment(agent, org["desk"]))
    invitation_for(add_moment(agent, org["desk"]))

    assert Invitation.objects.count() == 4


def test_the_tablet_shows_asked_on_instead_of_the_button(client, agent, org):
    invitation_for(customers_moment(agent, org))
    client.login(username=agent.username, password=PASSWORD)

    saved = client.post(
        reverse("touchpoints:log"), moment_post(org["desk"], customer_ref="ab-12 cd"), headers=JSON
    ).json()
    page = client.get(reverse("touchpoints:log"), {"saved": saved["uuid"]}).content.decode()

    assert saved["asked"].startswith("Asked on ")
    assert (
        "Asked on " in page
        and "Ask the customer for feedback</button>"
        not in page.split('id="saved-area"')[1].split("<template")[0]
    )


def test_the_tablets_ask_button_answers_with_the_date(client, agent, org):
    first = customers_moment(agent, org)
    invitation_for(first)
    later = customers_moment(agent, org)
    client.login(username=agent.username, password=PASSWORD)

    asked = client.post(
        reverse("feedback:invite", args=[later.uuid]), headers={"HX-Request": "true"}
    )
    handed = client.post(reverse("feedback:handover_start", args=[later.uuid]))

    assert (
        asked.status_code == 200
        and asked["X-Asked-On"] == first.invitation.created_at.date().isoformat()
    )
    assert "Asked on" in asked.content.decode()
    assert handed.status_code == 200 and "Asked on" in handed.content.decode()
    assert not Invitation.objects.filter(moment=later).exists()


def test_the_api_says_why_it_did_not_invite(agent, org):
    invitation_for(customers_moment(agent, org))
    _, plain = create_key("Contact centre", [org["arn"]], read=True, write=True)

    response = ApiClient(plain).post(
        "/api/v1/moments", {"moments": [moment_item(org, customer_ref="AB12CD", invite=True)]}
    )

    entry = response.json()["moments"][0]
    assert response.status_code == 201 and entry["created"] is True
    assert entry["answer_url"] is None and entry["invitation_held_back"] == "asked_recently"
    assert entry["asked_on"] == timezone.now().date().isoformat()


def test_one_api_batch_invites_a_customer_once(agent, org):
    _, plain = create_key("Contact centre", [org["arn"]], read=True, write=True)
    items = [moment_item(org, customer_ref="AB12CD", invite=True) for _ in range(2)]

    entries = ApiClient(plain).post("/api/v1/moments", {"moments": items}).json()["moments"]

    assert [bool(e["answer_url"]) for e in entries] == [True, False]
    assert Moment.objects.filter(invitation__isnull=False).count() == 1


def test_the_dashboard_counts_invitations_held_back(client, agent, arn_manager, org):
    invitation_for(customers_moment(agent, org))
    for _ in range(2):
        with pytest.raises(AskedRecently):
            invitation_for(customers_moment(agent, org))
    client.login(username=arn_manager.username, password=PASSWORD)

    page = client.get(reverse("dashboards:dashboard")).content.decode()

    assert "2 invitations held back" in page
