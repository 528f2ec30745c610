import hashlib
import uuid
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from . import (
    corrections,
    extra_fields,
    icons,
    loggable_types,
    offline_copy,
    remedies,
    sealed_moments,
)
from .access_records import AccessRecord, record_access
from .customers import customer_history, hash_ref, last_invited
from .forms import CorrectionForm, MomentForm, NeedForm
from .models import Moment, Role, Team
from .moments import (
    NotYourMoment,
    UndoRefused,
    UuidReused,
    moments_today,
    record_moment,
    undo_moment,
)
from .needs import (
    answer_banners,
    dismiss_raised,
    just_raised,
    mark_answers_seen,
    needs_of,
    raise_need,
    raised_banner,
    unseen_answers,
)
from .people.sign_in import person

HOME_BY_ROLE = {
    Role.ADMIN: "admin:index",
    Role.MANAGER: "dashboards:dashboard",
    Role.FRONTLINE: "touchpoints:log",
}


@login_required
def home(request):
    role = request.user.role
    if role is None:
        raise PermissionDenied(
            gettext("Your account has no role yet. Ask an admin to give you one.")
        )
    return redirect(HOME_BY_ROLE[role])


def frontline(view):
    """Frontline role and a team: a moment always belongs to the logger's team."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        request.user.team = frontline_team(request.user)
        if request.user.team is None:
            if not request.user.has_role(Role.FRONTLINE):
                return _refused(request, gettext("Only frontline staff log moments: ask an admin."))
            return _refused(
                request, gettext("You are not in a team yet, so moments cannot be logged for you.")
            )
        # Times on these screens are the desk's own local times.
        with timezone.override(request.user.team.location.tz):
            return view(request, *args, **kwargs)

    return wrapped


# Tells the tablet that the moment was not stored and is safe to send under a new ID.
ID_IN_USE = "id_in_use"
# Tells the tablet that only the type was refused (archived since the page was loaded): it
# asks the person for another type and keeps everything else (static/js/log_current.js).
TYPE_UNAVAILABLE = "type_unavailable"


def _refused(request, reason: str, code: str = "refused"):
    """403 with the reason: JSON for the tablet's queue, which shows it beside the moment."""
    if wants_json(request):
        return JsonResponse({"error": reason, "code": code}, status=403)
    raise PermissionDenied(reason)


def frontline_team(user) -> Team | None:
    """The person's team with its location, if they hold the frontline role.

    Signed in through `PersonBackend`, the user already carries all three; otherwise (a
    session from another backend) one query fetches them.
    """
    if hasattr(user, "is_frontline"):
        return user.team if user.is_frontline else None
    return (
        Team.objects.select_related("location")
        .filter(pk=user.team_id, members=user, members__groups__name=Role.FRONTLINE)
        .order_by()  # one row at most: no sort by the default ordering
        .first()
    )


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def fresh_form(staff) -> MomentForm:
    return MomentForm(initial={"uuid": uuid.uuid4(), "team": staff.team_id}, staff=staff)


@frontline
def log_moment(request):
    """The log screen. The tablet's script posts here for JSON; without script, a plain form."""
    if request.method != "POST":
        if request.GET.get("part") == "types":
            return _type_tiles(request)
        saved = Moment.objects.filter(
            uuid=_uuid_or_none(request.GET.get("saved")), staff=request.user
        ).first()
        raised = raised_banner(request.user, request.session, request.GET.get("need_raised"))
        response = _log_page(request, fresh_form(request.user), saved, raised_need=raised)
        response[offline_copy.HEADER] = offline_copy.copy_header(request)
        return response
    form = MomentForm(request.POST, staff=request.user)
    if not form.is_valid():
        status = 403 if form.refused_for_team() else 422
        if wants_json(request):
            return _invalid_json(form, status)
        return _log_page(request, form, None, status=status)
    try:
        saved, created = record_moment(
            request.user,
            form.unsaved_moment(),
            form.cleaned_data["uuid"],
            timed_by_tablet=bool(request.POST.get("occurred_at")),
        )
    except NotYourMoment:
        reason = gettext(
            "It came with the ID of a moment someone else logged, so it was not stored."
        )
        return _refused(request, reason, code=ID_IN_USE)
    except UuidReused as refusal:
        if wants_json(request):
            return JsonResponse({"error": str(refusal), "code": ID_IN_USE}, status=409)
        return _log_page(request, _as_new_moment(request, refusal), None, status=409)
    if wants_json(request):
        body = {"uuid": str(saved.uuid), "created": created, "summary": _summary(saved)}
        if note := asked_note(saved):
            body["asked"] = note
        return JsonResponse(body, status=201 if created else 200)
    return redirect(f"{reverse('touchpoints:log')}?saved={saved.uuid}")


