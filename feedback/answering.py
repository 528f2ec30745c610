"""Taking the customer's answer: the public page and the tablet hand-over share all of it."""

from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation.trans_real import parse_accept_lang_header

from . import contact
from .forms import AnswerForm, ContactForm
from .invitations import AlreadyAnswered, Expired, record_answer
from .models import Answer, FeedbackSettings, Invitation

# Tokens are 24 characters; anything much longer is not worth a database lookup.
MAX_TOKEN_LENGTH = 64
# A full answer (a 1000-character comment, every character 4 UTF-8 bytes, percent-encoded)
# stays well under this; anything bigger is refused before it is read.
MAX_POST_BYTES = 16 * 1024
TOO_BIG = 413


@dataclass
class PageState:
    """Which version of the answer page to show, and what it needs."""

    # open, thanks, answered, expired, limited, too_big, stale; contact_saved, contact_closed
    name: str
    context: dict = field(default_factory=dict)

    def __post_init__(self):
        self.context["state"] = self.name


def invitation_at(token: str | None) -> Invitation | None:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    invitation = Invitation.objects.filter(token=token)
    return invitation.select_related("moment__touchpoint_type", "moment__location").first()


def offered_languages() -> list[str]:
    """Languages customers may get: the admins' choice among those the app is translated to."""
    translated = dict(settings.LANGUAGES)
    chosen = [code for code in FeedbackSettings.current().languages if code in translated]
    return chosen or [settings.LANGUAGE_CODE]


def language_choices() -> list[tuple[str, str]]:
    """(code, name in that language) for each language offered, for the tablet's switch."""
    names = dict(settings.LANGUAGES)
    return [(code, names[code]) for code in offered_languages()]


def customer_language(request: HttpRequest, chosen: str | None = None) -> str:
    """`chosen` if offered, else the browser's first offered language, else the first one."""
    offered = offered_languages()
    if chosen in offered:
        return chosen
    for code, _weight in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        base = code.split("-")[0]
        if base in offered:
            return base
    return offered[0]


def _too_big(request: HttpRequest) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_POST_BYTES
    except ValueError:
        return True


def answer_invitation(
    request: HttpRequest, invitation: Invitation, offers_contact: bool = False
) -> tuple[PageState, int]:
    """Show the form on GET; record a valid answer on POST. Never records on opening.

    With `offers_contact` (the customer's own device), the thank-you page after an answer
    that opened a recovery offers the contact form, and its POST is taken here too.
    """
    if offers_contact and request.method == "POST" and "contact_key" in request.POST:
        if _too_big(request):
            return PageState("too_big"), TOO_BIG
        return _take_contact(request, invitation)
    if invitation.is_answered:
        return PageState("answered"), 200
    if invitation.is_expired:
        return PageState("expired"), 410
    if request.method == "POST" and _too_big(request):
        return PageState("too_big"), TOO_BIG
    touchpoint_type = invitation.moment.touchpoint_type
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        asks_nps=touchpoint_type.asks_nps,
        asks_effort=touchpoint_type.asks_effort,
    )
    if request.method == "POST" and form.is_valid():
        try:
            answer = record_answer(invitation, form.save(commit=False))
        except AlreadyAnswered:
            return PageState("answered"), 200
        except Expired:
            return PageState("expired"), 410
        return PageState("thanks", _thanks(answer, offers_contact)), 200
    context = {"form": form, "moment": invitation.moment}
    return PageState("open", context), 422 if form.errors else 200


def _thanks(answer: Answer, offers_contact: bool) -> dict:
    context = {"answer": answer}
    if offers_contact and hasattr(answer, "recovery"):
        offer = contact.new_offer(answer.invitation)
        context["contact_form"] = ContactForm(initial={"contact_key": offer.key}, offer=offer)
    return context


def _take_contact(request: HttpRequest, invitation: Invitation) -> tuple[PageState, int]:
    """The thank-you page's contact form: kept once, while its offer stands."""
    try:
        offer = contact.offer_for(invitation, request.POST["contact_key"])
    except contact.OfferRefused:
        return PageState("contact_closed"), 410
    if offer.already_given:
        return PageState("contact_saved"), 200
    form = ContactForm(request.POST, offer=offer)
    if not form.is_valid():
        return PageState("thanks", {"answer": offer.recovery.answer, "contact_form": form}), 422
    contact.leave_contact(offer, phone=form.cleaned_data["phone"], email=form.cleaned_data["email"])
    return PageState("contact_saved"), 200
