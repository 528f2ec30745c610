"""The remedy screens of the front line: give one for a moment (from the log screen's saved
card, a recovery card, or My moments), and correct one just given. The log screen's script
queues the same POST in its outbox, so a remedy given offline arrives once, after its moment."""

import uuid

from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from . import remedies
from .models import Moment, Remedy
from .redirects import next_on_this_site
from .views import frontline, wants_json

# How each refusal answers the tablet: its queue keeps the remedy with the reason shown.
REFUSAL_STATUS = {"refused": 403, "id_in_use": 409, "no_moment": 404}


def remedy_fields(data) -> dict:
    """The posted remedy, as `remedies.give_remedy` takes it."""
    return {
        "remedy_uuid": _uuid(data.get("uuid")),
        "moment_uuid": _uuid(data.get("moment")),
        "kind_id": data.get("remedy_kind", ""),
        "amount": data.get("amount", ""),
        "reason": data.get("reason", ""),
    }


def remedy_as_json(staff, data) -> JsonResponse:
    """Give the posted remedy for `staff` and answer the tablet (also used for sealed ones)."""
    fields = remedy_fields(data)
    if fields["remedy_uuid"] is None or fields["moment_uuid"] is None:
        reason = gettext("It came without its IDs, so it was not stored.")
        return JsonResponse({"error": reason, "code": "refused"}, status=400)
    try:
        remedy, created = remedies.give_remedy(staff, **fields)
    except remedies.RemedyRefused as refusal:
        status = REFUSAL_STATUS.get(refusal.code, 422)
        return JsonResponse({"error": str(refusal), "code": refusal.code}, status=status)
    return JsonResponse(_confirmation(staff, remedy, created), status=201 if created else 200)


def _confirmation(staff, remedy: Remedy, created: bool) -> dict:
    budget = remedies.budget_left(staff.team)
    return {
        "uuid": str(remedy.uuid),
        "created": created,
        "summary": f"{remedy.kind}, {remedy.amount} {remedy.currency}",
        "budget_left": str(budget.left),
        "currency": budget.currency,
    }


@require_POST
@frontline
def give(request):
    """The remedy's POST: JSON for the tablet's queue, a page again for a plain form."""
    if wants_json(request):
        return remedy_as_json(request.user, request.POST)
    fields = remedy_fields(request.POST)
    moment = _own_team_moment(request, fields["moment_uuid"])
    try:
        remedies.give_remedy(
            request.user, **{**fields, "remedy_uuid": fields["remedy_uuid"] or uuid.uuid4()}
        )
    except remedies.RemedyRefused as refusal:
        status = REFUSAL_STATUS.get(refusal.code, 422)
        return _page(request, moment, error=str(refusal), status=status)
    back = next_on_this_site(request, request.POST.get("next"))
    return redirect(back or f"{reverse('touchpoints:log')}?remedied={moment.uuid}")


@frontline
def page(request, moment_uuid):
    """Give a remedy for one moment of the team, on a page of its own (no script needed)."""
    return _page(request, _own_team_moment(request, moment_uuid))


def _own_team_moment(request, moment_uuid) -> Moment:
    return get_object_or_404(
        Moment.objects.select_related("touchpoint_type"), uuid=moment_uuid, team=request.user.team
    )


def _page(request, moment: Moment, error: str = "", status: int = 200):
    data = request.POST if request.method == "POST" else {}
    context = {
        "moment": moment,
        "kinds": remedies.kinds_for(request.user.team),
        "budget": remedies.budget_left(request.user.team),
        "given": moment.remedies.select_related("kind"),
        "error": error,
        "entered": data,
        "remedy_uuid": data.get("uuid") or uuid.uuid4(),
        "next": next_on_this_site(request, request.GET.get("next") or data.get("next")) or "",
    }
    return render(request, "touchpoints/remedy.html", context, status=status)


@frontline
def correct(request, remedy_uuid):
    remedy = get_object_or_404(
        Remedy.objects.select_related("kind", "moment__touchpoint_type"),
        uuid=remedy_uuid,
        given_by=request.user,
    )
    error, status = "", 200
    if request.method == "POST":
        try:
            remedies.correct_remedy(
                request.user,
                remedy,
                request.POST.get("remedy_kind"),
                request.POST.get("amount"),
                request.POST.get("reason", ""),
            )
            return redirect("touchpoints:mine")
        except remedies.RemedyRefused as refusal:
            error, status = str(refusal), 409 if refusal.code == "refused" else 422
    context = {
        "remedy": remedy,
        "kinds": remedies.kinds_for(request.user.team),
        "correctable": remedies.is_correctable(remedy),
        "error": error,
        "entered": request.POST,
    }
    return render(request, "touchpoints/remedy_correct.html", context, status=status)


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value or ""))
    except ValueError:
        return None
