"""Rolling moments, answers, recoveries and needs up into additive roll-ups, in the database.

A bucket is one location's local day. Rebuilding a set of buckets is one transaction: take
the locations' roll-up locks, note their dirty marks, delete their roll-up rows and write
them again from one GROUP BY over the raw rows (an upsert), then clear the marks that did
not change meanwhile. So a bucket is never half-written, running it again changes nothing,
and a save that lands during a run leaves its bucket dirty for the next one. Roll-ups of
one location take turns (an advisory lock on PostgreSQL): incremental runs skip a busy
location and leave it marked, and so does a location group's reconciliation (`reconcile`);
range rebuilds wait for it. How this scales: docs/scaling.md.

Each batch also sums its new rows into coarser roll-ups, in the same transaction:
DailyRollup per location and day (LocationDayRollup) and over channels (TypeDayRollup),
NeedRollup per location and day (LocationNeedRollup), for the views that need no finer rows.

Everything a dashboard shows is a sum of these columns; rates are computed from the sums in
`dashboards.metrics`, never stored. An answer, a recovery and the perception gap count on the
day of the moment they belong to, however late they come; a need counts on the day it was
raised.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from touchpoints.models import DirtyDay, Location

from . import rollup_delta
from .models import RECONCILE_DAYS, RollupGeneration, RollupSeal
from .remedy_rollup import (
    LOW_MOMENT_COLUMNS,
    LOW_MOMENT_KEY,
    LOW_MOMENT_SELECT,
    REMEDY_COLUMNS,
    REMEDY_KEY,
    REMEDY_SELECT,
)

Bucket = tuple[int, date]  # (location id, local date)

BATCH_SIZE = 500  # buckets per transaction when re-rolling dirty days
# Local days per transaction when rebuilding a range. Each transaction reads the feedback
# tables whole, so fewer, larger ones are far cheaper (docs/performance.md, Roll-up); a year
# at SAS scale holds its locations for a minute or two, during which beat leaves them dirty.
RANGE_CHUNK_DAYS = 366
RANGE_WORK_MEM = "256MB"  # PostgreSQL memory per join or grouping in a range rebuild
# First key of pg_advisory_xact_lock(key, location id): "one roll-up of a location at a time".
LOCK_NAMESPACE = 0x0526

COUNTED_COLUMNS = [
    "moments",
    "resolved_on_spot",
    "resolution_recorded",
    "outcome_1",
    "outcome_2",
    "outcome_3",
    "outcome_4",
    "outcome_5",
    "invitations",
    "answers",
    "csat_answers",
    "satisfied",
    "nps_answers",
    "promoters",
    "detractors",
    "effort_answers",
    "effort_sum",
    "effort_squares",
    "low_answers",
    "recoveries_opened",
    "recoveries_closed",
    "recovery_seconds",
    "recoveries_lapsed",
    "gap_staff_good_customer_low",
    "gap_staff_bad_customer_high",
    "comments",
    "notes",
]

# One line per column of COUNTED_COLUMNS, in the same order. m = moment, i = invitation,
# a = the customer's answer, r = its recovery (all NULL when there is none, so not counted).
# resolved_on_spot is NULL when the staff member did not say: not recorded, not counted.
# A recovery closed after it lapsed (closed_late) is not recovered: it counts as lapsed only;
# so does one an erasure closed (feedback/customer_data.py). A comment or note blanked by an
# erasure or by its retention period still counts (comment_blanked, note_blanked).
# Each is one-to-one with the moment, so the joins never count a moment twice. Feedback is
# joined among itself first: on PostgreSQL 15 a recovery joined straight onto a day of
# moments, most without an answer, can hash all those NULLs into one bucket and crawl.
MOMENT_FIGURES = """
        m.local_date, m.location_id, m.team_id, m.touchpoint_type_id, m.channel,
        COUNT(*),                                                     -- moments
        COUNT(*) FILTER (WHERE m.resolved_on_spot),                   -- resolved_on_spot
        COUNT(m.resolved_on_spot),                                    -- resolution_recorded
        COUNT(*) FILTER (WHERE m.outcome = 1),                        -- outcome_1
        COUNT(*) FILTER (WHERE m.outcome = 2),                        -- outcome_2
        COUNT(*) FILTER (WHERE m.outcome = 3),                        -- outcome_3
        COUNT(*) FILTER (WHERE m.outcome = 4),                        -- outcome_4
        COUNT(*) FILTER (WHERE m.outcome = 5),                        -- outcome_5
        COUNT(i.id),                                                  -- invitations
        COUNT(a.id),                                                  -- answers
        COUNT(a.csat),                                                -- csat_answers
        COUNT(*) FILTER (WHERE a.csat >= 4),                          -- satisfied
        COUNT(a.nps),                                                 -- nps_answers
        COUNT(*) FILTER (WHERE a.nps >= 9),                           -- promoters
        COUNT(*) FILTER (WHERE a.nps <= 6),                           -- detractors
        COUNT(a.effort),                                              -- effort_answers
        COALESCE(SUM(a.effort), 0),                                   -- effort_sum
        COALESCE(SUM(a.effort * a.effort), 0),                        -- effort_squares
        COUNT(*) FILTER (WHERE a.is_low),                             -- low_answers
        COUNT(r.id),                                                  -- recoveries_opened
        COUNT(r.closed_at) FILTER (WHERE NOT r.closed_late),          -- recoveries_closed
        COALESCE(SUM(r.seconds_to_recover)
            FILTER (WHERE r.closed_at IS NOT NULL AND NOT r.closed_late), 0), -- recovery_seconds
        COUNT(r.lapsed_at),                                           -- recoveries_lapsed
        COUNT(*) FILTER (WHERE m.outcome >= 4 AND a.is_low),          -- gap_staff_good_customer_low
        COUNT(*) FILTER (WHERE m.outcome <= 2 AND a.csat >= 4),       -- gap_staff_bad_customer_high
        COUNT(*) FILTER (WHERE {commented}),                          -- comments
        COUNT(*) FILTER (WHERE m.note <> '' OR m.note_blanked),       -- notes
        %s                                                            -- rolled_at
"""
MOMENT_GROUPS = "m.local_date, m.location_id, m.team_id, m.touchpoint_type_id, m.channel"
MOMENT_SELECT = f"""
    SELECT {MOMENT_FIGURES.replace("{commented}", "a.comment <> '' OR a.comment_blanked")}
    FROM touchpoints_moment m
    LEFT JOIN (
        feedback_invitation i
        LEFT JOIN feedback_answer a ON a.invitation_id = i.id
        LEFT JOIN feedback_recovery r ON r.answer_id = a.id
    ) ON i.moment_id = m.id
    WHERE {{where}}
    GROUP BY {MOMENT_GROUPS}
