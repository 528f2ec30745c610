import uuid
import zoneinfo
from datetime import date, datetime

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


def validate_timezone(name: str) -> None:
    if name not in zoneinfo.available_timezones():
        raise ValidationError(f"{name!r} is not a known time zone (for example Europe/Stockholm).")


class Location(models.Model):
    name = models.CharField(max_length=100, unique=True)
    code = models.CharField(max_length=10, unique=True, help_text="Short code, e.g. ARN.")
    timezone = models.CharField(max_length=64, validators=[validate_timezone])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def local_date(self, moment_in_time: datetime) -> date:
        """The calendar day at this location when `moment_in_time` happened."""
        return moment_in_time.astimezone(self.tz).date()

    def today(self) -> date:
        return self.local_date(timezone.now())


class Team(models.Model):
    name = models.CharField(max_length=100)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="teams")

    class Meta:
        ordering = ["location__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["location", "name"], name="team_name_unique_per_location"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.location.code})"


class Role(models.TextChoices):
    FRONTLINE = "frontline", "Frontline"
    MANAGER = "manager", "Manager"
    ADMIN = "admin", "Admin"


class User(AbstractUser):
    """A person at work. Roles are Django groups named after `Role` values."""

    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    managed_locations = models.ManyToManyField(Location, blank=True, related_name="managers")

    def has_role(self, role: Role) -> bool:
        if role == Role.ADMIN and self.is_superuser:
            return True
        return any(group.name == role for group in self.groups.all())

    @property
    def role(self) -> Role | None:
        for role in (Role.ADMIN, Role.MANAGER, Role.FRONTLINE):
            if self.has_role(role):
                return role
        return None

    def visible_locations(self) -> models.QuerySet[Location]:
        """Locations whose figures this person may see on the manager dashboard."""
        if self.has_role(Role.ADMIN):
            return Location.objects.all()
        if self.has_role(Role.MANAGER):
            return self.managed_locations.all()
        return Location.objects.none()


class JourneyStage(models.Model):
    name = models.CharField(max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class TouchpointType(models.Model):
    name = models.CharField(max_length=80, unique=True)
    stage = models.ForeignKey(JourneyStage, on_delete=models.PROTECT, related_name="types")
    order = models.PositiveSmallIntegerField(default=0, help_text="Order within the stage.")
    icon = models.CharField(max_length=8, blank=True, help_text="An emoji shown on the tile.")
    asks_nps = models.BooleanField("ask the customer for NPS", default=True)
    asks_effort = models.BooleanField("ask the customer for effort", default=False)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["stage__order", "order", "name"]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    CHAT = "chat", "Chat"
    EMAIL = "email", "Email"


class Outcome(models.IntegerChoices):
    """How the staff member felt the moment went, as five faces."""

    VERY_BAD = 1, "Very bad"
    BAD = 2, "Bad"
    OK = 3, "OK"
    GOOD = 4, "Good"
    VERY_GOOD = 5, "Very good"


class Moment(models.Model):
    # Made on the tablet, so that a resent request is recognised as the same moment.
    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    staff = models.ForeignKey(User, on_delete=models.PROTECT, related_name="moments")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="moments")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="moments")
    touchpoint_type = models.ForeignKey(
        TouchpointType, on_delete=models.PROTECT, related_name="moments"
    )
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.IN_PERSON)
    outcome = models.PositiveSmallIntegerField(choices=Outcome.choices)
    resolved_on_spot = models.BooleanField(default=False)
    note = models.CharField(max_length=500, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    # The location's calendar day at occurred_at; stored because every roll-up groups by it.
    local_date = models.DateField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["location", "local_date"], name="moment_location_day"),
            models.Index(fields=["staff", "-occurred_at"], name="moment_staff_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.touchpoint_type} at {self.occurred_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        self.local_date = self.location.local_date(self.occurred_at)
        super().save(*args, **kwargs)


class DirtyDay(models.Model):
    """A (location, local day) whose roll-up is out of date.

    Written in the same transaction as the change that made it stale, so that a change is
    never lost when the broker or the worker is down: the next roll-up run picks it up.
    """

    location = models.ForeignKey(Location, on_delete=models.CASCADE)
    local_date = models.DateField()
    marked_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["location", "local_date"], name="dirty_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.location} {self.local_date}"
