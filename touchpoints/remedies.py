"""Giving a remedy on the spot, on the front line's own authority, exactly once.

No one approves a remedy. Within the per-moment limit and the team's budget left this month
it is recorded at once; beyond either it is recorded too, with the agent's short reason,
and shown to the manager afterwards. Two tablets of one team giving at the same moment take
turns on the team's budget row (SELECT … FOR UPDATE), so the budget left is never counted
twice nor lost. Refusals (a bad amount, an archived kind, another team's moment) say why
and change nothing.
"""

import uuid as uuid_module
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from .dirty_days import mark_day_dirty, mark_days_dirty
from .models import Moment, Remedy, RemedyBudget, RemedyCorrection, RemedyKind, Team, User

CORRECTION_WINDOW = timedelta(minutes=15)
REASON_LENGTH = 200
CENT = Decimal("0.01")


class RemedyRefused(Exception):
    """The remedy was not recorded; `code` tells the tablet what kind of no it is."""

    def __init__(self, message: str, code: str = "refused"):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class BudgetLeft:
    """A team's remedy money this month, in its location's currency."""

    currency: str
    monthly: Decimal
    per_moment: Decimal
    spent: Decimal

    @property
    def left(self) -> Decimal:
        return self.monthly - self.spent

    @property
    def share_left(self) -> int:
        """Percent of the month's budget left, 0–100, for the bar on the log screen."""
        if self.monthly <= 0:
            return 0
        return max(0, min(100, round(self.left / self.monthly * 100)))


def month_of(day: date) -> tuple[date, date]:
    """The first and last day of `day`'s month."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def spent_this_month(team: Team, today: date | None = None) -> Decimal:
    """What the team gave in its location's month, in its location's currency."""
    first, last = month_of(today or team.location.today())
    total = Remedy.objects.filter(
        team=team, given_on__range=(first, last), currency=team.location.currency
    ).aggregate(total=Sum("amount"))["total"]
    return total or Decimal(0)


def budget_left(team: Team) -> BudgetLeft:
    budget = RemedyBudget.objects.filter(team=team).first() or RemedyBudget(team=team)
    return BudgetLeft(
        team.location.currency, budget.monthly, budget.per_moment, spent_this_month(team)
    )


def kinds_for(team: Team, include_archived: bool = False) -> list[RemedyKind]:
    """The kinds a team can give, with their price in its location's currency as `price`."""
    currency = team.location.currency
    kinds = RemedyKind.objects.prefetch_related(Prefetch("prices"))
    if not include_archived:
        kinds = kinds.filter(active=True)
    offered = [kind for kind in kinds if kind.offered_in(currency)]
    for kind in offered:
        kind.price = kind.price_in(currency)
    return offered


def parse_amount(raw: str | None) -> Decimal | None:
    """The amount typed, to the cent; None when left empty. Refuses what is not money."""
    text = (raw or "").strip().replace(" ", "").replace(",", ".")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise RemedyRefused(
            _("“%(amount)s” is not an amount: type a number, e.g. 150.") % {"amount": raw},
            "bad_amount",
        ) from None
    if not amount.is_finite() or amount < 0:
        raise RemedyRefused(_("The amount cannot be negative."), "bad_amount")
    if amount != amount.quantize(CENT):
        raise RemedyRefused(_("Give the amount to the cent at most."), "bad_amount")
    return amount.quantize(CENT)


def cost_of(kind: RemedyKind, currency: str, amount: Decimal | None) -> Decimal:
    """The cost to record: the fixed price, or the typed amount within the kind's range."""
    if not kind.active:
        raise RemedyRefused(
            _("“%(kind)s” is no longer offered: pick another remedy.") % {"kind": kind}, "archived"
        )
    if not kind.offered_in(currency):
        raise RemedyRefused(
            _("“%(kind)s” has no cost in %(currency)s here: pick another remedy.")
            % {"kind": kind, "currency": currency},
            "archived",
        )
    price = kind.price_in(currency)
    if price is None:
        return Decimal(0)
    if price.fixed:
        return price.lowest
    if amount is None:
        raise RemedyRefused(
            _("Type the amount for “%(kind)s”, between %(low)s and %(high)s %(currency)s.")
            % {"kind": kind, "low": price.lowest, "high": price.highest, "currency": currency},
            "bad_amount",
        )
    if not price.lowest <= amount <= price.highest:
        raise RemedyRefused(
            _("The amount for “%(kind)s” is between %(low)s and %(high)s %(currency)s.")
            % {"kind": kind, "low": price.lowest, "high": price.highest, "currency": currency},
            "bad_amount",
        )
    return amount