"""


def _within(column: str, bounds: str) -> str:
    """`column` between the bounds in the one-row table `bounds`, as two scalar subqueries:
    parameters of an index range scan, never a join the planner could turn around."""
    return f"{column} BETWEEN (SELECT lo FROM {bounds}) AND (SELECT hi FROM {bounds})"


# The same figures for a set of buckets (a day, as beat rolls it), on PostgreSQL, when the
# buckets' moments lie close together in id order (`_plan_for_roll_ups`). Probing the feedback
# tables' one-to-one indexes once per moment costs three index descents for each of a SAS
# day's 137,000 moments. Instead each feedback table is read by one index range scan and the
# rows are hash-joined: the invitations whose moment id lies between the buckets' smallest
# and largest moment id, the answers whose invitation id lies between those invitations'
# smallest and largest id, the recoveries likewise. A bound only widens the read, never
# drops a row, and the joins on the keys keep the figures exact whatever the ids.
# (`id + 0`: so that MIN and MAX are not read by walking the primary key from one end.)
BOUNDED_MOMENT_SELECT = f"""
    WITH moment_ids AS (SELECT %s::bigint AS lo, %s::bigint AS hi),
    invitation_ids AS MATERIALIZED (
        SELECT MIN(id + 0) AS lo, MAX(id + 0) AS hi FROM feedback_invitation
        WHERE {_within("moment_id", "moment_ids")}
    ), answer_ids AS MATERIALIZED (
        SELECT MIN(id + 0) AS lo, MAX(id + 0) AS hi FROM feedback_answer
        WHERE {_within("invitation_id", "invitation_ids")}
    )
    SELECT {MOMENT_FIGURES.replace("{commented}", "a.has_comment")}
    FROM touchpoints_moment m
    LEFT JOIN (
        (SELECT id, moment_id FROM feedback_invitation
         WHERE {_within("moment_id", "moment_ids")}) AS i
        LEFT JOIN (SELECT id, invitation_id, csat, nps, effort, is_low,
                comment <> '' OR comment_blanked AS has_comment FROM feedback_answer
            WHERE {_within("invitation_id", "invitation_ids")}) AS a
            ON a.invitation_id = i.id
        LEFT JOIN (
            SELECT answer_id, id, closed_at, closed_late, seconds_to_recover, lapsed_at
            FROM feedback_recovery WHERE {_within("answer_id", "answer_ids")}) AS r
            ON r.answer_id = a.id
    ) ON i.moment_id = m.id
    WHERE {{where}}
    GROUP BY {MOMENT_GROUPS}
"""
# The range read pays while the buckets' moments fill at least a quarter of the ids between
# their smallest and largest: a day of every station does (its time zones apart, it spans
# under two days of ids live, three in the benchmark's data, made a UTC day at a time in no
# order). A bucket set that also holds an old day, or a moment sent days late from an
# offline tablet, spans far more, and is rolled up by the per-moment probes instead, whose
# cost does not grow with the spread.
BOUNDED_READ_MAX_SPREAD = 4
MOMENT_KEY = ["local_date", "location_id", "team_id", "touchpoint_type_id", "channel"]


def _summed_select(source: str, key: list[str], columns: list[str]) -> str:
    """A coarser roll-up's GROUP BY: `source`'s rows (aliased d) summed over `key`. Every
    counted column is a sum of sums, so the coarser table is exact. It reads the rows of
    `source` just written in the same transaction, never the raw rows again."""
    return f"""
    SELECT {", ".join(f"d.{column}" for column in key)},
        {", ".join(f"SUM(d.{column})" for column in columns)},
        %s                                                            -- rolled_at
    FROM {source} d
    WHERE {{where}}
    GROUP BY {", ".join(f"d.{column}" for column in key)}
"""


# DailyRollup summed per (local date, location): the whole company's figures and series.
LOCATION_DAY_KEY = ["local_date", "location_id"]
# DailyRollup summed over channels: the journey, team and gap tables.
TYPE_DAY_KEY = ["local_date", "location_id", "team_id", "touchpoint_type_id"]

THEME_COLUMNS = ["comments", "csat_answers", "csat_sum", "satisfied"]
THEME_KEY = [*MOMENT_KEY, "theme_id"]
THEME_GROUPS = f"{MOMENT_GROUPS}, t.theme_id"
# One line per column of THEME_COLUMNS. What customers say: the answers whose comment the
# tagger gave the theme (feedback/themes), on the day of their moment; a = the answer.
THEME_SELECT = f"""
    SELECT {MOMENT_GROUPS}, t.theme_id,
        COUNT(*),                                                     -- comments
        COUNT(a.csat),                                                -- csat_answers
        COALESCE(SUM(a.csat), 0),                                     -- csat_sum
        COUNT(*) FILTER (WHERE a.csat >= 4),                          -- satisfied
        %s                                                            -- rolled_at
    FROM touchpoints_moment m
    JOIN feedback_invitation i ON i.moment_id = m.id
    JOIN feedback_answer a ON a.invitation_id = i.id
    JOIN feedback_answertheme t ON t.answer_id = a.id
    WHERE {{where}}
    GROUP BY {THEME_GROUPS}
"""
# The same for what staff say: moments whose note has the theme; the CSAT is of the
# moment's answer when the customer gave one (NULL, so not counted, when not).
NOTE_THEME_SELECT = f"""
    SELECT {MOMENT_GROUPS}, t.theme_id,
        COUNT(*),                                                     -- comments (notes)
        COUNT(a.csat),                                                -- csat_answers
        COALESCE(SUM(a.csat), 0),                                     -- csat_sum
        COUNT(*) FILTER (WHERE a.csat >= 4),                          -- satisfied
        %s                                                            -- rolled_at
    FROM touchpoints_moment m
    JOIN feedback_momenttheme t ON t.moment_id = m.id
    LEFT JOIN (
        feedback_invitation i JOIN feedback_answer a ON a.invitation_id = i.id
    ) ON i.moment_id = m.id
    WHERE {{where}}
    GROUP BY {THEME_GROUPS}
"""
THEME_LOCATION_DAY_KEY = ["local_date", "location_id", "theme_id"]

NEED_COLUMNS = ["raised", "acknowledged", "provided", "declined", "provide_seconds"]

# One line per column of NEED_COLUMNS. A need is in exactly one status; the ones still
# open are raised minus the other three.
NEED_SELECT = """
    SELECT n.local_date, n.location_id, n.team_id, n.kind,
        COUNT(*),                                                     -- raised
        COUNT(*) FILTER (WHERE n.status = 'acknowledged'),            -- acknowledged
        COUNT(*) FILTER (WHERE n.status = 'provided'),                -- provided
        COUNT(*) FILTER (WHERE n.status = 'declined'),                -- declined
        COALESCE(SUM(n.seconds_to_provide)
            FILTER (WHERE n.status = 'provided'), 0),                 -- provide_seconds
        %s                                                            -- rolled_at
    FROM touchpoints_need n
    WHERE {where}
    GROUP BY n.local_date, n.location_id, n.team_id, n.kind
