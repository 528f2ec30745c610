"""Adding what changed: the sweep's incremental path, on PostgreSQL.

Triggers journal every moment (and need) whose raw rows change, with its contribution to
each roll-up as it was counted: its pre-image (dashboards/journal.py). The sweep of some
locations, inside the transaction that holds their roll-up locks:

1. takes their journal rows: one DELETE of at most `TAKE_LIMIT`, taken in turns over the
   locations (each one's first row, then each one's second …), so that a flood at one
   location (late answers for an old day) never holds back another's changes behind it:
   those go in the first transaction, the flood's rest in the next ones. A writer that
   touched one of those moments holds its journal row until it commits (FOR SHARE), and
   the DELETE passes that row by (SKIP LOCKED) for a later sweep: so it never waits for
   a writer, and a writer and a sweep never wait for each other in a circle. A writer
   that touches a taken moment afterwards waits on the deleted row's key until the sweep
   commits, then journals the moment afresh, with what the sweep counted as its pre-image;
2. only then, in later statements (which see every change committed to those moments),
   computes the taken moments' contributions from the raw rows, minus their pre-images,
   summed per roll-up key: the difference, 0 for a moment nothing changed in;
3. adds it to the roll-up rows (and to the coarser ones, summed the same way), removes the
   rows whose counts fell to nothing, and drops the pre-images.

So its cost follows the moments taken, not the size of their days. A day before its
location's seal takes no difference: its figures are final (RollupSeal). A bucket whose
rows would fall below zero (roll-ups never built, or changed by hand) is handed back to be
recomputed whole from the raw rows instead. A taken moment whose rows lie at a location
this sweep does not hold (moved there) is held too, or, when another roll-up holds it,
put back in the journal for a later sweep. docs/scaling.md, "Cost follows what changed".
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

# Journal rows taken per transaction: a flood of late answers is added in several, each
# also taking the other locations' changes first (`TAKE`, in turns over the locations).
TAKE_LIMIT = 50_000
# Each taken moment is read through its one-to-one indexes (nested loops), never by
# hashing a whole feedback table: the journal holds few moments next to a day.
DELTA_SETTINGS = {"enable_nestloop": "on", "enable_hashjoin": "off", "enable_mergejoin": "off"}

# The sweep's working tables (the moments taken, the differences, the buckets that would
# fall below zero) live as long as the database session: created by its first sweep, and
# emptied when each transaction that used them commits (ON COMMIT DELETE ROWS, a truncation
# in place), and by each sweep before it fills them (a sweep inside a longer transaction, a
# test's, follows another). Creating and dropping 13 temporary tables per sweep was most
# of a small sweep's cost: the catalogue rows of each table, its row type and its columns
# written and deleted again.
WORKING_TABLE = "CREATE TEMPORARY TABLE IF NOT EXISTS {name} {definition} ON COMMIT DELETE ROWS"


def _working_table(name: str, definition: str) -> list[str]:
    """The statements that give this session the empty working table `name`."""
    return [WORKING_TABLE.format(name=name, definition=definition), f"DELETE FROM {name}"]


def _working_table_as(name: str, select: str) -> list[str]:
    """The same, with the columns of `select`, filled with its rows."""
    create = f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} ON COMMIT DELETE ROWS AS {select}"
    return [f"{create} WITH NO DATA", f"DELETE FROM {name}", f"INSERT INTO {name} {select}"]


TAKE = """
    {create};
    WITH taken AS (
        DELETE FROM {journal} WHERE {key} IN (
            SELECT {key} FROM {journal} WHERE {key} IN (
                SELECT own.{key} FROM unnest({held}) AS held (id), LATERAL (
                    SELECT {key}, row_number() OVER (ORDER BY {key}) AS turn FROM (
                        SELECT {key} FROM {journal} WHERE location_id = held.id
                        ORDER BY {key} LIMIT {limit}
                    ) AS first
                ) AS own
                ORDER BY own.turn, own.{key} LIMIT {limit}
            )
            ORDER BY {key} FOR UPDATE SKIP LOCKED
        ) RETURNING {key}, location_id
    )
    INSERT INTO {taken} SELECT {key}, location_id FROM taken;
    ANALYZE {taken}
