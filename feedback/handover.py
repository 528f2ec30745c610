"""Handing the tablet to the customer without handing over the staff member's session.

While a hand-over is on, the session is locked to the customer screen: every other page
(the log screen, the team panel, logout, admin) redirects back to it, whether reached by a
typed address, the back button or a stale tab. Only the staff member's exit, the
inactivity timeout, or the end of the thank-you page unlock it.
"""

import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from .models import Invitation

SESSION_KEY = "feedback_handover"
# Views the customer may reach while holding the tablet.
OPEN_DURING_HANDOVER = {"feedback:handover", "feedback:handover_exit"}


def start(request: HttpRequest, invitation: Invitation) -> None:
    request.session[SESSION_KEY] = {"token": invitation.token, "seen": time.time()}


def locked_token(request: HttpRequest) -> str | None:
    """The token the session is locked to, or None.

    A lock nobody has touched for FEEDBACK_HANDOVER_FORGET_SECONDS is dropped, so a tablet
    whose page died (battery, crash) is never stuck on the customer screen.
    """
    lock = getattr(request, "session", {}).get(SESSION_KEY)
    if not lock:
        return None
    if time.time() - lock["seen"] > settings.FEEDBACK_HANDOVER_FORGET_SECONDS:
        end(request)
        return None
    return lock["token"]


def touch(request: HttpRequest) -> None:
    lock = request.session.get(SESSION_KEY)
    if lock:
        request.session[SESSION_KEY] = {**lock, "seen": time.time()}


def language(request: HttpRequest, chosen: str | None) -> str | None:
    """The language the customer picked on the tablet, remembered until the hand-over ends."""
    lock = request.session.get(SESSION_KEY)
    if lock and chosen:
        request.session[SESSION_KEY] = {**lock, "lang": chosen}
        return chosen
    return (lock or {}).get("lang")


def end(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


class HandoverLockMiddleware:
    """Keep a locked session on the customer screen, whatever address it asks for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name in OPEN_DURING_HANDOVER:
            return None
        if locked_token(request) is None:
            return None
        target = reverse("feedback:handover")
        if request.headers.get("HX-Request"):
            # A stale htmx page (a poll, a button) must not swap staff data in: send it away.
            return HttpResponse(status=204, headers={"HX-Redirect": target})
        return HttpResponseRedirect(target)
