import gzip
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.invitations import invitation_for
from feedback.models import Answer, FeedbackSettings, Invitation
from tests.conftest import PASSWORD
from touchpoints.models import Moment


def answer_url(invitation) -> str:
    return reverse("feedback:answer", args=[invitation.token])


def test_staff_member_gets_a_link_and_qr_code_for_their_moment(client, agent, moment):
    client.login(username=agent.username, password=PASSWORD)
    response = client.post(reverse("feedback:invite", args=[moment.uuid]), HTTP_HX_REQUEST="true")
    invitation = Invitation.objects.get(moment=moment)
    assert f"/r/{invitation.token}/" in response.text
    assert "<svg" in response.text


def test_asking_twice_gives_the_same_invitation(client, agent, moment):
    client.login(username=agent.username, password=PASSWORD)
    invite_url = reverse("feedback:invite", args=[moment.uuid])
    first = client.post(invite_url, HTTP_HX_REQUEST="true")
    second = client.post(invite_url, HTTP_HX_REQUEST="true")
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


def test_invitation_expiry_follows_the_feedback_settings(moment):
    settings_row = FeedbackSettings.current()
    settings_row.invitation_expiry_days = 2
    settings_row.save()
    invitation = invitation_for(moment)
    days_open = (invitation.expires_at - invitation.created_at).total_seconds() / 86400
    assert round(days_open, 2) == 2


def test_link_uses_the_public_base_url_when_set(client, agent, moment, settings):
    settings.PUBLIC_BASE_URL = "https://fb.example.com/"
    client.login(username=agent.username, password=PASSWORD)
    response = client.post(reverse("feedback:invite", args=[moment.uuid]), HTTP_HX_REQUEST="true")
    token = Invitation.objects.get().token
    assert f'value="https://fb.example.com/r/{token}/"' in response.text


def test_invitation_page_without_javascript_shows_the_link_and_qr_code(client, agent, moment):
    client.login(username=agent.username, password=PASSWORD)
    response = client.post(reverse("feedback:invite", args=[moment.uuid]), follow=True)
    token = Invitation.objects.get().token
    assert f"/r/{token}/" in response.text
    assert "<svg" in response.text
    assert "Hand the tablet to the customer" in response.text


def test_no_face_is_chosen_before_the_customer_chooses(client, invitation):
    response = client.get(answer_url(invitation))
    assert " checked" not in response.text
    assert response.text.count('<label class="pick">') == 5 + 11  # faces and NPS, no effort


def test_faces_have_names_a_screen_reader_can_read(client, invitation):
    response = client.get(answer_url(invitation))
    assert "1 of 5, very dissatisfied" in response.text
    assert "5 of 5, very satisfied" in response.text


def test_effort_is_asked_only_where_the_type_asks_for_it(client, invitation, org):
    org["desk"].asks_effort, org["desk"].asks_nps = True, False
    org["desk"].save()
    response = client.get(answer_url(invitation))
    assert "How easy was it to get what you needed?" in response.text
    assert "How likely are you to recommend us" not in response.text


def test_customer_answers_effort_when_asked(client, invitation, org):
    org["desk"].asks_effort = True
    org["desk"].save()
    client.post(answer_url(invitation), {"csat": 4, "effort": 6})
    assert Answer.objects.get().effort == 6


def test_public_page_needs_no_script_and_no_other_request(client, invitation):
    response = client.get(answer_url(invitation))
    assert "<script" not in response.text
    assert 'rel="stylesheet"' not in response.text
    assert 'method="post"' in response.text


def test_public_page_is_small_enough_for_a_poor_connection(client, invitation):
    response = client.get(answer_url(invitation))
    assert len(gzip.compress(response.content)) < 6_000


def test_public_page_follows_a_swedish_browser(client, invitation):
    response = client.get(answer_url(invitation), HTTP_ACCEPT_LANGUAGE="sv-SE,sv;q=0.9,en;q=0.5")
    assert "Hur gick det?" in response.text
    assert '<html lang="sv">' in response.text
    assert response["Content-Language"] == "sv"


def test_public_page_falls_back_to_english_for_other_languages(client, invitation):
    response = client.get(answer_url(invitation), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert "How did we do?" in response.text


def test_languages_not_offered_by_the_admins_are_not_used(client, invitation):
    settings_row = FeedbackSettings.current()
    settings_row.languages = ["en"]
    settings_row.save()
    response = client.get(answer_url(invitation), HTTP_ACCEPT_LANGUAGE="sv")
    assert "How did we do?" in response.text


def test_swedish_customer_gets_swedish_errors(client, invitation):
    response = client.post(answer_url(invitation), {}, HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 422
    assert "Välj ett ansikte från 1 till 5." in response.text


def test_public_page_shows_no_internal_note_or_customer_reference(client, invitation, moment):
    Moment.objects.filter(pk=moment.pk).update(customer_ref_hash="c0ffee" * 8)
    for response in (
        client.get(answer_url(invitation)),
        client.post(answer_url(invitation), {"csat": 1, "comment": "slow"}),
        client.get(answer_url(invitation)),
    ):
        assert "Lindqvist" not in response.text
        assert "c0ffee" not in response.text
        assert "Anna" not in response.text


def test_public_page_is_never_cached(client, invitation):
    response = client.get(answer_url(invitation))
    assert "no-store" in response["Cache-Control"]


def test_thanks_page_apologises_after_a_low_answer(client, invitation):
    response = client.post(answer_url(invitation), {"csat": 2})
    assert "We are sorry it was not better" in response.text


def test_line_breaks_count_once_towards_the_comment_limit(client, invitation):
    # The browser's maxlength lets 500 lines of "a" through; it sends each break as CRLF.
    client.post(answer_url(invitation), {"csat": 4, "comment": "\r\n".join(["a"] * 500)})
    assert len(Answer.objects.get().comment) == 999


def test_only_get_and_post_are_answered(client, invitation):
    assert client.put(answer_url(invitation), "csat=5").status_code == 405
    assert Answer.objects.count() == 0


def test_public_page_forbids_scripts_even_if_escaping_failed(client, invitation):
    policy = client.get(answer_url(invitation))["Content-Security-Policy"]
    assert "script-src 'none'" in policy
    assert "default-src 'none'" in policy
