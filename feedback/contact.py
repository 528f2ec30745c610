"""A way to reach the customer after a low answer, given by consent.

The thank-you page after an answer that opened a recovery offers a second, optional form:
a phone number or an email address, and a consent sentence to tick. Only whoever sent the
answer can use it: the form carries an offer key, signed and dated, that exists only in
the response to that POST. Someone who holds the link (a QR code seen over a shoulder)
gets "we already have your answer" and no key; a key works for OFFER_MINUTES, while the
recovery is open, and once: details already given are never replaced.
"""

import re
from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils.translation import get_language, ngettext

from .models import FeedbackSettings, Invitation, Recovery, RecoveryContact

OFFER_MINUTES = 60
# Change it whenever the consent sentence's meaning changes; each row keeps the one it had.
CONSENT_VERSION = "2026-12"
SIGNER_SALT = "feedback.contact-offer"

# "(0)" is the national trunk prefix written after a country code ("+46 (0)70 …"): dialled
# from abroad it is left out. The rest is punctuation people type between digit groups.
_TRUNK_ZERO = "(0)"
_PUNCTUATION = re.compile(r"[\s\-().]")
_E164 = re.compile(r"\+[1-9][0-9]{7,14}")


def normalise_phone(typed: str) -> str | None:
    """`typed` as E.164 ("+46701234567"), or None when it cannot be one.

    Spaces, dashes, dots and parentheses go; a leading 00 (the international prefix) becomes
    "+". A number without its country code is refused rather than guessed.
    """
    number = _PUNCTUATION.sub("", typed.strip().replace(_TRUNK_ZERO, ""))
    if number.startswith("00"):
        number = "+" + number[2:]
    return number if _E164.fullmatch(number) else None


def consent_sentence(days: int) -> str:
    """What the customer agrees to, in the active language."""
    return ngettext(
        "I agree that the team may use these details to contact me about this answer. "
        "They are used for nothing else and deleted %(days)d day after the matter is closed.",
        "I agree that the team may use these details to contact me about this answer. "
        "They are used for nothing else and deleted %(days)d days after the matter is closed.",
        days,
    ) % {"days": days}


class OfferRefused(Exception):
    """The key is forged, for another link, too old, or the recovery is already closed."""


@dataclass
class Offer:
    """What the customer may accept: the recovery, and the erasure period they were told."""

    key: str
    kept_days: int
    recovery: Recovery | None = None
    already_given: bool = False


def new_offer(invitation: Invitation) -> Offer:
    """The offer on the thank-you page. Its key carries the period the consent sentence
    names, so that what is kept is what the customer read, whatever an admin changes after."""
    days = FeedbackSettings.current().contact_kept_days
    key = signing.TimestampSigner(salt=SIGNER_SALT).sign(f"{invitation.token}/{days}")
    return Offer(key, days)


def offer_for(invitation: Invitation, key: str) -> Offer:
    """The offer that `key` made on `invitation`'s thank-you page, while it stands."""
    signer = signing.TimestampSigner(salt=SIGNER_SALT)
    try:
        token, _, days = signer.unsign(key, max_age=OFFER_MINUTES * 60).partition("/")
    except signing.BadSignature as refusal:  # SignatureExpired is one too
        raise OfferRefused from refusal
    recovery = Recovery.objects.filter(answer__invitation=invitation).first()
    if token != invitation.token or recovery is None or recovery.closed_at is not None:
        raise OfferRefused
    given = RecoveryContact.objects.filter(recovery=recovery).exists()
    return Offer(key, int(days), recovery, already_given=given)


def leave_contact(offer: Offer, *, phone: str, email: str) -> RecoveryContact | None:
    """Keep the customer's details with the consent they gave; None if some were given
    already (a double tap), which are kept as they are."""
    try:
        with transaction.atomic():
            return RecoveryContact.objects.create(
                recovery=offer.recovery,
                phone=phone,
                email=email,
                consent_text=consent_sentence(offer.kept_days),
                consent_version=CONSENT_VERSION,
                language=get_language() or "",
                kept_days=offer.kept_days,
            )
    except IntegrityError:
        return None


def contact_for(recovery_id: int) -> RecoveryContact | None:
    return RecoveryContact.objects.filter(recovery_id=recovery_id).first()


def contact_of(recovery: Recovery) -> RecoveryContact | None:
    """The recovery's contact through its cache (see `panel_context`'s prefetch)."""
    try:
        return recovery.contact
    except RecoveryContact.DoesNotExist:
        return None
