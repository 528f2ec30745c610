"""Rolling moments and answers up into `DailyRollup`, in the database.

A bucket is one location's local day. Rebuilding a bucket replaces its rows with one
GROUP BY over the raw rows, in one transaction: a bucket is never half-written, and
running it again changes nothing. The upsert makes two concurrent rebuilds of the same
bucket settle on the same figures instead of failing or adding up.
"""

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from touchpoints.models import DirtyDay, Location

Bucket = tuple[int, date]  # (location id, local date)

BATCH_SIZE = 500

COUNTED_COLUMNS = [
    "moments",
    "resolved_on_spot",
    "outcome_1",
    "outcome_2",
    "outcome_3",
    "outcome_4",
    "outcome_5",
    "timed_moments",
    "duration_sum",
    "invitations",
    "answers",
    "csat_answers",
    "satisfied",
    "nps_answers",
    "promoters",
    "detractors",
    "effort_answers",
    "effort_sum",
    "low_answers",
    "recoveries_opened",
    "recoveries_closed",
    "recovery_seconds",
    "gap_staff_good_customer_low",
    "gap_staff_bad_customer_high",
]

# One line per column of COUNTED_COLUMNS, in the same order. m = moment, i = invitation,
# a = the customer's answer, r = its recovery (NULL when there is none: CASE counts 0).
ROLLUP_SELECT = """
    SELECT m.local_date, m.location_id, m.team_id, m.touchpoint_type_id, m.channel,
        COUNT(*),                                                     -- moments
        SUM(CASE WHEN m.resolved_on_spot THEN 1 ELSE 0 END),          -- resolved_on_spot
        SUM(CASE WHEN m.outcome = 1 THEN 1 ELSE 0 END),               -- outcome_1
        SUM(CASE WHEN m.outcome = 2 THEN 1 ELSE 0 END),               -- outcome_2
        SUM(CASE WHEN m.outcome = 3 THEN 1 ELSE 0 END),               -- outcome_3
        SUM(CASE WHEN m.outcome = 4 THEN 1 ELSE 0 END),               -- outcome_4
        SUM(CASE WHEN m.outcome = 5 THEN 1 ELSE 0 END),               -- outcome_5
        COUNT(m.duration_seconds),                                    -- timed_moments
        COALESCE(SUM(m.duration_seconds), 0),                         -- duration_sum
        COUNT(i.id),                                                  -- invitations
        COUNT(a.id),                                                  -- answers
        COUNT(a.csat),                                                -- csat_answers
        SUM(CASE WHEN a.csat >= 4 THEN 1 ELSE 0 END),                 -- satisfied
        COUNT(a.nps),                                                 -- nps_answers
        SUM(CASE WHEN a.nps >= 9 THEN 1 ELSE 0 END),                  -- promoters
        SUM(CASE WHEN a.nps <= 6 THEN 1 ELSE 0 END),                  -- detractors
        COUNT(a.effort),                                              -- effort_answers
        COALESCE(SUM(a.effort), 0),                                   -- effort_sum
        SUM(CASE WHEN a.is_low THEN 1 ELSE 0 END),                    -- low_answers
        COUNT(r.id),                                                  -- recoveries_opened
        COUNT(r.closed_at),                                           -- recoveries_closed
        COALESCE(SUM(r.seconds_to_recover), 0),                       -- recovery_seconds
        SUM(CASE WHEN m.outcome >= 4 AND a.is_low
            THEN 1 ELSE 0 END),                                       -- gap_staff_good_customer_low
        SUM(CASE WHEN m.outcome <= 2 AND a.csat >= 4
            THEN 1 ELSE 0 END),                                       -- gap_staff_bad_customer_high
        %s                                                            -- rolled_at
    FROM touchpoints_moment m
    LEFT JOIN feedback_invitation i ON i.moment_id = m.id
    LEFT JOIN feedback_answer a ON a.invitation_id = i.id
    LEFT JOIN feedback_recovery r ON r.answer_id = a.id
    WHERE {buckets}
    GROUP BY m.local_date, m.location_id, m.team_id, m.touchpoint_type_id, m.channel
"""

KEY_COLUMNS = ["local_date", "location_id", "team_id", "touchpoint_type_id", "channel"]


def _upsert_sql(where: str) -> str:
    columns = ", ".join([*KEY_COLUMNS, *COUNTED_COLUMNS, "rolled_at"])
    updates = ", ".join(f"{c} = excluded.{c}" for c in [*COUNTED_COLUMNS, "rolled_at"])
    return (
        f"INSERT INTO dashboards_dailyrollup ({columns})"
        + ROLLUP_SELECT.format(buckets=where)
        + f"ON CONFLICT ({', '.join(KEY_COLUMNS)}) DO UPDATE SET {updates}"
    )


def _bucket_filter(buckets: list[Bucket], prefix: str) -> tuple[str, list]:
    clause = " OR ".join(f"({prefix}location_id = %s AND {prefix}local_date = %s)" for _ in buckets)
    params = [value for location_id, day in buckets for value in (location_id, day)]
    return f"({clause})", params


def rebuild_buckets(buckets: Iterable[Bucket]) -> int:
    """Recompute the given buckets from raw rows and clear their dirty marks.

    A mark newer than the one read at the start (a save that landed meanwhile) stays, so
    the next run counts that save.
    """
    buckets = sorted(set(buckets))
    for start in range(0, len(buckets), BATCH_SIZE):
        _rebuild_batch(buckets[start : start + BATCH_SIZE])
    return len(buckets)


@transaction.atomic
def _rebuild_batch(buckets: list[Bucket]) -> None:
    marks = list(
        DirtyDay.objects.filter(
            _q_any(Q(location_id=loc, local_date=day) for loc, day in buckets)
        ).values_list("pk", "marked_at")
    )
    where, params = _bucket_filter(buckets, prefix="")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM dashboards_dailyrollup WHERE {where}", params)
        moment_where, _ = _bucket_filter(buckets, prefix="m.")
        cursor.execute(_upsert_sql(moment_where), [timezone.now(), *params])
    if marks:
        DirtyDay.objects.filter(_q_any(Q(pk=pk, marked_at=at) for pk, at in marks)).delete()


def _q_any(conditions: Iterable[Q]) -> Q:
    combined = Q(pk__in=[])
    for condition in conditions:
        combined |= condition
    return combined


def rebuild_dirty(limit: int = 5000) -> int:
    """Re-roll the buckets marked dirty, oldest first; returns how many."""
    buckets = list(
        DirtyDay.objects.order_by("marked_at").values_list("location_id", "local_date")[:limit]
    )
    return rebuild_buckets(buckets)


def rebuild_recent(days: int = 7) -> int:
    """Reconcile every location's last `days` local days, whatever is marked."""
    buckets = []
    for location in Location.objects.all():
        today = location.today()
        buckets += [(location.pk, today - timedelta(days=n)) for n in range(days)]
    return rebuild_buckets(buckets)
