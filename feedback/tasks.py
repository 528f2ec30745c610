"""Celery entry points of the feedback app; each calls one plain function."""

from celery import shared_task
from django.db import DatabaseError

from . import erasure, recovery

RETRY = {
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "max_retries": 8,
}


@shared_task(name="feedback.erase_contacts", **RETRY)
def erase_contacts() -> int:
    """Customers' contact details past their time; beat asks every hour."""
    return erasure.erase_contacts()


@shared_task(name="feedback.lapse_untaken_recoveries", **RETRY)
def lapse_untaken_recoveries() -> int:
    """Recoveries nobody took within the window lapse; beat asks every hour."""
    return recovery.lapse_untaken()


@shared_task(name="feedback.tag_answer", **RETRY)
def tag_answer(answer_id: int) -> int:
    """The themes of one new answer's comment, queued once the answer is saved."""
    from .themes import retag

    return retag.tag_answers([answer_id])


@shared_task(name="feedback.retag_comments", **RETRY)
def retag_comments() -> bool:
    """Walk the comments not yet tagged with the current catalogue, for under a minute at a
    time (the time limits): queued after a catalogue change, and by beat every minute to
    take up new comments whose prompt task was lost and any walk left unfinished."""
    from .themes import retag

    done = retag.run(seconds=50)
    if not done:
        retag_comments.delay()
    return done


@shared_task(name="feedback.find_rising_words", **RETRY)
def find_rising_words() -> int:
    """Last week's rising words no theme covers, suggested as themes; beat asks nightly."""
    from .themes import rising

    return len(rising.find_rising())
