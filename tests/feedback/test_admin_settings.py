"""Feedback settings: one page an admin edits; every change recorded; never deleted."""

from django.urls import reverse

from feedback.invitations import invitation_for
from feedback.models import Answer, FeedbackSettings, Recovery
from touchpoints.models import AuditEntry


def settings_url() -> str:
    return reverse("admin:feedback_feedbacksettings_change", args=[FeedbackSettings.current().pk])


def form(**overrides) -> dict:
    data = {
        "recovery_opened_by": "satisfaction",
        "low_csat_at_most": "2",
        "low_nps_at_most": "6",
        "recovery_due_hours": "24",
        "recovery_lapse_days": "14",
        "taken_recovery_lapse_days": "30",
        "invitation_expiry_days": "7",
        "languages": ["en", "sv", "da", "nb"],
        "contact_kept_days": "30",
    }
    data.update(overrides)
    return data


def test_the_settings_list_goes_straight_to_the_one_settings_page(client, role_admin):
    client.force_login(role_admin)
    response = client.get(reverse("admin:feedback_feedbacksettings_changelist"))
    assert response.status_code == 302
    assert response["Location"] == settings_url()


def test_an_admin_changes_thresholds_expiry_and_languages_and_it_is_recorded(client, role_admin):
    client.force_login(role_admin)
    data = form(low_csat_at_most="3", invitation_expiry_days="14", languages=["sv"])
    assert client.post(settings_url(), data).status_code == 302

    current = FeedbackSettings.current()
    assert (current.low_csat_at_most, current.invitation_expiry_days) == (3, 14)
    assert current.languages == ["sv"]
    entry = AuditEntry.objects.get()
    assert entry.actor == role_admin
    assert entry.changes == {
        "low csat at most": [2, 3],
        "invitation expiry days": [7, 14],
        "languages": [["en", "sv", "da", "nb"], ["sv"]],
    }


def test_settings_that_make_no_sense_are_refused_with_a_reason(client, role_admin):
    client.force_login(role_admin)
    response = client.post(
        settings_url(), form(invitation_expiry_days="0", languages=[], low_nps_at_most="11")
    )
    assert "Ensure this value is greater than or equal to 1." in response.text
    assert "Offer customers at least one language." in response.text
    assert "Select a valid choice. 11 is not one of the available choices." in response.text
    assert FeedbackSettings.current().invitation_expiry_days == 7
    assert not AuditEntry.objects.exists()


def test_the_settings_cannot_be_deleted_or_duplicated(client, role_admin):
    client.force_login(role_admin)
    pk = FeedbackSettings.current().pk
    assert (
        client.post(reverse("admin:feedback_feedbacksettings_delete", args=[pk])).status_code == 403
    )
    assert client.get(reverse("admin:feedback_feedbacksettings_add")).status_code == 403
    assert FeedbackSettings.objects.count() == 1


def test_a_threshold_raised_by_an_admin_applies_to_the_next_answer(client, role_admin, invitation):
    client.force_login(role_admin)
    client.post(settings_url(), form(low_csat_at_most="3"))
    client.logout()
    client.post(reverse("feedback:answer", args=[invitation.token]), {"csat": 3})
    assert Answer.objects.get().is_low


def test_a_longer_expiry_applies_to_the_next_invitation(client, role_admin, moment):
    client.force_login(role_admin)
    client.post(settings_url(), form(invitation_expiry_days="14"))
    invitation = invitation_for(moment)
    days_open = (invitation.expires_at - invitation.created_at).total_seconds() / 86400
    assert round(days_open) == 14


def answer_as_a_customer(client, moment_factory, **data) -> Answer:
    invitation = invitation_for(moment_factory())
    client.post(reverse("feedback:answer", args=[invitation.token]), data)
    return Answer.objects.get(invitation=invitation)


def test_by_default_only_a_low_satisfaction_opens_a_recovery(client, invitation):
    client.post(reverse("feedback:answer", args=[invitation.token]), {"csat": 4, "nps": 3})
    assert FeedbackSettings.current().recovery_opened_by == "satisfaction"
    assert not Recovery.objects.exists()
    assert not Answer.objects.get().is_low


def test_an_admin_chooses_what_opens_a_recovery_and_the_next_answers_follow(
    client, role_admin, agent, org
):
    from tests.feedback.conftest import make_moment

    def moment():
        return make_moment(agent, org["desk"])

    client.force_login(role_admin)
    client.post(settings_url(), form(recovery_opened_by="recommend", low_nps_at_most="4"))
    client.logout()
    by_nps = answer_as_a_customer(client, moment, csat=5, nps=4)
    not_by_csat = answer_as_a_customer(client, moment, csat=1, nps=9)

    client.force_login(role_admin)
    client.post(settings_url(), form(recovery_opened_by="both", low_nps_at_most="4"))
    client.logout()
    both = answer_as_a_customer(client, moment, csat=2, nps=3)

    assert by_nps.recovery.reason == "recommend"
    assert by_nps.recovery.why() == ["Would recommend 4 of 10"]
    assert not hasattr(not_by_csat, "recovery") and not not_by_csat.is_low
    assert both.recovery.why() == ["Satisfaction 2 of 5", "Would recommend 3 of 10"]
    entry = AuditEntry.objects.filter(changes__has_key="recovery opened by").last()
    assert entry.changes["recovery opened by"] == ["satisfaction", "recommend"]


def test_due_and_lapse_times_are_set_by_an_admin_within_sense(client, role_admin):
    client.force_login(role_admin)
    refused = client.post(settings_url(), form(recovery_due_hours="0", recovery_lapse_days="x"))
    assert "Ensure this value is greater than or equal to 1." in refused.text
    assert "Enter a whole number." in refused.text
    client.post(settings_url(), form(recovery_due_hours="4", recovery_lapse_days="3"))
    current = FeedbackSettings.current()
    assert (current.recovery_due_hours, current.recovery_lapse_days) == (4, 3)


def test_an_admin_shortens_how_long_contacts_are_kept_and_it_is_recorded(client, role_admin):
    client.force_login(role_admin)
    assert client.post(settings_url(), form(contact_kept_days="7")).status_code == 302
    assert FeedbackSettings.current().contact_kept_days == 7
    assert AuditEntry.objects.get().changes == {"contact kept days": [30, 7]}
