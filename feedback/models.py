import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from touchpoints.models import Moment

from .contact_keys import EncryptedText

TOKEN_BYTES = 18
# What `new_token` makes: TOKEN_BYTES in URL-safe base64, which needs no padding.
TOKEN_PATTERN = f"[A-Za-z0-9_-]{{{TOKEN_BYTES * 4 // 3}}}"


def new_token() -> str:
    # 18 random bytes: 144 bits, more than enough that guessing a live token is hopeless.
    return secrets.token_urlsafe(TOKEN_BYTES)


def default_languages() -> list[str]:
    """Every language Moments is translated to; admins may offer fewer."""
    return [code for code, _name in settings.LANGUAGES]


def default_expiry():
    return timezone.now() + timedelta(days=FeedbackSettings.current().invitation_expiry_days)


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

    @property
    def is_answered(self) -> bool:
        return hasattr(self, "answer")

    @property
    def is_open(self) -> bool:
        """The customer can still answer."""
        return not self.is_answered and not self.is_expired


class HeldBackInvitation(models.Model):
    """An invitation not made because the customer was asked recently (the over-survey
    limit): counted on the dashboards, so that fewer answers are explained."""

    moment = models.OneToOneField(Moment, on_delete=models.CASCADE, related_name="held_back")
    last_asked_at = models.DateTimeField(help_text="When this customer was last invited.")
    held_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Held back for {self.moment}"


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
    # Set when an erasure or the retention period blanks the comment: the answer still
    # counts as commented in the roll-ups, so that a rebuild keeps every figure.
    comment_blanked = models.BooleanField(default=False, db_default=False)
    # The language the customer answered in: the tagger reads the comment in it first.
    language = models.CharField(max_length=8, blank=True, default="")
    # Judged against the thresholds in force when the customer answered; it opens a recovery.
    is_low = models.BooleanField(default=False)
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # The dashboard's newest praise: full marks with words, newest first.
            models.Index(
                fields=["-answered_at"],
                condition=models.Q(csat=5) & ~models.Q(comment=""),
                name="answer_praise_newest",
            ),
            # The last week's praise on "how we are doing" (feedback/recognition.py): CSAT 4
            # or 5 with a comment, newest first. Without it the page read every answer ever
            # given (a parallel scan of 820,000 at ten times SAS's three days, 71 ms).
            models.Index(
                fields=["-answered_at"],
                condition=models.Q(csat__gte=4, is_low=False) & ~models.Q(comment=""),
                name="answer_praised_newest",
            ),
        ]

    def __str__(self) -> str:
        return f"CSAT {self.csat} for {self.invitation.moment}"


class OpenedBy(models.TextChoices):
    """Which of the customer's answers open a recovery when low (docs/metrics.md, Low answer)."""

    SATISFACTION = "satisfaction", _("Satisfaction")
    RECOMMEND = "recommend", _("Would recommend")
    BOTH = "both", _("Satisfaction and would recommend")


