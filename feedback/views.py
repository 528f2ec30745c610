import json
import secrets

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from touchpoints import loggable_types
from touchpoints.access_records import AccessRecord, record_access
from touchpoints.models import Moment, Role
from touchpoints.people.access import role_required
from touchpoints.people.desk_idle import idle_seconds
from touchpoints.people.desks import desk_for
from touchpoints.views import asked_note, wants_json

from . import branding, rate_limits
from . import handover as lock
from .answering import (
    PageState,
    answer_invitation,
    customer_language,
    invitation_at,
    language_choices,
)
from .contact import contact_for, contact_of
from .forms import RecoveryCloseForm
from .invitations import AskedRecently, invitation_for, public_url, qr_svg
from .models import Invitation, Recovery
from .queue import queue_context
from .recovery import AlreadyClosed, AlreadyTaken, NotYourTeam, check_team, close, take
from .templatetags.frontline_badges import frontline_badges


@require_http_methods(["GET", "POST"])
@role_required(Role.FRONTLINE)
def invite(request, moment_uuid):
    """POST asks the customer (once per moment); GET shows that invitation again as a page."""
    moment = get_object_or_404(Moment, uuid=moment_uuid, staff=request.user)
    if request.method == "POST":
        try:
            invitation = invitation_for(moment)
        except AskedRecently as held:
            return _asked_recently(request, moment, held)
        if not request.htmx:
            return redirect("feedback:invite", moment_uuid=moment.uuid)
    else:
        invitation = get_object_or_404(Invitation, moment=moment)
        if request.GET.get("poll") and invitation.is_open:
            return HttpResponse(status=204)  # the panel polls: still waiting, nothing to swap
    url = public_url(invitation, request)
    context = {"invitation": invitation, "url": url, "qr": qr_svg(url)}
    template = "feedback/handover.html" if request.htmx else "feedback/invitation.html"
    return render(request, template, context)


