"""SAS-shaped data for benchmarks, generated inside PostgreSQL.

About 50 million moments a year: 137,000 a day over 48 stations in nine time zones, the
three hubs busiest. A third of the moments get an invitation, a fifth an answer (some of
them days late), every low answer a recovery that is usually closed, and about one need per
hundred moments. Rows are made by `generate_series` in SQL, a day per statement, into
tables stripped of their secondary indexes and constraints, which are rebuilt at the end as
the migrations made them: ten million moments take about three minutes, fifty million
(a year) about eighteen, rather than an hour and five. The random generator is seeded, so
two runs make the same data.

Run on its own to (re)build the data set:

    .venv/bin/python bench/sas_data.py --days 73               # ten million moments
    .venv/bin/python bench/sas_data.py --days 3 --scale 10     # ten times SAS's daily volume
"""

import argparse
import base64
import os
import secrets
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/moments_bench"
)
MOMENTS_PER_DAY = 137_000
FIRST_DAY = date(2026, 2, 1)  # 73 days from here cross the European change to summer time

# code: (time zone, weight). The hubs carry most of the traffic.
STATIONS = {
    "ARN": ("Europe/Stockholm", 12), "CPH": ("Europe/Copenhagen", 14),
    "OSL": ("Europe/Oslo", 12), "GOT": ("Europe/Stockholm", 3), "BGO": ("Europe/Oslo", 3),
    "TRD": ("Europe/Oslo", 2), "SVG": ("Europe/Oslo", 2), "BLL": ("Europe/Copenhagen", 1),
    "AAL": ("Europe/Copenhagen", 1), "HEL": ("Europe/Helsinki", 2), "TOS": ("Europe/Oslo", 1),
    "BOO": ("Europe/Oslo", 1), "LLA": ("Europe/Stockholm", 1), "UME": ("Europe/Stockholm", 1),
    "KRN": ("Europe/Stockholm", 1), "EVE": ("Europe/Oslo", 1), "MMX": ("Europe/Stockholm", 1),
    "VBY": ("Europe/Stockholm", 1), "KEF": ("Atlantic/Reykjavik", 1), "LHR": ("Europe/London", 2),
    "MAN": ("Europe/London", 1), "DUB": ("Europe/Dublin", 1), "CDG": ("Europe/Paris", 2),
    "AMS": ("Europe/Amsterdam", 1), "BRU": ("Europe/Brussels", 1), "FRA": ("Europe/Berlin", 2),
    "MUC": ("Europe/Berlin", 1), "HAM": ("Europe/Berlin", 1), "BER": ("Europe/Berlin", 1),
    "ZRH": ("Europe/Zurich", 1), "GVA": ("Europe/Zurich", 1), "VIE": ("Europe/Vienna", 1),
    "WAW": ("Europe/Warsaw", 1), "GDN": ("Europe/Warsaw", 1), "RIX": ("Europe/Riga", 1),
    "VNO": ("Europe/Vilnius", 1), "TLL": ("Europe/Tallinn", 1), "BCN": ("Europe/Madrid", 1),
    "AGP": ("Europe/Madrid", 1), "ALC": ("Europe/Madrid", 1), "NCE": ("Europe/Paris", 1),
    "FCO": ("Europe/Rome", 1), "ATH": ("Europe/Athens", 1), "EWR": ("America/New_York", 1),
    "ORD": ("America/Chicago", 1), "LAX": ("America/Los_Angeles", 1),
    "MIA": ("America/New_York", 1), "NRT": ("Asia/Tokyo", 1),
}  # fmt: skip
# team: its touchpoint types
TEAMS = {
    "Check-in & bag drop": ["Check-in desk", "Kiosk help", "Bag drop", "Booking change"],
    "Gate & boarding": ["Gate service", "Boarding", "Security"],
    "Arrivals & baggage": ["Arrival", "Baggage claim", "Lost baggage desk"],
    "Service centre": ["Phone call", "Chat", "Email"],
}
NEED_KINDS = ["training", "tool", "authority", "information", "staffing", "other"]


