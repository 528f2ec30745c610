import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse

from .access import role_required
from .forms import MomentForm
from .models import Moment, Role
from .moments import NotYourMoment, record_moment

HOME_BY_ROLE = {
    Role.ADMIN: "admin:index",
    Role.MANAGER: "dashboards:dashboard",
    Role.FRONTLINE: "touchpoints:log",
}


@login_required
def home(request):
    role = request.user.role
    if role is None:
        raise PermissionDenied("Your account has no role yet. Ask an admin to give you one.")
    return redirect(HOME_BY_ROLE[role])


def fresh_form() -> MomentForm:
    return MomentForm(initial={"uuid": uuid.uuid4()})


@role_required(Role.FRONTLINE)
def log_moment(request):
    if request.user.team is None:
        raise PermissionDenied("You are not in a team yet, so moments cannot be logged for you.")
    saved = None
    if request.method == "POST":
        form = MomentForm(request.POST)
        if form.is_valid():
            try:
                saved, _created = record_moment(
                    request.user, form.save(commit=False), form.cleaned_data["uuid"]
                )
            except NotYourMoment as exc:
                raise PermissionDenied from exc
            if not request.htmx:
                return redirect(f"{reverse('touchpoints:log')}?saved={saved.uuid}")
            form = fresh_form()
    else:
        form = fresh_form()
        saved = Moment.objects.filter(
            uuid=_uuid_or_none(request.GET.get("saved")), staff=request.user
        ).first()
    template = "touchpoints/log.html#log-panel" if request.htmx else "touchpoints/log.html"
    status = 422 if form.errors else 200
    return render(request, template, {"form": form, "saved": saved}, status=status)


def _uuid_or_none(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value or "")
    except ValueError:
        return None
