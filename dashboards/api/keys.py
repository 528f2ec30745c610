"""Who is calling: the bearer key, its scope, its rate limit, and the body size allowed.

Runs before anything else an operation does, so a body over the limit is refused before
it is read, and an unknown key before any query but its own lookup.
"""

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from ninja.security import HttpBearer

from dashboards.filters import Scope
from feedback.rate_limits import Limit, hit
from touchpoints.api_keys import ApiKey, key_for

from .problems import Problem


class BearerKey(HttpBearer):
    def __call__(self, request: HttpRequest):
        # The API speaks English whatever the caller's Accept-Language: its messages are
        # for the developers of an integration, and its codes are what scripts read.
        translation.activate("en")
        refuse_large_body(request)
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        key = key_for(token.strip())
        if key is None:
            return None
        limit_rate(key)
        key.note_use()
        return key


def refuse_large_body(request: HttpRequest) -> None:
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = 0
    if length > settings.API_MAX_BODY_BYTES:
        raise Problem(
            "payload_too_large",
            f"Send at most {settings.API_MAX_BODY_BYTES} bytes; split the batch.",
        )


def limit_rate(key: ApiKey) -> None:
    """Fixed windows per key in the shared cache, as the public pages' limits. While Redis
    is down every call counts as its window's first (config/cache.py): the limit fails open
    rather than refusing a contact centre's calls."""
    requests, seconds = settings.API_RATE_LIMIT
    rule = Limit("api-key", requests, seconds)
    if not hit(rule, str(key.pk)):
        wait = rule.retry_after()
        raise Problem(
            "rate_limited",
            f"This key may make {requests} calls per {seconds} s. Try again in {wait} s.",
            headers={"Retry-After": str(wait)},
        )


def scope_of(key: ApiKey) -> Scope:
    """The key's locations as the dashboards' scope: every query narrows by it."""
    return Scope(location_ids=key.location_ids)


def require(key: ApiKey, scope: str) -> None:
    if scope not in key.scopes:
        raise Problem("forbidden", f"This key has no {scope} scope.")
