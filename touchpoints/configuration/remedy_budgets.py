"""A manager supplies the front line's authority: a team's remedy budget per month and its
limit per moment. A change takes effect with the next remedy and is kept in the audit
trail, like every change of configuration."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ..models import RemedyBudget, Team, User
from . import audit

CENT = Decimal("0.01")


@transaction.atomic
def set_budget(manager: User, team: Team, monthly: Decimal, per_moment: Decimal) -> RemedyBudget:
    """Set the team's budget; locks the row, so a remedy being given waits and then sees it."""
    RemedyBudget.objects.bulk_create([RemedyBudget(team=team)], ignore_conflicts=True)
    budget = (
        RemedyBudget.objects.select_for_update().select_related("team__location").get(team=team)
    )
    # A row nobody has set yet (made by a remedy) is recorded as created: all zero before.
    before = audit.snapshot(budget) if budget.changed_at else None
    budget.monthly, budget.per_moment = monthly.quantize(CENT), per_moment.quantize(CENT)
    budget.changed_at, budget.changed_by = timezone.now(), manager
    budget.save()
    audit.record_change(manager, budget, before)
    return budget


def budgets_of(teams) -> dict[int, RemedyBudget]:
    """{team id: budget} for `teams`; a team without a row has none yet (all zero)."""
    return {b.team_id: b for b in RemedyBudget.objects.filter(team__in=teams)}
