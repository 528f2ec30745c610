"""The morning digest: each manager gets yesterday's figures and what their front line is
still waiting for, once a day.

When: at 07:00 at the manager's home location (the first they manage), and not before
yesterday is over at every location they manage. Each location counts its own local
yesterday (the same date, on its own clock), so a manager of Stockholm and Los Angeles gets
it at 09:00 in Stockholm, once Los Angeles's day has ended, never half a day.

Once: beat runs `send_due_digests` every quarter of an hour. Each digest is first claimed
(a `DigestSent` row committed on its own), then sent, then marked sent. A failed send gives
the claim back, so the next run tries again. A process that stops between sending and
marking leaves the claim "sending": that digest is never sent again, and after
`STALE_CLAIM` it is marked "maybe not sent" and logged as an error. Maybe missing one
morning, said out loud, is better than a second copy every time a worker restarts.
More in docs/metrics.md, "The morning digest".
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import ngettext

from touchpoints.models import Location, Role, User
from touchpoints.people.language import language_of

from . import figures
from .filters import Selection, Window, scope_for
from .models import DigestSent
from .need_answers import age, open_queue

log = logging.getLogger(__name__)

SEND_AT = time(7, 0)
# A claim older than this, still not marked sent, belonged to a process that stopped.
STALE_CLAIM = timedelta(minutes=15)


def home_location(manager: User) -> Location | None:
    """The location whose clock the manager's morning follows: the first one they manage."""
    location = manager.managed_locations.order_by("name").first()
    if location is None:
        team = manager.managed_teams.select_related("location").order_by("pk").first()
        location = team.location if team else None
    return location


def due_today(manager: User, now: datetime) -> date | None:
    """The manager's local date once their digest is due: 07:00 has passed at home and
    yesterday is over at every location they manage. None before, or with no location."""
    location = home_location(manager)
    if location is None:
        return None
    local_now = now.astimezone(location.tz)
    if local_now.time() < SEND_AT:
        return None
    today = local_now.date()
    if any(place.local_date(now) < today for place in scope_for(manager).locations()):
        return None  # yesterday is still going on somewhere to the west
    return today


@dataclass(frozen=True)
class Digest:
    subject: str
    body: str


def compose(manager: User, today: date) -> Digest:
    """Yesterday's figures across the manager's scope and the needs still open."""
    # Everything written out in the manager's language: labels, ages, dates.
    with translation.override(language_of(manager)):
        scope = scope_for(manager)
        yesterday = today - timedelta(days=1)
        locations = list(scope.locations())
        selection = Selection(scope=scope, window=Window.between(yesterday, yesterday, locations))
        overview = figures.overview(selection)
        groups, open_count = open_queue(scope.q())
        context = {
            "manager": manager,
            "yesterday": yesterday,
            "headlines": overview.headlines(),
            "groups": [(g, [(n, age(n.raised_at)) for n in g.needs]) for g in groups],
            "open_count": open_count,
            "base_url": settings.PUBLIC_BASE_URL.rstrip("/"),
        }
        subject = ngettext(
            "Moments: %(day)s, %(n)s open need",
            "Moments: %(day)s, %(n)s open needs",
            open_count,
        ) % {"day": date_format(yesterday, "l j F"), "n": open_count}
        body = render_to_string("dashboards/digest_email.txt", context)
    return Digest(subject, body)


def send_digest(manager: User, today: date, now: datetime | None = None) -> bool:
    """Send one manager's digest for `today`, unless it was claimed already; True if sent."""
    claim = claim_digest(manager, today, now or timezone.now())
    if claim is None:
        return False  # another run has it
    try:
        digest = compose(manager, today)
        send_mail(digest.subject, digest.body, None, [manager.email])
    except Exception:
        claim.delete()  # nothing went out: give the claim back for the next run
        raise
    claim.status, claim.sent_at = DigestSent.Status.SENT, now or timezone.now()
    claim.save(update_fields=["status", "sent_at"])
    return True


def claim_digest(manager: User, today: date, now: datetime) -> DigestSent | None:
    """The claim to send this digest, committed before anything is sent; None if taken."""
    try:
        with transaction.atomic():
            return DigestSent.objects.create(manager=manager, local_date=today, claimed_at=now)
    except IntegrityError:
        return None


def give_up_stale_claims(now: datetime) -> None:
    """Claims still "sending" long after: the process stopped mid-send. Not sent again."""
    stale = DigestSent.objects.filter(
        status=DigestSent.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    ).select_related("manager")
    for claim in stale:
        log.error(
            "The digest for %s on %s may not have gone out: the process stopped while"
            " sending it. It is not sent again, so that nobody gets it twice.",
            claim.manager.username,
            claim.local_date,
        )
    stale.update(status=DigestSent.Status.UNKNOWN)


def managers() -> list[User]:
    return list(
        User.objects.filter(groups__name=Role.MANAGER, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def send_due_digests(now: datetime | None = None) -> int:
    """Send every digest that is due and not yet sent; a failed send is tried next run."""
    now = now or timezone.now()
    give_up_stale_claims(now)
    sent = 0
    for manager in managers():
        today = due_today(manager, now)
        if today is None or DigestSent.objects.filter(manager=manager, local_date=today).exists():
            continue
        try:
            sent += send_digest(manager, today, now)
        except Exception:
            log.exception("Digest for %s failed; it will be tried again.", manager.username)
    return sent
