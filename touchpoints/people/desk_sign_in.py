"""Signing in at a desk: tap your name (or type your badge number), then type your PIN.

Wrong PINs are counted in the database per person and desk, so that sign-in works while
Redis is down and a lock is exactly as wide as the guessing: five wrong PINs lock that person
at that desk for DESK_PIN_LOCK_MINUTES, each further lock in a row for twice as long. The
other people at the desk still sign in, and the person still signs in at another desk or
with their password.
"""

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import login
from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Desk, DeskSignIn, Role, User
from .desks import desk_for
from .pins import check_pin

DESK_KEY = "desk"  # the desk a session was signed in at
SEEN_KEY = "desk_seen"  # when that session last did something (desk_idle.py)
BACKEND = "touchpoints.people.sign_in.PersonBackend"


def people_at(desk: Desk) -> QuerySet[User]:
    """The desk's location's frontline people, the most recently signed in here first."""
    here = DeskSignIn.objects.filter(desk=desk, person=OuterRef("pk"))
    return (
        User.objects.filter(
            is_active=True, team__location_id=desk.location_id, groups__name=Role.FRONTLINE
        )
        .annotate(last_here=Subquery(here.values("last_signed_in_at")[:1]))
        .order_by(F("last_here").desc(nulls_last=True), "first_name", "last_name", "username")
    )


def person_at(desk: Desk, *, pk: int | None = None, badge: str = "") -> User | None:
    """One of the desk's people, by id (a tapped tile) or badge number (typed)."""
    people = User.objects.filter(
        is_active=True, team__location_id=desk.location_id, groups__name=Role.FRONTLINE
    )
    if badge:
        return people.filter(badge=badge.strip()).first()
    return people.filter(pk=pk).first() if pk is not None else None


@dataclass
class PinTry:
    right: bool
    locked_until: datetime | None = None
    tries_left: int = 0


def try_pin(desk: Desk, person: User, pin: str) -> PinTry:
    """Check `pin` for `person` at `desk`, counting it towards that pair's lock.

    The pair's row is locked while the PIN is checked, so that guesses sent in parallel
    are counted one after the other and cannot overtake the limit.
    """
    with transaction.atomic():
        record, _ = DeskSignIn.objects.select_for_update().get_or_create(desk=desk, person=person)
        now = timezone.now()
        if record.locked_until and record.locked_until > now:
            return PinTry(False, locked_until=record.locked_until)
        if check_pin(person, pin):
            record.wrong_pins, record.locks, record.locked_until = 0, 0, None
            record.last_signed_in_at = now
            record.save()
            return PinTry(True)
        record.wrong_pins += 1
        if record.wrong_pins >= settings.DESK_PIN_FAILURES:
            record.wrong_pins, record.locks = 0, record.locks + 1
            record.locked_until = now + lock_time(record.locks)
        record.save(update_fields=["wrong_pins", "locks", "locked_until"])
        left = settings.DESK_PIN_FAILURES - record.wrong_pins
        return PinTry(False, locked_until=record.locked_until, tries_left=left)


def lock_time(locks: int) -> timedelta:
    """The `locks`th lock in a row lasts twice the one before, up to a day: someone guessing at
    one desk gets a few dozen tries a day, not five every few minutes (docs/security.md)."""
    minutes = settings.DESK_PIN_LOCK_MINUTES * 2 ** min(locks - 1, 12)
    return timedelta(minutes=min(minutes, 24 * 60))


def sign_in(request: HttpRequest, person: User) -> None:
    """Django's own sign-in (a new session; user_logged_in fires, so the shift rule applies)."""
    login(request, person, backend=BACKEND)


def mark_desk_session(sender, request, user, **kwargs) -> None:
    """A sign-in on a desk tablet, by PIN or password, is a desk session: it ends when the
    tablet is left idle (desk_idle.py). Connected to user_logged_in."""
    if request is None:
        return
    desk = desk_for(request)
    if desk is not None:
        request.session[DESK_KEY] = desk.pk
        request.session[SEEN_KEY] = time.time()


def refusal(result: PinTry, desk: Desk | None) -> str:
    """Why a PIN was refused: wrong (with the tries left), or locked until when."""
    if result.locked_until:
        tz = desk.location.tz if desk else None
        at = timezone.localtime(result.locked_until, tz).strftime("%H:%M")
        return _("Too many wrong PINs: try again at %(time)s or sign in with your password.") % {
            "time": at
        }
    return ngettext(
        "Wrong PIN. %(left)d try left before a short lock.",
        "Wrong PIN. %(left)d tries left before a short lock.",
        result.tries_left,
    ) % {"left": result.tries_left}