class FeedbackSettings(models.Model):
    """Company-wide feedback settings; a single row, edited by admins."""

    # Satisfaction rates the moment the desk can put right; "would recommend" rates the
    # airline (prices, delays) as much as the desk, so by default it does not open one.
    recovery_opened_by = models.CharField(
        max_length=16,
        choices=OpenedBy.choices,
        default=OpenedBy.SATISFACTION,
        help_text=_("Which low answers open a recovery."),
    )
    low_csat_at_most = models.PositiveSmallIntegerField(
        default=2, help_text=_("An answer with CSAT at or below this opens a recovery.")
    )
    low_nps_at_most = models.PositiveSmallIntegerField(
        default=6, help_text=_("An answer with NPS at or below this opens a recovery.")
    )
    recovery_due_hours = models.PositiveSmallIntegerField(
        default=24, help_text=_("Hours from the customer's answer until a recovery is overdue.")
    )
    recovery_lapse_days = models.PositiveSmallIntegerField(
        default=14, help_text=_("Days after which a recovery nobody took lapses.")
    )
    taken_recovery_lapse_days = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Days after which a recovery someone took but never closed lapses, so that its"
            " contact details are erased on schedule."
        ),
    )
    invitation_expiry_days = models.PositiveSmallIntegerField(default=7)
    languages = models.JSONField(
        default=default_languages, help_text=_("Language codes offered to customers.")
    )
    contact_kept_days = models.PositiveSmallIntegerField(
        default=30,
        help_text=_("Days a customer's contact details are kept after their recovery closes."),
    )
    # What the customer sees at the top of their page (feedback/branding.py). The logo is
    # kept in the database, so that every web container serves the same one on any backend;
    # its digest names it in the URL, so browsers can keep it until it changes.
    airline_name = models.CharField(_("airline name"), max_length=80, blank=True)
    logo = models.BinaryField(_("logo"), blank=True, default=b"")
    logo_type = models.CharField(_("logo type"), max_length=20, blank=True)
    logo_digest = models.CharField(_("logo fingerprint"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("feedback settings")
        verbose_name_plural = _("feedback settings")

    def __str__(self) -> str:
        # In the reader's language, as the page's title and breadcrumbs show it.
        return str(capfirst(self._meta.verbose_name))

    @classmethod
    def current(cls) -> "FeedbackSettings":
        # The environment's INVITATION_EXPIRY_DAYS seeds the row; admins change it after.
        defaults = {"invitation_expiry_days": settings.INVITATION_EXPIRY_DAYS}
        # Without the logo's bytes: only its own view reads them (feedback/branding.py).
        settings_row, _ = cls.objects.defer("logo").get_or_create(pk=1, defaults=defaults)
        return settings_row

    def low_reason(self, answer: "Answer") -> str:
        """What makes `answer` low under these settings (an `OpenedBy` value), or ""."""
        csat = self.recovery_opened_by != OpenedBy.RECOMMEND and (
            answer.csat <= self.low_csat_at_most
        )
        nps = (
            self.recovery_opened_by != OpenedBy.SATISFACTION
            and answer.nps is not None
            and answer.nps <= self.low_nps_at_most
        )
        if csat and nps:
            return OpenedBy.BOTH
        return OpenedBy.SATISFACTION if csat else OpenedBy.RECOMMEND if nps else ""

    def is_low(self, answer: "Answer") -> bool:
        return bool(self.low_reason(answer))

    def low_q(self) -> models.Q:
        """`is_low` as a query condition on answers."""
        csat = models.Q(csat__lte=self.low_csat_at_most)
        nps = models.Q(nps__lte=self.low_nps_at_most)
        if self.recovery_opened_by == OpenedBy.SATISFACTION:
            return csat
        if self.recovery_opened_by == OpenedBy.RECOMMEND:
            return nps
        return csat | nps


class Recovery(models.Model):
    """A low answer put right by the front line, without asking anyone."""

    class Action(models.TextChoices):
        CALLED_BACK = "called_back", _("Called back")
        EMAILED = "emailed", _("Emailed")
        REBOOKED = "rebooked", _("Rebooked")
        VOUCHER = "voucher", _("Voucher")
        APOLOGY = "apology", _("Apology")
        OTHER = "other", _("Other")
        # Offered only when the customer left no way to reach them (feedback/forms.py).
        NO_CONTACT = "no_contact", _("No contact left")
        # Closed by an erasure on the customer's request (feedback/customer_data.py).
        ERASED = "erased", _("Erased on request")

    class Result(models.TextChoices):
        RECOVERED = "recovered", _("Customer satisfied")
        PARTLY = "partly", _("Partly")
        NOT_RECOVERED = "not_recovered", _("Could not put it right")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        LAPSED = "lapsed", _("Lapsed")
        CLOSED = "closed", _("Closed")

    answer = models.OneToOneField(Answer, on_delete=models.PROTECT, related_name="recovery")
    # Which low answer opened it, under the settings in force then: what the card says and
    # how it is coloured (a 4 of 5 opened by "would recommend" is no failed moment).
    reason = models.CharField(max_length=16, choices=OpenedBy.choices)
    team = models.ForeignKey(
        "touchpoints.Team", on_delete=models.PROTECT, related_name="recoveries"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    taken_at = models.DateTimeField(null=True, blank=True)
    action = models.CharField(max_length=16, choices=Action.choices, blank=True)
    note = models.CharField(max_length=500, blank=True)
    result = models.CharField(max_length=16, choices=Result.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Seconds from the customer's answer to the close, stored so roll-ups only sum it.
    seconds_to_recover = models.PositiveIntegerField(null=True, blank=True)
    # Set by the lapse job when nobody took it in time; it counts as not recovered from then
    # on, even if someone closes it later (which is kept as a late close).
    lapsed_at = models.DateTimeField(null=True, blank=True)
    closed_late = models.BooleanField(default=False)

    class Meta:
        ordering = ["opened_at"]
        indexes = [
            models.Index(fields=["team", "closed_at"], name="recovery_team_open"),
            # The dashboard's oldest open recoveries and newest closed ones ("put right lately").
            models.Index(
                fields=["opened_at"],
                condition=models.Q(closed_at__isnull=True),
                name="recovery_open_oldest",
            ),
            models.Index(
                fields=["-closed_at"],
                condition=models.Q(closed_at__isnull=False),
                name="recovery_closed_newest",
            ),
        ]

    def __str__(self) -> str:
        return f"Recovery of {self.answer}"

    @property
    def status(self) -> str:
        if self.closed_at is not None:
            return self.Status.CLOSED
        return self.Status.LAPSED if self.lapsed_at is not None else self.Status.OPEN

    def why(self) -> list[str]:
        """What opened it, as the card says it: "Satisfaction 2 of 5", "Would recommend 3 of 10"."""
        labels = []
        if self.reason in (OpenedBy.SATISFACTION, OpenedBy.BOTH):
            labels.append(_("Satisfaction %(n)d of 5") % {"n": self.answer.csat})
        if self.reason in (OpenedBy.RECOMMEND, OpenedBy.BOTH) and self.answer.nps is not None:
            labels.append(_("Would recommend %(n)d of 10") % {"n": self.answer.nps})
        return labels

    def due_at(self, due_hours: int):
        return self.opened_at + timedelta(hours=due_hours)

    @property
    def time_to_recover(self) -> str:
        """The kept seconds as people say it: "40 min", "3 h 5 min", "2 days"."""
        if self.seconds_to_recover is None:
            return ""
        minutes = max(1, round(self.seconds_to_recover / 60))
        if minutes < 60:
            return _("%(n)d min") % {"n": minutes}
        hours, minutes = divmod(minutes, 60)
        if hours < 48:
            return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
        return _("%(d)d days") % {"d": round(hours / 24)}


class RecoveryContact(models.Model):
    """How the customer asked to be reached about one recovery, given by explicit consent.

    A row of its own so that nothing that reads recoveries (roll-ups, exports, the
    dashboard) carries it by accident. Shown only on the team's recovery card and in the
    data-protection role's access export; never on a public page, never in the configuration
    site or its audit trail; erased a set time after the recovery ends (feedback/erasure.py)
    or on the customer's request (feedback/customer_data.py)."""

    recovery = models.OneToOneField(Recovery, on_delete=models.CASCADE, related_name="contact")
    # Encrypted with CONTACT_KEYS (feedback/contact_keys.py): a dump shows only ciphertext.
    phone = EncryptedText(blank=True)  # E.164: "+" and at most 15 digits
    email = EncryptedText(blank=True)
    # The sentence the customer ticked, word for word in the language they read it in.
    consent_text = models.TextField()
    consent_version = models.CharField(max_length=16)
    language = models.CharField(max_length=8)
    consented_at = models.DateTimeField(auto_now_add=True)
    # The period the sentence named: an admin may shorten it for everyone, never lengthen it
    # for details given under a shorter promise.
    kept_days = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(phone="", email=""), name="recovery_contact_has_a_way"
            )
        ]

    def __str__(self) -> str:
        # Never the details themselves: this is what logs and error pages print.
        return f"Contact for recovery {self.recovery_id}"


class CustomerRequest(models.Model):
    """One data-protection request served: a search, an access export or an erasure.

    The register of requests, and what the audit trail points at. It never holds the
    customer's reference, phone or email, nor their hash: only how they were named and how
    much was found, so that keeping it for years keeps nothing about the customer.
    """

    class Kind(models.TextChoices):
        SEARCH = "search", _("Search")
        EXPORT = "export", _("Access export")
        ERASURE = "erasure", _("Erasure")

    class NamedBy(models.TextChoices):
        REFERENCE = "reference", _("Booking code or loyalty number")
        PHONE = "phone", _("Phone number")
        EMAIL = "email", _("Email address")

    kind = models.CharField(_("request"), max_length=16, choices=Kind.choices)
    named_by = models.CharField(_("customer named by"), max_length=16, choices=NamedBy.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("served by"),
    )
    through_command = models.BooleanField(_("from the command line"), default=False)
    at = models.DateTimeField(_("asked at"), auto_now_add=True)
    found = models.JSONField(_("found"), default=dict, help_text="{kind of row: how many}")
    # Empty while an erasure runs: one left empty crashed halfway and was (or is to be) retried.
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("customer data request")
        verbose_name_plural = _("customer data requests")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


# The theme catalogue and its tags live in their own module; Django finds models here.
from .themes.models import (  # noqa: E402, F401
    AnswerTheme,
    MomentTheme,
    Theme,
    ThemeCatalogue,
    ThemeSuggestion,
)
