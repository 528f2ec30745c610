"""Welcome emails from the configuration site: sent, and recorded in the audit trail.

One person (created on the site, or "Send a welcome email" on their page) is welcomed in the
request. A CSV import can create thousands, more than a request has time to email, so each
of its people is a Celery task of its own (`touchpoints.send_welcome_email`), retried on a
mail server error without emailing anyone twice.
"""

import logging

from ..models import AuditEntry, User
from ..people.welcome import has_something_to_set, send_welcome
from . import audit

log = logging.getLogger(__name__)


def welcome(person: User, base_url: str, actor: User | None) -> bool:
    """Email `person` their welcome link and record it; False when they have no address
    or nothing to set (`has_something_to_set`).
    A mail server error is raised (OSError, smtplib's included)."""
    if not send_welcome(person, base_url):
        return False
    changes = {"welcome email": ["—", f"sent to {person.email}"]}
    audit.record(actor, person, AuditEntry.Action.EMAILED, changes)
    return True


def queue_welcomes(people: list[User], base_url: str, actor: User) -> tuple[int, list[User]]:
    """Queue a welcome email for each of `people` who needs one; return how many were
    queued, and the people who have no email address."""
    from ..tasks import send_welcome_email  # the task module imports this one

    queued = 0
    for person in people:
        if not person.email or not has_something_to_set(person):
            continue
        queued += 1
        try:
            send_welcome_email.delay(person.pk, base_url, actor.pk)
        except Exception:  # the broker is down: send it now rather than never
            log.warning("Could not queue the welcome of %s; sending it now.", person, exc_info=True)
            welcome(person, base_url, actor)
    return queued, [person for person in people if not person.email]