def _locked_down(response, language: str, script_nonce: str = ""):
    """Customer pages allow nothing but their own inline style (and, on the tablet, its one
    script): should escaping ever fail, an injected script or image still cannot run or load."""
    scripts = f"'nonce-{script_nonce}'" if script_nonce else "'none'"
    response["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data: 'self'; "
        f"script-src {scripts}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )
    response["Content-Language"] = language
    return response


def _public(request, state: PageState, status: int, language: str, headers=None):
    """A public page in the customer's language, never cached: it is one customer's."""
    with translation.override(language):
        response = render(request, "feedback/answer.html", state.context, status=status)
    _locked_down(response, language)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _limited(request, rule: rate_limits.Limit, language: str):
    headers = {"Retry-After": str(rule.retry_after())}
    return _public(request, PageState("limited"), 429, language, headers)


@require_http_methods(["GET", "POST"])
@never_cache
def answer(request, token: str):
    """The public page. Opening it records nothing; only an explicit submit does.

    A real token is always answered: no count of other people's requests (bogus links from
    the same airport Wi-Fi, someone opening a QR code they saw) may lock its customer out.
    Only unknown tokens are counted, per address, so that guessing stays slow.
    """
    # ?lang= is the page's own switch; the form posts back to the same address, so the
    # choice holds for the whole visit. A code not offered is ignored.
    language = customer_language(request, chosen=request.GET.get("lang"))
    invitation = invitation_at(token)
    if invitation is None:
        misses = rate_limits.limit("miss")
        if not rate_limits.hit(misses, rate_limits.client_address(request)):
            return _limited(request, misses, language)
        # Deliberately bare: it must not hint that anything was ever here, or what.
        return render(request, "feedback/not_found.html", status=404)
    with translation.override(language):
        # Only here, on the customer's own device, is a way to reach them asked for: at the
        # desk the staff member is standing right there.
        state, status = answer_invitation(request, invitation, offers_contact=True)
        state.context["airline"] = branding.airline()  # its name in the customer's language
    state.context.update(page_languages=language_choices(), language=language)
    return _public(request, state, status, language)


@require_POST
@role_required(Role.FRONTLINE)
def handover_start(request, moment_uuid):
    """The staff member hands the tablet over: lock this session to the customer screen."""
    moment = get_object_or_404(Moment, uuid=moment_uuid, staff=request.user)
    try:
        lock.start(request, invitation_for(moment))
    except AskedRecently as held:
        return _asked_recently(request, moment, held)
    return redirect("feedback:handover")


def _asked_recently(request, moment, held: AskedRecently):
    """Not asked: the customer was asked recently. The tablet shows the date instead."""
    context = {"moment": moment, "note": asked_note(moment), "last_asked_at": held.last_asked_at}
    template = "feedback/asked_recently.html"
    response = render(request, f"{template}#notice" if request.htmx else template, context)
    response["X-Asked-On"] = held.last_asked_at.date().isoformat()
    return response


@never_cache
@role_required(Role.FRONTLINE)
def handover(request):
    """The customer screen on the staff tablet: the public form, and nothing of the staff's."""
    token = lock.locked_token(request)
    if token is None:
        return redirect("touchpoints:log")
    if lock.giving_back(request):
        return redirect("feedback:handback")
    invitation = invitation_at(token)
    if invitation is None:
        lock.give_back(request)
        return redirect("feedback:handback")
    lock.touch(request)
    chosen = lock.language(request, request.GET.get("lang"))
    language = customer_language(request, chosen=chosen)
    with translation.override(language):
        state, status = answer_invitation(request, invitation)
        nonce = secrets.token_urlsafe(16)
        state.context.update(
            airline=branding.airline(),
            idle_seconds=settings.FEEDBACK_HANDOVER_IDLE_SECONDS,
            thank_you_seconds=settings.FEEDBACK_THANK_YOU_SECONDS,
            # In milliseconds: a whole number, written the same in every language.
            exit_hold_ms=round(settings.FEEDBACK_EXIT_HOLD_SECONDS * 1000),
            languages=language_choices(),
            language=language,
            nonce=nonce,
        )
        response = render(request, "feedback/handover_screen.html", state.context, status=status)
    return _locked_down(response, language, script_nonce=nonce)


@never_cache
@role_required(Role.FRONTLINE)
def handover_exit(request):
    """To the give-back screen: the staff member's long press, the idle timeout (both POST),
    or the thank-you page running out (GET, honoured only once there is nothing to answer)."""
    token = lock.locked_token(request)
    if token is None:
        return redirect("touchpoints:log")
    invitation = invitation_at(token)
    still_open = invitation is not None and invitation.is_open
    if request.method != "POST" and still_open and not lock.giving_back(request):
        return redirect("feedback:handover")
    lock.give_back(request)
    return redirect("feedback:handback")


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(Role.FRONTLINE)
def handback(request):
    """ "Please give the tablet back": the staff view returns only with the PIN of the person
    signed in (or their password). On a desk, a colleague may sign them out instead."""
    if lock.locked_token(request) is None:
        return redirect("touchpoints:log")
    if not lock.giving_back(request):
        return redirect("feedback:handover")
    lock.touch(request)
    on_desk = desk_for(request) is not None
    problem, status = "", 200
    if request.method == "POST":
        if on_desk and "switch" in request.POST:
            logout(request)
            return redirect("desk:screen")
        pin, password = request.POST.get("pin", ""), request.POST.get("password", "")
        proof = lock.check_staff(request, pin=pin[:6], password=password[:4096])
        if proof.right:
            lock.end(request)
            return redirect("touchpoints:log")
        problem, status = proof.problem, 403
    with_pin = lock.asks_for_pin(request) and request.GET.get("with") != "password"
    nonce = secrets.token_urlsafe(16)
    context = {
        "with_pin": with_pin,
        "can_use_password": request.user.has_usable_password(),
        "on_desk": on_desk,
        "problem": problem,
        "nonce": nonce,
        "idle_seconds": round(idle_seconds()) if on_desk else 0,
    }
    response = render(request, "feedback/give_back.html", context, status=status)
    return _locked_down(response, translation.get_language(), script_nonce=nonce)


QUEUE_TEMPLATE = "feedback/queue.html"


def _show_all(request) -> bool:
    return request.GET.get("all") == "1"


def _queue(request, status: int = 200, **options):
    """The queue page, or only its list for htmx (a poll, "show more", an action)."""
    context = queue_context(request.user, show_all=_show_all(request), **options)
    cards = [*context["cards"], *context["lapsed"]]
    with_contact = [card.recovery.pk for card in cards if contact_of(card.recovery)]
    if with_contact:  # who saw which customers' contact details (docs/privacy.md)
        selection = {"team": request.user.team_id, "recoveries": with_contact}
        record_access(request, AccessRecord.What.RECOVERIES, selection)
    template = f"{QUEUE_TEMPLATE}#queue" if request.htmx else QUEUE_TEMPLATE
    return render(request, template, context, status=status)


@never_cache
@role_required(Role.FRONTLINE)
def queue(request):
    """The team's recoveries to put right, most urgent first; "?all=1" shows every one."""
    return _queue(request)


@never_cache
@role_required(Role.FRONTLINE)
def badges(request):
    """The navigation's counts, refreshed by a poll: what to put right, answers not yet seen.

    It also tells the page the touchpoint types' version, read with the person at no cost
    of its own: a log screen whose tiles are older fetches them again (log_current.js).
    """
    context = {"badges": frontline_badges(request.user)}
    parts = [f"touchpoints/_nav.html#{name}" for name in ("queue-badge", "needs-badge")]
    response = HttpResponse("".join(render_to_string(part, context, request) for part in parts))
    response["HX-Trigger"] = json.dumps({"typesVersion": loggable_types.version_of(request.user)})
    return response


@never_cache
@role_required(Role.FRONTLINE)
def team_panel(request):
    """Where the list under the log form used to come from: a log screen still open on a
    tablet from before polls it, and is told to stop (286); a bookmark goes to the queue."""
    if request.htmx:
        return HttpResponse(status=286)
    return redirect("feedback:queue")


def _seen_taker(request) -> int | None:
    try:
        return int(request.POST.get("seen_taker", ""))
    except ValueError:
        return None


@require_POST
@role_required(Role.FRONTLINE)
def recovery_take(request, recovery_id: int):
    try:
        take(recovery_id, request.user, seen_taker_id=_seen_taker(request))
    except (NotYourTeam, Recovery.DoesNotExist):
        return render(request, "404.html", status=404)
    except AlreadyTaken as taken:
        who = taken.recovery.taken_by
        notice = _("%(who)s took it a moment before you.") % {"who": who.get_full_name() or who}
        return _queue(request, notices={recovery_id: notice})
    except AlreadyClosed:
        pass  # a colleague closed it meanwhile: the fresh list shows that
    return _after_action(request)


@require_POST
@role_required(Role.FRONTLINE)
def recovery_close(request, recovery_id: int):
    # The team first: the form's choices depend on the customer's contact details, so judging
    # another team's form would tell that team whether the customer left any (404 or 422).
    try:
        check_team(recovery_id, request.user)
    except NotYourTeam:
        return render(request, "404.html", status=404)
    contact = contact_for(recovery_id)
    form = RecoveryCloseForm(request.POST, prefix=f"r{recovery_id}", contact=contact)
    if not form.is_valid():
        return _queue(request, status=422, failed_form=(recovery_id, form))
    try:
        close(recovery_id, request.user, **form.cleaned_data)
    except (NotYourTeam, Recovery.DoesNotExist):
        return render(request, "404.html", status=404)
    except AlreadyClosed:
        pass
    return _after_action(request)


def _after_action(request):
    if request.htmx:
        return _queue(request)
    url = reverse("feedback:queue")
    return redirect(f"{url}?all=1" if _show_all(request) else url)


@never_cache
def link_not_found(request, malformed: str):
    """A link no invitation could have (cut off, mistyped, or made up): the page an unknown
    token gets, without looking anything up."""
    return render(request, "feedback/not_found.html", status=404)


def csrf_failure(request, reason: str = ""):
    """A kind page for a customer whose form went stale; a reason the tablet's queue can show
    for a script that asks for JSON; Django's own page for the rest."""
    view_name = request.resolver_match.view_name if request.resolver_match else ""
    if view_name == "feedback:answer":
        return _public(request, PageState("stale"), 403, customer_language(request))
    if view_name in ("feedback:handover", "feedback:handback"):
        return redirect(view_name)
    if wants_json(request):
        message = _("The server's security check refused it: reload the page, then try again.")
        return JsonResponse({"error": message, "code": "csrf"}, status=403)
    return django_csrf_failure(request, reason)


LOGO_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


@require_http_methods(["GET", "HEAD"])
def logo(request, digest: str):
    """The airline's logo for the customer's page (feedback/branding.py). The address holds
    the start of its digest, so a browser keeps it until an admin uploads another."""
    current = branding.current_digest()
    if not current:
        return HttpResponse(status=404)
    etag = f'"{current[:16]}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        stored = branding.logo_bytes(current)
        if stored is None:  # replaced or removed a moment ago
            return HttpResponse(status=404)
        response = HttpResponse(stored[0], content_type=stored[1])
        response["X-Content-Type-Options"] = "nosniff"
        # Opened on its own, an SVG may still not run or load anything.
        response["Content-Security-Policy"] = LOGO_POLICY
    response["ETag"] = etag
    fresh = digest == current[:16]
    # An old address (a page opened before the change) gets the new logo, kept briefly.
    response["Cache-Control"] = "public, " + (
        "max-age=31536000, immutable" if fresh else "max-age=300"
    )
    return response
