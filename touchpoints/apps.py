from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TouchpointsConfig(AppConfig):
    name = "touchpoints"

    def ready(self):
        from .roles import ensure_role_groups

        # Permissions exist only after migrate, so the groups are kept in step from here.
        post_migrate.connect(ensure_role_groups, sender=self)
