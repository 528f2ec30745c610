"""The addresses each person has signed in from: their usual places.

A flood of guesses from elsewhere slows an account down, and a flood of guesses from one
address shuts that address; neither may keep a person out of the place they always sign in
from (an airport's tablets behind one NAT, their home). A successful sign-in records its
(username, address) pair here, and the throttle lets such a pair try its password through
account and address locks alike; only that pair's own wrong passwords lock it
(docs/security.md, "Sign-in").
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class SignInAddress(models.Model):
    """One person's sign-ins from one address (an IPv6 caller by the first address of their
    /64, as the throttle counts them). Kept by username, as axes keeps its failures."""

    username = models.CharField(max_length=255)
    address = models.GenericIPAddressField()
    last_signed_in = models.DateTimeField()

    class Meta:
        app_label = "touchpoints"
        constraints = [
            models.UniqueConstraint(fields=["username", "address"], name="sign_in_address_once")
        ]
        indexes = [models.Index(fields=["address", "username"], name="sign_in_address_by_address")]

    def __str__(self) -> str:
        return f"{self.username} from {self.address}"


def _since():
    return timezone.now() - timedelta(days=settings.SIGN_IN_USUAL_ADDRESS_DAYS)


def remember_sign_in(username: str, address: str | None) -> None:
    """Record a successful sign-in: one statement, whether the pair is new or not."""
    if address is None:
        return
    SignInAddress.objects.bulk_create(
        [SignInAddress(username=username, address=address, last_signed_in=timezone.now())],
        update_conflicts=True,
        unique_fields=["username", "address"],
        update_fields=["last_signed_in"],
    )


def is_usual(username: str | None, address: str | None) -> bool:
    if username is None or address is None:
        return False
    recent = SignInAddress.objects.filter(last_signed_in__gte=_since())
    return recent.filter(username=username, address=address).exists()


def usual_addresses(username: str) -> frozenset[str]:
    recent = SignInAddress.objects.filter(username=username, last_signed_in__gte=_since())
    return frozenset(recent.values_list("address", flat=True))


def usual_people(address: str) -> frozenset[str]:
    recent = SignInAddress.objects.filter(address=address, last_signed_in__gte=_since())
    return frozenset(recent.values_list("username", flat=True))
