"""The triggers that journal what changed, for the sweep to add (dashboards/rollup_delta.py).

On PostgreSQL a row-level BEFORE trigger on every raw table the roll-ups read notes the
moment (or need) it belongs to in the journal, unless it is noted already. The first note
since the last sweep took the moment also stores its pre-image: its rows of each roll-up
computed from the raw rows as they are before this change, with the very SELECTs the
roll-up runs (dashboards/rollup.py), restricted to that one moment. That is what the
roll-ups count for it: every change of it since a sweep counted it went through here.

A new moment has counted nothing: its insert only notes it, so a save pays one small
insert. A writer that finds the moment noted already locks that row (FOR SHARE) until it
commits, and one whose insert meets a row a sweep is deleting waits for the sweep to commit
and then notes the moment afresh: the order the sweep relies on (rollup_delta). A change
on a sealed day (retention pruning it) is not noted: those figures are final.

The functions are written from the roll-up's SQL when a migration installs them; a test
checks that the installed ones still match it (tests/dashboards/test_rollup_journal.py),
so a change to a roll-up SELECT needs a migration that installs them again (`install`).
"""

from .rollup import MOMENT_JOURNAL, NEED_JOURNAL, ROLLUP_TABLES, RollupTable

# What a moment's rows hang from: each raw table with the expression of its moment, and
# the columns the roll-ups read (an update that changes none of them changes no figure).
# Comments and notes count by whether there is one (or was, before it was blanked).
ANSWER_MOMENT = "(SELECT moment_id FROM feedback_invitation WHERE id = {row}.invitation_id)"
VIA_ANSWER = (
    "(SELECT i.moment_id FROM feedback_answer a JOIN feedback_invitation i"
    " ON i.id = a.invitation_id WHERE a.id = {row}.answer_id)"
)
HANGING = {
    "feedback_invitation": ("{row}.moment_id", ["moment_id"]),
    "feedback_answer": (
        ANSWER_MOMENT,
        [
            "invitation_id",
            "csat",
            "nps",
            "effort",
            "is_low",
            "answered_at",
            "{row}.comment <> '' OR {row}.comment_blanked",
        ],
    ),  # fmt: skip
    "feedback_recovery": (
        VIA_ANSWER,
        ["answer_id", "closed_at", "closed_late", "seconds_to_recover", "lapsed_at"],
    ),
    "feedback_answertheme": (VIA_ANSWER, ["answer_id", "theme_id"]),
    "feedback_momenttheme": ("{row}.moment_id", ["moment_id", "theme_id"]),
    "touchpoints_remedy": (
        "{row}.moment_id",
        [
            "moment_id",
            "location_id",
            "local_date",
            "kind_id",
            "currency",
            "amount",
            "over_limit",
            "given_at",
        ],
    ),  # fmt: skip
}
# The link column of each (the first above): when an update changes it, both ends count.
MOMENT_COLUMNS = [
    "location_id", "local_date", "team_id", "touchpoint_type_id", "channel", "outcome",
    "resolved_on_spot", "{row}.note <> '' OR {row}.note_blanked",
]  # fmt: skip
NEED_COLUMNS = ["location_id", "local_date", "team_id", "kind", "status", "seconds_to_provide"]

SEALED = """
CREATE OR REPLACE FUNCTION rollup_sealed(loc bigint, day date) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM dashboards_rollupseal WHERE location_id = loc AND day < final_before
    )
$$;
"""

# Note `id` of `{raw}` in `{journal}` with its pre-images, unless noted already (then lock
# its row until commit), gone (its delete noted it) or, when asked, on a sealed day.
NOTE = """
CREATE OR REPLACE FUNCTION rollup_journal_{what}(jid bigint, unless_sealed boolean)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    loc bigint;
    day date;
BEGIN
    IF jid IS NULL THEN
        RETURN;
    END IF;
    LOOP
        SELECT location_id, local_date INTO loc, day FROM {raw} WHERE id = jid;
        IF NOT FOUND OR (unless_sealed AND rollup_sealed(loc, day)) THEN
            RETURN;
        END IF;
        INSERT INTO {journal} ({key}, location_id) VALUES (jid, loc) ON CONFLICT DO NOTHING;
        IF FOUND THEN
{pre_images}
            RETURN;
        END IF;
        PERFORM 1 FROM {journal} WHERE {key} = jid FOR SHARE;
        IF FOUND THEN
            RETURN;
        END IF;
        -- A sweep took the row between the two statements: note it afresh.
    END LOOP;
END
$$;
"""

