"""The demo's closed loop: low answers put right by the front line, and needs raised to managers.

Without these the demo's recovery rate, time to recover and needs queue would stay empty.
Rows are bulk-created like the rest of the demo, so timestamps and local dates are set here.
"""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from feedback.forms import possible_actions
from feedback.models import Answer, FeedbackSettings, Recovery
from touchpoints.models import Need, Team, User

from .rollup import Bucket

# Hours from a low answer to the team putting it right: median about five, never more than
# three days, so the recoveries still open are the last day's or two, as on a real morning.
RECOVER_HOURS = (1.6, 1.0)  # lognormal mu, sigma
RECOVER_AT_MOST = timedelta(days=3)
WAITING_SINCE = timedelta(hours=18)  # answers this recent may still wait for the front line
NEEDS_PER_TEAM_PER_WEEK = 2
# Hours until a manager first looks at a need (median about 20) and acknowledges or answers
# it, at most four days; an acknowledged need is provided or declined a few days later
# (median three), a few past the seven-day target, none later than three weeks.
FIRST_LOOK_HOURS, FIRST_LOOK_AT_MOST = (3.0, 0.7), timedelta(days=4)
SETTLE_HOURS, SETTLE_AT_MOST = (4.3, 0.8), timedelta(days=21)
ANSWERED_AT_FIRST_LOOK = 0.35  # provided or declined straight away, without acknowledging
NEED_NOTES = {
    Need.Kind.TRAINING: [
        "Refresher on rebooking rules for missed connections",
        "Training on the new wheelchair assistance process",
    ],
    Need.Kind.TOOL: [
        "Second bag-tag printer keeps jamming",
        "Handheld scanner battery dies before the end of the shift",
    ],
    Need.Kind.AUTHORITY: [
        "Allowed to waive excess bag fees up to 500 SEK",
        "Hand out meal vouchers on delays over two hours without calling the duty manager",
    ],
    Need.Kind.INFORMATION: [
        "Delay information reaches us later than the passengers",
        "Connection times for transfers to the new terminal",
    ],
    Need.Kind.STAFFING: [
        "One more person on the first wave, 05:30–07:00",
        "Cover for breaks during the evening peak",
    ],
    Need.Kind.OTHER: ["Queue barriers at desk 12 are broken", "Lost-property shelf is full"],
    Need.Kind.REMEDY_BUDGET: [
        "Storm week: our meal vouchers ran out on the 20th",
        "More budget for rebooking fees during the strike",
    ],
}
# The same ask from several teams at one airport, raised this morning: a manager answers it
# once for all of them.
SHARED_ASK = (Need.Kind.INFORMATION, "Delay information reaches us later than the passengers")
SHARED_ASK_TEAMS = ("ARN", 3)
ANSWERS = {
    Need.Status.ACKNOWLEDGED: "Seen. Looking into it this week.",
    Need.Status.PROVIDED: "Done: sorted with the station office.",
    Need.Status.DECLINED: "Not this quarter: budget is frozen, raised with the region.",
}


def close_the_loop(rng: random.Random, staff: dict[Team, list[User]], days: int) -> set[Bucket]:
    """Judge answers, recover most low ones, raise and answer needs; return the touched buckets."""
    _mark_low_answers()
    _create_recoveries(rng, staff)
    return _create_needs(rng, staff, days)


def _mark_low_answers() -> None:
    Answer.objects.filter(FeedbackSettings.current().low_q()).update(is_low=True)


def _create_recoveries(rng: random.Random, staff: dict[Team, list[User]]) -> None:
    now = timezone.now()
    rules = FeedbackSettings.current()
    low = Answer.objects.filter(is_low=True, recovery__isnull=True).select_related(
        "invitation__moment"
    )
    waiting = _still_waiting(list(low), now)
    recoveries = []
    for answer in low:
        team_id = answer.invitation.moment.team_id
        recovery = Recovery(answer=answer, team_id=team_id, reason=rules.low_reason(answer))
        if answer.pk not in waiting:
            delay = min(timedelta(hours=rng.lognormvariate(*RECOVER_HOURS)), RECOVER_AT_MOST)
            delay = min(delay, (now - answer.answered_at) * 0.9)  # closed before the morning
            members = next(m for t, m in staff.items() if t.pk == team_id)
            _close(rng, recovery, rng.choice(members), answer.answered_at, delay)
        recoveries.append(recovery)
    Recovery.objects.bulk_create(recoveries, batch_size=1000)
    for recovery in recoveries:  # auto_now_add stamped them now; they opened with the answer
        recovery.opened_at = recovery.answer.answered_at
    Recovery.objects.bulk_update(recoveries, ["opened_at"], batch_size=1000)


