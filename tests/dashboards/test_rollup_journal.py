"""The sweep adds what changed (dashboards/rollup_delta.py): its cost follows the moments
journaled since the last one, a write that lands while it runs is counted exactly once, and
the triggers that journal are the ones the code writes (dashboards/journal.py)."""

import re
import threading
import time
from datetime import UTC, date, datetime, timedelta

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from dashboards import journal
from dashboards.metrics import Figures
from dashboards.models import DailyRollup, MomentJournal
from dashboards.rollup import (
    LOCK_NAMESPACE,
    rebuild_buckets,
    rebuild_dirty,
    roll_up_changes,
    seal,
)
from feedback.models import Answer, Invitation
from tests.conftest import add_moment, roll_up_everything
from tests.dashboards.test_rollup_properties import raw_sums, roll_up_snapshot, with_feedback
from tests.dashboards.test_worker import database_url
from touchpoints.models import DirtyDay, Moment
from touchpoints.time_zones import redate_location

pytestmark = pytest.mark.usefixtures("postgres")

# The raw tables a roll-up reads.
RAW_TABLES = [
    "touchpoints_moment", "feedback_invitation", "feedback_answer", "feedback_recovery",
    "feedback_answertheme", "feedback_momenttheme", "touchpoints_remedy", "touchpoints_need",
]  # fmt: skip
DAY_MOMENTS = 3000  # already rolled up, in the day the new moments join
NEW_MOMENTS = 20
# Rows a sweep may read per changed moment, counting table rows and index entries alike:
# the moment once for each roll-up it has rows in (and once for where it lies), its
# invitation and answer for the figures and themes (about 22 measured).
ROWS_PER_CHANGE = 30


def test_the_installed_triggers_are_the_ones_the_roll_up_sql_makes(db):
    """A change to a roll-up SELECT without a migration that installs the functions again
    (`journal.install()`) would journal pre-images the sweep no longer matches."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proname, prosrc FROM pg_proc WHERE proname = ANY(%s)",
            [list(journal.functions())],
        )
        installed = dict(cursor.fetchall())
    for name, created in journal.functions().items():
        body = re.search(r"\$\$(.*)\$\$", created, re.S).group(1)
        assert installed.get(name, "").strip() == body.strip(), name


def fill_day(agent, org, moments: int) -> date:
    """`moments` moments at ARN five minutes ago, every other one answered, in three
    statements. Returns their local day: in ARN's first five minutes that is yesterday."""
    now = timezone.now() - timedelta(minutes=5)
    rows = Moment.objects.bulk_create(
        Moment(
            staff=agent,
            team=agent.team,
            location=org["arn"],
            touchpoint_type=org["desk"],
            outcome=1 + n % 5,
            resolved_on_spot=n % 3 == 0,
            occurred_at=now,
            local_date=org["arn"].local_date(now),
        )  # fmt: skip
        for n in range(moments)
    )
    invitations = Invitation.objects.bulk_create(Invitation(moment=m) for m in rows[::2])
    Answer.objects.bulk_create(Answer(invitation=i, csat=1 + i.pk % 5) for i in invitations)
    return rows[0].local_date


