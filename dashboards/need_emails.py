"""Hourly emails about new needs, for the managers who ask for them (besides the digest).

A manager opts in on the needs page; `User.need_emails_since` holds when, so that needs
raised before are never mailed. Beat runs `send_need_emails` every five minutes. A manager
gets an email when needs were raised in their scope (managed locations and teams) since the
last email, and the last email was claimed at least `INTERVAL` ago: at most one an hour.
Each email lists the needs raised in its span, from where the previous one ended (or the
opt-in) to the moment it was claimed, less `SETTLE`, so that a need whose transaction is
still committing is left for the next email rather than missed.

Once, with the morning digest's claim (dashboards/digest.py): a span is first claimed (a
`NeedEmailSent` row, unique per manager and start, committed on its own), then sent, then
marked sent. A failed send gives the claim back and the next run tries the same span again.
A process that stops between sending and marking leaves the claim "sending": the next email
starts where it ended, so its needs are never mailed twice, and after `STALE_CLAIM` it is
marked "maybe not sent" and logged as an error.
"""

import logging
from datetime import datetime, timedelta

from django import forms
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from touchpoints.models import User
from touchpoints.people.language import language_of

from .digest import STALE_CLAIM
from .filters import scope_for
from .models import DigestSent, NeedEmailSent
from .need_answers import needs_in

log = logging.getLogger(__name__)

INTERVAL = timedelta(hours=1)
SETTLE = timedelta(minutes=1)
MOST_LISTED = 50  # an email lists at most this many; it says how many more there are


class PreferenceForm(forms.Form):
    hourly = forms.BooleanField(
        required=False,
        label=_("Email me when needs are raised at my locations and teams, at most once an hour"),
    )


def set_preference(manager: User, hourly: bool, now: datetime | None = None) -> None:
    """Opt in (from now: earlier needs are not mailed) or out; opting in twice changes nothing."""
    if hourly == (manager.need_emails_since is not None):
        return
    manager.need_emails_since = (now or timezone.now()) if hourly else None
    manager.save(update_fields=["need_emails_since"])


def span_start(manager: User) -> datetime:
    """Where the manager's next email starts: the end of the last one, or the opt-in."""
    last = NeedEmailSent.objects.filter(manager=manager).order_by("-until").first()
    if last is None or last.until < manager.need_emails_since:
        return manager.need_emails_since  # opted out and in again since
    return last.until


def due(manager: User, now: datetime) -> bool:
    """No email claimed within the last `INTERVAL`."""
    return not NeedEmailSent.objects.filter(manager=manager, claimed_at__gt=now - INTERVAL).exists()


def new_needs(manager: User, since: datetime, until: datetime):
    span = Q(raised_at__gt=since, raised_at__lte=until)
    return needs_in(scope_for(manager).q() & span).order_by("raised_at", "pk")


def send_need_email(manager: User, now: datetime) -> bool:
    """One manager's email of the needs raised since the last one, if due; True if sent."""
    since, until = span_start(manager), now - SETTLE
    needs = new_needs(manager, since, until)
    if until <= since or not due(manager, now) or not needs.exists():
        return False
    claim = _claim(manager, since, until, now)
    if claim is None:
        return False  # another run has this span
    try:
        listed = list(needs[:MOST_LISTED])
        claim.needs = count = needs.count()
        context = {
            "manager": manager,
            # Each time on the clock of the need's own location.
            "needs": [(n, n.raised_at.astimezone(n.team.location.tz)) for n in listed],
            "more": count - len(listed),
            "base_url": settings.PUBLIC_BASE_URL.rstrip("/"),
        }
        with translation.override(language_of(manager)):
            subject = ngettext(
                "Moments: %(n)s new need from your front line",
                "Moments: %(n)s new needs from your front line",
                count,
            ) % {"n": count}
            body = render_to_string("dashboards/need_email.txt", context)
        send_mail(subject, body, None, [manager.email])
    except Exception:
        claim.delete()  # nothing went out: give the span back for the next run
        raise
    claim.status, claim.sent_at = DigestSent.Status.SENT, now
    claim.save(update_fields=["status", "sent_at", "needs"])
    return True


def _claim(manager: User, since: datetime, until: datetime, now: datetime):
    try:
        with transaction.atomic():
            return NeedEmailSent.objects.create(
                manager=manager, since=since, until=until, claimed_at=now
            )
    except IntegrityError:
        return None


def give_up_stale_claims(now: datetime) -> None:
    stale = NeedEmailSent.objects.filter(
        status=DigestSent.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    ).select_related("manager")
    for claim in stale:
        log.error(
            "The email about new needs for %s (raised up to %s) may not have gone out: the"
            " process stopped while sending it. It is not sent again.",
            claim.manager.username,
            claim.until,
        )
    stale.update(status=DigestSent.Status.UNKNOWN)


def subscribers() -> list[User]:
    return list(
        User.objects.filter(need_emails_since__isnull=False, is_active=True)
        .exclude(email="")
        .order_by("pk")
    )


def send_need_emails(now: datetime | None = None) -> int:
    """Every email that is due; a failed send is tried again next run."""
    now = now or timezone.now()
    give_up_stale_claims(now)
    sent = 0
    for manager in subscribers():
        try:
            sent += send_need_email(manager, now)
        except Exception:
            log.exception("Need email for %s failed; it will be tried again.", manager.username)
    return sent
