"""Everything held about one customer: found, exported and erased on request (GDPR 15, 17).

A customer is named by what they can give: a booking code or loyalty number (hashed as the
tablet hashes it, under every key of a rotation in progress), or the phone number or email
address they left for a call-back (contacts are encrypted, so they are found by decrypting
them: they are few and kept only weeks).

Erasure keeps the counts: the moment, its outcome and the customer's scores stay, so the
roll-ups and every figure stay as they were; what goes is what says who the customer is or
what they said: comments, notes, extra field values, the reference, the contact, and the
copies corrections and undos kept. A blanked comment or note is marked blanked, so that a
rebuilt roll-up still counts it; an open recovery closes and counts as lapsed, never as
recovered (docs/metrics.md, Recovery rate). It runs in batches, each its own transaction, and every
step only blanks or deletes, so a crash halfway leaves a state that running it again
finishes. What ties the remaining rows to the customer (the contact, and the reference on
the moments of that contact) goes in the last batch, so a retry still finds them.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from touchpoints.customers import normalise_ref, ref_hashes
from touchpoints.dirty_days import mark_day_dirty
from touchpoints.models import NOTE_KEPT_AS_COUNTED, Moment, MomentCorrection, Need, UndoRecord
from touchpoints.webhooks import WebhookDelivery, blank_free_text, deliveries_about

from .contact import normalise_phone
from .models import Answer, Recovery, RecoveryContact
from .themes.models import ThemeSuggestion

BATCH = 200  # moments per transaction when erasing
# What an erasure blanks in a moment's kept copies (corrections' before/after, undo records).
COPIED_PERSONAL = {"note": "", "extra": {}, "customer_ref_hash": ""}


@dataclass(frozen=True)
class Lookup:
    """What was typed, as the forms it may be stored in; never stored itself."""

    hashes: tuple[str, ...] = ()
    phone: str = ""
    email: str = ""

    @property
    def kind(self) -> str:
        """How the customer was named, for the request register (never the value)."""
        return "email" if self.email else "phone" if self.phone else "reference"


def lookup(typed: str) -> Lookup:
    """A reference, a phone number or an email address, whichever `typed` can be."""
    typed = (typed or "").strip()
    if "@" in typed:
        return Lookup(email=typed.lower())
    hashes = tuple(ref_hashes(typed)) if normalise_ref(typed) else ()
    return Lookup(hashes=hashes, phone=normalise_phone(typed) or "")


@dataclass
class Found:
    """The customer's rows, by kind; `moments` drives the rest."""

    moments: list[Moment] = field(default_factory=list)
    contacts: list[RecoveryContact] = field(default_factory=list)
    corrections: list[MomentCorrection] = field(default_factory=list)
    undos: list[UndoRecord] = field(default_factory=list)

    @property
    def answers(self) -> list[Answer]:
        return [a for m in self.moments if (a := _answer(m)) is not None]

    @property
    def recoveries(self) -> list[Recovery]:
        return [r for a in self.answers if (r := _recovery(a)) is not None]

    @property
    def needs(self) -> list[Need]:
        return [need for m in self.moments for need in m.needs.all() if need.note]

    def counts(self) -> dict[str, int]:
        return {
            "moments": len(self.moments),
            "answers": len(self.answers),
            "comments": sum(1 for a in self.answers if a.comment),
            "recoveries": len(self.recoveries),
            "contacts": len(self.contacts),
            "corrections": len(self.corrections),
            "undone_moments": len(self.undos),
            "needs": len(self.needs),
        }

    @property
    def is_empty(self) -> bool:
        return not (self.moments or self.contacts or self.corrections or self.undos)


def _answer(moment: Moment) -> Answer | None:
    invitation = moment.invitation if _has(moment, "invitation") else None
    return invitation.answer if invitation is not None and _has(invitation, "answer") else None


def _recovery(answer: Answer) -> Recovery | None:
    return answer.recovery if _has(answer, "recovery") else None