"""
NEED_KEY = ["local_date", "location_id", "team_id", "kind"]


@dataclass(frozen=True)
class Journal:
    """Where the triggers note the moments (or needs) that changed since the sweep last
    counted them (dashboards/journal.py), and the temporary table a sweep takes them into."""

    table: str
    key: str
    taken: str


MOMENT_JOURNAL = Journal("dashboards_momentjournal", "moment_id", "rollup_taken_moments")
NEED_JOURNAL = Journal("dashboards_needjournal", "need_id", "rollup_taken_needs")


@dataclass(frozen=True)
class RollupTable:
    name: str
    key: list[str]
    columns: list[str]
    select: str  # the GROUP BY, with {where} on raw rows aliased `alias`
    alias: str
    # The same for a set of buckets on PostgreSQL, its {where} first among the parameters.
    bucket_select: str | None = None
    # Planner settings for this table's statement in a set of buckets (from here to the end
    # of the transaction: such tables come last in ROLLUP_TABLES).
    bucket_settings: dict | None = None
    # Planner settings for this table's statement alone in whole days (`_write`).
    range_settings: dict | None = None
    # A table counted per moment (or need): its journal, the select's expression for the
    # journaled id, and the table of pre-images (each journaled row's rows as counted).
    journal: Journal | None = None
    journaled: str | None = None
    pre_image: str | None = None
    source: str | None = None  # a coarser table: the roll-up it sums

    @property
    def all_columns(self) -> list[str]:
        return [*self.key, *self.columns, "rolled_at"]

    def upsert_sql(self, select: str) -> str:
        updates = ", ".join(f"{c} = excluded.{c}" for c in [*self.columns, "rolled_at"])
        return (
            f"INSERT INTO {self.name} ({', '.join(self.all_columns)}) {select}"
            f" ON CONFLICT ({', '.join(self.key)}) DO UPDATE SET {updates}"
        )


def _coarser(name: str, source: str, key: list[str], columns: list[str]) -> RollupTable:
    return RollupTable(name, key, columns, _summed_select(source, key, columns), "d", source=source)


def _per_moment(journaled: str, pre_image: str, journal: Journal = MOMENT_JOURNAL) -> dict:
    return {"journal": journal, "journaled": journaled, "pre_image": pre_image}


# Whole days in a short history (`_whole_days`) are grouped in parallel, as a range is: the
# moments read by a parallel sequential scan, each page once, never by an index in (location,
# day) order, which one process runs alone and which fetches each heap page many times
# (692,000 page reads for a day of 60,000 pages at ten times SAS), nor by a bitmap scan; the
# feedback hashed once, by all the processes together; and the journal anti-joined by a hash
# (a nested loop scans the journal once per moment: 1.5 s of CPU for 1.37 M moments). Left
# to itself PostgreSQL 15 may rather hash the day's moments and probe them with the
# feedback, a join it cannot run in parallel, the two plans' estimates within 1 % of each
# other: starting workers is priced lower here, so the parallel plan wins by 10 % (and still
# groups in the workers, not above them). For the moments' own roll-up; the low moments', a
# few in a hundred, probe their feedback (PROBE_SETTINGS) instead of hashing it whole.
# docs/scaling.md, "A whole day".
WHOLE_READ_SETTINGS = {
    "enable_hashjoin": "on",  # whatever the transaction set before (the journal's sweep)
    "enable_indexscan": "off",
    "enable_bitmapscan": "off",
    "enable_nestloop": "off",
    "parallel_setup_cost": "0",
    "parallel_tuple_cost": "0.05",
}

# Remedies and low moments are a few in a hundred of a day's moments: each is probed through
# its one-to-one indexes, never a whole feedback or moment table hashed (as the bounded read
# of a day's feedback would, for the moments' own roll-up; docs/performance.md).
PROBE_SETTINGS = {"enable_nestloop": "on", "enable_hashjoin": "off", "enable_mergejoin": "off"}

LOCATION_DAYS = _coarser(
    "dashboards_locationdayrollup", "dashboards_dailyrollup", LOCATION_DAY_KEY, COUNTED_COLUMNS
)
TYPE_DAYS = _coarser(
    "dashboards_typedayrollup", "dashboards_dailyrollup", TYPE_DAY_KEY, COUNTED_COLUMNS
)
LOCATION_NEEDS = _coarser(
    "dashboards_locationneedrollup", "dashboards_needrollup", LOCATION_DAY_KEY, NEED_COLUMNS
)
THEME_LOCATION_DAYS = _coarser(
    "dashboards_themelocationdayrollup",
    "dashboards_themedailyrollup",
    THEME_LOCATION_DAY_KEY,
    THEME_COLUMNS,
)
# Written in this order: each coarser table sums rows of its source written before it.
ROLLUP_TABLES = [
    RollupTable(
        "dashboards_dailyrollup",
        MOMENT_KEY,
        COUNTED_COLUMNS,
        MOMENT_SELECT,
        "m",
        bucket_select=BOUNDED_MOMENT_SELECT,
        range_settings=WHOLE_READ_SETTINGS,
        **_per_moment("m.id", "dashboards_dailypreimage"),
    ),
    LOCATION_DAYS,
    TYPE_DAYS,
    RollupTable(
        "dashboards_themedailyrollup",
        THEME_KEY,
        THEME_COLUMNS,
        THEME_SELECT,
        "m",
        **_per_moment("m.id", "dashboards_themepreimage"),
    ),
    THEME_LOCATION_DAYS,
    RollupTable(
        "dashboards_notethemedailyrollup",
        THEME_KEY,
        THEME_COLUMNS,
        NOTE_THEME_SELECT,
        "m",
        **_per_moment("m.id", "dashboards_notethemepreimage"),
    ),
    RollupTable(
        "dashboards_needrollup",
        NEED_KEY,
        NEED_COLUMNS,
        NEED_SELECT,
        "n",
        **_per_moment("n.id", "dashboards_needpreimage", NEED_JOURNAL),
    ),
    LOCATION_NEEDS,
    # Last: they set the planner for themselves (PROBE_SETTINGS).
    RollupTable(
        "dashboards_remedyrollup",
        REMEDY_KEY,
        REMEDY_COLUMNS,
        REMEDY_SELECT,
        "x",
        bucket_settings=PROBE_SETTINGS,
        **_per_moment("x.moment_id", "dashboards_remedypreimage"),
    ),
    RollupTable(
        "dashboards_lowmomentrollup",
        LOW_MOMENT_KEY,
        LOW_MOMENT_COLUMNS,
        LOW_MOMENT_SELECT,
        "m",
        bucket_settings=PROBE_SETTINGS,
        range_settings=PROBE_SETTINGS,
        **_per_moment("m.id", "dashboards_lowmomentpreimage"),
    ),
]
# The tables summed from other roll-ups rather than from raw rows.
COARSER_TABLES = [LOCATION_DAYS, TYPE_DAYS, THEME_LOCATION_DAYS, LOCATION_NEEDS]


@dataclass(frozen=True)
class Scope:
    """The buckets one transaction rebuilds: a condition on (location_id, local_date)."""

    condition: str  # `{t}` stands for the table alias and a dot
    params: tuple
    location_ids: tuple[int, ...]
    large: bool = False  # many days: worth more memory for the joins and the grouping
    # The smallest and largest id of the scope's moments, when its feedback is read by id
    # range (BOUNDED_MOMENT_SELECT; set by `_plan_for_roll_ups`).
    moment_ids: tuple[int, int] | None = None
    # Whole days in a short history (`_whole_days`): grouped as a range, read by a
    # sequential scan (WHOLE_READ_SETTINGS).
    whole: bool = False
    # Raw tables too small for PostgreSQL to read in parallel (`_plan_for_roll_ups`): a
    # range is then written in one statement, not through a temporary table (`_write`).
    serial: bool = False

    def where(self, alias: str = "") -> str:
        # In brackets: the condition is an OR of clauses (a day's locations, or locations
        # sealed up to different days), and the writes go on with AND NOT EXISTS (`_write`).
        return "(" + self.condition.format(t=f"{alias}." if alias else "") + ")"


def buckets_scope(buckets: Iterable[Bucket]) -> Scope:
    """Buckets grouped by day: `local_date = d AND location_id IN (...)` per day."""
    by_day: defaultdict[date, list[int]] = defaultdict(list)
    for location_id, day in buckets:
        by_day[day].append(location_id)
    clauses, params = [], []
    for day, ids in sorted(by_day.items()):
        clauses.append(f"({{t}}local_date = %s AND {{t}}location_id IN ({_marks(ids)}))")
        params += [day, *ids]
    locations = {location_id for ids in by_day.values() for location_id in ids}
    return Scope(" OR ".join(clauses) or "1 = 0", tuple(params), tuple(sorted(locations)))


def range_scope(since: date, until: date, location_ids: Iterable[int] | None = None) -> Scope:
    """Every bucket from `since` to `until` (inclusive), of the given locations or all, but
    never one before its location's sealed boundary (`RollupSeal`)."""
    if location_ids is None:
        location_ids = Location.objects.values_list("pk", flat=True)
    ids = sorted(set(location_ids))
    final = sealed_before(ids)
    starts: defaultdict[date, list[int]] = defaultdict(list)
    for location_id in ids:
        starts[max(since, final.get(location_id, since))].append(location_id)
    # Naming every location lets PostgreSQL walk the (location, local date) index, one
    # short range per location, instead of reading the whole moment table for a week.
    clauses, params = [], []
    for first, members in sorted(starts.items()):
        if first <= until:
            clauses.append(
                f"({{t}}location_id IN ({_marks(members)}) AND {{t}}local_date BETWEEN %s AND %s)"
            )
            params += [*members, first, until]
    return Scope(" OR ".join(clauses) or "1 = 0", tuple(params), tuple(ids), large=True)


