"""The demo's closed loop: low answers put right by the front line, and needs raised to managers.

Without these the demo's recovery rate, time to recover and needs queue would stay empty.
Rows are bulk-created like the rest of the demo, so timestamps and local dates are set here.
"""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from feedback.models import Answer, FeedbackSettings, Recovery
from touchpoints.models import Need, Team, User

from .rollup import Bucket

CLOSED = 0.8  # share of low answers older than a day that the team has put right
NEEDS_PER_TEAM_PER_WEEK = 2
NEED_NOTES = {
    Need.Kind.TRAINING: "Refresher on rebooking rules for missed connections",
    Need.Kind.TOOL: "Second bag-tag printer keeps jamming",
    Need.Kind.AUTHORITY: "Allowed to waive excess bag fees up to 500 SEK",
    Need.Kind.INFORMATION: "Delay information reaches us later than the passengers",
    Need.Kind.STAFFING: "One more person on the first wave, 05:30–07:00",
    Need.Kind.OTHER: "Queue barriers at desk 12 are broken",
}
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
    recoveries = []
    for answer in low:
        team_id = answer.invitation.moment.team_id
        recovery = Recovery(answer=answer, team_id=team_id, reason=rules.low_reason(answer))
        if now - answer.answered_at > timedelta(days=1) and rng.random() < CLOSED:
            members = next(m for t, m in staff.items() if t.pk == team_id)
            _close(rng, recovery, rng.choice(members), answer.answered_at, now)
        recoveries.append(recovery)
    Recovery.objects.bulk_create(recoveries, batch_size=1000)
    for recovery in recoveries:  # auto_now_add stamped them now; they opened with the answer
        recovery.opened_at = recovery.answer.answered_at
    Recovery.objects.bulk_update(recoveries, ["opened_at"], batch_size=1000)


def _close(rng, recovery: Recovery, by: User, answered_at: datetime, now: datetime) -> None:
    closed_at = min(answered_at + timedelta(hours=rng.lognormvariate(1.5, 0.9)), now)
    recovery.taken_by, recovery.taken_at = by, answered_at + (closed_at - answered_at) / 3
    recovery.action = rng.choice(list(Recovery.Action)).value
    recovery.result = rng.choices(list(Recovery.Result), weights=[6, 3, 1])[0].value
    recovery.note = "Called the customer and sorted it out."
    recovery.closed_at = closed_at
    recovery.seconds_to_recover = int((closed_at - answered_at).total_seconds())


def _create_needs(rng: random.Random, staff: dict[Team, list[User]], days: int) -> set[Bucket]:
    now = timezone.now()
    managers = list(User.objects.filter(groups__name="manager"))
    needs = []
    for team, members in staff.items():
        for index in range(max(2, days * NEEDS_PER_TEAM_PER_WEEK // 7)):
            # The newest need of each team still waits; managers answered the older ones.
            hours_ago = rng.uniform(1, 20) if index == 0 else rng.uniform(24, days * 24 - 1)
            raised_at = now - timedelta(hours=hours_ago)
            kind = rng.choice(list(Need.Kind))
            need = Need(raised_by=rng.choice(members), team=team, location=team.location)
            need.kind, need.note, need.raised_at = kind.value, NEED_NOTES[kind], raised_at
            need.local_date = team.location.local_date(raised_at)
            if index > 0:
                _answer(rng, need, rng.choice(managers), now)
            needs.append(need)
    Need.objects.bulk_create(needs, batch_size=1000)
    return {(need.location_id, need.local_date) for need in needs}


def _answer(rng: random.Random, need: Need, manager: User, now: datetime) -> None:
    status = rng.choices(list(ANSWERS), weights=[1, 6, 2])[0]
    need.status, need.answer, need.answered_by = status.value, ANSWERS[status], manager
    need.answered_at = min(need.raised_at + timedelta(hours=rng.lognormvariate(3.5, 0.8)), now)
    if status == Need.Status.PROVIDED:
        need.seconds_to_provide = int((need.answered_at - need.raised_at).total_seconds())
