from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from touchpoints.access import role_required
from touchpoints.models import Moment, Role

from .forms import AnswerForm
from .invitations import AlreadyAnswered, Expired, invitation_for, qr_svg, record_answer
from .models import Invitation


@require_POST
@role_required(Role.FRONTLINE)
def invite(request, moment_uuid):
    moment = get_object_or_404(Moment, uuid=moment_uuid, staff=request.user)
    invitation = invitation_for(moment)
    url = request.build_absolute_uri(invitation.get_absolute_url())
    return render(
        request,
        "feedback/handover.html",
        {"invitation": invitation, "url": url, "qr": qr_svg(url)},
    )


def answer(request, token: str):
    """The public page. Opening it records nothing; only an explicit submit does."""
    invitation = Invitation.objects.filter(token=token).select_related("moment__touchpoint_type")
    invitation = invitation.first()
    if invitation is None:
        raise Http404
    touchpoint_type = invitation.moment.touchpoint_type
    options = {"asks_nps": touchpoint_type.asks_nps, "asks_effort": touchpoint_type.asks_effort}
    if hasattr(invitation, "answer"):
        return render(request, "feedback/answer.html", {"state": "answered"})
    if invitation.is_expired:
        return render(request, "feedback/answer.html", {"state": "expired"}, status=410)
    form = AnswerForm(request.POST if request.method == "POST" else None, **options)
    if request.method == "POST" and form.is_valid():
        try:
            record_answer(invitation, form.save(commit=False))
        except AlreadyAnswered:
            return render(request, "feedback/answer.html", {"state": "answered"})
        except Expired:
            return render(request, "feedback/answer.html", {"state": "expired"}, status=410)
        return render(request, "feedback/answer.html", {"state": "thanks"})
    status = 422 if form.errors else 200
    context = {"state": "open", "form": form, "touchpoint_type": touchpoint_type}
    return render(request, "feedback/answer.html", context, status=status)
