"""Remedies: what the front line gives a customer to put a moment right, on their own
authority, within a budget their manager supplies (touchpoints/remedies.py).

Money is stored as Decimal with its currency beside it: amounts in different currencies are
never added together anywhere (docs/metrics.md, "Remedies").
"""

import uuid

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import icons

# The currencies a location may use: ISO 4217 codes.
CURRENCIES = [
    ("SEK", "SEK"),
    ("DKK", "DKK"),
    ("NOK", "NOK"),
    ("EUR", "EUR"),
    ("ISK", "ISK"),
    ("GBP", "GBP"),
    ("USD", "USD"),
    ("CHF", "CHF"),
    ("PLN", "PLN"),
]
DEFAULT_CURRENCY = "EUR"
MONEY = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(0)]}


class RemedyKind(models.Model):
    """A remedy an admin offers the front line: a meal voucher, a lounge pass, an apology.

    Its cost is set per currency (`RemedyPrice`): fixed, or a range the agent picks within.
    A kind with no price costs nothing (a spoken apology). Archived, never deleted once used.
    """

    name = models.CharField(_("name"), max_length=80, unique=True)
    icon = models.CharField(
        _("icon"),
        max_length=40,
        default="gift",
        validators=[icons.validate_icon],
        help_text=_("The drawing on the button, one of the icons offered."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Untick to archive: history is kept.")
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("remedy kind")
        verbose_name_plural = _("remedy kinds")

    def __str__(self) -> str:
        return self.name

    def price_in(self, currency: str) -> "RemedyPrice | None":
        """The price in `currency`, from prefetched prices when there are some."""
        for price in self.prices.all():
            if price.currency == currency:
                return price
        return None

    def offered_in(self, currency: str) -> bool:
        prices = list(self.prices.all())
        return not prices or any(price.currency == currency for price in prices)


class RemedyPrice(models.Model):
    """What a kind costs in one currency: fixed when lowest and highest are equal."""

    kind = models.ForeignKey(RemedyKind, on_delete=models.CASCADE, related_name="prices")
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES)
    lowest = models.DecimalField(_("lowest cost"), **MONEY)
    highest = models.DecimalField(
        _("highest cost"), help_text=_("The same as the lowest for a fixed cost."), **MONEY
    )

    class Meta:
        ordering = ["currency"]
        verbose_name = _("cost")
        verbose_name_plural = _("costs")
        constraints = [
            models.UniqueConstraint(fields=["kind", "currency"], name="one_price_per_currency"),
            models.CheckConstraint(
                condition=models.Q(highest__gte=models.F("lowest")), name="price_range_ordered"
            ),
        ]

    def __str__(self) -> str:
        if self.fixed:
            return f"{self.lowest} {self.currency}"
        return f"{self.lowest}–{self.highest} {self.currency}"

    @property
    def fixed(self) -> bool:
        return self.lowest == self.highest


class RemedyBudget(models.Model):
    """A team's authority, set by its manager: how much it may give a month, and per moment,
    in its location's currency. The row is also the lock that keeps two tablets from
    spending the same money twice (touchpoints/remedies.py)."""

    team = models.OneToOneField(
        "touchpoints.Team", on_delete=models.CASCADE, related_name="remedy_budget"
    )
    monthly = models.DecimalField(_("budget per month"), default=0, **MONEY)
    per_moment = models.DecimalField(_("limit per moment"), default=0, **MONEY)
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(
        "touchpoints.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("remedy budget")
        verbose_name_plural = _("remedy budgets")

    def __str__(self) -> str:
        return f"Remedy budget of {self.team}"


class Remedy(models.Model):
    """One remedy given for one moment. Goes with the moment when it is undone."""

    # Made on the tablet: a resend of the same remedy is recognised and stored once.
    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    moment = models.ForeignKey(
        "touchpoints.Moment", on_delete=models.CASCADE, related_name="remedies"
    )
    kind = models.ForeignKey(RemedyKind, on_delete=models.PROTECT, related_name="remedies")
    given_by = models.ForeignKey(
        "touchpoints.User", on_delete=models.PROTECT, related_name="remedies"
    )
    team = models.ForeignKey("touchpoints.Team", on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey("touchpoints.Location", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, choices=CURRENCIES)
    # Over the per-moment limit or the month's budget when given: allowed, with why.
    over_limit = models.BooleanField(default=False)
    reason = models.CharField(max_length=200, blank=True)
    given_at = models.DateTimeField(default=timezone.now)
    # The location's day it was given: the budget month it is spent from.
    given_on = models.DateField()
    # The moment's local day: roll-ups count a remedy there, as they count answers.
    local_date = models.DateField()

    class Meta:
        ordering = ["given_at"]
        indexes = [
            models.Index(fields=["team", "given_on"], name="remedy_team_month"),
            models.Index(fields=["location", "local_date"], name="remedy_location_day"),
            # The dashboard's latest over-limit remedies of a window: a few in a hundred, so
            # a partial index, where the one above read every remedy of the window (30 ms at
            # ten times SAS over five days, none of them over a limit).
            models.Index(
                fields=["local_date"], condition=Q(over_limit=True), name="remedy_over_limit_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.amount} {self.currency})"


class RemedyCorrection(models.Model):
    """One correction of a remedy, kept for good: what it was before and after."""

    remedy = models.ForeignKey(Remedy, on_delete=models.CASCADE, related_name="corrections")
    corrected_by = models.ForeignKey("touchpoints.User", on_delete=models.PROTECT)
    corrected_at = models.DateTimeField(auto_now_add=True)
    before = models.JSONField()
    after = models.JSONField()

    class Meta:
        ordering = ["corrected_at"]

    def __str__(self) -> str:
        return f"Correction of remedy {self.remedy_id}"