def rows_read() -> int:
    """Rows this transaction has read from the raw tables so far: by sequential scans, by
    index scans from the table, and index entries (which index-only scans read alone)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT COALESCE(SUM(seq_tup_read + COALESCE(idx_tup_fetch, 0)), 0)"
            "        FROM pg_stat_xact_user_tables WHERE relname = ANY(%s))"
            " + (SELECT COALESCE(SUM(pg_stat_get_xact_tuples_returned(indexrelid)), 0)"
            "    FROM pg_index WHERE indrelid = ANY(%s::regclass[]))",
            [RAW_TABLES, RAW_TABLES],
        )
        return cursor.fetchone()[0]


def read_by(run) -> int:
    before = rows_read()
    run()
    return rows_read() - before


def test_a_sweep_reads_rows_in_proportion_to_the_new_moments_not_to_their_day(agent, org):
    """The CI guard of issue 25: a sweep after 20 new moments (and late answers to 20 old
    ones) in a day of 3,000 reads a few rows per change; recomputing the day reads them all,
    so a change back to recomputing whole buckets fails here."""
    filled = fill_day(agent, org, DAY_MOMENTS)
    roll_up_everything()
    for n in range(NEW_MOMENTS):
        add_moment(agent, org["desk"], outcome=1 + n % 5, answer={"csat": 4, "nps": 9})
    unanswered = Moment.objects.filter(invitation__isnull=True)[:NEW_MOMENTS]
    for moment in unanswered:
        Answer.objects.create(invitation=Invitation.objects.create(moment=moment), csat=5)
    changed = 2 * NEW_MOMENTS

    swept = read_by(rebuild_dirty)

    assert swept <= ROWS_PER_CHANGE * changed, swept
    assert not MomentJournal.objects.exists()
    exact = Figures.of(DailyRollup.objects.all())
    assert exact == Figures(**raw_sums(with_feedback(Moment.objects.all())))
    # The counter itself: the same day recomputed reads every one of its moments.
    day = (org["arn"].pk, filled)
    assert read_by(lambda: rebuild_buckets([day])) >= DAY_MOMENTS
    assert Figures.of(DailyRollup.objects.all()) == exact


# --- a write while a sweep runs ----------------------------------------------------------


def answered_moment(agent, org) -> Moment:
    """A moment with an unanswered invitation, rolled up and out of the journal."""
    moment = add_moment(agent, org["desk"], outcome=2)
    Invitation.objects.create(moment=moment)
    roll_up_everything()
    assert not MomentJournal.objects.exists()
    return moment


def in_thread(target) -> tuple[threading.Thread, dict]:
    """Run `target` in a thread of its own (its own connection); its error, if any."""
    outcome: dict = {}

    def run() -> None:
        try:
            target()
        except Exception as error:  # noqa: BLE001 (handed to the test to raise)
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def answer_in_own_transaction(moment: Moment, csat: int) -> None:
    """A customer's answer, saved by another process (plain SQL, its own commit)."""
    with psycopg.connect(database_url()) as other:
        other.execute(
            "INSERT INTO feedback_answer (invitation_id, csat, comment, comment_blanked,"
            " language, is_low, answered_at) SELECT id, %s, '', false, '', false, now()"
            " FROM feedback_invitation WHERE moment_id = %s",
            [csat, moment.pk],
        )


def correct_outcome_in_own_transaction(moment: Moment, outcome: int) -> None:
    with psycopg.connect(database_url()) as other:
        other.execute(
            "UPDATE touchpoints_moment SET outcome = %s WHERE id = %s", [outcome, moment.pk]
        )


