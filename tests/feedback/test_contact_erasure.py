"""A customer's contact is erased a set time after their recovery closes; nothing else goes."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from config.celery import app as celery_app
from feedback.erasure import erase_contacts
from feedback.invitations import invitation_for
from feedback.models import Answer, FeedbackSettings, Recovery, RecoveryContact
from feedback.recovery import close
from feedback.tasks import erase_contacts as erase_contacts_task
from tests.feedback.conftest import make_moment
from tests.feedback.contact_steps import answer_and_leave_contact


def closed_days_ago(client, agent, org, days: float | None, phone: str) -> Recovery:
    """A recovery with a contact, closed `days` ago (None: still open)."""
    invitation = invitation_for(make_moment(agent, org["desk"]))
    answer_and_leave_contact(client, invitation, phone=phone)
    recovery = Recovery.objects.get(answer__invitation=invitation)
    if days is not None:
        close(recovery.pk, agent, action="called_back", result="recovered")
        Recovery.objects.filter(pk=recovery.pk).update(
            closed_at=timezone.now() - timedelta(days=days)
        )
    return recovery


def kept_phones() -> set[str]:
    return set(RecoveryContact.objects.values_list("phone", flat=True))


def test_the_contact_is_gone_after_the_erasure_window(client, agent, org):
    closed_days_ago(client, agent, org, 31, "+46700000031")
    closed_days_ago(client, agent, org, 29, "+46700000029")
    closed_days_ago(client, agent, org, None, "+46700000000")
    assert erase_contacts() == 1
    assert kept_phones() == {"+46700000029", "+46700000000"}


def test_a_lapsed_recovery_left_unclosed_loses_its_contact_after_the_window(client, agent, org):
    lapsed_long_ago = closed_days_ago(client, agent, org, None, "+46700000031")
    lapsed_lately = closed_days_ago(client, agent, org, None, "+46700000029")
    Recovery.objects.filter(pk=lapsed_long_ago.pk).update(
        lapsed_at=timezone.now() - timedelta(days=31)
    )
    Recovery.objects.filter(pk=lapsed_lately.pk).update(
        lapsed_at=timezone.now() - timedelta(days=29)
    )
    assert erase_contacts() == 1
    assert kept_phones() == {"+46700000029"}


def test_the_window_is_counted_from_the_close_not_the_answer(client, agent, org):
    recovery = closed_days_ago(client, agent, org, 1, "+46700000001")
    Answer.objects.update(answered_at=timezone.now() - timedelta(days=90))
    erase_contacts()
    assert RecoveryContact.objects.filter(recovery=recovery).exists()


def test_a_later_run_erases_what_has_come_due_since(client, agent, org):
    closed_days_ago(client, agent, org, 29, "+46700000029")
    erase_contacts()
    assert erase_contacts(now=timezone.now() + timedelta(days=2)) == 1
    assert kept_phones() == set()


def set_kept_days(days: int) -> None:
    FeedbackSettings.objects.update_or_create(pk=1, defaults={"contact_kept_days": days})


def test_a_shorter_period_set_by_an_admin_applies_to_every_contact(client, agent, org):
    closed_days_ago(client, agent, org, 8, "+46700000008")
    closed_days_ago(client, agent, org, 6, "+46700000006")
    set_kept_days(7)
    erase_contacts()
    assert kept_phones() == {"+46700000006"}


def test_a_longer_period_never_keeps_details_past_what_the_customer_was_told(client, agent, org):
    set_kept_days(7)
    closed_days_ago(client, agent, org, 8, "+46700000008")
    set_kept_days(60)
    closed_days_ago(client, agent, org, 40, "+46700000040")
    erase_contacts()
    assert kept_phones() == {"+46700000040"}


def test_erasing_keeps_the_answer_and_the_recovery(client, agent, org):
    recovery = closed_days_ago(client, agent, org, 40, "+46700000040")
    erase_contacts()
    recovery.refresh_from_db()
    assert (recovery.action, recovery.result) == ("called_back", "recovered")
    assert recovery.answer.comment == "Lost bag"
    assert not RecoveryContact.objects.exists()


def test_beat_runs_the_erasure_every_hour(client, agent, org):
    entry = settings.CELERY_BEAT_SCHEDULE["erase-customer-contacts"]
    celery_app.loader.import_default_modules()
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"].minute == {40}  # once an hour
    closed_days_ago(client, agent, org, 31, "+46700000031")
    erase_contacts_task.delay()  # in-process in tests (conftest)
    assert kept_phones() == set()