@require_POST
@login_required
def send_sealed(request):
    """A moment sealed on this tablet by whoever logged it, sent by whoever's page is online:
    stored for the person whose key sealed it, with the same checks as their own save."""
    try:
        author_id, data = sealed_moments.open_sealed(
            request.POST.get("author", ""), request.POST.get("sealed", "")
        )
    except sealed_moments.Unreadable as refusal:
        return JsonResponse({"error": str(refusal), "code": "unreadable"}, status=400)
    author = request.user if author_id == request.user.pk else person(author_id)
    team = frontline_team(author) if author is not None and author.is_active else None
    if team is None:
        reason = gettext(
            "The person who logged it may no longer log moments here, so it was not stored."
        )
        return JsonResponse({"error": reason, "code": "refused"}, status=403)
    author.team = team
    with timezone.override(team.location.tz):
        if "remedy_kind" in data:  # a remedy queued with its moment
            from .remedy_views import remedy_as_json

            return remedy_as_json(author, data)
        return _saved_as_json(author, data)


def _saved_as_json(staff, data) -> JsonResponse:
    """The log screen's JSON save, for `staff` (the plain save keeps its own, query-lean path)."""
    form = MomentForm(data, staff=staff)
    if not form.is_valid():
        return _invalid_json(form, 403 if form.refused_for_team() else 422)
    try:
        saved, created = record_moment(
            staff,
            form.unsaved_moment(),
            form.cleaned_data["uuid"],
            timed_by_tablet=bool(data.get("occurred_at")),
        )
    except NotYourMoment:
        reason = gettext(
            "It came with the ID of a moment someone else logged, so it was not stored."
        )
        return JsonResponse({"error": reason, "code": ID_IN_USE}, status=403)
    except UuidReused as refusal:
        return JsonResponse({"error": str(refusal), "code": ID_IN_USE}, status=409)
    body = {"uuid": str(saved.uuid), "created": created, "summary": _summary(saved)}
    if note := asked_note(saved):
        body["asked"] = note
    return JsonResponse(body, status=201 if created else 200)


def _invalid_json(form: MomentForm, status: int) -> JsonResponse:
    """The form's errors for the tablet, with a code when only another type is needed."""
    body = {"errors": form.errors.get_json_data()}
    if set(form.errors) == {"touchpoint_type"} and form.has_error(
        "touchpoint_type", "invalid_choice"
    ):
        body["code"] = TYPE_UNAVAILABLE
    return JsonResponse(body, status=status)


def _as_new_moment(request, refusal: UuidReused) -> MomentForm:
    """The refused moment's form again, under a new ID, so that one tap saves it."""
    data = request.POST.copy()
    data["uuid"] = str(uuid.uuid4())
    form = MomentForm(data, staff=request.user)
    form.is_valid()
    form.add_error(None, f"{refusal} Save it again to keep it.")
    return form


ANSWERS_SHOWN = 3  # on the log screen; the rest are one tap away, under What I needed


def _log_page(request, form, saved, status=200, raised_need=None):
    context = {
        "form": form,
        "saved": saved,
        "asked_note": asked_note(saved) if saved is not None else None,
        "remedy_kinds": remedies.kinds_for(request.user.team),
        "budget": remedies.budget_left(request.user.team),
        "remedied": request.GET.get("remedied"),
        "undo_seconds": 8,
        "answered_needs": answer_banners(request.user, ANSWERS_SHOWN),
        "raised_need": raised_need,
        "types_version": loggable_types.version_of(request.user),
    }
    return render(request, "touchpoints/log.html", context, status=status)


def _type_tiles(request):
    """The tiles and extra fields alone, for a log screen whose types have changed since it
    was loaded (the navigation's poll tells it the types' version): its script swaps them in
    and keeps what the person has chosen and typed."""
    context = {
        "form": fresh_form(request.user),
        "types_version": loggable_types.version_of(request.user),
        "swap": True,
    }
    return render(request, "touchpoints/log.html#type-tiles", context)


def asked_note(moment: Moment) -> str | None:
    """ "Asked on 3 Dec ..." when the moment's customer was invited recently: the tablet
    shows it instead of the ask button (feedback/invitations.py holds the limit)."""
    last = last_invited(moment)
    if last is None:
        return None
    return gettext(
        "Asked on %(date)s: this customer was asked for feedback within the last %(days)s days,"
        " so not again now."
    ) % {
        "date": date_format(timezone.localtime(last), "j M"),
        "days": settings.INVITE_SAME_CUSTOMER_DAYS,
    }


def _summary(moment: Moment) -> str:
    return f"{moment.touchpoint_type.name}, {moment.get_outcome_display().lower()}"


@require_POST
@frontline
def undo(request, moment_uuid):
    requested_at = _tablet_time(request.POST.get("requested_at"))
    try:
        undone = undo_moment(request.user, moment_uuid, requested_at)
    except UndoRefused as refusal:
        if wants_json(request):
            return JsonResponse({"error": str(refusal)}, status=409)
        return render(request, "touchpoints/undo.html", {"error": str(refusal)}, status=409)
    if wants_json(request):
        return JsonResponse({"undone": undone is not None})
    return redirect("touchpoints:log")


@require_POST
@frontline
def customer(request):
    """The customer's recent moments, for the reference typed on the log screen."""
    raw = request.POST.get("customer_ref", "")
    context = {"history": customer_history(raw), "asked": bool(raw.strip())}
    if context["asked"]:  # who looked up which customer (by the hash, never the reference)
        selection = {"customer": hash_ref(raw), "moments_shown": len(context["history"].moments)}
        record_access(request, AccessRecord.What.CUSTOMER_HISTORY, selection)
    return render(request, "touchpoints/log.html#customer-history", context)


@frontline
def my_moments(request):
    moments = moments_today(request.user)
    for moment in moments:
        moment.extra_values = extra_fields.labelled_values(moment)
        moment.correctable = corrections.is_correctable(moment)
    context = {"moments": moments, "needs": needs_of(request.user)}
    return render(request, "touchpoints/mine.html", context)


@frontline
def correct(request, moment_uuid):
    moment = get_object_or_404(Moment, uuid=moment_uuid, staff=request.user)
    if not corrections.is_correctable(moment):
        return render(request, "touchpoints/correct.html", {"moment": moment}, status=409)
    data = request.POST if request.method == "POST" else None
    form = CorrectionForm(data, moment=moment, staff=request.user)
    if data is not None and form.is_valid():
        try:
            corrections.correct_moment(request.user, moment, form.cleaned_data)
        except corrections.CorrectionRefused as refusal:
            context = {"moment": moment, "error": str(refusal)}
            return render(request, "touchpoints/correct.html", context, status=409)
        return redirect("touchpoints:mine")
    status = 422 if form.errors else 200
    return render(
        request, "touchpoints/correct.html", {"moment": moment, "form": form}, status=status
    )


@frontline
def needs(request):
    """Tell management what was missing, and see what they answered."""
    initial = {"moment": request.GET.get("moment"), "kind": request.GET.get("kind")}
    form = NeedForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        need = raise_need(
            request.user,
            form.cleaned_data["kind"],
            form.cleaned_data["note"],
            form.cleaned_data["moment"],
        )
        # Back to the next customer, with a banner there: not one more tap to get back.
        return redirect(f"{reverse('touchpoints:log')}?need_raised={need.pk}")
    moment = Moment.objects.filter(
        uuid=_uuid_or_none(request.GET.get("moment")), staff=request.user
    ).first()
    # Opening this screen is seeing the answers: the ones new until now are marked once.
    fresh = set(unseen_answers(request.user).values_list("pk", flat=True))
    if fresh:
        mark_answers_seen(request.user, fresh)
    context = {
        "form": form,
        "moment": moment,
        "needs": needs_of(request.user),
        "fresh": fresh,
    }
    return render(request, "touchpoints/needs.html", context, status=422 if form.errors else 200)


@require_POST
@frontline
def need_seen(request, need_id: int):
    """The person dismissed the card saying their need was answered (and any it stood for:
    the same need raised again and answered alike shows as one card)."""
    also = [int(pk) for pk in request.POST.getlist("also") if pk.isdigit() and len(pk) < 12]
    mark_answers_seen(request.user, [need_id, *also])
    if request.htmx:
        # The card goes (hx-swap="delete"); the navigation's count follows, out of band.
        badges = {"needs": unseen_answers(request.user).order_by().count()}
        return render(request, "touchpoints/_nav.html#needs-badge", {"badges": badges})
    return redirect("touchpoints:log")


@require_POST
@frontline
def raised_seen(request, need_id: int):
    """The person dismissed the banner confirming a need they raised: it stays away."""
    need = just_raised(request.user, str(need_id))
    if need is not None:
        dismiss_raised(request.session, need)
    if request.htmx:
        return HttpResponse()  # the banner goes (hx-swap="delete")
    return redirect("touchpoints:log")


OFFLINE_SHELL = [
    "css/moments.css",
    "js/outbox.js",
    "js/log.js",
    "js/log_current.js",
    "js/remedy.js",
    "django_htmx/htmx-2.min.js",
    icons.SPRITE,
]


def service_worker(request):
    """The offline worker, served under /log/ so that its scope covers the log screen.

    Its cache is named after the static files' (hashed, in production) URLs, so a deploy
    that changes one starts a fresh cache and drops the old.
    """
    urls = [static(path) for path in OFFLINE_SHELL]
    version = hashlib.sha256("".join(urls).encode()).hexdigest()[:12]
    context = {"shell": urls, "version": version}
    response = render(request, "touchpoints/sw.js", context, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


def _uuid_or_none(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value or "")
    except ValueError:
        return None


def _tablet_time(value: str | None):
    try:
        return MomentForm.base_fields["occurred_at"].clean(value)
    except ValidationError:
        return None
