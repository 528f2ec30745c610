"""What a request gets when something it needed failed: views Django calls itself."""

import sys

from django.core.exceptions import BadRequest
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views import defaults

# Raised for a database that is down, restarting or unreachable (and for the rare transient
# failure, a deadlock or a cancelled statement, which trying again also cures).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


class ShownBadRequest(BadRequest):
    """A request we refuse with a message written for the person who sent it (Django's own
    400 page shows none, so that no internal detail leaks): raise it with that message."""


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400, saying why when the view raised ShownBadRequest."""
    message = str(exception) if isinstance(exception, ShownBadRequest) else ""
    html = loader.render_to_string("400.html", {"message": message}, request)
    return HttpResponse(html, status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 page, except that a database that is unavailable gets a 503 saying when
    to try again. Django calls this for whatever a view or a middleware raised, inside its
    `except`, so the exception is still at hand. The tablet keeps an unsent moment and sends
    it again; the page itself reads nothing from the database.
    """
    if not isinstance(sys.exception(), DATABASE_UNAVAILABLE):
        return defaults.server_error(request)
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
