"""Cursor pagination: a page ends with an opaque cursor for the next, newest first.

A cursor is the last row's (time, id), so a page is one index walk however deep it is, and
rows logged meanwhile never shift a page or appear twice.
"""

import base64
from datetime import datetime

from django.db.models import Q, QuerySet

from .problems import FieldError, Problem

MAX_LIMIT = 1000


def page(
    rows: QuerySet, time_field: str, cursor: str | None, limit: int
) -> tuple[list, str | None]:
    """Up to `limit` rows after `cursor`, newest first, and the next page's cursor."""
    rows = rows.order_by(f"-{time_field}", "-pk")
    if cursor:
        at, pk = _read(cursor)
        rows = rows.filter(Q(**{f"{time_field}__lt": at}) | Q(**{time_field: at, "pk__lt": pk}))
    found = list(rows[: limit + 1])
    if len(found) <= limit:
        return found, None
    last = found[limit - 1]
    return found[:limit], _write(getattr(last, time_field), last.pk)


def _write(at: datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{pk}".encode()).decode().rstrip("=")


def _read(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, pk = raw.split("|")
        parsed = datetime.fromisoformat(at)
        if parsed.tzinfo is None:
            raise ValueError
        return parsed, int(pk)
    except (ValueError, UnicodeDecodeError):
        error = FieldError(
            "invalid_cursor", "Use a cursor an earlier page gave.", parameter="cursor"
        )
        raise Problem("invalid_request", "The cursor is not valid.", [error]) from None
