"""The customer's answer and the team's recovery refuse a field sent twice with two values."""

from django.urls import reverse

from feedback.models import Answer, Recovery
from feedback.recovery import take
from tests.conftest import PASSWORD


def test_an_answer_with_two_faces_is_no_answer_and_the_comment_stays(client, invitation):
    data = {"csat": ["1", "5"], "comment": "The queue was long"}
    response = client.post(reverse("feedback:answer", args=[invitation.token]), data)
    assert response.status_code == 422
    assert "Choose one answer only." in response.text
    assert "The queue was long" in response.text
    assert not Answer.objects.exists()


def test_closing_a_recovery_with_two_results_is_refused_and_the_note_stays(
    client, invitation, agent
):
    client.post(reverse("feedback:answer", args=[invitation.token]), {"csat": 1})
    pk = Recovery.objects.get().pk
    take(pk, agent)
    client.login(username=agent.username, password=PASSWORD)
    data = {
        f"r{pk}-action": "voucher",
        f"r{pk}-result": ["recovered", "not_recovered"],
        f"r{pk}-note": "200 SEK voucher",
    }
    response = client.post(reverse("feedback:close", args=[pk]), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "Choose one answer only." in response.text
    assert "200 SEK voucher" in response.text
    assert Recovery.objects.get().closed_at is None
