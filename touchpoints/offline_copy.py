"""The log screen's copy that the service worker keeps for opening with no network belongs to
one sign-in: the page tells the worker which (an opaque label, never the session key) and
until when, and the worker keeps the copy under that name, serves it only until then, and
drops it for any other sign-in (templates/touchpoints/sw.js; docs/security.md, "Nothing left
on the tablet")."""

from django.http import HttpRequest
from django.utils.crypto import salted_hmac

HEADER = "Moments-Offline-Copy"
SALT = "moments.offline_copy.session_label"


def copy_header(request: HttpRequest) -> str:
    """`<label>; expires=<unix seconds>` for the signed-in session of `request`."""
    label = salted_hmac(SALT, request.session.session_key or "", algorithm="sha256")
    expires = int(request.session.get_expiry_date().timestamp())
    return f"{label.hexdigest()[:32]}; expires={expires}"