def sealed_before(location_ids: Iterable[int]) -> dict[int, date]:
    """Each sealed location's boundary: its roll-ups before that day are final."""
    return dict(
        RollupSeal.objects.filter(location_id__in=list(location_ids)).values_list(
            "location_id", "final_before"
        )
    )


def seal(location_id: int, final_before: date) -> None:
    """Make the location's roll-ups before `final_before` final (never moving it back).

    Under the location's roll-up lock: a rebuild running now finishes first, and every
    later one reads the new boundary under that lock, before raw rows are pruned."""
    with transaction.atomic(), connection.cursor() as cursor:
        _lock_locations(cursor, (location_id,))
        current = sealed_before([location_id]).get(location_id)
        if current is None:
            RollupSeal.objects.create(location_id=location_id, final_before=final_before)
        elif current < final_before:
            RollupSeal.objects.filter(location_id=location_id).update(final_before=final_before)


def _drop_sealed(buckets: list[Bucket], final: dict[int, date | None]) -> list[Bucket]:
    """`buckets` without those before their location's boundary, whose marks are dropped:
    a sealed day's raw rows may be gone, and its figures are final."""
    sealed = [(loc, day) for loc, day in buckets if final.get(loc) and day < final[loc]]
    for location_id, day in sealed:
        DirtyDay.objects.filter(location_id=location_id, local_date=day).delete()
    return [bucket for bucket in buckets if bucket not in sealed]


def _marks(values: list) -> str:
    return ", ".join(["%s"] * len(values)) or "NULL"


def _rebuild(cursor, scope: Scope, after_writes: Callable[[], None] | None = None) -> None:
    """Recompute the scope's buckets from raw rows and clear their marks; call inside a
    transaction that holds the scope's location locks.

    On PostgreSQL a moment still in the journal counts as its pre-image, as the journal
    says the roll-ups count it (`_with_pre_images`): its change is the sweep's to add. The
    callers add the locations' journal first, in short transactions of their own
    (`apply_changes`), so that a recompute leaves the figures as of then without holding
    any journaled moment, and so any writer of it, for as long as it runs. A mark written
    after this run read it (a save that landed meanwhile) stays, so the next run counts
    that save. `after_writes` runs once the roll-ups are written, before the marks are
    cleared: a seam for tests that land a save mid-run.
    """
    cursor.execute(
        f"SELECT id, marked_at FROM touchpoints_dirtyday WHERE {scope.where()}"
        " ORDER BY location_id, local_date",
        scope.params,
    )
    marks = cursor.fetchall()
    _recompute(cursor, scope, timezone.now())
    # Every writer of the roll-ups comes through here, `roll_up_changes` or
    # `resum_coarser_days`: the figures cached for these locations' old sums are never read
    # again (dashboards/figure_cache.py).
    RollupGeneration.renew(scope.location_ids)
    if after_writes is not None:
        after_writes()
    _clear_marks(cursor, marks)


def _recompute(cursor, scope: Scope, rolled_at) -> None:
    """Write the scope's rows of every roll-up again from one GROUP BY each."""
    if _whole_days(cursor, scope):
        scope = replace(scope, large=True, whole=True)
    # After the marks and the journal: every moment whose mark this run clears is then
    # among those the planner's statement sees, so a bounded read's ids cover it
    # (BOUNDED_MOMENT_SELECT).
    scope = _plan_for_roll_ups(cursor, scope)
    settings = None
    for table in ROLLUP_TABLES:
        if table.bucket_settings not in (None, settings) and not scope.large:
            settings = table.bucket_settings  # once for the tables that share them
            if connection.vendor == "postgresql":
                _set_config(cursor, settings)
        _write(cursor, table, scope, rolled_at)


