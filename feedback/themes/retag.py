"""Tagging comments: a new answer as soon as it is saved, and the whole history after the
catalogue changes.

Both replace a comment's tags rather than add to them, under the catalogue row's lock, with
the tagger of the version that lock reads: so a comment is never tagged twice over, and a
batch never writes tags of a catalogue that changed while it ran. The buckets whose tags
changed are marked dirty, and the roll-up brings the figures along.

The history is walked in id order, answers first and then moments with a staff note, the
reached ids kept on the catalogue row; the same walk takes each new comment once it is a
minute old, so a comment whose prompt task was lost (Redis down) is tagged all the same.
The minute lets transactions that took an id earlier commit before the walk passes it.
Last come the corrections of moments, in their own id order: a correction that changed
the note re-tags it, since the walk may have passed its moment already.
"""

import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from touchpoints.dirty_days import mark_days_dirty
from touchpoints.models import Moment, MomentCorrection

from ..models import Answer
from .catalogue import state, tagger_for
from .models import AnswerTheme, MomentTheme
from .tagging import Tagger

BATCH = 2000
SETTLE = timedelta(minutes=1)


class Comment(NamedTuple):
    """A comment or note as the walk reads it: plain values, no model to build."""

    pk: int
    text: str
    language: str
    written_at: datetime
    location_id: int
    local_date: date


ANSWER_FIELDS = [
    "pk",
    "comment",
    "language",
    "answered_at",
    "invitation__moment__location_id",
    "invitation__moment__local_date",
]
NOTE_FIELDS = ["pk", "note", "staff__language", "created_at", "location_id", "local_date"]


def tag_answers(answer_ids: list[int]) -> int:
    """Tag these answers now with the current catalogue; returns how many changed."""
    with transaction.atomic():
        tagger = tagger_for(state(lock=True).version)
        rows = Answer.objects.filter(pk__in=answer_ids).values_list(*ANSWER_FIELDS)
        return _replace(AnswerTheme, "answer_id", tagger, [Comment(*row) for row in rows])


def _replace(model, owner: str, tagger: Tagger, comments: list[Comment]) -> int:
    """Tag `comments` and write the tags of those whose tags differ; mark their days dirty,
    last, so that the marks' rows are held only for the end of the batch."""
    wanted = {c.pk: tagger.tag(c.text, c.language) if c.text else set() for c in comments}
    had: dict[int, set[int]] = defaultdict(set)
    for owner_id, theme_id in _existing(model, owner, list(wanted)):
        had[owner_id].add(theme_id)
    differ = [c for c in comments if wanted[c.pk] != had.get(c.pk, set())]
    if not differ:
        return 0
    _delete(model, owner, [c.pk for c in differ if c.pk in had])
    _insert(model, owner, [(c.pk, theme) for c in differ for theme in sorted(wanted[c.pk])])
    days: dict[int, set] = defaultdict(set)
    for c in differ:
        days[c.location_id].add(c.local_date)
    for location_id in sorted(days):
        mark_days_dirty(location_id, days[location_id])
    return len(differ)


# A batch's owners are read and deleted by one array on PostgreSQL: a list of 2,000
# parameters cost the walk more than its writes.
def _existing(model, owner: str, ids: list[int]) -> list[tuple[int, int]]:
    if connection.vendor != "postgresql":
        return list(model.objects.filter(**{f"{owner}__in": ids}).values_list(owner, "theme_id"))
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {owner}, theme_id FROM {table} WHERE {owner} = ANY(%s::bigint[])", [ids]
        )
        return cursor.fetchall()


def _delete(model, owner: str, ids: list[int]) -> None:
    if not ids:
        return
    if connection.vendor != "postgresql":
        model.objects.filter(**{f"{owner}__in": ids}).delete()
        return
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {owner} = ANY(%s::bigint[])", [ids])