def use_bench_database(url: str = BENCH_DATABASE_URL) -> None:
    """Point Django at the benchmark database, creating it if needed, and migrate."""
    import psycopg

    name = urlparse(url).path.lstrip("/")
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Production settings, so throwaway keys: DEBUG off refuses to start without real ones.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("CUSTOMER_REF_KEY", secrets.token_urlsafe(50))
    fernet_key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    os.environ.setdefault("CONTACT_KEYS", fernet_key)
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def moment_count() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE relname = 'touchpoints_moment'"
        )
        estimate = cursor.fetchone()[0]
        if estimate > 0:
            return estimate
        cursor.execute("SELECT COUNT(*) FROM touchpoints_moment")
        return cursor.fetchone()[0]


def generate(days: int, first_day: date = FIRST_DAY, per_day: int = MOMENTS_PER_DAY) -> None:
    """Replace every moment with `days` days of SAS-shaped traffic from `first_day`,
    `per_day` moments a day."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        _empty(cursor)
        _create_organisation(cursor)
        _drop_secondary_indexes(cursor)
        cursor.execute("SET session_replication_role = replica")  # no FK triggers while loading
        cursor.execute("SELECT setseed(0.2026)")
        for n in range(days):
            day = datetime(*(first_day + timedelta(days=n)).timetuple()[:3])
            cursor.execute(ADD_DAY, {"day": day, "count": per_day})
            cursor.execute(ADD_NEEDS, {"day": day, "count": per_day // 100})
            _progress(n + 1, days, per_day, started)
        cursor.execute("SET session_replication_role = origin")
        print(file=sys.stderr)
        print(f"  loaded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        restore_secondary_indexes(cursor)
        print(
            f"  indexes and constraints rebuilt at {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
    # Statistics and the visibility map as a live database has them once autovacuum has
    # been by (and a server may run with autovacuum off): plans are measured on facts.
    connection.close()
    with connection.cursor() as cursor:  # VACUUM refuses to run inside a transaction
        cursor.execute("VACUUM (ANALYZE)")
    print(file=sys.stderr)


# The tables a day of traffic fills. Their secondary indexes and constraints (unique keys,
# foreign keys; random uuids and tokens the worst) cost most of a generated day when kept up
# row by row, so they are dropped before loading and rebuilt afterwards, each in one sorted
# pass, from the definitions PostgreSQL gave for them: the schema ends as the migrations
# made it. The primary keys stay (ids ascend, so they only append). The definitions are kept
# in a table until restored, so a load that was stopped halfway restores them next time.
# (Needs, a hundredth of the rows, keep theirs: a partial index made again from its
# definition reads back in other words, and its build would save nothing.)
LOADED_TABLES = [
    "touchpoints_moment", "feedback_invitation", "feedback_answer", "feedback_recovery"
]  # fmt: skip
MAINTENANCE_WORK_MEM = "1GB"  # per index build: sorts in memory, not in temporary files

SAVE_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS bench_dropped_schema (n serial, kind text, tbl text,"
    " name text, definition text)",
    # Unique keys before the foreign keys that may need them, then the plain indexes.
    """INSERT INTO bench_dropped_schema (kind, tbl, name, definition)
    SELECT kind, tbl, name, definition FROM (
        SELECT 'constraint' AS kind, conrelid::regclass::text AS tbl, conname AS name,
            pg_get_constraintdef(oid) AS definition, contype = 'f' AS later
        FROM pg_constraint
        WHERE conrelid::regclass::text = ANY(%(tables)s) AND contype IN ('u', 'f')
        UNION ALL
        SELECT 'index', tablename, indexname, indexdef, true FROM pg_indexes
        WHERE tablename = ANY(%(tables)s) AND schemaname = 'public'
            AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))
    ) AS s
    WHERE NOT EXISTS (SELECT 1 FROM bench_dropped_schema)
    ORDER BY kind, later, name""",
]


def _drop_secondary_indexes(cursor) -> None:
    for statement in SAVE_SCHEMA:
        cursor.execute(statement, {"tables": LOADED_TABLES})
    cursor.execute("SELECT kind, tbl, name FROM bench_dropped_schema ORDER BY n")
    for kind, table, name in cursor.fetchall():
        if kind == "constraint":
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT IF EXISTS "{name}"')
        else:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


def restore_secondary_indexes(cursor) -> None:
    """Recreate what `_drop_secondary_indexes` dropped, if anything is still missing."""
    cursor.execute("SELECT to_regclass('bench_dropped_schema') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return
    cursor.execute(f"SET maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
    cursor.execute("SELECT n, kind, tbl, name, definition FROM bench_dropped_schema ORDER BY n")
    for n, kind, table, name, definition in cursor.fetchall():
        if kind == "constraint":
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        else:
            cursor.execute(definition)
        cursor.execute("DELETE FROM bench_dropped_schema WHERE n = %s", [n])
    cursor.execute("DROP TABLE bench_dropped_schema")
    cursor.execute("RESET maintenance_work_mem")


def ensure_statistics() -> None:
    """Put back any index a stopped load left out, and ANALYZE the tables the roll-up reads
    if they were never analysed (a database filled by hand, or by an older version of this
    script, on a server without autovacuum)."""
    from django.db import connection

    with connection.cursor() as cursor:
        restore_secondary_indexes(cursor)  # after a load that was stopped halfway
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(%s)"
            " AND last_analyze IS NULL AND last_autoanalyze IS NULL",
            [ANALYSED_TABLES],
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f"ANALYZE {table}")


ANALYSED_TABLES = [
    "touchpoints_moment", "feedback_invitation", "feedback_answer", "feedback_recovery",
    "touchpoints_need", "touchpoints_location",
]  # fmt: skip


def _progress(done: int, total: int, per_day: int, started: float) -> None:
    seconds = time.perf_counter() - started
    print(
        f"\r  day {done}/{total}: {done * per_day:,} moments in {seconds:.0f} s",
        end="",
        file=sys.stderr,
        flush=True,
    )


def _empty(cursor) -> None:
    cursor.execute(
        "TRUNCATE dashboards_dailyrollup, dashboards_needrollup, feedback_recovery,"
        " feedback_answer, feedback_invitation, touchpoints_need, touchpoints_dirtyday,"
        " touchpoints_moment, touchpoints_touchpointtype, touchpoints_journeystage,"
        " touchpoints_user, touchpoints_team, touchpoints_location, touchpoints_remedy,"
        " touchpoints_remedykind, dashboards_remedyrollup, dashboards_lowmomentrollup,"
        " dashboards_momentjournal, dashboards_needjournal, dashboards_dailypreimage,"
        " dashboards_themepreimage, dashboards_notethemepreimage, dashboards_remedypreimage,"
        " dashboards_lowmomentpreimage, dashboards_needpreimage CASCADE"
    )


def _create_organisation(cursor) -> None:
    """Stations, four teams each with one person to log as, and the touchpoint types."""
    now = datetime.now().astimezone()
    cursor.execute("INSERT INTO touchpoints_journeystage (name, \"order\") VALUES ('Journey', 1)")
    for name in [t for types in TEAMS.values() for t in types]:
        cursor.execute(
            'INSERT INTO touchpoints_touchpointtype (name, stage_id, "order", icon, colour,'
            " channels, asks_nps, asks_effort, active) SELECT %s, id, 0, '', '#0b4f8a',"
            " '[]', true, false, true FROM touchpoints_journeystage",
            [name],
        )
    for code, (tz, _weight) in STATIONS.items():
        cursor.execute(
            "INSERT INTO touchpoints_location (name, code, timezone, currency, active)"
            " VALUES (%s, %s, %s, 'SEK', true)",
            [code, code, tz],
        )
        for team in TEAMS:
            cursor.execute(
                "WITH t AS (INSERT INTO touchpoints_team (name, location_id, active)"
                " SELECT %s, id, true FROM touchpoints_location WHERE code = %s RETURNING id)"
                " INSERT INTO touchpoints_user (password, is_superuser, username, first_name,"
                " last_name, email, is_staff, is_active, date_joined, team_id, badge, pin,"
                " pin_fingerprint, language)"
                " SELECT '!', false, %s || '.' || t.id, '', '', '', false, true, %s, t.id,"
                " '', '', '', '' FROM t",
                [team, code, code.lower(), now],
            )
    cursor.execute(
        'INSERT INTO touchpoints_remedykind (name, name_en, icon, "order", active)'
        " VALUES ('Meal voucher', 'Meal voucher', 'utensils', 0, true)"
    )
    # One row per unit of weight, so picking a row at random picks busy stations more often.
    cursor.execute(BENCH_TEAMS)


BENCH_TEAMS = """
    DROP TABLE IF EXISTS bench_team;
    CREATE TABLE bench_team AS
    SELECT (row_number() OVER (ORDER BY t.id, w) - 1)::int AS slot, t.id AS team_id,
        t.location_id, l.timezone AS tz, u.id AS staff_id,
        (SELECT array_agg(tt.id) FROM touchpoints_touchpointtype tt
         WHERE tt.name = ANY(CASE t.name {cases} END)) AS type_ids
    FROM touchpoints_team t
    JOIN touchpoints_location l ON l.id = t.location_id
    JOIN touchpoints_user u ON u.team_id = t.id
    JOIN (VALUES {weights}) AS s(code, weight) ON s.code = l.code
    CROSS JOIN LATERAL generate_series(1, s.weight) AS w;
    CREATE UNIQUE INDEX ON bench_team (slot);
