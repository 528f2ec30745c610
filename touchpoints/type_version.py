"""One version string for the touchpoint types' configuration, shared by every process.

Each server process keeps the types a moment can be logged as in memory
(`loggable_types`) and reloads them when this version changes. Saving or deleting a
touchpoint type or an extra field sets a new version (see their `save` and `delete`).
"""

import uuid

from django.core.cache import cache
from django.db import transaction

KEY = "touchpoint-types-version"


def current() -> str | None:
    """The version now; a missing one (cache flushed or restarted) is started afresh.

    None while the shared cache is unavailable (Redis down): no version can be trusted
    then, so callers read the database.
    """
    version = cache.get(KEY)
    if version is None:
        cache.add(KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(KEY)
    return version


def bump() -> None:
    """Call wherever types or extra fields change.

    Set now, for the rest of this transaction, and again once it commits: a process
    that reloaded between the two read the old rows, and the second version makes it
    reload once more. A rolled-back change costs every process one needless reload.
    """
    cache.set(KEY, uuid.uuid4().hex, timeout=None)
    transaction.on_commit(lambda: cache.set(KEY, uuid.uuid4().hex, timeout=None))
