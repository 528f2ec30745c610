from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.invitations import invitation_for
from feedback.models import Answer, Invitation
from tests.conftest import PASSWORD
from touchpoints.models import Moment


@pytest.fixture
def moment(agent, org) -> Moment:
    moment = Moment(staff=agent, team=agent.team, location=org["arn"], touchpoint_type=org["desk"])
    moment.outcome = 4
    moment.save()
    return moment


@pytest.fixture
def invitation(moment) -> Invitation:
    return invitation_for(moment)


def answer_url(invitation) -> str:
    return reverse("feedback:answer", args=[invitation.token])


def test_staff_member_gets_a_link_and_qr_code_for_their_moment(client, agent, moment):
    client.login(username=agent.username, password=PASSWORD)
    response = client.post(reverse("feedback:invite", args=[moment.uuid]))
    invitation = Invitation.objects.get(moment=moment)
    assert f"/r/{invitation.token}/" in response.text
    assert "<svg" in response.text


def test_asking_twice_gives_the_same_invitation(client, agent, moment):
    client.login(username=agent.username, password=PASSWORD)
    first = client.post(reverse("feedback:invite", args=[moment.uuid]))
    second = client.post(reverse("feedback:invite", args=[moment.uuid]))
    token = Invitation.objects.get().token
    assert f"/r/{token}/" in first.text
    assert f"/r/{token}/" in second.text


def test_token_is_unguessable(invitation):
    # token_urlsafe(18) is 144 random bits, written as 24 characters.
    assert len(invitation.token) == 24


def test_opening_the_link_records_nothing(client, invitation):
    response = client.get(answer_url(invitation))
    assert response.status_code == 200
    assert "How did we do?" in response.text
    assert Answer.objects.count() == 0


def test_customer_answers_with_csat_nps_and_comment(client, invitation):
    response = client.post(answer_url(invitation), {"csat": 5, "nps": 10, "comment": "Lovely"})
    assert "Thank you" in response.text
    answer = Answer.objects.get()
    assert (answer.csat, answer.nps, answer.comment) == (5, 10, "Lovely")


def test_nps_is_optional(client, invitation):
    client.post(answer_url(invitation), {"csat": 3})
    assert Answer.objects.get().nps is None


def test_second_answer_on_the_same_token_is_refused_kindly(client, invitation):
    client.post(answer_url(invitation), {"csat": 5})
    response = client.post(answer_url(invitation), {"csat": 1})
    assert "We already have your answer" in response.text
    assert list(Answer.objects.values_list("csat", flat=True)) == [5]


def test_unknown_token_is_a_plain_404(client, db):
    response = client.get("/r/not-a-real-token-at-all/")
    assert response.status_code == 404
    assert "Anna" not in response.text


def test_expired_link_says_so_and_stores_nothing(client, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = client.post(answer_url(invitation), {"csat": 5})
    assert response.status_code == 410
    assert "expired" in response.text
    assert Answer.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"csat": 6}, "Choose a face from 1 to 5."),
        ({"csat": 0}, "Choose a face from 1 to 5."),
        ({}, "Choose a face from 1 to 5."),
        ({"csat": 4, "nps": 11}, "Choose a number from 0 to 10."),
        ({"csat": 4, "comment": "x" * 1001}, "keep it to 1000 characters"),
    ],
)
def test_bad_answers_get_a_clear_message_and_store_nothing(client, invitation, data, message):
    response = client.post(answer_url(invitation), data)
    assert response.status_code == 422
    assert message in response.text
    assert Answer.objects.count() == 0


def test_public_page_shows_no_staff_name(client, invitation):
    response = client.get(answer_url(invitation))
    assert "Anna" not in response.text
    assert "anna" not in response.text


def test_comment_html_is_escaped_when_shown_back(client, invitation):
    response = client.post(
        answer_url(invitation), {"csat": 9, "comment": "<script>alert(1)</script>"}
    )
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text


def test_staff_cannot_invite_for_someone_elses_moment(client, jfk_agent, moment):
    client.login(username=jfk_agent.username, password=PASSWORD)
    response = client.post(reverse("feedback:invite", args=[moment.uuid]))
    assert response.status_code == 404
    assert Invitation.objects.count() == 0