def _has(obj, name: str) -> bool:
    try:
        return getattr(obj, name) is not None
    except ObjectDoesNotExist:  # a reverse one-to-one with no row
        return False


def _contacts_matching(wanted: Lookup) -> list[RecoveryContact]:
    if not (wanted.phone or wanted.email):
        return []
    found = []
    for contact in RecoveryContact.objects.order_by("pk").iterator(chunk_size=500):
        if (wanted.phone and contact.phone == wanted.phone) or (
            wanted.email and contact.email.lower() == wanted.email
        ):
            found.append(contact)
    return found


def find(wanted: Lookup) -> Found:
    """Everything linked to the customer `wanted` names."""
    contacts = _contacts_matching(wanted)
    contact_moments = Moment.objects.filter(
        invitation__answer__recovery__contact__in=[c.pk for c in contacts]
    )
    # The same customer's other moments: those saved with the contact's moment's reference.
    hashes = set(wanted.hashes) | {
        h for h in contact_moments.values_list("customer_ref_hash", flat=True) if h
    }
    moments = list(
        Moment.objects.filter(Q(customer_ref_hash__in=hashes) | Q(pk__in=contact_moments))
        .select_related(
            "location", "touchpoint_type", "invitation__answer__recovery__contact", "team"
        )
        .prefetch_related("corrections", "needs")
        .order_by("occurred_at", "pk")
    )
    corrections = MomentCorrection.objects.filter(
        Q(moment__in=moments)
        | Q(before__customer_ref_hash__in=hashes)
        | Q(after__customer_ref_hash__in=hashes)
    ).order_by("pk")
    kept = {c.pk: c for c in contacts}
    for moment in moments:
        if (contact := _contact_of(moment)) is not None:
            kept.setdefault(contact.pk, contact)
    return Found(
        moments=moments,
        contacts=list(kept.values()),
        corrections=[c for c in corrections if _holds_personal(c.before, c.after)],
        undos=_undos_of(hashes),
    )


def _holds_personal(*copies: dict) -> bool:
    return any(copy.get(name) for copy in copies for name in COPIED_PERSONAL)


def _undos_of(hashes: Iterable[str]) -> list[UndoRecord]:
    """Undone moments whose kept copy names the customer, by its reference or in the
    corrections it kept (undos made before the copy held the reference)."""
    hashes = set(hashes)
    if not hashes:
        return []
    found = []
    for undo in UndoRecord.objects.order_by("pk").iterator(chunk_size=500):
        kept = undo.moment.get("corrections", [])
        copies = [undo.moment, *(c[side] for c in kept for side in ("before", "after"))]
        if any(copy.get("customer_ref_hash") in hashes for copy in copies):
            found.append(undo)
    return found


# -- erasure -----------------------------------------------------------------------------------


def erase(found: Found, *, between_batches=None) -> dict[str, int]:
    """Erase what `found` holds, keeping every count; returns what was erased, by kind.

    `between_batches` is called after each committed batch (tests crash there).
    """
    erased = found.counts()
    first = [m for m in found.moments if _contact_of(m) is None]
    last = [m for m in found.moments if _contact_of(m) is not None]
    for start in range(0, len(first), BATCH):
        with transaction.atomic():
            _erase_moments(first[start : start + BATCH])
        if between_batches:
            between_batches()
    with transaction.atomic():
        _erase_copies(found.corrections, found.undos)
    if between_batches:
        between_batches()
    with transaction.atomic():
        _erase_moments(last)
        RecoveryContact.objects.filter(pk__in=[c.pk for c in found.contacts]).delete()
    return erased


def _contact_of(moment: Moment) -> RecoveryContact | None:
    answer = _answer(moment)
    recovery = _recovery(answer) if answer else None
    return recovery.contact if recovery and _has(recovery, "contact") else None


