"""Who is signed in: the person, loaded once per request with what every tablet screen needs."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef

from .models import Role, User

# Built once: the annotation is resolved here, not again on every request.
PEOPLE = User._default_manager.select_related("team__location").annotate(
    is_frontline=Exists(
        User.groups.through.objects.filter(user=OuterRef("pk"), group__name=Role.FRONTLINE)
    )
)


class PersonBackend(ModelBackend):
    """Django's own sign-in, with one change: the user comes with team, location and whether
    they hold the frontline role, in one query. A save checks all three, and this lookup
    runs on every request anyway, so the check costs no query of its own. It is read per
    request: a role or team an admin removes stops the very next save.
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
