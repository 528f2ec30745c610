from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Figures and retention")

    def ready(self):
        # The roll-up tasks are registered in every process, not only in workers, so that
        # the embedded (eager) mode runs them in-process when touchpoints asks for them by
        # name; `lookups` adds `__any_of`, which the dashboards' scopes are written with.
        from . import lookups, tasks  # noqa: F401
