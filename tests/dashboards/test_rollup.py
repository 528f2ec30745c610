import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from dashboards.metrics import Figures
from dashboards.models import DailyRollup
from dashboards.rollup import rebuild_buckets, rebuild_dirty
from feedback.invitations import invitation_for, record_answer
from feedback.models import Answer
from touchpoints.models import DirtyDay, Moment


def add_moment(staff, touchpoint_type, outcome=4, resolved=True, **fields) -> Moment:
    moment = Moment(
        staff=staff,
        team=staff.team,
        location=staff.team.location,
        touchpoint_type=touchpoint_type,
        outcome=outcome,
        resolved_on_spot=resolved,
        **fields,
    )
    moment.save()
    return moment


def answer(moment, csat, nps=None, effort=None) -> Answer:
    return record_answer(invitation_for(moment), Answer(csat=csat, nps=nps, effort=effort))


def bucket(moment) -> tuple[int, object]:
    return (moment.location_id, moment.local_date)


def snapshot() -> list[tuple]:
    return sorted(
        DailyRollup.objects.values_list(
            "local_date", "team", "touchpoint_type", "channel", "moments", "answers", "satisfied"
        )
    )


def test_roll_up_counts_moments_answers_and_gaps(agent, org):
    good = add_moment(agent, org["desk"], outcome=5)
    bad = add_moment(agent, org["desk"], outcome=1, resolved=False)
    answer(good, csat=1, nps=2, effort=3)  # staff thought it went well; the customer did not
    answer(bad, csat=5, nps=10, effort=7)  # and the reverse
    rebuild_buckets([bucket(good)])
    f = Figures.of(DailyRollup.objects.all())
    assert (f.moments, f.resolved_on_spot, f.invitations, f.answers) == (2, 1, 2, 2)
    assert (f.satisfied, f.promoters, f.detractors, f.low_answers) == (1, 1, 1, 1)
    assert (f.effort_answers, f.effort_sum, f.effort) == (2, 10, 5.0)
    assert (f.gap_staff_good_customer_low, f.gap_staff_bad_customer_high) == (1, 1)


def test_running_the_roll_up_again_changes_nothing(agent, org):
    moment = add_moment(agent, org["desk"])
    answer(moment, csat=4)
    rebuild_buckets([bucket(moment)])
    first = snapshot()
    rebuild_buckets([bucket(moment)])
    assert snapshot() == first


def test_a_corrected_moment_leaves_its_old_bucket(agent, org):
    moment = add_moment(agent, org["desk"])
    rebuild_buckets([bucket(moment)])
    moment.touchpoint_type = org["boarding"]
    moment.save()
    rebuild_buckets([bucket(moment)])
    assert list(DailyRollup.objects.values_list("touchpoint_type", "moments")) == [
        (org["boarding"].pk, 1)
    ]


def test_late_answer_counts_on_the_moments_day(agent, org):
    three_days_ago = add_moment(agent, org["desk"], occurred_at=_days_ago(3))
    answer(three_days_ago, csat=5)
    rebuild_dirty()
    row = DailyRollup.objects.get()
    assert (row.local_date, row.answers) == (three_days_ago.local_date, 1)


def test_roll_up_clears_the_dirty_marks_it_covered(agent, org):
    moment = add_moment(agent, org["desk"])
    DirtyDay.objects.create(
        location=org["arn"], local_date=moment.local_date, marked_at=_days_ago(0)
    )
    assert rebuild_dirty() == 1
    assert DirtyDay.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_roll_ups_of_one_bucket_at_once_do_not_double_count(postgres, agent, org):
    moments = [add_moment(agent, org["desk"]) for _ in range(20)]
    barrier = threading.Barrier(2)

    def roll_up():
        barrier.wait()
        try:
            rebuild_buckets([bucket(moments[0])])
        finally:
            connection.close()

    threads = [threading.Thread(target=roll_up) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert list(DailyRollup.objects.values_list("moments", flat=True)) == [20]


def _days_ago(days: int):
    return timezone.now() - timedelta(days=days)
