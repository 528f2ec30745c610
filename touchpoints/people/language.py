"""The language a signed-in person reads: their own choice, else the browser's.

Django's LocaleMiddleware picks a language from the browser (its cookie, then
Accept-Language) and silently drops any code it does not offer. This middleware runs after
it and after authentication, and puts the person's saved choice on top, so that a Danish
agent on a tablet set up in English reads Danish from the first screen.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import JavaScriptCatalog

from ..redirects import next_on_this_site


def offered(code: str | None) -> bool:
    """Whether `code` is one of the languages Moments is translated to."""
    return bool(code) and code in dict(settings.LANGUAGES)


def language_of(person) -> str:
    """The language to write to `person` in when no browser is asking (emails): theirs, or
    the default."""
    return person.language if offered(person.language) else settings.LANGUAGE_CODE


class ScriptCatalogue(JavaScriptCatalog):
    """The scripts' messages in the language the address names (`?l=sv`, as every page and
    the service worker ask for it), else the reader's. Browsers keep it by its address, for
    whoever signs in next on the tablet: so what is kept under an address is always in that
    address's language."""

    def get(self, request, *args, **kwargs):
        asked = request.GET.get("l")
        if not offered(asked):
            return super().get(request, *args, **kwargs)
        with translation.override(asked):
            return super().get(request, *args, **kwargs)


class PersonLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and offered(user.language):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    """Save the language chosen on the switch and go back to the page it was chosen on.

    A signed-in person keeps it in their profile (blank: follow the browser); the cookie
    keeps it for the sign-in page too, on this device. A code not offered changes nothing.
    """
    code = request.POST.get("language", "")
    back = next_on_this_site(request, request.POST.get("next")) or reverse("home")
    response = redirect(back)
    if code and not offered(code):
        return response
    if request.user.is_authenticated:
        request.user.language = code
        request.user.save(update_fields=["language"])
    if code:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, samesite="Lax")
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response


def language_choices() -> list[tuple[str, str]]:
    """(code, name in that language) for the switch."""
    return list(settings.LANGUAGES)
