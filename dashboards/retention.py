"""The nightly pruning: each class of personal data deleted or anonymised once its retention
period (`RetentionPolicy`, docs/privacy.md) has passed.

Small batches, each its own short transaction on old rows only, so a frontline save never
waits behind it (bench/prune_save.py measures that). Figures outlive the raw rows: before a
location's raw moments go, its dirty days before the cut are rolled up and its sealed
boundary (`RollupSeal`) moves to the cut, so no rebuild ever recomputes a pruned day.
Each step only blanks or deletes what is past its time, so a run stopped halfway is
finished by the next. Contact details have their own hourly erasure (feedback/erasure.py).
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from feedback.models import Answer, CustomerRequest, Invitation, Recovery, RecoveryContact
from feedback.themes.models import ThemeSuggestion
from touchpoints.api_keys import ApiWrite
from touchpoints.dirty_days import journal_off
from touchpoints.models import (
    NOTE_KEPT_AS_COUNTED,
    AccessRecord,
    AuditEntry,
    DirtyDay,
    Location,
    Moment,
    MomentCorrection,
    Need,
    Remedy,
    RemedyCorrection,
    SignInAddress,
    UndoRecord,
    User,
)
from touchpoints.webhooks import WebhookDelivery, blank_free_text

from .export_jobs import remove_expired as remove_expired_exports
from .models import RetentionPolicy
from .rollup import apply_changes, rebuild_buckets, seal

BATCH = 500
# Webhook messages delivered or given up are kept this long to look into a receiver's
# complaint, then deleted (docs/privacy.md): they carry customers' comments to a third party.
WEBHOOK_DAYS = 30
COPIED_TEXT = {"note": "", "extra": {}}
PSEUDONYM_PREFIX = "former-"
# The audit trail's names for a person's fields that name them (touchpoints/configuration/audit.py).
NAME_FIELDS = {"username", "first name", "last name", "email address", "badge number"}


def _batches(queryset: QuerySet, act: Callable[[list[int]], object], pause=None) -> int:
    """Apply `act` to the ids `queryset` finds, BATCH per transaction, walking the primary
    key upwards so that each batch reads on from the last; returns how many rows."""
    done, last = 0, 0
    while True:
        with transaction.atomic():
            ids = list(
                queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH]
            )
            if not ids:
                return done
            act(ids)
        done += len(ids)
        last = ids[-1]
        if pause:
            pause()


def _update(model, **changes) -> Callable[[list[int]], object]:
    return lambda ids: model.objects.filter(pk__in=ids).update(**changes)


def _delete(model) -> Callable[[list[int]], object]:
    return lambda ids: model.objects.filter(pk__in=ids).delete()


def _blank_copies(ids: list[int], model, field: str, blank: dict) -> None:
    for pk, copy in model.objects.filter(pk__in=ids).values_list("pk", field):
        model.objects.filter(pk=pk).update(**{field: _blanked(copy, blank)})


def _blanked(copy: dict, blank: dict) -> dict:
    kept = {**copy, **{k: v for k, v in blank.items() if k in copy}}
    if "before" in copy:  # a correction inside an undone moment's copy
        kept["before"], kept["after"] = (
            _blanked(copy["before"], blank),
            _blanked(copy["after"], blank),
        )
    if "corrections" in copy:
        kept["corrections"] = [_blanked(c, blank) for c in copy["corrections"]]
    return kept


def _holding(blank: dict) -> Q:
    """Copies still holding one of `blank`'s keys with a value."""
    held = Q()
    for key, empty in blank.items():
        held |= Q(**{f"{key}__isnull": False}) & ~Q(**{key: empty})
    return held


# -- each class ------------------------------------------------------------------------------


