"""After a low answer the customer may leave a phone number or an email address, by consent."""

import time

import pytest
from django.core import signing
from django.urls import reverse

from feedback import contact
from feedback.contact import normalise_phone
from feedback.invitations import invitation_for
from feedback.models import Answer, FeedbackSettings, Recovery, RecoveryContact
from feedback.recovery import close
from tests.feedback.conftest import make_moment
from tests.feedback.contact_steps import (
    answer,
    answer_and_leave_contact,
    offered_key,
    send_contact,
)


def test_a_low_answer_is_offered_a_way_to_be_contacted(client, invitation):
    response = answer(client, invitation, csat=1)
    assert "Would you like us to contact you?" in response.text
    assert "deleted 30 days after the matter is closed" in response.text
    assert 'type="tel"' in response.text and 'type="email"' in response.text
    assert offered_key(response)


@pytest.mark.parametrize("data", [{"csat": 5, "nps": 10}, {"csat": 3}, {"csat": 4, "nps": 7}])
def test_an_answer_that_opens_no_recovery_is_not_offered_the_form(client, invitation, data):
    response = answer(client, invitation, **data)
    assert "Thank you!" in response.text
    assert "Would you like us to contact you?" not in response.text
    assert offered_key(response) is None


def test_the_erasure_period_offered_is_the_admins(client, invitation):
    FeedbackSettings.objects.update_or_create(pk=1, defaults={"contact_kept_days": 1})
    response = answer(client, invitation, csat=1)
    assert "deleted 1 day after the matter is closed" in response.text


def test_details_given_with_consent_reach_the_recovery(client, invitation):
    response = answer_and_leave_contact(
        client, invitation, phone="+46 70-123 45 67", email="eva@example.com"
    )
    assert response.status_code == 200
    assert "Thank you, we will be in touch" in response.text
    kept = RecoveryContact.objects.get()
    assert kept.recovery == Recovery.objects.get()
    assert (kept.phone, kept.email) == ("+46701234567", "eva@example.com")
    assert kept.consent_version == contact.CONSENT_VERSION
    assert kept.consent_text.startswith("I agree that the team may use these details")
    assert kept.language == "en"


def test_what_is_kept_is_the_period_the_customer_read(client, invitation):
    thanks = answer(client, invitation, csat=1)
    FeedbackSettings.objects.filter(pk=1).update(contact_kept_days=90)  # changed meanwhile
    send_contact(client, invitation, offered_key(thanks), email="eva@example.com")
    kept = RecoveryContact.objects.get()
    assert kept.kept_days == 30
    assert "deleted 30 days after" in kept.consent_text


def test_a_swedish_customer_reads_and_agrees_to_the_sentence_in_swedish(client, invitation):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "sv-SE,sv;q=0.9"
    thanks = answer(client, invitation, csat=1)
    assert "Vill du att vi kontaktar dig?" in thanks.text
    send_contact(client, invitation, offered_key(thanks), phone="0046 70 123 45 67")
    kept = RecoveryContact.objects.get()
    assert kept.language == "sv"
    assert kept.consent_text.startswith("Jag godkänner att teamet")
    assert "30 dagar" in kept.consent_text


def test_without_consent_nothing_is_kept_and_the_customer_is_told(client, invitation):
    thanks = answer(client, invitation, csat=1)
    response = send_contact(
        client, invitation, offered_key(thanks), ticked=False, phone="+4670123456"
    )
    assert response.status_code == 422
    assert "Tick the box to let us contact you. Without it we keep no details." in response.text
    assert 'value="+4670123456"' in response.text  # what was typed is still there
    assert not RecoveryContact.objects.exists()
    assert Answer.objects.get().csat == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"phone": "070 123 45 67"}, "Enter the number with its country code"),
        ({"phone": "+46 70 12"}, "Enter the number with its country code"),
        ({"phone": "call me maybe"}, "Enter the number with its country code"),
        ({"email": "eva@"}, "Enter an email address like name@example.com."),
        ({"email": "eva example.com"}, "Enter an email address like name@example.com."),
        ({"phone": "+46701234567", "email": "not an address"}, "Enter an email address like"),
        ({"phone": " ", "email": ""}, "Give a phone number or an email address"),
    ],
)
def test_malformed_details_are_a_message_and_the_answer_is_kept(
    client, invitation, fields, message
):
    thanks = answer(client, invitation, csat=1, comment="Nobody at the desk")
    response = send_contact(client, invitation, offered_key(thanks), **fields)
    assert response.status_code == 422
    assert message in response.text
    assert "We have your answer." in response.text  # still the thank-you page
    assert not RecoveryContact.objects.exists()
    assert Answer.objects.get().comment == "Nobody at the desk"
    assert Recovery.objects.exists()


