from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TouchpointsConfig(AppConfig):
    name = "touchpoints"
    verbose_name = _("Organisation")

    def ready(self):
        from .people.desk_sign_in import mark_desk_session
        from .people.role_groups import ensure_role_groups
        from .people.sign_in import end_session_after_shift

        # Permissions exist only after migrate, each app's made in its own post_migrate;
        # the groups sync after the last app's (role_groups.py).
        post_migrate.connect(ensure_role_groups, dispatch_uid="moments-role-groups")
        user_logged_in.connect(end_session_after_shift, dispatch_uid="moments-shift-session")
        user_logged_in.connect(mark_desk_session, dispatch_uid="moments-desk-session")