# Buckets (or a range) are recomputed as whole days (`_write`: grouped in parallel, the
# moment table read by a sequential scan and the feedback tables whole, hashed) when they
# hold at least WHOLE_DAY_MOMENTS moments and at least 1/WHOLE_DAY_SHARE of the moment
# table: a whole day of every station in a short history (at ten times SAS, 1.37 M moments
# in 4.1 M). Then reading everything once costs less than three index walks a moment, which
# is what the buckets' own read costs, or than the index walk of a range's day
# (docs/scaling.md, "A whole day"). Smaller sets, or a day in a long history, keep their
# read, whose cost follows their moments. The sizes are the roll-ups' own count of the
# buckets (LocationDayRollup) and the planner's of the table: a guess that only chooses
# the plan, never the figures.
WHOLE_DAY_MOMENTS = 20_000
WHOLE_DAY_SHARE = 8

WHOLE_DAYS = """
    SELECT COALESCE(SUM(moments), 0) >= %s AND COALESCE(SUM(moments), 0) * %s
        >= (SELECT GREATEST(reltuples, 0) FROM pg_class WHERE oid = 'touchpoints_moment'::regclass)
    FROM dashboards_locationdayrollup WHERE {where}
"""


def _whole_days(cursor, scope: Scope) -> bool:
    """Whether to recompute the scope as whole days (above); never on SQLite, whose
    statements are the same either way. WHOLE_DAY_SHARE None: never (a benchmark's
    baseline)."""
    if connection.vendor != "postgresql" or WHOLE_DAY_SHARE is None:
        return False
    cursor.execute(
        WHOLE_DAYS.format(where=scope.where()),
        [WHOLE_DAY_MOMENTS, WHOLE_DAY_SHARE, *scope.params],
    )
    return cursor.fetchone()[0]


def _apply_journal(
    cursor,
    location_ids: Iterable[int],
    rolled_at,
    after_taking: Callable[[], None] | None = None,
) -> rollup_delta.Applied:
    """Add the journaled changes of these locations (held by the caller) as differences;
    nothing on SQLite, which has no journal."""
    if connection.vendor != "postgresql":
        return rollup_delta.Applied(0, set(), set())
    return rollup_delta.apply_journal(
        cursor,
        location_ids,
        ROLLUP_TABLES,
        COARSER_TABLES,
        lambda extra: set(_try_lock_locations(cursor, extra)),
        rolled_at,
        after_taking,
    )


def roll_up_changes(
    location_ids: Iterable[int],
    after_taking: Callable[[], None] | None = None,
    after_writes: Callable[[], None] | None = None,
    marks: bool = True,
) -> int:
    """PostgreSQL's sweep of these locations: add their journaled changes and clear the
    marks that only said so, then recompute the buckets marked to be recomputed whole
    (`rebuild_buckets`, in transactions of their own: the journal's transaction stays
    short, since writers of the moments it took wait for it). Without `marks`: only the
    journal. Returns how many marks it covered. Never waits, as `rebuild_buckets`: a
    location another roll-up holds keeps its journal and marks for a later sweep.
    `after_taking` runs once the journal rows are taken, `after_writes` once the roll-ups
    are written: seams for tests. (SQLite has no journal: `rebuild_dirty`.)"""
    if connection.vendor != "postgresql":
        return rebuild_dirty(location_ids=location_ids) if marks else 0
    wanted, done, whole = set(location_ids), 0, set()
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            free = _try_lock_locations(cursor, wanted)
            if not free:
                break
            read = _marks_of(cursor, sorted(free)) if marks else []
            rolled_at = timezone.now()
            applied = _apply_journal(cursor, free, rolled_at, after_taking)
            if applied.recompute:
                _recompute(cursor, buckets_scope(applied.recompute), rolled_at)
            if applied.taken:
                RollupGeneration.renew(applied.locations)
            if after_writes is not None:
                after_writes()
            signs = [(mark_id, marked_at) for mark_id, marked_at, *_, asks in read if not asks]
            _clear_marks(cursor, signs, skip_locked=True)
        done += len(signs)
        whole |= {(location, day) for *_, location, day, asks in read if asks}
        if applied.taken < rollup_delta.TAKE_LIMIT:
            break
    return done + (rebuild_buckets(whole) if whole else 0)


def apply_changes(location_ids: Iterable[int]) -> None:
    """Add the locations' journaled changes (PostgreSQL; nothing on SQLite): what every
    recompute does first (see `_rebuild`). First one look whether there are any: a
    recompute mostly finds none, and a sweep's take creates, indexes, analyses and drops a
    temporary table per journal even so. A change journaled after the look is the next
    sweep's, as one journaled after the take would be; the recompute counts its moment
    by its pre-image meanwhile."""
    location_ids = list(location_ids)
    if connection.vendor == "postgresql" and _journaled(location_ids):
        roll_up_changes(location_ids, marks=False)


JOURNALED = " OR ".join(
    f"EXISTS (SELECT 1 FROM {journal.table} WHERE location_id = ANY(%(ids)s))"
    for journal in (MOMENT_JOURNAL, NEED_JOURNAL)
)


def _journaled(location_ids: list[int]) -> bool:
    """Whether the journal holds a change at one of these locations."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {JOURNALED}", {"ids": location_ids})
        return cursor.fetchone()[0]


def _marks_of(cursor, location_ids: list[int]) -> list[tuple]:
    """The locations' marks: (id, marked_at, location, day, whole), the oldest first."""
    cursor.execute(
        "SELECT id, marked_at, location_id, local_date, whole FROM touchpoints_dirtyday"
        " WHERE location_id = ANY(%s) ORDER BY marked_at LIMIT %s",
        [location_ids, MARKS_PER_SWEEP],
    )
    return cursor.fetchall()


MARKS_PER_SWEEP = 5000


# The marks this run read and that nobody re-marked since, locked in (location, day) order:
# the order `mark_days_dirty` takes them in, so a correction that marks two days and a
# roll-up that clears them never wait for each other in a circle (a deadlock).
CLEAR_MARKS = """
    DELETE FROM touchpoints_dirtyday WHERE id IN (
        SELECT d.id FROM touchpoints_dirtyday d
        JOIN unnest(%s::bigint[], %s::timestamptz[]) AS seen (id, marked_at)
            ON seen.id = d.id AND seen.marked_at = d.marked_at
        ORDER BY d.location_id, d.local_date
        FOR UPDATE OF d
    )
"""


def _clear_marks(cursor, marks: list[tuple], skip_locked: bool = False) -> None:
    """Delete the marks read, unless re-marked since. `skip_locked`: and unless a writer
    holds one (the sweep's journal transaction: a writer holding a mark may be waiting for
    a moment that transaction took; the mark, a mere sign, stays for the next sweep)."""
    if not marks:
        return
    if connection.vendor != "postgresql":  # one writer at a time: no order to keep
        cursor.executemany(
            "DELETE FROM touchpoints_dirtyday WHERE id = %s AND marked_at = %s", marks
        )
        return
    ids, marked_at = zip(*marks, strict=True)
    sql = CLEAR_MARKS.replace("FOR UPDATE OF d", "FOR UPDATE OF d SKIP LOCKED")
    cursor.execute(sql if skip_locked else CLEAR_MARKS, [list(ids), list(marked_at)])