def _still_waiting(low: list[Answer], now: datetime) -> set[int]:
    """The demo morning's queue: the newest low answers of the last hours, never more than a
    tenth of them, and at least the newest one, so the queue is short and current."""
    newest = sorted(low, key=lambda answer: answer.answered_at, reverse=True)
    recent = [a for a in newest if a.answered_at >= now - WAITING_SINCE]
    return {answer.pk for answer in (recent[: len(low) // 10] or newest[:1])}


def _close(rng, recovery: Recovery, by: User, answered_at: datetime, delay: timedelta) -> None:
    closed_at = answered_at + delay
    recovery.taken_by, recovery.taken_at = by, answered_at + delay / 3
    # Demo customers leave no contact, so no calling back: only what is possible without.
    recovery.action = rng.choice([value for value, _label in possible_actions(None)])
    recovery.result = rng.choices(list(Recovery.Result), weights=[6, 3, 1])[0].value
    recovery.note = "Put it right with the customer on the spot."
    recovery.closed_at = closed_at
    recovery.seconds_to_recover = int(delay.total_seconds())


def _create_needs(rng: random.Random, staff: dict[Team, list[User]], days: int) -> set[Bucket]:
    """Needs raised evenly over the days, each looked at and settled by a manager of its
    location as time went by: what is still open on the demo's morning is recent."""
    now = timezone.now()
    managers = list(
        User.objects.filter(groups__name="manager").prefetch_related("managed_locations")
    )
    needs = []
    for team, members in staff.items():
        own = [m for m in managers if team.location in m.managed_locations.all()]
        for _ in range(max(2, days * NEEDS_PER_TEAM_PER_WEEK // 7)):
            raised_at = now - timedelta(hours=rng.uniform(0.5, days * 24 - 1))
            kind = rng.choice(list(Need.Kind))
            need = _need(rng, team, members, kind, rng.choice(NEED_NOTES[kind]), raised_at)
            settle_need(rng, need, rng.choice(own), now)
            needs.append(need)
    needs += _shared_ask(rng, staff, now)
    Need.objects.bulk_create(needs, batch_size=1000)
    return {(need.location_id, need.local_date) for need in needs}


def _need(rng, team: Team, members: list[User], kind: str, note: str, raised_at) -> Need:
    need = Need(raised_by=rng.choice(members), team=team, location=team.location)
    need.kind, need.note, need.raised_at = kind, note, raised_at
    need.local_date = team.location.local_date(raised_at)
    return need


def _shared_ask(rng: random.Random, staff: dict[Team, list[User]], now: datetime) -> list[Need]:
    code, count = SHARED_ASK_TEAMS
    teams = [(t, m) for t, m in staff.items() if t.location.code == code][:count]
    kind, note = SHARED_ASK
    return [
        _need(rng, team, members, kind, note, now - timedelta(hours=rng.uniform(0.5, 3)))
        for team, members in teams
    ]


def _lognormal(rng, mu_sigma: tuple[float, float], at_most: timedelta) -> timedelta:
    return min(timedelta(hours=rng.lognormvariate(*mu_sigma)), at_most)


def settle_need(rng: random.Random, need: Need, manager: User, now: datetime) -> None:
    """The need as it stands now: open until the manager's first look, then answered
    outright or acknowledged, and provided or declined some days after that."""
    looked_at = need.raised_at + _lognormal(rng, FIRST_LOOK_HOURS, FIRST_LOOK_AT_MOST)
    if looked_at > now:
        return
    settled_at = looked_at
    if rng.random() > ANSWERED_AT_FIRST_LOOK:
        settled_at += _lognormal(rng, SETTLE_HOURS, SETTLE_AT_MOST)
    if settled_at > now:
        _answer(need, manager, Need.Status.ACKNOWLEDGED, looked_at)
        return
    status = rng.choices([Need.Status.PROVIDED, Need.Status.DECLINED], weights=[4, 1])[0]
    _answer(need, manager, status, settled_at)


def _answer(need: Need, manager: User, status: Need.Status, at: datetime) -> None:
    need.status, need.answer, need.answered_by = status.value, ANSWERS[status], manager
    need.answered_at = at
    if status == Need.Status.PROVIDED:
        need.seconds_to_provide = int((at - need.raised_at).total_seconds())
