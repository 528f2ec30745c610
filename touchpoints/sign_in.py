"""Who is signed in: the person, loaded once per request with what every tablet screen needs."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import LoggableTypesVersion, Role, User

# Built once: the annotations are resolved here, not again on every request. The types'
# version rides along because a save checks its cached types against it (loggable_types).
PEOPLE = User._default_manager.select_related("team__location").annotate(
    is_frontline=Exists(
        User.groups.through.objects.filter(user=OuterRef("pk"), group__name=Role.FRONTLINE)
    ),
    types_version=Coalesce(Subquery(LoggableTypesVersion.objects.values("version")[:1]), Value("")),
)


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
        try:
            user = PEOPLE.get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def end_session_after_shift(sender, request, user, **kwargs) -> None:
    """Frontline tablets are shared: a frontline sign-in ends when the shift does, however
    busy the tablet stays, instead of Django's two weeks. Connected to user_logged_in so that
    every way of signing in passes through it."""
    if user.has_role(Role.FRONTLINE):
        hours = settings.FRONTLINE_SESSION_HOURS
        request.session.set_expiry(timezone.now() + timedelta(hours=hours))