def _write(cursor, table: RollupTable, scope: Scope, rolled_at) -> None:
    """Replace the scope's rows of `table` with one GROUP BY over the raw rows."""
    select, params = _select(table, scope, rolled_at)
    if not (scope.large and connection.vendor == "postgresql"):
        cursor.execute(f"DELETE FROM {table.name} WHERE {scope.where()}", scope.params)
        cursor.execute(table.upsert_sql(select), params)
        return
    if scope.serial and not scope.whole:
        _write_in_one_statement(cursor, table, scope, select, params)
        return
    # PostgreSQL spreads a plain query over several cores, never an INSERT … SELECT: so a
    # range is grouped into a temporary table in parallel first. Then only rows that
    # changed are written, so re-checking a month that is right costs reads, not writes;
    # new rows go in by a plain INSERT, a third cheaper than ON CONFLICT's speculative one
    # (the locations' locks keep every other roll-up out of these buckets meanwhile).
    columns, key = ", ".join(table.all_columns), ", ".join(table.key)
    settings = table.range_settings if scope.whole else None
    if settings:
        settings = _swap_config(cursor, settings)
    cursor.execute(f"CREATE TEMPORARY TABLE rollup_batch ({columns}) AS {select}", params)
    rows = cursor.rowcount
    if settings:  # back to the transaction's settings for the other statements
        _set_config(cursor, settings)
    if rows >= ANALYZED_BATCH_ROWS:  # the joins below match on the key only
        cursor.execute(f"ANALYZE rollup_batch ({key})")
    same_key = " AND ".join(f"b.{c} = t.{c}" for c in table.key)
    in_scope = f"{same_key} AND {scope.where('t')}"
    cursor.execute(
        f"DELETE FROM {table.name} t WHERE {scope.where('t')}"
        f" AND NOT EXISTS (SELECT 1 FROM rollup_batch b WHERE {same_key})",
        scope.params,
    )
    updates = ", ".join(f"{c} = b.{c}" for c in [*table.columns, "rolled_at"])
    old = ", ".join(f"t.{c}" for c in table.columns)
    new = ", ".join(f"b.{c}" for c in table.columns)
    cursor.execute(
        f"UPDATE {table.name} t SET {updates} FROM rollup_batch b"
        f" WHERE {in_scope} AND ({old}) IS DISTINCT FROM ({new})",
        scope.params,
    )
    # In the order the dashboards read them (a window's days of each location), so that a
    # month of one location lies on a few pages, not scattered over a rebuilt history.
    order = ", ".join(["location_id", "local_date", *(c for c in table.key if c not in READ_ORDER)])
    cursor.execute(
        f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM rollup_batch b"
        f" WHERE NOT EXISTS (SELECT 1 FROM {table.name} t WHERE {in_scope}) ORDER BY {order}",
        scope.params,
    )
    cursor.execute("DROP TABLE rollup_batch")


def _write_in_one_statement(cursor, table: RollupTable, scope: Scope, select: str, params):
    """`_write`'s writes of a range, with its grouping as a CTE instead of a temporary
    table: for raw tables PostgreSQL would not read in parallel anyway (Scope.serial). The
    same three writes, each of rows the others leave alone (the keys gone, the keys kept,
    the keys new), so that all three seeing the table as it was before is the same as
    running them one after the other."""
    columns = ", ".join(table.all_columns)
    same_key = " AND ".join(f"b.{c} = t.{c}" for c in table.key)
    in_scope = f"{same_key} AND {scope.where('t')}"
    updates = ", ".join(f"{c} = b.{c}" for c in [*table.columns, "rolled_at"])
    old = ", ".join(f"t.{c}" for c in table.columns)
    new = ", ".join(f"b.{c}" for c in table.columns)
    order = ", ".join(["location_id", "local_date", *(c for c in table.key if c not in READ_ORDER)])
    cursor.execute(
        f"WITH rollup_batch ({columns}) AS MATERIALIZED ({select}),"
        f" gone AS (DELETE FROM {table.name} t WHERE {scope.where('t')}"
        f" AND NOT EXISTS (SELECT 1 FROM rollup_batch b WHERE {same_key})),"
        f" changed AS (UPDATE {table.name} t SET {updates} FROM rollup_batch b"
        f" WHERE {in_scope} AND ({old}) IS DISTINCT FROM ({new}))"
        f" INSERT INTO {table.name} ({columns}) SELECT {columns} FROM rollup_batch b"
        f" WHERE NOT EXISTS (SELECT 1 FROM {table.name} t WHERE {in_scope}) ORDER BY {order}",
        [*params, *scope.params, *scope.params, *scope.params],
    )


READ_ORDER = ("location_id", "local_date")
# A batch smaller than this is not analysed: the planner then sizes it by its pages, a few
# for a few hundred rows, and any plan of the writes is cheap; analysing it (the sampling
# and the catalogue rows it writes) cost more than the writes of a small range (a short
# history's reconciliation, a test's world).
ANALYZED_BATCH_ROWS = 1000


def _select(table: RollupTable, scope: Scope, rolled_at) -> tuple[str, list]:
    """The GROUP BY that computes the scope's rows of `table`, and its parameters."""
    where = scope.where(table.alias)
    journaled = table.journal is not None and connection.vendor == "postgresql"
    if journaled:
        where = f"({where}) AND {_not_journaled(table, scope)}"
    select, params = table.select.format(where=where), [rolled_at, *scope.params]
    if table.bucket_select and scope.moment_ids is not None:
        select = table.bucket_select.format(where=where)
        params = [*scope.moment_ids, *params]
    if not journaled:
        return select, params
    return _with_pre_images(table, select, scope), [rolled_at, *params, *scope.params]


def _not_journaled(table: RollupTable, scope: Scope) -> str:
    """The condition that the row's moment (or need) is not in the journal. A range is
    grouped in parallel (`_write`), so there an anti-join, which PostgreSQL runs in its
    workers; a set of buckets is written by one INSERT … SELECT, never parallel, so there a
    NOT IN, hashed once (a probe per moment would add a fourth to the per-moment read)."""
    key, journal = table.journal.key, table.journal.table
    if scope.large:
        return f"NOT EXISTS (SELECT 1 FROM {journal} j WHERE j.{key} = {table.journaled})"
    return f"{table.journaled} NOT IN (SELECT {key} FROM {journal})"


