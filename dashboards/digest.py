"""The morning digest: at 07:00 in their location's time, each manager gets yesterday's
figures and what their front line is still waiting for.

Beat runs `send_due_digests` every quarter of an hour; a `DigestSent` row per manager and
local day, written in the same transaction as the send, keeps it to one email a day.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from touchpoints.models import Location, Role, User

from . import figures
from .filters import Selection, Window, scope_for
from .models import DigestSent
from .need_answers import age, open_queue

log = logging.getLogger(__name__)

SEND_AT = time(7, 0)


def home_location(manager: User) -> Location | None:
    """The location whose clock the manager's morning follows: the first one they manage."""
    location = manager.managed_locations.order_by("name").first()
    if location is None:
        team = manager.managed_teams.select_related("location").order_by("pk").first()
        location = team.location if team else None
    return location


def due_today(manager: User, now: datetime) -> date | None:
    """The manager's local date if their 07:00 has passed; None before, or with no location."""
    location = home_location(manager)
    if location is None:
        return None
    local_now = now.astimezone(location.tz)
    return local_now.date() if local_now.time() >= SEND_AT else None


@dataclass(frozen=True)
class Digest:
    subject: str
    body: str


def compose(manager: User, today: date) -> Digest:
    """Yesterday's figures across the manager's scope and the needs still open."""
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
    subject = f"Moments: {yesterday:%A %-d %B}, {open_count} open needs"
    return Digest(subject, render_to_string("dashboards/digest_email.txt", context))


def send_digest(manager: User, today: date) -> bool:
    """Send one manager's digest for `today`, unless it has gone already; True if sent."""
    try:
        with transaction.atomic():
            DigestSent.objects.create(manager=manager, local_date=today, sent_at=timezone.now())
            digest = compose(manager, today)
            send_mail(digest.subject, digest.body, None, [manager.email])
    except IntegrityError:
        return False  # another run sent it first
    return True


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
    sent = 0
    for manager in managers():
        today = due_today(manager, now)
        if today is None or DigestSent.objects.filter(manager=manager, local_date=today).exists():
            continue
        try:
            sent += send_digest(manager, today)
        except Exception:
            log.exception("Digest for %s failed; it will be tried again.", manager.username)
    return sent
