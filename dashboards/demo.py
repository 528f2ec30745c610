"""A believable airline to click around in: three airports, their people, and 90 days of moments.

The random generator has a fixed seed, so two loads on the same day show the same figures.
Rows are bulk-created, which skips `Moment.save()`, so local dates are set here; the roll-up
is rebuilt at the end exactly as the worker would.
"""

import random
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from feedback.models import Answer, Invitation
from feedback.themes import retag
from feedback.themes.catalogue import load_starting_themes
from touchpoints.dirty_days import journal_off
from touchpoints.models import (
    Channel,
    DirtyDay,
    ExtraField,
    JourneyStage,
    Location,
    Moment,
    Role,
    Team,
    TouchpointType,
    User,
)
from touchpoints.people.pins import set_pin

from . import demo_comments, demo_remedies
from .demo_loop import close_the_loop
from .demo_names import BAG_FIELD, STAGE_NAMES, TYPE_NAMES, in_every_language, per_language
from .rollup import rebuild_buckets

PASSWORD = "moments-demo"
DEMO_PIN = "2468"  # "agent"'s desk PIN (badge 1001); the others are in demo_pin
SEED = 2026
BATCH_SIZE = 1000
URL = "http://127.0.0.1:8000/"

CHECK_IN, GATE, CABIN = "Check-in & bag drop", "Gate & boarding", "Cabin crew"
ARRIVALS, CONTACT, LOUNGE = "Arrivals & baggage", "Customer contact centre", "Lounge"

# code: (name, time zone, size, teams). Size scales every team's daily volume.
LOCATIONS = {
    "ARN": (
        "Stockholm Arlanda",
        "Europe/Stockholm",
        1.0,
        [CHECK_IN, GATE, ARRIVALS, CABIN, CONTACT, LOUNGE],
    ),
    "CPH": ("Copenhagen", "Europe/Copenhagen", 0.75, [CHECK_IN, GATE, ARRIVALS, CABIN]),
    "OSL": ("Oslo Gardermoen", "Europe/Oslo", 0.5, [CHECK_IN, GATE]),
    "JFK": ("New York JFK", "America/New_York", 0.6, [CHECK_IN, GATE, ARRIVALS]),
}
TEAM_DAILY_MOMENTS = {CHECK_IN: 30, GATE: 25, ARRIVALS: 15, CABIN: 10, CONTACT: 35, LOUNGE: 12}

# Two people per team, in the order of the location's teams. "agent" is the one to demo with.
FRONTLINE = {
    "ARN": [
        ("agent", "Anna", "Berg"), ("erik", "Erik", "Lindqvist"),
        ("sofia", "Sofia", "Nilsson"), ("johan", "Johan", "Ek"),
        ("elin", "Elin", "Holm"), ("oskar", "Oskar", "Lund"),
        ("maja", "Maja", "Ström"), ("axel", "Axel", "Björk"),
        ("linnea", "Linnea", "Sandberg"), ("viktor", "Viktor", "Åberg"),
        ("alva", "Alva", "Wikström"), ("hugo", "Hugo", "Forsberg"),
    ],
    "CPH": [
        ("mette", "Mette", "Jensen"), ("rasmus", "Rasmus", "Nielsen"),
        ("freja", "Freja", "Hansen"), ("mads", "Mads", "Pedersen"),
        ("ida", "Ida", "Larsen"), ("emil", "Emil", "Sørensen"),
        ("sofie", "Sofie", "Christensen"), ("magnus", "Magnus", "Rasmussen"),
    ],
    "OSL": [
        ("ingvild", "Ingvild", "Bakke"), ("sindre", "Sindre", "Haugen"),
        ("marte", "Marte", "Solberg"), ("eirik", "Eirik", "Lie"),
    ],
    "JFK": [
        ("jasmine", "Jasmine", "Carter"), ("marcus", "Marcus", "Rivera"),
        ("emily", "Emily", "Chen"), ("tyler", "Tyler", "Brooks"),
        ("olivia", "Olivia", "Grant"), ("daniel", "Daniel", "Kim"),
    ],
}  # fmt: skip
# Each airport's people read their own language; "agent", the first to try, reads English
# (empty: the browser's), as do the people at JFK.
LANGUAGE_AT = {"ARN": "sv", "CPH": "da", "OSL": "nb", "JFK": ""}
ENGLISH_READERS = {"agent", "manager.nordic", "admin"}
# One frontline person per language worth trying (README): username of each.
BY_LANGUAGE = {"sv": "erik", "da": "mette", "nb": "ingvild"}
# username: (first name, last name, managed location codes)
MANAGERS = {
    "manager.nordic": ("Ingrid", "Dahl", ["ARN", "CPH", "OSL"]),
    "manager.arn": ("Karin", "Sjöberg", ["ARN"]),
    "manager.cph": ("Henrik", "Møller", ["CPH"]),
    "manager.jfk": ("Rachel", "Stein", ["JFK"]),
}
STAGES = ["Before the trip", "Check-in", "Security", "Gate & boarding", "In flight", "Arrival"]


