import functools
import uuid
import zoneinfo
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import icons
from .remedy_models import CURRENCIES, DEFAULT_CURRENCY


@functools.cache
def known_timezones() -> frozenset[str]:
    """The time zone database's names, read once: listing them opens a thousand files."""
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(name: str) -> None:
    if name not in known_timezones():
        raise ValidationError(
            _("%(name)s is not a known time zone (for example Europe/Stockholm).")
            % {"name": repr(name)}
        )


class Location(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(
        _("code"), max_length=10, unique=True, help_text=_("Short code, e.g. ARN.")
    )
    timezone = models.CharField(_("time zone"), max_length=64, validators=[validate_timezone])
    currency = models.CharField(
        _("currency"),
        max_length=3,
        choices=CURRENCIES,
        default=DEFAULT_CURRENCY,
        help_text=_("Remedy costs and budgets here are in this currency."),
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Untick to archive: history is kept.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

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
    name = models.CharField(_("name"), max_length=100)
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="teams", verbose_name=_("location")
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Untick to archive: history is kept.")
    )

    class Meta:
        ordering = ["location__name", "name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(
                fields=["location", "name"], name="team_name_unique_per_location"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.location.code})"

    def closed_to_moments(self) -> str:
        """Why nothing can be saved to this team now (it or its location is archived); ""
        while it is open."""
        if not self.location.active:
            return _(
                "%(location)s is archived, so moments can no longer be saved there."
                " Ask an admin to move you to an active team."
            ) % {"location": self.location}
        if not self.active:
            return _(
                "Your team %(team)s is archived, so moments can no longer be saved for it."
                " Ask an admin to move you to an active team."
            ) % {"team": self}
        return ""


class Role(models.TextChoices):
    FRONTLINE = "frontline", _("Frontline")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Admin")


class User(AbstractUser):
    """A person at work. Roles are Django groups named after `Role` values."""

    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    managed_locations = models.ManyToManyField(Location, blank=True, related_name="managers")
    managed_teams = models.ManyToManyField(Team, blank=True, related_name="managers")
    # A manager's own choice: an email, at most hourly, when needs are raised in their scope.
    # Set when they opt in (needs raised before it are never mailed), empty when they do not.
    need_emails_since = models.DateTimeField(
        "hourly emails about new needs since",
        null=True,
        blank=True,
        help_text="Set by the manager on the needs page; empty means no hourly emails.",
    )
    # Desk sign-in on a shared tablet (touchpoints/people/pins.py): the badge number a person
    # may type instead of tapping their name, and a personal PIN hashed like a password. The
    # fingerprint (a keyed hash) finds a PIN already used at a location without hashing it
    # against every person there.
    badge = models.CharField(_("badge number"), max_length=32, blank=True, default="")
    pin = models.CharField("desk PIN", max_length=128, blank=True, default="", editable=False)
    pin_fingerprint = models.CharField(
        max_length=64, blank=True, default="", editable=False, db_index=True
    )
    # Blank follows the browser (touchpoints/people/language.py).
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        default="",
        choices=settings.LANGUAGES,
        help_text=_("Empty: the language the browser asks for."),
    )

    class Meta(AbstractUser.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["badge"], condition=~models.Q(badge=""), name="unique_badge_when_set"
            )
        ]

    @property
    def has_pin(self) -> bool:
        return bool(self.pin)

    def has_role(self, role: Role) -> bool:
        if role == Role.ADMIN and self.is_superuser:
            return True
        return role in self.group_names()

    def group_names(self) -> frozenset[str]:
        """The person signed in comes with the groups a request asks about
        (people/sign_in.py); anyone else asks the database."""
        if (held := getattr(self, "held_groups", None)) is not None:
            return held
        return frozenset(group.name for group in self.groups.all())

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


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Chat")
    EMAIL = "email", _("Email")


