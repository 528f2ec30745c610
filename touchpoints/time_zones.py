"""Changing a location's time zone: its moments and needs move to the local day they
happened on in the new zone, and every day that gained or lost one is rolled up again.

The local day is stored (every roll-up groups by it), so leaving it would keep yesterday's
figures on the old zone's calendar. The admin's save calls this in the same transaction as
the change; beat re-rolls the marked days shortly after.
"""

from datetime import date

from django.db import connection, transaction

from .dirty_days import journal_off, mark_days_dirty
from .models import Location, Moment, Need, Remedy

# (model, the moment in time its local day is taken from)
DATED = [(Moment, "occurred_at"), (Need, "raised_at")]

# The rows whose local day differs in the new zone, moved; returns how many moved from
# which day to which.
REDATE_SQL = """
    WITH moved AS (
        UPDATE {table} t SET local_date = (t.{moment} AT TIME ZONE %s)::date
        FROM (SELECT id, local_date FROM {table} WHERE location_id = %s) AS old
        WHERE t.id = old.id AND t.local_date <> (t.{moment} AT TIME ZONE %s)::date
        RETURNING old.local_date AS left_day, t.local_date AS joined_day
    )
    SELECT left_day, joined_day, count(*) FROM moved GROUP BY left_day, joined_day
"""


@transaction.atomic
def redate_location(location: Location) -> int:
    """Re-date the location's rows to its (new) time zone; returns how many moved.

    A year of a hub's moments may move: rather than journal each one for the roll-up's
    sweep to add (its trigger computes what the moment counted, a few statements a row;
    dashboards/journal.py), the journal is off while they move, and every day that gained
    or lost one is marked to be recomputed whole from the raw rows."""
    moved, days = 0, set()
    with journal_off():
        for model, moment in DATED:
            count, changed_days = _redate(model, moment, location)
            moved += count
            days |= changed_days
        if days:
            _redate_remedies(location)
    if days:
        mark_days_dirty(location.pk, days, whole=True)
    return moved


def _redate_remedies(location: Location) -> None:
    """Remedies count on their moment's day: they follow it."""
    for remedy in Remedy.objects.filter(location=location).select_related("moment"):
        if remedy.local_date != remedy.moment.local_date:
            remedy.local_date = remedy.moment.local_date
            remedy.save(update_fields=["local_date"])


def _redate(model, moment: str, location: Location) -> tuple[int, set[date]]:
    if connection.vendor != "postgresql":
        return _redate_in_python(model, moment, location)
    sql = REDATE_SQL.format(table=model._meta.db_table, moment=moment)
    with connection.cursor() as cursor:
        cursor.execute(sql, [location.timezone, location.pk, location.timezone])
        moves = cursor.fetchall()
    days = {day for left, joined, _ in moves for day in (left, joined)}
    return sum(count for _, _, count in moves), days


def _redate_in_python(model, moment: str, location: Location) -> tuple[int, set[date]]:
    """SQLite (the embedded demo) has no time zones: the same, row by row."""
    changed, days = [], set()
    rows = model.objects.filter(location=location).only("pk", moment, "local_date")
    for row in rows.iterator(chunk_size=2000):
        new_day = location.local_date(getattr(row, moment))
        if new_day != row.local_date:
            days |= {row.local_date, new_day}
            row.local_date = new_day
            changed.append(row)
    model.objects.bulk_update(changed, ["local_date"], batch_size=500)
    return len(changed), days
