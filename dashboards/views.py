from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from touchpoints.access import role_required
from touchpoints.models import Role

from . import figures


@role_required(Role.MANAGER, Role.ADMIN)
def dashboard(request):
    locations = list(request.user.visible_locations())
    chosen = request.GET.get("location")
    if chosen:
        locations = [loc for loc in locations if str(loc.pk) == chosen]
        if not locations:
            raise PermissionDenied("That location is not one of yours.")
    context = {
        "locations": list(request.user.visible_locations()),
        "chosen": chosen,
        "headline": figures.headline(locations),
        "by_location": figures.by_location(locations, days=7),
        "by_type": figures.by_touchpoint_type(locations, days=7),
    }
    return render(request, "dashboards/dashboard.html", context)