def test_after_a_mistake_the_customer_corrects_it_and_it_is_kept(client, invitation):
    thanks = answer(client, invitation, csat=1)
    wrong = send_contact(client, invitation, offered_key(thanks), phone="070 123 45 67")
    send_contact(client, invitation, offered_key(wrong), phone="+46 (0)70 123 45 67")
    assert RecoveryContact.objects.get().phone == "+46701234567"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("+46701234567", "+46701234567"),
        ("+46 70-123 45 67", "+46701234567"),
        ("0046 70 123 45 67", "+46701234567"),
        ("+46 (0)70 123 45 67", "+46701234567"),
        ("+1 (212) 555-0100", "+12125550100"),
        ("  +44 20 7946 0958 ", "+442079460958"),
        ("+1.212.555.0100", "+12125550100"),
        ("070 123 45 67", None),  # no country code: refused, not guessed
        ("+46 70 12", None),  # 6 digits
        ("+1234567890123456", None),  # 16 digits: longer than E.164 allows
        ("+0701234567", None),  # no country code starts with 0
        ("+46 70 123 45 67 ext 2", None),
        ("+٤٦٧٠١٢٣٤٥٦٧", None),  # digits, but not the ones a phone dials
        ("++46701234567", None),
        ("", None),
    ],
)
def test_phone_numbers_are_normalised_to_e164(typed, kept):
    assert normalise_phone(typed) == kept


def test_details_once_given_are_never_replaced(client, invitation):
    thanks = answer(client, invitation, csat=1)
    key = offered_key(thanks)
    send_contact(client, invitation, key, phone="+46701234567")
    again = send_contact(client, invitation, key, phone="+46709999999", email="x@evil.example")
    assert "Thank you, we will be in touch" in again.text
    kept = RecoveryContact.objects.get()
    assert (kept.phone, kept.email) == ("+46701234567", "")


def test_someone_holding_the_used_link_is_not_offered_the_form(client, invitation):
    answer(client, invitation, csat=1)
    response = client.get(reverse("feedback:answer", args=[invitation.token]))
    assert "We already have your answer" in response.text
    assert offered_key(response) is None


@pytest.mark.parametrize("key", ["", "made-up", "x" * 150])
def test_a_made_up_key_leaves_nothing(client, invitation, key):
    answer(client, invitation, csat=1)
    response = send_contact(client, invitation, key, phone="+46701234567")
    assert response.status_code == 410
    assert "We could not take your details here" in response.text
    assert not RecoveryContact.objects.exists()


def test_a_key_for_one_link_does_not_work_on_another(client, invitation, agent, org):
    other = invitation_for(make_moment(agent, org["desk"]))
    key = offered_key(answer(client, invitation, csat=1))
    answer(client, other, csat=1)
    response = send_contact(client, other, key, phone="+46701234567")
    assert response.status_code == 410
    assert not RecoveryContact.objects.exists()


class SignedLongAgo(signing.TimestampSigner):
    def timestamp(self):
        return signing.b62_encode(int(time.time()) - contact.OFFER_MINUTES * 60 - 1)


def test_the_offer_ends_after_its_time(client, invitation):
    answer(client, invitation, csat=1)
    old_key = SignedLongAgo(salt=contact.SIGNER_SALT).sign(f"{invitation.token}/30")
    response = send_contact(client, invitation, old_key, phone="+46701234567")
    assert response.status_code == 410
    assert "This page has been open too long" in response.text
    assert not RecoveryContact.objects.exists()


def test_no_details_are_taken_once_the_team_closed_the_recovery(client, invitation, agent):
    key = offered_key(answer(client, invitation, csat=1))
    close(Recovery.objects.get().pk, agent, action="apology", result="recovered")
    response = send_contact(client, invitation, key, phone="+46701234567")
    assert response.status_code == 410
    assert not RecoveryContact.objects.exists()


def test_a_contact_post_on_a_high_answer_is_refused(client, invitation):
    answer(client, invitation, csat=5)
    forged = signing.TimestampSigner(salt=contact.SIGNER_SALT).sign(f"{invitation.token}/30")
    response = send_contact(client, invitation, forged, phone="+46701234567")
    assert response.status_code == 410
    assert not RecoveryContact.objects.exists()


def test_the_tablet_hand_over_does_not_ask_for_details(client, agent, moment):
    # At the desk the staff member is right there; the tablet goes back to them by itself.
    client.force_login(agent)
    client.post(reverse("feedback:handover_start", args=[moment.uuid]))
    response = client.post(reverse("feedback:handover"), {"csat": 1})
    assert "Please hand the tablet back." in response.text
    assert offered_key(response) is None


@pytest.mark.parametrize(
    "fields",
    [
        {"phone": "x" * 5000},
        {"email": "<script>alert(1)</script>@example.com"},
        {"phone": "' OR 1=1 --", "email": "' OR 1=1 --@example.com"},
        {"phone": ["+46701234567", "+46709999999"]},
        {"consent": ["on", "off"], "phone": "+46701234567"},
    ],
)
def test_junk_in_the_contact_form_is_a_message_never_a_crash(client, invitation, fields):
    thanks = answer(client, invitation, csat=1)
    response = send_contact(client, invitation, offered_key(thanks), **fields)
    assert response.status_code == 422
    assert 'class="error" role="alert"' in response.text
    assert "<script>alert" not in response.text
    assert not RecoveryContact.objects.exists()


def test_a_key_sent_twice_with_different_values_is_refused_with_a_message(client, invitation):
    key = offered_key(answer(client, invitation, csat=1))
    url = reverse("feedback:answer", args=[invitation.token])
    data = {"contact_key": [key + "x", key], "phone": "+46701234567", "consent": "on"}
    response = client.post(url, data)
    assert response.status_code == 422
    assert "Choose one answer only." in response.text
    assert not RecoveryContact.objects.exists()
