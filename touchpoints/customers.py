"""Customer references: matchable across the company, never readable.

A booking code or loyalty number is normalised and stored only as an HMAC keyed with
settings.CUSTOMER_REF_KEY. Anyone holding the reference can find the customer's recent
moments; nobody holding the database alone can read the reference back. While the key is
rotated, the previous keys (CUSTOMER_REF_OLD_KEYS) still match what was saved under them.
"""

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from .models import Moment

HISTORY_DAYS = 90
HISTORY_LIMIT = 10


def normalise_ref(raw: str) -> str:
    """`ab-12 3c ` and `AB123C` are the same booking: upper case, letters and digits only."""
    return re.sub(r"[^0-9A-Z]", "", (raw or "").upper())


def _hmac(key: str, normalised: str) -> str:
    return hmac.new(key.encode(), normalised.encode(), hashlib.sha256).hexdigest()


def hash_ref(raw: str) -> str:
    """The stored form of a customer reference, or "" when there is none."""
    normalised = normalise_ref(raw)
    return _hmac(settings.CUSTOMER_REF_KEY, normalised) if normalised else ""


def ref_hashes(raw: str) -> list[str]:
    """Every form the reference may be stored in: under the current key, then under each key
    in CUSTOMER_REF_OLD_KEYS (a rotation in progress, docs/operations.md). Empty for none."""
    normalised = normalise_ref(raw)
    if not normalised:
        return []
    keys = [settings.CUSTOMER_REF_KEY, *settings.CUSTOMER_REF_OLD_KEYS]
    return list(dict.fromkeys(_hmac(key, normalised) for key in keys))


def last_invited(moment: Moment) -> datetime | None:
    """When the moment's customer was last invited for another moment, within the limit's
    period (settings.INVITE_SAME_CUSTOMER_DAYS); None if not, or without a reference.

    Read through the reverse relation's name: touchpoints does not import feedback."""
    if not moment.customer_ref_hash:
        return None
    since = timezone.now() - timedelta(days=settings.INVITE_SAME_CUSTOMER_DAYS)
    found = (
        Moment.objects.filter(
            customer_ref_hash=moment.customer_ref_hash, invitation__created_at__gte=since
        )
        .exclude(pk=moment.pk)
        .aggregate(last=Max("invitation__created_at"))
    )
    return found["last"]


@dataclass(frozen=True)
class PastMoment:
    occurred_at: datetime
    type_name: str
    icon: str
    location_code: str
    location_timezone: str
    outcome: int
    outcome_label: str
    resolved_on_spot: bool | None  # None: not recorded
    customer_csat: int | None
    customer_comment: str


@dataclass(frozen=True)
class CustomerHistory:
    moments: list[PastMoment]

    @property
    def unresolved(self) -> list[PastMoment]:
        return [moment for moment in self.moments if moment.resolved_on_spot is False]

    @property
    def low_ratings(self) -> list[PastMoment]:
        return [m for m in self.moments if m.customer_csat is not None and m.customer_csat <= 2]

    @property
    def spans_zones(self) -> bool:
        """Moments at places with different clocks: then each time names its zone."""
        return len({moment.location_timezone for moment in self.moments}) > 1


def customer_history(raw_ref: str, limit: int = HISTORY_LIMIT) -> CustomerHistory:
    """The customer's recent moments across every location, newest first.

    Customer ratings are read through the reverse relation names only, so that touchpoints
    does not import feedback.
    """
    hashes = ref_hashes(raw_ref)
    if not hashes:
        return CustomerHistory([])
    since = timezone.now() - timedelta(days=HISTORY_DAYS)
    rows = (
        Moment.objects.filter(customer_ref_hash__in=hashes, occurred_at__gte=since)
        .order_by("-occurred_at")
        .values(
            "occurred_at",
            "touchpoint_type__name",
            "touchpoint_type__icon",
            "location__code",
            "location__timezone",
            "outcome",
            "resolved_on_spot",
            "invitation__answer__csat",
            "invitation__answer__comment",
        )[:limit]
    )
    labels = dict(Moment._meta.get_field("outcome").choices)
    return CustomerHistory(
        [
            PastMoment(
                occurred_at=row["occurred_at"],
                type_name=row["touchpoint_type__name"],
                icon=row["touchpoint_type__icon"],
                location_code=row["location__code"],
                location_timezone=row["location__timezone"],
                outcome=row["outcome"],
                outcome_label=labels[row["outcome"]],
                resolved_on_spot=row["resolved_on_spot"],
                customer_csat=row["invitation__answer__csat"],
                customer_comment=row["invitation__answer__comment"] or "",
            )
            for row in rows
        ]
    )
