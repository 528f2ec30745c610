"""Remedy kinds and budgets as the tests need them."""

import uuid
from decimal import Decimal

from touchpoints.models import Remedy, RemedyBudget, RemedyKind, RemedyPrice


def remedy_kinds() -> dict[str, RemedyKind]:
    """A fixed meal voucher and a lounge pass, a travel voucher within a range (SEK and DKK),
    and a spoken apology that costs nothing."""
    meal = RemedyKind.objects.create(name="Meal voucher", icon="utensils")
    RemedyPrice.objects.create(kind=meal, currency="SEK", lowest=150, highest=150)
    RemedyPrice.objects.create(kind=meal, currency="DKK", lowest=100, highest=100)
    travel = RemedyKind.objects.create(name="Travel voucher", icon="ticket")
    RemedyPrice.objects.create(kind=travel, currency="SEK", lowest=500, highest=2000)
    lounge = RemedyKind.objects.create(name="Lounge pass", icon="sofa")
    RemedyPrice.objects.create(kind=lounge, currency="SEK", lowest=400, highest=400)
    apology = RemedyKind.objects.create(name="Spoken apology", icon="handshake")
    return {"meal": meal, "travel": travel, "lounge": lounge, "apology": apology}


def give_budget(team, monthly, per_moment) -> RemedyBudget:
    budget, _ = RemedyBudget.objects.update_or_create(
        team=team, defaults={"monthly": Decimal(monthly), "per_moment": Decimal(per_moment)}
    )
    return budget


def remedy_post(moment, kind, **overrides) -> dict:
    data = {"uuid": str(uuid.uuid4()), "moment": str(moment.uuid), "remedy_kind": kind.pk}
    data.update(overrides)
    return data


def give_an_apology(staff, moment) -> Remedy:
    """A spoken apology `staff` gave for `moment` just now (no budget needed)."""
    kind = RemedyKind.objects.get_or_create(name="Spoken apology", defaults={"icon": "handshake"})[
        0
    ]
    return Remedy.objects.create(
        moment=moment, kind=kind, given_by=staff, team=moment.team, location=moment.location,
        amount=0, currency=moment.location.currency, given_on=moment.local_date,
        local_date=moment.local_date,
    )  # fmt: skip
