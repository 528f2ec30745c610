"""A recovery someone took but never closed lapses after its own period, so its customer's
contact details are erased on schedule instead of kept for ever."""

from datetime import timedelta

from django.utils import timezone

from feedback.erasure import erase_contacts
from feedback.invitations import invitation_for
from feedback.models import Recovery, RecoveryContact
from feedback.recovery import lapse_untaken, take
from tests.feedback.conftest import make_moment
from tests.feedback.contact_steps import answer_and_leave_contact


def taken_days_ago(client, agent, org, days: int) -> Recovery:
    invitation = invitation_for(make_moment(agent, org["desk"]))
    answer_and_leave_contact(client, invitation, phone="+46701234567")
    recovery = Recovery.objects.get(answer__invitation=invitation)
    take(recovery.pk, agent)
    Recovery.objects.filter(pk=recovery.pk).update(taken_at=timezone.now() - timedelta(days=days))
    return recovery


def test_a_recovery_taken_and_left_open_lapses_after_its_period(client, agent, org):
    left = taken_days_ago(client, agent, org, 31)
    recent = taken_days_ago(client, agent, org, 29)
    assert lapse_untaken() == 1
    left.refresh_from_db()
    recent.refresh_from_db()
    assert left.status == Recovery.Status.LAPSED and recent.status == Recovery.Status.OPEN


def test_its_contact_is_then_erased_on_schedule(client, agent, org):
    left = taken_days_ago(client, agent, org, 61)
    lapse_untaken()
    Recovery.objects.filter(pk=left.pk).update(lapsed_at=timezone.now() - timedelta(days=31))
    assert erase_contacts() == 1
    assert not RecoveryContact.objects.filter(recovery=left).exists()