def _erase_moments(moments: list[Moment]) -> None:
    ids = [m.pk for m in moments]
    if not ids:
        return
    now = timezone.now()
    for recovery in (
        Recovery.objects.select_for_update()
        .filter(answer__invitation__moment__in=ids, closed_at__isnull=True)
        .select_related("answer__invitation__moment")
    ):
        _close_as_erased(recovery, now)
    Recovery.objects.filter(answer__invitation__moment__in=ids).exclude(note="").update(note="")
    RecoveryContact.objects.filter(recovery__answer__invitation__moment__in=ids).delete()
    # The comment's copies go in the same transaction as the comment, while it can still be
    # matched: the examples of suggested themes, and the webhook messages still held.
    _drop_examples(
        Answer.objects.filter(invitation__moment__in=ids)
        .exclude(comment="")
        .values_list("comment", flat=True)
    )
    blank_free_text(deliveries_about([str(m.uuid) for m in moments]))
    Answer.objects.filter(invitation__moment__in=ids).exclude(comment="").update(
        comment="", comment_blanked=True
    )
    Need.objects.filter(moment__in=ids).exclude(note="").update(note="")
    for correction in MomentCorrection.objects.filter(moment__in=ids):
        _blank_correction(correction)
    # A bulk update: save() would stamp updated_at and recompute nothing else anyway.
    Moment.objects.filter(pk__in=ids).update(
        note="", note_blanked=NOTE_KEPT_AS_COUNTED, extra={}, customer_ref_hash=""
    )


def _drop_examples(comments: Iterable[str]) -> None:
    """Take these comments out of the example comments of suggested themes (few rows: at
    most twenty suggestions a night, each with five examples)."""
    comments = set(comments)
    if not comments:
        return
    for suggestion in ThemeSuggestion.objects.exclude(examples=[]).only("examples"):
        kept = [example for example in suggestion.examples if example not in comments]
        if kept != suggestion.examples:
            ThemeSuggestion.objects.filter(pk=suggestion.pk).update(examples=kept)


def webhook_deliveries(found: Found) -> list[WebhookDelivery]:
    """The webhook messages still held that carried this customer's answers or moments."""
    uuids = [str(m.uuid) for m in found.moments]
    if not uuids:
        return []
    return list(deliveries_about(uuids).select_related("endpoint").order_by("created_at", "pk"))


def _close_as_erased(recovery: Recovery, now) -> None:
    """An open recovery cannot be followed up once its customer is erased: it closes, and
    counts as a lapsed one closed late does (never as recovered, with no time to recover),
    so that an erasure never improves the recovery figures. Its day is rolled up again."""
    recovery.action = Recovery.Action.ERASED
    recovery.closed_at = now
    recovery.lapsed_at = recovery.lapsed_at or now
    recovery.closed_late = True
    recovery.seconds_to_recover = None
    recovery.save(
        update_fields=["action", "closed_at", "lapsed_at", "closed_late", "seconds_to_recover"]
    )
    moment = recovery.answer.invitation.moment
    mark_day_dirty(moment.location_id, moment.local_date)


def _blank(copy: dict) -> dict:
    return {**copy, **{k: v for k, v in COPIED_PERSONAL.items() if k in copy}}


def _blank_correction(correction: MomentCorrection) -> None:
    before, after = _blank(correction.before), _blank(correction.after)
    if (before, after) != (correction.before, correction.after):
        MomentCorrection.objects.filter(pk=correction.pk).update(before=before, after=after)


def _erase_copies(corrections: list[MomentCorrection], undos: list[UndoRecord]) -> None:
    for correction in corrections:
        _blank_correction(correction)
    for undo in undos:
        kept = _blank(undo.moment)
        kept["corrections"] = [
            {**c, "before": _blank(c["before"]), "after": _blank(c["after"])}
            for c in undo.moment.get("corrections", [])
        ]
        UndoRecord.objects.filter(pk=undo.pk).update(moment=kept)
