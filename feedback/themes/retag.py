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
"""

import time
from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from touchpoints.dirty_days import mark_days_dirty
from touchpoints.models import Moment

from ..models import Answer
from .catalogue import state, tagger_for
from .models import AnswerTheme, MomentTheme
from .tagging import Tagger

BATCH = 2000
SETTLE = timedelta(minutes=1)


def tag_answers(answer_ids: list[int]) -> int:
    """Tag these answers now with the current catalogue; returns how many changed."""
    with transaction.atomic():
        tagger = tagger_for(state(lock=True).version)
        answers = Answer.objects.filter(pk__in=answer_ids).select_related("invitation__moment")
        return _replace_answer_tags(tagger, list(answers))


def _replace_answer_tags(tagger: Tagger, answers: list[Answer]) -> int:
    wanted = {
        answer.pk: tagger.tag(answer.comment, answer.language) if answer.comment else set()
        for answer in answers
    }
    moments = {answer.pk: answer.invitation.moment for answer in answers}
    return _replace(AnswerTheme, "answer_id", wanted, moments)


def _replace(model, owner: str, wanted: dict[int, set[int]], moments: dict) -> int:
    """Write `wanted` tags for these owners, touching only those that differ."""
    had: dict[int, set[int]] = defaultdict(set)
    for owner_id, theme_id in model.objects.filter(**{f"{owner}__in": list(wanted)}).values_list(
        owner, "theme_id"
    ):
        had[owner_id].add(theme_id)
    differ = [pk for pk, themes in wanted.items() if themes != had.get(pk, set())]
    if not differ:
        return 0
    model.objects.filter(**{f"{owner}__in": differ}).delete()
    model.objects.bulk_create(
        [model(**{owner: pk, "theme_id": theme_id}) for pk in differ for theme_id in wanted[pk]]
    )
    days: dict[int, set] = defaultdict(set)
    for pk in differ:
        days[moments[pk].location_id].add(moments[pk].local_date)
    for location_id in sorted(days):
        mark_days_dirty(location_id, days[location_id])
    return len(differ)


def _answers_after(position: int, settled_before) -> list[Answer]:
    rows = (
        Answer.objects.filter(pk__gt=position)
        .exclude(comment="")
        .select_related("invitation__moment")
        .only(
            "comment",
            "language",
            "answered_at",
            "invitation__moment__location_id",
            "invitation__moment__local_date",
        )
        .order_by("pk")[:BATCH]
    )
    return _settled(list(rows), "answered_at", settled_before)


def _notes_after(position: int, settled_before) -> list[Moment]:
    rows = (
        Moment.objects.filter(pk__gt=position)
        .exclude(note="")
        .only("note", "location_id", "local_date", "created_at", "staff__language")
        .select_related("staff")
        .order_by("pk")[:BATCH]
    )
    return _settled(list(rows), "created_at", settled_before)


def _settled(rows: list, stamp: str, settled_before) -> list:
    """The rows up to the first that may still have company committing below its id."""
    for index, row in enumerate(rows):
        if getattr(row, stamp) > settled_before:
            return rows[:index]
    return rows


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
            _replace_answer_tags(tagger, answers)
            catalogue.answers_done_to = answers[-1].pk
            done = len(answers)
        else:
            notes = _notes_after(catalogue.notes_done_to, settled_before)
            if notes:
                _tag_notes(tagger, notes)
                catalogue.notes_done_to = notes[-1].pk
            done = len(notes)
        if catalogue.retagging:
            catalogue.retag_done += done
            if not done:
                catalogue.retag_finished_at = timezone.now()
        catalogue.save()
        return bool(done)


def _tag_notes(tagger: Tagger, moments: list[Moment]) -> int:
    # A note is read in its writer's language when they chose one; else in all four.
    wanted = {moment.pk: tagger.tag(moment.note, moment.staff.language) for moment in moments}
    return _replace(MomentTheme, "moment_id", wanted, {moment.pk: moment for moment in moments})


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