def _with_pre_images(table: RollupTable, select: str, scope: Scope) -> str:
    """`select` (over the moments that are not journaled) with the journaled moments'
    pre-images added: the roll-ups as they must be while those moments' changes wait in
    the journal for the sweep, which adds each one's difference (rollup_delta.py). So a
    recompute and the journal never count a change twice, nor lose one."""
    keys, columns = ", ".join(table.key), ", ".join(table.columns)
    return f"""
    SELECT {keys}, {", ".join(f"SUM({c})" for c in table.columns)}, %s
    FROM (
        {select}
        UNION ALL
        SELECT {keys}, {columns}, rolled_at FROM {table.pre_image} p WHERE {scope.where("p")}
    ) AS counted ({keys}, {columns}, rolled_at)
    GROUP BY {keys}
"""


# Planner settings for a roll-up's transaction only (`SET LOCAL`). The raw rows are cached or
# on SSD, but PostgreSQL's defaults assume spinning disks; compiling a query (JIT) costs more
# than it saves; and a roll-up's statement text repeats, so once the driver prepares it a
# generic plan, blind to which days and locations it reads, must never replace a custom one.
PLAN_SETTINGS = {"jit": "off", "random_page_cost": "1.1", "plan_cache_mode": "force_custom_plan"}
# A range reads every moment of its days, and whole feedback tables: hash joins and grouping
# in memory. A set of buckets (a day, a few days) reads its moments by the (location, local
# date) index. When they lie far apart in ids, each one's invitation, answer and recovery
# are then probed through their one-to-one indexes: nested loops only, so the plan does not
# flip to hashing whole feedback tables when they are small next to a day (a short history).
# Either way a bucket set's cost follows its moments, not the history's (docs/performance.md,
# "A day's roll-up whatever the history").
RANGE_SETTINGS = {"work_mem": RANGE_WORK_MEM}
BUCKET_SETTINGS = {"enable_hashjoin": "off", "enable_mergejoin": "off"}
# The bounded read of a day's feedback (BOUNDED_MOMENT_SELECT) the other way round: hash
# joins only, so each feedback table is read once by its range and hashed, never probed per
# row; its ranges' sizes are guesses to the planner (their bounds are known only once the
# statement runs), so the hashes get room to grow in memory rather than spill to disk.
BOUNDED_READ_SETTINGS = {"enable_hashjoin": "on", "enable_nestloop": "off", "work_mem": "64MB"}


def _plan_for_roll_ups(cursor, scope: Scope) -> Scope:
    """Set the planner for this transaction, in one statement, and return the scope. For a
    set of buckets the same statement chooses how the feedback is read, from where the
    buckets' moments lie: by id range when they fill enough of the ids between the
    smallest and the largest (BOUNDED_READ_MAX_SPREAD), then the returned scope carries
    those two ids; else by the per-moment probes. A moment saved after this statement may
    lie outside those ids: its save marks the bucket again after this run read the marks,
    so the next run counts it whole."""
    if connection.vendor != "postgresql":
        return scope
    if scope.large:
        settings = {**PLAN_SETTINGS, **RANGE_SETTINGS}
        cursor.execute(
            f"SELECT {SERIAL_READ}, " + ", ".join(["set_config(%s, %s, true)"] * len(settings)),
            [value for pair in settings.items() for value in pair],
        )
        return replace(scope, serial=cursor.fetchone()[0])
    settings = [
        *(("always", *pair) for pair in PLAN_SETTINGS.items()),
        *(("probes", *pair) for pair in BUCKET_SETTINGS.items()),
        *(("bounded", *pair) for pair in BOUNDED_READ_SETTINGS.items()),
    ]
    cursor.execute(
        CHOOSE_READ.format(
            where=scope.where(), settings=", ".join(["(%s, %s, %s)"] * len(settings))
        ),
        [*scope.params, BOUNDED_READ_MAX_SPREAD, *(value for row in settings for value in row)],
    )
    way, lo, hi, _settings = cursor.fetchone()
    return replace(scope, moment_ids=(lo, hi)) if way == "bounded" else scope


# Whether every raw table a roll-up reads is below the size at which PostgreSQL considers
# reading a table in parallel (min_parallel_table_scan_size, 8 MB by default): a short
# history, a test's world. A range's grouping then runs in one process whatever the
# statement, so the temporary table that lets it run in parallel (`_write`) buys nothing
# and costs more than the grouping (creating and dropping it, ten times per range).
RAW_TABLES = [
    "touchpoints_moment",
    "touchpoints_need",
    "touchpoints_remedy",
    "feedback_invitation",
    "feedback_answer",
    "feedback_recovery",
    "feedback_answertheme",
    "feedback_momenttheme",
]
SERIAL_READ = (
    "GREATEST("
    + ", ".join(f"pg_relation_size('{table}')" for table in RAW_TABLES)
    + ") < pg_size_bytes(current_setting('min_parallel_table_scan_size'))"
)

CHOOSE_READ = """
    WITH moments AS (
        SELECT COUNT(*) AS n, MIN(id) AS lo, MAX(id) AS hi FROM touchpoints_moment
        WHERE {where}
    ), read AS (
        SELECT CASE WHEN hi - lo + 1 <= %s * n THEN 'bounded' ELSE 'probes' END AS way, lo, hi
        FROM moments
    )
    SELECT read.way, read.lo, read.hi, array_agg(set_config(name, value, true))
    FROM read JOIN (VALUES {settings}) AS s (way, name, value) ON s.way IN ('always', read.way)
    GROUP BY read.way, read.lo, read.hi
"""


def _swap_config(cursor, settings: dict[str, str]) -> dict[str, str]:
    """SET LOCAL each of `settings`, in one statement; returns the values they replace."""
    cursor.execute(
        "SELECT name, current_setting(name), set_config(name, value, true)"
        f" FROM (VALUES {', '.join(['(%s, %s)'] * len(settings))}) AS s (name, value)",
        [value for pair in settings.items() for value in pair],
    )
    return {name: old for name, old, _ in cursor.fetchall()}


def _set_config(cursor, settings: dict[str, str]) -> None:
    """SET LOCAL each of `settings`, in one statement."""
    cursor.execute(
        "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(settings)),
        [value for pair in settings.items() for value in pair],
    )


def _lock_locations(cursor, location_ids: tuple[int, ...]) -> None:
    """Wait until no other roll-up works on these locations, then keep them to ourselves
    until commit, so that a slower run that read the raw rows earlier can never overwrite
    a newer result. Locks are taken in id order, so two runs never wait in a circle.
    SQLite needs none: its IMMEDIATE transactions already let one writer in at a time."""
    if connection.vendor != "postgresql" or not location_ids:
        return
    cursor.execute(
        "SELECT pg_advisory_xact_lock(%s::int, id)"
        " FROM (SELECT unnest(%s::int[]) AS id ORDER BY 1) AS ordered",
        [LOCK_NAMESPACE, list(location_ids)],
    )