def someone_waits_on_a_lock(seconds: float = 10) -> bool:
    """Whether another session of this database comes to wait on a lock (a row or a
    transaction), within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid())"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)
    return False


def assert_counted_exactly() -> None:
    rebuild_dirty()
    assert not MomentJournal.objects.exists()
    assert Figures.of(DailyRollup.objects.all()) == Figures(
        **raw_sums(with_feedback(Moment.objects.all()))
    )
    counted = roll_up_snapshot()
    roll_up_everything()
    assert roll_up_snapshot() == counted


@pytest.mark.django_db(transaction=True)
def test_a_write_that_lands_while_a_sweep_runs_is_counted_exactly_once(agent, org):
    """The sweep has taken the moment's journal row and not yet committed: the answer's
    trigger waits for the sweep, then journals the moment with what the sweep counted."""
    moment = answered_moment(agent, org)
    correct_outcome_in_own_transaction(moment, 1)  # journaled: the sweep takes it
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        taken.set()
        release.wait(10)

    sweep, swept = in_thread(lambda: roll_up_changes([org["arn"].pk], after_taking=hold))
    assert taken.wait(30)
    write, written = in_thread(lambda: answer_in_own_transaction(moment, 5))
    waited = someone_waits_on_a_lock()
    release.set()
    for thread in (sweep, write):
        thread.join(30)
    assert not swept and not written, (swept, written)
    assert waited, "the write did not wait for the sweep that took its moment"

    assert MomentJournal.objects.filter(moment_id=moment.pk).exists()
    assert_counted_exactly()
    assert Figures.of(DailyRollup.objects.all()).satisfied == 1


@pytest.mark.django_db(transaction=True)
def test_a_sweep_leaves_a_moment_an_open_write_holds_to_the_next_sweep(agent, org):
    """A writer touched a journaled moment and has not committed: the sweep passes its
    journal row by, so it never counts the moment as it was before a change that then
    commits (which would lose the change), nor waits for the writer."""
    moment = answered_moment(agent, org)
    correct_outcome_in_own_transaction(moment, 1)
    with psycopg.connect(database_url()) as writer:
        writer.execute(
            "INSERT INTO feedback_answer (invitation_id, csat, comment, comment_blanked,"
            " language, is_low, answered_at) SELECT id, 4, '', false, '', false, now()"
            " FROM feedback_invitation WHERE moment_id = %s",
            [moment.pk],
        )
        roll_up_changes([org["arn"].pk])
        assert MomentJournal.objects.filter(moment_id=moment.pk).exists()
        writer.commit()
    roll_up_changes([org["arn"].pk])

    assert not MomentJournal.objects.exists()
    figures = Figures.of(DailyRollup.objects.all())
    assert (figures.answers, figures.satisfied, figures.outcome_1) == (1, 1, 1)
    assert_counted_exactly()


def test_a_change_journaled_before_its_day_was_sealed_is_dropped_not_added(agent, org):
    """Retention seals a day before it prunes the day's raw rows: its figures are final,
    and what the journal still holds for that day is never added."""
    moment = add_moment(agent, org["desk"], outcome=2, occurred_at=timezone.now() - timedelta(3))
    Invitation.objects.create(moment=moment)
    roll_up_everything()
    before = roll_up_snapshot()
    Answer.objects.create(invitation=moment.invitation, csat=5)  # journaled
    seal(org["arn"].pk, moment.local_date + timedelta(days=1))

    rebuild_dirty()

    assert not MomentJournal.objects.exists()
    assert roll_up_snapshot() == before


def test_a_moment_moved_to_a_location_another_roll_up_holds_waits_for_a_later_sweep(agent, org):
    """Its new rows lie at JFK, which another roll-up holds: the sweep of ARN puts it back
    in the journal, leaving both locations as they were, and a later sweep moves it."""
    moment = add_moment(agent, org["desk"], answer={"csat": 5})
    roll_up_everything()
    before = roll_up_snapshot()
    moment.team, moment.location = org["jfk_desk"], org["jfk"]
    moment.save()  # journaled at ARN, where it was counted
    with psycopg.connect(database_url(), autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_NAMESPACE, org["jfk"].pk])
        roll_up_changes([org["arn"].pk])
        assert roll_up_snapshot() == before
        assert MomentJournal.objects.filter(moment_id=moment.pk).exists()
        other.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, org["jfk"].pk])

    roll_up_changes([org["arn"].pk])

    assert list(DailyRollup.objects.values_list("location", "moments", "satisfied")) == [
        (org["jfk"].pk, 1, 1)
    ]
    assert_counted_exactly()


def test_a_time_zone_change_marks_its_days_whole_instead_of_journaling_each_moment(agent, org):
    """A year of a hub's moments may move days: they are recomputed, not journaled."""
    late = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)  # 00:30 on the 26th in Stockholm
    moments = [add_moment(agent, org["desk"], occurred_at=late) for _ in range(3)]
    roll_up_everything()
    org["arn"].timezone = "Europe/London"
    org["arn"].save()

    redate_location(org["arn"])

    assert not MomentJournal.objects.exists()
    assert set(DirtyDay.objects.filter(whole=True).values_list("local_date", flat=True)) == {
        date(2026, 11, 25),
        date(2026, 11, 26),
    }
    rebuild_dirty()
    assert list(DailyRollup.objects.values_list("local_date", "moments")) == [
        (date(2026, 11, 25), len(moments))
    ]


def test_a_bucket_whose_roll_ups_lack_what_the_journal_took_away_is_recomputed(agent, org):
    """Roll-ups emptied by hand: taking the moment's old rows away would leave counts below
    zero, so the sweep recomputes that bucket from the raw rows instead."""
    moment = add_moment(agent, org["desk"], outcome=5, answer={"csat": 2})
    roll_up_everything()
    DailyRollup.objects.all().delete()
    moment.outcome = 1
    moment.save()

    rebuild_dirty()

    assert not MomentJournal.objects.exists()
    assert Figures.of(DailyRollup.objects.all()) == Figures(**raw_sums([moment]))
    assert_counted_exactly()