@dataclass(frozen=True)
class Kind:
    """How one touchpoint type behaves in the demo."""

    name: str
    stage: str
    icon: str
    team: str  # the one team that logs it: the people who meet the customer there
    share: float  # relative volume within that team
    mood: float  # mean staff outcome, 1–5
    resolved: float  # share resolved on the spot
    customer: float = 0.0  # how much worse (or better) customers feel than staff think
    channel: Channel = Channel.IN_PERSON
    asks_effort: bool = False


KINDS = [
    Kind("Booking", "Before the trip", "calendar", CONTACT, 1, 3.9, 0.78, 0.0, Channel.EMAIL, True),
    Kind(
        "Phone call", "Before the trip", "phone", CONTACT, 3, 3.6, 0.70, -0.2, Channel.PHONE, True
    ),
    Kind(
        "Chat", "Before the trip", "message-circle", CONTACT, 2, 3.8, 0.76, 0.0, Channel.CHAT, True
    ),
    Kind("Check-in desk", "Check-in", "id-card", CHECK_IN, 4, 4.0, 0.82),
    Kind("Kiosk help", "Check-in", "monitor", CHECK_IN, 2, 3.7, 0.85),
    Kind("Bag drop", "Check-in", "luggage", CHECK_IN, 4, 3.9, 0.80),
    # Staff think security went fine far more often than travellers do.
    Kind("Security", "Security", "shield-check", GATE, 2, 3.4, 0.66, customer=-0.9),
    Kind("Gate service", "Gate & boarding", "door-open", GATE, 3, 3.8, 0.74),
    Kind("Boarding", "Gate & boarding", "plane-takeoff", GATE, 4, 4.4, 0.85, customer=0.2),
    Kind("Lounge welcome", "Gate & boarding", "sofa", LOUNGE, 1, 4.3, 0.9),
    Kind("In-flight service", "In flight", "coffee", CABIN, 1, 4.4, 0.84, customer=0.2),
    Kind("Arrival", "Arrival", "plane-landing", ARRIVALS, 2, 4.0, 0.80),
    Kind("Baggage claim", "Arrival", "baggage-claim", ARRIVALS, 3, 2.9, 0.62, customer=-0.4),
    Kind("Lost baggage desk", "Arrival", "tag", ARRIVALS, 2, 2.6, 0.58, -0.3, asks_effort=True),
]

# Relative volume by local hour (opening hours) and by weekday, Monday first.
AIRPORT_HOURS = {5: 3, 6: 8, 7: 10, 8: 9, 9: 7, 10: 6, 11: 5, 12: 5, 13: 5, 14: 6,
                 15: 7, 16: 8, 17: 8, 18: 7, 19: 5, 20: 4, 21: 3, 22: 1}  # fmt: skip
CONTACT_HOURS = {8: 6, 9: 9, 10: 9, 11: 8, 12: 6, 13: 7, 14: 7, 15: 6, 16: 6,
                 17: 5, 18: 4, 19: 3, 20: 2}  # fmt: skip
