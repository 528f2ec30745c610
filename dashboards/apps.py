from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"

    def ready(self):
        # Register the roll-up tasks in every process, not only in workers, so that the
        # embedded (eager) mode runs them in-process when touchpoints asks for them by name.
        from . import tasks  # noqa: F401
