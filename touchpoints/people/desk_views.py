"""The desk screen of a registered tablet: names, then a PIN pad. And a person's own PIN."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from ..models import User
from .desk_forms import MyPinForm, PinForm
from .desk_sign_in import people_at, person_at, refusal, sign_in, try_pin
from .desks import desk_for


def desk_aware_login(login_view):
    """/login/ on a desk tablet shows the desk screen; "Sign in with password" (?password=1)
    and every POST still reach the password form, its fields unchanged."""

    def view(request, *args, **kwargs):
        if request.method == "GET" and "password" not in request.GET and desk_for(request):
            return redirect("desk:screen")
        return login_view(request, *args, **kwargs)

    return view


@never_cache
@require_GET
def screen(request):
    """The location's people as tiles, the most recent here first, and a badge field."""
    desk = desk_for(request)
    if desk is None:
        return redirect(f"{reverse('login')}?password=1")
    badge = request.GET.get("badge", "").strip()
    if badge:
        person = person_at(desk, badge=badge)
        if person is not None:
            return redirect("desk:pin", person_id=person.pk)
    context = {"desk": desk, "people": people_at(desk), "badge": badge}
    return render(request, "touchpoints/desk.html", context, status=404 if badge else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def pin(request, person_id: int):
    """The PIN pad for one person; the right PIN signs them in and opens the log screen."""
    desk = desk_for(request)
    if desk is None:
        return redirect("login")
    person = person_at(desk, pk=person_id)
    if person is None:
        raise Http404
    form = PinForm(request.POST or None)
    problem, status = "", 200
    if not person.has_pin:
        problem, status = _no_pin_yet(), 403
    elif request.method == "POST" and form.is_valid():
        result = try_pin(desk, person, form.cleaned_data["pin"])
        if result.right:
            sign_in(request, person)
            return redirect("touchpoints:log")
        problem, status = refusal(result, desk), 429 if result.locked_until else 403
        form = PinForm()
    context = {"desk": desk, "person": person, "form": form, "problem": problem}
    return render(request, "touchpoints/desk_pin.html", context, status=status)


def _no_pin_yet() -> str:
    return _(
        "You have no PIN yet. Ask your manager for a welcome link to set one, "
        "or sign in with your password."
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def my_pin(request):
    """A signed-in person sets or changes their own desk PIN."""
    person: User = request.user
    form = MyPinForm(person, request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your PIN is set. Use it on the desk tablets."))
        return redirect("touchpoints:log")
    status = 422 if form.errors else 200
    return render(request, "touchpoints/my_pin.html", {"form": form}, status=status)
