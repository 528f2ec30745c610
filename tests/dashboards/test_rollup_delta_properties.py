"""Property-based, on the incremental path (dashboards/rollup_delta.py): after any sequence
of saves, corrections, moves, undos, late answers, recoveries, erasures, theme tagging,
remedies, needs, sweeps, recomputes and sweeps that crash halfway (their transaction rolled
back), the roll-ups equal the raw rows counted directly, and equal a recompute of every
bucket from the raw rows, row for row (no row left behind whose counts fell to nothing).
"""

from datetime import timedelta

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from dashboards.models import MomentJournal, NeedJournal
from dashboards.rollup import rebuild_buckets, rebuild_dirty, rebuild_range, roll_up_changes
from feedback.models import Answer, AnswerTheme, Invitation, MomentTheme, Recovery
from tests.dashboards.test_rollup_properties import (
    CHANGES,
    PROPERTY_SETTINGS,
    THEMES,
    add_remedies,
    all_buckets,
    answer_strategy,
    assert_coarser_roll_ups_are_sums,
    assert_roll_ups_match_raw,
    create_moments,
    create_needs,
    delete,
    local_days,
    moment_strategy,
    move,
    need_strategy,
    roll_up_snapshot,
    teams,  # noqa: F401 (a fixture)
    theme_rows,
)
from touchpoints.models import Channel, Location, Moment, Need
from touchpoints.time_zones import redate_location

pytestmark = pytest.mark.usefixtures("postgres")

index = st.integers(0, 30)
ZONES = ["Europe/London", "Asia/Tokyo", "America/Los_Angeles", "Pacific/Auckland"]
step_strategy = st.one_of(
    st.tuples(st.just("save"), moment_strategy),
    st.tuples(st.just("answer"), index, answer_strategy),
    st.tuples(st.just("correct"), index, st.integers(1, 5), st.sampled_from(Channel.values)),
    st.tuples(st.just("move"), index, st.integers(0, 4), st.integers(-2, 2)),
    st.tuples(st.just("undo"), index),
    st.tuples(st.just("recover"), index, st.integers(0, 90_000), st.booleans()),
    st.tuples(st.just("tag"), index, st.sets(st.integers(0, len(THEMES) - 1), max_size=2)),
    st.tuples(
        st.just("remedy"), index, st.tuples(st.integers(0, 1), st.integers(0, 9_000), st.booleans())
    ),
    st.tuples(st.just("erase"), index),
    st.tuples(st.just("need"), need_strategy),
    st.tuples(st.just("need_status"), index, st.sampled_from(Need.Status.values)),
    st.tuples(st.just("sweep")),
    st.tuples(st.just("crash"), st.sampled_from(["after_taking", "after_writes"])),
    st.tuples(st.just("recompute"), index),
    st.tuples(st.just("time_zone"), index, st.sampled_from(ZONES)),
)


@given(
    change=st.sampled_from(CHANGES),
    first=st.lists(moment_strategy, max_size=8),
    steps=st.lists(step_strategy, min_size=1, max_size=14),
)
@PROPERTY_SETTINGS
def test_any_sequence_of_changes_and_sweeps_leaves_the_roll_ups_exact(
    org, teams, change, first, steps
):
    with transaction.atomic():
        moments = create_moments(org, teams, first, change)
        days = local_days(change)
        rebuild_range(days[0], days[-1])
        needs: list[Need] = []
        for step in steps:
            STEPS[step[0]](org, teams, change, moments, needs, *step[1:])
        rebuild_dirty()
        assert not MomentJournal.objects.exists() and not NeedJournal.objects.exists()
        assert_roll_ups_match_raw({}, {})
        for location in Location.objects.all():
            assert_roll_ups_match_raw({"location": location}, {"location": location})
        assert_coarser_roll_ups_are_sums()
        swept = roll_up_snapshot()
        rebuild_range(days[0], days[-1])  # every bucket recomputed from the raw rows
        assert roll_up_snapshot() == swept
        transaction.set_rollback(True)


# --- the steps ---------------------------------------------------------------------------


def _pick(rows: list, i: int):
    return rows[i % len(rows)] if rows else None


def save(org, teams, change, moments, needs, spec) -> None:
    moments += create_moments(org, teams, [spec], change)


def late_answer(org, teams, change, moments, needs, i, spec) -> None:
    """A customer answers days later (invited now, when the moment was not)."""
    moment = _pick(moments, i)
    if moment is None or Answer.objects.filter(invitation__moment=moment).exists():
        return
    invitation, _ = Invitation.objects.get_or_create(moment=moment)
    answer = Answer.objects.create(
        invitation=invitation,
        csat=spec["csat"],
        nps=spec["nps"],
        effort=spec["effort"],
        is_low=spec["csat"] <= 2,
        comment="" if spec["themes"] is None else "A comment",
    )
    tag_answer(answer, spec["themes"] or set())


