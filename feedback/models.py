import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from touchpoints.models import Moment


def new_token() -> str:
    # 18 random bytes: 144 bits, more than enough that guessing a live token is hopeless.
    return secrets.token_urlsafe(18)


def default_expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_EXPIRY_DAYS)


class Invitation(models.Model):
    """The customer's way to rate one moment: a single-use token behind a short URL."""

    moment = models.OneToOneField(Moment, on_delete=models.PROTECT, related_name="invitation")
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=default_expiry)

    def __str__(self) -> str:
        return f"Invitation for {self.moment}"

    def get_absolute_url(self) -> str:
        return reverse("feedback:answer", args=[self.token])

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class Answer(models.Model):
    """The customer's own verdict on a moment."""

    invitation = models.OneToOneField(Invitation, on_delete=models.PROTECT, related_name="answer")
    csat = models.PositiveSmallIntegerField(
        "satisfaction", validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    nps = models.PositiveSmallIntegerField(
        "likelihood to recommend",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    effort = models.PositiveSmallIntegerField(
        "customer effort",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
    )
    comment = models.TextField(blank=True, max_length=1000)
    answered_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"CSAT {self.csat} for {self.invitation.moment}"
