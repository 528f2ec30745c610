"""Nothing a page showed stays in the browser's cache: tablets are shared, and the next person
must not get the last one's screens back from it (docs/security.md, "Nothing left on the
tablet").

Every response that reaches Django gets `Cache-Control: no-store`: staff pages, exports, the
customer's answer pages (they show that customer's moment) and errors alike. Static assets
never get here (WhiteNoise answers them first, with their long cache). A view may still let a
public response be kept by saying so itself, for a visitor who is not signed in; a response
to a signed-in person is never kept, whatever its view said, unless the view is marked
`same_for_everyone`: it holds nothing of who asked (the scripts' message catalogue, which
every staff page loads and would otherwise fetch again on each page, on a slow network).
"""

from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


def same_for_everyone(view):
    """Marks `view` as answering every person alike, by its address alone: the cache headers
    it sets stand for a signed-in person too. Outside any cache_page, so that a response
    served from the server's cache is marked as well."""

    @wraps(view)
    def marked(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.same_for_everyone = True
        return response

    return marked


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        personal = _signed_in(request) and not getattr(response, "same_for_everyone", False)
        if not response.has_header("Cache-Control") or personal:
            add_never_cache_headers(response)
        return response


def _signed_in(request: HttpRequest) -> bool:
    # A request refused before the session was read (a 405, a NUL byte) has no user.
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated
