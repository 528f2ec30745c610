import functools
import os

from celery import Celery
from celery.worker.consumer import Consumer

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class PromptReconnect(Consumer):
    """A worker that lost Redis tries it again every second, not after 2, 4, 6 … up to 30 s
    as Celery does: the saves made meanwhile wait in their dirty marks, and the first beat
    tick after Redis returns should find a worker to roll them up (docs/faults.md). A
    refused connection costs nothing; settings make the worker try for ever."""

    def ensure_connected(self, conn):
        conn.ensure_connection = functools.partial(
            conn.ensure_connection, interval_start=1, interval_step=0, interval_max=1
        )
        return super().ensure_connected(conn)


app = Celery("moments")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