def _try_lock_locations(cursor, location_ids: set[int]) -> dict[int, date | None]:
    """The locations no other roll-up is working on, locked for us until commit, each with
    its sealed boundary (None: none), read in the same statement under the lock."""
    if connection.vendor != "postgresql" or not location_ids:
        final = sealed_before(location_ids)
        return {location_id: final.get(location_id) for location_id in location_ids}
    cursor.execute(
        "SELECT id, (SELECT final_before FROM dashboards_rollupseal WHERE location_id = id)"
        " FROM unnest(%s::int[]) AS id WHERE pg_try_advisory_xact_lock(%s::int, id)",
        [sorted(location_ids), LOCK_NAMESPACE],
    )
    return dict(cursor.fetchall())


def rebuild_buckets(
    buckets: Iterable[Bucket], after_writes: Callable[[], None] | None = None
) -> int:
    """Recompute the given buckets, `BATCH_SIZE` per transaction; returns how many.

    Never waits: a location that another roll-up is working on (a backfill, say) is left
    marked dirty, and a later beat run takes it, instead of a worker idling on the lock.
    """
    buckets = sorted(set(buckets))
    apply_changes({location_id for location_id, _ in buckets})
    done = 0
    for start in range(0, len(buckets), BATCH_SIZE):
        batch = buckets[start : start + BATCH_SIZE]
        with transaction.atomic(), connection.cursor() as cursor:
            free = _try_lock_locations(cursor, {location_id for location_id, _ in batch})
            mine = _drop_sealed([bucket for bucket in batch if bucket[0] in free], free)
            _leave_dirty([bucket for bucket in batch if bucket[0] not in free])
            if mine:
                _rebuild(cursor, buckets_scope(mine), after_writes)
        done += len(mine)
    return done


def _leave_dirty(buckets: list[Bucket]) -> None:
    """Mark the buckets to be recomputed whole by a later sweep."""
    now = timezone.now()
    DirtyDay.objects.bulk_create(
        [
            DirtyDay(location_id=loc, local_date=day, marked_at=now, whole=True)
            for loc, day in buckets
        ],
        update_conflicts=True,
        unique_fields=["location", "local_date"],
        update_fields=["whole"],
    )


def rebuild_dirty(limit: int = 5000, location_ids: Iterable[int] | None = None) -> int:
    """Beat's sweep of the given locations or all: on PostgreSQL their journaled changes
    and the buckets marked whole (`roll_up_changes`); on SQLite the buckets marked dirty,
    recomputed, oldest first. Returns how many marks it covered."""
    if connection.vendor == "postgresql":
        return roll_up_changes(dirty_locations() if location_ids is None else location_ids)
    marks = DirtyDay.objects.order_by("marked_at")
    if location_ids is not None:
        marks = marks.filter(location_id__in=list(location_ids))
    return rebuild_buckets(list(marks.values_list("location_id", "local_date")[:limit]))


def roll_up_day(location_id: int, day: date) -> int:
    """The prompt roll-up a save asks for: on PostgreSQL its location's journaled changes
    (its day's among them); on SQLite the day, recomputed."""
    if connection.vendor == "postgresql":
        return roll_up_changes([location_id])
    return rebuild_buckets([(location_id, day)])


DIRTY_LOCATIONS = """
    SELECT location_id FROM touchpoints_dirtyday
    UNION SELECT location_id FROM dashboards_momentjournal
    UNION SELECT location_id FROM dashboards_needjournal
    ORDER BY 1
"""


def dirty_locations() -> list[int]:
    """The locations that have a bucket marked dirty (or, on PostgreSQL, a journaled
    change), in id order."""
    if connection.vendor != "postgresql":
        marks = DirtyDay.objects.order_by("location_id").distinct()
        return list(marks.values_list("location_id", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(DIRTY_LOCATIONS)
        return [row[0] for row in cursor.fetchall()]


def rebuild_range(
    since: date,
    until: date,
    location_ids: Iterable[int] | None = None,
    chunk_days: int = RANGE_CHUNK_DAYS,
    progress: Callable[[date], None] | None = None,
) -> int:
    """Rebuild every bucket from `since` to `until`, `chunk_days` local days per transaction.

    Safe while the app is live: each chunk waits for the locations' running roll-ups, is
    one transaction, and leaves dirty what was saved meanwhile. Returns the number of chunks;
    `progress` is called with the last day of each chunk once it is committed.
    """
    if location_ids is None:
        location_ids = Location.objects.values_list("pk", flat=True)
    ids = tuple(sorted(set(location_ids)))
    apply_changes(ids)
    chunks, first = 0, since
    while first <= until:
        last = min(first + timedelta(days=chunk_days - 1), until)
        with transaction.atomic(), connection.cursor() as cursor:
            _lock_locations(cursor, ids)
            # Under the locks: a boundary moved meanwhile is seen (see `seal`).
            _rebuild(cursor, range_scope(first, last, ids))
        chunks += 1
        if progress is not None:
            progress(last)
        first = last + timedelta(days=1)
    return chunks


def resum_coarser_days(since: date, until: date, location_ids: Iterable[int] | None = None) -> None:
    """Rewrite the coarser roll-ups from DailyRollup and NeedRollup alone, from `since` to
    `until`: for rows written some other way than by this module (the benchmarks fill them
    in SQL). One transaction, holding the locations' roll-up locks."""
    scope = range_scope(since, until, location_ids)
    rolled_at = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        scope = _plan_for_roll_ups(cursor, scope)
        _lock_locations(cursor, scope.location_ids)
        for table in COARSER_TABLES:
            _write(cursor, table, scope, rolled_at)
        RollupGeneration.renew(scope.location_ids)


def recent_days(days: int = RECONCILE_DAYS) -> tuple[date, date] | None:
    """The local days that a reconciliation covers: the last `days` of every location, whose
    todays differ by time zone (None: there are no locations)."""
    todays = [location.today() for location in Location.objects.all()]
    if not todays:
        return None
    return min(todays) - timedelta(days=days - 1), max(todays)


def rebuild_recent(days: int = RECONCILE_DAYS) -> int:
    """Reconcile the last `days` local days of every location, whatever is marked."""
    window = recent_days(days)
    if window is None:
        return 0
    return rebuild_range(*window, chunk_days=days)


def reconcile(since: date, until: date, location_ids: Iterable[int]) -> int:
    """Rebuild the locations' buckets from `since` to `until` from the raw rows, whatever is
    marked, in one transaction; returns how many locations it rebuilt.

    A group's part of the reconciliation, beside the other groups' on other workers. Never
    waits: the days of a location that another roll-up is working on are marked dirty
    instead, after the commit (holding no locks meanwhile), and the sweep recomputes them
    from the raw rows just the same.
    """
    wanted = set(location_ids)
    apply_changes(wanted)
    with transaction.atomic(), connection.cursor() as cursor:
        free = set(_try_lock_locations(cursor, wanted))
        if free:
            # Under the locks: a boundary moved meanwhile is seen (see `seal`).
            _rebuild(cursor, range_scope(since, until, free))
    days = [since + timedelta(days=n) for n in range((until - since).days + 1)]
    _leave_dirty([(location_id, day) for location_id in sorted(wanted - free) for day in days])
    return len(free)
