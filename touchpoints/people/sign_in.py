"""Who is signed in: the person, loaded once per request with what every tablet screen needs."""

import functools
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import connections, router
from django.db.models import Exists, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.query import get_related_populators
from django.utils import timezone

from ..models import LoggableTypesVersion, Role, User
from .roles import DATA_PROTECTION


def _holds(group_name: str) -> Exists:
    return Exists(User.groups.through.objects.filter(user=OuterRef("pk"), group__name=group_name))


# The groups a request asks about (its role, the data-protection duty), each a column of
# the one lookup: asking the database again for each question was a query or two on
# every request (`User.has_role`, `roles.is_data_protection`).
GROUP_COLUMNS = {
    Role.FRONTLINE: "is_frontline",
    Role.MANAGER: "holds_manager",
    Role.ADMIN: "holds_admin",
    DATA_PROTECTION: "holds_data_protection",
}
# Built once: the annotations are resolved here, not again on every request. The types'
# version rides along because a save checks its cached types against it (loggable_types).
PEOPLE = User._default_manager.select_related("team__location").annotate(
    **{column: _holds(group_name) for group_name, column in GROUP_COLUMNS.items()},
    types_version=Coalesce(Subquery(LoggableTypesVersion.objects.values("version")[:1]), Value("")),
)
# A key no person has: the compiled lookup's parameter that each call replaces.
_ANY_KEY = -7_365_224_901


@functools.cache
def _compiled_lookup(alias: str):
    """PEOPLE.get(pk=…) as Django would run it, compiled once per process. It runs on every
    request, and compiling it (three tables, two subqueries) took twice as long as the
    database took to answer it (docs/performance.md, "Where a save's time goes")."""
    compiler = PEOPLE.filter(pk=_ANY_KEY).query.get_compiler(alias)
    sql, params = compiler.as_sql()
    # Django's own way from a row to objects (QuerySet's ModelIterable), prepared once.
    start, *_, end = compiler.klass_info["select_fields"]
    fields = [column[0].target.attname for column in compiler.select[start : end + 1]]
    populators = get_related_populators(compiler.klass_info, compiler.select, alias)
    return compiler, sql, list(params), params.index(_ANY_KEY), (start, end + 1, fields), populators


def person(user_id) -> User | None:
    """The person with team, location, frontline role and types' version; None if none."""
    alias = router.db_for_read(User)
    compiler, sql, params, key_at, (start, end, fields), populators = _compiled_lookup(alias)
    params = [*params[:key_at], User._meta.pk.to_python(user_id), *params[key_at + 1 :]]
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for row in compiler.results_iter([rows]):  # the database's values as Python's
        found = User.from_db(alias, fields, row[start:end])
        for populator in populators:
            populator.populate(row, found)
        for name, position in compiler.annotation_col_map.items():
            setattr(found, name, row[position])
        found.held_groups = frozenset(
            group_name for group_name, column in GROUP_COLUMNS.items() if getattr(found, column)
        )
        return found
    return None


class PersonBackend(ModelBackend):
    """Django's own sign-in, with one change: the user comes with team, location, whether
    they hold the frontline role and the touchpoint types' version, in one query. A save
    checks all four, and this lookup runs on every request anyway, so the check costs no
    query of its own. It is read per request: a role or team an admin removes stops the
    very next save.
    """

    def authenticate(self, request, username=None, password=None, **kwargs) -> User | None:
        user = super().authenticate(request, username, password, **kwargs)
        if user is None and password is not None:
            # Django's ModelBackend, next in the chain, would hash the same password against
            # the same person again for the same answer. Stopping here makes a wrong
            # password cost one hash; Django still reports the failure (to axes, too).
            raise PermissionDenied
        return user

    def get_user(self, user_id) -> User | None:
        user = person(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


def end_session_after_shift(sender, request, user, **kwargs) -> None:
    """Frontline tablets are shared: a frontline sign-in ends when the shift does, however
    busy the tablet stays, instead of Django's two weeks. Connected to user_logged_in so that
    every way of signing in passes through it."""
    if user.has_role(Role.FRONTLINE):
        hours = settings.FRONTLINE_SESSION_HOURS
        request.session.set_expiry(timezone.now() + timedelta(hours=hours))