WEEKDAY = [1.1, 0.9, 0.85, 1.0, 1.25, 0.8, 1.05]
# A stormy day at Copenhagen, so the trend has a visible dip: busier and worse.
STORM = ("CPH", 23)

INVITED, ANSWERED = 0.4, 0.5
# Customers rate a little kinder than the staff feel about the moment (staff are their own
# harshest critics): with it, CSAT lands where airlines typically see it, around 80 %.
CUSTOMER_KINDER = 0.9
KIND_BY_TYPE = {kind.name: kind for kind in KINDS}


def build_demo(days: int = 90, seed: int = SEED) -> int | None:
    """Create the demo organisation with `days` of moments; None if it already exists."""
    if Location.objects.filter(code="ARN").exists():
        return None
    rng = random.Random(seed)
    # Every bucket is recomputed at the end: journaling each new moment for the sweep too
    # would only cost time (dashboards/journal.py).
    with transaction.atomic(), journal_off():
        teams = _create_organisation()
        types = _create_touchpoint_types()
        staff = _create_people(teams)
        load_starting_themes()  # there already unless a test emptied the database
        pairs = _create_moments(rng, days, staff, types)
        kinds = demo_remedies.create_remedy_kinds()
        demo_remedies.give_budgets(teams)
        moments = [moment for moment, _ in pairs]
        remedied = demo_remedies.remedied_moments(rng, moments)
        demo_remedies.create_remedies(rng, moments, remedied, kinds)
        _create_feedback(rng, pairs, remedied)
        # Every comment and note tagged with the starting themes, as the worker would.
        retag.run(seconds=3600, settle=timedelta(0))
        buckets = close_the_loop(rng, staff, days)
        buckets |= {(moment.location_id, moment.local_date) for moment, _ in pairs}
        rebuild_buckets(buckets)
        DirtyDay.objects.filter(location__code__in=LOCATIONS).delete()
    return len(pairs)


def _create_organisation() -> list[Team]:
    teams = []
    for code, (name, tz, _size, team_names) in LOCATIONS.items():
        currency = demo_remedies.CURRENCIES[code]
        location = Location.objects.create(name=name, code=code, timezone=tz, currency=currency)
        teams += [Team.objects.create(name=team, location=location) for team in team_names]
    return teams


def _create_touchpoint_types() -> dict[str, TouchpointType]:
    stages = {
        name: JourneyStage.objects.get_or_create(
            name_en=name, defaults={"order": order, **in_every_language(STAGE_NAMES, name)}
        )[0]
        for order, name in enumerate(STAGES, start=1)
    }
    order_in_stage: defaultdict[str, int] = defaultdict(int)
    types = {}
    for kind in KINDS:
        order_in_stage[kind.stage] += 1
        types[kind.name] = TouchpointType.objects.create(
            **in_every_language(TYPE_NAMES, kind.name),
            stage=stages[kind.stage],
            order=order_in_stage[kind.stage],
            icon=kind.icon,
            asks_effort=kind.asks_effort,
        )
    ExtraField.objects.create(
        touchpoint_type=types[BAG_FIELD["type"]],
        key=BAG_FIELD["key"],
        kind=ExtraField.Kind.CHOICE,
        **per_language("label", BAG_FIELD["label"]),
        **per_language("choices", BAG_FIELD["choices"]),
    )
    return types


