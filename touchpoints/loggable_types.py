"""The touchpoint types a moment can be logged as, kept in memory by each process.

Every save checks the chosen type. Rather than ask the database each time, a process keeps
the active types and reloads them whenever the shared `type_version` has changed, which
every save or delete of a type or an extra field does: an archived type is refused from
the next save on, in every process. As a safety net (a version that could not be written,
rows changed outside the models' save), nothing is kept longer than MAX_AGE. While Redis
is down there is no version at all, and every save reads the types from the database.
"""

import copy
import time

from . import extra_fields, type_version
from .models import TouchpointType

MAX_AGE = 60  # seconds

_loaded: dict = {"version": None, "at": 0.0, "types": {}}


def active_type(pk: int) -> TouchpointType | None:
    """The active type `pk`, knowing whether it has extra fields; None if there is none.

    A copy: what one request does with it never reaches another.
    """
    found = _active_types().get(pk)
    return copy.copy(found) if found is not None else None


def _active_types() -> dict[int, TouchpointType]:
    version = type_version.current()  # read before the rows: a later change shows as new
    stale = version is None or version != _loaded["version"]  # None: Redis is down
    if stale or time.monotonic() - _loaded["at"] > MAX_AGE:
        types = TouchpointType.objects.filter(active=True).annotate(
            has_extra_fields=extra_fields.has_active_fields()
        )
        _loaded.update(version=version, at=time.monotonic(), types={t.pk: t for t in types})
    return _loaded["types"]