class JourneyStage(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("journey stage")
        verbose_name_plural = _("journey stages")

    def __str__(self) -> str:
        return self.name


def all_channels() -> list[str]:
    return [channel.value for channel in Channel]


class LoggableTypesVersion(models.Model):
    """One row: a version that every change to the touchpoint types or their extra fields
    replaces, in the change's own transaction. Each process keeps the types in memory and
    reloads them when the version has changed (`loggable_types`); every request reads it
    with the person (`sign_in.PEOPLE`), so a save asks the database nothing more for it.

    In PostgreSQL, not Redis: it commits and rolls back with the change, and a Redis outage
    cannot hide one. Random, not counted up: a rolled-back change's version is never given
    to a later one, so a process that read it inside that transaction still reloads.
    """

    version = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"touchpoint types, version {self.version}"

    @classmethod
    def current(cls) -> str:
        """ "" before the first change (or after a test emptied the table)."""
        return cls.objects.values_list("version", flat=True).first() or ""

    @classmethod
    def bump(cls) -> None:
        version = uuid.uuid4().hex
        if not cls.objects.filter(pk=1).update(version=version):
            cls.objects.update_or_create(pk=1, defaults={"version": version})


class ChangesLoggableTypes:
    """Saving or deleting one of these tells every process to reload the types a moment
    can be logged as (see `loggable_types`)."""

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        LoggableTypesVersion.bump()

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        LoggableTypesVersion.bump()
        return deleted


class TouchpointType(ChangesLoggableTypes, models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    stage = models.ForeignKey(
        JourneyStage, on_delete=models.PROTECT, related_name="types", verbose_name=_("stage")
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Order within the stage.")
    )
    icon = models.CharField(
        _("icon"),
        max_length=40,
        default=icons.DEFAULT_ICON,
        validators=[icons.validate_icon],
        help_text=_("The drawing on the tile, one of the icons offered."),
    )
    colour = models.CharField(
        _("colour"), max_length=7, default="#0b4f8a", help_text=_("Tile colour, #rrggbb.")
    )
    channels = models.JSONField(
        _("channels"),
        default=all_channels,
        help_text=_('Channels this type can happen on, e.g. ["phone"].'),
    )
    asks_nps = models.BooleanField(_("ask the customer for NPS"), default=True)
    asks_effort = models.BooleanField(_("ask the customer for effort"), default=False)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Untick to archive: history is kept.")
    )

    class Meta:
        ordering = ["stage__order", "order", "name"]
        verbose_name = _("touchpoint type")
        verbose_name_plural = _("touchpoint types")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def next_order(cls, stage_id: int | None) -> int:
        """The order that puts a new type after every other in its stage."""
        last = cls.objects.filter(stage_id=stage_id).aggregate(last=models.Max("order"))["last"]
        return 0 if last is None else last + 1


class ExtraField(ChangesLoggableTypes, models.Model):
    """A field an admin adds to one touchpoint type, e.g. the flight number at the gate.

    Values live in `Moment.extra` under `key`; an inactive field is no longer asked for,
    but its label still shows old values.
    """

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        NUMBER = "number", _("Number")
        CHOICE = "choice", _("Choice")

    touchpoint_type = models.ForeignKey(
        TouchpointType, on_delete=models.CASCADE, related_name="extra_fields"
    )
    key = models.SlugField(
        _("key"), max_length=40, help_text=_("Stable name the value is stored under.")
    )
    label = models.CharField(_("label"), max_length=80)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    choices = models.TextField(
        _("choices"), blank=True, help_text=_("For a choice field: one option per line.")
    )
    required = models.BooleanField(_("required"), default=False)
    max_length = models.PositiveSmallIntegerField(
        _("longest text"), default=100, help_text=_("For text fields.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("extra field")
        verbose_name_plural = _("extra fields")
        constraints = [
            models.UniqueConstraint(
                fields=["touchpoint_type", "key"], name="extra_field_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.touchpoint_type}: {self.label}"

    def choice_list(self) -> list[str]:
        """The options as stored: the default language's lines (touchpoints/translation.py)."""
        return _lines(getattr(self, f"choices_{settings.MODELTRANSLATION_DEFAULT_LANGUAGE}"))

    def shown_choices(self) -> dict[str, str]:
        """Each stored option with the words shown for it in the active language: the
        line at the same place in that language's list, or the option itself where the
        list is empty or shorter (an option added but not translated yet)."""
        stored = self.choice_list()
        shown = _lines(self.choices)  # the active language's, or the default's when empty
        return {option: shown[i] if i < len(shown) else option for i, option in enumerate(stored)}


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class Outcome(models.IntegerChoices):
    """How the staff member felt the moment went, as five faces."""

    VERY_BAD = 1, _("Very bad")
    BAD = 2, _("Bad")
    OK = 3, _("OK")
    GOOD = 4, _("Good")
    VERY_GOOD = 5, _("Very good")


class Moment(models.Model):
    # What the person tells about a moment, besides its time: a resend repeats these exactly,
    # and a correction may change them (touchpoints/moments.py, touchpoints/corrections.py).
    TOLD_FIELDS = [
        "touchpoint_type_id",
        "channel",
        "outcome",
        "resolved_on_spot",
        "note",
        "extra",
        "customer_ref_hash",
    ]

    # Made on the tablet, so that a resent request is recognised as the same moment.
    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    staff = models.ForeignKey(User, on_delete=models.PROTECT, related_name="moments")
    # Indexed first in moment_team_recent (below), which serves everything a team's own index
    # would, and the log screen's count of what the team logs.
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="moments", db_index=False)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="moments")
    touchpoint_type = models.ForeignKey(
        TouchpointType, on_delete=models.PROTECT, related_name="moments"
    )
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.IN_PERSON)
    outcome = models.PositiveSmallIntegerField(choices=Outcome.choices)
    # True resolved, False not yet, None not recorded: saved without the person choosing
    # (an older tablet, an import). Not recorded is left out of the resolved rate.
    resolved_on_spot = models.BooleanField(null=True, default=None)
    note = models.CharField(max_length=500, blank=True)
    # Set when an erasure or the retention period blanks the note: the moment still counts
    # as noted in the roll-ups, so that a rebuild keeps every figure.
    note_blanked = models.BooleanField(default=False, db_default=False)
    extra = models.JSONField(
        default=dict, blank=True, help_text="Values of the type's extra fields."
    )
    # HMAC of the normalised booking code or loyalty number: matchable, never readable.
    customer_ref_hash = models.CharField(max_length=64, blank=True, db_index=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    # The location's calendar day at occurred_at; stored because every roll-up groups by it.
    local_date = models.DateField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["location", "local_date"], name="moment_location_day"),
            models.Index(fields=["staff", "-occurred_at"], name="moment_staff_recent"),
            # What the team logged in the last 30 days, by type and channel: the log screen's
            # tile order and usual channel (touchpoints/usage.py), read from the index alone.
            # Without it each load walked the person index whole (130 ms at ten times SAS's
            # three days, and growing with the history).
            models.Index(
                fields=["team", "-occurred_at", "touchpoint_type", "channel"],
                name="moment_team_recent",
            ),
            # The drill-down's newest moments of a type: a short index walk at any history.
            models.Index(
                fields=["touchpoint_type", "-occurred_at", "-id"], name="moment_type_newest"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.touchpoint_type} at {self.occurred_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        self.local_date = self.location.local_date(self.occurred_at)
        super().save(*args, **kwargs)


# What `note_blanked` becomes when a note is blanked with a moment's other free text: true
# when there was a note (or one was blanked before), so that extra fields alone never count.
NOTE_KEPT_AS_COUNTED = models.ExpressionWrapper(
    models.Q(note_blanked=True) | ~models.Q(note=""), output_field=models.BooleanField()
)


class DirtyDay(models.Model):
    """A (location, local day) whose roll-up is out of date.

    Written in the same transaction as the change that made it stale, so that a change is
    never lost when the broker or the worker is down: the next roll-up run picks it up.
    """

    location = models.ForeignKey(Location, on_delete=models.CASCADE)
    local_date = models.DateField()
    marked_at = models.DateTimeField()
    # Recompute the whole bucket from the raw rows. On PostgreSQL a save's mark is only a
    # sign that its location has journaled changes, which the sweep adds as differences
    # (dashboards/rollup_delta.py); a roll-up that could not run, or a mark made before the
    # journal existed, asks for the bucket whole. SQLite recomputes every mark whole.
    whole = models.BooleanField(default=False, db_default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["location", "local_date"], name="dirty_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.location} {self.local_date}"


class MomentCorrection(models.Model):
    """One correction of a moment, kept for good: what it was before and after."""

    moment = models.ForeignKey(Moment, on_delete=models.CASCADE, related_name="corrections")
    corrected_by = models.ForeignKey(User, on_delete=models.PROTECT)
    corrected_at = models.DateTimeField(auto_now_add=True)
    before = models.JSONField()
    after = models.JSONField()

    class Meta:
        ordering = ["corrected_at"]

    def __str__(self) -> str:
        return f"Correction of {self.moment_id} at {self.corrected_at}"


class UndoRecord(models.Model):
    """A moment its author took back: who, when, and the moment as it was, corrections
    included, so that a figure that changes can be explained."""

    moment_uuid = models.UUIDField(db_index=True)
    undone_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    undone_at = models.DateTimeField(auto_now_add=True)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    local_date = models.DateField(help_text="The day whose figures the undo changed.")
    # What the tablet said it was asked at; kept as evidence, never trusted for the window.
    requested_at = models.DateTimeField(null=True, blank=True)
    moment = models.JSONField(help_text="The moment's fields and corrections when undone.")

    class Meta:
        ordering = ["-undone_at"]
        verbose_name = _("undone moment")
        verbose_name_plural = _("undone moments")

    def __str__(self) -> str:
        return f"Undo of {self.moment_uuid} at {self.undone_at}"


class Need(models.Model):
    """What a frontline person needed but did not have: a request to management."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        TOOL = "tool", _("Tool or equipment")
        AUTHORITY = "authority", _("Authority or policy")
        INFORMATION = "information", _("Information")
        STAFFING = "staffing", _("Staffing or time")
        OTHER = "other", _("Other")
        REMEDY_BUDGET = "remedy_budget", _("More remedy budget")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        PROVIDED = "provided", _("Provided")
        DECLINED = "declined", _("Declined")

    raised_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="needs")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="needs")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="needs")
    moment = models.ForeignKey(
        Moment, null=True, blank=True, on_delete=models.SET_NULL, related_name="needs"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    note = models.CharField(max_length=500, blank=True)
    raised_at = models.DateTimeField(default=timezone.now)
    local_date = models.DateField(editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    answer = models.CharField(max_length=500, blank=True, help_text="The manager's answer.")
    answered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="needs_answered"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # Seconds from raised to provided, stored when provided so roll-ups only sum it.
    seconds_to_provide = models.PositiveIntegerField(null=True, blank=True)
    # When the person who raised it last saw its answer: an answer newer than this is news
    # for them (a badge and a card on the log screen), however the manager gave it.
    answer_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["raised_at"]
        indexes = [
            models.Index(fields=["status", "raised_at"], name="need_status_age"),
            models.Index(fields=["location", "local_date"], name="need_location_day"),
            # The dashboard's oldest open needs; closed needs, the bulk, stay out of it.
            models.Index(
                fields=["raised_at", "location", "team"],
                condition=models.Q(status__in=["open", "acknowledged"]),
                name="need_open_oldest",
            ),
            # The needs' counts (dashboards/need_triage.py): the still-open ones by status,
            # day and age, read from the index alone (team: a team manager's scope).
            models.Index(
                fields=["location", "status", "local_date", "raised_at", "team"],
                condition=models.Q(status__in=["open", "acknowledged"]),
                name="need_open_counted",
            ),
            # The needs page's latest answers: a few rows newest first, where without it
            # every answered need in scope was joined and sorted (150 ms at ten times SAS).
            models.Index(
                fields=["-answered_at", "-id"],
                condition=models.Q(status__in=["provided", "declined"]),
                name="need_answered_newest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.team}"

    def save(self, *args, **kwargs):
        self.local_date = self.location.local_date(self.raised_at)
        super().save(*args, **kwargs)


class AuditEntry(models.Model):
    """Who changed which piece of configuration, when, and from what to what."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        DELETED = "deleted", _("Deleted")
        ARCHIVED = "archived", _("Archived")
        IMPORTED = "imported", _("Imported")
        EMAILED = "emailed", _("Emailed")
        # A customer's data request (feedback/customer_requests.py): found, exported, erased.
        SEARCHED = "searched", _("Searched")
        EXPORTED = "exported", _("Exported")
        ERASED = "erased", _("Erased")

    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    changes = models.JSONField(default=dict, help_text="{field: [before, after]}")

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_object")]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"


class Desk(models.Model):
    """A shared tablet registered to a location, where its people sign in with a PIN.

    The browser holds a signed cookie with the desk's id and a long random secret; only a
    hash of the secret is kept here, so that reading the table does not make a desk. A
    revoked desk is kept for the history of who signed in where.
    """

    name = models.CharField(_("name"), max_length=80)
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="desks", verbose_name=_("location")
    )
    secret_hash = models.CharField(max_length=64, editable=False)
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    registered_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("registered by"),
    )
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Untick to revoke: the tablet stops being a desk at once."),
    )

    class Meta:
        ordering = ["location__name", "name"]
        verbose_name = _("desk")
        verbose_name_plural = _("desks")

    def __str__(self) -> str:
        return f"{self.name} ({self.location.code})"


class DeskSignIn(models.Model):
    """One person at one desk: when they last signed in there (the desk lists its people most
    recent first) and their wrong PINs in a row, which lock them at this desk only."""

    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="sign_ins")
    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="desk_sign_ins")
    last_signed_in_at = models.DateTimeField(null=True, blank=True)
    wrong_pins = models.PositiveSmallIntegerField(default=0)
    # Locks in a row without a right PIN between them: each lasts twice the one before.
    locks = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["desk", "person"], name="one_desk_sign_in_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.desk}"


# Who saw customers' data lives beside the function that records it.
from .access_records import AccessRecord  # noqa: E402, F401

# Keys for the API, and what each wrote.
from .api_keys import ApiKey, ApiWrite  # noqa: E402, F401

# A person's usual sign-in addresses live beside the throttle that reads them.
from .people.sign_in_addresses import SignInAddress  # noqa: E402, F401
from .remedy_models import (  # noqa: E402, F401
    Remedy,
    RemedyBudget,
    RemedyCorrection,
    RemedyKind,
    RemedyPrice,
)

# Webhook endpoints and their outbox of deliveries.
from .webhooks import WebhookDelivery, WebhookEndpoint  # noqa: E402, F401