def _create_people(teams: list[Team]) -> dict[Team, list[User]]:
    # One hash for everyone: hashing ~30 passwords at full strength would take seconds.
    password = make_password(PASSWORD)
    groups = {role: Group.objects.get(name=role) for role in Role}
    admin = User.objects.create(
        username="admin", password=password, first_name="Sam", last_name="Taylor",
        is_staff=True, is_superuser=True,
    )  # fmt: skip
    admin.groups.add(groups[Role.ADMIN])
    for username, (first, last, codes) in MANAGERS.items():
        manager = User.objects.create(
            username=username,
            password=password,
            first_name=first,
            last_name=last,
            # example.com never delivers: the digest and need emails can be tried safely.
            email=f"{username}@example.com",
            language=_language(username, codes[0]),
        )
        manager.groups.add(groups[Role.MANAGER])
        manager.managed_locations.set(Location.objects.filter(code__in=codes))
    staff: dict[Team, list[User]] = {}
    for code, people in FRONTLINE.items():
        location_teams = [team for team in teams if team.location.code == code]
        for index, (username, first, last) in enumerate(people):
            team = location_teams[index // 2]
            user = User.objects.create(
                username=username,
                password=password,
                first_name=first,
                last_name=last,
                team=team,
                language=_language(username, code),
            )
            user.groups.add(groups[Role.FRONTLINE])
            staff.setdefault(team, []).append(user)
            _give_desk_pin(user, sum(len(people) for people in staff.values()))
    return staff


def _language(username: str, code: str) -> str:
    return "" if username in ENGLISH_READERS else LANGUAGE_AT[code]


def demo_pin(number: int) -> str:
    """The demo PIN of the `number`th frontline person (1 is "agent": DEMO_PIN)."""
    return DEMO_PIN if number == 1 else f"{(number * 7919) % 9000 + 1000}"


def _give_desk_pin(user: User, number: int) -> None:
    """A badge number and a PIN, so that a desk tablet can be tried at once."""
    user.badge = str(1000 + number)
    user.save(update_fields=["badge"])
    pin = demo_pin(number)
    while True:
        try:
            set_pin(user, pin)
            return
        except ValidationError:  # easily guessed or taken here: the next number
            pin = str(int(pin) + 1)


def _create_moments(
    rng: random.Random, days: int, staff: dict[Team, list[User]], types: dict[str, TouchpointType]
) -> list[tuple[Moment, Kind]]:
    now = timezone.now()
    pairs = []
    for team, members in staff.items():
        location = team.location
        today = location.today()
        for days_ago in range(days - 1, -1, -1):
            day = today - timedelta(days=days_ago)
            stormy = (location.code, days_ago) == STORM
            for _ in range(_volume(rng, team, day, stormy)):
                moment, kind = _moment(rng, team, members, day, types, stormy)
                if moment.occurred_at <= now:  # today only up to the present
                    pairs.append((moment, kind))
    Moment.objects.bulk_create([moment for moment, _ in pairs], batch_size=BATCH_SIZE)
    return pairs


def _volume(rng: random.Random, team: Team, day: date, stormy: bool) -> int:
    size = LOCATIONS[team.location.code][2]
    mean = TEAM_DAILY_MOMENTS[team.name] * size * WEEKDAY[day.weekday()] * (1.5 if stormy else 1)
    return max(0, round(rng.gauss(mean, mean * 0.12)))


def _moment(
    rng: random.Random,
    team: Team,
    members: list[User],
    day: date,
    types: dict[str, TouchpointType],
    stormy: bool,
) -> tuple[Moment, Kind]:
    kinds = [kind for kind in KINDS if kind.team == team.name]
    kind = rng.choices(kinds, weights=[k.share for k in kinds])[0]
    outcome = _clamp(round(rng.gauss(kind.mood - (0.9 if stormy else 0), 0.9)), 1, 5)
    occurred_at = _local_time(rng, team, day)
    moment = Moment(
        uuid=uuid.uuid4(),
        staff=rng.choice(members),
        team=team,
        location=team.location,
        touchpoint_type=types[kind.name],
        channel=kind.channel,
        outcome=outcome,
        resolved_on_spot=_resolution(rng, kind, outcome),
        occurred_at=occurred_at,
        note=demo_comments.note(rng, team.location.code),
        # bulk_create skips Moment.save(), which would otherwise set this.
        local_date=team.location.local_date(occurred_at),
    )
    return moment, kind


# Moments saved without a choice: a tablet still on the old page, an import.
NOT_RECORDED = 0.04


def _resolution(rng: random.Random, kind: Kind, outcome: int) -> bool | None:
    if rng.random() < NOT_RECORDED:
        return None
    # A moment that went better than usual for its type was more likely resolved.
    return rng.random() < kind.resolved + 0.06 * (outcome - kind.mood)


def _local_time(rng: random.Random, team: Team, day: date) -> datetime:
    hours = CONTACT_HOURS if team.name == CONTACT else AIRPORT_HOURS
    hour = rng.choices(list(hours), weights=list(hours.values()))[0]
    # Opening hours start after 04:00, so no local time falls in a DST gap.
    return datetime(
        day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60),
        tzinfo=team.location.tz,
    )  # fmt: skip


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _create_feedback(
    rng: random.Random, pairs: list[tuple[Moment, Kind]], remedied: set = frozenset()
) -> None:
    now = timezone.now()
    invited = [(m, k) for m, k in pairs if rng.random() < (0.7 if _rising(m, k) else INVITED)]
    invitations = [
        Invitation(moment=moment, expires_at=moment.occurred_at + timedelta(days=7))
        for moment, _ in invited
    ]
    Invitation.objects.bulk_create(invitations, batch_size=BATCH_SIZE)
    # auto_now_add stamped them "now"; the invitation went out when the moment happened.
    Invitation.objects.filter(moment__location__code__in=LOCATIONS).update(
        created_at=Subquery(Moment.objects.filter(pk=OuterRef("moment_id")).values("occurred_at"))
    )
    answers, answered_at = [], []
    for invitation, (moment, kind) in zip(invitations, invited, strict=True):
        # Upset customers are a little more likely to answer.
        if _rising(moment, kind) and rng.random() < 0.8:
            answers.append(_rising_answer(rng, invitation))
        elif rng.random() < ANSWERED + (0.1 if moment.outcome <= 2 else 0):
            # A remedy on the spot lifts how the customer remembers a bad moment.
            lift = REMEDY_LIFT if moment.uuid in remedied else 0
            answers.append(_answer(rng, invitation, moment, lift))
        else:
            continue
        delay = timedelta(minutes=rng.lognormvariate(4.5, 1.3))  # median ~1.5 h
        answered_at.append(min(moment.occurred_at + delay, now))
    Answer.objects.bulk_create(answers, batch_size=BATCH_SIZE)
    for answer, when in zip(answers, answered_at, strict=True):
        answer.answered_at = when
    Answer.objects.bulk_update(answers, ["answered_at"], batch_size=BATCH_SIZE)