""".format(
    cases=" ".join(f"WHEN '{team}' THEN ARRAY{types!r}::text[]" for team, types in TEAMS.items()),
    weights=", ".join(f"('{code}', {weight})" for code, (_tz, weight) in STATIONS.items()),
)

# One UTC day of moments, with their invitations, answers and recoveries, in one statement.
# Staff outcomes lean good; customers mostly agree, and sometimes see it quite differently.
ADD_DAY = """
WITH picked AS (
    SELECT t.*, random() AS r, random() AS r2, random() AS r3,
        %(day)s::timestamp AT TIME ZONE 'UTC' + random() * interval '1 day' AS occurred_at
    FROM (SELECT floor(random() * (SELECT count(*) FROM bench_team))::int AS slot
          FROM generate_series(1, %(count)s)) AS g
    JOIN bench_team t USING (slot)
), m AS (
    INSERT INTO touchpoints_moment (uuid, staff_id, team_id, location_id, touchpoint_type_id,
        channel, outcome, resolved_on_spot, note, extra, customer_ref_hash, occurred_at,
        local_date, created_at, updated_at)
    SELECT gen_random_uuid(), staff_id, team_id, location_id,
        type_ids[1 + floor(r * cardinality(type_ids))::int],
        CASE WHEN r2 < 0.85 THEN 'in_person' WHEN r2 < 0.93 THEN 'phone'
             WHEN r2 < 0.98 THEN 'chat' ELSE 'email' END,
        CASE WHEN r3 < 0.04 THEN 1 WHEN r3 < 0.12 THEN 2 WHEN r3 < 0.30 THEN 3
             WHEN r3 < 0.70 THEN 4 ELSE 5 END,
        CASE WHEN random() >= 0.05 THEN random() < 0.8 END, '', '{}', '',  -- 1 in 20 not recorded
        occurred_at, (occurred_at AT TIME ZONE tz)::date, occurred_at, occurred_at
    FROM picked
    RETURNING id, team_id, outcome, occurred_at, staff_id, location_id, local_date
), remedies AS (  -- one moment in twenty gets a remedy, most of them the low ones
    INSERT INTO touchpoints_remedy (uuid, moment_id, kind_id, given_by_id, team_id, location_id,
        amount, currency, over_limit, reason, given_at, given_on, local_date)
    SELECT gen_random_uuid(), id, (SELECT min(id) FROM touchpoints_remedykind), staff_id,
        team_id, location_id, 150, 'SEK', false, '', occurred_at + interval '2 minutes',
        local_date, local_date
    FROM m WHERE random() < CASE WHEN outcome <= 2 THEN 0.3 ELSE 0.015 END  -- 5 %
), i AS (
    INSERT INTO feedback_invitation (moment_id, token, created_at, expires_at)
    SELECT id, md5(id::text), occurred_at, occurred_at + interval '7 days'
    FROM m WHERE random() < 0.35
    RETURNING id, moment_id, created_at
), scored AS (
    SELECT i.id AS invitation_id, m.team_id,
        i.created_at + random() * random() * interval '4 days' AS answered_at,
        greatest(1, least(5, m.outcome + floor(random() * 3)::int - 1
            - (random() < 0.1)::int * 2)) AS csat,
        random() < 0.7 AS asked_nps,
        CASE WHEN random() < 0.3 THEN 1 + floor(random() * 7)::int END AS effort
    FROM i JOIN m ON m.id = i.moment_id
    WHERE random() < 0.57
), a AS (
    INSERT INTO feedback_answer (invitation_id, csat, nps, effort, comment, language, is_low,
        answered_at)
    SELECT invitation_id, csat, nps, effort, '', '', csat <= 2 OR coalesce(nps <= 6, false),
        answered_at
    FROM (SELECT *, CASE WHEN asked_nps THEN least(10, 2 * csat - 1 + floor(random() * 3)::int)
          END AS nps FROM scored) AS s
    RETURNING id, invitation_id, is_low, answered_at, csat, nps
)
INSERT INTO feedback_recovery (answer_id, team_id, opened_at, action, note, result,
    closed_at, seconds_to_recover, reason, closed_late)