def prune_comments(cutoff: datetime) -> int:
    """Customers' comments, staff notes, extra field values, and the copies kept of them."""
    done = _batches(
        Answer.objects.filter(answered_at__lt=cutoff).exclude(comment=""),
        _update(Answer, comment="", comment_blanked=True),
    )
    done += _batches(
        Moment.objects.filter(occurred_at__lt=cutoff).filter(~Q(note="") | ~Q(extra={})),
        _update(Moment, note="", note_blanked=NOTE_KEPT_AS_COUNTED, extra={}),
    )
    done += _batches(
        Recovery.objects.filter(opened_at__lt=cutoff).exclude(note=""), _update(Recovery, note="")
    )
    done += _batches(
        Need.objects.filter(raised_at__lt=cutoff).filter(~Q(note="") | ~Q(answer="")),
        _update(Need, note="", answer=""),
    )
    done += _batches(
        ThemeSuggestion.objects.filter(period_end__lt=timezone.localdate(cutoff)).exclude(
            examples=[]
        ),
        _update(ThemeSuggestion, examples=[]),
    )
    # Messages still waiting (an endpoint paused for long) keep their scores, not the words.
    done += _batches(
        WebhookDelivery.objects.filter(created_at__lt=cutoff),
        lambda ids: blank_free_text(WebhookDelivery.objects.filter(pk__in=ids)),
    )
    return done + _prune_copies(cutoff, COPIED_TEXT) + _prune_remedy_reasons(cutoff)


def _prune_remedy_reasons(cutoff: datetime) -> int:
    """Why a remedy went over its limit (free text), and the copies its corrections keep."""
    done = _batches(
        Remedy.objects.filter(given_at__lt=cutoff).exclude(reason=""), _update(Remedy, reason="")
    )
    blank = {"reason": ""}
    corrections = RemedyCorrection.objects.filter(corrected_at__lt=cutoff).filter(
        _holding({"before__reason": ""}) | _holding({"after__reason": ""})
    )
    return done + _batches(
        corrections,
        lambda ids: [
            RemedyCorrection.objects.filter(pk=pk).update(
                before=_blanked(before, blank), after=_blanked(after, blank)
            )
            for pk, before, after in RemedyCorrection.objects.filter(pk__in=ids).values_list(
                "pk", "before", "after"
            )
        ],
    )


def _prune_copies(cutoff: datetime, blank: dict) -> int:
    corrections = MomentCorrection.objects.filter(corrected_at__lt=cutoff).filter(
        _holding({f"before__{k}": v for k, v in blank.items()})
        | _holding({f"after__{k}": v for k, v in blank.items()})
    )
    done = _batches(
        corrections,
        lambda ids: [
            MomentCorrection.objects.filter(pk=pk).update(
                before=_blanked(before, blank), after=_blanked(after, blank)
            )
            for pk, before, after in MomentCorrection.objects.filter(pk__in=ids).values_list(
                "pk", "before", "after"
            )
        ],
    )
    undos = UndoRecord.objects.filter(undone_at__lt=cutoff)
    return done + _batches(undos, lambda ids: _blank_copies(ids, UndoRecord, "moment", blank))


def prune_customer_refs(cutoff: datetime) -> int:
    """The hashed reference that links a customer's moments, and its kept copies."""
    done = _batches(
        Moment.objects.filter(occurred_at__lt=cutoff).exclude(customer_ref_hash=""),
        _update(Moment, customer_ref_hash=""),
    )
    return done + _prune_copies(cutoff, {"customer_ref_hash": ""})


def prune_raw(days: int, now: datetime, pause=None) -> int:
    """Raw moments and everything hanging from them, location by location, before its cut:
    its sealed boundary moves there first, so the figures stay (see the module)."""
    done = 0
    for location in Location.objects.all():
        cut = location.local_date(now) - timedelta(days=days)
        seal_before(location, cut)
        # Days before the seal: their figures are final, so their deletes are not journaled
        # for the sweep (which would drop them anyway; dashboards/journal.py).
        moments = Moment.objects.filter(location=location, local_date__lt=cut)
        done += _batches(moments, _unjournaled(_delete_moments), pause)
        needs = Need.objects.filter(location=location, local_date__lt=cut)
        done += _batches(needs, _unjournaled(_delete(Need)), pause)
        done += _batches(
            UndoRecord.objects.filter(location=location, local_date__lt=cut),
            _delete(UndoRecord),
            pause,
        )
    return done


def seal_before(location: Location, cut) -> None:
    """Roll up what is still journaled or marked before `cut`, then make the roll-ups
    before it final."""
    apply_changes([location.pk])
    dirty = DirtyDay.objects.filter(location=location, local_date__lt=cut)
    rebuild_buckets(dirty.values_list("location_id", "local_date"))
    seal(location.pk, cut)


def _unjournaled(act: Callable[[list[int]], object]) -> Callable[[list[int]], object]:
    def run(ids: list[int]) -> None:
        with journal_off():
            act(ids)

    return run