REMEDY_LIFT = 1.6  # CSAT points a remedy given on the spot adds, on average


def _answer(rng: random.Random, invitation: Invitation, moment: Moment, lift: float = 0) -> Answer:
    """The customer's verdict follows the staff's feeling, shifted by how the type tends to go
    (and lifted by a remedy given on the spot); a comment in a language heard at the location
    (dashboards/demo_comments.py)."""
    kind = KIND_BY_TYPE[moment.touchpoint_type.name]
    mean = moment.outcome + kind.customer + CUSTOMER_KINDER + lift
    csat = _clamp(round(rng.gauss(mean, 0.8)), 1, 5)
    language = demo_comments.language_at(rng, moment.location.code)
    commented = rng.random() < demo_comments.COMMENTED
    return Answer(
        invitation=invitation,
        csat=csat,
        # Every demo type asks NPS: the satisfied mostly promote, the rest mostly do not.
        nps=_clamp(round(rng.gauss(2 * csat, 1.2)), 0, 10),
        effort=_clamp(round(rng.gauss(1.5 * csat - 0.5, 1.0)), 1, 7) if kind.asks_effort else None,
        comment=demo_comments.comment(rng, csat, kind.name, language) if commented else "",
        language=language,
    )


def _rising(moment: Moment, kind: Kind) -> bool:
    days_ago = (moment.location.today() - moment.local_date).days
    return demo_comments.is_rising(moment.location.code, kind.name, days_ago)


def _rising_answer(rng: random.Random, invitation: Invitation) -> Answer:
    """Copenhagen's bags going missing these last days: unhappy, and they say why."""
    text, language = demo_comments.rising_comment(rng)
    csat = rng.choice([1, 2, 2, 3, 4])
    return Answer(
        invitation=invitation,
        csat=csat,
        nps=_clamp(round(rng.gauss(2 * csat, 1.2)), 0, 10),
        comment=text,
        language=language,
    )