"""


@dataclass
class Applied:
    taken: int  # journal rows taken
    locations: set[int]  # locations whose roll-ups it changed or may have
    recompute: set[tuple[int, date]]  # buckets to recompute whole (would fall below zero)


# The statements go to the database a batch at a time, without parameters (a batch of
# several statements cannot take any): the values in them are this module's own, ids and
# the roll-up time, written as literals. A sweep is then a fixed few round trips.
def apply_journal(
    cursor,
    location_ids: Iterable[int],
    tables: list,
    coarser: list,
    try_lock: Callable[[set[int]], set[int]],
    rolled_at,
    after_taking: Callable[[], None] | None = None,
) -> Applied:
    """Take the journal rows of `location_ids` (locked by the caller) and add their
    differences to `tables` and `coarser`; `try_lock` locks other locations a taken moment
    lies at, returning those it could."""
    finer = [table for table in tables if table.journal is not None]
    journals = sorted({table.journal for table in finer}, key=lambda journal: journal.table)
    held = sorted(set(location_ids))
    taken = _take(cursor, journals, held)
    if after_taking is not None:
        after_taking()  # a seam for tests that land a write mid-sweep
    if not taken:
        return Applied(0, set(), set())
    touched, previous = _touched_locations(cursor, finer)
    extra = touched - set(held)
    locked = try_lock(extra) if extra else set()
    if extra - locked:
        _put_back(cursor, finer, extra - locked)
    at = _timestamp(rolled_at)
    bad = _batch(
        cursor,
        [
            _settings(DELTA_SETTINGS),
            *(statement for table in finer for statement in _difference(table, at)),
            *(statement for table in coarser for statement in _summed_difference(table)),
            *_below_zero([*finer, *coarser]),
        ],
    )
    _batch(
        cursor,
        [
            *(_add(table, at) for table in [*finer, *coarser]),
            *(
                f"DELETE FROM {t.pre_image} WHERE {t.journal.key} IN"
                f" (SELECT id FROM {t.journal.taken})"
                for t in finer
            ),
            _settings(previous),
        ],
    )
    return Applied(taken, set(held) | locked, set(bad))


def _batch(cursor, statements: list[str]) -> list[tuple]:
    """Run the statements in one round trip; the rows of the last one (if it has any)."""
    cursor.execute(";\n".join(statements))
    while cursor.nextset():
        pass
    return cursor.fetchall() if cursor.description else []


def _ids(ids: Iterable[int]) -> str:
    return f"ARRAY[{', '.join(str(int(i)) for i in ids)}]::bigint[]"


def _timestamp(moment) -> str:
    return f"'{moment.isoformat()}'::timestamptz"


def _take(cursor, journals: list, held: list[int]) -> int:
    """Take the journal rows of the held locations (see the module); how many."""
    counts = " + ".join(f"(SELECT COUNT(*) FROM {journal.taken})" for journal in journals)
    takes = [
        TAKE.format(
            create=";\n".join(
                _working_table(journal.taken, "(id bigint PRIMARY KEY, location_id bigint)")
            ),
            journal=journal.table,
            key=journal.key,
            taken=journal.taken,
            held=_ids(held),
            limit=TAKE_LIMIT,
        )
        for journal in journals
    ]
    return _batch(cursor, [*takes, f"SELECT {counts}"])[0][0]


def _touched_locations(cursor, tables: list) -> tuple[set[int], dict]:
    """Every location the taken moments' rows lie at, now or as counted, and the planner
    settings this sweep changes, as they are. Read after the take: none of those moments
    can change until this transaction ends."""
    parts = [part for table in tables for part in _locations_of(table).split(" UNION ")]
    locations = " UNION ".join(dict.fromkeys(parts))  # the moments once, not per table
    settings = ", ".join(f"current_setting('{name}')" for name in DELTA_SETTINGS)
    cursor.execute(f"SELECT ARRAY({locations}), {settings}")
    found, *values = cursor.fetchone()
    return set(found), dict(zip(DELTA_SETTINGS, values, strict=True))


RAW_TABLES = {"m": "touchpoints_moment", "x": "touchpoints_remedy", "n": "touchpoints_need"}


def _locations_of(table, busy: str = "") -> str:
    """The locations of `table`'s rows for the taken rows, now and as counted; with `busy`
    (an array): the taken ids with a row at one of those."""
    alias, column = table.journaled.split(".")
    taken, key = table.journal.taken, table.journal.key
    if busy:
        return (
            f"SELECT {alias}.{column} FROM {RAW_TABLES[alias]} {alias}"
            f" WHERE {alias}.{column} IN (SELECT id FROM {taken})"
            f" AND {alias}.location_id = ANY({busy})"
            f" UNION SELECT p.{key} FROM {table.pre_image} p"
            f" WHERE p.{key} IN (SELECT id FROM {taken}) AND p.location_id = ANY({busy})"
        )
    # Where they lie now: the moments (or needs) themselves, and remedies, which keep a
    # location of their own; the rows of the other roll-ups lie at their moment's.
    now = (
        f"SELECT {alias}.location_id FROM {RAW_TABLES[alias]} {alias}"
        f" WHERE {alias}.{column} IN (SELECT id FROM {taken})"
    )
    return (
        f"{now} UNION SELECT p.location_id FROM {table.pre_image} p"
        f" WHERE p.{key} IN (SELECT id FROM {taken})"
    )


def _put_back(cursor, tables: list, busy: set[int]) -> None:
    """Leave the taken moments with a row at a `busy` location to a later sweep: back into
    the journal, their pre-images kept."""
    statements = []
    for journal in sorted({t.journal for t in tables}, key=lambda journal: journal.table):
        ids = " UNION ".join(_locations_of(t, _ids(busy)) for t in tables if t.journal == journal)
        statements += [
            f"INSERT INTO {journal.table} ({journal.key}, location_id)"
            f" SELECT id, location_id FROM {journal.taken} WHERE id IN ({ids})",
            f"DELETE FROM {journal.taken} WHERE id IN ({ids})",
        ]
    _batch(cursor, statements)


def _difference(table, at: str) -> list[str]:
    """delta_<table>: the taken moments' rows now minus their pre-images, per key, without
    sealed days and without keys whose difference is nothing."""
    keys, taken = ", ".join(table.key), table.journal.taken
    new = table.select.format(where=f"{table.journaled} IN (SELECT id FROM {taken})")
    new = new.replace("%s", at)
    columns = ", ".join(table.columns)
    return _working_table_as(
        f"delta_{table.name}",
        f"""
        SELECT {keys}, {", ".join(f"SUM({c}) AS {c}" for c in table.columns)}
        FROM (
            SELECT {keys}, {columns} FROM ({new}) AS n ({keys}, {columns}, rolled_at)
            UNION ALL
            SELECT {keys}, {", ".join(f"-{c}" for c in table.columns)} FROM {table.pre_image}
            WHERE {table.journal.key} IN (SELECT id FROM {taken})
        ) AS d
        WHERE NOT EXISTS (
            SELECT 1 FROM dashboards_rollupseal s
            WHERE s.location_id = d.location_id AND d.local_date < s.final_before
        )
        GROUP BY {keys}
        HAVING NOT ({" AND ".join(f"SUM({c}) = 0" for c in table.columns)})
        """,
    )


def _summed_difference(table) -> list[str]:
    """A coarser table's difference: its source's, summed over the coarser key."""
    keys = ", ".join(table.key)
    return _working_table_as(
        f"delta_{table.name}",
        f"""
        SELECT {keys}, {", ".join(f"SUM({c}) AS {c}" for c in table.columns)}
        FROM delta_{table.source} GROUP BY {keys}
        HAVING NOT ({" AND ".join(f"SUM({c}) = 0" for c in table.columns)})
        """,
    )


def _below_zero(tables: list) -> list[str]:
    """The buckets where adding a difference would leave a count below zero: their
    roll-ups do not hold what the journal says they counted. Recomputed whole instead."""
    statements = _working_table("rollup_below_zero", "(location_id bigint, local_date date)")
    for table in tables:
        negative = " OR ".join(f"COALESCE(t.{c}, 0) + d.{c} < 0" for c in table.columns)
        statements.append(
            f"INSERT INTO rollup_below_zero SELECT DISTINCT d.location_id, d.local_date"
            f" FROM delta_{table.name} d LEFT JOIN {table.name} t ON {_same_key(table)}"
            f" WHERE {negative}"
        )
    return [*statements, "SELECT DISTINCT location_id, local_date FROM rollup_below_zero"]


def _add(table, at: str) -> str:
    """Add delta_<table> to `table`: rows that exist, then new ones, then remove those
    whose counts fell to nothing (as a recompute would never write them)."""
    delta, same_key = f"delta_{table.name}", _same_key(table)
    fine = (
        "NOT EXISTS (SELECT 1 FROM rollup_below_zero b"
        " WHERE b.location_id = d.location_id AND b.local_date = d.local_date)"
    )
    sums = ", ".join(f"{c} = t.{c} + d.{c}" for c in table.columns)
    columns = ", ".join([*table.key, *table.columns])
    new = ", ".join(f"d.{c}" for c in [*table.key, *table.columns])
    nothing = " AND ".join(f"t.{c} = 0" for c in table.columns)
    return f"""
        UPDATE {table.name} t SET {sums}, rolled_at = {at} FROM {delta} d
        WHERE {same_key} AND {fine};
        INSERT INTO {table.name} ({columns}, rolled_at) SELECT {new}, {at} FROM {delta} d
        WHERE NOT EXISTS (SELECT 1 FROM {table.name} t WHERE {same_key}) AND {fine};
        DELETE FROM {table.name} t USING {delta} d WHERE {same_key} AND {nothing}
        """


def _same_key(table) -> str:
    return " AND ".join(f"t.{c} = d.{c}" for c in table.key)


def _settings(settings: dict) -> str:
    """SET LOCAL each of `settings` (names and values of this module's own)."""
    return "SELECT " + ", ".join(f"set_config('{n}', '{v}', true)" for n, v in settings.items())
