"""The demo's remedies: seven kinds an admin would define, each team's budget, and a month of
remedies given on low moments, whose customers then answer better (the effect the dashboard's
comparison shows). Rows are bulk-created like the rest of the demo."""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from touchpoints.models import Moment, Remedy, RemedyBudget, RemedyKind, RemedyPrice, Team

from .demo_names import in_every_language

CURRENCIES = {"ARN": "SEK", "CPH": "DKK", "OSL": "NOK", "JFK": "USD"}
# English name: (Swedish, Danish, Norwegian Bokmål)
REMEDY_NAMES = {
    "Meal voucher": ("Matkupong", "Madkupon", "Matkupong"),
    "Lounge pass": ("Loungepass", "Loungeadgang", "Loungepass"),
    "Rebooking fee waived": (
        "Ombokningsavgift efterskänkt", "Ombookingsgebyr frafaldet", "Ombookingsgebyr frafalt",
    ),
    "Seat upgrade": ("Uppgradering av plats", "Opgradering af sæde", "Oppgradering av sete"),
    "Travel voucher": ("Resecheck", "Rejsevoucher", "Reisesjekk"),
    "Bag delivered home": ("Bagage levererat hem", "Bagage leveret hjem", "Bagasje levert hjem"),
    "Spoken apology": ("Personlig ursäkt", "Personlig undskyldning", "Personlig unnskyldning"),
}  # fmt: skip
# name, icon, {currency: (lowest, highest)}; no prices: it costs nothing.
KINDS = [
    ("Meal voucher", "utensils", {"SEK": (150, 150), "DKK": (100, 100), "USD": (15, 15)}),
    ("Lounge pass", "sofa", {"SEK": (450, 450), "DKK": (300, 300), "USD": (45, 45)}),
    ("Rebooking fee waived", "calendar-clock",
     {"SEK": (300, 900), "DKK": (200, 600), "USD": (30, 90)}),
    ("Seat upgrade", "armchair", {"SEK": (500, 1500), "DKK": (350, 1000), "USD": (50, 150)}),
    ("Travel voucher", "ticket", {"SEK": (500, 2000), "DKK": (350, 1400), "USD": (50, 200)}),
    ("Bag delivered home", "luggage", {"SEK": (400, 400), "DKK": (300, 300), "USD": (40, 40)}),
    ("Spoken apology", "handshake", {}),
]  # fmt: skip
# Oslo's crowns cost what Stockholm's do, near enough for a demo.
KINDS = [
    (name, icon, {**prices, "NOK": prices["SEK"]} if prices else {}) for name, icon, prices in KINDS
]
WEIGHTS = [40, 12, 8, 6, 6, 8, 20]
# Budget per month and limit per moment, in SEK; other currencies scaled by COST_SCALE.
BUDGET, PER_MOMENT = 15000, 600
COST_SCALE = {"SEK": 1, "NOK": 1, "DKK": Decimal("0.7"), "USD": Decimal("0.1")}
REMEDY_DAYS = 30  # the month of remedies
REMEDIED_SHARE = 0.45  # of low moments in that month
OVER_LIMIT_REASONS = [
    "Family of five stranded overnight",
    "Wheelchair not at the gate, waited 50 min",
    "Second missed connection this week",
]


def create_remedy_kinds() -> list[RemedyKind]:
    kinds = []
    for order, (name, icon, prices) in enumerate(KINDS):
        kind = RemedyKind.objects.create(
            icon=icon, order=order, **in_every_language(REMEDY_NAMES, name)
        )
        RemedyPrice.objects.bulk_create(
            RemedyPrice(kind=kind, currency=c, lowest=low, highest=high)
            for c, (low, high) in prices.items()
        )
        kinds.append(kind)
    return kinds


def give_budgets(teams: list[Team]) -> None:
    RemedyBudget.objects.bulk_create(
        RemedyBudget(
            team=team,
            monthly=BUDGET * COST_SCALE[team.location.currency],
            per_moment=PER_MOMENT * COST_SCALE[team.location.currency],
        )
        for team in teams
    )


def remedied_moments(rng: random.Random, moments: list[Moment]) -> set:
    """The low moments of the last month given a remedy on the spot (their uuids)."""
    since = timezone.now() - timedelta(days=REMEDY_DAYS)
    return {
        m.uuid
        for m in moments
        if m.outcome <= 2 and m.occurred_at >= since and rng.random() < REMEDIED_SHARE
    }


def create_remedies(rng: random.Random, moments: list[Moment], remedied: set, kinds) -> None:
    remedies = []
    for moment in moments:
        if moment.uuid not in remedied:
            continue
        kind = rng.choices(kinds, weights=WEIGHTS)[0]
        price = next((p for p in kind.prices.all() if p.currency == moment.location.currency), None)
        amount = (
            Decimal(0)
            if price is None
            else Decimal(rng.randint(int(price.lowest), int(price.highest)))
        )
        over = rng.random() < 0.04 and price is not None
        given_at = moment.occurred_at + timedelta(minutes=1)
        remedies.append(
            Remedy(
                moment=moment,
                kind=kind,
                given_by=moment.staff,
                team=moment.team,
                location=moment.location,
                amount=amount * (3 if over else 1),
                currency=moment.location.currency,
                over_limit=over,
                reason=rng.choice(OVER_LIMIT_REASONS) if over else "",
                given_at=given_at,
                given_on=moment.location.local_date(given_at),
                local_date=moment.local_date,
            )  # fmt: skip
        )
    Remedy.objects.bulk_create(remedies, batch_size=1000)
