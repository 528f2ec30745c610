"""The app's URLs plus /bench/bare-save/: the same row inserted with none of the real work.

No session, CSRF, validation, idempotency or roll-up bookkeeping: just an INSERT through
the ORM. The real save (/log/) is measured against it in the same run.
"""

import uuid
from functools import cache

from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from touchpoints.models import Moment, TouchpointType, User


@cache
def _fixture(username: str) -> tuple[User, TouchpointType]:
    staff = User.objects.select_related("team__location").get(username=username)
    return staff, TouchpointType.objects.get(name="Bench desk")


@csrf_exempt
def bare_save(request):
    staff, touchpoint_type = _fixture(request.POST["who"])
    moment = Moment(
        uuid=uuid.uuid4(),
        staff=staff,
        team=staff.team,
        location=staff.team.location,
        touchpoint_type=touchpoint_type,
        outcome=int(request.POST["outcome"]),
        resolved_on_spot=True,
    )
    moment.save()
    return JsonResponse({"uuid": str(moment.uuid)}, status=201)


urlpatterns = [
    path("bench/bare-save/", bare_save),
    path("", include("config.urls")),
]
