"""Logging a moment of truth, exactly once."""

from django.db import IntegrityError, transaction

from .dirty_days import mark_day_dirty
from .models import Moment, User


class NotYourMoment(Exception):
    """The tablet's UUID is already used by a moment someone else logged."""


@transaction.atomic
def record_moment(staff: User, unsaved: Moment, uuid) -> tuple[Moment, bool]:
    """Store `unsaved` under the tablet's `uuid`, once.

    Returns the stored moment and whether this call created it. A repeat of the same UUID
    (double tap, resent request) returns the moment stored the first time.
    """
    existing = Moment.objects.filter(uuid=uuid).first()
    if existing is None:
        unsaved.uuid = uuid
        unsaved.staff = staff
        unsaved.team = staff.team
        unsaved.location = staff.team.location
        try:
            with transaction.atomic():
                unsaved.save()
        except IntegrityError:
            # Two copies of the same request raced; the other one stored it.
            existing = Moment.objects.get(uuid=uuid)
        else:
            mark_day_dirty(unsaved.location_id, unsaved.local_date)
            return unsaved, True
    if existing.staff_id != staff.pk:
        raise NotYourMoment
    return existing, False
