"""GET (or HEAD) /health/: whether this server reaches its database and its broker.

Compose's health check and any load balancer call it. 200 when both answer, 503 when either
does not; the body names which, so whoever is on call knows where to look.
"""

import logging

import redis
from django.conf import settings
from django.db import Error as DatabaseError
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

log = logging.getLogger(__name__)

# A health check that hangs is worse than one that says "down": the caller times out blind.
BROKER_TIMEOUT_SECONDS = 2


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        log.warning("health: database unreachable", exc_info=True)
        return "unreachable"
    return "ok"


def broker_status() -> str:
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return "in-process"  # embedded mode: tasks run in the request, there is no broker
    client = redis.Redis.from_url(
        url, socket_connect_timeout=BROKER_TIMEOUT_SECONDS, socket_timeout=BROKER_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    except redis.RedisError:
        log.warning("health: broker unreachable", exc_info=True)
        return "unreachable"
    finally:
        client.close()
    return "ok"


@require_safe  # GET, and HEAD for load balancers that ask only for the status
@never_cache
def health(request):
    report = {"database": database_status(), "broker": broker_status()}
    healthy = all(status != "unreachable" for status in report.values())
    return JsonResponse(report, status=200 if healthy else 503)
