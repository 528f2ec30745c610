"""Desks: tablets an admin registered to a location, recognised by a cookie they keep.

Registering makes a long random secret; the tablet keeps it in a signed, HttpOnly cookie
(Secure where sessions are) for years, and the database only its SHA-256. A random secret of
256 bits needs no slow hash: nobody can guess it, and the hash stops a copy of the table from
being used as a desk. Revoking the desk on the configuration site ends it at once.
"""

import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare

from ..models import Desk, Location, User

COOKIE = "moments_desk"
SALT = "moments.desk"
COOKIE_YEARS = 5


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def register(location: Location, name: str, by: User | None) -> tuple[Desk, str]:
    """A new desk at `location`, and the secret its tablet must keep (shown nowhere else)."""
    secret = secrets.token_urlsafe(32)
    desk = Desk.objects.create(
        location=location, name=name, secret_hash=_hash(secret), registered_by=by
    )
    return desk, secret


def remember(response: HttpResponse, desk: Desk, secret: str) -> None:
    """Make the browser that gets `response` this desk."""
    response.set_signed_cookie(
        COOKIE,
        f"{desk.pk}:{secret}",
        salt=SALT,
        max_age=COOKIE_YEARS * 365 * 24 * 3600,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


def desk_for(request: HttpRequest) -> Desk | None:
    """The active desk this browser is, or None; looked up once per request."""
    if not hasattr(request, "_desk"):
        request._desk = _lookup(request)
    return request._desk


def _lookup(request: HttpRequest) -> Desk | None:
    try:
        value = request.get_signed_cookie(COOKIE, salt=SALT)
    except (KeyError, signing.BadSignature):
        return None
    desk_id, _, secret = value.partition(":")
    if not desk_id.isdigit() or not secret:
        return None
    desk = Desk.objects.select_related("location").filter(pk=int(desk_id), active=True).first()
    if desk is None or not constant_time_compare(desk.secret_hash, _hash(secret)):
        return None
    return desk
