"""The touchpoint types a moment can be logged as, kept in memory by each process.

Every save checks the chosen type. Rather than ask the database each time, a process keeps
the active types and reloads them whenever `LoggableTypesVersion` has changed, which every
save or delete of a type or an extra field does, in its own transaction: an archived type
is refused from the next save on, in every process. The version comes with the person
(`sign_in.PEOPLE`), read on every request anyway, so checking it costs a save nothing. As
a safety net (rows changed outside the models' save), nothing is kept longer than MAX_AGE.
"""

import copy
import time

from . import extra_fields
from .models import LoggableTypesVersion, TouchpointType

MAX_AGE = 60  # seconds

_loaded: dict = {"version": None, "at": 0.0, "types": {}}


def active_type(pk: int, version: str | None = None) -> TouchpointType | None:
    """The active type `pk`, knowing whether it has extra fields; None if there is none.

    `version` is the types' version read at the start of the request (the person has it);
    without it, it is read here. Read before the rows: a change committed in between shows
    as a new version at the next save, which reloads. A copy: what one request does with it
    never reaches another.
    """
    found = _active_types(version).get(pk)
    return copy.copy(found) if found is not None else None


def _active_types(version: str | None) -> dict[int, TouchpointType]:
    if version is None:
        version = LoggableTypesVersion.current()
    if version != _loaded["version"] or time.monotonic() - _loaded["at"] > MAX_AGE:
        types = TouchpointType.objects.filter(active=True).annotate(
            has_extra_fields=extra_fields.has_active_fields()
        )
        _loaded.update(version=version, at=time.monotonic(), types={t.pk: t for t in types})
    return _loaded["types"]


def version_of(user) -> str:
    """The types' version: the one read with the person (no query), else read now (a person
    signed in through another backend)."""
    version = getattr(user, "types_version", None)
    return LoggableTypesVersion.current() if version is None else version
