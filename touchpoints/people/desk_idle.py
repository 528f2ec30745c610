"""A desk tablet left alone goes back to the desk screen, and its sign-in ends.

The page's own timer (static/js/desk_idle.js) signs out after DESK_IDLE_MINUTES without a
touch; this middleware makes sure a session the page did not end (the tablet asleep, the
script stopped) cannot be picked up again: a desk session not used for that long is signed
out on its next request. Polls (htmx GETs) are not use: the nav's counts refresh on their own.
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from .desk_sign_in import SEEN_KEY


def idle_seconds() -> float:
    return settings.DESK_IDLE_MINUTES * 60


def slack_seconds() -> float:
    """How stale the stamp may get before it is written again: at most one session write a
    minute per tablet, paid for by signing out up to that much later than the idle time."""
    return min(60.0, idle_seconds() / 10)


class DeskIdleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seen = request.session.get(SEEN_KEY)
        if seen is not None:
            idle = time.time() - seen
            if idle > idle_seconds() + slack_seconds():
                logout(request)
            elif idle > slack_seconds() and _is_use(request):
                request.session[SEEN_KEY] = time.time()
        return self.get_response(request)


def _is_use(request: HttpRequest) -> bool:
    return not (request.method == "GET" and request.headers.get("HX-Request"))


def desk_idle(request: HttpRequest) -> dict:
    """Context processor: the page's idle timer (base.html) counts the same time."""
    return {"desk_idle_seconds": round(idle_seconds())}
