"""Erasing customers' contact details once their recovery no longer needs them.

A contact is kept for the period its consent sentence named, or the admins' current
`FeedbackSettings.contact_kept_days` when that is shorter, counted from the end of its
recovery, then deleted outright (no soft delete, no copy kept). Beat runs
`erase_contacts` every hour (config/settings.py, docs/security.md).
"""

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from .models import FeedbackSettings, RecoveryContact


def ended_before(cutoff: datetime) -> Q:
    """Contacts whose recovery ended at or before `cutoff`.

    A recovery ends when the team closes it, or when it lapses untaken and stays unclosed: a
    lapsed recovery may still be closed late, but its contact is not kept for ever on the chance.
    """
    lapsed = Q(recovery__closed_at__isnull=True, recovery__lapsed_at__lte=cutoff)
    return Q(recovery__closed_at__lte=cutoff) | lapsed


def erase_contacts(now: datetime | None = None) -> int:
    """Delete every contact kept past its time; returns how many went."""
    now = now or timezone.now()
    current = FeedbackSettings.current().contact_kept_days
    erased = 0
    # One delete per period promised: there are as many as times an admin changed it.
    promised = RecoveryContact.objects.values_list("kept_days", flat=True).distinct()
    for days in list(promised):
        cutoff = now - timedelta(days=min(days, current))
        due = RecoveryContact.objects.filter(ended_before(cutoff), kept_days=days)
        erased += due.delete()[0]
    return erased
