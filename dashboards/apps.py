from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Figures and retention")

    def ready(self):
        # Register the roll-up tasks in every process, not only in workers, so that the
        # embedded (eager) mode runs them in-process when touchpoints asks for them by name.
        from . import tasks  # noqa: F401