SELECT a.id, s.team_id, a.answered_at, '', '', '', closed_at,
    extract(epoch FROM closed_at - a.answered_at)::int,
    CASE WHEN a.csat > 2 THEN 'recommend' WHEN a.nps <= 6 THEN 'both' ELSE 'satisfaction' END,
    false
FROM a JOIN scored s USING (invitation_id)
CROSS JOIN LATERAL (SELECT CASE WHEN random() < 0.8
    THEN a.answered_at + random() * interval '30 hours' END AS closed_at) AS c
WHERE a.is_low
"""

ADD_NEEDS = """
INSERT INTO touchpoints_need (raised_by_id, team_id, location_id, kind, note, raised_at,
    local_date, status, answer, seconds_to_provide)
SELECT staff_id, team_id, location_id, kinds[1 + floor(random() * 6)::int], '', raised_at,
    (raised_at AT TIME ZONE tz)::date, status, '',
    CASE WHEN status = 'provided' THEN 3600 + floor(random() * 400000)::int END
FROM (
    SELECT t.*, %(day)s::timestamp AT TIME ZONE 'UTC' + random() * interval '1 day' AS raised_at,
        (ARRAY['open', 'acknowledged', 'provided', 'provided', 'declined'])
            [1 + floor(random() * 5)::int] AS status,
        ARRAY{kinds!r}::text[] AS kinds
    FROM (SELECT floor(random() * (SELECT count(*) FROM bench_team))::int AS slot
          FROM generate_series(1, %(count)s)) AS g
    JOIN bench_team t USING (slot)
) AS n
""".replace("{kinds!r}", repr(NEED_KINDS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=73, help="days of traffic (73 = 10 M)")
    parser.add_argument("--scale", type=float, default=1, help="times SAS's 137,000 a day")
    args = parser.parse_args()
    use_bench_database()
    generate(args.days, per_day=int(args.scale * MOMENTS_PER_DAY))
    print(f"{moment_count():,} moments in {BENCH_DATABASE_URL}")


if __name__ == "__main__":
    main()