def _insert(model, owner: str, pairs: list[tuple[int, int]]) -> None:
    """(owner id, theme id) rows in one statement on PostgreSQL (a batch's rows one by one
    cost the walk most of its time); row by row on SQLite, where that is cheap."""
    if not pairs:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            owners, themes = zip(*pairs, strict=True)
            cursor.execute(
                f"INSERT INTO {table} ({owner}, theme_id)"
                " SELECT * FROM unnest(%s::bigint[], %s::bigint[])",
                [list(owners), list(themes)],
            )
        else:
            cursor.executemany(f"INSERT INTO {table} ({owner}, theme_id) VALUES (%s, %s)", pairs)


def _answers_after(position: int, settled_before) -> list[Comment]:
    rows = (
        Answer.objects.filter(pk__gt=position)
        .exclude(comment="")
        .order_by("pk")
        .values_list(*ANSWER_FIELDS)[:BATCH]
    )
    return _settled([Comment(*row) for row in rows], settled_before)


def _notes_after(position: int, settled_before) -> list[Comment]:
    rows = (
        Moment.objects.filter(pk__gt=position)
        .exclude(note="")
        .order_by("pk")
        .values_list(*NOTE_FIELDS)[:BATCH]
    )
    return _settled([Comment(*row) for row in rows], settled_before)


def _settled(rows: list, settled_before) -> list:
    """The rows up to the first that may still have company committing below its id."""
    for index, row in enumerate(rows):
        if row.written_at > settled_before:
            return rows[:index]
    return rows


class Correction(NamedTuple):
    pk: int
    moment_id: int
    written_at: datetime
    note_before: str | None
    note_after: str | None


def _corrections_after(position: int, settled_before) -> list[Correction]:
    rows = (
        MomentCorrection.objects.filter(pk__gt=position)
        .order_by("pk")
        .values_list("pk", "moment_id", "corrected_at", "before__note", "after__note")[:BATCH]
    )
    return _settled([Correction(*row) for row in rows], settled_before)


def _retag_corrected_notes(tagger: Tagger, corrections: list[Correction]) -> None:
    """Re-tag the notes these corrections changed, as they read now (a later correction may
    have changed them again; an emptied note loses its tags)."""
    changed = {c.moment_id for c in corrections if c.note_before != c.note_after}
    rows = Moment.objects.filter(pk__in=changed).values_list(*NOTE_FIELDS)
    _replace(MomentTheme, "moment_id", tagger, [Comment(*row) for row in rows])


def step(settle: timedelta = SETTLE) -> bool:
    """Tag one batch of the walk; returns False once there is nothing settled left."""
    with transaction.atomic():
        catalogue = state(lock=True)
        tagger = tagger_for(catalogue.version)
        settled_before = timezone.now() - settle
        if catalogue.retagging and not catalogue.retag_total:
            catalogue.retag_total = _to_tag()
        answers = _answers_after(catalogue.answers_done_to, settled_before)
        if answers:
            _replace(AnswerTheme, "answer_id", tagger, answers)
            catalogue.answers_done_to = answers[-1].pk
            done = len(answers)
        else:
            notes = _notes_after(catalogue.notes_done_to, settled_before)
            if notes:
                # A note is read in its writer's language when they chose one, else in all four.
                _replace(MomentTheme, "moment_id", tagger, notes)
                catalogue.notes_done_to = notes[-1].pk
            done = len(notes)
        corrected = 0
        if not done:
            corrections = _corrections_after(catalogue.corrections_done_to, settled_before)
            if corrections:
                _retag_corrected_notes(tagger, corrections)
                catalogue.corrections_done_to = corrections[-1].pk
            corrected = len(corrections)
        if catalogue.retagging:
            catalogue.retag_done += done
            if not done:
                catalogue.retag_finished_at = timezone.now()
        catalogue.save()
        return bool(done or corrected)


def _to_tag() -> int:
    return Answer.objects.exclude(comment="").count() + Moment.objects.exclude(note="").count()


def run(seconds: float = 50.0, settle: timedelta = SETTLE) -> bool:
    """Walk for up to `seconds`; returns True when the walk is done for now. `settle`: how
    old a comment must be to be walked past (none when nothing else is writing: the demo)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not step(settle):
            return True
    return False
