"""Correcting a moment shortly after logging it; every correction is kept."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .customers import hash_ref
from .dirty_days import mark_days_dirty
from .models import Moment, MomentCorrection, Remedy, User

CORRECTION_WINDOW = timedelta(minutes=15)
CORRECTED_FIELDS = [*Moment.TOLD_FIELDS, "occurred_at"]


class CorrectionRefused(Exception):
    """The moment is locked or not the person's own."""


def correctable_until(moment: Moment):
    return moment.created_at + CORRECTION_WINDOW


def is_correctable(moment: Moment) -> bool:
    return timezone.now() <= correctable_until(moment)


def snapshot(moment: Moment) -> dict:
    values = {name: getattr(moment, name) for name in CORRECTED_FIELDS}
    values["occurred_at"] = values["occurred_at"].isoformat()
    return values


@transaction.atomic
def correct_moment(staff: User, moment: Moment, cleaned: dict) -> Moment:
    """Apply `cleaned` form data to the staff member's own moment within the window."""
    moment = Moment.objects.select_for_update().get(pk=moment.pk)
    if moment.staff_id != staff.pk:
        raise CorrectionRefused(_("Only the person who logged a moment can correct it."))
    if not is_correctable(moment):
        raise CorrectionRefused(
            _("This moment is locked: moments can be corrected for 15 minutes after logging.")
        )
    before = snapshot(moment)
    old_day = moment.local_date
    for name in ("touchpoint_type", "channel", "outcome", "resolved_on_spot", "note", "extra"):
        setattr(moment, name, cleaned[name])
    if cleaned.get("customer_ref"):
        # A blank reference keeps the old one: it cannot be shown, so it cannot be retyped.
        moment.customer_ref_hash = hash_ref(cleaned["customer_ref"])
    moment.occurred_at = cleaned["occurred_at"]
    moment.save()
    after = snapshot(moment)
    if after == before:
        return moment
    MomentCorrection.objects.create(moment=moment, corrected_by=staff, before=before, after=after)
    if moment.local_date != old_day:  # its remedies count on the moment's day
        Remedy.objects.filter(moment=moment).update(local_date=moment.local_date)
    mark_days_dirty(moment.location_id, [old_day, moment.local_date])
    return moment