# A statement that moves many moments at once and marks their days to be recomputed whole
# instead (a location's time-zone change, touchpoints/time_zones.py) turns the journal off
# for its transaction: `moments.journal` set to 'off'.
OFF = "current_setting('moments.journal', true) = 'off'"

HANGING_TRIGGER = """
CREATE OR REPLACE FUNCTION rollup_journal_{table}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF {off} THEN
        RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM rollup_journal_moment({old}, true);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND OLD.{link} IS DISTINCT FROM NEW.{link}) THEN
        PERFORM rollup_journal_moment({new}, true);
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;
"""

# A new moment or need: no pre-image, it has counted nothing. Else its own day decides
# whether it is sealed, and an update's new day too (it may leave a sealed day).
OWN_TRIGGER = """
CREATE OR REPLACE FUNCTION rollup_journal_{table}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF {off} THEN
        RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO {journal} ({key}, location_id) VALUES (NEW.id, NEW.location_id)
        ON CONFLICT DO NOTHING;
        RETURN NEW;
    END IF;
    PERFORM rollup_journal_{what}(
        OLD.id, TG_OP = 'DELETE' OR rollup_sealed(NEW.location_id, NEW.local_date)
    );
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;
"""

TRIGGERS = """
CREATE TRIGGER rollup_journal BEFORE INSERT OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION rollup_journal_{table}();
CREATE TRIGGER rollup_journal_update BEFORE UPDATE ON {table}
    FOR EACH ROW WHEN (({old}) IS DISTINCT FROM ({new}))
    EXECUTE FUNCTION rollup_journal_{table}();
"""


def _pre_image(table: RollupTable) -> str:
    """INSERT the noted row's rows of `table`, as the roll-up computes them now."""
    select = table.select.format(where=f"{table.journaled} = jid").replace("%s", "now()")
    columns = ", ".join([table.journal.key, *table.key, *table.columns, "rolled_at"])
    insert = f"INSERT INTO {table.pre_image} ({columns}) SELECT jid, s.* FROM ({select}) s;"
    return f"            {insert}"


def _note(what: str, raw: str, journal) -> str:
    pre_images = "\n".join(_pre_image(t) for t in ROLLUP_TABLES if t.journal == journal)
    return NOTE.format(
        what=what, raw=raw, journal=journal.table, key=journal.key, pre_images=pre_images
    )


def _row(columns: list[str], row: str) -> str:
    return ", ".join(c.format(row=row) if "{row}" in c else f"{row}.{c}" for c in columns)


def _triggers(table: str, columns: list[str]) -> str:
    return TRIGGERS.format(table=table, old=_row(columns, "OLD"), new=_row(columns, "NEW"))


def functions() -> dict[str, str]:
    """Each function's CREATE statement, by name."""
    created = {
        "rollup_sealed": SEALED,
        "rollup_journal_moment": _note("moment", "touchpoints_moment", MOMENT_JOURNAL),
        "rollup_journal_need": _note("need", "touchpoints_need", NEED_JOURNAL),
    }
    for table, (moment, columns) in HANGING.items():
        created[f"rollup_journal_{table}"] = HANGING_TRIGGER.format(
            table=table,
            old=moment.format(row="OLD"),
            new=moment.format(row="NEW"),
            link=columns[0],
            off=OFF,
        )
    for table, journal, what in (
        ("touchpoints_moment", MOMENT_JOURNAL, "moment"),
        ("touchpoints_need", NEED_JOURNAL, "need"),
    ):
        created[f"rollup_journal_{table}"] = OWN_TRIGGER.format(
            table=table, journal=journal.table, key=journal.key, what=what, off=OFF
        )
    return created


def trigger_columns() -> dict[str, list[str]]:
    """Each journaled table, with the columns whose change an update notes."""
    tables = {table: columns for table, (_moment, columns) in HANGING.items()}
    return {**tables, "touchpoints_moment": MOMENT_COLUMNS, "touchpoints_need": NEED_COLUMNS}


def install() -> str:
    """The SQL that (re)installs the functions and triggers."""
    triggers = [
        f"DROP TRIGGER IF EXISTS rollup_journal ON {table};"
        f" DROP TRIGGER IF EXISTS rollup_journal_update ON {table};" + _triggers(table, columns)
        for table, columns in trigger_columns().items()
    ]
    return "\n".join([*functions().values(), *triggers])


def remove() -> str:
    triggers = [
        f"DROP TRIGGER IF EXISTS rollup_journal ON {table};"
        f" DROP TRIGGER IF EXISTS rollup_journal_update ON {table};"
        for table in trigger_columns()
    ]
    functions_ = [f"DROP FUNCTION IF EXISTS {name} CASCADE;" for name in functions()]
    return "\n".join([*triggers, *functions_])
