"""The three roles as Django groups, with the model permissions each needs."""

from django.apps import apps
from django.contrib.auth.models import Group, Permission

from ..models import Role
from .roles import DATA_PROTECTION

FRONTLINE_PERMISSIONS = ["touchpoints.add_moment", "touchpoints.view_moment"]
MANAGER_PERMISSIONS = ["touchpoints.view_moment", "dashboards.view_dailyrollup"]
# Admins configure the organisation; they get every permission on these apps.
ADMIN_APPS = ["touchpoints", "feedback", "dashboards"]


def _last_app_with_models():
    # migrate and flush emit post_migrate for these, in this order
    return [config for config in apps.get_app_configs() if config.models_module][-1]


def _permissions(dotted: list[str]) -> list[Permission]:
    found = []
    for name in dotted:
        app_label, codename = name.split(".")
        found += Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return found


def ensure_role_groups(app_config=None, **kwargs) -> None:
    """Sync the groups after the last app's post_migrate, when every app's permissions exist.
    Once, not after each app: tests flush and re-emit post_migrate 150 times a run."""
    if app_config is not None and app_config is not _last_app_with_models():
        return
    frontline, _ = Group.objects.get_or_create(name=Role.FRONTLINE)
    frontline.permissions.set(_permissions(FRONTLINE_PERMISSIONS))
    manager, _ = Group.objects.get_or_create(name=Role.MANAGER)
    manager.permissions.set(_permissions(MANAGER_PERMISSIONS))
    # A duty on top of a role: its screens check the group, not model permissions.
    Group.objects.get_or_create(name=DATA_PROTECTION)
    admin, _ = Group.objects.get_or_create(name=Role.ADMIN)
    admin.permissions.set(
        Permission.objects.filter(content_type__app_label__in=[*ADMIN_APPS, "auth"])
    )
