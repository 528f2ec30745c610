"""Erasing customers' contact details once their recovery no longer needs them.

A contact is kept `FeedbackSettings.contact_kept_days` after its recovery ends, long
enough to answer "you called me about…", then deleted outright (no soft delete, no copy
kept). Beat runs `erase_contacts` every hour (config/settings.py, docs/security.md).
"""

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from .models import FeedbackSettings, RecoveryContact


def ended_before(cutoff: datetime) -> Q:
    """Contacts whose recovery ended at or before `cutoff`.

    A recovery ends when the team closes it; another way for it to end (one that lapses
    untaken) belongs here as one more alternative, so that its contact goes the same way.
    """
    return Q(recovery__closed_at__lte=cutoff)


def erase_contacts(now: datetime | None = None) -> int:
    """Delete every contact kept past its time; returns how many went."""
    kept = timedelta(days=FeedbackSettings.current().contact_kept_days)
    cutoff = (now or timezone.now()) - kept
    erased, _ = RecoveryContact.objects.filter(ended_before(cutoff)).delete()
    return erased