def give_remedy(
    staff: User,
    *,
    remedy_uuid: uuid_module.UUID,
    moment_uuid: uuid_module.UUID,
    kind_id: int | str,
    amount: str | None = None,
    reason: str = "",
) -> tuple[Remedy, bool]:
    """Record a remedy `staff` gave for a moment of their team, once per `remedy_uuid`.

    Returns the remedy and whether this call recorded it (False: a resend of one recorded).
    """
    team = staff.team
    existing = Remedy.objects.filter(uuid=remedy_uuid).first()
    if existing is not None:
        return _resent(existing, staff, moment_uuid)
    moment = Moment.objects.filter(uuid=moment_uuid).first()
    if moment is None:
        raise RemedyRefused(_("The moment it was for is not stored (undone?)."), "no_moment")
    if moment.team_id != team.pk:
        raise RemedyRefused(_("That moment is another team's: give remedies for your own."))
    kind = RemedyKind.objects.prefetch_related("prices").filter(pk=_int(kind_id)).first()
    if kind is None:
        raise RemedyRefused(_("Pick a remedy."), "archived")
    cost = cost_of(kind, team.location.currency, parse_amount(amount))
    reason = " ".join(reason.split())[:REASON_LENGTH]
    try:
        return _record(staff, moment, kind, cost, reason, remedy_uuid), True
    except IntegrityError:  # the same remedy from a second tab, a moment ahead
        existing = Remedy.objects.filter(uuid=remedy_uuid).first()
        if existing is None:
            raise
        return _resent(existing, staff, moment_uuid)


def _resent(existing: Remedy, staff: User, moment_uuid: uuid_module.UUID) -> tuple[Remedy, bool]:
    if existing.given_by_id != staff.pk or str(existing.moment.uuid) != str(moment_uuid):
        raise RemedyRefused(
            _("It came with the ID of another remedy, so it was not stored."), "id_in_use"
        )
    return existing, False


@transaction.atomic
def _record(
    staff: User, moment: Moment, kind: RemedyKind, cost: Decimal, reason: str, remedy_uuid
) -> Remedy:
    team, location = staff.team, staff.team.location
    budget = _locked_budget(team)
    today = location.today()
    spent = spent_this_month(team, today)
    on_moment = moment.remedies.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    over = on_moment + cost > budget.per_moment or spent + cost > budget.monthly
    if over and cost > 0 and not reason:
        raise RemedyRefused(
            _(
                "This goes over your limit (%(limit)s %(currency)s a moment, %(left)s left this"
                " month). You decide: say why in a few words and give it."
            )
            % {
                "limit": budget.per_moment,
                "currency": location.currency,
                "left": budget.monthly - spent,
            },
            "reason_needed",
        )
    remedy = Remedy.objects.create(
        uuid=remedy_uuid,
        moment=moment,
        kind=kind,
        given_by=staff,
        team=team,
        location=location,
        amount=cost,
        currency=location.currency,
        over_limit=over and cost > 0,
        reason=reason if over else "",
        given_on=today,
        local_date=moment.local_date,
    )
    mark_day_dirty(location.pk, moment.local_date)
    return remedy


def _locked_budget(team: Team) -> RemedyBudget:
    """The team's budget row, locked until commit: one remedy of the team at a time."""
    budget = RemedyBudget.objects.select_for_update().filter(team=team).first()
    if budget is None:
        RemedyBudget.objects.bulk_create([RemedyBudget(team=team)], ignore_conflicts=True)
        budget = RemedyBudget.objects.select_for_update().get(team=team)
    return budget


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# -- corrections ------------------------------------------------------------------------


def is_correctable(remedy: Remedy) -> bool:
    return timezone.now() <= remedy.given_at + CORRECTION_WINDOW


def snapshot(remedy: Remedy) -> dict:
    return {
        "kind": str(remedy.kind),
        "kind_id": remedy.kind_id,
        "amount": str(remedy.amount),
        "currency": remedy.currency,
        "reason": remedy.reason,
    }


@transaction.atomic
def correct_remedy(
    staff: User, remedy: Remedy, kind_id, amount: str | None, reason: str = ""
) -> Remedy:
    """Change the kind, amount or reason of one's own remedy shortly after; kept as history."""
    _locked_budget(remedy.team)
    remedy = Remedy.objects.select_for_update().select_related("kind", "moment").get(pk=remedy.pk)
    if remedy.given_by_id != staff.pk:
        raise RemedyRefused(_("Only the person who gave a remedy can correct it."))
    if not is_correctable(remedy):
        raise RemedyRefused(
            _("This remedy is locked: remedies can be corrected for 15 minutes after giving.")
        )
    kind = RemedyKind.objects.prefetch_related("prices").filter(pk=_int(kind_id)).first()
    if kind is None:
        raise RemedyRefused(_("Pick a remedy."), "archived")
    before = snapshot(remedy)
    remedy.kind = kind
    remedy.amount = cost_of(kind, remedy.currency, parse_amount(amount))
    budget = RemedyBudget.objects.get(team=remedy.team)
    others = remedy.moment.remedies.exclude(pk=remedy.pk).aggregate(total=Sum("amount"))
    remedy.over_limit = (others["total"] or 0) + remedy.amount > budget.per_moment
    remedy.reason = " ".join(reason.split())[:REASON_LENGTH] if remedy.over_limit else ""
    if remedy.over_limit and remedy.amount > 0 and not remedy.reason:
        raise RemedyRefused(
            _("Over the limit per moment: say why in a few words."), "reason_needed"
        )
    remedy.save()
    after = snapshot(remedy)
    if after != before:
        RemedyCorrection.objects.create(
            remedy=remedy, corrected_by=staff, before=before, after=after
        )
        mark_days_dirty(remedy.location_id, [remedy.local_date])
    return remedy