def _delete_moments(ids: list[int]) -> None:
    """Feedback is protected from a moment's delete: it goes first, innermost first."""
    RecoveryContact.objects.filter(recovery__answer__invitation__moment__in=ids).delete()
    Recovery.objects.filter(answer__invitation__moment__in=ids).delete()
    Answer.objects.filter(invitation__moment__in=ids).delete()
    Invitation.objects.filter(moment__in=ids).delete()
    Moment.objects.filter(pk__in=ids).delete()


def prune_webhooks(cutoff: datetime) -> int:
    """Webhook messages delivered or given up before `cutoff`; waiting ones stay to be sent."""
    finished = WebhookDelivery.objects.filter(created_at__lt=cutoff).filter(
        Q(delivered_at__isnull=False) | Q(failed_at__isnull=False)
    )
    return _batches(finished, _delete(WebhookDelivery))


def prune_audit(cutoff: datetime) -> int:
    """The configuration audit trail, Django's own admin log beside it, the register of
    customer data requests (which the audit entries point at), and the API's writes."""
    done = _batches(AuditEntry.objects.filter(at__lt=cutoff), _delete(AuditEntry))
    done += _batches(ApiWrite.objects.filter(at__lt=cutoff), _delete(ApiWrite))
    done += _batches(LogEntry.objects.filter(action_time__lt=cutoff), _delete(LogEntry))
    requests = CustomerRequest.objects.filter(at__lt=cutoff)
    return done + _batches(requests, _delete(CustomerRequest))


def prune_sign_ins(cutoff: datetime) -> int:
    """Failed sign-ins (name typed, address, browser) and usual sign-in addresses."""
    done = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        done += _batches(model.objects.filter(attempt_time__lt=cutoff), _delete(model))
    addresses = SignInAddress.objects.filter(last_signed_in__lt=cutoff)
    return done + _batches(addresses, _delete(SignInAddress))


def prune_sessions(now: datetime) -> int:
    """Sessions past their own expiry (a shift, or two weeks): what `clearsessions` does."""
    return _batches(Session.objects.filter(expire_date__lt=now), _delete(Session))


def pseudonymise_leavers(cutoff: datetime) -> int:
    """People deactivated and not signed in since `cutoff` become "Former colleague N" in
    every screen and export; their moments stay, counted as before."""
    leavers = User.objects.filter(is_active=False).exclude(username__startswith=PSEUDONYM_PREFIX)
    leavers = leavers.filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    )
    return _batches(leavers, _pseudonymise)


def _pseudonymise(ids: list[int]) -> None:
    people = ContentType.objects.get_for_model(User)
    for person in User.objects.filter(pk__in=ids):
        person.username = f"{PSEUDONYM_PREFIX}{person.pk}"
        person.first_name, person.last_name = "Former colleague", str(person.pk)
        person.email = person.badge = ""
        person.save(update_fields=["username", "first_name", "last_name", "email", "badge"])
        # The configuration history names them too: its entries about them now say who
        # they are by the pseudonym, and their old names go from the changes recorded.
        for entry in AuditEntry.objects.filter(content_type=people, object_id=str(person.pk)):
            entry.object_repr = person.username
            entry.changes = {
                name: (["—", "—"] if name in NAME_FIELDS else change)
                for name, change in entry.changes.items()
            }
            entry.save(update_fields=["object_repr", "changes"])


def prune_expired(now: datetime | None = None, pause=None) -> dict[str, int]:
    """Everything past its time, class by class; returns how many rows each class lost."""
    now = now or timezone.now()
    policy = RetentionPolicy.current()

    def before(days: int) -> datetime:
        return now - timedelta(days=days)

    return {
        "raw": prune_raw(policy.raw_days, now, pause),
        "comments": prune_comments(before(policy.comments_days)),
        "customer_refs": prune_customer_refs(before(policy.customer_refs_days)),
        "webhooks": prune_webhooks(before(WEBHOOK_DAYS)),
        "audit": prune_audit(before(policy.audit_days)),
        "access": _batches(
            AccessRecord.objects.filter(at__lt=before(policy.access_days)), _delete(AccessRecord)
        ),
        "sign_ins": prune_sign_ins(before(policy.sign_in_days)),
        "sessions": prune_sessions(now),
        "leavers": pseudonymise_leavers(before(policy.leavers_days)),
        # Also swept every minute (export_jobs.sweep); here too, so the pruning is complete.
        "exports": remove_expired_exports(now),
    }
