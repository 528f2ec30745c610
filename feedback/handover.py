"""Handing the tablet to the customer without handing over the staff member's session.

While a hand-over is on, the session is locked to the customer screen: every other page
(the log screen, the team panel, logout, admin) redirects back to it, whether reached by a
typed address, the back button or a stale tab. The customer's answer, the inactivity
timeout and the staff member's hold on the corner all lead to the give-back screen, still
locked; only the PIN of the person signed in (or their password) unlocks it.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from touchpoints.people.desk_sign_in import refusal, try_pin
from touchpoints.people.desks import desk_for

from .models import Invitation

SESSION_KEY = "feedback_handover"
# Views the customer may reach while holding the tablet.
OPEN_DURING_HANDOVER = {"feedback:handover", "feedback:handover_exit", "feedback:handback"}


def start(request: HttpRequest, invitation: Invitation) -> None:
    request.session[SESSION_KEY] = {"token": invitation.token, "seen": time.time()}


def locked_token(request: HttpRequest) -> str | None:
    """The token the session is locked to, or None.

    A lock nobody has touched for FEEDBACK_HANDOVER_FORGET_SECONDS is dropped, so a tablet
    whose page died (battery, crash) is never stuck on the customer screen. Nobody gave the
    staff member's PIN, so dropping it signs them out: it never opens a staff page.
    """
    lock = getattr(request, "session", {}).get(SESSION_KEY)
    if not lock:
        return None
    if time.time() - lock["seen"] > settings.FEEDBACK_HANDOVER_FORGET_SECONDS:
        logout(request)
        return None
    return lock["token"]


def give_back(request: HttpRequest) -> None:
    """The customer is done (or gone): the tablet now waits for its staff member."""
    lock = request.session.get(SESSION_KEY)
    if lock:
        request.session[SESSION_KEY] = {**lock, "back": True, "seen": time.time()}


def giving_back(request: HttpRequest) -> bool:
    return bool(request.session.get(SESSION_KEY, {}).get("back"))


def asks_for_pin(request: HttpRequest) -> bool:
    """The PIN on a desk tablet when the person has one; their password everywhere else."""
    return desk_for(request) is not None and request.user.has_pin


@dataclass
class Proof:
    right: bool
    problem: str = ""


def check_staff(request: HttpRequest, *, pin: str = "", password: str = "") -> Proof:
    """Whether the person signed in proved it is them. A wrong PIN counts towards their
    lock at this desk, a wrong password towards the password sign-in's throttle."""
    person = request.user
    if pin and asks_for_pin(request):
        desk = desk_for(request)
        result = try_pin(desk, person, pin)
        return Proof(result.right, "" if result.right else refusal(result, desk))
    if password:
        found = authenticate(request, username=person.username, password=password)
        if found is not None and found.pk == person.pk:
            return Proof(True)
    return Proof(False, _("That is not right. Staff: try again."))


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
        target = reverse("feedback:handback" if giving_back(request) else "feedback:handover")
        if request.headers.get("HX-Request"):
            # A stale htmx page (a poll, a button) must not swap staff data in: send it away.
            return HttpResponse(status=204, headers={"HX-Redirect": target})
        return HttpResponseRedirect(target)