def correct(org, teams, change, moments, needs, i, outcome, channel) -> None:
    moment = _pick(moments, i)
    if moment is not None:
        moment.outcome, moment.channel = outcome, channel
        moment.save()


def move_moment(org, teams, change, moments, needs, i, team, days) -> None:
    moment = _pick(moments, i)
    if moment is not None:
        move(moment, teams[team], days)


def undo(org, teams, change, moments, needs, i) -> None:
    moment = _pick(moments, i)
    if moment is not None:
        MomentTheme.objects.filter(moment=moment).delete()
        AnswerTheme.objects.filter(answer__invitation__moment=moment).delete()
        delete(moment)
        moments.remove(moment)


def recover(org, teams, change, moments, needs, i, seconds, lapsed) -> None:
    """Open a recovery on a low answer, or close (maybe after it lapsed) an open one."""
    answer = Answer.objects.filter(invitation__moment=_pick(moments, i)).first()
    if answer is None:
        return
    recovery = Recovery.objects.filter(answer=answer).first()
    if recovery is None:
        Recovery.objects.create(answer=answer, team=answer.invitation.moment.team, reason="csat")
        return
    if recovery.closed_at is None:
        recovery.closed_at = recovery.opened_at + timedelta(seconds=seconds)
        recovery.seconds_to_recover = seconds
        recovery.lapsed_at = recovery.opened_at if lapsed else None
        recovery.closed_late = lapsed
        recovery.save()


def tag(org, teams, change, moments, needs, i, themes) -> None:
    """The tagger's walk: the answer's comment (or else the note) now speaks of `themes`."""
    moment = _pick(moments, i)
    if moment is None:
        return
    answer = Answer.objects.filter(invitation__moment=moment).first()
    if answer is not None:
        tag_answer(answer, themes)
        return
    MomentTheme.objects.filter(moment=moment).delete()
    rows = theme_rows()
    MomentTheme.objects.bulk_create(MomentTheme(moment=moment, theme=rows[t]) for t in themes)


def tag_answer(answer: Answer, themes: set[int]) -> None:
    AnswerTheme.objects.filter(answer=answer).delete()
    rows = theme_rows()
    AnswerTheme.objects.bulk_create(AnswerTheme(answer=answer, theme=rows[t]) for t in themes)


def remedy(org, teams, change, moments, needs, i, spec) -> None:
    moment = _pick(moments, i)
    if moment is not None:
        add_remedies([(Moment.objects.get(pk=moment.pk), [spec])])


def erase(org, teams, change, moments, needs, i) -> None:
    """An erasure blanks the customer's comment and the staff note; both still count."""
    moment = _pick(moments, i)
    if moment is None:
        return
    Answer.objects.filter(invitation__moment=moment).exclude(comment="").update(
        comment="", comment_blanked=True
    )
    if moment.note:
        Moment.objects.filter(pk=moment.pk).update(note="", note_blanked=True)


def raise_need(org, teams, change, moments, needs, spec) -> None:
    needs += create_needs(teams, [spec], change)


def answer_need(org, teams, change, moments, needs, i, status) -> None:
    need = _pick(needs, i)
    if need is not None:
        need.status = status
        need.seconds_to_provide = 600 if status == Need.Status.PROVIDED else None
        need.save()


def sweep(org, teams, change, moments, needs) -> None:
    rebuild_dirty()


class Crash(Exception):
    """A worker killed halfway: its transaction rolls back."""


def crash(org, teams, change, moments, needs, seam) -> None:
    def boom() -> None:
        raise Crash

    try:
        with transaction.atomic():
            locations = Location.objects.values_list("pk", flat=True)
            roll_up_changes(locations, **{seam: boom})
    except Crash:
        pass


def recompute(org, teams, change, moments, needs, i) -> None:
    """A repair or a reconciliation: one bucket recomputed from the raw rows."""
    buckets = sorted(all_buckets())
    if buckets:
        rebuild_buckets([buckets[i % len(buckets)]])


def change_time_zone(org, teams, change, moments, needs, i, zone) -> None:
    """An admin moves a location to another time zone: its moments and needs move days
    (unjournaled, their days marked whole: touchpoints/time_zones.py)."""
    location = _pick(sorted({team.location for team in teams}, key=lambda x: x.pk), i)
    location.timezone = zone
    location.save()
    redate_location(location)
    for row in [*moments, *needs]:
        row.refresh_from_db()


STEPS = {
    "time_zone": change_time_zone,
    "save": save,
    "answer": late_answer,
    "correct": correct,
    "move": move_moment,
    "undo": undo,
    "recover": recover,
    "tag": tag,
    "remedy": remedy,
    "erase": erase,
    "need": raise_need,
    "need_status": answer_need,
    "sweep": sweep,
    "crash": crash,
    "recompute": recompute,
}
