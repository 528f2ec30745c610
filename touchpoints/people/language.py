"""The language a signed-in person reads: their own choice, else the browser's.

Django's LocaleMiddleware picks a language from the browser (its cookie, then
Accept-Language) and silently drops any code it does not offer. This middleware runs after
it and after authentication, and puts the person's saved choice on top, so that a Danish
agent on a tablet set up in English reads Danish from the first screen.
"""

from django.conf import settings
from django.utils import translation


def offered(code: str | None) -> bool:
    """Whether `code` is one of the languages Moments is translated to."""
    return bool(code) and code in dict(settings.LANGUAGES)


class PersonLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and offered(user.language):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
